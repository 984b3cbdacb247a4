/**
 * Load state of an edit view: loading, the load error (404 shows "not found"),
 * and the optimistic-locking conflict. A save that hits a newer version on the
 * server sets `stale`; `reload()` fetches the current version and remounts the
 * form (`formKey`), announcing it.
 */

import { ApiError } from './api';
import { t } from './locale.svelte';
import { announce } from './status.svelte';

export class EditView {
  error: unknown = $state(null);
  loading = $state(true);
  /** Set when a save hit a newer version on the server (409). */
  stale = $state(false);
  /** Changes with every load, for `{#key}` around the form. */
  formKey = $state(0);
  readonly notFound = $derived(this.error instanceof ApiError && this.error.status === 404);

  private readonly fetch: () => Promise<void>;
  private readonly extras: () => Promise<void>;

  /**
   * `fetch` loads the item and sets the form values (its errors are the load
   * error); `extras` then loads what the form can do without.
   */
  constructor(fetch: () => Promise<void>, extras: () => Promise<void> = async () => {}) {
    this.fetch = fetch;
    this.extras = extras;
  }

  load = async (): Promise<void> => {
    this.error = null;
    try {
      await this.fetch();
      this.stale = false;
      this.formKey += 1;
      await this.extras();
    } catch (caught) {
      this.error = caught;
    } finally {
      this.loading = false;
    }
  };

  reload = async (): Promise<void> => {
    await this.load();
    if (!this.error) announce(t('edit.reloaded'));
  };

  /** Marks the form stale if `caught` is a version conflict; returns whether it was. */
  markStale(caught: unknown, code?: string): boolean {
    const conflict =
      caught instanceof ApiError &&
      caught.status === 409 &&
      caught.fields.length === 0 &&
      (code === undefined || caught.code === code);
    if (conflict) this.stale = true;
    return conflict;
  }
}

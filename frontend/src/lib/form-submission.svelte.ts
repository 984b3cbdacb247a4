/**
 * The shared part of a form's submit: one save at a time, the server's
 * problem kept for display (field messages in the current language), and
 * after a failure focus on the first invalid field or else on the general
 * error.
 */

import { tick } from 'svelte';
import { ApiError, fieldMessages } from './api';
import { errorMessage, unplacedFieldMessages } from './errors';
import { locale, t } from './locale.svelte';

interface Focusable {
  focus(): void;
}

interface Options<F extends string> {
  /** The fields the form shows, in order; the first with a message gets focus. */
  fields: () => readonly F[];
  /** The element id of a field's control. */
  idOf: (field: F) => string;
  /** The general error, focused when no field has a message. */
  alert: () => Focusable | undefined;
}

export class FormSubmission<F extends string = string> {
  private readonly options: Options<F>;
  error: unknown = $state(null);
  busy = $state(false);
  /** Messages by field name. */
  readonly fieldErrors = $derived(fieldMessages(this.error, locale.lang));
  /** Field messages for fields the form does not show, so none is lost. */
  readonly unplaced = $derived.by(() => unplacedFieldMessages(this.error, locale.lang, this.options.fields()));
  /** The general message: a summary when fields have messages, otherwise the error itself. */
  readonly generalMessage = $derived(generalFormMessage(this.error));

  constructor(options: Options<F>) {
    this.options = options;
  }

  /** The message of `field`, or ''. */
  err = (field: F): string => this.fieldErrors[field] ?? '';

  async submit(event: SubmitEvent, save: () => Promise<void>): Promise<void> {
    event.preventDefault();
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    try {
      await save();
    } catch (caught) {
      this.error = caught;
      await tick();
      const first = this.options.fields().find((f) => this.fieldErrors[f]);
      if (first) document.getElementById(this.options.idOf(first))?.focus();
      else this.options.alert()?.focus();
    } finally {
      this.busy = false;
    }
  }
}

/** '' without an error, the summary when the server named fields, else the error's message. */
export function generalFormMessage(error: unknown): string {
  if (error == null) return '';
  if (error instanceof ApiError && error.fields.length > 0) return t('error.summary');
  return errorMessage(error, locale.lang);
}

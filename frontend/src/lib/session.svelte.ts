/** Who is logged in, loaded once from GET /api/v1/me and updated on login/logout. */

import { api } from './api';
import { isOrganizer, type Account } from './conference';

const state = $state({ account: null as Account | null, loaded: false, failed: false });

export const session = {
  get account(): Account | null {
    return state.account;
  },
  /** False until the first /me answer (or failure) arrived. */
  get loaded(): boolean {
    return state.loaded;
  },
  get isOrganizer(): boolean {
    return isOrganizer(state.account);
  },
};

export async function loadSession(): Promise<void> {
  try {
    const res = await api.me();
    state.account = res.account ?? null;
    state.failed = false;
  } catch {
    // Treat an unreachable server as "not logged in"; pages show their own errors.
    state.account = null;
    state.failed = true;
  } finally {
    state.loaded = true;
  }
}

export function setAccount(account: Account | null): void {
  state.account = account;
  state.loaded = true;
}

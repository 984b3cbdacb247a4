/**
 * The page's one live connection (lib/live.ts) and its state as reactive
 * values for the views and the status indicator.
 */

import { untrack } from 'svelte';
import { LiveClient, liveUrl, type ConnectionState, type SubscribeOptions, type TopicEvent } from './live';

const client = new LiveClient({ url: () => liveUrl(window.location) });
const state = $state({ connection: client.state as ConnectionState, reconnected: false });

client.onState((next) => {
  // "Reconnected" is worth saying only after an interruption, not on the first connect.
  if (next === 'open') state.reconnected = state.connection === 'reconnecting';
  state.connection = next;
});

export const liveConnection = {
  get state(): ConnectionState {
    return state.connection;
  },
  /** The last change to "open" ended an interruption. */
  get reconnected(): boolean {
    return state.reconnected;
  },
};

/**
 * Follows `topic`: `onData` gets each snapshot and update (coalesced by the
 * server), `onError` a refused subscription. Returns the function that stops
 * following, for an `$effect`'s cleanup.
 */
export function follow<T>(
  topic: string,
  options: SubscribeOptions,
  onData: (data: T, snapshot: boolean) => void,
  onError?: (code: string) => void,
): () => void {
  // Held data is handed over at once, inside the caller's effect: untracked,
  // so what the handler reads does not become a reason to subscribe again.
  return untrack(() =>
    client.subscribe<T>(topic, options, (event: TopicEvent<T>) => {
      if (event.kind === 'data') onData(event.data, event.snapshot);
      else onError?.(event.error.code);
    }),
  );
}

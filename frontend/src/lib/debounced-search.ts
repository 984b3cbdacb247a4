/**
 * Search-as-you-type without flooding the server: a query runs only after the
 * input rested for `delay` ms, only from `minLength` characters, and a newer
 * query aborts the request of an older one, whose answer is then ignored even
 * if it still arrives. Framework-free, so it is unit-tested with fake timers.
 */

export interface DebouncedSearchOptions<T> {
  delay: number;
  minLength: number;
  /** Runs the search; must honour the signal (fetch does). */
  run: (query: string, signal: AbortSignal) => Promise<T>;
  /** The answer to the latest query. */
  onresult: (result: T, query: string) => void;
  /** The query became too short (or was cancelled): show nothing. */
  onclear: () => void;
  /** The latest query failed (aborts are not failures). */
  onerror?: (error: unknown) => void;
}

export interface DebouncedSearch {
  /** Call on every input with the current text. */
  update(text: string): void;
  /** Stops any pending or running search (e.g. when the component goes away). */
  cancel(): void;
}

export function debouncedSearch<T>(options: DebouncedSearchOptions<T>): DebouncedSearch {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | null = null;
  let lastQuery: string | null = null;

  function stop(): void {
    clearTimeout(timer);
    timer = undefined;
    controller?.abort();
    controller = null;
  }

  async function search(query: string): Promise<void> {
    const mine = new AbortController();
    controller = mine;
    try {
      const result = await options.run(query, mine.signal);
      if (controller === mine && !mine.signal.aborted) options.onresult(result, query);
    } catch (error) {
      if (controller === mine && !mine.signal.aborted) options.onerror?.(error);
    } finally {
      if (controller === mine) controller = null;
    }
  }

  return {
    update(text: string): void {
      const query = text.trim().replace(/\s+/g, ' ');
      if ([...query].length < options.minLength) {
        stop();
        if (lastQuery !== null) options.onclear();
        lastQuery = null;
        return;
      }
      if (query === lastQuery) return;
      lastQuery = query;
      // The answer to the previous text is stale now, whether or not it arrived.
      stop();
      timer = setTimeout(() => {
        timer = undefined;
        void search(query);
      }, options.delay);
    },
    cancel(): void {
      stop();
      lastQuery = null;
    },
  };
}

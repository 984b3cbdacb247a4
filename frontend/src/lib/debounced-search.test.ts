import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { debouncedSearch } from './debounced-search';

/** A search whose answers the test releases by hand. */
function controllableRun() {
  const calls: { query: string; signal: AbortSignal; resolve: (v: string[]) => void; reject: (e: unknown) => void }[] = [];
  const run = vi.fn(
    (query: string, signal: AbortSignal) =>
      new Promise<string[]>((resolve, reject) => {
        calls.push({ query, signal, resolve, reject });
        signal.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')));
      }),
  );
  return { run, calls };
}

describe('debouncedSearch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits until typing rests, then searches once with the latest text', async () => {
    const { run, calls } = controllableRun();
    const onresult = vi.fn();
    const s = debouncedSearch({ delay: 300, minLength: 3, run, onresult, onclear: vi.fn() });
    s.update('Obs');
    await vi.advanceTimersByTimeAsync(200);
    s.update('Obst');
    await vi.advanceTimersByTimeAsync(200);
    s.update('Obstb');
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(300);
    expect(run).toHaveBeenCalledTimes(1);
    expect(calls[0]?.query).toBe('Obstb');
    calls[0]?.resolve(['Obstbäume']);
    await vi.advanceTimersByTimeAsync(0);
    expect(onresult).toHaveBeenCalledWith(['Obstbäume'], 'Obstb');
  });

  it('does not search below the minimum length and clears what was shown', async () => {
    const { run, calls } = controllableRun();
    const onclear = vi.fn();
    const s = debouncedSearch({ delay: 300, minLength: 3, run, onresult: vi.fn(), onclear });
    s.update('ab');
    s.update('  ab  ');
    await vi.advanceTimersByTimeAsync(1000);
    expect(run).not.toHaveBeenCalled();
    expect(onclear).not.toHaveBeenCalled();

    s.update('abc');
    await vi.advanceTimersByTimeAsync(300);
    calls[0]?.resolve([]);
    s.update('ab');
    expect(onclear).toHaveBeenCalledTimes(1);
  });

  it('aborts the running request when the text changes and ignores its late answer', async () => {
    const { run, calls } = controllableRun();
    const onresult = vi.fn();
    const onerror = vi.fn();
    const s = debouncedSearch({ delay: 300, minLength: 3, run, onresult, onclear: vi.fn(), onerror });
    s.update('Radweg');
    await vi.advanceTimersByTimeAsync(300);
    s.update('Radwege');
    expect(calls[0]?.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(300);
    expect(calls[1]?.query).toBe('Radwege');
    calls[0]?.resolve(['stale']);
    calls[1]?.resolve(['fresh']);
    await vi.advanceTimersByTimeAsync(0);
    expect(onresult).toHaveBeenCalledTimes(1);
    expect(onresult).toHaveBeenCalledWith(['fresh'], 'Radwege');
    expect(onerror).not.toHaveBeenCalled();
  });

  it('does not search the same text twice in a row (e.g. a trailing blank)', async () => {
    const { run } = controllableRun();
    const s = debouncedSearch({ delay: 300, minLength: 3, run, onresult: vi.fn(), onclear: vi.fn() });
    s.update('Kita');
    await vi.advanceTimersByTimeAsync(300);
    s.update('Kita ');
    await vi.advanceTimersByTimeAsync(300);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('reports failures of the latest search, and cancel stops everything', async () => {
    const { run, calls } = controllableRun();
    const onerror = vi.fn();
    const onresult = vi.fn();
    const s = debouncedSearch({ delay: 300, minLength: 3, run, onresult, onclear: vi.fn(), onerror });
    s.update('Kita');
    await vi.advanceTimersByTimeAsync(300);
    calls[0]?.reject(new Error('offline'));
    await vi.advanceTimersByTimeAsync(0);
    expect(onerror).toHaveBeenCalledTimes(1);

    s.update('Kitas');
    s.cancel();
    await vi.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(1);
    expect(onresult).not.toHaveBeenCalled();
  });
});

/**
 * At most one call every `intervalMs`, always ending on the latest value:
 * for live regions that must not flood a screen reader while numbers change
 * many times a second.
 */
export function throttleLatest<T>(
  intervalMs: number,
  emit: (value: T) => void,
  clock: { now: () => number; setTimeout: (fn: () => void, ms: number) => unknown; clearTimeout: (h: unknown) => void } = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  },
): { push: (value: T) => void; stop: () => void } {
  let last = -Infinity;
  let timer: unknown = null;
  let pending: { value: T } | null = null;
  const flush = () => {
    timer = null;
    if (!pending) return;
    last = clock.now();
    const { value } = pending;
    pending = null;
    emit(value);
  };
  return {
    push(value: T) {
      pending = { value };
      if (timer !== null) return;
      const wait = last + intervalMs - clock.now();
      if (wait <= 0) flush();
      else timer = clock.setTimeout(flush, wait);
    },
    stop() {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}

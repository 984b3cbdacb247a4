import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttleLatest } from './throttle';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('throttleLatest', () => {
  it('emits the first value at once, then at most once per interval, ending on the latest', () => {
    const got: number[] = [];
    const t = throttleLatest<number>(5000, (v) => got.push(v));
    t.push(1);
    expect(got).toEqual([1]);
    t.push(2);
    t.push(3);
    vi.advanceTimersByTime(4999);
    expect(got).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(got).toEqual([1, 3]);
    vi.advanceTimersByTime(10_000);
    expect(got).toEqual([1, 3]);
    t.push(4);
    expect(got).toEqual([1, 3, 4]);
  });

  it('stop() drops what is pending', () => {
    const got: number[] = [];
    const t = throttleLatest<number>(1000, (v) => got.push(v));
    t.push(1);
    t.push(2);
    t.stop();
    vi.advanceTimersByTime(5000);
    expect(got).toEqual([1]);
  });
});

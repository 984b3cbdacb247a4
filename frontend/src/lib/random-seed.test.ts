import { describe, expect, it } from 'vitest';
import { SEED_MAX, SEED_STORAGE_KEY, isValidSeed, newSeed, sessionSeed, type SeedStorage } from './random-seed';

function memoryStorage(initial: Record<string, string> = {}): SeedStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return {
    data,
    getItem: (k) => (k in data ? (data[k] ?? null) : null),
    setItem: (k, v) => {
      data[k] = v;
    },
  };
}

describe('newSeed', () => {
  it('stays within [1, SEED_MAX], at most nine digits as the server accepts', () => {
    expect(String(SEED_MAX)).toHaveLength(9);
    expect(newSeed(() => 0)).toBe(1);
    expect(newSeed(() => 0.999999999999)).toBeLessThanOrEqual(SEED_MAX);
    for (let i = 0; i < 100; i++) expect(isValidSeed(newSeed())).toBe(true);
  });
});

describe('sessionSeed', () => {
  it('creates a seed once and then keeps it for the session', () => {
    const storage = memoryStorage();
    const first = sessionSeed(storage, () => 0.5);
    expect(isValidSeed(first)).toBe(true);
    expect(storage.data[SEED_STORAGE_KEY]).toBe(String(first));
    expect(sessionSeed(storage, () => 0.1)).toBe(first);
  });

  it('replaces a stored value that is not a valid seed', () => {
    for (const bad of ['', 'abc', '-5', '0', '1.5', String(SEED_MAX + 1), '2147483647']) {
      const storage = memoryStorage({ [SEED_STORAGE_KEY]: bad });
      const seed = sessionSeed(storage, () => 0.25);
      expect(isValidSeed(seed), bad).toBe(true);
      expect(storage.data[SEED_STORAGE_KEY]).toBe(String(seed));
    }
  });

  it('falls back to one in-memory seed when storage throws', () => {
    const broken: SeedStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    const a = sessionSeed(broken, () => 0.3);
    expect(isValidSeed(a)).toBe(true);
    expect(sessionSeed(broken, () => 0.7)).toBe(a);
    expect(sessionSeed(null)).toBe(a);
  });
});

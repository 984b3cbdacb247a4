/**
 * The seed of the random ("fair exposure") order: chosen once per browser
 * session and kept in sessionStorage, so "load more" continues the same
 * shuffled order and a reload does not reshuffle what the user has seen;
 * a new session gets a new order, so no idea is always last.
 */

export const SEED_STORAGE_KEY = 'ideenmarkt.randomSeed';
/**
 * Seeds are positive integers of at most nine digits: the server's query
 * parser refuses larger numbers (422, field `seed`), whatever the type behind it.
 */
export const SEED_MAX = 999_999_999;

export interface SeedStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function isValidSeed(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= SEED_MAX;
}

/** A new random seed in [1, SEED_MAX]. */
export function newSeed(random: () => number = Math.random): number {
  return 1 + Math.floor(random() * (SEED_MAX - 1));
}

/**
 * The session's seed: the stored one when valid, otherwise a new one, which
 * is stored. Without usable storage (private mode, disabled) it falls back to
 * a seed for this page load, kept in memory.
 */
let memorySeed: number | null = null;

export function sessionSeed(storage: SeedStorage | null = defaultStorage(), random: () => number = Math.random): number {
  try {
    const stored = storage?.getItem(SEED_STORAGE_KEY);
    const parsed = stored != null && /^\d+$/.test(stored) ? Number(stored) : NaN;
    if (isValidSeed(parsed)) return parsed;
    const seed = newSeed(random);
    storage?.setItem(SEED_STORAGE_KEY, String(seed));
    if (storage) return seed;
  } catch {
    // fall through to the in-memory seed
  }
  memorySeed ??= newSeed(random);
  return memorySeed;
}

function defaultStorage(): SeedStorage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

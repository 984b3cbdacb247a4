/**
 * Ballots on the phone: the choices being made (option id → number), the
 * checks the server makes (so most mistakes are explained before sending;
 * the server's 422 still shows when it disagrees), and sending with retries
 * over bad Wi-Fi under one client ballot id.
 */

import { ApiError } from './api';
import type { MessageKey, MessageParams } from './i18n';
import type { BallotReceipt, BallotValues, Round, VoteMethod } from './voting';

/** The choices being made: option id → value (1 = chosen/yes, 0 = no, points, stars, rank). */
export type Choices = Record<number, number>;

/** A problem with the choices, as a catalogue key with its parameters. */
export interface BallotProblem {
  key: MessageKey;
  params?: MessageParams;
}

type Rules = Pick<Round, 'method' | 'options' | 'maxChoices' | 'points' | 'maxPerOption'>;

/** The rating scale. */
export const STARS = 5;

/** What `multiple` allows at most (the server's default is 3, never more than there are options). */
export function maxChoicesOf(round: Rules): number {
  return Math.min(round.maxChoices || 3, round.options.length);
}

export function pointsOf(round: Rules): number {
  return round.points || 5;
}

export function maxPerOptionOf(round: Rules): number {
  return Math.min(round.maxPerOption || 3, pointsOf(round));
}

/** The choices without the entries that mean "nothing" (0 points on dots). */
export function cleanChoices(method: VoteMethod, choices: Choices): Choices {
  const out: Choices = {};
  for (const [id, value] of Object.entries(choices)) {
    if (!Number.isFinite(value)) continue;
    if (method === 'dots' && value === 0) continue;
    out[Number(id)] = value;
  }
  return out;
}

function sum(choices: Choices): number {
  return Object.values(choices).reduce((a, b) => a + b, 0);
}

/** The first problem the server would find with these choices, or null. */
export function validateChoices(round: Rules, choices: Choices): BallotProblem | null {
  const values = cleanChoices(round.method, choices);
  const ids = new Set(round.options.map((o) => o.id));
  const entries = Object.entries(values).map(([id, v]) => [Number(id), v] as const);
  if (entries.some(([id]) => !ids.has(id))) return { key: 'ballot.error.unknownOption' };
  const all = (lo: number, hi: number) => entries.every(([, v]) => Number.isInteger(v) && v >= lo && v <= hi);
  switch (round.method) {
    case 'single':
      return entries.length === 1 && all(1, 1) ? null : { key: 'ballot.error.chooseOne' };
    case 'multiple': {
      if (entries.length === 0 || !all(1, 1)) return { key: 'ballot.error.chooseSome' };
      const max = maxChoicesOf(round);
      return entries.length > max ? { key: 'ballot.error.tooMany', params: { count: max } } : null;
    }
    case 'dots': {
      const per = maxPerOptionOf(round);
      if (!all(0, Number.MAX_SAFE_INTEGER)) return { key: 'ballot.error.negative' };
      if (!all(0, per)) return { key: 'ballot.error.tooManyOnOne', params: { count: per } };
      const total = sum(values);
      if (total === 0) return { key: 'ballot.error.noPoints' };
      const points = pointsOf(round);
      return total > points ? { key: 'ballot.error.overBudget', params: { count: points } } : null;
    }
    case 'approval':
      if (entries.length === 0) return { key: 'ballot.error.answerOne' };
      return all(0, 1) ? null : { key: 'ballot.error.yesNo' };
    case 'rating':
      if (entries.length === 0) return { key: 'ballot.error.rateOne' };
      return all(1, STARS) ? null : { key: 'ballot.error.stars' };
    case 'ranking': {
      const ranks = entries.map(([, v]) => v).sort((a, b) => a - b);
      const ok = ranks.length > 0 && ranks.every((r, i) => r === i + 1);
      return ok ? null : { key: 'ballot.error.ranks' };
    }
  }
}

/** Choices as the API's JSON object (option ids as keys). */
export function toBallotValues(method: VoteMethod, choices: Choices): BallotValues {
  const out: BallotValues = {};
  for (const [id, value] of Object.entries(cleanChoices(method, choices))) out[id] = value;
  return out;
}

/** The API's values as choices; keys that are not option ids are dropped. */
export function fromBallotValues(values: BallotValues | null | undefined): Choices {
  const out: Choices = {};
  for (const [id, value] of Object.entries(values ?? {})) {
    const n = Number(id);
    if (Number.isInteger(n) && typeof value === 'number') out[n] = value;
  }
  return out;
}

/** How many more options `multiple` allows. */
export function choicesLeft(round: Rules, choices: Choices): number {
  return Math.max(0, maxChoicesOf(round) - Object.values(choices).filter((v) => v === 1).length);
}

/** How many dots are left to give. */
export function pointsLeft(round: Rules, choices: Choices): number {
  return Math.max(0, pointsOf(round) - sum(cleanChoices('dots', choices)));
}

/** One more (`+1`) or one fewer (`-1`) dot on an option, within the budget and the per-option limit. */
export function stepDots(round: Rules, choices: Choices, optionId: number, delta: 1 | -1): Choices {
  const current = choices[optionId] ?? 0;
  const next = current + delta;
  if (next < 0 || next > maxPerOptionOf(round)) return choices;
  if (delta > 0 && pointsLeft(round, choices) === 0) return choices;
  return { ...choices, [optionId]: next };
}

/** The option ids in the order of a ranking ballot; options it does not rank follow in option order. */
export function rankingOrder(round: Pick<Round, 'options'>, choices: Choices): number[] {
  const ranked = round.options
    .filter((o) => (choices[o.id] ?? 0) > 0)
    .sort((a, b) => (choices[a.id] ?? 0) - (choices[b.id] ?? 0))
    .map((o) => o.id);
  const rest = round.options.filter((o) => !ranked.includes(o.id)).map((o) => o.id);
  return [...ranked, ...rest];
}

/** A ranking as choices: the first option gets rank 1, and so on. */
export function orderToChoices(order: readonly number[]): Choices {
  const out: Choices = {};
  order.forEach((id, i) => (out[id] = i + 1));
  return out;
}

/** The order with the item at `index` moved by `delta` places (clamped to the list). */
export function moveInOrder(order: readonly number[], index: number, delta: number): number[] {
  const to = Math.max(0, Math.min(order.length - 1, index + delta));
  if (index < 0 || index >= order.length || to === index) return [...order];
  const next = [...order];
  const [item] = next.splice(index, 1);
  next.splice(to, 0, item as number);
  return next;
}

/**
 * A client ballot id: a random UUID. `crypto.randomUUID` exists only in
 * secure contexts; a conference Wi-Fi serving plain http still gets one.
 */
export function newBallotId(c: Pick<Crypto, 'getRandomValues'> & Partial<Pick<Crypto, 'randomUUID'>> = crypto): string {
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether a failed send is worth repeating: the network, or a gateway/server that is briefly away. */
export function isRetryable(error: unknown): boolean {
  return error instanceof ApiError && (error.code === 'network' || [502, 503, 504].includes(error.status));
}

export interface SendOptions {
  cast: (values: BallotValues, clientBallotId: string) => Promise<BallotReceipt>;
  sleep?: (ms: number) => Promise<void>;
  /** Attempts in all, the first included. */
  attempts?: number;
  /** Called before each retry, with its number (1, 2, …). */
  onRetry?: (retry: number) => void;
}

/**
 * Sends one ballot. Network failures are retried with backoff (0.5 s, 1 s,
 * 2 s, …) under the same client ballot id, so a ballot that did arrive is
 * answered as "same" rather than counted twice. Other errors are thrown at once.
 */
export async function sendBallot(values: BallotValues, clientBallotId: string, options: SendOptions): Promise<BallotReceipt> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const attempts = options.attempts ?? 6;
  for (let attempt = 1; ; attempt++) {
    try {
      return await options.cast(values, clientBallotId);
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await sleep(Math.min(8_000, 500 * 2 ** (attempt - 1)));
      options.onRetry?.(attempt);
    }
  }
}

import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import {
  choicesLeft,
  fromBallotValues,
  moveInOrder,
  newBallotId,
  orderToChoices,
  pointsLeft,
  rankingOrder,
  sendBallot,
  stepDots,
  toBallotValues,
  validateChoices,
  type Choices,
} from './ballot';
import type { BallotReceipt, Round, VoteMethod } from './voting';

function round(method: VoteMethod, extra: Partial<Round> = {}): Round {
  return {
    id: 1,
    conferenceId: 1,
    sessionId: 1,
    title: 'Frage',
    method,
    options: [1, 2, 3, 4].map((id) => ({ id, label: `Option ${id}` })),
    liveResults: true,
    anonymous: true,
    changeable: true,
    eligibility: 'joined',
    state: 'open',
    version: 1,
    ...extra,
  };
}

const key = (r: Round, c: Choices) => validateChoices(r, c)?.key ?? null;

describe('validateChoices mirrors the server', () => {
  it('single: exactly one option', () => {
    const r = round('single');
    expect(key(r, { 2: 1 })).toBeNull();
    expect(key(r, {})).toBe('ballot.error.chooseOne');
    expect(key(r, { 1: 1, 2: 1 })).toBe('ballot.error.chooseOne');
    expect(key(r, { 9: 1 })).toBe('ballot.error.unknownOption');
  });

  it('multiple: 1 … maxChoices options', () => {
    const r = round('multiple', { maxChoices: 2 });
    expect(key(r, { 1: 1 })).toBeNull();
    expect(key(r, { 1: 1, 3: 1 })).toBeNull();
    expect(key(r, {})).toBe('ballot.error.chooseSome');
    expect(validateChoices(r, { 1: 1, 2: 1, 3: 1 })).toEqual({ key: 'ballot.error.tooMany', params: { count: 2 } });
    // Never more than there are options; 3 when the round says nothing.
    expect(choicesLeft(round('multiple'), {})).toBe(3);
    expect(choicesLeft(round('multiple', { maxChoices: 10 }), { 1: 1 })).toBe(3);
  });

  it('dots: each ≤ maxPerOption, sum 1 … points; zeros do not count', () => {
    const r = round('dots', { points: 5, maxPerOption: 3 });
    expect(key(r, { 1: 3, 2: 2 })).toBeNull();
    expect(key(r, { 1: 0, 2: 1 })).toBeNull();
    expect(key(r, { 1: 0 })).toBe('ballot.error.noPoints');
    expect(key(r, { 1: 4 })).toBe('ballot.error.tooManyOnOne');
    expect(validateChoices(r, { 1: 3, 2: 3 })).toEqual({ key: 'ballot.error.overBudget', params: { count: 5 } });
    expect(key(r, { 1: -1 })).toBe('ballot.error.negative');
    expect(toBallotValues('dots', { 1: 0, 2: 2 })).toEqual({ '2': 2 });
  });

  it('approval: at least one answer, yes (1) or no (0)', () => {
    const r = round('approval');
    expect(key(r, { 1: 1, 2: 0 })).toBeNull();
    expect(key(r, { 3: 0 })).toBeNull();
    expect(key(r, {})).toBe('ballot.error.answerOne');
    expect(key(r, { 1: 2 })).toBe('ballot.error.yesNo');
  });

  it('rating: at least one, 1 … 5 stars', () => {
    const r = round('rating');
    expect(key(r, { 1: 5, 4: 1 })).toBeNull();
    expect(key(r, {})).toBe('ballot.error.rateOne');
    expect(key(r, { 1: 6 })).toBe('ballot.error.stars');
    expect(key(r, { 1: 0 })).toBe('ballot.error.stars');
  });

  it('ranking: ranks 1 … k without gaps or ties', () => {
    const r = round('ranking');
    expect(key(r, { 1: 1, 2: 2, 3: 3, 4: 4 })).toBeNull();
    expect(key(r, { 3: 1 })).toBeNull();
    expect(key(r, { 1: 1, 2: 3 })).toBe('ballot.error.ranks');
    expect(key(r, { 1: 1, 2: 1 })).toBe('ballot.error.ranks');
    expect(key(r, {})).toBe('ballot.error.ranks');
  });
});

describe('dots', () => {
  const r = round('dots', { points: 5, maxPerOption: 3 });

  it('steps within the per-option limit and the budget', () => {
    let c: Choices = {};
    for (let i = 0; i < 5; i++) c = stepDots(r, c, 1, 1);
    expect(c).toEqual({ 1: 3 });
    c = stepDots(r, c, 2, 1);
    c = stepDots(r, c, 2, 1);
    expect(pointsLeft(r, c)).toBe(0);
    expect(stepDots(r, c, 3, 1)).toBe(c);
    c = stepDots(r, c, 1, -1);
    expect(c).toEqual({ 1: 2, 2: 2 });
    expect(pointsLeft(r, c)).toBe(1);
    expect(stepDots(r, { 4: 0 }, 4, -1)).toEqual({ 4: 0 });
  });
});

describe('ranking', () => {
  const r = round('ranking');

  it('orders by the ballot, unranked options after in option order', () => {
    expect(rankingOrder(r, {})).toEqual([1, 2, 3, 4]);
    expect(rankingOrder(r, { 3: 1, 1: 2 })).toEqual([3, 1, 2, 4]);
    expect(orderToChoices([3, 1, 2, 4])).toEqual({ 3: 1, 1: 2, 2: 3, 4: 4 });
  });

  it('moves an item up and down, clamped to the list', () => {
    expect(moveInOrder([1, 2, 3], 2, -1)).toEqual([1, 3, 2]);
    expect(moveInOrder([1, 2, 3], 0, 1)).toEqual([2, 1, 3]);
    expect(moveInOrder([1, 2, 3], 0, -1)).toEqual([1, 2, 3]);
    expect(moveInOrder([1, 2, 3], 2, 5)).toEqual([1, 2, 3]);
  });
});

describe('values', () => {
  it('reads the API values and drops what is not an option id', () => {
    expect(fromBallotValues({ '3': 1, x: 2 })).toEqual({ 3: 1 });
    expect(fromBallotValues(null)).toEqual({});
  });
});

describe('newBallotId', () => {
  it('uses randomUUID where the browser has it', () => {
    expect(newBallotId({ randomUUID: () => 'a-b-c-d-e' as `${string}-${string}-${string}-${string}-${string}`, getRandomValues: (a) => a })).toBe('a-b-c-d-e');
  });

  it('makes a version-4 UUID from random bytes otherwise (plain http)', () => {
    const id = newBallotId({ getRandomValues: <T extends ArrayBufferView | null>(a: T) => {
      (a as unknown as Uint8Array).fill(0xff);
      return a;
    } });
    expect(id).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });
});

describe('sendBallot', () => {
  const receipt: BallotReceipt = { roundId: 1, clientBallotId: 'id-1', outcome: 'created', values: { '1': 1 }, castAt: '2026-09-10T10:00:00Z' };

  it('retries network failures with the same id and backoff', async () => {
    const ids: string[] = [];
    const waits: number[] = [];
    let calls = 0;
    const got = await sendBallot({ '1': 1 }, 'id-1', {
      cast: async (_v, id) => {
        ids.push(id);
        calls++;
        if (calls < 3) throw new ApiError({ status: 0, code: 'network' });
        return receipt;
      },
      sleep: async (ms) => void waits.push(ms),
    });
    expect(got).toBe(receipt);
    expect(ids).toEqual(['id-1', 'id-1', 'id-1']);
    expect(waits).toEqual([500, 1000]);
  });

  it('gives up after the last attempt, and never retries what the server refused', async () => {
    let calls = 0;
    const unavailable = new ApiError({ status: 503, code: 'unavailable' });
    await expect(
      sendBallot({}, 'x', { cast: async () => { calls++; throw unavailable; }, sleep: async () => {}, attempts: 3 }),
    ).rejects.toBe(unavailable);
    expect(calls).toBe(3);

    calls = 0;
    const invalid = new ApiError({ status: 422, code: 'invalid' });
    await expect(sendBallot({}, 'x', { cast: async () => { calls++; throw invalid; }, sleep: async () => {} })).rejects.toBe(invalid);
    expect(calls).toBe(1);
  });
});

/**
 * The "Neue Abstimmung" form's values, as the inputs hold them, and the
 * request body made from them.
 */

import type { RoundInput, VoteMethod } from './voting';

export interface RoundFormValues {
  title: string;
  method: VoteMethod;
  /** Ideas picked by hand, in the order they were picked. */
  ideaIds: number[];
  /** Number inputs hold text (or a number, or null, as Svelte hands them over). */
  topN: string | number | null;
  topic: string;
  /** Free-text options, one per row; rows are sent as they are, so the server's `labels.N` names the row. */
  labels: string[];
  maxChoices: string | number | null;
  points: string | number | null;
  maxPerOption: string | number | null;
  liveResults: boolean;
  anonymous: boolean;
  changeable: boolean;
}

/** Field names in form order, as in the API's problem documents (plus `labels.N` per row). */
export const roundFields = [
  'title',
  'method',
  'options',
  'ideaIds',
  'topN',
  'topic',
  'labels',
  'maxChoices',
  'points',
  'maxPerOption',
] as const;
export type RoundField = (typeof roundFields)[number] | `labels.${number}`;

export function emptyRoundForm(): RoundFormValues {
  return {
    title: '',
    method: 'single',
    ideaIds: [],
    topN: '',
    topic: '',
    labels: [],
    maxChoices: '3',
    points: '5',
    maxPerOption: '3',
    liveResults: true,
    anonymous: true,
    changeable: true,
  };
}

/**
 * A number input's value as a number: empty is 0 (the server's default),
 * text that is not a whole number is -1 so the server names the field.
 */
export function parseCount(value: string | number | null): number {
  if (value == null) return 0;
  const text = String(value).trim();
  if (text === '') return 0;
  const n = Number(text);
  return Number.isInteger(n) ? n : -1;
}

/** How many options the round will have at most (top N may find fewer ideas). */
export function optionCount(v: RoundFormValues): number {
  return v.ideaIds.length + Math.max(0, parseCount(v.topN)) + v.labels.length;
}

export function toRoundInput(v: RoundFormValues): RoundInput {
  const body: RoundInput = {
    title: v.title.trim(),
    method: v.method,
    ideaIds: [...v.ideaIds],
    topN: parseCount(v.topN),
    topic: v.topic,
    labels: v.labels.map((l) => l.trim()),
    liveResults: v.liveResults,
    anonymous: v.anonymous,
    changeable: v.changeable,
    eligibility: 'joined',
  };
  if (body.topN === 0) body.topic = '';
  if (v.method === 'multiple') body.maxChoices = parseCount(v.maxChoices);
  if (v.method === 'dots') {
    body.points = parseCount(v.points);
    body.maxPerOption = parseCount(v.maxPerOption);
  }
  return body;
}

/**
 * The conference form's values (all strings, as the inputs hold them) and
 * their conversion to and from the API's JSON.
 */

import type { Anonymity, Conference, ConferenceCreate, ConferencePatch } from './conference';
import { APP_TIME_ZONE, isoToLocalInput, localInputToIso } from './dates';

export interface ConferenceFormValues {
  slug: string;
  title: string;
  description: string;
  /** `datetime-local` value, wall time in Europe/Berlin. */
  startsAt: string;
  endsAt: string;
  venue: string;
  /** Text of the number input; Svelte may hand us a number or null. */
  capacity: string | number | null;
  /** One topic per line. */
  topics: string;
  /** One department per line. */
  departments: string;
  anonymity: Anonymity;
  lateIdeas: boolean;
}

/** Field names in form order; they match the API's field names in problem documents. */
export const conferenceFields = [
  'slug',
  'title',
  'description',
  'startsAt',
  'endsAt',
  'venue',
  'capacity',
  'topics',
  'departments',
  'anonymity',
  'lateIdeas',
] as const;
export type ConferenceField = (typeof conferenceFields)[number];

export function emptyConferenceForm(): ConferenceFormValues {
  return {
    slug: '',
    title: '',
    description: '',
    startsAt: '',
    endsAt: '',
    venue: '',
    capacity: '',
    topics: '',
    departments: '',
    anonymity: 'allowed',
    lateIdeas: false,
  };
}

export function formFromConference(c: Conference, timeZone: string = APP_TIME_ZONE): ConferenceFormValues {
  return {
    slug: c.slug,
    title: c.title,
    description: c.description ?? '',
    startsAt: isoToLocalInput(c.startsAt, timeZone),
    endsAt: isoToLocalInput(c.endsAt, timeZone),
    venue: c.venue ?? '',
    // 0 is the server's "not set"; it shows as an empty field, and an empty field saves as 0.
    capacity: c.capacity ? String(c.capacity) : '',
    topics: (c.topics ?? []).join('\n'),
    departments: (c.departments ?? []).join('\n'),
    anonymity: c.anonymity ?? 'allowed',
    lateIdeas: c.lateIdeas ?? false,
  };
}

/**
 * The capacity as a number, or undefined when the input is empty. Text that
 * is not a number becomes -1 rather than being dropped, so the server's
 * validation reports the mistake next to the field.
 */
export function parseCapacity(value: string | number | null): number | undefined {
  if (value == null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const text = value.trim();
  if (text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : -1;
}

/**
 * The non-empty, trimmed lines of a "one per line" text, without duplicates
 * (first occurrence wins), in their order.
 */
export function parseLines(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const item = line.trim();
    if (item !== '' && !out.includes(item)) out.push(item);
  }
  return out;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A time as RFC 3339, or undefined for an empty/invalid input (the server then reports it as missing). */
function time(value: string, timeZone: string): string | undefined {
  return localInputToIso(value, timeZone) ?? undefined;
}

export function toCreateBody(v: ConferenceFormValues, timeZone: string = APP_TIME_ZONE): ConferenceCreate {
  const body: ConferenceCreate = {
    slug: v.slug.trim(),
    title: v.title.trim(),
    description: v.description,
    venue: v.venue.trim(),
    topics: parseLines(v.topics),
    departments: parseLines(v.departments),
    anonymity: v.anonymity,
    lateIdeas: v.lateIdeas,
  };
  const startsAt = time(v.startsAt, timeZone);
  const endsAt = time(v.endsAt, timeZone);
  const capacity = parseCapacity(v.capacity);
  if (startsAt !== undefined) body.startsAt = startsAt;
  if (endsAt !== undefined) body.endsAt = endsAt;
  if (capacity !== undefined) body.capacity = capacity;
  return body;
}

/**
 * Only the fields that differ from `original`, plus `original.version` for
 * optimistic locking. Times are compared as instants, so an unchanged input
 * never re-sends a time merely spelled differently (Z vs +02:00).
 */
export function toPatchBody(
  v: ConferenceFormValues,
  original: Conference,
  timeZone: string = APP_TIME_ZONE,
): ConferencePatch {
  const patch: ConferencePatch = { version: original.version };
  const title = v.title.trim();
  const venue = v.venue.trim();
  if (title !== original.title) patch.title = title;
  if (v.description !== (original.description ?? '')) patch.description = v.description;
  if (venue !== (original.venue ?? '')) patch.venue = venue;
  const capacity = parseCapacity(v.capacity) ?? 0;
  if (capacity !== (original.capacity ?? 0)) patch.capacity = capacity;
  const topics = parseLines(v.topics);
  const departments = parseLines(v.departments);
  if (!sameList(topics, original.topics ?? [])) patch.topics = topics;
  if (!sameList(departments, original.departments ?? [])) patch.departments = departments;
  if (v.anonymity !== (original.anonymity ?? 'allowed')) patch.anonymity = v.anonymity;
  if (v.lateIdeas !== (original.lateIdeas ?? false)) patch.lateIdeas = v.lateIdeas;
  for (const key of ['startsAt', 'endsAt'] as const) {
    const iso = time(v[key], timeZone);
    if (iso !== undefined && Date.parse(iso) !== Date.parse(original[key])) patch[key] = iso;
  }
  return patch;
}

/** True when the patch carries nothing but the version. */
export function isEmptyPatch(patch: ConferencePatch): boolean {
  return Object.keys(patch).every((k) => k === 'version');
}

/**
 * A slug proposal from a title: German umlauts transliterated, everything
 * else reduced to lower-case ASCII letters, digits and single hyphens.
 */
export function slugify(title: string, maxLength = 60): string {
  const transliterated = title
    .replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue')
    .replace(/Ä/g, 'Ae').replace(/Ö/g, 'Oe').replace(/Ü/g, 'Ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  return transliterated
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '');
}

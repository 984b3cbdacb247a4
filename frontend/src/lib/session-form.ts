/**
 * The session (agenda entry) form's values, as the inputs hold them, and
 * their conversion to and from the API's JSON.
 */

import { APP_TIME_ZONE, isoToLocalInput, localInputToIso } from './dates';
import type { AgendaInput, AgendaSession } from './voting';

export interface SessionFormValues {
  title: string;
  room: string;
  description: string;
  /** `datetime-local` values, wall time in Europe/Berlin. */
  startsAt: string;
  endsAt: string;
  moderatorIds: number[];
}

/** Field names in form order; they match the API's field names in problem documents. */
export const sessionFields = ['title', 'room', 'description', 'startsAt', 'endsAt', 'moderatorIds'] as const;
export type SessionField = (typeof sessionFields)[number];

/** An empty form; the times start at `startsAt` (e.g. the conference's start) and last an hour. */
export function emptySessionForm(startsAt?: string, timeZone: string = APP_TIME_ZONE): SessionFormValues {
  const start = startsAt ? Date.parse(startsAt) : NaN;
  return {
    title: '',
    room: '',
    description: '',
    startsAt: Number.isNaN(start) ? '' : isoToLocalInput(new Date(start).toISOString(), timeZone),
    endsAt: Number.isNaN(start) ? '' : isoToLocalInput(new Date(start + 3_600_000).toISOString(), timeZone),
    moderatorIds: [],
  };
}

export function formFromSession(s: AgendaSession, timeZone: string = APP_TIME_ZONE): SessionFormValues {
  return {
    title: s.title,
    room: s.room ?? '',
    description: s.description ?? '',
    startsAt: isoToLocalInput(s.startsAt, timeZone),
    endsAt: isoToLocalInput(s.endsAt, timeZone),
    moderatorIds: [...(s.moderatorIds ?? [])],
  };
}

/**
 * The request body. Times that are empty or invalid are left out, so the
 * server reports them as missing at their fields; `version` goes along on edits.
 */
export function toAgendaInput(v: SessionFormValues, version?: number, timeZone: string = APP_TIME_ZONE): AgendaInput {
  const body: AgendaInput = {
    title: v.title.trim(),
    room: v.room.trim(),
    description: v.description.trim(),
    moderatorIds: [...new Set(v.moderatorIds)].sort((a, b) => a - b),
  };
  const startsAt = localInputToIso(v.startsAt, timeZone);
  const endsAt = localInputToIso(v.endsAt, timeZone);
  if (startsAt) body.startsAt = startsAt;
  if (endsAt) body.endsAt = endsAt;
  if (version !== undefined) body.version = version;
  return body;
}

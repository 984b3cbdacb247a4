/**
 * Date helpers. Conferences take place in Germany, so all wall-clock times —
 * shown on pages and typed into `datetime-local` inputs — are in
 * Europe/Berlin, whatever zone the browser runs in. That keeps the edit form
 * and the conference page in agreement for a user abroad. The API exchanges
 * RFC 3339 strings; we send them with an explicit offset (e.g. +02:00).
 */

import { intlLocale, type Lang } from './i18n';

export const APP_TIME_ZONE = 'Europe/Berlin';

const wallTimePattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock time that `instant` shows in `timeZone`. */
function wallTimeAt(instant: Date, timeZone: string): WallTime {
  const get = (type: Intl.DateTimeFormatPartTypes): number => {
    const part = partsFormatter(timeZone)
      .formatToParts(instant)
      .find((p) => p.type === type);
    return Number(part?.value ?? 0);
  };
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** Offset of `timeZone` from UTC at `instant`, in minutes (Berlin: +60 in winter, +120 in summer). */
export function zoneOffsetMinutes(instant: Date, timeZone: string = APP_TIME_ZONE): number {
  const w = wallTimeAt(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const truncated = Math.floor(instant.getTime() / 1000) * 1000;
  return Math.round((asUtc - truncated) / 60_000);
}

/** Formats an offset in minutes as `+HH:MM` / `-HH:MM`. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * Converts a `datetime-local` value ("2026-06-01T09:00"), read as wall-clock
 * time in `timeZone`, to RFC 3339 with offset ("2026-06-01T09:00:00+02:00").
 * Returns null for an empty or malformed value.
 *
 * A time that occurs twice (the autumn clock change) resolves to the first
 * occurrence; a time that does not exist (the spring gap) is moved forward by
 * the size of the gap, as clocks do.
 */
export function localInputToIso(value: string, timeZone: string = APP_TIME_ZONE): string | null {
  const m = wallTimePattern.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((s) => Number(s ?? 0)) as [
    number, number, number, number, number, number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const wallAsUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wallAsUtc);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null; // e.g. 31 April

  // The offset valid at the wall time is one of the offsets valid a few hours
  // around it. Try the earlier one first so ambiguous times take the first occurrence.
  const before = zoneOffsetMinutes(new Date(wallAsUtc - 12 * 3_600_000), timeZone);
  const after = zoneOffsetMinutes(new Date(wallAsUtc + 12 * 3_600_000), timeZone);
  let offset = after;
  for (const candidate of [before, after]) {
    const instant = new Date(wallAsUtc - candidate * 60_000);
    if (zoneOffsetMinutes(instant, timeZone) === candidate) {
      offset = candidate;
      break;
    }
  }
  // For a wall time inside the spring gap neither candidate round-trips; using
  // the pre-gap offset (`before`) shifts it forward, e.g. 02:30 → 03:30 +02:00.
  if (zoneOffsetMinutes(new Date(wallAsUtc - offset * 60_000), timeZone) !== offset) offset = before;
  const instant = new Date(wallAsUtc - offset * 60_000);
  return isoInZone(instant, timeZone);
}

/** RFC 3339 text for `instant` as seen in `timeZone`, seconds precision. */
export function isoInZone(instant: Date, timeZone: string = APP_TIME_ZONE): string {
  const w = wallTimeAt(instant, timeZone);
  const offset = zoneOffsetMinutes(instant, timeZone);
  return (
    `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}` +
    formatOffset(offset)
  );
}

/**
 * Converts an RFC 3339 string from the API to a `datetime-local` value
 * ("YYYY-MM-DDTHH:MM") in `timeZone`. Returns "" for empty or invalid input.
 */
export function isoToLocalInput(iso: string | null | undefined, timeZone: string = APP_TIME_ZONE): string {
  if (!iso) return '';
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return '';
  const w = wallTimeAt(instant, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

const displayOptions: Intl.DateTimeFormatOptions = {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
};

function displayFormatter(lang: Lang, timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(intlLocale[lang], { ...displayOptions, timeZone });
}

/** "1. Juni 2026 um 09:00" / "1 June 2026 at 09:00"; "" for invalid input. */
export function formatDateTime(iso: string, lang: Lang, timeZone: string = APP_TIME_ZONE): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return displayFormatter(lang, timeZone).format(d);
}

/**
 * A start–end range, shortened where the locale allows it (same day: the date
 * is written once). Falls back to the start alone when the end is invalid.
 */
export function formatDateRange(startIso: string, endIso: string, lang: Lang, timeZone: string = APP_TIME_ZONE): string {
  const start = new Date(startIso);
  const end = new Date(endIso);
  if (Number.isNaN(start.getTime())) return '';
  if (Number.isNaN(end.getTime()) || end.getTime() < start.getTime()) return formatDateTime(startIso, lang, timeZone);
  return displayFormatter(lang, timeZone).formatRange(start, end);
}

/** The time of day with seconds, "10:42:07", in the app's time zone; "" for invalid input. */
export function formatClock(iso: string, lang: Lang, timeZone: string = APP_TIME_ZONE): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(intlLocale[lang], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(d);
}

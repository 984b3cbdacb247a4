import { describe, expect, it } from 'vitest';
import {
  formatDateRange,
  formatDateTime,
  formatOffset,
  isoInZone,
  isoToLocalInput,
  localInputToIso,
  zoneOffsetMinutes,
} from './dates';

// ICU separates some parts with narrow or ordinary no-break spaces; compare
// on plain spaces so the tests do not depend on the ICU version.
const plain = (s: string) => s.replace(/[\u202f\u00a0\u2009]/g, ' ');

describe('zoneOffsetMinutes', () => {
  it('knows Berlin winter and summer time', () => {
    expect(zoneOffsetMinutes(new Date('2026-01-15T12:00:00Z'))).toBe(60);
    expect(zoneOffsetMinutes(new Date('2026-07-15T12:00:00Z'))).toBe(120);
  });

  it('works for other zones', () => {
    expect(zoneOffsetMinutes(new Date('2026-01-15T12:00:00Z'), 'UTC')).toBe(0);
    expect(zoneOffsetMinutes(new Date('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(-300);
    expect(zoneOffsetMinutes(new Date('2026-01-15T12:00:00Z'), 'Asia/Kolkata')).toBe(330);
  });
});

describe('formatOffset', () => {
  it('writes ±HH:MM', () => {
    expect(formatOffset(120)).toBe('+02:00');
    expect(formatOffset(0)).toBe('+00:00');
    expect(formatOffset(-300)).toBe('-05:00');
    expect(formatOffset(330)).toBe('+05:30');
  });
});

describe('localInputToIso', () => {
  it('reads datetime-local values as Berlin time', () => {
    expect(localInputToIso('2026-06-01T09:00')).toBe('2026-06-01T09:00:00+02:00');
    expect(localInputToIso('2026-12-01T18:30')).toBe('2026-12-01T18:30:00+01:00');
    expect(localInputToIso('2026-06-01T09:00:15')).toBe('2026-06-01T09:00:15+02:00');
  });

  it('yields the instant the wall time denotes', () => {
    const iso = localInputToIso('2026-06-01T09:00');
    expect(new Date(iso ?? '').toISOString()).toBe('2026-06-01T07:00:00.000Z');
  });

  it('takes the first occurrence of a time repeated at the autumn change', () => {
    // 25 Oct 2026: 03:00 CEST becomes 02:00 CET, so 02:30 happens twice.
    expect(localInputToIso('2026-10-25T02:30')).toBe('2026-10-25T02:30:00+02:00');
    expect(localInputToIso('2026-10-25T03:30')).toBe('2026-10-25T03:30:00+01:00');
  });

  it('moves a time in the spring gap forward', () => {
    // 29 Mar 2026: 02:00 CET becomes 03:00 CEST; 02:30 does not exist.
    expect(localInputToIso('2026-03-29T02:30')).toBe('2026-03-29T03:30:00+02:00');
    expect(localInputToIso('2026-03-29T01:59')).toBe('2026-03-29T01:59:00+01:00');
    expect(localInputToIso('2026-03-29T03:00')).toBe('2026-03-29T03:00:00+02:00');
  });

  it('honours another zone', () => {
    expect(localInputToIso('2026-06-01T09:00', 'UTC')).toBe('2026-06-01T09:00:00+00:00');
    expect(localInputToIso('2026-06-01T09:00', 'America/New_York')).toBe('2026-06-01T09:00:00-04:00');
  });

  it('rejects empty and malformed values', () => {
    for (const bad of ['', '   ', '2026-06-01', '09:00', '2026-13-01T09:00', '2026-04-31T09:00', '2026-06-01T24:00', 'x']) {
      expect(localInputToIso(bad), JSON.stringify(bad)).toBeNull();
    }
  });
});

describe('isoToLocalInput', () => {
  it('shows instants as Berlin wall time', () => {
    expect(isoToLocalInput('2026-06-01T07:00:00Z')).toBe('2026-06-01T09:00');
    expect(isoToLocalInput('2026-12-01T17:30:00Z')).toBe('2026-12-01T18:30');
    expect(isoToLocalInput('2026-06-01T09:00:00+02:00')).toBe('2026-06-01T09:00');
  });

  it('round-trips with localInputToIso', () => {
    for (const v of ['2026-01-01T00:00', '2026-06-30T23:59', '2026-10-25T01:00', '2027-03-28T04:15']) {
      expect(isoToLocalInput(localInputToIso(v))).toBe(v);
    }
  });

  it('returns an empty string for missing or invalid input', () => {
    expect(isoToLocalInput('')).toBe('');
    expect(isoToLocalInput(null)).toBe('');
    expect(isoToLocalInput(undefined)).toBe('');
    expect(isoToLocalInput('not a date')).toBe('');
  });
});

describe('isoInZone', () => {
  it('writes RFC 3339 with the zone offset', () => {
    expect(isoInZone(new Date('2026-06-01T07:00:00Z'))).toBe('2026-06-01T09:00:00+02:00');
    expect(isoInZone(new Date('2026-06-01T07:00:00Z'), 'UTC')).toBe('2026-06-01T07:00:00+00:00');
  });
});

describe('formatDateTime', () => {
  it('formats per language in Berlin time', () => {
    expect(plain(formatDateTime('2026-06-01T07:00:00Z', 'de'))).toBe('1. Juni 2026 um 09:00');
    expect(plain(formatDateTime('2026-06-01T07:00:00Z', 'en'))).toBe('1 June 2026 at 09:00');
  });

  it('returns an empty string for invalid input', () => {
    expect(formatDateTime('nope', 'de')).toBe('');
  });
});

describe('formatDateRange', () => {
  it('writes the date once for a single-day conference', () => {
    const de = plain(formatDateRange('2026-06-01T07:00:00Z', '2026-06-01T15:30:00Z', 'de'));
    expect(de).toContain('1. Juni 2026');
    expect(de).toMatch(/09:00\s*[–-]\s*17:30/);
    expect(de.match(/2026/g)).toHaveLength(1);
  });

  it('writes both dates for a multi-day conference', () => {
    const en = plain(formatDateRange('2026-06-01T07:00:00Z', '2026-06-02T15:00:00Z', 'en'));
    expect(en).toContain('1 June 2026');
    expect(en).toContain('2 June 2026');
    expect(en).toContain('17:00');
  });

  it('falls back to the start when the end is invalid or earlier', () => {
    const start = formatDateTime('2026-06-01T07:00:00Z', 'de');
    expect(formatDateRange('2026-06-01T07:00:00Z', 'x', 'de')).toBe(start);
    expect(formatDateRange('2026-06-01T07:00:00Z', '2026-05-01T07:00:00Z', 'de')).toBe(start);
    expect(formatDateRange('x', '2026-05-01T07:00:00Z', 'de')).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { catalogues, translate, translatePlural } from './i18n';
import {
  REGISTRATION_TOKEN_HEADER,
  RequestKeys,
  absoluteLink,
  admittedOutcome,
  checkInProblem,
  checkInProblemCodes,
  confirmLimit,
  formatTicketCode,
  headcountShare,
  joinDisplayName,
  linkInvalid,
  loadDoorName,
  newRequestKey,
  offerExpired,
  overbooked,
  percentToRate,
  personalApi,
  rateToPercent,
  refusedOutcome,
  registrantBody,
  registrationStatusKey,
  registrationStatuses,
  registrationTone,
  saveDoorName,
  scanOutcome,
  settingsError,
  settingsProblems,
  statusExplanation,
  ticketCodeFromScan,
  toSettingsInput,
  type CheckInResult,
  type Registration,
  type SettingsFormValues,
} from './registration';

describe('ticketCodeFromScan', () => {
  it('accepts the bare code in any case, with spaces or hyphens', () => {
    expect(ticketCodeFromScan('ACDEFGHJ')).toEqual({ kind: 'code', code: 'ACDEFGHJ' });
    expect(ticketCodeFromScan('  acde fghj ')).toEqual({ kind: 'code', code: 'ACDEFGHJ' });
    expect(ticketCodeFromScan('ACDE-FGHJ')).toEqual({ kind: 'code', code: 'ACDEFGHJ' });
    expect(ticketCodeFromScan('x7k3-9mqr')).toEqual({ kind: 'code', code: 'X7K39MQR' });
  });

  it('accepts a URL that ends in the code, as the server does', () => {
    expect(ticketCodeFromScan('https://beteiligung.stadt.de/t/ACDEFGHJ')).toEqual({ kind: 'code', code: 'ACDEFGHJ' });
  });

  it('recognises a personal link, which is not a ticket', () => {
    const link = 'https://beteiligung.stadt.de/r/Zm9vYmFyYmF6cXV4X2xvbmdfdG9rZW4tMTIz';
    expect(ticketCodeFromScan(link)).toEqual({ kind: 'personalLink' });
    expect(ticketCodeFromScan('/r/Zm9vYmFyYmF6cXV4X2xvbmdfdG9rZW4tMTIz')).toEqual({ kind: 'personalLink' });
  });

  it('refuses letters outside the alphabet and text that is no code', () => {
    // B, I, L, O, S, U, V, Z, 0, 1, 2, 5, 8 are not in the alphabet (easily confused).
    expect(ticketCodeFromScan('ABCDEFGH').kind).toBe('invalid');
    expect(ticketCodeFromScan('OOOO1111').kind).toBe('invalid');
    expect(ticketCodeFromScan('').kind).toBe('invalid');
    expect(ticketCodeFromScan('ACD').kind).toBe('invalid');
    expect(ticketCodeFromScan('Hallo Welt!').kind).toBe('invalid');
  });
});

describe('formatTicketCode', () => {
  it('groups in fours for reading', () => {
    expect(formatTicketCode('ACDEFGHJ')).toBe('ACDE FGHJ');
    expect(formatTicketCode('ACDEFG')).toBe('ACDE FG');
    expect(formatTicketCode('')).toBe('');
  });
});

describe('statuses', () => {
  it('every status has a name and a tone in both languages', () => {
    for (const s of registrationStatuses) {
      const key = registrationStatusKey(s);
      expect(catalogues.de[key], s).toBeTruthy();
      expect(catalogues.en[key], s).toBeTruthy();
      expect(registrationTone(s)).toBeTruthy();
    }
    expect(translate('de', registrationStatusKey('confirmed'))).toBe('Bestätigt');
    expect(translate('de', registrationStatusKey('waitlisted'))).toBe('Warteliste');
    expect(registrationStatusKey('nonsense')).toBe('registration.status.pending');
  });

  it('explains each status to its owner', () => {
    expect(statusExplanation({ status: 'confirmed' })).toEqual({ key: 'registration.explain.confirmed' });
    expect(statusExplanation({ status: 'confirmed', checkedInAt: '2026-09-10T08:00:00Z' })).toEqual({
      key: 'registration.explain.checkedIn',
    });
    expect(statusExplanation({ status: 'pending' })).toEqual({ key: 'registration.explain.pending' });
    expect(statusExplanation({ status: 'offered' })).toEqual({ key: 'registration.explain.offered' });
    expect(statusExplanation({ status: 'cancelled' })).toEqual({ key: 'registration.explain.cancelled' });
    expect(statusExplanation({ status: 'lapsed' })).toEqual({ key: 'registration.explain.lapsed' });
  });

  it('gives the place on the waitlist with the right plural', () => {
    expect(statusExplanation({ status: 'waitlisted', waitlistAhead: 0 })).toEqual({ key: 'registration.explain.waitlistedNext' });
    const three = statusExplanation({ status: 'waitlisted', waitlistAhead: 3 });
    expect(three).toEqual({ plural: 'registration.explain.waitlisted', count: 3 });
    expect(translatePlural('de', 'registration.explain.waitlisted', 1)).toContain('vor Ihnen wartet 1 Person');
    expect(translatePlural('de', 'registration.explain.waitlisted', 3)).toContain('vor Ihnen warten 3 Personen');
    expect(translatePlural('en', 'registration.explain.waitlisted', 3)).toContain('3 people are waiting before you');
  });
});

describe('checkInProblem', () => {
  const conflict = (code: string) =>
    new ApiError({ status: 409, code: 'conflict', fields: [{ field: 'code', code, de: 'de', en: 'en' }] });

  it('maps every refusal code of the server to a message in both languages', () => {
    for (const code of checkInProblemCodes) {
      const p = checkInProblem(conflict(code));
      expect(p?.code).toBe(code);
      expect(catalogues.de[p!.key], code).toBeTruthy();
      expect(catalogues.en[p!.key], code).toBeTruthy();
    }
    expect(translate('de', checkInProblem(conflict('cancelled'))!.key)).toContain('storniert');
  });

  it('reads an unknown ticket from a 404 (which carries no fields) and from the field code', () => {
    expect(checkInProblem(new ApiError({ status: 404, code: 'not_found' }))?.code).toBe('unknown');
    const invalid = new ApiError({ status: 422, code: 'invalid', fields: [{ field: 'code', code: 'unknown', de: '', en: '' }] });
    expect(checkInProblem(invalid)?.code).toBe('unknown');
  });

  it('takes a conflict without a known field for the wrong phase, and leaves other errors alone', () => {
    expect(checkInProblem(new ApiError({ status: 409, code: 'conflict' }))?.code).toBe('phase');
    expect(checkInProblem(new ApiError({ status: 0, code: 'network' }))).toBeNull();
    expect(checkInProblem(new ApiError({ status: 429, code: 'rate_limited' }))).toBeNull();
    expect(checkInProblem(new Error('x'))).toBeNull();
  });
});

describe('door outcomes', () => {
  const registration = { id: 7, name: 'Alex', ticketCode: 'ACDEFGHJ' } as Registration;
  const result = (already: boolean): CheckInResult => ({
    registration,
    alreadyCheckedIn: already,
    headcount: 12,
    venueLimit: 500,
  });

  it('tells a fresh check-in from a repeated one', () => {
    expect(admittedOutcome(result(false))).toMatchObject({ kind: 'admitted', walkIn: false });
    expect(admittedOutcome(result(true))).toMatchObject({ kind: 'already' });
    expect(admittedOutcome(result(false), true)).toMatchObject({ kind: 'admitted', walkIn: true });
  });

  it('fills the venue limit into "venue full"', () => {
    const full = new ApiError({ status: 409, code: 'conflict', fields: [{ field: 'code', code: 'venue_full', de: '', en: '' }] });
    const out = refusedOutcome(full, 500);
    expect(out).toEqual({ kind: 'refused', code: 'venue_full', key: 'door.problem.venue_full', params: { limit: 500 } });
    if (out.kind === 'refused') expect(translate('de', out.key, out.params)).toContain('Obergrenze 500 Personen');
    expect(refusedOutcome(new ApiError({ status: 0, code: 'network' }), 500).kind).toBe('failed');
  });

  it('names a scanned personal link and a foreign code', () => {
    expect(scanOutcome({ kind: 'personalLink' })).toMatchObject({ kind: 'refused', code: 'personalLink' });
    expect(scanOutcome({ kind: 'invalid' })).toMatchObject({ kind: 'refused', code: 'notTicket' });
  });
});

describe('confirmLimit', () => {
  it('over-books by the no-show rate exactly, like the server', () => {
    expect(confirmLimit(450, 0, 0.1)).toBe(500);
    expect(confirmLimit(450, 0, 0)).toBe(450);
    expect(confirmLimit(100, 0, 0.5)).toBe(200);
    expect(confirmLimit(450, 0, 0.12)).toBe(511);
  });

  it('never goes above the venue limit', () => {
    expect(confirmLimit(450, 480, 0.1)).toBe(480);
    expect(confirmLimit(450, 450, 0.1)).toBe(450);
    expect(overbooked(450, 0.1)).toBe(500);
  });

  it('clamps rates outside 0 … 50 %', () => {
    expect(confirmLimit(100, 0, 0.9)).toBe(200);
    expect(confirmLimit(100, 0, -1)).toBe(100);
  });
});

describe('settings form', () => {
  const valid: SettingsFormValues = {
    open: true,
    venueLimit: 500,
    noShowPercent: 10,
    offerHours: 48,
    requireCheckIn: false,
    retentionDays: 90,
  };

  it('converts between percent and share without float noise', () => {
    expect(rateToPercent(0.125)).toBe(12.5);
    expect(rateToPercent(0.07)).toBe(7);
    expect(percentToRate(7)).toBe(0.07);
    expect(percentToRate(12.5)).toBe(0.125);
    expect(toSettingsInput(valid, 3)).toEqual({
      open: true,
      venueLimit: 500,
      noShowRate: 0.1,
      offerHours: 48,
      requireCheckIn: false,
      retentionDays: 90,
      version: 3,
    });
  });

  it('accepts valid values and finds what the server would refuse', () => {
    expect(settingsProblems(valid, 450)).toEqual([]);
    const fields = (v: Partial<SettingsFormValues>, capacity = 450) =>
      settingsProblems({ ...valid, ...v }, capacity).map((p) => `${p.field}:${p.code}`);
    expect(fields({ open: true }, 0)).toEqual(['open:no_capacity']);
    expect(fields({ venueLimit: 400 })).toEqual(['venueLimit:below_capacity']);
    expect(fields({ venueLimit: null })).toEqual(['venueLimit:out_of_range']);
    expect(fields({ venueLimit: 0 })).toEqual([]);
    expect(fields({ noShowPercent: 51 })).toEqual(['noShowPercent:out_of_range']);
    expect(fields({ noShowPercent: null })).toEqual(['noShowPercent:out_of_range']);
    expect(fields({ offerHours: 0 })).toEqual(['offerHours:out_of_range']);
    expect(fields({ offerHours: 1.5 })).toEqual(['offerHours:out_of_range']);
    expect(fields({ retentionDays: 4000 })).toEqual(['retentionDays:out_of_range']);
    const below = settingsProblems({ ...valid, venueLimit: 400 }, 450)[0]!;
    expect(below.de).toContain('(450)');
    expect(below.en).toContain('(450)');
  });

  it("moves the server's noShowRate problems to the percent field", () => {
    const err = new ApiError({
      status: 422,
      code: 'invalid',
      fields: [
        { field: 'noShowRate', code: 'out_of_range', de: 'd', en: 'e' },
        { field: 'offerHours', code: 'out_of_range', de: 'd', en: 'e' },
      ],
    });
    const moved = settingsError(err) as ApiError;
    expect(moved.fields.map((f) => f.field)).toEqual(['noShowPercent', 'offerHours']);
    const other = new ApiError({ status: 409, code: 'conflict' });
    expect(settingsError(other)).toBe(other);
  });
});

describe('RequestKeys', () => {
  let n = 0;
  const make = () => `key-${++n}`;

  it('keeps the key for the same content: a double submit or a retry registers once', () => {
    const keys = new RequestKeys(make);
    const first = keys.keyFor({ name: 'Alex', email: 'alex@stadt.de' });
    expect(keys.keyFor({ name: 'Alex', email: 'alex@stadt.de' })).toBe(first);
  });

  it('makes a new key when the content changed, e.g. a corrected address', () => {
    const keys = new RequestKeys(make);
    const first = keys.keyFor({ email: 'alex@stadt.dee' });
    const second = keys.keyFor({ email: 'alex@stadt.de' });
    expect(second).not.toBe(first);
    expect(keys.keyFor({ email: 'alex@stadt.de' })).toBe(second);
  });

  it('makes a new key after a success, even for the same content', () => {
    const keys = new RequestKeys(make);
    const first = keys.keyFor({ name: 'Alex' });
    keys.done();
    expect(keys.keyFor({ name: 'Alex' })).not.toBe(first);
  });

  it('newRequestKey is 32 hex digits from the random source', () => {
    expect(newRequestKey((len) => new Uint8Array(len).fill(171))).toBe('ab'.repeat(16));
    expect(newRequestKey()).toMatch(/^[0-9a-f]{32}$/);
    expect(newRequestKey()).not.toBe(newRequestKey());
  });
});

describe('registrantBody', () => {
  it('trims the values and allows only de and en', () => {
    expect(
      registrantBody({ name: ' Alex ', email: ' a@b.de ', department: ' Amt 1 ', accessibility: ' Rampe ', locale: 'fr' }),
    ).toEqual({ name: 'Alex', email: 'a@b.de', department: 'Amt 1', accessibility: 'Rampe', locale: 'de' });
  });
});

describe('personalApi', () => {
  it('sends the token in a header, never in the address, and names only the origin as referrer', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const fake = (async (url: RequestInfo | URL, init?: RequestInit) => {
      calls.push({ url: String(url), init: init ?? {} });
      return new Response(JSON.stringify({ id: 1, status: 'confirmed' }), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      });
    }) as typeof fetch;
    const token = 'c2VjcmV0LXRva2VuLXdpdGgtZW5vdWdoLWxlbmd0aA';
    const client = personalApi(token, fake);
    await client.get();
    await client.join('tag-der-ideen', 'Alex');
    for (const { url, init } of calls) {
      expect(url).not.toContain(token);
      expect(init.referrerPolicy).toBe('strict-origin');
    }
    const get = calls.find((c) => c.url === '/api/v1/registration')!;
    expect((get.init.headers as Record<string, string>)[REGISTRATION_TOKEN_HEADER]).toBe(token);
    // Joining names the registration in the body (the join endpoint's own field).
    const join = calls.find((c) => c.url.endsWith('/conferences/tag-der-ideen/join'))!;
    expect(JSON.parse(String(join.init.body))).toEqual({ registration: token, displayName: 'Alex', department: '' });
  });
});

describe('small helpers', () => {
  it('absoluteLink prefixes the origin to a relative link only', () => {
    expect(absoluteLink('/r/abc', 'https://x.de')).toBe('https://x.de/r/abc');
    expect(absoluteLink('https://y.de/r/abc', 'https://x.de')).toBe('https://y.de/r/abc');
  });

  it('joinDisplayName cuts a long name to 60 characters', () => {
    expect(joinDisplayName('  Alex Muster ')).toBe('Alex Muster');
    expect([...joinDisplayName('Ä'.repeat(100))].length).toBe(60);
  });

  it('headcountShare stays within 0 … 1', () => {
    expect(headcountShare(50, 100)).toBe(0.5);
    expect(headcountShare(150, 100)).toBe(1);
    expect(headcountShare(5, 0)).toBe(0);
  });

  it('recognises an expired offer and an invalid link', () => {
    const expired = new ApiError({ status: 409, code: 'conflict', fields: [{ field: 'offer', code: 'expired', de: '', en: '' }] });
    expect(offerExpired(expired)).toBe(true);
    expect(offerExpired(new ApiError({ status: 409, code: 'conflict' }))).toBe(false);
    expect(linkInvalid(new ApiError({ status: 404, code: 'not_found' }))).toBe(true);
    expect(linkInvalid(new ApiError({ status: 500, code: 'internal' }))).toBe(false);
  });

  it('remembers the door name, and survives storage that throws', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    };
    saveDoorName('  Nord ', storage);
    expect(loadDoorName(storage)).toBe('Nord');
    saveDoorName('', storage);
    expect(loadDoorName(storage)).toBe('');
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(loadDoorName(broken)).toBe('');
    expect(() => saveDoorName('Süd', broken)).not.toThrow();
  });
});

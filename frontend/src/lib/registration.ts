/**
 * Registration, waitlist and check-in (docs/registration.md): the shapes of
 * the API's documents, the paths of the pages, the API calls (public form,
 * the personal page authorised by its link's token, the organisers' settings,
 * dashboard and list, the door), and the pure rules the views use: statuses
 * and their words, ticket codes from a scan, check-in problems, the confirm
 * limit, the no-show rate as percent, the form's request key.
 */

import { ApiError, api, apiUrl, conferenceApiPath, createApiClient, type ApiClient, type FieldProblem } from './api';
import type { Phase } from './conference';
import { translate, type Lang, type MessageKey, type MessageParams, type PluralBase } from './i18n';

export const registrationStatuses = ['pending', 'confirmed', 'waitlisted', 'offered', 'cancelled', 'lapsed'] as const;
export type RegistrationStatus = (typeof registrationStatuses)[number];

export interface Registration {
  id: number;
  conferenceId: number;
  /** Only on the personal page of a confirmed registration, and for organisers. */
  ticketCode: string;
  name: string;
  email: string;
  department: string;
  accessibility: string;
  locale: string;
  status: RegistrationStatus;
  walkIn: boolean;
  promoted: boolean;
  createdAt: string;
  confirmedAt?: string;
  waitlistedAt?: string;
  offeredAt?: string;
  offerExpires?: string;
  cancelledAt?: string;
  checkedInAt?: string;
  checkInDoor?: string;
  erasedAt?: string;
  version: number;
  updatedAt: string;
}

/** The part of the conference a registrant sees on the personal page. */
export interface RegistrationConference {
  slug: string;
  title: string;
  startsAt: string;
  endsAt: string;
  venue: string;
  phase: Phase;
}

/** GET /registration: the personal page. */
export interface RegistrationView extends Registration {
  conference: RegistrationConference;
  /** How many wait before this registration (waitlisted only). */
  waitlistAhead?: number;
  /** Voting needs a check-in (and this phone linked to the registration). */
  requireCheckIn: boolean;
}

/** What a person enters in the registration form. */
export interface RegistrationInput {
  name: string;
  email: string;
  department: string;
  accessibility: string;
  /** "de" or "en": the language of the e-mails. */
  locale: string;
  /** Made once per form content; a double submit of the same form registers once. */
  requestKey: string;
}

/** The values of the registrant fields of a form (the request key is added on submit). */
export type RegistrantValues = Omit<RegistrationInput, 'requestKey'>;
export type RegistrantField = keyof RegistrantValues;
export const registrantFields: readonly RegistrantField[] = ['name', 'email', 'department', 'accessibility', 'locale'];

/** Trims what the form holds, for the request body (and the request key's fingerprint). */
export function registrantBody(v: RegistrantValues): RegistrantValues {
  return {
    name: v.name.trim(),
    email: v.email.trim(),
    department: v.department.trim(),
    accessibility: v.accessibility.trim(),
    locale: v.locale === 'en' ? 'en' : 'de',
  };
}

/** What a registrant may change on the personal page (the address is the registration's identity). */
export type RegistrationUpdate = Pick<RegistrationInput, 'name' | 'department' | 'accessibility' | 'locale'>;

export interface RegistrationSettingsInput {
  open: boolean;
  /** The venue's safety limit; 0: none. */
  venueLimit: number;
  /** Expected share of confirmed registrants who do not come, 0 … 0.5. */
  noShowRate: number;
  offerHours: number;
  requireCheckIn: boolean;
  /** Days after the conference until personal data is removed; 0 keeps it. */
  retentionDays: number;
  /** Of the settings read; 0 when none were saved. */
  version: number;
}

export interface RegistrationSettingsView extends RegistrationSettingsInput {
  conferenceId?: number;
  measuredNoShowRate?: number;
  updatedAt?: string;
  /** The conference's capacity. */
  capacity: number;
  /** How many places may be confirmed (offers included). */
  confirmLimit: number;
  /** Measured at earlier conferences, if any. */
  suggestedNoShowRate?: number;
}

export interface RegistrationCounts {
  pending: number;
  confirmed: number;
  waitlisted: number;
  offered: number;
  cancelled: number;
  lapsed: number;
  promoted: number;
  walkIns: number;
  checkedIn: number;
}

export interface Attendance {
  expected: number;
  low: number;
  high: number;
}

export interface RegistrationDashboard {
  settings: RegistrationSettingsView;
  counts: RegistrationCounts;
  attendance: Attendance;
  freePlaces: number;
  noShows: number;
}

export interface RegistrationPage {
  items: Registration[];
  total: number;
}

export interface RegistrationFilter {
  q?: string;
  status?: RegistrationStatus | '';
  offset?: number;
  limit?: number;
}

/** The answer to a check-in or walk-in. */
export interface CheckInResult {
  registration: Registration;
  alreadyCheckedIn: boolean;
  headcount: number;
  venueLimit: number;
  /** A walk-in's personal link (shown once, as a QR code for their phone). */
  link?: string;
}

/** The live headcount on topic `door:{conferenceId}`. */
export interface DoorLive {
  checkedIn: number;
  walkIns: number;
  /** Confirmed registrations, walk-ins included. */
  confirmed: number;
  venueLimit: number;
  expected: Attendance;
}

export type WalkInInput = RegistrationInput & { door: string };

/* ---------------------------------------------------------------- paths */

export function registerPath(slug: string): string {
  return `/c/${encodeURIComponent(slug)}/anmelden`;
}

/** The organisers' page: settings, dashboard and list. */
export function registrationsPath(slug: string): string {
  return `/c/${encodeURIComponent(slug)}/anmeldungen`;
}

export function doorPath(slug: string): string {
  return `/c/${encodeURIComponent(slug)}/einlass`;
}

/** The personal page of a registration's link. */
export function personalPath(token: string): string {
  return `/r/${encodeURIComponent(token)}`;
}

/** The attendance statistics as CSV (organisers). */
export function attendanceCsvUrl(slug: string): string {
  return apiUrl(`${conferenceApiPath(slug)}/attendance.csv`);
}

/** A link the server wrote, made absolute (it is relative when no public URL is configured). */
export function absoluteLink(link: string, origin: string): string {
  return link.startsWith('/') ? origin + link : link;
}

/** Registration is possible while the conference runs (the organisers must also have opened it). */
export function registrationPhase(phase: Phase): boolean {
  return phase === 'ideas' || phase === 'live';
}

/* ------------------------------------------------------------- statuses */

export function isRegistrationStatus(value: unknown): value is RegistrationStatus {
  return typeof value === 'string' && (registrationStatuses as readonly string[]).includes(value);
}

/** The status's name ("Bestätigt"). */
export function registrationStatusKey(status: string): MessageKey {
  return `registration.status.${isRegistrationStatus(status) ? status : 'pending'}`;
}

/** The badge colour of a status (the phase colours; the word carries the meaning). */
export function registrationTone(status: RegistrationStatus): 'draft' | 'ideas' | 'live' | 'closed' | 'archived' {
  switch (status) {
    case 'confirmed':
      return 'live';
    case 'offered':
      return 'ideas';
    case 'waitlisted':
      return 'closed';
    case 'pending':
      return 'draft';
    default:
      return 'archived';
  }
}

/** Whether the registration still counts (it can be changed and cancelled). */
export function isActive(status: RegistrationStatus): boolean {
  return status !== 'cancelled' && status !== 'lapsed';
}

/**
 * The sentence that explains a registration's status to its owner: a
 * catalogue key, or a count-dependent message (the place on the waitlist).
 */
export function statusExplanation(
  view: Pick<RegistrationView, 'status' | 'waitlistAhead' | 'checkedInAt'>,
): { key: MessageKey } | { plural: PluralBase; count: number } {
  switch (view.status) {
    case 'confirmed':
      return { key: view.checkedInAt ? 'registration.explain.checkedIn' : 'registration.explain.confirmed' };
    case 'waitlisted': {
      const ahead = view.waitlistAhead ?? 0;
      return ahead === 0 ? { key: 'registration.explain.waitlistedNext' } : { plural: 'registration.explain.waitlisted', count: ahead };
    }
    case 'offered':
      return { key: 'registration.explain.offered' };
    case 'cancelled':
      return { key: 'registration.explain.cancelled' };
    case 'lapsed':
      return { key: 'registration.explain.lapsed' };
    default:
      return { key: 'registration.explain.pending' };
  }
}

/* ---------------------------------------------------------- ticket codes */

/** The ticket code's alphabet (the join code's: nothing easily confused when read aloud). */
export const TICKET_ALPHABET = 'ACDEFGHJKMNPQRTWXY34679';
const ticketPattern = new RegExp(`^[${TICKET_ALPHABET}]{4,40}$`);
const personalLinkPattern = /\/r\/[A-Za-z0-9_-]{10,}\/?$/;

export type ScanResult = { kind: 'code'; code: string } | { kind: 'personalLink' } | { kind: 'invalid' };

/**
 * What a scan or a typed entry names: a ticket code (any case, with spaces or
 * hyphens, or at the end of a URL, as the server accepts it), the personal
 * link of a registration (a different QR code, from the same page: worth its
 * own message), or nothing usable.
 */
export function ticketCodeFromScan(text: string): ScanResult {
  let s = text.trim();
  if (personalLinkPattern.test(s)) return { kind: 'personalLink' };
  const slash = s.lastIndexOf('/');
  if (slash >= 0) s = s.slice(slash + 1);
  const code = s.toUpperCase().replace(/[\s-]/g, '');
  return ticketPattern.test(code) ? { kind: 'code', code } : { kind: 'invalid' };
}

/** A ticket code in groups of four, for reading ("ACDE FGHJ"). */
export function formatTicketCode(code: string): string {
  return (code.match(/.{1,4}/g) ?? []).join(' ');
}

/* -------------------------------------------------------------- check-in */

export const checkInProblemCodes = ['cancelled', 'waitlisted', 'offered', 'pending', 'lapsed', 'venue_full'] as const;
export type CheckInProblemCode = (typeof checkInProblemCodes)[number] | 'unknown' | 'phase';

/**
 * Why a check-in was refused, as a code of our own with its message key: the
 * door shows large messages in the UI language, so the server's texts are
 * used only for problems we do not know. null: not a check-in problem (a
 * network failure, a rate limit …).
 */
export function checkInProblem(error: unknown): { code: CheckInProblemCode; key: MessageKey } | null {
  if (!(error instanceof ApiError)) return null;
  const field = error.fields.find((f) => f.field === 'code')?.code ?? '';
  if (error.status === 404 || field === 'unknown') return { code: 'unknown', key: 'door.problem.unknown' };
  if (error.status === 409) {
    const code = (checkInProblemCodes as readonly string[]).includes(field) ? (field as CheckInProblemCode) : 'phase';
    return { code, key: `door.problem.${code}` };
  }
  return null;
}

/** What the door's result panel shows after a check-in, a walk-in or a scan. */
export type DoorOutcome =
  | { kind: 'admitted' | 'already'; result: CheckInResult; walkIn: boolean }
  | { kind: 'refused'; code: CheckInProblemCode | 'personalLink' | 'notTicket'; key: MessageKey; params?: MessageParams }
  | { kind: 'failed'; error: unknown };

export function admittedOutcome(result: CheckInResult, walkIn = false): DoorOutcome {
  return { kind: result.alreadyCheckedIn ? 'already' : 'admitted', result, walkIn };
}

/** A refused check-in with our message for its reason; `venueLimit` fills "venue full". */
export function refusedOutcome(error: unknown, venueLimit: number): DoorOutcome {
  const problem = checkInProblem(error);
  if (!problem) return { kind: 'failed', error };
  return problem.code === 'venue_full'
    ? { kind: 'refused', code: problem.code, key: problem.key, params: { limit: venueLimit } }
    : { kind: 'refused', code: problem.code, key: problem.key };
}

/** A scan that names no ticket: a personal link, or something else. */
export function scanOutcome(scan: Exclude<ScanResult, { kind: 'code' }>): DoorOutcome {
  return scan.kind === 'personalLink'
    ? { kind: 'refused', code: 'personalLink', key: 'door.problem.personalLink' }
    : { kind: 'refused', code: 'notTicket', key: 'door.problem.notTicket' };
}

/* ------------------------------------------------------ settings & limits */

export const MAX_NO_SHOW_RATE = 0.5;
export const MAX_OFFER_HOURS = 14 * 24;
export const MAX_RETENTION_DAYS = 3650;
export const MAX_VENUE_LIMIT = 100_000;
export const NAME_MAX = 100;
export const ACCESSIBILITY_MAX = 1000;
export const DOOR_MAX = 40;

/**
 * How many places may be confirmed: ⌊capacity / (1 − rate)⌋, never above the
 * venue limit (0: none). The rate is taken in basis points like the server
 * (backend.ConfirmLimit), so 450 places at 10 % give exactly 500.
 */
export function confirmLimit(capacity: number, venueLimit: number, noShowRate: number): number {
  const bp = Math.min(Math.max(Math.round(noShowRate * 10_000), 0), MAX_NO_SHOW_RATE * 10_000);
  let limit = Math.floor((capacity * 10_000) / (10_000 - bp));
  if (venueLimit > 0) limit = Math.min(limit, venueLimit);
  return limit;
}

/** The uncapped over-booked number, ⌊capacity / (1 − rate)⌋, for the explanation. */
export function overbooked(capacity: number, noShowRate: number): number {
  return confirmLimit(capacity, 0, noShowRate);
}

/** A share (0.125) as percent for a form field (12.5), without float noise. */
export function rateToPercent(rate: number): number {
  return Math.round(rate * 1000) / 10;
}

/** Percent from a form field (12.5) as a share (0.125). */
export function percentToRate(percent: number): number {
  return Math.round(percent * 100) / 10_000;
}

/** The settings form's values: numbers as the number inputs give them (null when empty). */
export interface SettingsFormValues {
  open: boolean;
  venueLimit: number | null;
  noShowPercent: number | null;
  offerHours: number | null;
  requireCheckIn: boolean;
  retentionDays: number | null;
}

export type SettingsField = 'open' | 'venueLimit' | 'noShowPercent' | 'offerHours' | 'retentionDays';
export const settingsFields: readonly SettingsField[] = ['open', 'venueLimit', 'noShowPercent', 'offerHours', 'retentionDays'];

export function settingsFormFrom(s: RegistrationSettingsView): SettingsFormValues {
  return {
    open: s.open,
    venueLimit: s.venueLimit,
    noShowPercent: rateToPercent(s.noShowRate),
    offerHours: s.offerHours,
    requireCheckIn: s.requireCheckIn,
    retentionDays: s.retentionDays,
  };
}

function wholeIn(value: number | null, min: number, max: number): boolean {
  return value != null && Number.isInteger(value) && value >= min && value <= max;
}

/** Problems the browser finds before saving, shaped like the server's (both languages). */
export function settingsProblems(v: SettingsFormValues, capacity: number): FieldProblem[] {
  const out: FieldProblem[] = [];
  const add = (field: SettingsField, code: string, key: MessageKey, params?: MessageParams) =>
    out.push({ field, code, de: translate('de', key, params), en: translate('en', key, params) });
  if (v.open && capacity <= 0) add('open', 'no_capacity', 'regAdmin.error.noCapacity');
  if (!wholeIn(v.venueLimit, 0, MAX_VENUE_LIMIT)) add('venueLimit', 'out_of_range', 'regAdmin.error.venueLimit');
  else if (v.venueLimit! > 0 && v.venueLimit! < capacity) {
    add('venueLimit', 'below_capacity', 'regAdmin.error.venueBelowCapacity', { capacity });
  }
  const p = v.noShowPercent;
  if (p == null || !Number.isFinite(p) || p < 0 || p > MAX_NO_SHOW_RATE * 100) {
    add('noShowPercent', 'out_of_range', 'regAdmin.error.noShowRate');
  }
  if (!wholeIn(v.offerHours, 1, MAX_OFFER_HOURS)) add('offerHours', 'out_of_range', 'regAdmin.error.offerHours');
  if (!wholeIn(v.retentionDays, 0, MAX_RETENTION_DAYS)) add('retentionDays', 'out_of_range', 'regAdmin.error.retentionDays');
  return out;
}

export function toSettingsInput(v: SettingsFormValues, version: number): RegistrationSettingsInput {
  return {
    open: v.open,
    venueLimit: v.venueLimit ?? 0,
    noShowRate: percentToRate(v.noShowPercent ?? 0),
    offerHours: v.offerHours ?? 0,
    requireCheckIn: v.requireCheckIn,
    retentionDays: v.retentionDays ?? 0,
    version,
  };
}

/**
 * Server problems about the rate name `noShowRate`; the form's field is
 * `noShowPercent`. Other problems pass unchanged.
 */
export function settingsError(error: unknown): unknown {
  if (!(error instanceof ApiError) || !error.fields.some((f) => f.field === 'noShowRate')) return error;
  return new ApiError({
    status: error.status,
    code: error.code,
    title: error.title,
    detail: error.detail,
    fields: error.fields.map((f) => (f.field === 'noShowRate' ? { ...f, field: 'noShowPercent' } : f)),
  });
}

/* ------------------------------------------------------------ request key */

/** A random id for one form submission (crypto.randomUUID needs a secure context; this does not). */
export function newRequestKey(random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))): string {
  const bytes = random(16);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The request key of a form: the same as long as the content is the same, so
 * that a double submit or a retry after a lost answer registers once; a new
 * one when the content changed (a corrected address must not be taken for the
 * first submit) and after a success (the next person at the door).
 */
export class RequestKeys {
  private key = '';
  private content = '';
  private readonly make: () => string;

  constructor(make: () => string = () => newRequestKey()) {
    this.make = make;
  }

  /** The key for a submit of `content` (any JSON-able value). */
  keyFor(content: unknown): string {
    const fingerprint = JSON.stringify(content);
    if (!this.key || fingerprint !== this.content) {
      this.key = this.make();
      this.content = fingerprint;
    }
    return this.key;
  }

  /** The submit succeeded: the next one is a new registration. */
  done(): void {
    this.key = '';
    this.content = '';
  }
}

/* ------------------------------------------------------------- the door */

/** Where the door page remembers its door's name ("Nord"). */
export const DOOR_STORAGE_KEY = 'ideenmarkt.door';

export function loadDoorName(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): string {
  try {
    return (storage?.getItem(DOOR_STORAGE_KEY) ?? '').slice(0, DOOR_MAX);
  } catch {
    return '';
  }
}

export function saveDoorName(name: string, storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined = globalThis.localStorage): void {
  try {
    const v = name.trim();
    if (v) storage?.setItem(DOOR_STORAGE_KEY, v);
    else storage?.removeItem(DOOR_STORAGE_KEY);
  } catch {
    // Storage may be disabled: the name then lasts for this page only.
  }
}

/** "Ausgelastet" level of the headcount for its bar: share of the venue limit, 0 … 1 (0 without a limit). */
export function headcountShare(checkedIn: number, venueLimit: number): number {
  if (venueLimit <= 0) return 0;
  return Math.min(1, Math.max(0, checkedIn / venueLimit));
}

/* ------------------------------------------------------------- the API */

function query(filter: RegistrationFilter): string {
  const p = new URLSearchParams();
  if (filter.q?.trim()) p.set('q', filter.q.trim());
  if (filter.status) p.set('status', filter.status);
  if (filter.offset) p.set('offset', String(filter.offset));
  if (filter.limit) p.set('limit', String(filter.limit));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const registrationApi = {
  /** The public form; answers `{status: "check_inbox"}` whatever happened (202). */
  register: (slug: string, input: RegistrationInput) =>
    api.request<{ status: string }>('POST', `${conferenceApiPath(slug)}/registrations`, input),
  settings: (slug: string) => api.request<RegistrationSettingsView>('GET', `${conferenceApiPath(slug)}/registration-settings`),
  saveSettings: (slug: string, input: RegistrationSettingsInput) =>
    api.request<RegistrationSettingsView>('PUT', `${conferenceApiPath(slug)}/registration-settings`, input),
  dashboard: (slug: string) => api.request<RegistrationDashboard>('GET', `${conferenceApiPath(slug)}/registration-dashboard`),
  list: async (slug: string, filter: RegistrationFilter, signal?: AbortSignal): Promise<RegistrationPage> => {
    const page = await api.request<Partial<RegistrationPage> | null>(
      'GET',
      `${conferenceApiPath(slug)}/registrations${query(filter)}`,
      undefined,
      signal ? { signal } : {},
    );
    return { items: page?.items ?? [], total: page?.total ?? 0 };
  },
  cancelFor: (slug: string, id: number) =>
    api.request<Registration>('POST', `${conferenceApiPath(slug)}/registrations/${id}/cancel`),
  checkIn: (slug: string, input: { code: string; door: string } | { registrationId: number; door: string }) =>
    api.request<CheckInResult>('POST', `${conferenceApiPath(slug)}/check-ins`, input),
  walkIn: (slug: string, input: WalkInInput) => api.request<CheckInResult>('POST', `${conferenceApiPath(slug)}/walk-ins`, input),
};

export const REGISTRATION_TOKEN_HEADER = 'X-Registration-Token';

/**
 * The referrer policy of the personal page's requests: the origin only, never
 * the page's address with its token. (Not "no-referrer": for a POST that
 * would also blank the Origin header, which the server's CSRF check reads.)
 */
export const PERSONAL_REFERRER_POLICY: ReferrerPolicy = 'strict-origin';

/**
 * The personal page's API: the token of the link goes in a header, never in
 * an API address, and no request names the page (with its token) as referrer.
 */
export function personalApi(token: string, doFetch: typeof fetch = (input, init) => globalThis.fetch(input, init)) {
  const client: ApiClient = createApiClient({
    fetch: (input, init) =>
      doFetch(input, {
        ...init,
        referrerPolicy: PERSONAL_REFERRER_POLICY,
        headers: { ...(init?.headers as Record<string, string> | undefined), [REGISTRATION_TOKEN_HEADER]: token },
      }),
  });
  return {
    get: () => client.request<RegistrationView>('GET', '/registration'),
    update: (input: RegistrationUpdate) => client.request<RegistrationView>('PATCH', '/registration', input),
    confirm: () => client.request<RegistrationView>('POST', '/registration/confirm'),
    cancel: () => client.request<RegistrationView>('POST', '/registration/cancel'),
    accept: () => client.request<RegistrationView>('POST', '/registration/accept'),
    /** Everything stored about the registration, as the JSON document to save. */
    exportData: () => client.request<unknown>('GET', '/registration/export'),
    erase: () => client.request<void>('DELETE', '/registration'),
    /** Joins this browser to the conference and links it to the registration (instead of a join code). */
    join: (slug: string, displayName: string) =>
      client.request<{ participant: { id: number; displayName: string; registrationId?: number } }>(
        'POST',
        `${conferenceApiPath(slug)}/join`,
        { registration: token, displayName, department: '' },
      ),
    membership: (slug: string) =>
      client.request<{ participant: { id: number; displayName: string; registrationId?: number } | null }>(
        'GET',
        `${conferenceApiPath(slug)}/membership`,
      ),
  };
}

export type PersonalApi = ReturnType<typeof personalApi>;

/** A display name for joining from the registration: the name, cut to the 60 characters a participant name may have. */
export function joinDisplayName(name: string): string {
  return Array.from(name.trim()).slice(0, 60).join('').trim();
}

/** Whether an accept failed because the offer ran out. */
export function offerExpired(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && error.fields.some((f) => f.field === 'offer' && f.code === 'expired');
}

/** Whether the personal link is not (or no longer) valid. */
export function linkInvalid(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

/** A language for the e-mails: the UI language, as a default for the form. */
export function mailLocale(lang: Lang): 'de' | 'en' {
  return lang === 'en' ? 'en' : 'de';
}

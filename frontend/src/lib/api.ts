/**
 * The API client. JSON over fetch with the session cookie (`same-origin`);
 * every state-changing request carries the double-submit CSRF token from the
 * `ideenmarkt_csrf` cookie in `X-CSRF-Token`. The server sets that cookie on
 * any response when it is missing, so if there is none yet we first make a
 * cheap `GET /api/v1/me` to obtain it.
 *
 * Failures become an ApiError built from the RFC 9457 problem document
 * (`application/problem+json`), including per-field messages in both
 * languages. Network failures and non-problem responses become ApiErrors too,
 * with codes `network` and `http_error`, so callers handle one type.
 */

import type { Lang } from './i18n';
import type {
  Account,
  Conference,
  ConferenceCreate,
  ConferencePage,
  ConferencePatch,
  Phase,
} from './conference';
import type { Idea, IdeaCreate, IdeaFilter, IdeaPage, IdeaPatch, JoinInput, Participant, SupportState } from './idea';
import { ideaListQuery } from './idea';

export const CSRF_COOKIE = 'ideenmarkt_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
const API_BASE = '/api/v1';

export interface FieldProblem {
  field: string;
  code: string;
  de: string;
  en: string;
  /** The 1-based line of an uploaded or pasted text the problem is about (imports, invites). */
  line?: number;
}

export interface ProblemDocument {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  fields?: FieldProblem[];
}

export class ApiError extends Error {
  readonly status: number;
  /** Stable machine-readable code, e.g. `invalid`, `conflict`, `not_found`, `rate_limited`. */
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly fields: FieldProblem[];
  /** Seconds to wait before retrying, from `Retry-After`; null when absent. */
  readonly retryAfter: number | null;

  constructor(init: {
    status: number;
    code: string;
    title?: string;
    detail?: string;
    fields?: FieldProblem[];
    retryAfter?: number | null;
  }) {
    super(init.detail || init.title || init.code);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title ?? '';
    this.detail = init.detail ?? '';
    this.fields = init.fields ?? [];
    this.retryAfter = init.retryAfter ?? null;
  }
}

/** Parses `Retry-After` (delta-seconds or HTTP-date) into whole seconds from `now`. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (header == null) return null;
  const text = header.trim();
  if (text === '') return null;
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function isFieldProblem(value: unknown): value is FieldProblem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.field === 'string';
}

/** Builds an ApiError from a failed response, whatever its body looks like. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(res.headers.get('Retry-After'));
  let doc: ProblemDocument | null = null;
  const type = res.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try {
      const body: unknown = await res.json();
      if (typeof body === 'object' && body !== null) doc = body as ProblemDocument;
    } catch {
      doc = null;
    }
  }
  const fields = Array.isArray(doc?.fields)
    ? doc.fields.filter(isFieldProblem).map((f) => {
        const problem: FieldProblem = {
          field: f.field,
          code: typeof f.code === 'string' ? f.code : '',
          de: typeof f.de === 'string' ? f.de : '',
          en: typeof f.en === 'string' ? f.en : '',
        };
        if (typeof f.line === 'number' && Number.isInteger(f.line) && f.line > 0) problem.line = f.line;
        return problem;
      })
    : [];
  return new ApiError({
    status: res.status,
    code: typeof doc?.code === 'string' && doc.code !== '' ? doc.code : 'http_error',
    title: typeof doc?.title === 'string' ? doc.title : res.statusText,
    detail: typeof doc?.detail === 'string' ? doc.detail : '',
    fields,
    retryAfter,
  });
}

/** The message of a field problem in `lang`, falling back to the other language. */
export function fieldMessage(problem: FieldProblem, lang: Lang): string {
  const primary = lang === 'en' ? problem.en : problem.de;
  const other = lang === 'en' ? problem.de : problem.en;
  return primary || other || problem.code;
}

/**
 * Per-field messages of an error in `lang`, keyed by field name. Several
 * problems for one field are joined into one sentence list.
 */
export function fieldMessages(error: unknown, lang: Lang): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const problem of error.fields) {
    const message = fieldMessage(problem, lang);
    out[problem.field] = out[problem.field] ? `${out[problem.field]} ${message}` : message;
  }
  return out;
}

/** The value of cookie `name` in a `document.cookie`-style string, or null. */
export function readCookie(cookies: string, name: string): string | null {
  for (const pair of cookies.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() !== name) continue;
    const raw = pair.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return null;
}

export interface ApiClientOptions {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Returns the current cookie string; defaults to `document.cookie`. */
  cookies?: () => string;
  /** The UI language for Accept-Language; defaults to `<html lang>`. */
  language?: () => string;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Per-request options: `signal` aborts the request (the promise then rejects with the abort reason). */
export interface RequestOptions {
  signal?: AbortSignal;
}

/** List endpoints answer `{items: [...]}`; a bare array is accepted as well. */
export function itemsOf<T>(body: T[] | { items?: T[] | null } | null | undefined): T[] {
  if (Array.isArray(body)) return body;
  return body?.items ?? [];
}

/** Whether `error` is the rejection of an aborted request (not a failure to show). */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export function createApiClient(options: ApiClientOptions = {}) {
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const cookies = options.cookies ?? (() => (typeof document === 'undefined' ? '' : document.cookie));
  const language =
    options.language ?? (() => (typeof document === 'undefined' ? '' : document.documentElement.lang));

  async function send(
    method: Method,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ) {
    const init: RequestInit = {
      method,
      credentials: 'same-origin',
      headers: { Accept: 'application/json, application/problem+json', ...headers },
    };
    if (signal) init.signal = signal;
    const lang = language();
    if (lang) (init.headers as Record<string, string>)['Accept-Language'] = lang;
    if (body !== undefined) {
      (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    try {
      return await doFetch(API_BASE + path, init);
    } catch (cause) {
      if (signal?.aborted) throw signal.reason ?? new DOMException('Aborted', 'AbortError');
      throw new ApiError({ status: 0, code: 'network', detail: cause instanceof Error ? cause.message : '' });
    }
  }

  async function csrfToken(): Promise<string> {
    let token = readCookie(cookies(), CSRF_COOKIE);
    if (!token) {
      // The server sets the cookie on any response; /me is the cheapest one.
      await send('GET', '/me');
      token = readCookie(cookies(), CSRF_COOKIE);
    }
    return token ?? '';
  }

  async function request<T>(method: Method, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    const { signal } = options;
    let res: Response;
    if (method === 'GET') {
      res = await send(method, path, body, {}, signal);
    } else {
      const token = await csrfToken();
      res = await send(method, path, body, { [CSRF_HEADER]: token }, signal);
      // A 403 that came with a new CSRF cookie means ours was stale (e.g. the
      // cookie was cleared in another tab): retry once with the new token.
      if (res.status === 403) {
        const fresh = readCookie(cookies(), CSRF_COOKIE);
        if (fresh && fresh !== token) res = await send(method, path, body, { [CSRF_HEADER]: fresh }, signal);
      }
    }
    if (!res.ok) throw await errorFromResponse(res);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const slugPath = (slug: string) => `/conferences/${encodeURIComponent(slug)}`;

  return {
    request,
    /** The CSRF token for requests made outside `request` (the import's XMLHttpRequest). */
    csrfToken,
    me: () => request<{ account: Account | null }>('GET', '/me'),
    login: (email: string, password: string) =>
      request<{ account: Account }>('POST', '/auth/login', { email, password }),
    logout: () => request<void>('POST', '/auth/logout'),
    listConferences: (offset = 0, limit = 50) =>
      request<ConferencePage>('GET', `/conferences?offset=${offset}&limit=${limit}`),
    getConference: (slug: string) => request<Conference>('GET', slugPath(slug)),
    createConference: (input: ConferenceCreate) => request<Conference>('POST', '/conferences', input),
    updateConference: (slug: string, patch: ConferencePatch) =>
      request<Conference>('PATCH', slugPath(slug), patch),
    setPhase: (slug: string, phase: Phase) => request<Conference>('POST', `${slugPath(slug)}/phase`, { phase }),
    regenerateJoinCode: (slug: string) => request<Conference>('POST', `${slugPath(slug)}/join-code`),
    /** Joins with the conference's code, or with a personal invite token instead. */
    join: (slug: string, input: JoinInput) =>
      request<{ participant: Participant }>('POST', `${slugPath(slug)}/join`, input),
    membership: (slug: string) => request<{ participant: Participant | null }>('GET', `${slugPath(slug)}/membership`),
    /** Leaves the conference; the server erases name and department, ideas stay without a name. */
    leave: (slug: string) => request<void>('DELETE', `${slugPath(slug)}/membership`),
    listIdeas: (slug: string, filter: IdeaFilter, offset: number, limit: number, seed?: number) =>
      request<IdeaPage>('GET', `${slugPath(slug)}/ideas${ideaListQuery(filter, offset, limit, seed)}`),
    createIdea: (slug: string, input: IdeaCreate) => request<Idea>('POST', `${slugPath(slug)}/ideas`, input),
    getIdea: (id: number | string) => request<Idea>('GET', `/ideas/${encodeURIComponent(String(id))}`),
    updateIdea: (id: number | string, patch: IdeaPatch) =>
      request<Idea>('PATCH', `/ideas/${encodeURIComponent(String(id))}`, patch),
    /** Idempotent: PUT supports, DELETE withdraws the support. */
    setSupport: (id: number | string, on: boolean) =>
      request<SupportState>(on ? 'PUT' : 'DELETE', `/ideas/${encodeURIComponent(String(id))}/support`),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** `/conferences/{slug}` with the slug encoded, for the feature modules' paths. */
export function conferenceApiPath(slug: string): string {
  return `/conferences/${encodeURIComponent(slug)}`;
}

/** The full URL path of an API path, e.g. for download links. */
export function apiUrl(path: string): string {
  return API_BASE + path;
}

/** The client the app uses. */
export const api: ApiClient = createApiClient();

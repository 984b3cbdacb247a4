import { describe, expect, it } from 'vitest';
import {
  ApiError,
  createApiClient,
  CSRF_HEADER,
  isAbort,
  itemsOf,
  errorFromResponse,
  fieldMessage,
  fieldMessages,
  parseRetryAfter,
  readCookie,
} from './api';

const problem = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/problem+json; charset=utf-8', ...headers },
  });

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('errorFromResponse', () => {
  it('reads an RFC 9457 problem with per-field messages', async () => {
    const err = await errorFromResponse(
      problem(422, {
        type: 'about:blank',
        title: 'Unprocessable Entity',
        status: 422,
        code: 'invalid',
        detail: 'Some fields are not valid.',
        fields: [
          { field: 'title', code: 'required', de: 'Bitte einen Titel angeben.', en: 'Please enter a title.' },
          { field: 'endsAt', code: 'before_start', de: 'Das Ende muss nach dem Beginn liegen.', en: 'The end must be after the start.' },
        ],
      }),
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.code).toBe('invalid');
    expect(err.title).toBe('Unprocessable Entity');
    expect(err.detail).toBe('Some fields are not valid.');
    expect(err.message).toBe('Some fields are not valid.');
    expect(err.fields.map((f) => f.field)).toEqual(['title', 'endsAt']);
    expect(err.retryAfter).toBeNull();
  });

  it('takes Retry-After from a 429', async () => {
    const err = await errorFromResponse(
      problem(429, { status: 429, code: 'rate_limited', detail: 'Too many failed logins.' }, { 'Retry-After': '37' }),
    );
    expect(err.code).toBe('rate_limited');
    expect(err.retryAfter).toBe(37);
  });

  it('copes with a body that is not a problem document', async () => {
    const html = new Response('<h1>Bad Gateway</h1>', {
      status: 502,
      statusText: 'Bad Gateway',
      headers: { 'Content-Type': 'text/html' },
    });
    const err = await errorFromResponse(html);
    expect(err.status).toBe(502);
    expect(err.code).toBe('http_error');
    expect(err.title).toBe('Bad Gateway');
    expect(err.detail).toBe('');
    expect(err.fields).toEqual([]);
  });

  it('copes with invalid JSON and with odd field entries', async () => {
    const broken = new Response('{not json', { status: 500, headers: { 'Content-Type': 'application/problem+json' } });
    expect((await errorFromResponse(broken)).code).toBe('http_error');

    const odd = await errorFromResponse(
      problem(422, { code: 'invalid', fields: [null, 'x', { code: 'x' }, { field: 'venue', de: 42 }] }),
    );
    expect(odd.fields).toEqual([{ field: 'venue', code: '', de: '', en: '' }]);
  });
});

describe('fieldMessage(s)', () => {
  const err = new ApiError({
    status: 422,
    code: 'invalid',
    fields: [
      { field: 'title', code: 'required', de: 'Bitte einen Titel angeben.', en: 'Please enter a title.' },
      { field: 'startsAt', code: 'required', de: 'Bitte einen Beginn angeben.', en: '' },
      { field: 'startsAt', code: 'out_of_range', de: 'Außerhalb.', en: 'Out of range.' },
      { field: 'venue', code: 'weird', de: '', en: '' },
    ],
  });

  it('picks the message in the current language', () => {
    expect(fieldMessages(err, 'de').title).toBe('Bitte einen Titel angeben.');
    expect(fieldMessages(err, 'en').title).toBe('Please enter a title.');
  });

  it('falls back to the other language, then to the code', () => {
    expect(fieldMessage(err.fields[1]!, 'en')).toBe('Bitte einen Beginn angeben.');
    expect(fieldMessage(err.fields[3]!, 'de')).toBe('weird');
  });

  it('joins several problems of one field', () => {
    expect(fieldMessages(err, 'de').startsAt).toBe('Bitte einen Beginn angeben. Außerhalb.');
  });

  it('is empty for anything but an ApiError', () => {
    expect(fieldMessages(new Error('x'), 'de')).toEqual({});
    expect(fieldMessages(null, 'de')).toEqual({});
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120')).toBe(120);
    expect(parseRetryAfter(' 5 ')).toBe(5);
    expect(parseRetryAfter('0')).toBe(0);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2026-06-01T10:00:00Z');
    expect(parseRetryAfter('Mon, 01 Jun 2026 10:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Mon, 01 Jun 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores absent or garbage values', () => {
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('')).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });
});

describe('readCookie', () => {
  it('finds a cookie among others', () => {
    expect(readCookie('a=1; ideenmarkt_csrf=abc%3D; b=2', 'ideenmarkt_csrf')).toBe('abc=');
    expect(readCookie('ideenmarkt_csrf=xyz', 'ideenmarkt_csrf')).toBe('xyz');
  });

  it('does not match on a prefix or suffix', () => {
    expect(readCookie('my_ideenmarkt_csrf=1; ideenmarkt_csrf2=2', 'ideenmarkt_csrf')).toBeNull();
    expect(readCookie('', 'ideenmarkt_csrf')).toBeNull();
  });
});

/** A fake server: records requests, answers from a queue, can set the cookie. */
function fakeServer(responses: Array<(req: { url: string; init: RequestInit }) => Response>) {
  const calls: Array<{ url: string; method: string; headers: Record<string, string>; body: unknown }> = [];
  let cookie = '';
  const fetchFn = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    calls.push({
      url: String(input),
      method: init.method ?? 'GET',
      headers,
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    });
    const next = responses.shift();
    if (!next) throw new Error(`unexpected request ${init.method} ${String(input)}`);
    return next({ url: String(input), init });
  };
  return {
    calls,
    setCookie: (v: string) => (cookie = v),
    client: createApiClient({ fetch: fetchFn as typeof fetch, cookies: () => cookie, language: () => 'de' }),
  };
}

describe('createApiClient', () => {
  it('sends JSON with same-origin credentials and the UI language', async () => {
    let seen: RequestInit | undefined;
    const client = createApiClient({
      fetch: (async (_: RequestInfo | URL, init?: RequestInit) => {
        seen = init;
        return json(200, { items: [], total: 0 });
      }) as typeof fetch,
      cookies: () => '',
      language: () => 'en',
    });
    await expect(client.listConferences(50, 25)).resolves.toEqual({ items: [], total: 0 });
    expect(seen?.credentials).toBe('same-origin');
    expect((seen?.headers as Record<string, string>)['Accept-Language']).toBe('en');
    expect(seen?.method).toBe('GET');
  });

  it('adds the CSRF cookie as header on writes', async () => {
    const server = fakeServer([() => json(200, { account: { id: 1 } })]);
    server.setCookie('other=1; ideenmarkt_csrf=tok123');
    await server.client.login('a@example.org', 'pw');
    expect(server.calls).toHaveLength(1);
    expect(server.calls[0]!.url).toBe('/api/v1/auth/login');
    expect(server.calls[0]!.method).toBe('POST');
    expect(server.calls[0]!.headers[CSRF_HEADER]).toBe('tok123');
    expect(server.calls[0]!.headers['Content-Type']).toBe('application/json');
    expect(server.calls[0]!.body).toEqual({ email: 'a@example.org', password: 'pw' });
  });

  it('fetches /me first when there is no CSRF cookie yet', async () => {
    const server = fakeServer([
      () => {
        server.setCookie('ideenmarkt_csrf=fresh');
        return json(200, { account: null });
      },
      () => new Response(null, { status: 204 }),
    ]);
    await expect(server.client.logout()).resolves.toBeUndefined();
    expect(server.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /api/v1/me', 'POST /api/v1/auth/logout']);
    expect(server.calls[1]!.headers[CSRF_HEADER]).toBe('fresh');
    expect(server.calls[0]!.headers[CSRF_HEADER]).toBeUndefined();
  });

  it('retries a write once when a 403 came with a new CSRF cookie', async () => {
    const server = fakeServer([
      () => {
        server.setCookie('ideenmarkt_csrf=new');
        return problem(403, { status: 403, code: 'forbidden', detail: 'Missing or invalid CSRF token.' });
      },
      () => json(200, { slug: 'x', phase: 'ideas' }),
    ]);
    server.setCookie('ideenmarkt_csrf=old');
    await expect(server.client.setPhase('x', 'ideas')).resolves.toMatchObject({ phase: 'ideas' });
    expect(server.calls.map((c) => c.headers[CSRF_HEADER])).toEqual(['old', 'new']);
    expect(server.calls[1]!.body).toEqual({ phase: 'ideas' });
  });

  it('does not retry a 403 when the token did not change', async () => {
    const server = fakeServer([() => problem(403, { status: 403, code: 'forbidden', detail: 'Only organisers may do this.' })]);
    server.setCookie('ideenmarkt_csrf=same');
    await expect(server.client.regenerateJoinCode('x')).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    expect(server.calls).toHaveLength(1);
  });

  it('throws ApiError with the problem details', async () => {
    const server = fakeServer([
      () => problem(409, { status: 409, code: 'conflict', detail: 'This was changed by someone else in the meantime.' }),
    ]);
    server.setCookie('ideenmarkt_csrf=t');
    const err = await server.client.updateConference('tag', { version: 3, title: 'Neu' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 409, code: 'conflict' });
    expect(server.calls[0]!.method).toBe('PATCH');
    expect(server.calls[0]!.url).toBe('/api/v1/conferences/tag');
    expect(server.calls[0]!.body).toEqual({ version: 3, title: 'Neu' });
  });

  it('encodes slugs in paths', async () => {
    const server = fakeServer([() => json(200, { slug: 'a/b' })]);
    await server.client.getConference('a/b?c');
    expect(server.calls[0]!.url).toBe('/api/v1/conferences/a%2Fb%3Fc');
  });

  it('turns a network failure into an ApiError with code network', async () => {
    const client = createApiClient({
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
      cookies: () => '',
    });
    await expect(client.me()).rejects.toMatchObject({ name: 'ApiError', status: 0, code: 'network' });
  });
});

describe('lines, lists and aborts', () => {
  it('keeps the line of a problem with an uploaded file, and only sensible ones', async () => {
    const err = await errorFromResponse(
      problem(422, {
        code: 'invalid',
        fields: [
          { field: 'emails', code: 'invalid', de: 'd', en: 'e', line: 3 },
          { field: 'emails', code: 'invalid', de: 'd', en: 'e', line: 0 },
          { field: 'emails', code: 'invalid', de: 'd', en: 'e', line: '4' },
          { field: 'title', code: 'required', de: 'd', en: 'e' },
        ],
      }),
    );
    expect(err.fields.map((f) => f.line)).toEqual([3, undefined, undefined, undefined]);
    expect('line' in err.fields[3]!).toBe(false);
  });

  it('reads list answers with or without the items wrapper', () => {
    expect(itemsOf([1, 2])).toEqual([1, 2]);
    expect(itemsOf({ items: [3] })).toEqual([3]);
    expect(itemsOf({ items: null })).toEqual([]);
    expect(itemsOf(null)).toEqual([]);
  });

  it('passes the abort signal on and rejects with the abort, not a network error', async () => {
    const controller = new AbortController();
    const client = createApiClient({
      fetch: ((_: RequestInfo | URL, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new TypeError('aborted by the browser')));
        })) as typeof fetch,
      cookies: () => '',
      language: () => 'de',
    });
    const pending = client.request('GET', '/conferences/x/ideas/similar?title=abc', undefined, { signal: controller.signal });
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(isAbort(error)).toBe(true);
    expect(error).not.toBeInstanceOf(ApiError);
  });
});

/** Steps shared by the live-voting browser tests: sessions, rounds and the pages that show them. */
import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import { apiWrite, createConference, type CreatedConference, PHONE } from './helpers';

export interface CreatedSession {
  id: number;
  title: string;
  conferenceSlug: string;
}

export interface CreatedRound {
  id: number;
  title: string;
  version: number;
  state: string;
  options: Array<{ id: number; label: string }>;
}

/** A conference in the live phase (created, then ideas, then live), as the organiser. */
export async function liveConference(api: APIRequestContext, title: string, topics?: string[]): Promise<CreatedConference> {
  const c = await createConference(api, { title, phase: 'ideas', ...(topics ? { topics } : {}) });
  return (await apiWrite(api, 'POST', `/api/v1/conferences/${c.slug}/phase`, { phase: 'live' })) as CreatedConference;
}

/** A session running from a little before now until an hour from now (so it is "Jetzt"). */
export async function apiSession(api: APIRequestContext, slug: string, title: string): Promise<CreatedSession> {
  const now = Date.now();
  return (await apiWrite(api, 'POST', `/api/v1/conferences/${slug}/sessions`, {
    title,
    room: 'Großer Saal',
    description: '',
    startsAt: new Date(now - 10 * 60_000).toISOString(),
    endsAt: new Date(now + 60 * 60_000).toISOString(),
    moderatorIds: [],
  })) as CreatedSession;
}

/** A round with free-text options (a draft), as the organiser. */
export async function apiRound(
  api: APIRequestContext,
  sessionId: number,
  title: string,
  method: string,
  labels: string[],
  extra: Record<string, unknown> = {},
): Promise<CreatedRound> {
  return (await apiWrite(api, 'POST', `/api/v1/sessions/${sessionId}/rounds`, {
    title,
    method,
    ideaIds: [],
    topN: 0,
    topic: '',
    labels,
    liveResults: true,
    anonymous: true,
    changeable: true,
    eligibility: 'joined',
    ...extra,
  })) as CreatedRound;
}

/** open, close or reveal a round at its current version. */
export async function apiRoundAction(api: APIRequestContext, roundId: number, action: 'open' | 'close' | 'reveal'): Promise<CreatedRound> {
  const r = (await (await api.get(`/api/v1/rounds/${roundId}`)).json()) as CreatedRound;
  return (await apiWrite(api, 'POST', `/api/v1/rounds/${roundId}/${action}`, { version: r.version })) as CreatedRound;
}

/** A phone (390×844) in its own context; joined to `slug` when a join code is given. */
export async function phonePage(
  browser: Browser,
  options: { slug?: string; code?: string; name?: string; colorScheme?: 'light' | 'dark'; baseURL?: string } = {},
): Promise<Page> {
  const context = await browser.newContext({
    ...PHONE,
    baseURL: options.baseURL ?? BASE_URL,
    colorScheme: options.colorScheme ?? 'light',
    storageState: { cookies: [], origins: [] },
  });
  const page = await context.newPage();
  if (options.slug && options.code) {
    const res = await page.request.fetch(`/api/v1/conferences/${options.slug}/join`, {
      method: 'POST',
      data: { code: options.code, displayName: options.name ?? 'Teilnehmende Person', department: '' },
      headers: {
        'X-CSRF-Token': await csrf(page),
        Origin: options.baseURL ?? BASE_URL,
      },
    });
    expect(res.ok(), await res.text()).toBeTruthy();
  }
  return page;
}

async function csrf(page: Page): Promise<string> {
  const find = async () => (await page.context().cookies()).find((c) => c.name === 'ideenmarkt_csrf')?.value;
  let token = await find();
  if (!token) {
    await page.request.get('/api/v1/me');
    token = await find();
  }
  return token ?? '';
}

/** The organiser's presenter screen: a desktop browser at projector size. */
export async function presenterPage(browser: Browser, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport: { width: 1920, height: 1080 },
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
    colorScheme,
    storageState: AUTH_FILE,
  });
  return context.newPage();
}

/** Casts a single-choice ballot on the vote page and waits for the receipt. */
export async function voteSingle(page: Page, roundId: number, label: string): Promise<void> {
  await page.goto(`/rounds/${roundId}`);
  await page.getByRole('radio', { name: label, exact: true }).check();
  await page.getByRole('button', { name: 'Stimme abgeben' }).click();
  await expect(page.getByText('Ihre Stimme ist gezählt.')).toBeVisible();
}

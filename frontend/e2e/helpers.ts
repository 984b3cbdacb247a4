/** Shared steps of the browser tests. */
import AxeBuilder from '@axe-core/playwright';
import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { ADMIN, AUTH_FILE, BASE_URL } from './constants';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Runs axe-core (WCAG 2.1 A/AA rules) and fails with a readable list of violations. */
export async function expectNoAxeViolations(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const report = results.violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    - ${n.target.join(' ')}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`)
        .join('\n');
      return `  [${v.impact ?? 'n/a'}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}`;
    })
    .join('\n');
  expect(results.violations, `axe-core found WCAG violations on ${what}:\n${report}`).toEqual([]);
}

/** A slug no earlier test in this run has used. */
export function uniqueSlug(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e4)}`;
}

/** The CSRF token the server set as cookie on `request`'s cookie jar (fetching /me first if needed). */
async function csrfToken(request: APIRequestContext): Promise<string> {
  const find = async () =>
    (await request.storageState()).cookies.find((c) => c.name === 'ideenmarkt_csrf')?.value;
  let token = await find();
  if (!token) {
    expect((await request.get('/api/v1/me')).ok()).toBeTruthy();
    token = await find();
  }
  if (!token) throw new Error('the server set no ideenmarkt_csrf cookie');
  return token;
}

/** A state-changing API call as the SPA makes it: CSRF header and same-origin Origin. */
export async function apiWrite(
  request: APIRequestContext,
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  data?: unknown,
) {
  const res = await request.fetch(path, {
    method,
    data,
    headers: { 'X-CSRF-Token': await csrfToken(request), Origin: BASE_URL },
  });
  if (!res.ok()) throw new Error(`${method} ${path} → ${res.status()}: ${await res.text()}`);
  return res.status() === 204 ? null : await res.json();
}

export async function apiLogin(request: APIRequestContext): Promise<void> {
  await apiWrite(request, 'POST', '/api/v1/auth/login', { email: ADMIN.email, password: ADMIN.password });
}

export interface CreatedConference {
  slug: string;
  title: string;
  joinCode: string;
  version: number;
  phase: string;
}

/** Creates a conference through the API (the request context must be logged in) and optionally opens it. */
export async function createConference(
  request: APIRequestContext,
  options: {
    slug?: string;
    title?: string;
    phase?: 'ideas' | 'live';
    description?: string;
    topics?: string[];
    departments?: string[];
  } = {},
): Promise<CreatedConference> {
  const slug = options.slug ?? uniqueSlug('konferenz');
  let c = (await apiWrite(request, 'POST', '/api/v1/conferences', {
    slug,
    title: options.title ?? 'Mitarbeitendenkonferenz Stadtverwaltung',
    description: options.description ?? 'Erste Zeile der Beschreibung.\nZweite Zeile mit <b>spitzen Klammern</b>.',
    startsAt: '2026-09-10T09:00:00+02:00',
    endsAt: '2026-09-10T17:00:00+02:00',
    venue: 'Rathaus, Großer Saal',
    capacity: 450,
    ...(options.topics ? { topics: options.topics } : {}),
    ...(options.departments ? { departments: options.departments } : {}),
  })) as CreatedConference;
  if (options.phase) {
    c = (await apiWrite(request, 'POST', `/api/v1/conferences/${slug}/phase`, { phase: options.phase })) as CreatedConference;
  }
  return c;
}

/**
 * Collects uncaught page errors and console errors (CSP violations are
 * reported there). Chromium also logs every non-2xx response as "Failed to
 * load resource"; the tests provoke those (422, 401) on purpose, so they are left out.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** Joins a conference as a participant with the join code; `request` keeps the participant cookie (e.g. `page.request`). */
export async function apiJoin(
  request: APIRequestContext,
  slug: string,
  code: string,
  displayName: string,
  department = '',
): Promise<{ id: number; displayName: string }> {
  const res = (await apiWrite(request, 'POST', `/api/v1/conferences/${slug}/join`, { code, displayName, department })) as {
    participant: { id: number; displayName: string };
  };
  return res.participant;
}

export interface CreatedIdea {
  id: number;
  title: string;
  version: number;
}

/** Submits an idea as the participant whose cookie `request` carries. */
export async function apiIdea(
  request: APIRequestContext,
  slug: string,
  title: string,
  extra: { body?: string; topic?: string; department?: string; anonymous?: boolean } = {},
): Promise<CreatedIdea> {
  return (await apiWrite(request, 'POST', `/api/v1/conferences/${slug}/ideas`, {
    title,
    body: extra.body ?? '',
    topic: extra.topic ?? '',
    department: extra.department ?? '',
    anonymous: extra.anonymous ?? false,
  })) as CreatedIdea;
}

/** Waits until a page shows `heading` as its h1 and has finished loading. */
export async function ready(page: Page, heading: string | RegExp): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}

export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'page is wider than the viewport').toBeLessThanOrEqual(0);
}

/** Phone settings for extra browser contexts in the mobile specs (the project's settings apply to `page` only). */
export const PHONE = {
  baseURL: BASE_URL,
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  locale: 'de-DE',
  timezoneId: 'Europe/Berlin',
} as const;

/** A new phone page in its own context: a fresh visitor, or the organiser. */
export async function newPhone(
  browser: Browser,
  options: { colorScheme?: 'light' | 'dark'; organizer?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext({
    ...PHONE,
    colorScheme: options.colorScheme ?? 'light',
    storageState: options.organizer ? AUTH_FILE : { cookies: [], origins: [] },
  });
  return context.newPage();
}

/**
 * The participant side of the idea market on a phone (390×844): joining with
 * a code from a link, submitting, listing, supporting, editing, and safe
 * rendering of hostile idea texts. Runs in the "mobile" project (the file
 * name matches its testMatch); extra browser contexts get the same phone settings.
 */
import {
  expect,
  request as apiRequest,
  test,
  type Browser,
  type BrowserContext,
  type Page,
} from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import { apiWrite, collectPageErrors, expectNoAxeViolations, uniqueSlug } from './helpers';

const PHONE = {
  baseURL: BASE_URL,
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  locale: 'de-DE',
  timezoneId: 'Europe/Berlin',
} as const;

const TOPICS = ['Digitalisierung', 'Personal & Gesundheit'];
const DEPARTMENTS = ['Bürgeramt', 'Ordnungsamt', 'IT-Service'];

async function phoneContext(browser: Browser, colorScheme: 'light' | 'dark' = 'light'): Promise<BrowserContext> {
  return browser.newContext({ ...PHONE, colorScheme });
}

async function ready(page: Page, heading: string | RegExp): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}

async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'page is wider than the viewport').toBeLessThanOrEqual(0);
}

/** Creates a conference with topics and departments through the API and opens its idea collection. */
async function apiConference(title: string): Promise<{ slug: string; joinCode: string; title: string }> {
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const slug = uniqueSlug('markt');
  await apiWrite(api, 'POST', '/api/v1/conferences', {
    slug,
    title,
    description: 'Markt der Ideen',
    startsAt: '2026-09-10T09:00:00+02:00',
    endsAt: '2026-09-10T17:00:00+02:00',
    venue: 'Rathaus',
    capacity: 300,
    topics: TOPICS,
    departments: DEPARTMENTS,
    anonymity: 'allowed',
    lateIdeas: false,
  });
  const c = (await apiWrite(api, 'POST', `/api/v1/conferences/${slug}/phase`, { phase: 'ideas' })) as {
    joinCode: string;
  };
  await api.dispose();
  return { slug, joinCode: c.joinCode, title };
}

/** Joins through the join form, the code prefilled from the link. */
async function joinViaLink(page: Page, slug: string, code: string, name: string, department = ''): Promise<void> {
  await page.goto(`/c/${slug}/join?code=${encodeURIComponent(code)}`);
  await ready(page, 'Konferenz beitreten');
  await expect(page.getByLabel('Beitrittscode')).toHaveValue(code);
  await page.getByLabel('Ihr Name').fill(name);
  if (department) await page.getByLabel('Bereich').selectOption(department);
  await page.getByRole('button', { name: 'Beitreten' }).click();
  await expect(page).toHaveURL(`/c/${slug}/ideas`);
  await ready(page, 'Markt der Ideen');
}

test.describe('idea market on a phone', () => {
  test.use({ storageState: AUTH_FILE });

  test('organiser opens a market; participants join, submit, see and support ideas', async ({ page, browser }) => {
    test.setTimeout(90_000);
    const orgaErrors = collectPageErrors(page);
    const h1 = page.getByRole('heading', { level: 1 });
    const slug = uniqueSlug('ideenmarkt');
    const title = `Ideenmarkt ${slug.slice(-4)}`;

    // The organiser creates the conference with topics and departments.
    await page.goto('/conferences/new');
    await ready(page, 'Neue Konferenz anlegen');
    await page.getByLabel('Titel').fill(title);
    await page.getByLabel('Kurzbezeichnung').fill(slug);
    await page.getByLabel('Beginn').fill('2026-09-10T09:00');
    await page.getByLabel('Ende').fill('2026-09-10T17:00');
    await page.getByLabel('Bereiche').fill(`${DEPARTMENTS.join('\n')}\n\n`);
    await expect(page.getByRole('radio', { name: /Erlaubt/ })).toBeChecked();
    // An over-long topic is reported at the topics field.
    await page.getByLabel('Themen').fill(`Digitalisierung\n${'x'.repeat(81)}`);
    await page.getByRole('button', { name: 'Konferenz anlegen' }).click();
    await expect(page.getByLabel('Themen')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Themen')).toHaveAccessibleDescription(/höchstens 80 Zeichen/);
    await expect(page.getByLabel('Themen')).toBeFocused();
    await page.getByLabel('Themen').fill(TOPICS.join('\n'));
    await page.getByRole('button', { name: 'Konferenz anlegen' }).click();
    await expect(page).toHaveURL(`/c/${slug}`);
    await expect(h1).toHaveText(title);
    // Drafts have no "take part" section.
    await expect(page.getByRole('heading', { name: 'Mitmachen' })).toHaveCount(0);

    // … checks what was saved, moves it to the idea collection and reads the join code.
    await page.getByRole('link', { name: 'Konferenz bearbeiten' }).click();
    await ready(page, 'Konferenz bearbeiten');
    await expect(page.getByLabel('Themen')).toHaveValue(TOPICS.join('\n'));
    await expect(page.getByLabel('Bereiche')).toHaveValue(DEPARTMENTS.join('\n'));
    await page.getByRole('button', { name: 'Wechseln zu: Ideensammlung' }).click();
    await expect(page.getByRole('status')).toHaveText('Die Phase ist jetzt „Ideensammlung“.');
    await page.getByRole('link', { name: 'Zur Konferenzseite' }).click();
    await expect(h1).toHaveText(title);
    const code = (await page.locator('.join-code .code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^\S{4,}$/);
    await expect(page.getByRole('heading', { name: 'Mitmachen' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Markt der Ideen' })).toBeVisible();
    expect(orgaErrors).toEqual([]);

    // A participant opens the link with the code, and joins.
    const kimContext = await phoneContext(browser);
    const kim = await kimContext.newPage();
    const kimErrors = collectPageErrors(kim);
    await kim.goto(`/c/${slug}`);
    await ready(kim, title);
    await expect(kim.getByRole('link', { name: 'Jetzt beitreten' })).toBeVisible();

    await kim.goto(`/c/${slug}/join?code=wrong1`);
    await ready(kim, 'Konferenz beitreten');
    const codeField = kim.getByLabel('Beitrittscode');
    await expect(codeField).toHaveAttribute('autocapitalize', 'characters');
    await expect(codeField).toHaveAttribute('autocomplete', 'off');
    await expect(codeField).toHaveAttribute('inputmode', 'text');
    await kim.getByLabel('Ihr Name').fill('Kim Beispiel');
    await kim.getByRole('button', { name: 'Beitreten' }).click();
    await expect(codeField).toHaveAttribute('aria-invalid', 'true');
    await expect(codeField).toHaveAccessibleDescription(/Der Zugangscode stimmt nicht\./);
    await expect(codeField).toBeFocused();

    await joinViaLink(kim, slug, code, 'Kim Beispiel', 'Bürgeramt');
    await expect(kim.getByRole('status')).toHaveText('Willkommen, Kim Beispiel! Sie sind der Konferenz beigetreten.');
    await expect(kim.getByText('Noch gibt es keine Ideen. Machen Sie den Anfang!')).toBeVisible();
    await expect(kim.getByText('0 Ideen')).toBeVisible();

    // The conference page knows who joined.
    await kim.goto(`/c/${slug}`);
    await expect(kim.getByText('Angemeldet als Kim Beispiel (Bürgeramt)')).toBeVisible();
    await kim.getByRole('link', { name: 'Markt der Ideen' }).click();
    await ready(kim, 'Markt der Ideen');

    // Submitting: first with an empty title.
    await kim.getByRole('link', { name: 'Idee einreichen' }).click();
    await ready(kim, 'Idee einreichen');
    await expect(kim.getByRole('heading', { level: 1 })).toBeFocused();
    await expect(kim.getByText('Ihre Idee erscheint mit Ihrem Namen (Kim Beispiel), außer Sie reichen sie anonym ein.')).toBeVisible();
    await expect(kim.getByLabel('Bereich')).toHaveValue('Bürgeramt');
    await kim.getByRole('button', { name: 'Idee einreichen' }).click();
    const titleField = kim.getByLabel('Titel');
    await expect(kim.getByRole('alert')).toContainText('Bitte korrigieren Sie die markierten Felder.');
    await expect(titleField).toHaveAttribute('aria-invalid', 'true');
    await expect(titleField).toHaveAccessibleDescription(/Bitte einen Titel angeben\./);
    await expect(titleField).toBeFocused();
    await expect(kim.getByLabel('Thema')).toHaveAccessibleDescription(/Bitte ein Thema wählen\./);

    const ideaTitle = 'Digitale Terminvergabe im Bürgeramt';
    await titleField.fill(ideaTitle);
    await expect(kim.getByText(`${ideaTitle.length} von 140 Zeichen`)).toBeVisible();
    await kim.getByLabel('Beschreibung').fill('Weniger **Wartezeit**:\n- online buchen\n- SMS-Erinnerung');
    await kim.getByLabel('Thema').selectOption('Digitalisierung');
    await kim.getByRole('button', { name: 'Idee einreichen' }).click();
    await expect(kim).toHaveURL(/\/ideas\/\d+$/);
    await ready(kim, ideaTitle);
    await expect(kim.getByRole('heading', { level: 1 })).toBeFocused();
    await expect(kim.getByRole('status')).toHaveText(`Ihre Idee „${ideaTitle}“ wurde eingereicht.`);
    await expect(kim.locator('.markdown strong')).toHaveText('Wartezeit');
    await expect(kim.locator('.markdown li')).toHaveText(['online buchen', 'SMS-Erinnerung']);
    await expect(kim.getByRole('link', { name: 'Bearbeiten' })).toBeVisible();
    const ideaUrl = kim.url();

    // It is listed.
    await kim.getByRole('link', { name: 'Zurück zum Markt der Ideen' }).click();
    await ready(kim, 'Markt der Ideen');
    await expect(kim.getByText('1 Idee', { exact: true })).toBeVisible();
    const kimCard = kim.getByRole('article').filter({ has: kim.getByRole('link', { name: ideaTitle }) });
    await expect(kimCard).toContainText('Digitalisierung');
    await expect(kimCard).toContainText('von Kim Beispiel');
    await expect(kimCard).toContainText('0 Unterstützungen');
    await expectNoHorizontalScroll(kim);

    // A second participant supports it.
    const alexContext = await phoneContext(browser);
    const alex = await alexContext.newPage();
    const alexErrors = collectPageErrors(alex);
    await joinViaLink(alex, slug, code.toLowerCase(), 'Alex Muster');
    const alexCard = alex.getByRole('article').filter({ has: alex.getByRole('link', { name: ideaTitle }) });
    const support = alexCard.getByRole('button', { name: `Idee „${ideaTitle}“ unterstützen` });
    await expect(support).toHaveAttribute('aria-pressed', 'false');
    await support.click();
    await expect(support).toHaveAttribute('aria-pressed', 'true');
    await expect(alexCard).toContainText('1 Unterstützung');
    await expect(alex.getByRole('status')).toHaveText(`Sie unterstützen „${ideaTitle}“.`);

    // It sticks: after a reload, and for the author.
    await alex.reload();
    await ready(alex, 'Markt der Ideen');
    await expect(support).toHaveAttribute('aria-pressed', 'true');
    await expect(alexCard).toContainText('1 Unterstützung');
    await kim.goto(ideaUrl);
    await ready(kim, ideaTitle);
    await expect(kim.getByText('1 Unterstützung', { exact: true })).toBeVisible();

    // Sorting and filtering: on a phone the filters are folded behind a "Filter" button.
    const filterToggle = alex.getByRole('button', { name: /^Filter/ });
    await expect(filterToggle).toHaveAttribute('aria-expanded', 'false');
    await expect(filterToggle).toContainText('Neueste');
    await expect(alex.getByLabel('Reihenfolge', { exact: true })).toBeHidden();
    await filterToggle.click();
    await expect(filterToggle).toHaveAttribute('aria-expanded', 'true');
    await alex.getByLabel('Reihenfolge', { exact: true }).selectOption('random');
    await expect(alex).toHaveURL(/sort=random/);
    await expect(alex.locator('[aria-busy="true"]')).toHaveCount(0);
    await expect(alex.getByRole('alert')).toHaveCount(0);
    await expect(alex.getByText(/Zufällige Reihenfolge/)).toBeVisible();
    await expect(alexCard).toBeVisible();
    const seed = await alex.evaluate(() => sessionStorage.getItem('ideenmarkt.randomSeed'));
    expect(seed).toMatch(/^\d+$/);
    await alex.getByLabel('Thema').selectOption('Personal & Gesundheit');
    await expect(alex.getByText('Keine Idee passt zu diesen Filtern.')).toBeVisible();
    await expect(filterToggle).toContainText('Zufällig · 1 Filter aktiv');
    await expect(alex.getByText('0 Ideen')).toBeVisible();
    await alex.getByLabel('Thema').selectOption('');
    await expect(alex.getByText('1 Idee', { exact: true })).toBeVisible();

    // Withdrawing the support.
    await support.click();
    await expect(support).toHaveAttribute('aria-pressed', 'false');
    await expect(alexCard).toContainText('0 Unterstützungen');

    expect(kimErrors).toEqual([]);
    expect(alexErrors).toEqual([]);
    await kimContext.close();
    await alexContext.close();
  });

  test('hostile idea texts render as text and run nothing', async ({ browser }) => {
    const conference = await apiConference('Sicherheitstest Ideenmarkt');
    const context = await phoneContext(browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await joinViaLink(page, conference.slug, conference.joinCode, 'Mallory', 'IT-Service');

    await page.getByRole('link', { name: 'Idee einreichen' }).click();
    await ready(page, 'Idee einreichen');
    await page.getByLabel('Titel').fill('<img src=x onerror="window.__xss=3">Titel');
    await page
      .getByLabel('Beschreibung')
      .fill(
        '<script>window.__xss=1</script>\n\n[klick](javascript:window.__xss=2)\n\n' +
          '[KLICK](JAVASCRIPT:window.__xss=4) [daten](data:text/html,<script>window.__xss=5</script>)\n\n' +
          '<img src=x onerror="window.__xss=6"> [Portal](https://example.org/portal)',
      );
    await page.getByLabel('Thema').selectOption('Digitalisierung');
    await page.getByRole('button', { name: 'Idee einreichen' }).click();
    await expect(page).toHaveURL(/\/ideas\/\d+$/);
    await ready(page, '<img src=x onerror="window.__xss=3">Titel');

    // Reload to render from the stored text, as everyone else sees it.
    await page.reload();
    await ready(page, '<img src=x onerror="window.__xss=3">Titel');
    const body = page.locator('.markdown');
    await expect(body).toContainText('<script>window.__xss=1</script>');
    await expect(body).toContainText('[klick](javascript:window.__xss=2)');
    await expect(page.locator('script:not([src])')).toHaveCount(0);
    await expect(page.locator('main img, main iframe')).toHaveCount(0);
    await expect(page.locator('a[href^="javascript" i], a[href^="data" i]')).toHaveCount(0);
    await expect(body.getByRole('link')).toHaveCount(1);
    await expect(body.getByRole('link', { name: 'Portal' })).toHaveAttribute('href', 'https://example.org/portal');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

    await body.getByText('[klick](javascript:window.__xss=2)').click();
    await body.getByText(/\[KLICK\]/).click();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await expect(page).toHaveURL(/\/ideas\/\d+$/);

    // In the list the teaser is plain text as well.
    await page.getByRole('link', { name: 'Zurück zum Markt der Ideen' }).click();
    await ready(page, 'Markt der Ideen');
    await expect(page.locator('main img, main a[href^="javascript" i]')).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(errors).toEqual([]);
    await context.close();
  });

  test('the author edits an idea; a stale version offers a reload', async ({ browser }) => {
    const conference = await apiConference('Bearbeitungstest');
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await joinViaLink(page, conference.slug, conference.joinCode, 'Eda Autorin');
    const idea = (await apiWrite(page.request, 'POST', `/api/v1/conferences/${conference.slug}/ideas`, {
      title: 'Erste Fassung',
      body: 'Text',
      topic: 'Digitalisierung',
      department: '',
      anonymous: false,
    })) as { id: number; version: number };

    await page.goto(`/ideas/${idea.id}`);
    await ready(page, 'Erste Fassung');
    await page.getByRole('link', { name: 'Bearbeiten' }).click();
    await ready(page, 'Idee bearbeiten');
    await expect(page.getByLabel('Titel')).toHaveValue('Erste Fassung');
    await expect(page.getByText('Namensnennung')).toHaveCount(0);

    // Someone (here: the same author in another tab) saves first.
    await apiWrite(page.request, 'PATCH', `/api/v1/ideas/${idea.id}`, { body: 'Anderswo geändert', version: idea.version });
    await page.getByLabel('Titel').fill('Zweite Fassung');
    await page.getByRole('button', { name: 'Änderungen speichern' }).click();
    await expect(page.getByRole('alert')).toContainText('Die Idee wurde inzwischen geändert.');
    await page.getByRole('button', { name: 'Aktuelle Fassung laden' }).click();
    await expect(page.getByRole('status')).toHaveText('Die aktuelle Fassung wurde geladen.');
    await expect(page.getByLabel('Beschreibung')).toHaveValue('Anderswo geändert');

    await page.getByLabel('Titel').fill('Zweite Fassung');
    await page.getByRole('button', { name: 'Änderungen speichern' }).click();
    await ready(page, 'Zweite Fassung');
    await expect(page.getByRole('status')).toHaveText('Die Idee wurde gespeichert.');
    await context.close();
  });
});

test('random order pages stably with "Mehr laden"', async ({ browser }) => {
  test.setTimeout(60_000);
  const conference = await apiConference('Zufallstest');
  const context = await phoneContext(browser);
  const page = await context.newPage();
  await joinViaLink(page, conference.slug, conference.joinCode, 'Rita Reihenfolge');
  for (let n = 1; n <= 25; n++) {
    await apiWrite(page.request, 'POST', `/api/v1/conferences/${conference.slug}/ideas`, {
      title: `Idee Nummer ${n}`,
      body: '',
      topic: 'Digitalisierung',
      department: '',
      anonymous: false,
    });
  }
  const titles = () => page.locator('article h2').allTextContents();

  await page.goto(`/c/${conference.slug}/ideas?sort=random`);
  await ready(page, 'Markt der Ideen');
  await expect(page.getByText('25 Ideen')).toBeVisible();
  await expect(page.locator('article')).toHaveCount(20);
  await page.getByRole('button', { name: 'Mehr laden' }).click();
  await expect(page.locator('article')).toHaveCount(25);
  await expect(page.getByRole('button', { name: 'Mehr laden' })).toHaveCount(0);
  const first = await titles();
  expect(new Set(first).size).toBe(25);

  // Same session, same order.
  await page.reload();
  await ready(page, 'Markt der Ideen');
  await page.getByRole('button', { name: 'Mehr laden' }).click();
  await expect(page.locator('article')).toHaveCount(25);
  expect(await titles()).toEqual(first);
  await context.close();
});

for (const theme of ['light', 'dark'] as const) {
  test(`axe: participant pages (${theme})`, async ({ browser }) => {
    test.setTimeout(90_000);
    const conference = await apiConference(`Barrierefreier Ideenmarkt ${theme}`);
    const context = await phoneContext(browser, theme);
    const page = await context.newPage();
    const check = async (what: string) => {
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
      await expectNoHorizontalScroll(page);
      await expectNoAxeViolations(page, `${what} (${theme}, phone)`);
    };

    await page.goto(`/c/${conference.slug}`);
    await ready(page, conference.title);
    await check('the conference page with the take-part section');

    await page.goto(`/c/${conference.slug}/join?code=${conference.joinCode}`);
    await ready(page, 'Konferenz beitreten');
    await check('the join page');
    await page.getByRole('button', { name: 'Beitreten' }).click();
    await expect(page.getByLabel('Ihr Name')).toHaveAttribute('aria-invalid', 'true');
    await check('the join page with errors');
    await page.getByLabel('Ihr Name').fill('Barbara Barrierefrei');
    await page.getByLabel('Bereich').selectOption('Ordnungsamt');
    await page.getByRole('button', { name: 'Beitreten' }).click();
    await ready(page, 'Markt der Ideen');
    await expect(page.getByText('Noch gibt es keine Ideen. Machen Sie den Anfang!')).toBeVisible();
    await check('the empty idea list');

    await page.getByRole('link', { name: 'Idee einreichen' }).click();
    await ready(page, 'Idee einreichen');
    await check('the new-idea form');
    await page.getByLabel('Beschreibung').fill('x'.repeat(10_001));
    await page.getByRole('button', { name: 'Idee einreichen' }).click();
    await expect(page.getByLabel('Titel')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Beschreibung')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#idea-body-counter')).toHaveText('10.001 von 10.000 Zeichen – 1 zu viel');
    await check('the new-idea form with errors');

    await page.getByLabel('Titel').fill('Barrierefreie Formulare');
    await page.getByLabel('Beschreibung').fill('Mit *Screenreader* testen.\n\n[Leitfaden](https://example.org/bitv)');
    await page.getByLabel('Thema').selectOption('Personal & Gesundheit');
    await page.getByLabel(/Anonym einreichen/).check();
    await page.getByRole('button', { name: 'Idee einreichen' }).click();
    await ready(page, 'Barrierefreie Formulare');
    await expect(page.getByText('Anonym', { exact: true })).toBeVisible();
    await check('the idea page');

    await page.getByRole('link', { name: 'Bearbeiten' }).click();
    await ready(page, 'Idee bearbeiten');
    await check('the edit page');
    await page.getByLabel('Titel').fill('x');
    await page.getByRole('button', { name: 'Änderungen speichern' }).click();
    await expect(page.getByLabel('Titel')).toHaveAttribute('aria-invalid', 'true');
    await check('the edit page with errors');

    await page.goto(`/c/${conference.slug}/ideas`);
    await ready(page, 'Markt der Ideen');
    await expect(page.getByRole('article')).toHaveCount(1);
    await page.getByRole('button', { name: /unterstützen/ }).click();
    await expect(page.getByRole('button', { name: /unterstützen/ })).toHaveAttribute('aria-pressed', 'true');
    await check('the filled idea list');
    await context.close();
  });
}

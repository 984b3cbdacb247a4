/**
 * Search across conferences (desktop): a German query shows results while it
 * is typed, with the matches highlighted; ticking a facet narrows the list;
 * the URL holds the search, so Back restores it; no axe-core violations.
 *
 * Needs the search index wired into the server (App.Search set and the
 * indexer running in `ideenmarkt serve`): the test waits until the API
 * finds the new ideas with `degraded: false`. Without the index, the page
 * falls back to the database (no highlights) and this test fails there, on
 * purpose.
 */
import { expect, request as apiRequest, test } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import { apiIdea, apiJoin, collectPageErrors, createConference, expectNoAxeViolations, ready } from './helpers';

test('search as you type, narrow by a facet, go back', async ({ page, browser }) => {
  test.setTimeout(60_000);
  const errors = collectPageErrors(page);
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await createConference(api, {
    title: 'Ideenbörse Verwaltung',
    phase: 'ideas',
    topics: ['Mobilität', 'Umwelt'],
    departments: ['Tiefbauamt', 'Grünflächenamt'],
  });
  await api.dispose();

  const authorContext = await browser.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  const author = authorContext.request;
  await apiJoin(author, c.slug, c.joinCode, 'Rita Rad', 'Tiefbauamt');
  const roof = await apiIdea(author, c.slug, 'Überdachte Fahrradständer am Rathaus', {
    body: 'Mehr überdachte Fahrradständer für die Beschäftigten.',
    topic: 'Mobilität',
    department: 'Tiefbauamt',
  });
  const green = await apiIdea(author, c.slug, 'Begrünte Fahrradständer', {
    body: 'Fahrradständer mit Dachbegrünung, gut für Bienen.',
    topic: 'Umwelt',
    department: 'Grünflächenamt',
  });
  await apiIdea(author, c.slug, 'Digitale Dienstreiseanträge', { body: 'Ohne Papier.', topic: 'Mobilität' });

  // The indexer runs after the commit: wait until the index has both ideas.
  await expect
    .poll(
      async () => {
        const res = await page.request.get(`/api/v1/search?q=${encodeURIComponent('Fahrradständer')}`);
        const body = (await res.json()) as { total: number; degraded: boolean };
        return `${body.total} degraded=${body.degraded}`;
      },
      { message: 'the search index finds the new ideas (is App.Search wired into serve?)', timeout: 20_000 },
    )
    .toBe('2 degraded=false');

  // The search page is in the site navigation.
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Suche' }).click();
  await ready(page, 'Ideen suchen');

  // Results appear while typing: no Enter, no button.
  const field = page.getByRole('searchbox', { name: 'Suchbegriff' });
  await field.pressSequentially('Fahrradständer', { delay: 40 });
  const results = page.getByRole('region', { name: 'Suchergebnisse' });
  const hits = results.getByRole('article');
  await expect(hits).toHaveCount(2);
  await expect(results.getByText('2 Ideen gefunden')).toBeVisible();
  await expect(page).toHaveURL(/\/search\?q=Fahrradst%C3%A4nder$/);
  await expect(page.locator('.degraded')).toHaveCount(0);
  // Matches are highlighted in title and body, as <mark> elements.
  const roofHit = hits.filter({ has: page.getByRole('link', { name: roof.title }) });
  await expect(roofHit.locator('h3 mark').first()).toHaveText(/Fahrradständer/i);
  await expect(roofHit.locator('.excerpt mark').first()).toHaveText(/Fahrradständer/i);
  await expect(roofHit).toContainText('Ideenbörse Verwaltung');

  // The conference facet is labelled with the title; ticking a topic narrows the list.
  await expect(page.getByRole('group', { name: 'Konferenz' }).getByRole('checkbox', { name: /^Ideenbörse Verwaltung \(2\)/ })).toBeVisible();
  const topics = page.getByRole('group', { name: 'Thema' });
  await topics.getByRole('checkbox', { name: /^Umwelt \(1\)/ }).check();
  await expect(hits).toHaveCount(1);
  await expect(hits.first().getByRole('link', { name: green.title })).toBeVisible();
  await expect(results.getByText('1 Idee gefunden')).toBeVisible();
  await expect(page).toHaveURL(/[?&]topic=Umwelt(&|$)/);
  // The other topic is still offered with its count, to add with OR.
  await expect(topics.getByRole('checkbox', { name: /^Mobilität \(1\)/ })).not.toBeChecked();
  await expectNoAxeViolations(page, 'the search page with a facet ticked');

  // Back undoes the facet; the query stays.
  await page.goBack();
  await expect(hits).toHaveCount(2);
  await expect(topics.getByRole('checkbox', { name: /^Umwelt/ })).not.toBeChecked();
  await expect(field).toHaveValue('Fahrradständer');

  // A hit leads to its idea, and Back to the same results.
  await hits.getByRole('link', { name: green.title }).click();
  await ready(page, green.title);
  await page.goBack();
  await ready(page, 'Ideen suchen');
  await expect(field).toHaveValue('Fahrradständer');
  await expect(hits).toHaveCount(2);

  // A query that finds nothing says so.
  await field.fill('Quxyzzyplatz');
  await expect(results.getByText('Keine Ideen gefunden.')).toBeVisible();
  await expectNoAxeViolations(page, 'the search page without results');

  await authorContext.close();
  expect(errors, 'console errors (CSP violations appear here)').toEqual([]);
});

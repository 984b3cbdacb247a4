/**
 * Comments and the moderation queue on a phone (390×844): writing and
 * replying with the on-screen layout, no sideways scrolling, and axe-core in
 * both themes. Runs in the "mobile" project.
 */
import { expect, request as apiRequest, test, type Browser } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import {
  apiIdea,
  apiJoin,
  apiWrite,
  createConference,
  expectNoAxeViolations,
  expectNoHorizontalScroll,
  newPhone,
  ready,
} from './helpers';

function phone(browser: Browser, theme: 'light' | 'dark', organizer = false) {
  return newPhone(browser, { colorScheme: theme, organizer });
}

for (const theme of ['light', 'dark'] as const) {
  test(`comments and the moderation queue on a phone (${theme})`, async ({ browser }) => {
    test.setTimeout(60_000);
    const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
    const c = await createConference(api, { title: `Kommentare unterwegs ${theme}`, phase: 'ideas' });
    await api.dispose();

    const page = await phone(browser, theme);
    await apiJoin(page.request, c.slug, c.joinCode, 'Mia Mobil');
    const idea = await apiIdea(page.request, c.slug, 'Fahrradständer mit Dach am Bahnhof', { body: 'Regensicher parken.' });
    const other = await browser.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
    const otherPage = await other.newPage();
    await apiJoin(otherPage.request, c.slug, c.joinCode, 'Olaf Ortsteil');
    await apiWrite(otherPage.request, 'POST', `/api/v1/ideas/${idea.id}/comments`, {
      body: 'Unbedingt – und mit Lademöglichkeit für E-Bikes, damit auch längere Strecken gehen.',
    });

    await page.goto(`/ideas/${idea.id}`);
    await ready(page, idea.title);
    await expect(page.getByRole('heading', { name: 'Kommentare (1)' })).toBeVisible();
    await page.getByRole('button', { name: 'Antworten: Olaf Ortsteil' }).click();
    await page.getByLabel('Antwort an Olaf Ortsteil').fill('Gute Ergänzung!');
    await page.getByRole('button', { name: 'Antwort veröffentlichen' }).click();
    await expect(page.getByRole('article', { name: 'Antwort von Mia Mobil' })).toBeFocused();
    await page.getByLabel('Ihr Kommentar').fill('Und bitte gut beleuchtet.');
    await page.getByRole('button', { name: 'Kommentar veröffentlichen' }).click();
    await expect(page.getByRole('heading', { name: 'Kommentare (3)' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await expectNoHorizontalScroll(page);
    await expectNoAxeViolations(page, `the idea page with comments (${theme}, phone)`);

    await page.getByRole('button', { name: 'Melden: Olaf Ortsteil' }).click();
    const dialog = page.getByRole('dialog', { name: 'Kommentar melden' });
    await expect(dialog).toBeVisible();
    await expectNoHorizontalScroll(page);
    await expectNoAxeViolations(page, `the report dialog (${theme}, phone)`);
    await dialog.getByLabel(/^Grund/).fill('Werbung für E-Bikes?');
    await dialog.getByRole('button', { name: 'Meldung senden' }).click();
    await expect(dialog).toBeHidden();

    const orga = await phone(browser, theme, true);
    await orga.goto(`/c/${c.slug}/moderation`);
    await ready(orga, 'Moderation');
    await expect(orga.getByRole('heading', { name: 'Meldungen (1)' })).toBeVisible();
    await expect(orga.locator('html')).toHaveAttribute('data-theme', theme);
    await expectNoHorizontalScroll(orga);
    await expectNoAxeViolations(orga, `the moderation queue (${theme}, phone)`);

    await orga.goto(`/c/${c.slug}/audit`);
    await ready(orga, 'Protokoll');
    await expectNoHorizontalScroll(orga);
    await expectNoAxeViolations(orga, `the log (${theme}, phone)`);

    await page.context().close();
    await other.close();
    await orga.context().close();
  });
}

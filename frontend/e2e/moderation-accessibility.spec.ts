/**
 * axe-core (WCAG 2.1 A/AA) on the moderation and organiser pages, in the
 * light and the dark theme, with content in them: the queue, the idea page
 * with the moderation tools and its dialogs, the log, participants and
 * invites, and the import page with an error shown.
 */
import { expect, request as apiRequest, test, type Page } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import {
  apiIdea,
  apiJoin,
  apiWrite,
  createConference,
  expectNoAxeViolations,
  ready,
  type CreatedConference,
  type CreatedIdea,
} from './helpers';

let conference: CreatedConference;
let idea: CreatedIdea;

test.beforeAll(async ({ browser }) => {
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  conference = await createConference(api, { title: 'Barrierefreie Moderation', phase: 'ideas' });
  await api.dispose();
  const context = await browser.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await apiJoin(page.request, conference.slug, conference.joinCode, 'Petra Prüfer');
  idea = await apiIdea(page.request, conference.slug, 'Barrierefreie Formulare im Bürgerportal', { body: 'Mit **Screenreader** testen.' });
  await apiIdea(page.request, conference.slug, 'Formulare ohne Barrieren', { body: 'Doppelt?' });
  const comment = (await apiWrite(page.request, 'POST', `/api/v1/ideas/${idea.id}/comments`, { body: 'Sehr wichtig!' })) as { id: number };
  await apiWrite(page.request, 'POST', `/api/v1/ideas/${idea.id}/comments`, { body: 'Und einfache Sprache.', parentId: comment.id });
  await apiWrite(page.request, 'POST', '/api/v1/reports', { entity: 'comment', entityId: comment.id, reason: 'Nur ein Test' });
  await context.close();
});

async function themed(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    test.use({ colorScheme: theme, storageState: AUTH_FILE });

    test('moderation queue', async ({ page }) => {
      await page.goto(`/c/${conference.slug}/moderation`);
      await ready(page, 'Moderation');
      await expect(page.getByRole('heading', { name: 'Meldungen (1)' })).toBeVisible();
      await themed(page, theme);
      await expectNoAxeViolations(page, `the moderation queue (${theme})`);
    });

    test('idea page with moderation tools, hide and merge dialogs', async ({ page }) => {
      await page.goto(`/ideas/${idea.id}`);
      await ready(page, idea.title);
      await page.getByRole('button', { name: 'Frühere Fassungen anzeigen' }).click();
      await expect(page.getByText('Diese Idee wurde noch nicht bearbeitet.')).toBeVisible();
      await themed(page, theme);
      await expectNoAxeViolations(page, `the idea page with moderation tools (${theme})`);

      await page.getByRole('button', { name: 'Ausblenden', exact: true }).click();
      const hide = page.getByRole('dialog', { name: 'Idee ausblenden' });
      await hide.getByRole('button', { name: 'Ausblenden' }).click();
      await expect(hide.getByLabel(/^Grund/)).toHaveAttribute('aria-invalid', 'true');
      await expectNoAxeViolations(page, `the hide dialog with an error (${theme})`);
      await hide.getByRole('button', { name: 'Abbrechen' }).click();
      await expect(hide).toBeHidden();

      await page.getByRole('button', { name: 'Zusammenführen mit …' }).click();
      const merge = page.getByRole('dialog', { name: 'Idee zusammenführen' });
      await expect(merge.getByLabel('Zielidee suchen')).toBeFocused();
      await expect(merge.getByRole('radio', { name: /Formulare ohne Barrieren/ })).toBeVisible();
      await merge.getByRole('button', { name: 'Zusammenführen' }).click();
      await expect(merge.getByText('Bitte die Idee wählen, in die zusammengeführt wird.')).toBeVisible();
      await themed(page, theme);
      await expectNoAxeViolations(page, `the merge dialog with an error (${theme})`);
      await page.keyboard.press('Escape');
      await expect(merge).toBeHidden();
      await expect(page.getByRole('button', { name: 'Zusammenführen mit …' })).toBeFocused();
    });

    test('log', async ({ page }) => {
      await page.goto(`/c/${conference.slug}/audit`);
      await ready(page, 'Protokoll');
      await themed(page, theme);
      await expectNoAxeViolations(page, `the log (${theme})`);
    });

    test('participants and invites', async ({ page }) => {
      await page.goto(`/c/${conference.slug}/participants`);
      await ready(page, 'Teilnehmende und Einladungen');
      await expect(page.getByRole('row', { name: /Petra Prüfer/ })).toBeVisible();
      await themed(page, theme);
      await expectNoAxeViolations(page, `the participants page (${theme})`);
    });

    test('import page, also with an error', async ({ page }) => {
      await page.goto(`/c/${conference.slug}/import`);
      await ready(page, 'Ideen importieren');
      await themed(page, theme);
      await expectNoAxeViolations(page, `the import page (${theme})`);
      await page.getByRole('button', { name: 'Erst prüfen' }).click();
      const file = page.getByLabel(/^Ideen \(CSV-Datei\)/);
      await expect(file).toHaveAttribute('aria-invalid', 'true');
      await expect(file).toBeFocused();
      await expectNoAxeViolations(page, `the import page with an error (${theme})`);
    });
  });
}

/**
 * axe-core (WCAG 2.1 A and AA rules) on every view, in the light and in the
 * dark theme: as a visitor and as an organiser, forms with errors shown.
 */
import { expect, request as apiRequest, test, type Page } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import { createConference, expectNoAxeViolations, type CreatedConference } from './helpers';

let published: CreatedConference;
let draft: CreatedConference;

test.beforeAll(async () => {
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  published = await createConference(api, { title: 'Barrierefreiheit im Amt', phase: 'ideas' });
  draft = await createConference(api, { title: 'Entwurf einer Konferenz' });
  await api.dispose();
});

async function ready(page: Page, theme: 'light' | 'dark', heading: string | RegExp): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    test.use({ colorScheme: theme });

    test.describe('visitor', () => {
      test('conference list', async ({ page }) => {
        await page.goto('/');
        await ready(page, theme, 'Konferenzen');
        await expect(page.getByRole('link', { name: published.title }).first()).toBeVisible();
        await expectNoAxeViolations(page, `the list (${theme}, visitor)`);
      });

      test('login, also with an error shown', async ({ page }) => {
        await page.goto('/login');
        await ready(page, theme, 'Anmelden');
        await expectNoAxeViolations(page, `the login page (${theme})`);

        await page.getByLabel('E-Mail-Adresse').fill('niemand@example.org');
        await page.getByLabel('Passwort').fill('falsches-passwort');
        await page.getByRole('button', { name: 'Anmelden' }).click();
        await expect(page.getByRole('alert')).toContainText('E-Mail-Adresse oder Passwort ist falsch.');
        await expectNoAxeViolations(page, `the login page with an error (${theme})`);
      });

      test('conference page', async ({ page }) => {
        await page.goto(`/c/${published.slug}`);
        await ready(page, theme, published.title);
        await expectNoAxeViolations(page, `the conference page (${theme}, visitor)`);
      });

      test('unknown page and unknown conference', async ({ page }) => {
        await page.goto('/gibt-es-nicht');
        await ready(page, theme, 'Seite nicht gefunden');
        await expectNoAxeViolations(page, `the 404 page (${theme})`);

        // A draft is invisible to visitors: "not found", not "forbidden".
        await page.goto(`/c/${draft.slug}`);
        await ready(page, theme, 'Konferenz nicht gefunden');
        await expectNoAxeViolations(page, `the conference-not-found page (${theme})`);
      });
    });

    test.describe('organiser', () => {
      test.use({ storageState: AUTH_FILE });

      test('conference list with drafts', async ({ page }) => {
        await page.goto('/');
        await ready(page, theme, 'Konferenzen');
        await expect(page.getByRole('link', { name: draft.title }).first()).toBeVisible();
        await expectNoAxeViolations(page, `the list (${theme}, organiser)`);
      });

      test('new conference form, empty and with errors', async ({ page }) => {
        await page.goto('/conferences/new');
        await ready(page, theme, 'Neue Konferenz anlegen');
        await expectNoAxeViolations(page, `the new-conference form (${theme})`);

        await page.getByLabel('Beginn').fill('2026-09-10T17:00');
        await page.getByLabel('Ende').fill('2026-09-10T09:00');
        await page.getByLabel('Plätze').fill('-5');
        await page.getByRole('button', { name: 'Konferenz anlegen' }).click();
        await expect(page.getByLabel('Titel')).toHaveAttribute('aria-invalid', 'true');
        await expect(page.getByLabel('Plätze')).toHaveAttribute('aria-invalid', 'true');
        await expectNoAxeViolations(page, `the new-conference form with errors (${theme})`);
      });

      test('conference page with join code', async ({ page }) => {
        await page.goto(`/c/${draft.slug}`);
        await ready(page, theme, draft.title);
        await expect(page.getByText(draft.joinCode)).toBeVisible();
        await expectNoAxeViolations(page, `the conference page (${theme}, organiser)`);
      });

      test('edit page with phase controls', async ({ page }) => {
        await page.goto(`/c/${draft.slug}/edit`);
        await ready(page, theme, 'Konferenz bearbeiten');
        await expect(page.getByRole('button', { name: /Wechseln zu/ }).first()).toBeVisible();
        await expectNoAxeViolations(page, `the edit page (${theme})`);

        await page.getByLabel('Titel').fill('');
        await page.getByRole('button', { name: 'Änderungen speichern' }).click();
        await expect(page.getByLabel('Titel')).toHaveAttribute('aria-invalid', 'true');
        await expectNoAxeViolations(page, `the edit page with errors (${theme})`);
      });
    });
  });
}

/** The participant-facing pages on a phone-sized screen (390×844). */
import { expect, request as apiRequest, test, type Page } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import { createConference, expectNoAxeViolations, type CreatedConference } from './helpers';

let conference: CreatedConference;

test.beforeAll(async () => {
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  conference = await createConference(api, {
    title: 'Ideenmarkt der Stadtverwaltung mit einem ziemlich langen Titel für kleine Bildschirme',
    phase: 'ideas',
  });
  await api.dispose();
});

async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'page is wider than the viewport').toBeLessThanOrEqual(0);
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    test.use({ colorScheme: theme });

    test('conference list', async ({ page }) => {
      await page.goto('/');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Konferenzen');
      await expect(page.getByRole('link', { name: conference.title })).toBeVisible();
      await expectNoHorizontalScroll(page);
      await expectNoAxeViolations(page, `the list on a phone (${theme})`);
    });

    test('conference page', async ({ page }) => {
      await page.goto(`/c/${conference.slug}`);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(conference.title);
      await expect(page.getByText('Rathaus, Großer Saal')).toBeVisible();
      await expectNoHorizontalScroll(page);
      await expectNoAxeViolations(page, `the conference page on a phone (${theme})`);
    });
  });
}

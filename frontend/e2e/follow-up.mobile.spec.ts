/**
 * Follow-up on a phone (390×844), in both themes: "Meine Ideen", the idea's
 * "Wie geht's weiter?" and the outcomes page fit the screen without sideways
 * scrolling, and axe-core finds nothing. The organiser's follow-up form on a
 * phone as well. Runs in the "mobile" project.
 */
import { expect, request as apiRequest, test, type Browser } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import {
  apiIdea,
  apiJoin,
  apiWrite,
  collectPageErrors,
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
  test(`follow-up pages on a phone (${theme})`, async ({ browser }) => {
    test.setTimeout(60_000);
    const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
    const c = await createConference(api, { title: `Nachverfolgung unterwegs ${theme}`, phase: 'ideas' });

    const page = await phone(browser, theme);
    const errors = collectPageErrors(page);
    await apiJoin(page.request, c.slug, c.joinCode, 'Mia Mobil');
    const idea = await apiIdea(page.request, c.slug, 'Wasserspender in allen Dienstgebäuden', { body: 'Leitungswasser.' });
    await apiWrite(api, 'POST', `/api/v1/ideas/${idea.id}/follow-up`, {
      status: 'in_progress',
      officialAnswer:
        'Die ersten Spender stehen im Rathaus; weitere folgen bis zum Sommer. Einzelheiten: https://intranet.example.org/wasserspender-in-allen-dienstgebaeuden',
      responsibleUnit: 'Zentrale Dienste, Sachgebiet Gebäudemanagement und Beschaffung',
      progress: 45,
      version: idea.version,
    });

    await page.goto('/my-ideas');
    await ready(page, 'Meine Ideen');
    await expect(page.getByRole('article', { name: idea.title })).toContainText('In Umsetzung');
    await expectNoHorizontalScroll(page);
    await expectNoAxeViolations(page, `Meine Ideen on a phone (${theme})`);

    await page.getByRole('link', { name: idea.title }).click();
    await ready(page, idea.title);
    const section = page.getByRole('region', { name: 'Wie geht’s weiter?' });
    await expect(section.getByRole('progressbar', { name: 'Fortschritt' })).toHaveAttribute('aria-valuenow', '45');
    await expectNoHorizontalScroll(page);
    await expectNoAxeViolations(page, `an idea with follow-up on a phone (${theme})`);

    await page.goto(`/c/${c.slug}/outcomes`);
    await ready(page, `Wie geht’s weiter? – ${c.title}`);
    await expect(page.getByRole('region', { name: /^In Umsetzung/ }).getByRole('article')).toHaveCount(1);
    await expectNoHorizontalScroll(page);
    await expectNoAxeViolations(page, `the outcomes on a phone (${theme})`);

    // The organiser's form on a phone.
    const orga = await phone(browser, theme, true);
    await orga.goto(`/ideas/${idea.id}`);
    await ready(orga, idea.title);
    await expect(orga.getByRole('region', { name: 'Rückmeldung erfassen' })).toBeVisible();
    await expectNoHorizontalScroll(orga);
    await expectNoAxeViolations(orga, `the follow-up form on a phone (${theme})`);

    expect(errors).toEqual([]);
    await api.dispose();
    await page.context().close();
    await orga.context().close();
  });
}

/**
 * Leaving a conference on a phone: the confirmation dialog (focus starts on
 * "Abbrechen"), erasure of one's name, and the notice afterwards.
 * Needs DELETE /conferences/{slug}/membership.
 */
import { expect, request as apiRequest, test } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import {
  apiIdea,
  apiJoin,
  createConference,
  expectNoAxeViolations,
  expectNoHorizontalScroll,
  PHONE,
  ready,
} from './helpers';

test('a participant leaves the conference and their name is erased', async ({ browser }) => {
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await createConference(api, { title: 'Verlassen und löschen', phase: 'ideas' });
  await api.dispose();
  const context = await browser.newContext({ ...PHONE, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await apiJoin(page.request, c.slug, c.joinCode, 'Lena Leise');
  const idea = await apiIdea(page.request, c.slug, 'Ruheraum im Rathaus');

  await page.goto(`/c/${c.slug}`);
  await ready(page, c.title);
  await expect(page.getByText('Angemeldet als Lena Leise')).toBeVisible();
  const leave = page.getByRole('button', { name: 'Konferenz verlassen und meine Daten löschen' });

  // Changing one's mind: Escape, focus back on the button.
  await leave.click();
  const dialog = page.getByRole('dialog', { name: 'Konferenz verlassen?' });
  await expect(dialog).toContainText('Ihre Ideen und Kommentare bleiben ohne Namen stehen');
  await expect(dialog.getByRole('button', { name: 'Abbrechen' })).toBeFocused();
  await expectNoHorizontalScroll(page);
  await expectNoAxeViolations(page, 'the leave dialog (phone)');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(leave).toBeFocused();

  await leave.click();
  await dialog.getByRole('button', { name: 'Verlassen und Daten löschen' }).click();
  await expect(page.getByRole('status')).toHaveText(
    'Sie haben die Konferenz verlassen. Ihre persönlichen Angaben wurden gelöscht.',
  );
  await expect(page.getByRole('heading', { name: 'Mitmachen' })).toBeFocused();
  await expect(page.getByRole('link', { name: 'Jetzt beitreten' })).toBeVisible();
  await expect(leave).toHaveCount(0);

  // The idea stays, without the name.
  await page.goto(`/ideas/${idea.id}`);
  await ready(page, idea.title);
  await expect(page.getByText('Lena Leise')).toHaveCount(0);
  await expect(page.getByText('Anonym', { exact: true })).toBeVisible();
  await context.close();
});

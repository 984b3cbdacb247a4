/**
 * The organiser's main path through the app, entirely through the UI:
 * log in, create a conference (first with mistakes), find it, open it,
 * move it to the idea collection, log out and find it listed publicly.
 */
import { expect, test } from '@playwright/test';
import { ADMIN } from './constants';
import { collectPageErrors, uniqueSlug } from './helpers';

test('organiser creates a conference, opens its idea collection and logs out', async ({ page }) => {
  const errors = collectPageErrors(page);
  const slug = uniqueSlug('tag-der-ideen');
  const title = `Tag der Ideen ${slug.slice(-4)}`;
  const h1 = page.getByRole('heading', { level: 1 });
  const status = page.getByRole('status');

  await page.goto('/');
  await expect(h1).toHaveText('Konferenzen');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');

  // Log in.
  await page.getByRole('banner').getByRole('link', { name: 'Anmelden' }).click();
  await expect(h1).toHaveText('Anmelden');
  await expect(h1).toBeFocused();
  await page.getByLabel('E-Mail-Adresse').fill(ADMIN.email);
  await page.getByLabel('Passwort').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await expect(status).toHaveText(`Sie sind angemeldet als ${ADMIN.name}.`);
  await expect(h1).toHaveText('Konferenzen');
  await expect(page.getByRole('button', { name: 'Abmelden' })).toBeVisible();

  // Create a conference with an empty title and the end before the start.
  await page.getByRole('navigation').getByRole('link', { name: 'Neue Konferenz' }).click();
  await expect(h1).toHaveText('Neue Konferenz anlegen');
  await page.getByLabel('Kurzbezeichnung').fill(slug);
  await page.getByLabel('Beschreibung').fill('Wir sammeln Ideen für die Verwaltung.\nUnd stimmen live ab.');
  await page.getByLabel('Beginn').fill('2026-09-10T17:00');
  await page.getByLabel('Ende').fill('2026-09-10T09:00');
  await page.getByLabel('Veranstaltungsort').fill('Rathaus, Großer Saal');
  await page.getByLabel('Plätze').fill('450');
  await page.getByRole('button', { name: 'Konferenz anlegen' }).click();

  const titleField = page.getByLabel('Titel');
  const endField = page.getByLabel('Ende');
  await expect(page.getByRole('alert')).toContainText('Bitte korrigieren Sie die markierten Felder.');
  await expect(titleField).toHaveAttribute('aria-invalid', 'true');
  await expect(titleField).toHaveAccessibleDescription(/Bitte einen Titel angeben\./);
  await expect(endField).toHaveAttribute('aria-invalid', 'true');
  await expect(endField).toHaveAccessibleDescription(/Das Ende muss nach dem Beginn liegen\./);
  await expect(page.getByLabel('Beginn')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(titleField).toBeFocused();
  await expect(page).toHaveURL('/conferences/new');

  // Fix both and create it.
  await titleField.fill(title);
  await endField.fill('2026-09-10T18:00');
  await page.getByRole('button', { name: 'Konferenz anlegen' }).click();
  await expect(page).toHaveURL(`/c/${slug}`);
  await expect(h1).toHaveText(title);
  await expect(h1).toBeFocused();
  await expect(status).toHaveText(`Die Konferenz „${title}“ wurde angelegt.`);
  await expect(page.getByText('Phase: Entwurf')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Beitrittscode' })).toBeVisible();
  await expect(page.getByText(/10\. September 2026.*17:00\s*[–-]\s*18:00/)).toBeVisible();

  // It is listed (as a draft, for organisers only).
  await page.getByRole('navigation').getByRole('link', { name: 'Konferenzen' }).click();
  await expect(h1).toHaveText('Konferenzen');
  const card = page.getByRole('article').filter({ has: page.getByRole('link', { name: title }) });
  await expect(card).toContainText('Entwurf');

  // Open it, move it to the idea collection.
  await card.getByRole('link', { name: title }).click();
  await expect(h1).toHaveText(title);
  await page.getByRole('link', { name: 'Konferenz bearbeiten' }).click();
  await expect(h1).toHaveText('Konferenz bearbeiten');
  await expect(page.getByRole('button', { name: 'Wechseln zu: Live' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Wechseln zu: Archiviert' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Wechseln zu: Ideensammlung' }).click();
  await expect(status).toHaveText('Die Phase ist jetzt „Ideensammlung“.');
  await expect(page.getByText('Aktuelle Phase: Ideensammlung')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Wechseln zu: Entwurf' })).toBeVisible();

  // Log out: the conference is now public.
  await page.getByRole('button', { name: 'Abmelden' }).click();
  await expect(status).toHaveText('Sie wurden abgemeldet.');
  await expect(h1).toHaveText('Konferenzen');
  await expect(page.getByRole('banner').getByRole('link', { name: 'Anmelden' })).toBeVisible();
  const publicCard = page.getByRole('article').filter({ has: page.getByRole('link', { name: title }) });
  await expect(publicCard).toContainText('Ideensammlung');

  // Visitors see no join code and no edit link.
  await publicCard.getByRole('link', { name: title }).click();
  await expect(h1).toHaveText(title);
  await expect(page.getByText('Wir sammeln Ideen für die Verwaltung.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Beitrittscode' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Konferenz bearbeiten' })).toHaveCount(0);

  expect(errors).toEqual([]);
});

/** Routing, focus management, guards and the page's own security rules. */
import { expect, request as apiRequest, test } from '@playwright/test';
import { ADMIN, AUTH_FILE, BASE_URL } from './constants';
import { apiWrite, collectPageErrors, createConference } from './helpers';

test('deep links load directly and the back button works', async ({ page }) => {
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await createConference(api, { title: 'Direkt verlinkt', phase: 'ideas' });
  await api.dispose();

  const errors = collectPageErrors(page);
  const h1 = page.getByRole('heading', { level: 1 });
  await page.goto(`/c/${c.slug}`);
  await expect(h1).toHaveText('Direkt verlinkt');
  // A fresh page load leaves focus alone, so the skip link is the first tab stop.
  await expect(h1).not.toBeFocused();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Zum Inhalt springen' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();

  await page.getByRole('link', { name: 'Zurück zur Übersicht' }).click();
  await expect(h1).toHaveText('Konferenzen');
  await expect(h1).toBeFocused();
  await page.goBack();
  await expect(h1).toHaveText('Direkt verlinkt');
  // (the skip link added "#main" to the history entry)
  await expect(page).toHaveURL(new RegExp(`/c/${c.slug}(#main)?$`));
  await expect(h1).toBeFocused();

  // The description is plain text: markup is shown, not rendered.
  await expect(page.getByText('<b>spitzen Klammern</b>')).toBeVisible();
  await expect(page.locator('main b')).toHaveCount(0);

  expect(errors, 'console errors (CSP violations appear here)').toEqual([]);
});

test('unknown paths show the 404 view', async ({ page }) => {
  await page.goto('/nirgendwo/und/nie');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Seite nicht gefunden');
  await expect(page).toHaveTitle('Seite nicht gefunden – ideenmarkt');
  await page.getByRole('link', { name: 'Zur Startseite' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Konferenzen');
});

test('organiser pages send visitors to the login and back', async ({ page }) => {
  await page.goto('/conferences/new');
  await expect(page).toHaveURL('/login?next=%2Fconferences%2Fnew');
  await expect(page.getByText('Bitte melden Sie sich an, um fortzufahren.')).toBeVisible();
  await page.getByLabel('E-Mail-Adresse').fill(ADMIN.email);
  await page.getByLabel('Passwort').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await expect(page).toHaveURL('/conferences/new');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Neue Konferenz anlegen');
});

test('a wrong password is reported without revealing which part was wrong', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('E-Mail-Adresse').fill(ADMIN.email);
  await page.getByLabel('Passwort').fill('definitiv-falsch');
  await page.getByRole('button', { name: 'Anmelden' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toHaveText('E-Mail-Adresse oder Passwort ist falsch.');
  await expect(alert).toBeFocused();
});

test('too many login attempts show when to try again', async ({ page }) => {
  // The real limiter (10 failures per address in 10 minutes) would lock the
  // rest of the suite out, so this one answer is the server's documented 429.
  await page.route('**/api/v1/auth/login', (route) =>
    route.fulfill({
      status: 429,
      headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '42' },
      body: JSON.stringify({
        type: 'about:blank',
        title: 'Too Many Requests',
        status: 429,
        code: 'rate_limited',
        detail: 'Too many failed logins. Please wait before trying again.',
      }),
    }),
  );
  await page.goto('/login');
  await page.getByLabel('E-Mail-Adresse').fill(ADMIN.email);
  await page.getByLabel('Passwort').fill('egal');
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'Zu viele Anmeldeversuche. Bitte versuchen Sie es in 42 Sekunden erneut.',
  );
});

test.describe('as organiser', () => {
  test.use({ storageState: AUTH_FILE });

  test('edits a conference, regenerates the join code and is told about stale versions', async ({ page }) => {
    const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
    const c = await createConference(api, { title: 'Zu bearbeiten' });
    const h1 = page.getByRole('heading', { level: 1 });
    const status = page.getByRole('status');

    await page.goto(`/c/${c.slug}/edit`);
    await expect(h1).toHaveText('Konferenz bearbeiten');
    await expect(page.getByLabel('Beginn')).toHaveValue('2026-09-10T09:00');

    // New join code.
    await page.getByRole('button', { name: 'Neuen Beitrittscode erzeugen' }).click();
    await expect(status).toContainText('Neuer Beitrittscode:');
    const text = (await status.textContent()) ?? '';
    const code = text.replace('Neuer Beitrittscode:', '').trim();
    expect(code).not.toBe(c.joinCode);
    expect(code).toMatch(/^[A-Z0-9]{4,}$/);

    // Someone else changes the conference in the meantime → 409 → reload offer.
    await page.getByLabel('Veranstaltungsort').fill('Bürgerhaus Nord');
    await apiWrite(api, 'PATCH', `/api/v1/conferences/${c.slug}`, { title: 'Zu bearbeiten (geändert)' });
    await page.getByRole('button', { name: 'Änderungen speichern' }).click();
    await expect(page.getByRole('alert')).toContainText('von jemand anderem geändert');
    await page.getByRole('button', { name: 'Aktuelle Fassung laden' }).click();
    await expect(status).toHaveText('Die aktuelle Fassung wurde geladen.');
    await expect(page.getByLabel('Titel')).toHaveValue('Zu bearbeiten (geändert)');

    // Save a change now that the version is current.
    await page.getByLabel('Veranstaltungsort').fill('Bürgerhaus Nord');
    await page.getByRole('button', { name: 'Änderungen speichern' }).click();
    await expect(page).toHaveURL(`/c/${c.slug}`);
    await expect(status).toHaveText('Änderungen gespeichert.');
    await expect(page.getByText('Bürgerhaus Nord')).toBeVisible();
    await expect(page.getByText(code)).toBeVisible();
    await api.dispose();
  });

  test('a taken slug is reported at the slug field', async ({ page }) => {
    const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
    const c = await createConference(api, { title: 'Schon da' });
    await api.dispose();

    await page.goto('/conferences/new');
    await page.getByLabel('Titel').fill('Noch einmal');
    await page.getByLabel('Kurzbezeichnung').fill(c.slug);
    await page.getByLabel('Beginn').fill('2026-09-10T09:00');
    await page.getByLabel('Ende').fill('2026-09-10T17:00');
    await page.getByRole('button', { name: 'Konferenz anlegen' }).click();
    const slug = page.getByLabel('Kurzbezeichnung');
    await expect(slug).toHaveAttribute('aria-invalid', 'true');
    await expect(slug).toHaveAccessibleDescription(/bereits vergeben/);
  });
});

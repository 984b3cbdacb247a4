/**
 * Registration and the door on a phone: the form, the ticket page and the
 * door page fit the screen (no sideways scrolling, the QR code whole and
 * large enough to scan), work with touch, and axe-core finds nothing.
 */
import { expect, request as apiRequest, test } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import { collectPageErrors, expectNoAxeViolations, expectNoHorizontalScroll, newPhone, ready } from './helpers';
import { apiWalkIn, personalPathOf, registrationConference } from './registration-helpers';

test('registering on a phone', async ({ page }) => {
  const errors = collectPageErrors(page);
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await registrationConference(api, { title: 'Anmeldung am Telefon', departments: ['Ordnungsamt'] });
  await api.dispose();
  await page.goto(`/c/${c.slug}`);
  await ready(page, c.title);
  await page.getByRole('link', { name: 'Zur Anmeldung' }).tap();
  await ready(page, 'Anmeldung');
  await expectNoHorizontalScroll(page);
  await expectNoAxeViolations(page, 'the registration form (phone)');
  await page.getByRole('button', { name: 'Anmelden', exact: true }).tap();
  await expect(page.getByRole('alert')).toBeFocused();
  await expectNoHorizontalScroll(page);
  await expectNoAxeViolations(page, 'the registration form with errors (phone)');
  await page.getByLabel('Vor- und Nachname').fill('Pia Telefon');
  await page.getByLabel('E-Mail-Adresse').fill('pia.telefon@stadt.example');
  await page.getByLabel('Bereich').selectOption('Ordnungsamt');
  await page.getByRole('button', { name: 'Anmelden', exact: true }).tap();
  await expect(page.getByRole('heading', { name: 'Fast geschafft' })).toBeFocused();
  await expectNoHorizontalScroll(page);
  expect(errors).toEqual([]);
});

test('the ticket on a phone, in both themes', async ({ browser }) => {
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await registrationConference(api, { title: 'Ticket am Telefon' });
  const walkIn = await apiWalkIn(api, c.slug, 'Quentin Mit-Einem-Recht-Langen-Doppelnamen', { door: 'Haupteingang Süd' });
  await api.dispose();
  for (const colorScheme of ['light', 'dark'] as const) {
    const phone = await newPhone(browser, { colorScheme });
    const errors = collectPageErrors(phone);
    await phone.goto(personalPathOf(walkIn.link));
    await ready(phone, 'Ihre Anmeldung');
    const qr = phone.getByRole('region', { name: 'Ihr Ticket' }).getByRole('img', { name: /QR-Code des Tickets/ });
    await expect(qr).toBeInViewport({ ratio: 0.5 });
    const box = (await qr.boundingBox())!;
    // Large enough for a door scanner, and whole on the screen.
    expect(box.width).toBeGreaterThanOrEqual(200);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await expectNoHorizontalScroll(phone);
    await expectNoAxeViolations(phone, `the ticket page (phone, ${colorScheme})`);
    // This phone takes part with the registration.
    await phone.getByRole('button', { name: 'Mit diesem Gerät teilnehmen' }).tap();
    await expect(phone.getByText('Dieses Gerät ist mit Ihrer Anmeldung verbunden.')).toBeVisible();
    await phone.getByRole('link', { name: 'Zum Markt der Ideen' }).tap();
    await ready(phone, 'Markt der Ideen');
    expect(errors).toEqual([]);
    await phone.context().close();
  }
});

test('the door on a phone', async ({ browser }) => {
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await registrationConference(api, { title: 'Einlass am Telefon', capacity: 300, venueLimit: 320 });
  const walkIn = await apiWalkIn(api, c.slug, 'Rita Rein', { door: 'Nord' });
  await api.dispose();
  for (const colorScheme of ['light', 'dark'] as const) {
    const phone = await newPhone(browser, { organizer: true, colorScheme });
    const errors = collectPageErrors(phone);
    await phone.goto(`/c/${c.slug}/einlass`);
    await ready(phone, 'Einlass');
    await expect(phone.getByRole('region', { name: 'Im Haus' })).toContainText('von 320 Personen im Haus');
    await expectNoHorizontalScroll(phone);
    await expectNoAxeViolations(phone, `the door page (phone, ${colorScheme})`);

    await phone.getByLabel('Name dieses Eingangs').fill('Süd');
    await phone.getByLabel('Ticket-Code').fill(walkIn.registration.ticketCode);
    await phone.getByRole('button', { name: 'Einchecken', exact: true }).tap();
    const result = phone.locator('.outcome-region');
    await expect(result).toContainText('Bereits eingecheckt: Rita Rein');
    await expect(result).toBeInViewport();
    await expectNoHorizontalScroll(phone);

    await phone.getByLabel('Spontan anmelden').check();
    await phone.getByLabel('Vor- und Nachname').fill(`Sami Spontan ${colorScheme}`);
    await phone.getByRole('button', { name: 'Anmelden und einchecken' }).tap();
    await expect(result).toContainText(`Spontan angemeldet und eingecheckt: Sami Spontan ${colorScheme}`);
    const qr = phone.getByRole('img', { name: /persönlichen Link/ });
    await expect(qr).toBeVisible();
    expect((await qr.boundingBox())!.width).toBeGreaterThanOrEqual(200);
    await expectNoHorizontalScroll(phone);
    await expectNoAxeViolations(phone, `the door page after a walk-in (phone, ${colorScheme})`);
    expect(errors).toEqual([]);
    await phone.context().close();
  }
});

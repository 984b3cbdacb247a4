/**
 * The door (desktop): door staff check people in by typed code (any case,
 * hyphens) and by name, register a walk-in (whose personal link is shown
 * once as a QR code), and get a clear message for an unknown code, a
 * cancelled ticket, an unconfirmed registration and a repeated check-in
 * (when and at which door). The headcount follows live on a second door
 * page and on the organisers' overview. A moderator may work the door, a
 * participant may not. Scanning works with a (fake) camera and with a
 * photo of the ticket. With the mail catcher: fresh check-ins of confirmed
 * registrations by code and by name. axe-core finds nothing on the door
 * page in each state.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, request as apiRequest, test, type Page } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import { apiJoin, apiWrite, collectPageErrors, expectNoAxeViolations, ready } from './helpers';
import { personalLinkIn, uniqueEmail, waitForMail } from './mail';
import { blankPng, qrPng, writeQrY4m } from './qr-media';
import {
  apiCancelFor,
  apiRegister,
  apiWalkIn,
  findRegistration,
  registrationConference,
} from './registration-helpers';

test.use({ storageState: AUTH_FILE });

async function openDoor(page: Page, slug: string, door: string): Promise<void> {
  await page.goto(`/c/${slug}/einlass`);
  await ready(page, 'Einlass');
  await page.getByLabel('Name dieses Eingangs').fill(door);
}

/** The door's result panel. */
const result = (page: Page) => page.locator('.outcome-region');
/** The headcount sentence (the live region). */
const headcount = (page: Page) => page.getByRole('region', { name: 'Im Haus' }).locator('.sentence');

test('check-in by code and by name, walk-ins, problems, and the live headcount', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const errors = collectPageErrors(page);
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await registrationConference(api, { title: 'Einlass am Rathaus', capacity: 450, venueLimit: 500 });
  const walkIn = await apiWalkIn(api, c.slug, 'Anna Früh', { door: 'Nord', accessibility: 'Rollstuhl' });
  const visitor = await apiRequest.newContext({ baseURL: BASE_URL });
  await apiRegister(visitor, c.slug, 'Ben Unbestätigt', 'ben@stadt.example');
  await apiRegister(visitor, c.slug, 'Cleo Storniert', 'cleo@stadt.example');
  const ben = await findRegistration(api, c.slug, 'ben@stadt.example');
  const cleo = await findRegistration(api, c.slug, 'cleo@stadt.example');
  await apiCancelFor(api, c.slug, cleo.id);

  await openDoor(page, c.slug, 'Süd');
  await expect(headcount(page)).toHaveText('1 von 500 Personen im Haus, 499 Plätze frei.');
  await expect(result(page)).toContainText('Hier erscheint das Ergebnis jedes Check-ins.');
  await expectNoAxeViolations(page, 'the door page');

  // The door name is remembered on the device.
  await page.reload();
  await ready(page, 'Einlass');
  await expect(page.getByLabel('Name dieses Eingangs')).toHaveValue('Süd');

  // A second door page follows the headcount live.
  const second = await page.context().newPage();
  await openDoor(second, c.slug, 'West');
  await expect(headcount(second)).toHaveText('1 von 500 Personen im Haus, 499 Plätze frei.');
  // And so does the organisers' overview.
  const overview = await page.context().newPage();
  await overview.goto(`/c/${c.slug}/anmeldungen`);
  await ready(overview, 'Anmeldungen');
  const checkedIn = overview.getByRole('region', { name: 'Überblick' }).locator('div', { hasText: 'Eingecheckt' }).locator('dd');
  await expect(checkedIn).toHaveText('1 von 500');

  // By typed code: lower case with a hyphen is fine; Anna came in at the north door already.
  const code = page.getByLabel('Ticket-Code');
  const t = walkIn.registration.ticketCode;
  await code.fill(`${t.slice(0, 4).toLowerCase()}-${t.slice(4).toLowerCase()}`);
  await page.getByRole('button', { name: 'Einchecken', exact: true }).click();
  await expect(result(page)).toContainText('Bereits eingecheckt: Anna Früh');
  await expect(result(page)).toContainText('am Eingang Nord');
  await expect(result(page)).toContainText('Unterstützungsbedarf: Rollstuhl');
  await expect(code).toBeFocused();
  await expectNoAxeViolations(page, 'the door page after a repeated check-in');

  // An unknown code, a cancelled ticket, an unconfirmed registration.
  await code.fill('ACDEFGHJ');
  await page.getByRole('button', { name: 'Einchecken', exact: true }).click();
  await expect(result(page).locator('[data-outcome="refused"]')).toHaveAttribute('data-code', 'unknown');
  await expect(result(page)).toContainText('Unbekanntes Ticket. Bitte den Code prüfen oder nach dem Namen suchen.');
  await code.fill('kein code!');
  await page.getByRole('button', { name: 'Einchecken', exact: true }).click();
  await expect(result(page)).toContainText('Unbekanntes Ticket.');
  await code.fill(cleo.ticketCode);
  await page.getByRole('button', { name: 'Einchecken', exact: true }).click();
  await expect(result(page)).toContainText('Kein Einlass: Diese Anmeldung wurde storniert.');
  await expectNoAxeViolations(page, 'the door page with a refused ticket');
  await code.fill(ben.ticketCode);
  await page.getByRole('button', { name: 'Einchecken', exact: true }).click();
  await expect(result(page)).toContainText('Kein Einlass: Die Anmeldung wurde per E-Mail noch nicht bestätigt.');

  // By name: the list shows each registration's state, with a check-in button.
  await page.getByLabel('Nach Namen suchen').check();
  await page.getByLabel('Name oder E-Mail-Adresse').fill('Storniert');
  await page.getByRole('button', { name: 'Suchen', exact: true }).click();
  const people = page.getByRole('list', { name: 'Gefundene Anmeldungen' });
  await expect(page.getByText('1 Anmeldung gefunden')).toBeVisible();
  await expect(people.getByRole('listitem')).toContainText('Status: Storniert');
  await people.getByRole('button', { name: 'Cleo Storniert einchecken' }).click();
  await expect(result(page)).toContainText('Kein Einlass: Diese Anmeldung wurde storniert.');
  await page.getByLabel('Name oder E-Mail-Adresse').fill('anna');
  await page.getByRole('button', { name: 'Suchen', exact: true }).click();
  await people.getByRole('button', { name: 'Anna Früh einchecken' }).click();
  await expect(result(page)).toContainText('Bereits eingecheckt: Anna Früh');
  await expectNoAxeViolations(page, 'the door page with search results');

  // A walk-in: checked in at once, the personal link shown once as a QR code.
  await page.getByLabel('Spontan anmelden').check();
  await expect(page.getByLabel('Vor- und Nachname')).toHaveAttribute('autocomplete', 'off');
  await page.getByRole('button', { name: 'Anmelden und einchecken' }).click();
  await expect(page.getByLabel('Vor- und Nachname')).toBeFocused();
  await expect(page.getByLabel('Vor- und Nachname')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Vor- und Nachname').fill('Dora Spontan');
  await page.getByLabel('Unterstützungsbedarf').fill('Gebärdensprache');
  await page.getByRole('button', { name: 'Anmelden und einchecken' }).click();
  await expect(result(page)).toContainText('Spontan angemeldet und eingecheckt: Dora Spontan');
  await expect(result(page)).toContainText('Unterstützungsbedarf: Gebärdensprache');
  const linkQr = page.getByRole('region', { name: 'Persönlicher Link für das Smartphone' });
  await expect(linkQr.getByRole('img', { name: /persönlichen Link/ })).toBeVisible();
  await expect(page.getByLabel('Vor- und Nachname')).toHaveValue('');
  await expectNoAxeViolations(page, 'the door page after a walk-in');

  // The headcount: here, on the other door and on the overview.
  await expect(headcount(page)).toHaveText('2 von 500 Personen im Haus, 498 Plätze frei.');
  await expect(headcount(second)).toHaveText('2 von 500 Personen im Haus, 498 Plätze frei.');
  await expect(checkedIn).toHaveText('2 von 500');
  // A walk-in at another door arrives live too.
  await apiWalkIn(api, c.slug, 'Emil Später', { door: 'West' });
  await expect(headcount(page)).toHaveText('3 von 500 Personen im Haus, 497 Plätze frei.');
  await expect(checkedIn).toHaveText('3 von 500');
  await linkQr.getByRole('button', { name: 'Erledigt – QR-Code ausblenden' }).click();
  await expect(linkQr).toHaveCount(0);
  await expect(page.getByLabel('Vor- und Nachname')).toBeFocused();
  await expectNoAxeViolations(overview, 'the registrations overview with live figures');

  expect(errors).toEqual([]);
  await visitor.dispose();
  await api.dispose();
});

test('the venue limit: a full venue admits nobody more', async ({ page }) => {
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await registrationConference(api, { title: 'Kleiner Saal', capacity: 2, venueLimit: 2 });
  await apiWalkIn(api, c.slug, 'Erste');
  await apiWalkIn(api, c.slug, 'Zweite');
  await openDoor(page, c.slug, 'Nord');
  await expect(headcount(page)).toContainText('2 von 2 Personen im Haus');
  await expect(headcount(page)).toContainText('Voll – kein weiterer Einlass.');
  await page.getByLabel('Spontan anmelden').check();
  await page.getByLabel('Vor- und Nachname').fill('Dritte Person');
  await page.getByRole('button', { name: 'Anmelden und einchecken' }).click();
  await expect(result(page)).toContainText('Kein Einlass: Der Veranstaltungsort ist voll (Obergrenze 2 Personen).');
  await expectNoAxeViolations(page, 'the door page when the venue is full');
  await api.dispose();
});

test('moderators may work the door, participants may not', async ({ browser }) => {
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await registrationConference(api, { title: 'Moderation am Einlass' });
  const context = await browser.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const me = await apiJoin(page.request, c.slug, c.joinCode, 'Mo Moderation');
  await page.goto(`/c/${c.slug}/einlass`);
  await ready(page, 'Einlass');
  await expect(page.getByText('Der Einlass ist nur für das Organisationsteam und die Moderation dieser Konferenz.')).toBeVisible();
  await expectNoAxeViolations(page, 'the door page for a participant');

  await apiWrite(api, 'PATCH', `/api/v1/conferences/${c.slug}/participants/${me.id}`, { role: 'moderator' });
  await page.reload();
  await ready(page, 'Einlass');
  await expect(page.getByRole('region', { name: 'Im Haus' })).toContainText('0 von 450 Personen im Haus');
  const walkIn = await apiWalkIn(api, c.slug, 'Paula Pünktlich');
  await page.getByLabel('Ticket-Code').fill(walkIn.registration.ticketCode);
  await page.getByRole('button', { name: 'Einchecken', exact: true }).click();
  await expect(result(page)).toContainText('Bereits eingecheckt: Paula Pünktlich');
  await context.close();
  await api.dispose();
});

test('scanning with the camera and with a photo of the ticket', async ({ playwright }) => {
  test.setTimeout(60_000);
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await registrationConference(api, { title: 'Einlass mit Kamera' });
  const walkIn = await apiWalkIn(api, c.slug, 'Kim Kamera', { door: 'Nord' });
  const visitor = await apiRequest.newContext({ baseURL: BASE_URL });
  await apiRegister(visitor, c.slug, 'Lou Offen', 'lou@stadt.example');
  const lou = await findRegistration(api, c.slug, 'lou@stadt.example');
  await visitor.dispose();

  // A fake camera that films Kim's ticket: Chromium plays a Y4M file as the camera.
  const dir = mkdtempSync(join(tmpdir(), 'ideenmarkt-camera-'));
  const video = join(dir, 'ticket.y4m');
  writeQrY4m(video, walkIn.registration.ticketCode);
  const browser = await playwright.chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
  try {
    const context = await browser.newContext({
      baseURL: BASE_URL,
      storageState: AUTH_FILE,
      locale: 'de-DE',
      timezoneId: 'Europe/Berlin',
      permissions: ['camera'],
    });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await openDoor(page, c.slug, 'Kamera-Eingang');
    await page.getByLabel('Ticket scannen').check();
    await expectNoAxeViolations(page, 'the door page with the scanner (camera off)');
    await page.getByRole('button', { name: 'Kamera starten' }).click();
    await expect(page.getByText('Halten Sie den QR-Code des Tickets vor die Kamera.')).toBeVisible();
    await expect(result(page)).toContainText('Bereits eingecheckt: Kim Kamera', { timeout: 15_000 });
    await expect(result(page)).toContainText('am Eingang Nord');
    await expectNoAxeViolations(page, 'the door page with the camera running');
    await page.getByRole('button', { name: 'Kamera stoppen' }).click();
    await expect(page.getByRole('button', { name: 'Kamera starten' })).toBeVisible();

    // A photo of a ticket (here: Lou's, not yet confirmed) instead of the camera.
    const photo = join(dir, 'ticket.png');
    writeFileSync(photo, qrPng(lou.ticketCode));
    await page.getByLabel('Foto des Tickets auswählen').setInputFiles(photo);
    await expect(result(page)).toContainText('Kein Einlass: Die Anmeldung wurde per E-Mail noch nicht bestätigt.');
    // A photo without a QR code says so.
    writeFileSync(photo, blankPng());
    await page.getByLabel('Foto des Tickets auswählen').setInputFiles(photo);
    await expect(page.getByText('Auf dem Foto wurde kein QR-Code gefunden.')).toBeVisible();
    expect(errors).toEqual([]);
    await context.close();
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
    await api.dispose();
  }
});

test('with the mail catcher: fresh check-ins by code and by name', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await registrationConference(api, { title: 'Einlass mit bestätigten Tickets' });
  const visitorContext = await browser.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  const visitor = await visitorContext.newPage();
  const fritzEmail = uniqueEmail('fritz');
  for (const [name, email] of [
    ['Fritz Code', fritzEmail],
    ['Gina Name', uniqueEmail('gina')],
  ] as const) {
    await apiRegister(visitor.request, c.slug, name, email);
    await visitor.goto(personalLinkIn(await waitForMail(email, 1)));
    await expect(visitor.getByRole('region', { name: /^Status/ })).toContainText('Bestätigt');
  }
  const fritz = await findRegistration(api, c.slug, fritzEmail);

  await openDoor(page, c.slug, 'Haupteingang');
  await expect(headcount(page)).toContainText('0 von 450');
  await page.getByLabel('Ticket-Code').fill(fritz.ticketCode);
  await page.getByRole('button', { name: 'Einchecken', exact: true }).click();
  await expect(result(page).locator('[data-outcome="admitted"]')).toContainText('Eingecheckt: Fritz Code');
  await expect(headcount(page)).toContainText('1 von 450');
  await expectNoAxeViolations(page, 'the door page after a check-in');

  await page.getByLabel('Nach Namen suchen').check();
  await page.getByLabel('Name oder E-Mail-Adresse').fill('Gina');
  await page.getByRole('button', { name: 'Suchen', exact: true }).click();
  await page.getByRole('button', { name: 'Gina Name einchecken' }).click();
  await expect(result(page).locator('[data-outcome="admitted"]')).toContainText('Eingecheckt: Gina Name');
  await expect(page.getByRole('list', { name: 'Gefundene Anmeldungen' })).toContainText('am Eingang Haupteingang');
  await expect(headcount(page)).toContainText('2 von 450');

  // The ticket page shows the check-in.
  await visitor.reload();
  await expect(visitor.getByRole('region', { name: 'Ihr Ticket' })).toContainText('(Eingang Haupteingang)');
  await visitorContext.close();
  await api.dispose();
});

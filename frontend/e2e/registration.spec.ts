/**
 * Registration (desktop): an organiser opens registration on the
 * registrations page (settings with the confirm limit explained, the
 * overview), a visitor finds the form from the conference page, sends it
 * with errors first (error summary focused, field messages tied to the
 * fields) and then correctly, and gets "please confirm by e-mail"; closed
 * registration (409) says so and keeps the input. The personal page of a
 * walk-in's link shows the ticket, links this browser for voting, saves
 * changes, downloads the data and erases it (the link then stops working);
 * no request of the page names the token as referrer. With the mail
 * catcher: confirming by the link, the waitlist, an offer, accepting it,
 * cancelling. axe-core finds nothing on each of these pages and states.
 */
import { readFileSync } from 'node:fs';
import { expect, request as apiRequest, test, type Page } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import { collectPageErrors, expectNoAxeViolations, ready } from './helpers';
import { personalLinkIn, uniqueEmail, waitForMail } from './mail';
import {
  apiCancelFor,
  apiSettings,
  apiWalkIn,
  findRegistration,
  personalPathOf,
  registrationConference,
} from './registration-helpers';

test('an organiser opens registration and a visitor registers', async ({ page, browser }) => {
  test.setTimeout(60_000);
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await registrationConference(api, { title: 'Anmeldung Stadtverwaltung', open: false, departments: ['Bauamt', 'Kämmerei'] });

  // The organiser: the registrations page, reached from the conference page.
  const orgaContext = await browser.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const orga = await orgaContext.newPage();
  const orgaErrors = collectPageErrors(orga);
  await orga.goto(`/c/${c.slug}`);
  await ready(orga, c.title);
  await orga.getByRole('navigation', { name: 'Verwaltung' }).getByRole('link', { name: 'Anmeldungen' }).click();
  await ready(orga, 'Anmeldungen');
  const stats = orga.getByRole('region', { name: 'Überblick' });
  await expect(stats).toContainText('Die Anmeldung ist geschlossen.');
  await expect(stats).toContainText('Bestätigungsgrenze: 450 Plätze.');
  await expectNoAxeViolations(orga, 'the registrations page (organiser)');

  // A venue limit below the capacity is refused at the field.
  const settings = orga.getByRole('region', { name: 'Einstellungen' });
  await settings.getByRole('switch', { name: 'Anmeldung geöffnet' }).check();
  const venue = settings.getByLabel('Obergrenze des Veranstaltungsorts (Personen)');
  await venue.fill('400');
  await settings.getByRole('button', { name: 'Einstellungen speichern' }).click();
  await expect(venue).toBeFocused();
  await expect(venue).toHaveAttribute('aria-invalid', 'true');
  await expect(settings.getByText('Die Obergrenze darf nicht unter der Kapazität (450) liegen.')).toBeVisible();
  await expectNoAxeViolations(orga, 'the registration settings with an error');

  // 10 % no-shows over-book 450 places to 500, capped by a venue limit of 480.
  await venue.fill('480');
  await settings.getByLabel('Erwartete Ausfallquote (%)').fill('10');
  await expect(settings.locator('#regsettings-limit')).toContainText('bis zu 480 Plätze bestätigt: 450 ÷ (1 − 10 %) = 500.');
  await expect(settings.locator('#regsettings-limit')).toContainText('Obergrenze des Veranstaltungsorts (480)');
  await settings.getByRole('button', { name: 'Einstellungen speichern' }).click();
  await expect(orga.getByRole('status')).toHaveText('Die Einstellungen wurden gespeichert.');
  await expect(stats).toContainText('Die Anmeldung ist geöffnet.');
  await expect(stats).toContainText('Bestätigungsgrenze: 480 Plätze.');
  await expect(stats.locator('dd').first()).toHaveText('erwartet 0 (0–0)');

  // The visitor: from the conference page to the form.
  const visitorContext = await browser.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  const visitor = await visitorContext.newPage();
  const errors = collectPageErrors(visitor);
  await visitor.goto(`/c/${c.slug}`);
  await ready(visitor, c.title);
  await visitor.getByRole('link', { name: 'Zur Anmeldung' }).click();
  await ready(visitor, 'Anmeldung');
  const name = visitor.getByLabel('Vor- und Nachname');
  const email = visitor.getByLabel('E-Mail-Adresse');
  await expect(name).toHaveAttribute('autocomplete', 'name');
  await expect(email).toHaveAttribute('autocomplete', 'email');
  await expect(visitor.getByLabel('Bereich')).toHaveValue('');
  await expectNoAxeViolations(visitor, 'the registration form');

  // Errors: the summary takes focus and links to each field; the fields describe themselves.
  await email.fill('keine-adresse');
  await visitor.getByRole('button', { name: 'Anmelden', exact: true }).click();
  const summary = visitor.getByRole('alert');
  await expect(summary).toBeFocused();
  await expect(summary).toContainText('Bitte korrigieren Sie die markierten Felder.');
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription(/Bitte Ihren Namen angeben/);
  await expect(email).toHaveAccessibleDescription(/gültige E-Mail-Adresse/);
  await expectNoAxeViolations(visitor, 'the registration form with errors');
  await summary.getByRole('link', { name: /Vor- und Nachname/ }).click();
  await expect(name).toBeFocused();

  await name.fill('Alex Muster');
  await email.fill('alex.muster@stadt.example');
  await visitor.getByLabel('Bereich').selectOption('Kämmerei');
  await visitor.getByLabel('Unterstützungsbedarf').fill('Rollstuhlplatz');
  await visitor.getByRole('button', { name: 'Anmelden', exact: true }).click();
  const done = visitor.getByRole('heading', { name: 'Fast geschafft' });
  await expect(done).toBeFocused();
  await expect(visitor.getByText('Bitte bestätigen Sie Ihre Anmeldung über den Link in der E-Mail.')).toBeVisible();
  await expect(visitor.getByText('alex.muster@stadt.example')).toBeVisible();
  await expectNoAxeViolations(visitor, 'the registration form after sending');

  // The organisers see the (unconfirmed) registration in the list, with its needs.
  await orga.reload();
  await ready(orga, 'Anmeldungen');
  const row = orga.getByRole('row', { name: /Alex Muster/ });
  await expect(row).toContainText('Noch nicht bestätigt');
  await expect(row).toContainText('Kämmerei');
  await expect(row).toContainText('Rollstuhlplatz');
  await expect(orga.getByRole('region', { name: 'Überblick' })).toContainText('Noch nicht per E-Mail bestätigt');

  // Closed again: the form says so and keeps what was typed.
  await apiSettings(api, c.slug, { open: false });
  await visitor.getByRole('button', { name: 'Weitere Person anmelden' }).click();
  await expect(name).toBeFocused();
  await name.fill('Bo Beispiel');
  await email.fill('bo@stadt.example');
  await visitor.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await expect(visitor.getByRole('alert')).toContainText('Die Anmeldung für diese Konferenz ist gerade nicht geöffnet.');
  await expect(visitor.getByRole('alert')).toBeFocused();
  await expect(name).toHaveValue('Bo Beispiel');
  await expectNoAxeViolations(visitor, 'the registration form when registration is closed');

  expect(errors).toEqual([]);
  expect(orgaErrors).toEqual([]);
  await orgaContext.close();
  await visitorContext.close();
  await api.dispose();
});

for (const theme of ['light', 'dark'] as const) {
  test(`the registration form and the registrations page have no axe violations (${theme})`, async ({ browser }) => {
    const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
    const c = await registrationConference(api, { title: `Barrierefrei anmelden ${theme}` });
    await apiWalkIn(api, c.slug, 'Chris Spontan', { accessibility: 'Induktionsschleife' });
    await api.dispose();
    const context = await browser.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE, colorScheme: theme });
    const page = await context.newPage();
    await page.goto(`/c/${c.slug}/anmelden`);
    await ready(page, 'Anmeldung');
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await expect(page.getByRole('alert')).toBeFocused();
    await expectNoAxeViolations(page, `the registration form with errors (${theme})`);
    await page.goto(`/c/${c.slug}/anmeldungen`);
    await ready(page, 'Anmeldungen');
    await expect(page.getByRole('row', { name: /Chris Spontan/ })).toContainText('spontan');
    await expectNoAxeViolations(page, `the registrations page (${theme})`);
    await context.close();
  });
}

/** The requests of `page` whose Referer names the token. */
function watchReferrers(page: Page, token: string): string[] {
  const leaks: string[] = [];
  page.on('request', (r) => {
    const referer = r.headers()['referer'] ?? '';
    // The page's own document and the app's files are fetched before the app runs; the app's requests must not leak.
    if (referer.includes(token) && r.url().includes('/api/') && !r.url().endsWith('/api/v1/me')) {
      leaks.push(`${r.method()} ${r.url()} ← ${referer}`);
    }
  });
  return leaks;
}

test('the personal page of a walk-in: ticket, this device, changes, download, erasure', async ({ browser }) => {
  test.setTimeout(60_000);
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await registrationConference(api, { title: 'Persönliche Seite', departments: ['Bauamt', 'Kämmerei'] });
  const walkIn = await apiWalkIn(api, c.slug, 'Dana Spontan', { department: 'Bauamt', door: 'Nord' });
  await api.dispose();
  const path = personalPathOf(walkIn.link);
  const token = path.slice(3);

  const context = await browser.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  const leaks = watchReferrers(page, token);
  await page.goto(path);
  await ready(page, 'Ihre Anmeldung');
  const status = page.getByRole('region', { name: /^Status/ });
  await expect(status).toContainText('Bestätigt');
  await expect(status).toContainText('Sie sind eingecheckt.');
  const ticket = page.getByRole('region', { name: 'Ihr Ticket' });
  const spaced = `${walkIn.registration.ticketCode.slice(0, 4)} ${walkIn.registration.ticketCode.slice(4)}`;
  await expect(ticket.getByRole('img', { name: `QR-Code des Tickets ${spaced}` })).toBeVisible();
  await expect(ticket.getByText(spaced, { exact: true })).toBeVisible();
  await expect(ticket).toContainText('(Eingang Nord)');
  await expect(page.locator('meta[name="referrer"]')).toHaveAttribute('content', 'strict-origin');
  await expectNoAxeViolations(page, 'the personal page (confirmed, checked in)');

  // This browser takes part with the registration.
  const device = page.getByRole('region', { name: 'Mit diesem Gerät teilnehmen' });
  await device.getByRole('button', { name: 'Mit diesem Gerät teilnehmen' }).click();
  await expect(device.getByText('Dieses Gerät ist mit Ihrer Anmeldung verbunden.')).toBeFocused();
  const membership = (await (await page.request.get(`/api/v1/conferences/${c.slug}/membership`)).json()) as {
    participant: { displayName: string; department: string; registrationId: number };
  };
  expect(membership.participant).toMatchObject({ displayName: 'Dana Spontan', department: 'Bauamt', registrationId: walkIn.registration.id });

  // Details: changed and saved; an empty name is refused in the summary.
  const edit = page.getByRole('region', { name: 'Ihre Angaben' });
  await edit.getByLabel('Vor- und Nachname').fill('');
  await edit.getByRole('button', { name: 'Angaben speichern' }).click();
  await expect(edit.getByRole('alert')).toBeFocused();
  await expect(edit.getByLabel('Vor- und Nachname')).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(page, 'the personal page with an error');
  await edit.getByLabel('Vor- und Nachname').fill('Dana Muster');
  await edit.getByLabel('Bereich').selectOption('Kämmerei');
  await edit.getByLabel('Sprache der E-Mails').selectOption('en');
  await edit.getByRole('button', { name: 'Angaben speichern' }).click();
  await expect(page.getByRole('status')).toHaveText('Ihre Angaben wurden gespeichert.');
  await expect(ticket).toContainText('Dana Muster');

  // The data as JSON.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Meine Daten herunterladen (JSON)' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`anmeldung-${c.slug}.json`);
  const data = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { registration: { name: string; department: string } };
  expect(data.registration).toMatchObject({ name: 'Dana Muster', department: 'Kämmerei' });

  // A checked-in registration cannot be cancelled; erasing asks first, then the link stops working.
  await expect(page.getByRole('button', { name: 'Anmeldung stornieren' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Meine Daten löschen' }).click();
  const dialog = page.getByRole('dialog', { name: 'Ihre Daten löschen?' });
  await expect(dialog.getByRole('button', { name: 'Abbrechen' })).toBeFocused();
  await expectNoAxeViolations(page, 'the erase dialog');
  await dialog.getByRole('button', { name: 'Endgültig löschen' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ihre Daten wurden gelöscht');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await page.reload();
  await ready(page, 'Dieser Link gilt nicht (mehr)');
  await expectNoAxeViolations(page, 'the personal page of an invalid link');

  expect(leaks).toEqual([]);
  expect(errors).toEqual([]);
  await context.close();
});

test('with the mail catcher: confirm by link, waitlist, offer, accept, cancel', async ({ browser }) => {
  test.setTimeout(120_000);
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  // One place: the second registrant waits.
  const c = await registrationConference(api, { title: 'Ein einziger Platz', capacity: 1, venueLimit: 1 });

  const first = uniqueEmail('erste.person');
  const second = uniqueEmail('zweite.person');
  const context = await browser.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const errors = collectPageErrors(page);

  async function register(name: string, email: string): Promise<void> {
    await page.goto(`/c/${c.slug}/anmelden`);
    await ready(page, 'Anmeldung');
    await page.getByLabel('Vor- und Nachname').fill(name);
    await page.getByLabel('E-Mail-Adresse').fill(email);
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Fast geschafft' })).toBeVisible();
  }

  // The first registrant confirms by opening the link: the page does it, and shows the ticket.
  await register('Erste Person', first);
  const firstLink = personalLinkIn(await waitForMail(first, 1));
  await page.goto(firstLink);
  await ready(page, 'Ihre Anmeldung');
  await expect(page.getByRole('region', { name: /^Status/ })).toContainText('Bestätigt');
  await expect(page.getByRole('status')).toHaveText('Ihre Anmeldung ist bestätigt. Ihr Ticket steht auf dieser Seite.');
  const ticketCode = (await findRegistration(api, c.slug, first)).ticketCode;
  await expect(page.getByRole('region', { name: 'Ihr Ticket' })).toContainText(ticketCode.slice(0, 4));
  await expectNoAxeViolations(page, 'the personal page (confirmed)');

  // The second waits.
  await register('Zweite Person', second);
  const secondLink = personalLinkIn(await waitForMail(second, 1));
  await page.goto(secondLink);
  await ready(page, 'Ihre Anmeldung');
  const status = page.getByRole('region', { name: /^Status/ });
  await expect(status).toContainText('Warteliste');
  await expect(status).toContainText('ganz vorne');
  await expect(page.getByRole('region', { name: 'Ihr Ticket' })).toHaveCount(0);
  await expectNoAxeViolations(page, 'the personal page (waitlisted)');

  // The first cancels: the place is offered to the second (a new link by mail).
  await page.goto(firstLink);
  await ready(page, 'Ihre Anmeldung');
  await page.getByRole('button', { name: 'Anmeldung stornieren' }).click();
  await page.getByRole('dialog', { name: 'Anmeldung stornieren?' }).getByRole('button', { name: 'Ja, stornieren' }).click();
  await expect(status).toContainText('Storniert');
  await expect(status.getByRole('heading')).toBeFocused();
  await expect(page.getByRole('region', { name: 'Ihr Ticket' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Erneut anmelden' })).toBeVisible();
  await expectNoAxeViolations(page, 'the personal page (cancelled)');

  const offer = await waitForMail(second, 3); // confirm link, waitlisted, offer
  await page.goto(personalLinkIn(offer));
  await ready(page, 'Ihre Anmeldung');
  await expect(status).toContainText('Platz angeboten');
  await expect(status).toContainText('Bitte nehmen Sie ihn bis');
  await expectNoAxeViolations(page, 'the personal page (offered)');
  await page.getByRole('button', { name: 'Platz annehmen' }).click();
  await expect(status).toContainText('Bestätigt');
  await expect(page.getByRole('region', { name: 'Ihr Ticket' })).toBeVisible();

  expect(errors).toEqual([]);
  await context.close();
  await api.dispose();
});

test('with the mail catcher: a registration cancelled by the organisers', async ({ browser }) => {
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await registrationConference(api, { title: 'Stornierung durch das Orga-Team' });
  const email = uniqueEmail('storniert');
  const context = await browser.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(`/c/${c.slug}/anmelden`);
  await ready(page, 'Anmeldung');
  await page.getByLabel('Vor- und Nachname').fill('Eli Storno');
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Fast geschafft' })).toBeVisible();
  const link = personalLinkIn(await waitForMail(email, 1));
  await page.goto(link);
  await expect(page.getByRole('region', { name: /^Status/ })).toContainText('Bestätigt');
  await apiCancelFor(api, c.slug, (await findRegistration(api, c.slug, email)).id);
  await page.reload();
  await ready(page, 'Ihre Anmeldung');
  await expect(page.getByRole('region', { name: /^Status/ })).toContainText('Storniert');
  await expect(page.getByRole('region', { name: 'Ihre Angaben' })).toHaveCount(0);
  await expectNoAxeViolations(page, 'the personal page (cancelled by the organisers)');
  await context.close();
  await api.dispose();
});

/**
 * Personal invites (desktop): the organiser pastes addresses (a wrong line
 * is reported by its number, nothing is created), reads a list from a file,
 * gets the links once with copy and CSV download; an invited person joins
 * through the link without a code, and the invite shows as used.
 * Needs GET/POST /conferences/{slug}/invites and joining with an invite.
 */
import { readFileSync } from 'node:fs';
import { expect, request as apiRequest, test } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import { collectPageErrors, createConference, expectNoAxeViolations, ready } from './helpers';

test.use({ storageState: AUTH_FILE, permissions: ['clipboard-read', 'clipboard-write'] });

test('the organiser invites people; an invited person joins with the personal link', async ({ page, browser }) => {
  test.setTimeout(60_000);
  const errors = collectPageErrors(page);
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await createConference(api, { title: 'Einladungen', phase: 'ideas' });
  await api.dispose();

  await page.goto(`/c/${c.slug}`);
  await page.getByRole('link', { name: 'Teilnehmende und Einladungen' }).click();
  await ready(page, 'Teilnehmende und Einladungen');
  await expect(page.getByText('Noch keine Einladungen.')).toBeVisible();

  // A wrong line: reported with its number, nothing is created.
  const field = page.getByLabel(/^E-Mail-Adressen/);
  await field.fill('anna@stadt.example.org\nkeine-adresse\nErika Muster <erika@stadt.example.org>');
  await expect(page.getByText('2 Adressen erkannt')).toBeVisible();
  await page.getByRole('button', { name: 'Einladungen erstellen' }).click();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toBeFocused();
  await expect(field).toHaveAccessibleDescription(/Zeile 2: Keine gültige E-Mail-Adresse: keine-adresse/);
  await expect(page.getByText('Noch keine Einladungen.')).toBeVisible();
  await expectNoAxeViolations(page, 'the invite form with line errors');

  // A list from a file lands in the text box first.
  await page.getByLabel('Oder Liste aus Datei übernehmen (.txt, .csv)').setInputFiles({
    name: 'verteiler.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('\uFEFFemail;name\nanna@stadt.example.org;Anna\n"Erika Muster <erika@stadt.example.org>";Erika\nbo@stadt.example.org;Bo\n'),
  });
  await expect(page.getByRole('status')).toHaveText('Datei „verteiler.csv“ übernommen.');
  await expect(field).toHaveValue(/^email;name\nanna@stadt\.example\.org;Anna/);
  await expect(page.getByText('3 Adressen erkannt')).toBeVisible();
  await page.getByRole('button', { name: 'Einladungen erstellen' }).click();
  await expect(page.getByRole('status')).toHaveText('3 Einladungen erstellt.');

  // The links, shown once: copy and CSV download.
  const links = page.getByRole('region', { name: 'Neue Einladungslinks' });
  await expect(links).toBeFocused();
  await expect(links.getByRole('listitem')).toHaveCount(3);
  const linkField = links.getByLabel(/Persönlicher Link für bo@stadt\.example\.org/);
  const link = await linkField.inputValue();
  expect(link).toMatch(/\/join\?invite=[^&]+$/);
  await links.getByRole('button', { name: 'Link kopieren für bo@stadt.example.org' }).click();
  await expect(page.getByRole('status')).toHaveText('In die Zwischenablage kopiert.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  const downloading = page.waitForEvent('download');
  await links.getByRole('button', { name: 'Links als CSV herunterladen' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`einladungen-${c.slug}.csv`);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv.startsWith('\uFEFFemail,link,reissued\r\n')).toBe(true);
  expect(csv).toContain(`bo@stadt.example.org,${link},no`);
  await expect(page.getByRole('region', { name: 'Bisherige Einladungen (3)' }).getByRole('row')).toHaveCount(4);
  await expectNoAxeViolations(page, 'the new invite links');

  // The invited person joins without a code.
  const visitor = await browser.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  const bo = await visitor.newPage();
  const url = new URL(link);
  await bo.goto(url.pathname + url.search);
  await ready(bo, 'Konferenz beitreten');
  await expect(bo.getByText('Sie wurden persönlich eingeladen. Ein Beitrittscode ist nicht nötig.')).toBeVisible();
  await expect(bo.getByLabel('Beitrittscode')).toHaveCount(0);
  await expectNoAxeViolations(bo, 'the join page with an invite');
  await bo.getByLabel('Ihr Name').fill('Bo Beispiel');
  await bo.getByRole('button', { name: 'Beitreten' }).click();
  await expect(bo).toHaveURL(`/c/${c.slug}/ideas`);
  await expect(bo.getByRole('status')).toHaveText('Willkommen, Bo Beispiel! Sie sind der Konferenz beigetreten.');
  await visitor.close();

  // The list says it was used; inviting again issues a new link.
  await page.reload();
  await ready(page, 'Teilnehmende und Einladungen');
  await expect(page.getByRole('row', { name: /bo@stadt\.example\.org/ })).toContainText('Angenommen am');
  await expect(page.getByRole('row', { name: /anna@stadt\.example\.org/ })).toContainText('Offen');
  await expect(page.getByRole('row', { name: /Bo Beispiel/ })).toBeVisible();
  await field.fill('anna@stadt.example.org');
  await page.getByRole('button', { name: 'Einladungen erstellen' }).click();
  await expect(page.getByRole('region', { name: 'Neue Einladungslinks' })).toContainText('Neu ausgestellt – der alte Link gilt nicht mehr.');

  expect(errors).toEqual([]);
});

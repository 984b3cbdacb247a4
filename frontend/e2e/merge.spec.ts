/**
 * Merging duplicate ideas (desktop): the organiser merges one idea into
 * another through the dialog and sees what moved; participants opening the
 * duplicate land on the merged idea; the merge is undone again.
 * Needs POST/GET /ideas/{id}/merge, POST /merges/{id}/undo and the duplicate hints.
 */
import { expect, request as apiRequest, test } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import { apiIdea, apiJoin, apiWrite, collectPageErrors, createConference, expectNoAxeViolations, ready } from './helpers';

test.use({ storageState: AUTH_FILE });

test('the organiser merges a duplicate, participants are sent on, and the merge is undone', async ({ page, browser }) => {
  test.setTimeout(60_000);
  const errors = collectPageErrors(page);
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await createConference(api, { title: 'Zusammenführen', phase: 'ideas' });
  await api.dispose();

  const alexContext = await browser.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  const alex = await alexContext.newPage();
  await apiJoin(alex.request, c.slug, c.joinCode, 'Alex Muster');
  const target = await apiIdea(alex.request, c.slug, 'Obstbäume im Stadtpark', { body: 'Äpfel für alle.' });
  const source = await apiIdea(alex.request, c.slug, 'Obstbäume im Stadtpark pflanzen', { body: 'Kirschen und Birnen.' });
  const kimContext = await browser.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  const kim = await kimContext.newPage();
  await apiJoin(kim.request, c.slug, c.joinCode, 'Kim Beispiel');
  await apiWrite(kim.request, 'PUT', `/api/v1/ideas/${source.id}/support`);
  await apiWrite(kim.request, 'POST', `/api/v1/ideas/${source.id}/comments`, { body: 'Bitte auch Nussbäume.' });

  // The dialog: suggestions from the duplicate hints, search, reason, result.
  await page.goto(`/ideas/${source.id}`);
  await ready(page, source.title);
  const open = page.getByRole('button', { name: 'Zusammenführen mit …' });
  await open.click();
  const dialog = page.getByRole('dialog', { name: 'Idee zusammenführen' });
  await expect(dialog.getByText('Vorschläge mit ähnlichem Titel')).toBeVisible();
  await expect(dialog.getByRole('radio', { name: new RegExp(`^${source.title}`) })).toHaveCount(0);
  await dialog.getByLabel('Zielidee suchen').fill('stadtpark');
  await dialog.getByRole('radio', { name: /^Obstbäume im Stadtpark \(/ }).check();
  await dialog.getByLabel(/^Grund/).fill('Doppelt eingereicht');
  await dialog.getByRole('button', { name: 'Zusammenführen', exact: true }).click();
  await expect(dialog.getByText(`Zusammengeführt mit „${target.title}“.`)).toBeVisible();
  await expect(dialog.getByText('1 Unterstützung übertragen')).toBeVisible();
  await expect(dialog.getByText('1 Kommentar verschoben')).toBeVisible();
  await expectNoAxeViolations(page, 'the merge result');
  await dialog.getByRole('button', { name: 'Schließen', exact: true }).click();

  // The organiser stays on the duplicate: it says where it went, and offers undo.
  const notice = page.locator('#merged-notice');
  await expect(notice).toContainText('Zusammengeführt mit');
  await expect(notice).toBeFocused();
  await expect(notice.getByRole('link', { name: target.title })).toHaveAttribute('href', `/ideas/${target.id}`);
  await expect(open).toHaveCount(0);
  await expectNoAxeViolations(page, 'a merged idea for moderators');

  // Participants are sent on to the merged idea, without a history entry for the duplicate.
  await kim.goto(`/c/${c.slug}`);
  await ready(kim, c.title);
  await kim.goto(`/ideas/${source.id}`);
  await expect(kim).toHaveURL(`/ideas/${target.id}`);
  await ready(kim, target.title);
  await expect(kim.getByRole('status')).toHaveText(`Die Idee „${source.title}“ wurde mit dieser Idee zusammengeführt.`);
  await expect(kim.getByRole('button', { name: `Idee „${target.title}“ unterstützen` })).toHaveAttribute('aria-pressed', 'true');
  await expect(kim.getByText('Bitte auch Nussbäume.')).toBeVisible();
  await kim.goBack();
  await expect(kim).toHaveURL(`/c/${c.slug}`);

  // Undo.
  await notice.getByRole('button', { name: 'Rückgängig machen' }).click();
  const undo = page.getByRole('dialog', { name: 'Zusammenführung rückgängig machen?' });
  await undo.getByRole('button', { name: 'Rückgängig machen' }).click();
  await expect(page.getByRole('status')).toHaveText('Die Zusammenführung wurde rückgängig gemacht.');
  await expect(page.getByRole('heading', { name: 'Moderation' })).toBeFocused();
  await expect(open).toBeVisible();
  await expect(page.getByText('Bitte auch Nussbäume.')).toBeVisible();

  // Both steps are in the log.
  await page.goto(`/c/${c.slug}/audit`);
  await ready(page, 'Protokoll');
  await expect(page.getByRole('table')).toContainText('Zusammengeführt');
  await expect(page.getByRole('table')).toContainText('Zusammenführung rückgängig');

  expect(errors).toEqual([]);
  await alexContext.close();
  await kimContext.close();
});

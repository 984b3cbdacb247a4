/**
 * Importing ideas and comments from CSV files (desktop): a file with an
 * unusable row is rejected with its line; the corrected files are checked
 * first (nothing stored), then imported, with added topics and adjusted rows
 * reported. Needs POST /conferences/{slug}/import.
 */
import { expect, request as apiRequest, test } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import { collectPageErrors, createConference, expectNoAxeViolations, ready } from './helpers';

test.use({ storageState: AUTH_FILE });

const csv = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
const longTitle = `Ein sehr langer Titel ${'mit vielen Wörtern '.repeat(8)}am Ende`;

test('the organiser checks, then imports ideas and comments', async ({ page }) => {
  test.setTimeout(60_000);
  const errors = collectPageErrors(page);
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await createConference(api, { title: 'Import aus dem Bürgerportal', phase: 'ideas' });
  await api.dispose();

  await page.goto(`/c/${c.slug}`);
  await page.getByRole('link', { name: 'Ideen importieren' }).click();
  await ready(page, 'Ideen importieren');
  const ideasFile = page.getByLabel(/^Ideen \(CSV-Datei\)/);
  const commentsFile = page.getByLabel(/^Kommentare \(CSV-Datei, optional\)/);

  // A row whose supports are not a number is rejected with its line; nothing is stored.
  await ideasFile.setInputFiles(
    csv('ideen.csv', 'id,title,body,topic,supports\n1,Mehr Bänke,Im Park,Grünflächen,4\n2,Radweg,Breiter,Verkehr,viele\n'),
  );
  await page.getByRole('button', { name: 'Erst prüfen' }).click();
  await expect(page.getByRole('alert')).toHaveText(/Der Import wurde abgelehnt/);
  const rejected = page.getByRole('table');
  await expect(rejected.getByRole('row')).toHaveCount(2);
  await expect(rejected.getByRole('row').nth(1)).toContainText('3');
  await expectNoAxeViolations(page, 'the import page with rejected lines');

  // The corrected files: check first.
  await ideasFile.setInputFiles(
    csv('ideen.csv', `id,title,body,topic,supports\n1,Mehr Bänke,Im Park,Grünflächen,4\n2,"${longTitle}",Text,Verkehr,0\n`),
  );
  await commentsFile.setInputFiles(csv('kommentare.csv', 'comment_id,idea_id,text\n1,1,Gute Idee\n2,1,Finde ich auch\n'));
  await page.getByRole('button', { name: 'Erst prüfen' }).click();
  const result = page.getByRole('region', { name: 'Ergebnis' });
  await expect(result.getByRole('heading', { name: 'Ergebnis' })).toBeFocused();
  await expect(result).toContainText('Prüfung erfolgreich – es wurde noch nichts gespeichert.');
  await expect(result).toContainText('Würde importiert: 2 Ideen, 2 Kommentare');
  await expect(result).toContainText('Neue Themen: Grünflächen, Verkehr');
  await expect(result.getByRole('heading', { name: /^Angepasste Zeilen/ })).toBeVisible();
  await expect(result.getByRole('table').getByRole('row').nth(1)).toContainText('3');
  await expect(page.locator('progress')).toHaveCount(0);
  await expectNoAxeViolations(page, 'the import check result');

  // Nothing is in the market yet; then import for real.
  const before = await page.request.get(`/api/v1/conferences/${c.slug}/ideas`);
  expect((await before.json()).total).toBe(0);
  await page.getByRole('button', { name: 'Importieren' }).click();
  await expect(result.getByRole('heading', { name: 'Ergebnis' })).toBeFocused();
  await expect(result).toContainText('Import abgeschlossen.');
  await expect(result).toContainText('Importiert: 2 Ideen, 2 Kommentare');
  await result.getByRole('link', { name: 'Zum Markt der Ideen' }).click();
  await ready(page, 'Markt der Ideen');
  await expect(page.getByText('2 Ideen', { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Mehr Bänke' })).toBeVisible();

  expect(errors).toEqual([]);
});

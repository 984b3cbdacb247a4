/**
 * Outcomes and carry-over (desktop): a conference's "Wie geht's weiter?"
 * page groups its ideas by status and prints as a report (the conference's
 * name and dates on top, no navigation or buttons); the organiser carries an
 * unfinished idea into a later conference with the keyboard, a refused
 * carry-over names the idea, and the idea then shows where it has been.
 * No axe-core violations.
 * Needs GET /conferences/{slug}/outcomes, POST …/carry-over and GET /ideas/{id}/timeline.
 */
import { expect, request as apiRequest, test } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import { apiIdea, apiJoin, apiWrite, collectPageErrors, createConference, expectNoAxeViolations, ready } from './helpers';

test.use({ storageState: AUTH_FILE });

test('the outcomes page prints as a report and carries ideas into a later conference', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const errors = collectPageErrors(page);
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const from = await createConference(api, { title: 'Mitarbeitendenkonferenz 2025', phase: 'ideas' });
  const to = await createConference(api, { title: 'Mitarbeitendenkonferenz 2026' });

  const alexContext = await browser.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  const alex = alexContext.request;
  await apiJoin(alex, from.slug, from.joinCode, 'Alex Muster');
  const shade = await apiIdea(alex, from.slug, 'Sonnensegel auf dem Marktplatz', { body: 'Schatten im Sommer.' });
  const bikes = await apiIdea(alex, from.slug, 'Dienstfahrräder für alle Ämter');
  const paper = await apiIdea(alex, from.slug, 'Papierlose Sitzungen');
  await apiWrite(alex, 'PUT', `/api/v1/ideas/${shade.id}/support`);
  await apiWrite(api, 'POST', `/api/v1/ideas/${paper.id}/follow-up`, {
    status: 'implemented',
    officialAnswer: 'Seit Januar papierlos, siehe [Intranet](https://intranet.example.org/sitzungen).',
    version: paper.version,
  });

  // The conference page links to its outcomes.
  await page.goto(`/c/${from.slug}`);
  await ready(page, from.title);
  await page.getByRole('link', { name: 'Wie geht’s weiter?' }).click();
  const heading = `Wie geht’s weiter? – ${from.title}`;
  await ready(page, heading);
  await expect(page.getByRole('region', { name: /^Neu/ }).getByRole('article')).toHaveCount(2);
  const implemented = page.getByRole('region', { name: /^Umgesetzt/ });
  await expect(implemented.getByRole('article', { name: paper.title })).toContainText('Seit Januar papierlos');
  await expect(implemented.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByRole('link', { name: 'Als CSV herunterladen' })).toHaveAttribute(
    'href',
    `/api/v1/conferences/${from.slug}/export.csv`,
  );
  await expect(page.getByRole('link', { name: 'Als Excel-Datei (XLSX) herunterladen' })).toHaveAttribute(
    'href',
    `/api/v1/conferences/${from.slug}/export.xlsx`,
  );
  await expectNoAxeViolations(page, 'the outcomes page (organiser)');

  // Print: the conference's name and dates on top, links with their address, no navigation or buttons.
  await page.emulateMedia({ media: 'print' });
  const runningHead = page.locator('.running-head');
  await expect(runningHead).toBeVisible();
  await expect(runningHead).toContainText(from.title);
  await expect(runningHead).toContainText('2026');
  await expect(page.getByRole('navigation', { name: 'Hauptnavigation' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Drucken' })).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Ideen in eine spätere Konferenz übernehmen' })).toBeHidden();
  const groupBreak = await page
    .locator('section.group')
    .first()
    .evaluate((el) => getComputedStyle(el).breakBefore);
  expect(groupBreak).toBe('page');
  const printedLink = await page
    .getByRole('link', { name: paper.title })
    .evaluate((el) => getComputedStyle(el, '::after').content);
  expect(printedLink).toContain(`/ideas/${paper.id}`);
  const pdf = await page.pdf({ format: 'A4' });
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
  expect(pages.length, 'the overview and each status group start a page').toBeGreaterThanOrEqual(3);
  await page.emulateMedia({ media: 'screen' });

  // Carry-over: nothing ticked is refused at the list.
  const tool = page.getByRole('region', { name: 'Ideen in eine spätere Konferenz übernehmen' });
  const ideas = tool.getByRole('group', { name: 'Unerledigte Ideen' });
  await expect(ideas.getByRole('checkbox')).toHaveCount(3); // "all" and the two new ideas; the implemented one is done
  await tool.getByLabel(/^Zielkonferenz/).selectOption({ label: `${to.title} (Entwurf)` });
  await tool.getByRole('button', { name: 'Übernahme prüfen …' }).click();
  await expect(tool.getByText('Bitte mindestens eine Idee auswählen.')).toBeVisible();
  await expect(ideas.getByRole('checkbox', { name: /^Alle 2 auswählen/ })).toBeFocused();

  // Keyboard: tick both, review, confirm. The idea finished meanwhile is refused, and nothing moves.
  await page.keyboard.press('Tab');
  await expect(ideas.getByRole('checkbox', { name: new RegExp(shade.title) })).toBeFocused();
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await expect(ideas.getByRole('checkbox', { name: new RegExp(bikes.title) })).toBeChecked();
  await apiWrite(api, 'POST', `/api/v1/ideas/${bikes.id}/follow-up`, {
    status: 'rejected',
    reason: 'Kein Budget.',
    version: bikes.version,
  });
  await tool.getByRole('button', { name: 'Übernahme prüfen …' }).click();
  const confirm = tool.getByRole('group', { name: 'Übernahme bestätigen' });
  await expect(confirm).toBeFocused();
  await expect(confirm).toContainText(`2 Ideen werden in „${to.title}“ übernommen.`);
  await confirm.getByRole('button', { name: 'Jetzt übernehmen' }).click();
  const alert = tool.getByRole('alert');
  await expect(alert).toBeFocused();
  await expect(alert).toContainText('Die Ideen wurden nicht übernommen');
  await expect(alert).toContainText(bikes.title);
  await expect(ideas.getByRole('checkbox', { name: new RegExp(bikes.title) })).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(page, 'a refused carry-over');

  // Untick the refused one and carry the other.
  await ideas.getByRole('checkbox', { name: new RegExp(bikes.title) }).uncheck();
  await tool.getByRole('button', { name: 'Übernahme prüfen …' }).click();
  await expect(confirm).toContainText(`1 Idee wird in „${to.title}“ übernommen.`);
  await confirm.getByRole('button', { name: 'Jetzt übernehmen' }).click();
  const done = tool.locator('.result');
  await expect(done).toContainText(`1 Idee wurde in „${to.title}“ übernommen.`);
  await expect(done).toBeFocused();

  // The outcomes keep it, as carried over into the later conference.
  const carried = page.getByRole('region', { name: /^In spätere Konferenzen übernommen/ });
  const item = carried.getByRole('article', { name: shade.title });
  await expect(item).toContainText(`Übernommen in ${to.title}`);
  await expect(item).toContainText('1 Unterstützung');
  await expect(item.getByRole('link', { name: to.title })).toHaveAttribute('href', `/c/${to.slug}/outcomes`);
  await expect(page.getByRole('region', { name: /^Neu/ })).toHaveCount(0);
  await expect(page.getByRole('region', { name: /^Abgelehnt/ }).getByRole('article', { name: bikes.title })).toContainText(
    'Kein Budget.',
  );

  // The idea shows its history: the conference it left, and the carry-over in its timeline.
  await item.getByRole('link', { name: shade.title }).click();
  await ready(page, shade.title);
  const section = page.getByRole('region', { name: 'Wie geht’s weiter?' });
  const stages = section.getByRole('list', { name: 'Stationen dieser Idee' });
  await expect(stages.getByRole('listitem').first()).toContainText(from.title);
  await expect(stages.getByRole('listitem').first()).toContainText(`Übernommen in ${to.title}`);
  await expect(stages.getByRole('listitem').first()).toContainText('1 Unterstützung');
  await expect(stages.getByRole('listitem').last()).toContainText(to.title);
  await expect(section.getByRole('list', { name: 'Verlauf' })).toContainText(`Übernommen in ${to.title}`);
  await expectNoAxeViolations(page, 'a carried idea');

  expect(errors).toEqual([]);
  await api.dispose();
  await alexContext.close();
});

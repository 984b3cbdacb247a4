/**
 * Follow-up after the conference (desktop): the organiser records a status
 * with an official answer on the idea page (a rejection without reason is
 * refused at the field, a stale version offers to reload), and the author,
 * in their own browser, sees it under "Meine Ideen" and on the idea.
 * "Meine Ideen" without any membership explains how ideas get there.
 * No axe-core violations on any of these pages.
 * Needs POST /ideas/{id}/follow-up, GET /ideas/{id}/timeline and GET /me/ideas.
 */
import { expect, request as apiRequest, test } from '@playwright/test';
import { ADMIN, AUTH_FILE, BASE_URL } from './constants';
import { apiIdea, apiJoin, apiWrite, collectPageErrors, createConference, expectNoAxeViolations, ready } from './helpers';

test.use({ storageState: AUTH_FILE });

test('an organiser answers an idea and its author follows it under "Meine Ideen"', async ({ page, browser }) => {
  test.setTimeout(60_000);
  const errors = collectPageErrors(page);
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await createConference(api, { title: 'Rückmeldungen 2026', phase: 'ideas' });

  const alexContext = await browser.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  const alex = await alexContext.newPage();
  const alexErrors = collectPageErrors(alex);
  await apiJoin(alex.request, c.slug, c.joinCode, 'Alex Muster');
  const idea = await apiIdea(alex.request, c.slug, 'Trinkbrunnen im Innenhof', { body: 'Für heiße Sommer.' });

  // The idea page has "Wie geht's weiter?" with the status in words.
  await page.goto(`/ideas/${idea.id}`);
  await ready(page, idea.title);
  const section = page.getByRole('region', { name: 'Wie geht’s weiter?' });
  await expect(section.locator('.status-badge .word').first()).toHaveText('Neu');
  await expect(section.getByText('Noch keine Einträge.')).toBeVisible();

  // A rejection needs a reason: the field appears, and an empty one is refused there.
  const form = section.getByRole('region', { name: 'Rückmeldung erfassen' });
  await form.getByLabel('Status', { exact: true }).selectOption({ label: 'Abgelehnt' });
  const reason = form.getByLabel(/^Grund der Ablehnung/);
  await expect(reason).toBeVisible();
  await expect(form.getByLabel('Fortschritt in Prozent')).toHaveCount(0);
  await form.getByRole('button', { name: 'Rückmeldung speichern' }).click();
  await expect(reason).toBeFocused();
  await expect(reason).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('Bitte einen Grund für die Ablehnung angeben; er wird mit dem Status gezeigt.')).toBeVisible();
  await expectNoAxeViolations(page, 'the follow-up form with an error');

  // Accepted, with an answer in Markdown, a unit and progress.
  await form.getByLabel('Status', { exact: true }).selectOption({ label: 'Angenommen' });
  await expect(reason).toHaveCount(0);
  await form.getByLabel('Offizielle Antwort').fill('**Ja**, der Brunnen kommt im Frühjahr.\n\n- Standort: Innenhof Nord');
  await form.getByLabel('Zuständige Stelle').fill('Amt für Gebäudewirtschaft');
  await form.getByLabel('Fortschritt in Prozent').fill('30');
  await form.getByLabel('Notiz für den Verlauf').fill('Beschluss der Amtsleitung');
  const save = form.getByRole('button', { name: 'Rückmeldung speichern' });
  await save.click();
  await expect(form.locator('.saved')).toHaveText('Rückmeldung gespeichert. Status: Angenommen.');
  await expect(save).toBeFocused();
  await expect(section.locator('.status-badge .word').first()).toHaveText('Angenommen');
  await expect(section.locator('.answer strong')).toHaveText('Ja');
  await expect(section.getByText('Amt für Gebäudewirtschaft').first()).toBeVisible();
  await expect(section.getByRole('progressbar', { name: 'Fortschritt' })).toHaveAttribute('aria-valuenow', '30');
  const timeline = section.getByRole('list', { name: 'Verlauf' });
  await expect(timeline.getByRole('listitem').first()).toContainText(ADMIN.name);
  await expect(timeline).toContainText('Status: Neu → Angenommen');
  await expect(timeline).toContainText('Fortschritt: 30 %');
  await expect(timeline).toContainText('Notiz: Beschluss der Amtsleitung');
  await expectNoAxeViolations(page, 'an idea with follow-up (organiser)');

  // Someone else saves meanwhile: the stale version is refused, and reloading shows the current state.
  const current = (await (await api.get(`/api/v1/ideas/${idea.id}`)).json()) as { version: number };
  await apiWrite(api, 'POST', `/api/v1/ideas/${idea.id}/follow-up`, { progress: 50, version: current.version });
  await form.getByLabel('Fortschritt in Prozent').fill('40');
  await save.click();
  await expect(form.getByText('Diese Idee wurde inzwischen geändert.', { exact: false })).toBeVisible();
  const reload = form.getByRole('button', { name: 'Aktuelle Fassung laden' });
  await expect(reload).toBeFocused();
  await reload.click();
  await expect(form.getByLabel('Fortschritt in Prozent')).toHaveValue('50');
  await expect(form.getByLabel('Status', { exact: true })).toBeFocused();
  await expect(section.getByRole('progressbar', { name: 'Fortschritt' })).toHaveAttribute('aria-valuenow', '50');

  // The author sees it under "Meine Ideen" …
  await alex.goto('/');
  await alex.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Meine Ideen' }).click();
  await ready(alex, 'Meine Ideen');
  const card = alex.getByRole('article', { name: idea.title });
  await expect(card.locator('.status-badge .word')).toHaveText('Angenommen');
  await expect(card).toContainText('Von mir eingereicht');
  await expect(card).toContainText('Rückmeldungen 2026');
  await expect(card).toContainText('Fortschritt: 50 %');
  await expect(card.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '50');
  await expectNoAxeViolations(alex, 'Meine Ideen');

  // … and on the idea, without the organisers' form.
  await card.getByRole('link', { name: idea.title }).click();
  await ready(alex, idea.title);
  const alexSection = alex.getByRole('region', { name: 'Wie geht’s weiter?' });
  await expect(alexSection.locator('.status-badge .word').first()).toHaveText('Angenommen');
  await expect(alexSection.getByRole('heading', { name: 'Offizielle Antwort' })).toBeVisible();
  await expect(alexSection.locator('.answer').getByText('Standort: Innenhof Nord')).toBeVisible();
  await expect(alexSection.getByText('Amt für Gebäudewirtschaft').first()).toBeVisible();
  await expect(alexSection.getByRole('region', { name: 'Rückmeldung erfassen' })).toHaveCount(0);
  await expectNoAxeViolations(alex, 'an idea with follow-up (author)');

  // A rejection shows its reason with the status.
  const now = (await (await api.get(`/api/v1/ideas/${idea.id}`)).json()) as { version: number };
  await apiWrite(api, 'POST', `/api/v1/ideas/${idea.id}/follow-up`, {
    status: 'rejected',
    reason: 'Die Leitungen im Innenhof reichen nicht.',
    version: now.version,
  });
  await alex.reload();
  await ready(alex, idea.title);
  await expect(alexSection.locator('.status-badge .word').first()).toHaveText('Abgelehnt');
  await expect(alexSection.getByText('Die Leitungen im Innenhof reichen nicht.').first()).toBeVisible();
  await expect(alexSection.getByRole('progressbar')).toHaveCount(0);

  expect(errors).toEqual([]);
  expect(alexErrors).toEqual([]);
  await api.dispose();
  await alexContext.close();
});

test('"Meine Ideen" without ideas explains how they get there', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await page.goto('/my-ideas');
  await ready(page, 'Meine Ideen');
  await expect(page.getByText('Hier ist noch nichts.')).toBeVisible();
  await expect(page.getByText(/Treten Sie einer Konferenz mit ihrem Beitrittscode bei/)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Zu den Konferenzen' })).toHaveAttribute('href', '/');
  await expect(
    page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Meine Ideen' }),
  ).toHaveAttribute('aria-current', 'page');
  await expectNoAxeViolations(page, 'Meine Ideen, empty');
  expect(errors).toEqual([]);
  await context.close();
});

/**
 * Comments, reports and moderation (desktop): participants discuss an idea
 * and report what bothers them; the organiser works through the moderation
 * queue, moderates on the idea page, reads the log and appoints a moderator,
 * who then finds the queue too.
 */
import { expect, request as apiRequest, test, type Browser, type Page } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import {
  apiIdea,
  apiJoin,
  apiWrite,
  collectPageErrors,
  createConference,
  expectNoAxeViolations,
  ready,
  type CreatedConference,
} from './helpers';

async function participantPage(browser: Browser, c: CreatedConference, name: string): Promise<Page> {
  // An empty storage state: inside the organiser's describe block new contexts would otherwise inherit the session.
  const context = await browser.newContext({
    baseURL: BASE_URL,
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
    storageState: { cookies: [], origins: [] },
  });
  const page = await context.newPage();
  await apiJoin(page.request, c.slug, c.joinCode, name);
  return page;
}

async function organizerConference(title: string): Promise<CreatedConference> {
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await createConference(api, { title, phase: 'ideas' });
  await api.dispose();
  return c;
}

test('participants comment, reply, edit, delete and report', async ({ browser }) => {
  const c = await organizerConference('Kommentare im Ideenmarkt');
  const kim = await participantPage(browser, c, 'Kim Beispiel');
  const alex = await participantPage(browser, c, 'Alex Muster');
  const kimErrors = collectPageErrors(kim);
  const alexErrors = collectPageErrors(alex);
  const idea = await apiIdea(kim.request, c.slug, 'Sitzbänke vor dem Rathaus', { body: 'Mehr Bänke im Schatten.' });

  // A first comment, after an empty try.
  await alex.goto(`/ideas/${idea.id}`);
  await ready(alex, idea.title);
  await expect(alex.getByRole('heading', { name: 'Kommentare (0)' })).toBeVisible();
  await expect(alex.getByText('Noch keine Kommentare.')).toBeVisible();
  const field = alex.getByLabel('Ihr Kommentar');
  await alex.getByRole('button', { name: 'Kommentar veröffentlichen' }).click();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(/Bitte einen Kommentar schreiben\./);
  await expect(field).toBeFocused();
  await field.fill('Gute Idee, besonders im Sommer.');
  await alex.getByRole('button', { name: 'Kommentar veröffentlichen' }).click();
  await expect(alex.getByRole('status')).toHaveText('Ihr Kommentar wurde veröffentlicht.');
  await expect(field).toHaveValue('');
  await expect(field).not.toHaveAttribute('aria-invalid', 'true');
  const alexComment = alex.getByRole('article', { name: 'Kommentar von Alex Muster' });
  await expect(alexComment).toContainText('Gute Idee, besonders im Sommer.');
  await expect(alexComment).toContainText('(Sie)');
  await expect(alex.getByRole('heading', { name: 'Kommentare (1)' })).toBeVisible();

  // Editing it.
  await alexComment.getByRole('button', { name: 'Bearbeiten' }).click();
  await alex.getByLabel('Kommentar bearbeiten').fill('Gute Idee, vor allem im Sommer.');
  await alexComment.getByRole('button', { name: 'Speichern' }).click();
  await expect(alex.getByRole('status')).toHaveText('Ihr Kommentar wurde geändert.');
  await expect(alexComment).toBeFocused();
  await expect(alexComment).toContainText('Gute Idee, vor allem im Sommer.');

  // Kim replies; the reply takes focus.
  await kim.goto(`/ideas/${idea.id}`);
  await ready(kim, idea.title);
  const thread = kim.getByRole('article', { name: 'Kommentar von Alex Muster' });
  await expect(thread.getByRole('button', { name: 'Bearbeiten' })).toHaveCount(0);
  await thread.getByRole('button', { name: 'Antworten: Alex Muster' }).click();
  await kim.getByLabel('Antwort an Alex Muster').fill('Danke, sehe ich auch so!');
  await kim.getByRole('button', { name: 'Antwort veröffentlichen' }).click();
  const reply = kim.getByRole('article', { name: 'Antwort von Kim Beispiel' });
  await expect(reply).toBeFocused();
  await expect(kim.getByRole('list', { name: 'Antworten auf Alex Muster' }).getByRole('article')).toHaveCount(1);
  await expect(kim.getByRole('status')).toHaveText('Ihre Antwort wurde veröffentlicht.');
  // Replies go one level deep: a reply has no reply button.
  await expect(reply.getByRole('button', { name: /Antworten/ })).toHaveCount(0);

  // Kim reports Alex's comment; the reason is required.
  const report = thread.getByRole('button', { name: 'Melden: Alex Muster' });
  await report.click();
  const dialog = kim.getByRole('dialog', { name: 'Kommentar melden' });
  await expect(dialog).toBeVisible();
  const reason = dialog.getByLabel(/^Grund/);
  await expect(reason).toBeFocused();
  await expectNoAxeViolations(kim, 'the report dialog');
  await dialog.getByRole('button', { name: 'Meldung senden' }).click();
  await expect(reason).toHaveAttribute('aria-invalid', 'true');
  await expect(reason).toHaveAccessibleDescription(/Bitte einen Grund angeben\./);
  await expect(reason).toBeFocused();
  await reason.fill('Der Ton passt nicht.');
  await dialog.getByRole('button', { name: 'Meldung senden' }).click();
  await expect(dialog).toBeHidden();
  await expect(kim.getByRole('status')).toHaveText('Danke! Ihre Meldung wurde an die Moderation geschickt.');
  await expect(report).toBeFocused();

  // Alex reports the idea, first changing his mind with Escape.
  await alex.reload();
  await ready(alex, idea.title);
  const reportIdea = alex.getByRole('button', { name: `Melden: ${idea.title}` });
  await reportIdea.click();
  await expect(alex.getByRole('dialog', { name: 'Idee melden' })).toBeVisible();
  await alex.keyboard.press('Escape');
  await expect(alex.getByRole('dialog')).toHaveCount(0);
  await expect(reportIdea).toBeFocused();
  await reportIdea.click();
  await alex.getByRole('dialog', { name: 'Idee melden' }).getByLabel(/^Grund/).fill('Gibt es schon im Bürgerhaushalt.');
  await alex.getByRole('button', { name: 'Meldung senden' }).click();
  await expect(alex.getByRole('status')).toHaveText('Danke! Ihre Meldung wurde an die Moderation geschickt.');

  // Alex deletes his comment: focus starts on "Abbrechen"; the reply stays.
  await alexComment.getByRole('button', { name: 'Löschen' }).click();
  const del = alex.getByRole('dialog', { name: 'Kommentar löschen?' });
  await expect(del.getByRole('button', { name: 'Abbrechen' })).toBeFocused();
  await del.getByRole('button', { name: 'Endgültig löschen' }).click();
  await expect(alex.getByRole('status')).toHaveText('Ihr Kommentar wurde gelöscht.');
  const deleted = alex.getByRole('article', { name: 'Gelöschter Kommentar' });
  await expect(deleted).toContainText('Dieser Kommentar wurde gelöscht.');
  await expect(deleted).toBeFocused();
  await expect(alex.getByRole('article', { name: 'Antwort von Kim Beispiel' })).toContainText('Danke, sehe ich auch so!');
  await expect(alex.getByRole('heading', { name: 'Kommentare (1)' })).toBeVisible();

  expect(kimErrors).toEqual([]);
  expect(alexErrors).toEqual([]);
  await kim.context().close();
  await alex.context().close();
});

test.describe('as organiser', () => {
  test.use({ storageState: AUTH_FILE });

  test('works through the queue, moderates an idea, reads the log and appoints a moderator', async ({ page, browser }) => {
    test.setTimeout(90_000);
    const errors = collectPageErrors(page);
    const c = await organizerConference('Moderation im Ideenmarkt');
    const kim = await participantPage(browser, c, 'Kim Beispiel');
    const alex = await participantPage(browser, c, 'Alex Muster');
    const idea = await apiIdea(kim.request, c.slug, 'Mehr Parkplätze am Bürgeramt', { body: 'Erste Fassung.' });
    await apiWrite(kim.request, 'PATCH', `/api/v1/ideas/${idea.id}`, { body: 'Zweite Fassung.', version: idea.version });
    const kimComment = (await apiWrite(kim.request, 'POST', `/api/v1/ideas/${idea.id}/comments`, { body: 'Wer zahlt das?' })) as {
      id: number;
    };
    const rude = (await apiWrite(alex.request, 'POST', `/api/v1/ideas/${idea.id}/comments`, { body: 'So ein Unsinn!!!' })) as {
      id: number;
    };
    await apiWrite(kim.request, 'POST', '/api/v1/reports', { entity: 'comment', entityId: rude.id, reason: 'Beleidigend' });
    await apiWrite(alex.request, 'POST', '/api/v1/reports', { entity: 'idea', entityId: idea.id, reason: 'Doppelt' });

    // The conference page leads to the queue.
    await page.goto(`/c/${c.slug}`);
    await ready(page, c.title);
    const manage = page.getByRole('navigation', { name: 'Verwaltung' });
    await expect(manage.getByRole('link')).toHaveText([
      'Moderation',
      'Einlass',
      'Anmeldungen',
      'Teilnehmende und Einladungen',
      'Ideen importieren',
      'Protokoll',
    ]);
    await manage.getByRole('link', { name: 'Moderation' }).click();
    await ready(page, 'Moderation');
    await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
    await expect(page.getByText('5 offene Einträge')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Meldungen (2)' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Neue Ideen (1)' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Neue Kommentare (2)' })).toBeVisible();
    await expect(page.getByText('Grund der Meldung: Beleidigend')).toBeVisible();
    await expectNoAxeViolations(page, 'the moderation queue');

    // Hide the reported comment with a reason.
    const reports = page.getByRole('region', { name: /^Meldungen/ });
    await reports.getByRole('button', { name: `Ausblenden: Kommentar #${rude.id}` }).click();
    const hide = page.getByRole('dialog', { name: 'Kommentar ausblenden' });
    await hide.getByRole('button', { name: 'Ausblenden' }).click();
    await expect(hide.getByLabel(/^Grund/)).toHaveAttribute('aria-invalid', 'true');
    await expectNoAxeViolations(page, 'the hide dialog with an error');
    await hide.getByLabel(/^Grund/).fill('Bitte sachlich bleiben.');
    await hide.getByRole('button', { name: 'Ausblenden' }).click();
    await expect(page.getByRole('status')).toHaveText('Ausgeblendet.');
    await expect(page.getByRole('heading', { name: 'Meldungen (1)' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Meldungen (1)' })).toBeFocused();

    // The idea report is fine: closing it reviews the idea, which leaves the queue.
    await reports.getByRole('button', { name: `In Ordnung, Meldung schließen: Idee #${idea.id}` }).click();
    await expect(page.getByRole('status')).toHaveText('Als geprüft markiert.');
    await expect(page.getByRole('heading', { name: 'Meldungen (0)' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Neue Ideen (0)' })).toBeVisible();
    await page
      .getByRole('region', { name: /^Neue Kommentare/ })
      .getByRole('button', { name: `Als geprüft markieren: Kommentar #${kimComment.id}` })
      .click();
    await expect(page.getByText('Alles erledigt: Es gibt nichts zu prüfen.')).toBeVisible();

    // On the idea page: the moderation tools.
    await page.goto(`/ideas/${idea.id}`);
    await ready(page, idea.title);
    const panel = page.getByRole('region', { name: 'Moderation' });
    await expect(panel.getByRole('list', { name: 'Stand' })).toContainText('Kommentare offen');
    await expect(page.getByRole('article', { name: 'Kommentar von Alex Muster' })).toContainText('Grund: Bitte sachlich bleiben.');
    await panel.getByRole('button', { name: 'Kommentare sperren' }).click();
    await expect(page.getByRole('status')).toHaveText('Die Kommentare sind gesperrt.');
    await expect(panel.getByRole('list', { name: 'Stand' })).toContainText('Kommentare gesperrt');
    await expect(page.getByText('Die Kommentare zu dieser Idee sind gesperrt.')).toBeVisible();
    await panel.getByLabel('Schlagwörter').fill('Verkehr, Parken, verkehr');
    await panel.getByRole('button', { name: 'Schlagwörter speichern' }).click();
    await expect(page.getByRole('status')).toHaveText('Schlagwörter gespeichert.');
    await expect(panel.getByLabel('Schlagwörter')).toHaveValue('Verkehr, Parken');
    await panel.getByRole('button', { name: 'Frühere Fassungen anzeigen' }).click();
    await expect(panel.getByRole('button', { name: 'Frühere Fassungen anzeigen' })).toHaveAttribute('aria-expanded', 'true');
    await expect(panel.getByRole('heading', { name: 'Frühere Fassungen' })).toBeVisible();
    await expect(panel.getByText('Erste Fassung.')).toBeVisible();
    await expectNoAxeViolations(page, 'the idea page with the moderation tools');

    // Hiding the idea asks for a reason; showing it again does not.
    await panel.getByRole('button', { name: 'Ausblenden' }).click();
    const hideIdea = page.getByRole('dialog', { name: 'Idee ausblenden' });
    await hideIdea.getByLabel(/^Grund/).fill('Wird geprüft.');
    await hideIdea.getByRole('button', { name: 'Ausblenden' }).click();
    await expect(page.getByText('Diese Idee ist ausgeblendet und für andere nicht sichtbar.')).toBeVisible();
    await expect(page.getByText('Grund: Wird geprüft.')).toBeVisible();
    await expect(panel.getByRole('heading', { name: 'Moderation' })).toBeFocused();
    await panel.getByRole('button', { name: 'Wieder einblenden' }).click();
    await expect(page.getByRole('status')).toHaveText('Wieder eingeblendet.');

    // Participants see the lock; the author of the hidden comment sees it with the reason, others do not.
    await kim.goto(`/ideas/${idea.id}`);
    await ready(kim, idea.title);
    await expect(kim.getByText('Die Kommentare zu dieser Idee sind gesperrt.')).toBeVisible();
    await expect(kim.getByLabel('Ihr Kommentar')).toHaveCount(0);
    await expect(kim.getByText('So ein Unsinn!!!')).toHaveCount(0);
    await expect(kim.getByText('Verkehr, Parken')).toBeVisible();
    await alex.goto(`/ideas/${idea.id}`);
    await ready(alex, idea.title);
    const hidden = alex.getByRole('article', { name: 'Kommentar von Alex Muster' });
    await expect(hidden).toContainText('Von der Moderation ausgeblendet');
    await expect(hidden).toContainText('Grund: Bitte sachlich bleiben.');

    // The log.
    await page.goto(`/c/${c.slug}`);
    await page.getByRole('link', { name: 'Protokoll' }).click();
    await ready(page, 'Protokoll');
    const log = page.getByRole('table');
    await expect(log.getByRole('row')).toHaveCount(8); // header + 7 actions
    await expect(log).toContainText('Kommentare gesperrt');
    await expect(log).toContainText('Schlagwörter gesetzt');
    await expect(log).toContainText(`Kommentar #${rude.id}`);
    await expect(log).toContainText('Bitte sachlich bleiben.');
    await expect(log.getByRole('link', { name: `Idee #${idea.id}` }).first()).toHaveAttribute('href', `/ideas/${idea.id}`);
    const csvLink = page.getByRole('link', { name: 'Protokoll als CSV herunterladen' });
    await expect(csvLink).toHaveAttribute('href', `/api/v1/conferences/${c.slug}/audit?format=csv`);
    const csv = await page.request.get(`/api/v1/conferences/${c.slug}/audit?format=csv`);
    expect(csv.headers()['content-type']).toContain('csv');
    expect(await csv.text()).toContain('lock_comments');
    await expectNoAxeViolations(page, 'the log');

    // Appointing Alex as moderator.
    await page.goto(`/c/${c.slug}/participants`);
    await ready(page, 'Teilnehmende und Einladungen');
    await expect(page.getByText('2 Personen')).toBeVisible();
    await page.getByRole('button', { name: 'Zur Moderation machen: Alex Muster' }).click();
    await expect(page.getByRole('status')).toHaveText('Alex Muster moderiert jetzt.');
    await expect(page.getByRole('row', { name: /Alex Muster/ })).toContainText('Moderation');
    await expect(page.getByRole('button', { name: 'Moderation entziehen: Alex Muster' })).toBeFocused();

    // Alex now finds the queue; Kim may not use it.
    await alex.goto(`/c/${c.slug}`);
    await ready(alex, c.title);
    const alexManage = alex.getByRole('navigation', { name: 'Verwaltung' });
    await expect(alexManage.getByRole('link')).toHaveText(['Moderation', 'Einlass']);
    await alexManage.getByRole('link', { name: 'Moderation' }).click();
    await ready(alex, 'Moderation');
    await expect(alex.getByText('Alles erledigt: Es gibt nichts zu prüfen.')).toBeVisible();
    await kim.goto(`/c/${c.slug}/moderation`);
    await ready(kim, 'Moderation');
    await expect(kim.getByText('Diese Seite ist nur für die Moderation und das Organisationsteam.')).toBeVisible();

    expect(errors).toEqual([]);
    await kim.context().close();
    await alex.context().close();
  });
});

/**
 * Live voting on phones (390×844) with a projector beside them: the
 * organiser plans a session and a vote in the UI and opens it, three phones
 * vote, the presenter screen counts along; a hidden vote shows nothing but
 * participation until it is revealed – neither in the page nor in any
 * websocket frame; and every voting method is cast through the UI once,
 * with axe-core on each page. Runs in the "mobile" project.
 */
import { expect, request as apiRequest, test, type Page, type WebSocket } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import { apiIdea, apiWrite, collectPageErrors, createConference, expectNoAxeViolations, expectNoHorizontalScroll, PHONE, ready } from './helpers';
import {
  apiRound,
  apiRoundAction,
  apiSession,
  liveConference,
  phonePage,
  presenterPage,
  voteSingle,
} from './live-helpers';

/** Berlin wall time of `ms` as a datetime-local value. */
function wallTime(ms: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Berlin',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

test('organiser plans and opens a vote in the UI; three phones vote; the projector counts along', async ({ browser }) => {
  test.setTimeout(120_000);
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await createConference(api, { title: 'Tag der Verwaltung live', phase: 'ideas', topics: ['Mobilität', 'Digitales'] });

  // Three colleagues join on their phones; two of them had ideas before the day.
  const phones: Page[] = [];
  for (const name of ['Ada Amt', 'Ben Bau', 'Cem Code']) phones.push(await phonePage(browser, { slug: c.slug, code: c.joinCode, name }));
  const [ada, ben, cem] = phones as [Page, Page, Page];
  await apiIdea(ada.request, c.slug, 'Jobrad für alle Beschäftigten', { topic: 'Mobilität' });
  await apiIdea(ben.request, c.slug, 'Digitale Akte im Bürgeramt', { topic: 'Digitales' });
  await apiWrite(api, 'POST', `/api/v1/conferences/${c.slug}/phase`, { phase: 'live' });
  await api.dispose();

  // The organiser plans the session in the programme …
  const orga = await (await browser.newContext({ ...PHONE, storageState: AUTH_FILE, viewport: { width: 1280, height: 900 }, isMobile: false })).newPage();
  const orgaErrors = collectPageErrors(orga);
  await orga.goto(`/c/${c.slug}`);
  await ready(orga, c.title);
  await orga.getByRole('link', { name: 'Programm', exact: true }).click();
  await ready(orga, 'Programm');
  await expect(orga.getByText('Noch stehen keine Programmpunkte fest.')).toBeVisible();
  await orga.getByRole('link', { name: 'Neuer Programmpunkt' }).click();
  await ready(orga, 'Neuer Programmpunkt');
  await orga.getByLabel('Titel').fill('Plenum: Was setzen wir zuerst um?');
  await orga.getByLabel('Raum').fill('Großer Saal');
  await orga.getByLabel('Beginn').fill(wallTime(Date.now() - 15 * 60_000));
  await orga.getByLabel('Ende').fill(wallTime(Date.now() + 60 * 60_000));
  await orga.getByRole('button', { name: 'Programmpunkt anlegen' }).click();
  await ready(orga, 'Programm');
  await expect(orga.getByRole('status')).toHaveText('Der Programmpunkt „Plenum: Was setzen wir zuerst um?“ wurde angelegt.');
  const item = orga.getByRole('article').filter({ hasText: 'Plenum: Was setzen wir zuerst um?' });
  await expect(item.getByText('Jetzt', { exact: true })).toBeVisible();
  await expect(item).toContainText('Raum: Großer Saal');
  await expectNoAxeViolations(orga, 'the programme (organiser)');

  // … and a vote in it: two ideas picked from the list, one option of its own.
  await item.getByRole('link', { name: 'Plenum: Was setzen wir zuerst um?', exact: true }).click();
  await ready(orga, 'Plenum: Was setzen wir zuerst um?');
  const sessionId = Number(new URL(orga.url()).pathname.split('/').at(-1));
  await expect(orga.getByText('Noch keine Abstimmungen.', { exact: false })).toBeVisible();
  const form = orga.getByRole('region', { name: 'Neue Abstimmung' });
  // Without options the form says so at the options.
  await form.getByLabel(/^Frage/).fill('Welche Idee zuerst?');
  await form.getByRole('button', { name: 'Abstimmung anlegen' }).click();
  await expect(form.getByText('Bitte mindestens zwei Optionen angeben.')).toBeVisible();
  await form.getByLabel('Ideen filtern').fill('jobrad');
  await form.getByRole('checkbox', { name: /Jobrad für alle Beschäftigten/ }).check();
  await form.getByLabel('Ideen filtern').fill('');
  await form.getByRole('checkbox', { name: /Digitale Akte im Bürgeramt/ }).check();
  await expect(form.getByText('2 Ideen ausgewählt')).toBeVisible();
  await form.getByRole('button', { name: 'Option hinzufügen' }).click();
  await expect(form.getByLabel('Option 1')).toBeFocused();
  await form.getByLabel('Option 1').fill('Etwas anderes');
  await expectNoAxeViolations(orga, 'the session page with the new-vote form (organiser)');
  await form.getByRole('button', { name: 'Abstimmung anlegen' }).click();
  await expect(orga.getByRole('status')).toHaveText('Die Abstimmung „Welche Idee zuerst?“ ist als Entwurf angelegt.');
  const controls = orga.getByRole('group', { name: 'Steuerung: Welche Idee zuerst?' });
  await controls.getByRole('button', { name: 'Öffnen' }).click();
  await expect(orga.getByRole('status')).toHaveText('„Welche Idee zuerst?“ ist geöffnet.');
  await expect(controls.getByRole('button', { name: 'Schließen' })).toBeVisible();
  const roundId = Number(
    (await orga.getByRole('link', { name: 'Welche Idee zuerst?' }).getAttribute('href'))?.split('/').at(-1),
  );

  // The projector shows the vote and how to join.
  const presenter = await presenterPage(browser);
  const presenterErrors = collectPageErrors(presenter);
  await presenter.goto(`/present/sessions/${sessionId}`);
  await ready(presenter, 'Welche Idee zuerst?');
  await expect(presenter.getByText('0 von 3 haben abgestimmt', { exact: true })).toBeVisible();
  await expect(presenter.getByRole('img', { name: `QR-Code zum Beitreten: ${BASE_URL}/c/${c.slug}/join` })).toBeVisible();
  await expect(presenter.getByText(`127.0.0.1:${new URL(BASE_URL).port}/c/${c.slug}/join`)).toBeVisible();
  await expect(presenter.getByText(c.joinCode, { exact: true })).toBeVisible();
  await expect(presenter.getByRole('button', { name: 'Vollbild' })).toBeVisible();

  // Ada finds the vote from the session page, the others open it directly.
  await ada.goto(`/sessions/${sessionId}`);
  await ready(ada, 'Plenum: Was setzen wir zuerst um?');
  await expectNoAxeViolations(ada, 'the session page (phone)');
  await ada.getByRole('link', { name: 'Jetzt abstimmen' }).click();
  await ready(ada, 'Welche Idee zuerst?');
  await expectNoHorizontalScroll(ada);
  await ada.getByRole('radio', { name: 'Jobrad für alle Beschäftigten' }).check();
  await ada.getByRole('button', { name: 'Stimme abgeben' }).click();
  await expect(ada.getByText('Ihre Stimme ist gezählt.')).toBeVisible();
  await expect(ada.getByText(/Eingegangen um \d\d:\d\d:\d\d Uhr\./)).toBeVisible();
  await voteSingle(ben, roundId, 'Jobrad für alle Beschäftigten');
  await voteSingle(cem, roundId, 'Etwas anderes');

  // All three acknowledged: the projector has them within a second.
  await expect(presenter.getByText('3 von 3 haben abgestimmt', { exact: true })).toBeVisible({ timeout: 1000 });
  const bars = presenter.getByRole('list', { name: 'Welche Idee zuerst?' });
  await expect(bars.getByRole('listitem').filter({ hasText: 'Jobrad' })).toContainText('2 Stimmen', { timeout: 1000 });
  await expect(bars.getByRole('listitem').filter({ hasText: 'Etwas anderes' })).toContainText('1 Stimme', { timeout: 1000 });
  // Phones see the live result too (the vote shows live results).
  await expect(ada.getByText('3 von 3 haben abgestimmt', { exact: true })).toBeVisible();
  await expect(ada.getByRole('list', { name: 'Zwischenstand' })).toContainText('2 Stimmen');
  await expectNoAxeViolations(ada, 'the vote page after voting (phone, single)');
  await expectNoAxeViolations(presenter, 'the presenter screen (light)');

  // Closing replaces the ballot with the end notice, on every phone.
  await cem.reload();
  await ready(cem, 'Welche Idee zuerst?');
  await controls.getByRole('button', { name: 'Schließen' }).click();
  for (const p of phones) await expect(p.getByRole('article').getByText('Die Abstimmung ist beendet.')).toBeVisible();
  await expect(presenter.getByText('Abstimmung beendet')).toBeVisible();
  await expectNoAxeViolations(orga, 'the session page with tallies and controls (organiser)');

  // The result is published; the idea pages show how their ideas did.
  await controls.getByRole('button', { name: 'Ergebnis zeigen' }).click();
  await expect(orga.getByRole('status')).toHaveText('Das Ergebnis von „Welche Idee zuerst?“ ist veröffentlicht.');
  await expect(ada.getByRole('list', { name: 'Ergebnis' }).getByRole('listitem').first()).toContainText('Jobrad');
  await ada.goto('/c/' + c.slug + '/ideas');
  await ada.getByRole('link', { name: 'Jobrad für alle Beschäftigten' }).click();
  await ready(ada, 'Jobrad für alle Beschäftigten');
  const ideaResults = ada.getByRole('region', { name: 'Ergebnisse aus Abstimmungen' });
  await expect(ideaResults).toContainText('Platz 1 von 3 · 2 Stimmen');
  await expect(ideaResults.getByRole('link', { name: 'Welche Idee zuerst?' })).toHaveAttribute('href', `/rounds/${roundId}`);
  await expectNoAxeViolations(ada, 'the idea page with vote results (phone)');

  // A reset needs a reason, and turns the vote back into a draft for everyone.
  await controls.getByRole('button', { name: 'Zurücksetzen' }).click();
  const dialog = orga.getByRole('dialog', { name: 'Abstimmung zurücksetzen?' });
  await dialog.getByRole('button', { name: 'Stimmen löschen und zurücksetzen' }).click();
  await expect(dialog.getByLabel(/^Grund/)).toHaveAccessibleDescription(/Bitte einen Grund angeben\./);
  await dialog.getByLabel(/^Grund/).fill('Probelauf vor dem Plenum');
  await dialog.getByRole('button', { name: 'Stimmen löschen und zurücksetzen' }).click();
  await expect(dialog).toBeHidden();
  await expect(orga.getByRole('status')).toHaveText('„Welche Idee zuerst?“ wurde zurückgesetzt.');
  await expect(controls.getByRole('button', { name: 'Öffnen' })).toBeVisible();
  await expect(ben.getByText('Diese Abstimmung ist nicht geöffnet.')).toBeVisible();
  await expect(presenter.getByRole('heading', { level: 1 })).toHaveText('Gleich geht es los.');

  expect(orgaErrors).toEqual([]);
  expect(presenterErrors).toEqual([]);
  for (const p of [...phones, presenter, orga]) await p.context().close();
});

test('a hidden vote shows phones only participation – in the page and on the wire – until it is revealed', async ({ browser }) => {
  test.setTimeout(90_000);
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await liveConference(api, 'Geheime Wahl im Amt');
  const s = await apiSession(api, c.slug, 'Wahl der Vertrauensleute');
  const r = await apiRound(api, s.id, 'Wer soll uns vertreten?', 'single', ['Frau Adler', 'Herr Berg'], { liveResults: false });
  await apiRoundAction(api, r.id, 'open');

  const phones: Page[] = [];
  const frames: string[] = [];
  for (const name of ['Dora', 'Emil']) {
    const p = await phonePage(browser, { slug: c.slug, code: c.joinCode, name });
    p.on('websocket', (ws: WebSocket) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    phones.push(p);
  }
  const presenter = await presenterPage(browser, 'dark');
  await presenter.goto(`/present/sessions/${s.id}`);
  await ready(presenter, 'Wer soll uns vertreten?');

  await voteSingle(phones[0]!, r.id, 'Frau Adler');
  await voteSingle(phones[1]!, r.id, 'Frau Adler');
  for (const p of phones) {
    await expect(p.getByText('2 von 2 haben abgestimmt', { exact: true })).toBeVisible();
    await expect(p.getByText('Das Ergebnis wird nach der Abstimmung gezeigt.')).toBeVisible();
    await expect(p.getByText(/\d+ Stimmen?\b|Platz \d/)).toHaveCount(0);
  }
  await expect(presenter.getByText('2 von 2 haben abgestimmt', { exact: true })).toBeVisible();
  await expect(presenter.getByText('Das Ergebnis wird nach der Abstimmung gezeigt.')).toBeVisible();
  await expect(presenter.getByText(/Platz \d/)).toHaveCount(0);
  await expectNoAxeViolations(presenter, 'the presenter screen of a hidden vote (dark)');
  await expectNoAxeViolations(phones[0]!, 'the vote page of a hidden vote (phone)');

  // Closed but not revealed: still nothing.
  await apiRoundAction(api, r.id, 'close');
  for (const p of phones) await expect(p.getByRole('article').getByText('Die Abstimmung ist beendet.')).toBeVisible();
  await expect(phones[0]!.getByText('Das Ergebnis wird nach der Abstimmung gezeigt.')).toBeVisible();
  const ofRound = (f: string) => f.includes(`"topic":"round:${r.id}"`);
  expect(frames.filter(ofRound).length, 'the phones heard the round').toBeGreaterThan(0);
  expect(frames.filter((f) => ofRound(f) && f.includes('"results":{')), 'results sent to a phone before reveal').toEqual([]);

  // Revealed: the phones and the projector show the result.
  await apiRoundAction(api, r.id, 'reveal');
  for (const p of phones) {
    const result = p.getByRole('list', { name: 'Ergebnis' });
    await expect(result.getByRole('listitem').filter({ hasText: 'Frau Adler' })).toContainText('2 Stimmen');
    await expect(result.getByRole('listitem').first()).toContainText('Platz 1');
  }
  await expect(presenter.getByRole('list', { name: 'Wer soll uns vertreten?' })).toContainText('2 Stimmen');
  expect(frames.some((f) => ofRound(f) && f.includes('"results":{'))).toBe(true);
  await api.dispose();
  for (const p of [...phones, presenter]) await p.context().close();
});

/** How each method is cast through the UI, and what the page then says. */
const methods: Array<{ method: string; extra?: Record<string, unknown>; cast: (p: Page) => Promise<void> }> = [
  {
    method: 'single',
    cast: async (p) => {
      await p.getByRole('radio', { name: 'Bänke', exact: true }).check();
    },
  },
  {
    method: 'multiple',
    extra: { maxChoices: 2 },
    cast: async (p) => {
      await expect(p.getByText('noch 2 wählbar')).toBeVisible();
      await p.getByRole('checkbox', { name: 'Bänke' }).check();
      await p.getByRole('checkbox', { name: 'Bäume' }).check();
      await expect(p.getByText('noch 0 wählbar')).toBeVisible();
      await expect(p.getByRole('checkbox', { name: 'Brunnen' })).toBeDisabled();
    },
  },
  {
    method: 'dots',
    extra: { points: 5, maxPerOption: 3 },
    cast: async (p) => {
      const more = (label: string) => p.getByRole('button', { name: `Ein Punkt mehr für „${label}“` });
      for (let i = 0; i < 3; i++) await more('Bänke').click();
      await expect(p.getByRole('group', { name: 'Bänke 3 Punkte' })).toBeVisible();
      // At the limit per option the button says so, and stays where the finger is.
      await expect(more('Bänke')).toHaveAttribute('aria-disabled', 'true');
      await expect(more('Bänke')).toBeFocused();
      await more('Bäume').click();
      await more('Bäume').click();
      await expect(p.getByText('noch 0 Punkte zu vergeben')).toBeVisible();
      await expect(more('Brunnen')).toHaveAttribute('aria-disabled', 'true');
    },
  },
  {
    method: 'approval',
    cast: async (p) => {
      await p.getByRole('group', { name: 'Bänke', exact: true }).getByRole('radio', { name: 'Ja' }).check();
      await p.getByRole('group', { name: 'Brunnen', exact: true }).getByRole('radio', { name: 'Nein' }).check();
      await expect(p.getByRole('group', { name: 'Bäume', exact: true }).getByRole('radio', { name: 'Enthaltung' })).toBeChecked();
    },
  },
  {
    method: 'rating',
    cast: async (p) => {
      await p.getByRole('group', { name: 'Bänke', exact: true }).getByRole('radio', { name: '4 von 5 Sternen' }).check();
      await p.getByRole('group', { name: 'Bäume', exact: true }).getByRole('radio', { name: '2 von 5 Sternen' }).check();
    },
  },
  {
    method: 'ranking',
    cast: async (p) => {
      const up = p.getByRole('button', { name: '„Brunnen“ nach oben' });
      await up.click();
      await up.click();
      await expect(p.getByText('„Brunnen“ ist jetzt auf Platz 1 von 3.')).toBeVisible();
      await expect(up).toBeFocused();
      await expect(p.getByRole('group', { name: /Reihenfolge/ }).getByRole('listitem').first()).toContainText('Brunnen');
    },
  },
];

test.describe('every voting method on a phone', () => {
  let slug = '';
  let code = '';
  let sessionId = 0;
  const rounds = new Map<string, number>();

  test.beforeAll(async () => {
    const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
    const c = await liveConference(api, 'Parkgestaltung mit allen Verfahren');
    slug = c.slug;
    code = c.joinCode;
    const s = await apiSession(api, slug, 'Gestaltung des Stadtparks');
    sessionId = s.id;
    for (const m of methods) {
      const r = await apiRound(api, s.id, `Park (${m.method})`, m.method, ['Bänke', 'Bäume', 'Brunnen'], m.extra ?? {});
      await apiRoundAction(api, r.id, 'open');
      rounds.set(m.method, r.id);
    }
    await api.dispose();
  });

  for (const m of methods) {
    test(`${m.method}: cast through the UI, accessible`, async ({ browser }) => {
      const colorScheme = m.method === 'rating' || m.method === 'dots' ? 'dark' : 'light';
      const p = await phonePage(browser, { slug, code, name: `Stimme ${m.method}`, colorScheme });
      const errors = collectPageErrors(p);
      await p.goto(`/rounds/${rounds.get(m.method)}`);
      await ready(p, `Park (${m.method})`);
      await expectNoHorizontalScroll(p);
      await expectNoAxeViolations(p, `the vote page (${m.method}, ${colorScheme}, before voting)`);
      await m.cast(p);
      await p.getByRole('button', { name: 'Stimme abgeben' }).click();
      await expect(p.getByText('Ihre Stimme ist gezählt.')).toBeVisible();
      await expect(p.getByRole('heading', { name: 'Ihre Stimme' })).toBeVisible();
      await expect(p.getByRole('button', { name: 'Stimme ändern' })).toBeVisible();
      await expectNoAxeViolations(p, `the vote page (${m.method}, ${colorScheme}, after voting)`);
      // After a reload the page still knows the ballot.
      await p.reload();
      await ready(p, `Park (${m.method})`);
      await expect(p.getByRole('heading', { name: 'Ihre Stimme' })).toBeVisible();
      expect(errors).toEqual([]);
      await p.context().close();
    });
  }

  test('a wrong ballot is explained at the ballot, by the browser', async ({ browser }) => {
    const p = await phonePage(browser, { slug, code, name: 'Eilig' });
    await p.goto(`/rounds/${rounds.get('approval')}`);
    await ready(p, 'Park (approval)');
    await p.getByRole('button', { name: 'Stimme abgeben' }).click();
    const ballot = p.getByRole('group', { name: 'Zu jeder Option: Ja, Nein oder Enthaltung' });
    await expect(ballot).toBeFocused();
    await expect(ballot).toHaveAccessibleDescription(/Bitte mindestens eine Option mit Ja oder Nein beantworten\./);
    await p.context().close();
  });

  test('programme and session page are accessible on a phone, in the dark theme too', async ({ browser }) => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const p = await phonePage(browser, { slug, code, name: `Leser ${colorScheme}`, colorScheme });
      await p.goto(`/c/${slug}/sessions`);
      await ready(p, 'Programm');
      await expect(p.getByText('Jetzt', { exact: true })).toBeVisible();
      await expectNoAxeViolations(p, `the programme (phone, ${colorScheme})`);
      await p.getByRole('link', { name: 'Gestaltung des Stadtparks' }).click();
      await ready(p, 'Gestaltung des Stadtparks');
      await expect(p.getByRole('link', { name: 'Jetzt abstimmen' })).toHaveCount(methods.length);
      await expectNoHorizontalScroll(p);
      await expectNoAxeViolations(p, `the session page (phone, ${colorScheme})`);
      await p.context().close();
    }
    expect(sessionId).toBeGreaterThan(0);
  });
});

test('the vote page fits a 320 px wide phone', async ({ browser }) => {
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await liveConference(api, 'Schmale Bildschirme');
  const s = await apiSession(api, c.slug, 'Kurz und knapp');
  const r = await apiRound(api, s.id, 'Reihenfolge der Maßnahmen', 'ranking', ['Radwege ausbauen', 'Mehr Bänke', 'Längere Öffnungszeiten']);
  await apiRoundAction(api, r.id, 'open');
  await api.dispose();
  const p = await phonePage(browser, { slug: c.slug, code: c.joinCode, name: 'Schmal' });
  await p.setViewportSize({ width: 320, height: 640 });
  await p.goto(`/rounds/${r.id}`);
  await ready(p, 'Reihenfolge der Maßnahmen');
  await expectNoHorizontalScroll(p);
  const box = await p.getByRole('button', { name: '„Mehr Bänke“ nach oben' }).boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  await p.context().close();
});

/**
 * The idea market from start to finish on phones (390×844), in one story:
 * a participant joins by typing the join code, is shown a similar idea while
 * typing a title, submits anyway, supports another idea and comments on it;
 * a moderator, also on a phone, merges the duplicate into the older idea and
 * every person's support survives exactly once. Runs in the "mobile" project.
 */
import { expect, request as apiRequest, test, type Browser } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import {
  apiIdea,
  apiJoin,
  apiWrite,
  collectPageErrors,
  createConference,
  expectNoAxeViolations,
  expectNoHorizontalScroll,
  newPhone,
  ready,
} from './helpers';

function phone(browser: Browser, organizer = false) {
  return newPhone(browser, { organizer });
}

test('join, duplicate hint, submit, support, comment; a moderator merges and supports survive', async ({ browser }) => {
  test.setTimeout(90_000);
  const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
  const c = await createConference(api, {
    title: 'Markt der Ideen unterwegs',
    phase: 'ideas',
    topics: ['Grünflächen', 'Verkehr'],
    departments: ['Grünflächenamt', 'Bürgeramt'],
  });
  await api.dispose();

  // Colleagues were there first: Alex's idea has Lea's support.
  const alex = await phone(browser);
  await apiJoin(alex.request, c.slug, c.joinCode, 'Alex Muster');
  const older = await apiIdea(alex.request, c.slug, 'Obstbäume im Stadtpark pflanzen', {
    body: 'Äpfel und Birnen für alle.',
    topic: 'Grünflächen',
  });
  const lea = await phone(browser);
  await apiJoin(lea.request, c.slug, c.joinCode, 'Lea Lind');
  await apiWrite(lea.request, 'PUT', `/api/v1/ideas/${older.id}/support`);

  // Kim joins by typing the code from the poster.
  const kim = await phone(browser);
  const kimErrors = collectPageErrors(kim);
  await kim.goto(`/c/${c.slug}`);
  await ready(kim, c.title);
  await kim.getByRole('link', { name: 'Jetzt beitreten' }).click();
  await ready(kim, 'Konferenz beitreten');
  await kim.getByLabel('Beitrittscode').fill(c.joinCode.toLowerCase());
  await kim.getByLabel('Ihr Name').fill('Kim Beispiel');
  await kim.getByLabel('Bereich').selectOption('Grünflächenamt');
  await kim.getByRole('button', { name: 'Beitreten' }).click();
  await expect(kim).toHaveURL(`/c/${c.slug}/ideas`);
  await ready(kim, 'Markt der Ideen');

  // While Kim types a title, the older idea is suggested.
  await kim.getByRole('link', { name: 'Idee einreichen' }).click();
  await ready(kim, 'Idee einreichen');
  const title = kim.getByLabel('Titel');
  await title.pressSequentially('Obstbäume pflanzen im Stadtpark', { delay: 30 });
  const hints = kim.locator('[aria-live="polite"]').filter({ hasText: 'Ähnliche Ideen' });
  await expect(hints.getByRole('link', { name: /Obstbäume im Stadtpark pflanzen/ })).toHaveAttribute('href', `/ideas/${older.id}`);
  await expect(hints).toContainText('(1 Unterstützung)');
  await expect(title).toBeFocused();
  await expectNoHorizontalScroll(kim);
  await expectNoAxeViolations(kim, 'the new-idea form with a duplicate hint (phone)');

  // Kim submits anyway – and Mo supports the new idea.
  await kim.getByLabel('Beschreibung').fill('Am Spielplatz, mit **Patenschaften**.');
  await kim.getByLabel('Thema').selectOption('Grünflächen');
  await kim.getByRole('button', { name: 'Idee einreichen' }).click();
  await expect(kim).toHaveURL(/\/ideas\/\d+$/);
  await ready(kim, 'Obstbäume pflanzen im Stadtpark');
  const duplicateId = Number(new URL(kim.url()).pathname.split('/').at(-1));
  const mo = await phone(browser);
  await apiJoin(mo.request, c.slug, c.joinCode, 'Mo Meier');
  await apiWrite(mo.request, 'PUT', `/api/v1/ideas/${duplicateId}/support`);
  await apiWrite(lea.request, 'PUT', `/api/v1/ideas/${duplicateId}/support`);

  // Kim supports the older idea from the list …
  await kim.getByRole('link', { name: 'Zurück zum Markt der Ideen' }).click();
  await ready(kim, 'Markt der Ideen');
  const card = kim.getByRole('article').filter({ has: kim.getByRole('link', { name: older.title }) });
  const support = card.getByRole('button', { name: `Idee „${older.title}“ unterstützen` });
  await support.click();
  await expect(support).toHaveAttribute('aria-pressed', 'true');
  await expect(card).toContainText('2 Unterstützungen');

  // … and comments on it.
  await card.getByRole('link', { name: older.title }).click();
  await ready(kim, older.title);
  await kim.getByLabel('Ihr Kommentar').fill('Gern auch Nussbäume – ich helfe beim Gießen.');
  await kim.getByRole('button', { name: 'Kommentar veröffentlichen' }).click();
  await expect(kim.getByRole('heading', { name: 'Kommentare (1)' })).toBeVisible();
  await expectNoHorizontalScroll(kim);
  await expectNoAxeViolations(kim, 'the idea page after commenting (phone)');

  // The moderator merges Kim's duplicate into the older idea, on a phone.
  const orga = await phone(browser, true);
  const orgaErrors = collectPageErrors(orga);
  await orga.goto(`/ideas/${duplicateId}`);
  await ready(orga, 'Obstbäume pflanzen im Stadtpark');
  await orga.getByRole('button', { name: 'Zusammenführen mit …' }).click();
  const dialog = orga.getByRole('dialog', { name: 'Idee zusammenführen' });
  await dialog.getByRole('radio', { name: new RegExp(`^${older.title} \\(`) }).check();
  await dialog.getByLabel(/^Grund/).fill('Gleiche Idee, zweimal eingereicht');
  await expectNoHorizontalScroll(orga);
  await expectNoAxeViolations(orga, 'the merge dialog (phone)');
  await dialog.getByRole('button', { name: 'Zusammenführen', exact: true }).click();
  await expect(dialog.getByText(`Zusammengeführt mit „${older.title}“.`)).toBeVisible();
  await dialog.getByRole('button', { name: 'Schließen', exact: true }).click();

  // Supports: Lea (both ideas) and Kim count once, Mo's moves over – three people.
  const merged = (await (await orga.request.get(`/api/v1/ideas/${older.id}`)).json()) as { supportCount: number };
  expect(merged.supportCount).toBe(3);
  await kim.goto(`/ideas/${duplicateId}`);
  await expect(kim).toHaveURL(`/ideas/${older.id}`);
  await ready(kim, older.title);
  await expect(kim.getByText('3 Unterstützungen', { exact: true })).toBeVisible();
  await expect(kim.getByRole('button', { name: `Idee „${older.title}“ unterstützen` })).toHaveAttribute('aria-pressed', 'true');
  await expect(kim.getByText('Gern auch Nussbäume – ich helfe beim Gießen.')).toBeVisible();
  await mo.goto(`/ideas/${older.id}`);
  await ready(mo, older.title);
  await expect(mo.getByRole('button', { name: `Idee „${older.title}“ unterstützen` })).toHaveAttribute('aria-pressed', 'true');

  expect(kimErrors).toEqual([]);
  expect(orgaErrors).toEqual([]);
  for (const p of [alex, lea, kim, mo, orga]) await p.context().close();
});

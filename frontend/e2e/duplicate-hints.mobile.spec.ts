/**
 * Duplicate hints while typing a new idea's title on a phone: "Ähnliche
 * Ideen" appears from three characters on, after a pause in typing, without
 * taking focus, and goes away again. Needs GET /conferences/{slug}/ideas/similar.
 */
import { expect, request as apiRequest, test } from '@playwright/test';
import { AUTH_FILE, BASE_URL } from './constants';
import {
  apiIdea,
  apiJoin,
  apiWrite,
  createConference,
  expectNoAxeViolations,
  expectNoHorizontalScroll,
  PHONE,
  ready,
} from './helpers';

for (const theme of ['light', 'dark'] as const) {
  test(`similar ideas appear while typing a title (${theme})`, async ({ browser }) => {
    const api = await apiRequest.newContext({ baseURL: BASE_URL, storageState: AUTH_FILE });
    const c = await createConference(api, { title: `Doppelte Ideen ${theme}`, phase: 'ideas' });
    await api.dispose();
    const context = await browser.newContext({ ...PHONE, colorScheme: theme, storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    await apiJoin(page.request, c.slug, c.joinCode, 'Tina Tipp');
    const existing = await apiIdea(page.request, c.slug, 'Obstbäume im Stadtpark pflanzen');
    await apiWrite(page.request, 'PUT', `/api/v1/ideas/${existing.id}/support`);
    const searches: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/ideas/similar')) searches.push(new URL(r.url()).searchParams.get('title') ?? '');
    });

    await page.goto(`/c/${c.slug}/ideas/new`);
    await ready(page, 'Idee einreichen');
    const title = page.getByLabel('Titel');
    await title.pressSequentially('Obstbäume pflanzen im Stadtpark', { delay: 40 });
    const hints = page.locator('[aria-live="polite"]').filter({ hasText: 'Ähnliche Ideen' });
    await expect(hints).toBeVisible();
    const link = hints.getByRole('link', { name: /Obstbäume im Stadtpark pflanzen/ });
    await expect(link).toHaveAttribute('href', `/ideas/${existing.id}`);
    await expect(link).toHaveAttribute('target', '_blank');
    await expect(hints).toContainText('(1 Unterstützung)');
    await expect(title).toBeFocused();
    // Typing fast asks once after the pause, not once per key.
    expect(searches.length).toBeLessThanOrEqual(2);
    expect(searches.at(-1)).toBe('Obstbäume pflanzen im Stadtpark');
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await expectNoHorizontalScroll(page);
    await expectNoAxeViolations(page, `the new-idea form with similar ideas (${theme}, phone)`);

    await title.fill('Ob');
    await expect(page.getByText('Ähnliche Ideen')).toHaveCount(0);
    await title.fill('Bessere Beleuchtung am Bahnhof');
    await page.waitForTimeout(800);
    await expect(page.getByText('Ähnliche Ideen')).toHaveCount(0);
    await context.close();
  });
}

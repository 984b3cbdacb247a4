/** Language switch (German first, English second) and the light/dark toggle. */
import { expect, test } from '@playwright/test';
import { AUTH_FILE } from './constants';

test.describe('language', () => {
  test('switches from German to English, persists, and switches back', async ({ page }) => {
    const h1 = page.getByRole('heading', { level: 1 });
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await expect(h1).toHaveText('Konferenzen');
    await expect(page).toHaveTitle('Konferenzen – ideenmarkt');
    await expect(page.getByRole('button', { name: 'Deutsch' })).toHaveAttribute('aria-pressed', 'true');

    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(h1).toHaveText('Conferences');
    await expect(page).toHaveTitle('Conferences – ideenmarkt');
    await expect(page.getByRole('navigation', { name: 'Main navigation' })).toBeVisible();
    await expect(page.getByRole('banner').getByRole('link', { name: 'Log in' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'true');

    // The choice survives a reload and applies to other pages.
    await page.goto('/login');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(h1).toHaveText('Log in');
    await expect(page.getByLabel('Email address')).toBeVisible();

    await page.getByRole('button', { name: 'Deutsch' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await expect(h1).toHaveText('Anmelden');
  });

  test.describe('as organiser', () => {
    test.use({ storageState: AUTH_FILE });

    test('shows the server’s field messages in the chosen language', async ({ page }) => {
      await page.goto('/conferences/new');
      await page.getByRole('button', { name: 'Konferenz anlegen' }).click();
      const title = page.getByLabel('Titel');
      await expect(title).toHaveAccessibleDescription('Bitte einen Titel angeben.');
      await expect(page.getByLabel('Beginn')).toHaveAccessibleDescription(/Bitte einen Beginn angeben\./);

      await page.getByRole('button', { name: 'English' }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create a new conference');
      await expect(page.getByLabel('Title')).toHaveAccessibleDescription('Please enter a title.');
      await expect(page.getByLabel('Starts')).toHaveAccessibleDescription(/Please enter a start time\./);
      await expect(page.getByRole('alert')).toContainText('Please correct the marked fields.');
    });
  });
});

test.describe('theme', () => {
  test('follows the system preference', async ({ browser }) => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme });
      const page = await context.newPage();
      await page.goto('/');
      await expect(page.locator('html')).toHaveAttribute('data-theme', colorScheme);
      await expect(page.getByRole('button', { name: 'Dunkles Design' })).toHaveAttribute(
        'aria-pressed',
        String(colorScheme === 'dark'),
      );
      await context.close();
    }
  });

  test('the toggle switches the theme and the choice persists', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto('/');
    const html = page.locator('html');
    const toggle = page.getByRole('button', { name: 'Dunkles Design' });
    await expect(html).toHaveAttribute('data-theme', 'light');
    const lightBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

    await toggle.click();
    await expect(html).toHaveAttribute('data-theme', 'dark');
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    const darkBg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(darkBg).not.toBe(lightBg);

    await page.reload();
    await expect(html).toHaveAttribute('data-theme', 'dark');
    await toggle.click();
    await expect(html).toHaveAttribute('data-theme', 'light');
  });
});

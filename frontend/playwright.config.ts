/**
 * Browser tests against the real, built server (`make build` → ../bin/ideenmarkt)
 * with the system Chromium; Playwright never downloads a browser here.
 * Each run starts the binary on its own port with a fresh data directory and
 * the first organiser from IDEENMARKT_ADMIN_EMAIL / _PASSWORD.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { ADMIN, BASE_URL as baseURL, MAIL_HTTP_PORT, MAIL_SMTP_PORT, PORT as port } from './e2e/constants';

const binary = resolve(process.env.IDEENMARKT_BIN ?? join(import.meta.dirname, '..', 'bin', 'ideenmarkt'));
// The mail catcher (cmd/ideenmarkt-mailcatcher) receives the server's
// registration mails over SMTP and lists them as JSON for e2e/mail.ts.
const mailCatcher = resolve(join(import.meta.dirname, '..', 'bin', 'ideenmarkt-mailcatcher'));
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

for (const b of [binary, mailCatcher]) {
  if (!existsSync(b)) {
    throw new Error(`${b} not found: run \`make build\` in the repository root first.`);
  }
}

// The config is loaded by the runner and again by each worker; workers inherit
// the runner's environment, so all of them agree on one directory.
process.env.IDEENMARKT_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'ideenmarkt-e2e-'));
const dataDir = process.env.IDEENMARKT_E2E_DATA_DIR;

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  globalTeardown: './e2e/global-teardown.ts',
  use: {
    baseURL,
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts/ },
    {
      name: 'desktop',
      use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 900 } },
      dependencies: ['setup'],
      testIgnore: /mobile\.spec\.ts/,
    },
    {
      name: 'mobile',
      use: {
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 3,
        isMobile: true,
        hasTouch: true,
      },
      dependencies: ['setup'],
      testMatch: /mobile\.spec\.ts/,
    },
  ],
  webServer: [
    {
      command: `"${mailCatcher}" -smtp 127.0.0.1:${MAIL_SMTP_PORT} -http 127.0.0.1:${MAIL_HTTP_PORT}`,
      url: `http://127.0.0.1:${MAIL_HTTP_PORT}/messages`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `"${binary}" serve`,
      url: `${baseURL}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
      env: {
        IDEENMARKT_HTTP_ADDR: `127.0.0.1:${port}`,
        IDEENMARKT_DATA_DIR: dataDir,
        IDEENMARKT_ADMIN_EMAIL: ADMIN.email,
        IDEENMARKT_ADMIN_PASSWORD: ADMIN.password,
        // Empty values select the embedded defaults, whatever the caller's environment says.
        IDEENMARKT_CONFIG: '',
        IDEENMARKT_DATABASE_URL: '',
        IDEENMARKT_MEILI_URL: '',
        IDEENMARKT_BASE_URL: '',
        IDEENMARKT_LOG_LEVEL: 'warn',
        IDEENMARKT_SMTP_HOST: '127.0.0.1',
        IDEENMARKT_SMTP_PORT: String(MAIL_SMTP_PORT),
        IDEENMARKT_SMTP_SECURITY: 'none',
        IDEENMARKT_SMTP_FROM: 'Ideenmarkt <noreply@ideenmarkt.local>',
        IDEENMARKT_SMTP_USERNAME: '',
        IDEENMARKT_SMTP_PASSWORD: '',
      },
    },
  ],
});


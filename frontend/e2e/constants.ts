/** Values shared by the Playwright config and the tests. */
import { join } from 'node:path';

/** The port the test server listens on; override with IDEENMARKT_E2E_PORT. */
export const PORT = Number(process.env.IDEENMARKT_E2E_PORT ?? 18471);
export const BASE_URL = `http://127.0.0.1:${PORT}`;

/** The first organiser the server creates at start (see playwright.config.ts). */
export const ADMIN = {
  email: 'orga@example.org',
  password: 'correct-horse-battery',
  name: 'Organisation',
} as const;

/** Where the setup project stores the organiser's logged-in browser state (git-ignored). */
export const AUTH_FILE = join(import.meta.dirname, '.auth', 'organizer.json');

/**
 * The mail catcher's HTTP port (the server then sends its mails over SMTP to
 * the catcher, which lists them as JSON); override with
 * IDEENMARKT_E2E_MAIL_HTTP_PORT, or give the whole address in IDEENMARKT_E2E_MAIL_URL.
 */
export const MAIL_HTTP_PORT = Number(process.env.IDEENMARKT_E2E_MAIL_HTTP_PORT ?? 18473);

/** The mail catcher's SMTP port, which the test server sends to. */
export const MAIL_SMTP_PORT = Number(process.env.IDEENMARKT_E2E_MAIL_SMTP_PORT ?? 18474);

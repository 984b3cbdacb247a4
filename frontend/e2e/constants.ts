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

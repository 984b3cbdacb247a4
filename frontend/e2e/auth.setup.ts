/** Logs the organiser in once and stores the session for the tests that need it. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { test as setup } from '@playwright/test';
import { AUTH_FILE } from './constants';
import { apiLogin } from './helpers';

setup('organiser session', async ({ request }) => {
  mkdirSync(dirname(AUTH_FILE), { recursive: true });
  await apiLogin(request);
  await request.storageState({ path: AUTH_FILE });
});

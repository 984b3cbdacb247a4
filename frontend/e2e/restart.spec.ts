/**
 * The server goes away in the middle of a vote and comes back: phones and
 * the projector reconnect by themselves (backoff, resubscribe, fresh
 * snapshots) and show the same counts, then keep counting. This test runs its
 * own server – the built binary on a free port with its own data directory –
 * because it stops and starts it (SIGTERM, then the same port and data again).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, request as apiRequest, test, type APIRequestContext, type Page } from '@playwright/test';
import { ADMIN } from './constants';
import { phonePage, voteSingle } from './live-helpers';

const binary = resolve(process.env.IDEENMARKT_BIN ?? join(import.meta.dirname, '..', '..', 'bin', 'ideenmarkt'));

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => done(port));
    });
  });
}

/** Starts `ideenmarkt serve` as playwright.config.ts does, and waits until it is ready. */
async function startServer(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(binary, ['serve'], {
    env: {
      ...process.env,
      IDEENMARKT_HTTP_ADDR: `127.0.0.1:${port}`,
      IDEENMARKT_DATA_DIR: dataDir,
      IDEENMARKT_ADMIN_EMAIL: ADMIN.email,
      IDEENMARKT_ADMIN_PASSWORD: ADMIN.password,
      IDEENMARKT_CONFIG: '',
      IDEENMARKT_DATABASE_URL: '',
      IDEENMARKT_MEILI_URL: '',
      IDEENMARKT_BASE_URL: '',
      IDEENMARKT_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`ideenmarkt exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return child;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`ideenmarkt did not become ready on port ${port}: ${stderr}`);
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timeout);
}

/** A state-changing call with the CSRF header and this server's Origin. */
async function write(api: APIRequestContext, origin: string, method: 'POST', path: string, data: unknown): Promise<unknown> {
  let token = (await api.storageState()).cookies.find((c) => c.name === 'ideenmarkt_csrf')?.value;
  if (!token) {
    await api.get('/api/v1/me');
    token = (await api.storageState()).cookies.find((c) => c.name === 'ideenmarkt_csrf')?.value;
  }
  const res = await api.fetch(path, { method, data, headers: { 'X-CSRF-Token': token ?? '', Origin: origin } });
  if (!res.ok()) throw new Error(`${method} ${path} → ${res.status()}: ${await res.text()}`);
  return res.json();
}

/** The connection indicator of a page (its data-state: connecting, open, reconnecting). */
const liveState = (p: Page) => p.locator('.live-status');

let server: ChildProcess | null = null;
let dataDir = '';

test.afterAll(async () => {
  if (server) await stopServer(server);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('phones and the projector reconnect after a server restart and show the same counts', async ({ browser }) => {
  test.setTimeout(120_000);
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  dataDir = mkdtempSync(join(tmpdir(), 'ideenmarkt-restart-'));
  server = await startServer(port, dataDir);

  // The organiser prepares a live conference with an open vote.
  const api = await apiRequest.newContext({ baseURL: origin });
  await write(api, origin, 'POST', '/api/v1/auth/login', { email: ADMIN.email, password: ADMIN.password });
  const slug = `neustart-${Date.now().toString(36)}`;
  await write(api, origin, 'POST', '/api/v1/conferences', {
    slug,
    title: 'Neustart mitten in der Abstimmung',
    description: '',
    startsAt: '2026-09-10T09:00:00+02:00',
    endsAt: '2026-09-10T17:00:00+02:00',
    venue: '',
    capacity: 0,
  });
  await write(api, origin, 'POST', `/api/v1/conferences/${slug}/phase`, { phase: 'ideas' });
  const conf = (await write(api, origin, 'POST', `/api/v1/conferences/${slug}/phase`, { phase: 'live' })) as { joinCode: string };
  const session = (await write(api, origin, 'POST', `/api/v1/conferences/${slug}/sessions`, {
    title: 'Plenum',
    room: '',
    description: '',
    startsAt: new Date(Date.now() - 600_000).toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    moderatorIds: [],
  })) as { id: number };
  const round = (await write(api, origin, 'POST', `/api/v1/sessions/${session.id}/rounds`, {
    title: 'Kantine oder Foodtruck?',
    method: 'single',
    ideaIds: [],
    topN: 0,
    topic: '',
    labels: ['Kantine', 'Foodtruck'],
    liveResults: true,
    anonymous: true,
    changeable: true,
    eligibility: 'joined',
  })) as { id: number; version: number };
  await write(api, origin, 'POST', `/api/v1/rounds/${round.id}/open`, { version: round.version });
  await api.dispose();

  // Three phones join; two vote before the restart.
  const phones: Page[] = [];
  for (const name of ['Fiona', 'Gero', 'Hanna']) phones.push(await phonePage(browser, { slug, code: conf.joinCode, name, baseURL: origin }));
  const [fiona, gero, hanna] = phones as [Page, Page, Page];
  await voteSingle(fiona, round.id, 'Kantine');
  await voteSingle(gero, round.id, 'Foodtruck');
  await hanna.goto(`/rounds/${round.id}`);
  const presenterContext = await browser.newContext({ baseURL: origin, viewport: { width: 1920, height: 1080 }, locale: 'de-DE' });
  const presenter = await presenterContext.newPage();
  await presenter.goto(`/present/sessions/${session.id}`);
  const all = [...phones, presenter];
  for (const p of all) {
    await expect(p.getByText('2 von 3 haben abgestimmt', { exact: true })).toBeVisible();
    await expect(liveState(p)).toHaveAttribute('data-state', 'open');
  }

  // The server stops: every page notices and says so.
  await stopServer(server);
  for (const p of all) {
    await expect(liveState(p)).toHaveAttribute('data-state', 'reconnecting', { timeout: 50_000 });
    await expect(liveState(p)).toHaveText('Verbindung unterbrochen – wird wiederhergestellt …');
  }
  // The counts stay on screen meanwhile.
  await expect(presenter.getByText('2 von 3 haben abgestimmt', { exact: true })).toBeVisible();

  // It comes back on the same port with the same data: the pages reconnect by themselves.
  server = await startServer(port, dataDir);
  for (const p of all) {
    await expect(liveState(p)).toHaveAttribute('data-state', 'open', { timeout: 20_000 });
    await expect(liveState(p)).toHaveText('Live verbunden');
    await expect(p.getByText('2 von 3 haben abgestimmt', { exact: true })).toBeVisible();
  }
  const bars = presenter.getByRole('list', { name: 'Kantine oder Foodtruck?' });
  await expect(bars.getByRole('listitem').filter({ hasText: 'Kantine' })).toContainText('1 Stimme');

  // And they keep counting: Hanna votes on the page she had open all along.
  await hanna.getByRole('radio', { name: 'Kantine', exact: true }).check();
  await hanna.getByRole('button', { name: 'Stimme abgeben' }).click();
  await expect(hanna.getByText('Ihre Stimme ist gezählt.')).toBeVisible();
  for (const p of all) await expect(p.getByText('3 von 3 haben abgestimmt', { exact: true })).toBeVisible();
  await expect(bars.getByRole('listitem').filter({ hasText: 'Kantine' })).toContainText('2 Stimmen');
  for (const p of all) await p.context().close();
});

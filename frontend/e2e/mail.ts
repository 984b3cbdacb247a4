/**
 * Reading the mails the server sent, from the mail catcher the e2e server is
 * started with (SMTP into the catcher, GET /messages?to=… lists them as
 * JSON). playwright.config.ts starts the catcher with the server.
 */
import { expect } from '@playwright/test';
import { MAIL_HTTP_PORT } from './constants';

export interface CaughtMail {
  to: string;
  subject: string;
  text: string;
}

/** The catcher's base address. */
export const MAIL_URL = (process.env.IDEENMARKT_E2E_MAIL_URL ?? `http://127.0.0.1:${MAIL_HTTP_PORT}`).replace(/\/$/, '');

/**
 * An address no earlier test (nor an earlier run against the same catcher,
 * which keeps its mails) has written to, so that counting its mails is safe.
 */
export function uniqueEmail(local: string): string {
  return `${local}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}@stadt.example`;
}

/** Every mail the catcher holds for `address`, as it lists them (oldest first). */
export async function latestMailTo(address: string): Promise<CaughtMail[]> {
  const res = await fetch(`${MAIL_URL}/messages?to=${encodeURIComponent(address)}`);
  if (!res.ok) throw new Error(`mail catcher: GET /messages → ${res.status}`);
  const body = (await res.json()) as CaughtMail[] | { items?: CaughtMail[] } | null;
  const list = Array.isArray(body) ? body : (body?.items ?? []);
  return list.map((m) => ({ to: String(m.to ?? ''), subject: String(m.subject ?? ''), text: String(m.text ?? '') }));
}

/**
 * Waits until `address` has received `count` mails (the outbox worker sends
 * within seconds) and returns the newest.
 */
export async function waitForMail(address: string, count: number, timeout = 20_000): Promise<CaughtMail> {
  let mails: CaughtMail[] = [];
  await expect
    .poll(
      async () => {
        mails = await latestMailTo(address);
        return mails.length;
      },
      { timeout, message: `mail number ${count} to ${address}` },
    )
    .toBeGreaterThanOrEqual(count);
  return mails[mails.length - 1]!;
}

/** The personal page's path (`/r/<token>`) from a mail's text. */
export function personalLinkIn(mail: CaughtMail): string {
  const m = /\/r\/([A-Za-z0-9_-]{20,})/.exec(mail.text);
  if (!m) throw new Error(`no personal link in the mail "${mail.subject}":\n${mail.text}`);
  return `/r/${m[1]}`;
}

/**
 * Personal invitations: the API calls, a client-side preview of the pasted
 * list, the CSV the organiser downloads with the links, and the per-line
 * errors of a rejected list.
 */

import { ApiError, api, conferenceApiPath, fieldMessage, itemsOf } from './api';
import type { Lang } from './i18n';

/** An invite as listed (links exist only in the answer that made them). */
export interface Invite {
  id: number;
  email: string;
  createdAt: string;
  usedAt?: string;
}

/** A newly made invite with its personal link, shown once. */
export interface IssuedInvite extends Invite {
  link: string;
  /** The address had an invite before; its old link no longer works. */
  reissued: boolean;
}

/** The largest list file read into the text box (a city's staff fits easily). */
export const INVITE_FILE_MAX_BYTES = 1_000_000;

/**
 * The addresses the server will find in `text`, for the "n addresses"
 * preview: separated by line breaks, commas, semicolons, tabs or blanks,
 * "Name <address>" taken as the address, a header line ("email") skipped,
 * duplicates dropped. Validation stays with the server.
 */
export function previewAddresses(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, n) => {
    for (const item of line.match(/[^\s,;<>"']+@[^\s,;<>"']+/g) ?? []) {
      const address = item.toLowerCase();
      if (n === 0 && /^(e-?mail|mail)$/i.test(address)) continue;
      if (!seen.has(address)) {
        seen.add(address);
        out.push(address);
      }
    }
  });
  return out;
}

/** One CSV cell: quoted when needed, and defused against spreadsheet formulas. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",;\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The CSV of issued invites for mail merges: a BOM so spreadsheet programs
 * read UTF-8, a header, one line per address with its personal link.
 */
export function invitesCsv(items: readonly Pick<IssuedInvite, 'email' | 'link' | 'reissued'>[]): string {
  const lines = ['email,link,reissued', ...items.map((i) => [csvCell(i.email), csvCell(i.link), i.reissued ? 'yes' : 'no'].join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export interface LineError {
  /** 1-based; 0 when the problem concerns the whole list. */
  line: number;
  message: string;
}

/** The per-line problems of a rejected list (or import), sorted by line, in `lang`. */
export function lineErrors(error: unknown, lang: Lang): LineError[] {
  if (!(error instanceof ApiError)) return [];
  return error.fields
    .map((f) => ({ line: f.line ?? 0, message: fieldMessage(f, lang) }))
    .sort((a, b) => a.line - b.line);
}

export const invitesApi = {
  create: async (slug: string, emails: string) =>
    itemsOf(await api.request<IssuedInvite[] | { items: IssuedInvite[] }>('POST', `${conferenceApiPath(slug)}/invites`, { emails })),
  list: async (slug: string) =>
    itemsOf(await api.request<Invite[] | { items: Invite[] }>('GET', `${conferenceApiPath(slug)}/invites`)),
};


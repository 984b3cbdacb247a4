/**
 * Ideas name their conference by id only, but pages link by slug. The views
 * that load a conference remember its id → slug here (sessionStorage, so a
 * reload of an idea page still finds it); for a cold start, e.g. an idea link
 * opened from a chat, the public conference list is searched.
 */

import { api } from './api';
import type { Conference } from './conference';
import type { Participant } from './idea';

const STORAGE_KEY = 'ideenmarkt.conferenceSlugs';
const memory = new Map<string, string>();

function stored(): Record<string, string> {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    const value: unknown = raw ? JSON.parse(raw) : {};
    return typeof value === 'object' && value !== null ? (value as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export function rememberConference(c: Pick<Conference, 'id' | 'slug'>): void {
  memory.set(String(c.id), c.slug);
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ ...stored(), [String(c.id)]: c.slug }));
  } catch {
    // Without storage the in-memory map serves this page load.
  }
}

/** The conference with this id, or null when this browser may not see it. */
export async function conferenceById(id: number | string): Promise<Conference | null> {
  const key = String(id);
  const slug = memory.get(key) ?? stored()[key];
  if (slug) {
    try {
      const c = await api.getConference(slug);
      if (String(c.id) === key) return c;
    } catch {
      // Renamed or gone: fall back to the search below.
    }
  }
  const pageSize = 100;
  for (let offset = 0; offset < 2000; offset += pageSize) {
    const page = await api.listConferences(offset, pageSize);
    const found = page.items.find((c) => String(c.id) === key);
    if (found) {
      rememberConference(found);
      return found;
    }
    if (offset + pageSize >= page.total) break;
  }
  return null;
}

/** A conference with this browser's participant in it (null when not joined); remembers its slug. */
export async function conferenceWithMembership(
  slug: string,
): Promise<{ conference: Conference; participant: Participant | null }> {
  const [conference, m] = await Promise.all([api.getConference(slug), api.membership(slug)]);
  rememberConference(conference);
  return { conference, participant: m.participant ?? null };
}

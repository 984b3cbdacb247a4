/** The organisers' view of a conference's participants: listing them and appointing moderators. */

import { api, conferenceApiPath, itemsOf } from './api';
import type { Participant } from './idea';

export type ConferenceRole = Participant['role'];

/** Moderators first, then by name (German collation), so the list is easy to scan. */
export function sortParticipants(list: readonly Participant[]): Participant[] {
  const collator = new Intl.Collator('de', { sensitivity: 'base' });
  return [...list].sort(
    (a, b) =>
      Number(b.role === 'moderator') - Number(a.role === 'moderator') ||
      collator.compare(a.displayName, b.displayName) ||
      a.id - b.id,
  );
}

export const participantsApi = {
  list: async (slug: string) =>
    itemsOf(await api.request<Participant[] | { items: Participant[] }>('GET', `${conferenceApiPath(slug)}/participants`)),
  setRole: async (slug: string, id: number, role: ConferenceRole) => {
    const res = await api.request<{ participant: Participant } | Participant>(
      'PATCH',
      `${conferenceApiPath(slug)}/participants/${encodeURIComponent(String(id))}`,
      { role },
    );
    return 'participant' in res ? res.participant : res;
  },
};

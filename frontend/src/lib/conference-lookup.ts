/** Loading a conference together with this browser's membership in it. */

import { api } from './api';
import type { Conference } from './conference';
import type { Participant } from './idea';

/** A conference with this browser's participant in it (null when not joined). */
export async function conferenceWithMembership(
  slug: string,
): Promise<{ conference: Conference; participant: Participant | null }> {
  const [conference, m] = await Promise.all([api.getConference(slug), api.membership(slug)]);
  return { conference, participant: m.participant ?? null };
}

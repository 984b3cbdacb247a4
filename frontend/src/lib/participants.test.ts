import { describe, expect, it } from 'vitest';
import type { Participant } from './idea';
import { sortParticipants } from './participants';

const p = (id: number, displayName: string, role: Participant['role'] = 'participant'): Participant => ({
  id,
  conferenceId: 1,
  displayName,
  department: '',
  role,
  createdAt: '2026-06-01T09:00:00+02:00',
});

describe('sortParticipants', () => {
  it('lists moderators first, then by name in German order, without changing the input', () => {
    const list = [p(1, 'Zoe'), p(2, 'Ärne'), p(3, 'Bea', 'moderator'), p(4, 'anna'), p(5, 'Anna')];
    expect(sortParticipants(list).map((x) => x.id)).toEqual([3, 4, 5, 2, 1]);
    expect(list[0]?.id).toBe(1);
  });
});

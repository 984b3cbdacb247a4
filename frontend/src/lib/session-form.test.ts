import { describe, expect, it } from 'vitest';
import { emptySessionForm, formFromSession, toAgendaInput } from './session-form';
import type { AgendaSession } from './voting';

const stored: AgendaSession = {
  id: 3,
  conferenceId: 1,
  title: 'Plenum am Vormittag',
  room: 'Großer Saal',
  description: 'Begrüßung und erste Abstimmung',
  startsAt: '2026-09-10T07:00:00Z',
  endsAt: '2026-09-10T08:30:00Z',
  moderatorIds: [7, 4],
  version: 2,
  createdAt: '2026-09-01T10:00:00Z',
  updatedAt: '2026-09-01T10:00:00Z',
};

describe('session form', () => {
  it('shows stored times as Berlin wall time', () => {
    expect(formFromSession(stored)).toEqual({
      title: 'Plenum am Vormittag',
      room: 'Großer Saal',
      description: 'Begrüßung und erste Abstimmung',
      startsAt: '2026-09-10T09:00',
      endsAt: '2026-09-10T10:30',
      moderatorIds: [7, 4],
    });
    expect(formFromSession({ ...stored, moderatorIds: null }).moderatorIds).toEqual([]);
  });

  it('starts a new session at the given time, for an hour', () => {
    const v = emptySessionForm('2026-09-10T09:00:00+02:00');
    expect([v.startsAt, v.endsAt]).toEqual(['2026-09-10T09:00', '2026-09-10T10:00']);
    expect(emptySessionForm().startsAt).toBe('');
  });

  it('sends trimmed text, times with offset, sorted distinct moderators and the version', () => {
    const v = { ...formFromSession(stored), title: '  Plenum  ', moderatorIds: [7, 4, 7] };
    expect(toAgendaInput(v, 2)).toEqual({
      title: 'Plenum',
      room: 'Großer Saal',
      description: 'Begrüßung und erste Abstimmung',
      startsAt: '2026-09-10T09:00:00+02:00',
      endsAt: '2026-09-10T10:30:00+02:00',
      moderatorIds: [4, 7],
      version: 2,
    });
  });

  it('leaves out times that are missing, so the server names the field', () => {
    const body = toAgendaInput({ ...emptySessionForm(), title: 'X', startsAt: '', endsAt: 'kaputt' });
    expect(body).not.toHaveProperty('startsAt');
    expect(body).not.toHaveProperty('endsAt');
    expect(body).not.toHaveProperty('version');
  });
});

import { describe, expect, it } from 'vitest';
import type { Participant } from './idea';
import {
  auditActionKey,
  auditCsvUrl,
  auditEntityKey,
  canModerate,
  normalizeQueue,
  pageWindow,
  parseTags,
  queueCounts,
} from './moderation';

const member = (role: Participant['role']): Participant => ({
  id: 1,
  conferenceId: 1,
  displayName: 'Mo',
  department: '',
  role,
  createdAt: '2026-06-01T09:00:00+02:00',
});

describe('canModerate', () => {
  it('allows organisers and appointed moderators', () => {
    expect(canModerate(null, true)).toBe(true);
    expect(canModerate(member('moderator'), false)).toBe(true);
    expect(canModerate(member('participant'), false)).toBe(false);
    expect(canModerate(null, false)).toBe(false);
  });
});

describe('parseTags', () => {
  it('splits at commas, semicolons and line breaks, trims and drops duplicates', () => {
    expect(parseTags(' Verkehr, Kita;verkehr\n\n  Grün  und   Umwelt ,')).toEqual(['Verkehr', 'Kita', 'Grün und Umwelt']);
  });

  it('gives no tags for empty text', () => {
    expect(parseTags('  , ; ')).toEqual([]);
  });
});

describe('queue', () => {
  it('fills lists a server leaves out and counts them', () => {
    const q = normalizeQueue({ ideas: null as never, reports: [] });
    expect(q).toEqual({ ideas: [], comments: [], reports: [] });
    expect(queueCounts(q).total).toBe(0);
    expect(normalizeQueue(null).comments).toEqual([]);
  });
});

describe('audit helpers', () => {
  it('knows the actions and entities, and nothing inherited', () => {
    expect(auditActionKey('hide')).toBe('audit.action.hide');
    expect(auditActionKey('role:moderator')).toBe('audit.action.roleModerator');
    expect(auditActionKey('undo_merge')).toBe('audit.action.undo_merge');
    expect(auditActionKey('something_new')).toBeNull();
    expect(auditActionKey('toString')).toBeNull();
    expect(auditEntityKey('comment')).toBe('audit.entity.comment');
    expect(auditEntityKey('constructor')).toBeNull();
  });

  it('describes the page window', () => {
    expect(pageWindow(0, 50, 120)).toEqual({ from: 1, to: 50, total: 120 });
    expect(pageWindow(100, 20, 120)).toEqual({ from: 101, to: 120, total: 120 });
    expect(pageWindow(0, 0, 0)).toEqual({ from: 0, to: 0, total: 0 });
  });

  it('links the CSV download with an encoded slug', () => {
    expect(auditCsvUrl('tag der ideen')).toBe('/api/v1/conferences/tag%20der%20ideen/audit?format=csv');
  });
});

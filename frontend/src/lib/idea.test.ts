import { describe, expect, it } from 'vitest';
import { acceptsIdeas, canJoin, ideasPath, joinPath, newIdeaPath } from './conference';
import {
  appendPage,
  charCount,
  filterFromQuery,
  filterToQuery,
  ideaEditPath,
  ideaListQuery,
  ideaPath,
  replaceIdea,
  toggledSupport,
  type Idea,
} from './idea';

function idea(id: number, extra: Partial<Idea> = {}): Idea {
  return {
    id,
    conferenceId: 1,
    conferenceSlug: 'tag',
    title: `Idee ${id}`,
    body: '',
    topic: '',
    department: '',
    authorName: 'A',
    anonymous: false,
    status: 'open',
    hidden: false,
    supportCount: 0,
    commentCount: 0,
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    mine: false,
    supported: false,
    canEdit: false,
    ...extra,
  };
}

describe('list query helpers', () => {
  it('reads the filter from the page URL, with the default order for unknown sorts', () => {
    expect(filterFromQuery(new URLSearchParams('topic=Personal&sort=supports'))).toEqual({
      topic: 'Personal',
      department: '',
      sort: 'supports',
    });
    expect(filterFromQuery(new URLSearchParams('sort=evil')).sort).toBe('newest');
  });

  it('writes only non-default values into the page URL', () => {
    expect(filterToQuery({ topic: '', department: '', sort: 'newest' })).toBe('');
    expect(filterToQuery({ topic: 'Grün & Blau', department: 'IT', sort: 'random' })).toBe(
      '?topic=Gr%C3%BCn+%26+Blau&department=IT&sort=random',
    );
  });

  it('builds the API query, with the seed only for the random order', () => {
    expect(ideaListQuery({ topic: '', department: '', sort: 'newest' }, 0, 20, 42)).toBe('?sort=newest&offset=0&limit=20');
    expect(ideaListQuery({ topic: 'A', department: 'B', sort: 'random' }, 20, 20, 42)).toBe(
      '?topic=A&department=B&sort=random&seed=42&offset=20&limit=20',
    );
  });
});

describe('list state helpers', () => {
  it('appends a page without duplicates', () => {
    expect(appendPage([idea(1), idea(2)], [idea(2), idea(3)]).map((i) => i.id)).toEqual([1, 2, 3]);
  });

  it('replaces an updated idea in place', () => {
    const out = replaceIdea([idea(1), idea(2)], idea(2, { supportCount: 5 }));
    expect(out.map((i) => i.supportCount)).toEqual([0, 5]);
  });

  it('toggles support optimistically, never below zero', () => {
    expect(toggledSupport({ supported: false, supportCount: 2 })).toEqual({ supported: true, supportCount: 3 });
    expect(toggledSupport({ supported: true, supportCount: 3 })).toEqual({ supported: false, supportCount: 2 });
    expect(toggledSupport({ supported: true, supportCount: 0 })).toEqual({ supported: false, supportCount: 0 });
  });

  it('counts code points like the server', () => {
    expect(charCount('Ärger 😀')).toBe(7);
  });
});

describe('paths and phase rules', () => {
  it('builds paths', () => {
    expect(ideasPath('tag der ideen')).toBe('/c/tag%20der%20ideen/ideas');
    expect(newIdeaPath('x')).toBe('/c/x/ideas/new');
    expect(joinPath('x')).toBe('/c/x/join');
    expect(joinPath('x', 'AB 12')).toBe('/c/x/join?code=AB%2012');
    expect(ideaPath(5)).toBe('/ideas/5');
    expect(ideaEditPath(5)).toBe('/ideas/5/edit');
  });

  it('knows when joining and submitting are possible', () => {
    expect(canJoin({ phase: 'draft' })).toBe(false);
    expect(canJoin({ phase: 'ideas' })).toBe(true);
    expect(canJoin({ phase: 'archived' })).toBe(false);
    expect(acceptsIdeas({ phase: 'ideas', lateIdeas: false })).toBe(true);
    expect(acceptsIdeas({ phase: 'live', lateIdeas: false })).toBe(false);
    expect(acceptsIdeas({ phase: 'live', lateIdeas: true })).toBe(true);
    expect(acceptsIdeas({ phase: 'closed', lateIdeas: true })).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { matchRoute, safeNext } from './routes';

describe('matchRoute', () => {
  const cases: Array<[string, ReturnType<typeof matchRoute>]> = [
    ['/', { name: 'list' }],
    ['', { name: 'list' }],
    ['/login', { name: 'login' }],
    ['/login/', { name: 'login' }],
    ['/conferences/new', { name: 'new' }],
    ['/search', { name: 'search' }],
    ['/search/', { name: 'search' }],
    ['/my-ideas', { name: 'myIdeas' }],
    ['/my-ideas/', { name: 'myIdeas' }],
    ['/my-ideas/5', { name: 'notFound' }],
    ['/c/tag-der-ideen/outcomes', { name: 'outcomes', slug: 'tag-der-ideen' }],
    ['/conferences/tag-der-ideen/outcomes/', { name: 'outcomes', slug: 'tag-der-ideen' }],
    ['/c/tag-der-ideen/outcomes/print', { name: 'notFound' }],
    ['/c/tag-der-ideen', { name: 'conference', slug: 'tag-der-ideen' }],
    ['/c/tag-der-ideen/', { name: 'conference', slug: 'tag-der-ideen' }],
    ['/c/tag-der-ideen/edit', { name: 'edit', slug: 'tag-der-ideen' }],
    ['/c/a%20b', { name: 'conference', slug: 'a b' }],
    ['/c/tag-der-ideen/join', { name: 'join', slug: 'tag-der-ideen' }],
    ['/c/tag-der-ideen/ideas', { name: 'ideas', slug: 'tag-der-ideen' }],
    ['/c/tag-der-ideen/ideas/', { name: 'ideas', slug: 'tag-der-ideen' }],
    ['/c/tag-der-ideen/ideas/new', { name: 'newIdea', slug: 'tag-der-ideen' }],
    ['/c/tag-der-ideen/ideas/5', { name: 'notFound' }],
    ['/c/tag-der-ideen/moderation', { name: 'moderation', slug: 'tag-der-ideen' }],
    ['/c/tag-der-ideen/audit', { name: 'audit', slug: 'tag-der-ideen' }],
    ['/c/tag-der-ideen/participants', { name: 'participants', slug: 'tag-der-ideen' }],
    ['/c/tag-der-ideen/import/', { name: 'import', slug: 'tag-der-ideen' }],
    ['/conferences/tag-der-ideen', { name: 'conference', slug: 'tag-der-ideen' }],
    ['/conferences/tag-der-ideen/join', { name: 'join', slug: 'tag-der-ideen' }],
    ['/conferences/tag-der-ideen/moderation', { name: 'moderation', slug: 'tag-der-ideen' }],
    ['/conferences/new/join', { name: 'join', slug: 'new' }],
    ['/c/tag-der-ideen/constructor', { name: 'notFound' }],
    ['/c/tag-der-ideen/Audit', { name: 'notFound' }],
    ['/ideas/42', { name: 'idea', id: 42 }],
    ['/ideas/42/edit', { name: 'editIdea', id: 42 }],
    ['/ideas/042', { name: 'notFound' }],
    ['/ideas/0', { name: 'notFound' }],
    ['/ideas/abc', { name: 'notFound' }],
    ['/ideas/99999999999999999', { name: 'notFound' }],
    ['/ideas', { name: 'notFound' }],
    ['/c/%E0%A4%A', { name: 'notFound' }],
    ['/c/', { name: 'notFound' }],
    ['/c/x/y', { name: 'notFound' }],
    ['/conferences', { name: 'notFound' }],
    ['/nope', { name: 'notFound' }],
    ['/c/tag-der-ideen/sessions', { name: 'agenda', slug: 'tag-der-ideen' }],
    ['/c/tag-der-ideen/sessions/', { name: 'agenda', slug: 'tag-der-ideen' }],
    ['/c/tag-der-ideen/sessions/new', { name: 'newSession', slug: 'tag-der-ideen' }],
    ['/conferences/tag-der-ideen/sessions', { name: 'agenda', slug: 'tag-der-ideen' }],
    ['/c/tag-der-ideen/sessions/3', { name: 'notFound' }],
    ['/sessions/3', { name: 'session', id: 3 }],
    ['/sessions/3/', { name: 'session', id: 3 }],
    ['/sessions/3/edit', { name: 'editSession', id: 3 }],
    ['/sessions/03', { name: 'notFound' }],
    ['/sessions/new', { name: 'notFound' }],
    ['/sessions', { name: 'notFound' }],
    ['/rounds/12', { name: 'round', id: 12 }],
    ['/rounds/12/edit', { name: 'notFound' }],
    ['/rounds/0', { name: 'notFound' }],
    ['/present/sessions/7', { name: 'present', id: 7 }],
    ['/present/sessions/x', { name: 'notFound' }],
    ['/present/rounds/7', { name: 'notFound' }],
    ['/present', { name: 'notFound' }],
    ['/c/tag-der-ideen/anmelden', { name: 'register', slug: 'tag-der-ideen' }],
    ['/c/tag-der-ideen/anmeldungen/', { name: 'registrations', slug: 'tag-der-ideen' }],
    ['/c/tag-der-ideen/einlass', { name: 'door', slug: 'tag-der-ideen' }],
    ['/conferences/tag-der-ideen/einlass', { name: 'door', slug: 'tag-der-ideen' }],
    ['/r/Zm9v_YmFy-YmF6', { name: 'registration', token: 'Zm9v_YmFy-YmF6' }],
    ['/r/Zm9vYmFy/', { name: 'registration', token: 'Zm9vYmFy' }],
    ['/r/', { name: 'notFound' }],
    ['/r/a%2Fb', { name: 'notFound' }],
    ['/r/abc/edit', { name: 'notFound' }],
  ];
  for (const [path, want] of cases) {
    it(`${JSON.stringify(path)} → ${want.name}`, () => {
      expect(matchRoute(path)).toEqual(want);
    });
  }
});

describe('safeNext', () => {
  it('keeps local paths', () => {
    expect(safeNext('/conferences/new')).toBe('/conferences/new');
    expect(safeNext('/c/x/edit?tab=1')).toBe('/c/x/edit?tab=1');
  });

  it('refuses anything that could leave the site', () => {
    for (const bad of [null, undefined, '', 'https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)']) {
      expect(safeNext(bad), String(bad)).toBe('/');
    }
  });
});

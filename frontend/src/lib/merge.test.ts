import { describe, expect, it } from 'vitest';
import { filterTargets, isMergeTarget, searchKey, suggestionsFor } from './merge';

const idea = (id: number, title: string, extra: { status?: string; mergedIntoId?: number } = {}) => ({
  id,
  title,
  status: extra.status ?? 'new',
  ...(extra.mergedIntoId ? { mergedIntoId: extra.mergedIntoId } : {}),
});

describe('searchKey', () => {
  it('ignores case, diacritics, ß and surplus blanks', () => {
    expect(searchKey('  Obstbäume   am GROẞEN Platz ')).toBe('obstbaume am grossen platz');
    expect(searchKey('Straße')).toBe(searchKey('strasse'));
  });
});

describe('merge targets', () => {
  const ideas = [
    idea(1, 'Obstbäume im Park'),
    idea(2, 'Mehr Radwege in der Innenstadt'),
    idea(3, 'Obstbaum-Patenschaften'),
    idea(4, 'Alte Idee', { status: 'merged', mergedIntoId: 2 }),
    idea(5, 'Obstwiese', { status: 'merged' }),
  ];

  it('never offers the source or merged ideas', () => {
    expect(isMergeTarget(ideas[0]!, 1)).toBe(false);
    expect(isMergeTarget(ideas[3]!, 1)).toBe(false);
    expect(isMergeTarget(ideas[4]!, 1)).toBe(false);
    expect(filterTargets(ideas, 1, '').map((i) => i.id)).toEqual([2, 3]);
  });

  it('matches every word of the query anywhere in the title', () => {
    expect(filterTargets(ideas, 99, 'obstbaum').map((i) => i.id)).toEqual([1, 3]);
    expect(filterTargets(ideas, 99, 'patenschaft').map((i) => i.id)).toEqual([3]);
    expect(filterTargets(ideas, 99, 'OBST').map((i) => i.id)).toEqual([1, 3]);
    expect(filterTargets(ideas, 99, 'innen radweg').map((i) => i.id)).toEqual([2]);
    expect(filterTargets(ideas, 99, 'obst rad')).toEqual([]);
  });

  it('drops the source and merged ideas from the duplicate hints', () => {
    const hints = [
      { id: 1, title: 'Obstbäume im Park', supportCount: 3 },
      { id: 3, title: 'Obstbaum-Patenschaften', supportCount: 1 },
      { id: 5, title: 'Obstwiese', supportCount: 0 },
    ];
    expect(suggestionsFor(hints, 1, new Set([5])).map((s) => s.id)).toEqual([3]);
  });
});

/**
 * Merging duplicate ideas and the duplicate hints: API calls and the pure
 * helpers that pick merge targets.
 */

import { api, conferenceApiPath, itemsOf, type RequestOptions } from './api';
import { isMerged, type Idea } from './idea';

export interface Merge {
  id: number;
  conferenceId: number;
  sourceId: number;
  targetId: number;
  previousStatus: string;
  movedSupports: number;
  /** Supports of people who already supported the target. */
  droppedSupports: number;
  movedComments: number;
  movedImported: number;
  actor: string;
  reason: string;
  createdAt: string;
  undoneAt?: string;
}

/** A duplicate hint. */
export interface SimilarIdea {
  id: number;
  title: string;
  supportCount: number;
}

/** The server hints from this many characters on. */
export const SIMILAR_MIN_LENGTH = 3;

/** Lower case, without diacritics and surplus blanks: "Bäume  " and "baume" compare equal. */
export function searchKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLocaleLowerCase('de')
    .replace(/ß/g, 'ss')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether an idea can be the target of merging `sourceId`: another idea that is not merged itself. */
export function isMergeTarget(idea: Pick<Idea, 'id' | 'status' | 'mergedIntoId'>, sourceId: number): boolean {
  return idea.id !== sourceId && !isMerged(idea);
}

/**
 * Merge targets whose title contains every word of `query` (in any order),
 * in the list's order; all targets for an empty query.
 */
export function filterTargets<T extends Pick<Idea, 'id' | 'title' | 'status' | 'mergedIntoId'>>(
  ideas: readonly T[],
  sourceId: number,
  query: string,
): T[] {
  const words = searchKey(query).split(' ').filter(Boolean);
  return ideas.filter((i) => {
    if (!isMergeTarget(i, sourceId)) return false;
    const title = searchKey(i.title);
    return words.every((w) => title.includes(w));
  });
}

/** Duplicate hints without the source itself (its own title is the best match). */
export function suggestionsFor(similar: readonly SimilarIdea[], sourceId: number, mergedIds: ReadonlySet<number>): SimilarIdea[] {
  return similar.filter((s) => s.id !== sourceId && !mergedIds.has(s.id));
}

const ideaPath = (id: number) => `/ideas/${encodeURIComponent(String(id))}`;

export const mergeApi = {
  merge: (sourceId: number, targetId: number, reason: string) =>
    api.request<Merge>('POST', `${ideaPath(sourceId)}/merge`, reason ? { targetId, reason } : { targetId }),
  /** The merge holding a merged idea (moderators); 404 when it is not merged. */
  active: (sourceId: number) => api.request<Merge>('GET', `${ideaPath(sourceId)}/merge`),
  undo: (mergeId: number, reason = '') =>
    api.request<Merge>('POST', `/merges/${encodeURIComponent(String(mergeId))}/undo`, reason ? { reason } : {}),
  similar: async (slug: string, title: string, options: RequestOptions = {}) =>
    itemsOf(
      await api.request<SimilarIdea[] | { items: SimilarIdea[] }>(
        'GET',
        `${conferenceApiPath(slug)}/ideas/similar?title=${encodeURIComponent(title)}`,
        undefined,
        options,
      ),
    ),
  /** Every idea of the conference (moderators also get hidden ones), newest first, in pages of 200. */
  allIdeas: async (slug: string, max = 2000): Promise<Idea[]> => {
    const out: Idea[] = [];
    for (let offset = 0; offset < max; offset += 200) {
      const page = await api.listIdeas(slug, { topic: '', department: '', sort: 'newest' }, offset, 200);
      out.push(...page.items);
      if (page.items.length === 0 || out.length >= page.total) break;
    }
    return out;
  },
};

/** Shapes of the idea market's JSON documents and pure helpers around them. */

import type { MessageKey } from './i18n';

export interface Participant {
  id: number;
  conferenceId: number;
  displayName: string;
  department: string;
  role: 'participant' | 'moderator';
  createdAt: string;
}

/** Body of POST /conferences/{slug}/join: the conference's code, or a personal invite token. */
export interface JoinInput {
  code?: string;
  invite?: string;
  displayName: string;
  department: string;
}

/** Whether the idea was merged into another one. */
export function isMerged(idea: Pick<Idea, 'status' | 'mergedIntoId'>): boolean {
  return idea.mergedIntoId != null || idea.status === 'merged';
}

export interface Idea {
  id: number;
  conferenceId: number;
  /** The conference's slug, for links back to it. */
  conferenceSlug: string;
  title: string;
  /** A small Markdown subset; render with markdown.ts, never as HTML. */
  body: string;
  topic: string;
  department: string;
  /** Empty for anonymous ideas. */
  authorName: string;
  anonymous: boolean;
  /** The follow-up status: "new", "in_review", …, "merged" (see followup.ts). */
  status: string;
  /** Why it was rejected (follow-up). */
  statusReason?: string;
  /** The organisers' official answer, a Markdown subset (follow-up). */
  officialAnswer?: string;
  /** Who takes care of it (follow-up). */
  responsibleUnit?: string;
  /** Percent done, 0–100 (follow-up). */
  progress?: number;
  hidden: boolean;
  hiddenReason?: string;
  mergedIntoId?: number;
  /** Only moderators may still comment. */
  commentsLocked?: boolean;
  /** Set by moderators. */
  tags?: string[];
  /** A moderator has looked at it (it left the moderation queue). */
  reviewed?: boolean;
  supportCount: number;
  commentCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  mine: boolean;
  supported: boolean;
  canEdit: boolean;
}

export interface IdeaPage {
  items: Idea[];
  total: number;
}

export interface IdeaCreate {
  title: string;
  body: string;
  topic: string;
  department: string;
  anonymous: boolean;
}

export type IdeaPatch = Partial<Omit<IdeaCreate, 'anonymous'>> & { version: number };

export interface SupportState {
  supported: boolean;
  supportCount: number;
}

export const ideaSorts = ['newest', 'supports', 'comments', 'random'] as const;
export type IdeaSort = (typeof ideaSorts)[number];
export const defaultSort: IdeaSort = 'newest';

export function isIdeaSort(value: unknown): value is IdeaSort {
  return typeof value === 'string' && (ideaSorts as readonly string[]).includes(value);
}

export function sortKey(sort: IdeaSort): MessageKey {
  return `ideas.sort.${sort}`;
}

/** The list's filter and order, as kept in the page URL. */
export interface IdeaFilter {
  topic: string;
  department: string;
  sort: IdeaSort;
}

/** Reads the filter from the page's query string; unknown sorts fall back to the default. */
export function filterFromQuery(query: URLSearchParams): IdeaFilter {
  const sort = query.get('sort');
  return {
    topic: query.get('topic') ?? '',
    department: query.get('department') ?? '',
    sort: isIdeaSort(sort) ? sort : defaultSort,
  };
}

/** The page's query string for a filter ("" or "?…"); defaults are left out to keep links short. */
export function filterToQuery(filter: IdeaFilter): string {
  const q = new URLSearchParams();
  if (filter.topic) q.set('topic', filter.topic);
  if (filter.department) q.set('department', filter.department);
  if (filter.sort !== defaultSort) q.set('sort', filter.sort);
  const text = q.toString();
  return text ? `?${text}` : '';
}

/**
 * The API query string for one page of the list. The seed goes along only
 * with the random order, where it keeps the order stable across pages.
 */
export function ideaListQuery(filter: IdeaFilter, offset: number, limit: number, seed?: number): string {
  const q = new URLSearchParams();
  if (filter.topic) q.set('topic', filter.topic);
  if (filter.department) q.set('department', filter.department);
  q.set('sort', filter.sort);
  if (filter.sort === 'random' && seed !== undefined) q.set('seed', String(seed));
  q.set('offset', String(offset));
  q.set('limit', String(limit));
  return `?${q.toString()}`;
}

/** Replaces the idea with the same id (after an edit or a support); others stay as they are. */
export function replaceIdea(items: readonly Idea[], updated: Idea): Idea[] {
  return items.map((i) => (i.id === updated.id ? updated : i));
}

/**
 * Appends a further page, skipping ideas already shown: a new idea arriving
 * between two pages shifts the offsets, and a card must not appear twice.
 */
export function appendPage(items: readonly Idea[], page: readonly Idea[]): Idea[] {
  const seen = new Set(items.map((i) => i.id));
  return [...items, ...page.filter((i) => !seen.has(i.id))];
}

/** The optimistic state after toggling support, before the server answers. */
export function toggledSupport(state: SupportState): SupportState {
  return state.supported
    ? { supported: false, supportCount: Math.max(0, state.supportCount - 1) }
    : { supported: true, supportCount: state.supportCount + 1 };
}

export function ideaPath(id: number | string): string {
  return `/ideas/${encodeURIComponent(String(id))}`;
}

export function ideaEditPath(id: number | string): string {
  return `${ideaPath(id)}/edit`;
}

/** Title limits as the server checks them (after trimming). */
export const TITLE_MIN = 3;
export const TITLE_MAX = 140;
export const BODY_MAX = 10_000;

/** Characters as the server counts them (code points, not UTF-16 units). */
export function charCount(text: string): number {
  return [...text].length;
}

/**
 * Search across conferences (GET /api/v1/search): the page's state and its
 * URL form, the API call, and the highlight fragments the server sends.
 *
 * The URL is the state: `/search?q=Radweg&topic=Umwelt&topic=Verkehr&sort=newest`,
 * a repeated parameter meaning "any of these" within a facet, so a search can
 * be shared as a link and restored by the back button. Pure functions only;
 * the view wires them to the DOM.
 */

import { api, type RequestOptions } from './api';
import type { Idea } from './idea';

/** Facets in the order the page shows them; the same names as query parameters. */
export const searchFacets = ['conference', 'year', 'topic', 'department', 'status', 'session'] as const;
export type SearchFacet = (typeof searchFacets)[number];

export const searchSorts = ['relevance', 'newest', 'supports', 'votes'] as const;
export type SearchSort = (typeof searchSorts)[number];

/** The server's bound on the search text, in characters. */
export const SEARCH_TEXT_MAX = 200;
export const SEARCH_PAGE_SIZE = 20;

export interface SearchState {
  q: string;
  /** '' lets the server choose: relevance with a text, newest without. */
  sort: SearchSort | '';
  filters: Record<SearchFacet, string[]>;
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface SearchConference {
  id: number;
  slug: string;
  title: string;
  year: number;
}

/** A conference an idea passed through, as a search hit may name it: an id, or an id with its title. */
export type LineageEntry = number | { id: number; slug?: string; title?: string; year?: number };

export interface SearchItem extends Idea {
  conferenceTitle: string;
  /** The conferences the idea passed through (carry-over), oldest first; the last is its current one. */
  lineage?: LineageEntry[];
  /** Field → fragments: escaped text with <mark> around matches (see highlightSegments). */
  highlights?: Record<string, string[]>;
}

export interface SearchPage {
  items: SearchItem[];
  total: number;
  facets: Partial<Record<SearchFacet, FacetCount[]>>;
  conferences: SearchConference[];
  /** The index was down and the database answered: no highlights, simpler matching. */
  degraded: boolean;
}

export function emptyFilters(): Record<SearchFacet, string[]> {
  return { conference: [], year: [], topic: [], department: [], status: [], session: [] };
}

export function isSearchSort(value: unknown): value is SearchSort {
  return typeof value === 'string' && (searchSorts as readonly string[]).includes(value);
}

/** Reads the state from a URL query; unknown parameters and values that cannot be valid are dropped. */
export function searchStateFromQuery(query: URLSearchParams): SearchState {
  const filters = emptyFilters();
  for (const facet of searchFacets) {
    const seen = new Set<string>();
    for (const raw of query.getAll(facet)) {
      const value = raw.trim();
      if (value === '' || seen.has(value)) continue;
      if ((facet === 'conference' || facet === 'year') && !/^[1-9]\d{0,15}$/.test(value)) continue;
      seen.add(value);
      filters[facet].push(value);
    }
  }
  const sort = query.get('sort') ?? '';
  return {
    q: [...(query.get('q') ?? '')].slice(0, SEARCH_TEXT_MAX).join(''),
    sort: isSearchSort(sort) ? sort : '',
    filters,
  };
}

/** The URL query of a state ("" or "?…"), with parameters in a fixed order so equal states give equal URLs. */
export function searchStateToQuery(state: SearchState): string {
  const params = new URLSearchParams();
  const q = state.q.trim();
  if (q) params.set('q', q);
  for (const facet of searchFacets) {
    for (const value of state.filters[facet]) params.append(facet, value);
  }
  if (state.sort) params.set('sort', state.sort);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The API path of one page of results. */
export function searchApiPath(state: SearchState, offset: number, limit: number = SEARCH_PAGE_SIZE): string {
  const query = searchStateToQuery(state);
  const paging = `offset=${offset}&limit=${limit}`;
  return `/search${query ? `${query}&` : '?'}${paging}`;
}

export function searchIdeas(state: SearchState, offset: number, options: RequestOptions = {}): Promise<SearchPage> {
  return api.request<SearchPage>('GET', searchApiPath(state, offset), undefined, options);
}

/** Whether any facet filter is set. */
export function hasFilters(state: SearchState): boolean {
  return searchFacets.some((f) => state.filters[f].length > 0);
}

/** The state with `value` ticked or unticked in `facet`. */
export function toggleFilter(state: SearchState, facet: SearchFacet, value: string, on: boolean): SearchState {
  const current = state.filters[facet].filter((v) => v !== value);
  return { ...state, filters: { ...state.filters, [facet]: on ? [...current, value] : current } };
}

export interface FacetOption {
  value: string;
  count: number;
  checked: boolean;
}

/**
 * The checkboxes of one facet: the server's counts, plus any ticked value
 * the server did not count (it matches nothing now), so that it can still
 * be unticked.
 */
export function facetOptions(page: Pick<SearchPage, 'facets'> | null, state: SearchState, facet: SearchFacet): FacetOption[] {
  const selected = state.filters[facet];
  const counted = page?.facets[facet] ?? [];
  const options = counted.map((c) => ({ value: c.value, count: c.count, checked: selected.includes(c.value) }));
  for (const value of selected) {
    if (!counted.some((c) => c.value === value)) options.push({ value, count: 0, checked: true });
  }
  return options;
}

/** Appends a further page, leaving out ideas already shown (the index may have moved meanwhile). */
export function appendSearchPage(items: readonly SearchItem[], page: readonly SearchItem[]): SearchItem[] {
  const seen = new Set(items.map((i) => i.id));
  return [...items, ...page.filter((i) => !seen.has(i.id))];
}

/** A run of highlight text, marked (a match) or not. */
export interface HighlightSegment {
  text: string;
  mark: boolean;
}

const namedEntities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]{2,6});/g, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      // Not NUL, not a surrogate, not beyond Unicode: those stay as written.
      if (code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)) return String.fromCodePoint(code);
      return whole;
    }
    return namedEntities[name] ?? whole;
  });
}

/**
 * Splits a server highlight into text runs. The server sends escaped text
 * with <mark>…</mark> around matches; this accepts exactly that and nothing
 * more: the two mark tags are the only markup recognised, any other "<…>"
 * stays literal text, entities are decoded to the characters they stand
 * for. The result is rendered as text nodes and <mark> elements, never as
 * HTML, so even a highlight that is not what the server promises cannot
 * inject markup.
 */
export function highlightSegments(html: string): HighlightSegment[] {
  const out: HighlightSegment[] = [];
  let mark = false;
  const push = (text: string) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && last.mark === mark) last.text += text;
    else out.push({ text, mark });
  };
  for (const part of html.split(/(<\/?mark>)/i)) {
    const tag = part.toLowerCase();
    if (tag === '<mark>') mark = true;
    else if (tag === '</mark>') mark = false;
    else push(decodeEntities(part));
  }
  return out;
}

/** The plain text of a highlight (for accessible names and tests). */
export function highlightText(html: string): string {
  return highlightSegments(html)
    .map((s) => s.text)
    .join('');
}

/**
 * The earlier conferences a hit was carried over from, as titles for
 * "aus 2025 übernommen", oldest first: the lineage without the idea's
 * current conference. Titles come from the entry itself, else from the
 * page's conference labels; an unknown one is named by `fallback(id)`.
 * Empty when the idea never moved (a lineage of one, or none).
 */
export function carriedFrom(
  item: Pick<SearchItem, 'conferenceId' | 'lineage'>,
  conferences: readonly Pick<SearchConference, 'id' | 'title'>[],
  fallback: (id: number) => string,
): string[] {
  const lineage = item.lineage ?? [];
  if (lineage.length < 2) return [];
  const seen = new Set<number>([item.conferenceId]);
  const out: string[] = [];
  for (const entry of lineage) {
    const id = typeof entry === 'number' ? entry : entry.id;
    if (seen.has(id)) continue;
    seen.add(id);
    const title = (typeof entry === 'object' && entry.title) || conferences.find((c) => c.id === id)?.title;
    out.push(title || fallback(id));
  }
  return out;
}

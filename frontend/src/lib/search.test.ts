import { describe, expect, it } from 'vitest';
import {
  appendSearchPage,
  carriedFrom,
  emptyFilters,
  facetOptions,
  hasFilters,
  highlightSegments,
  highlightText,
  searchApiPath,
  searchStateFromQuery,
  searchStateToQuery,
  toggleFilter,
  type SearchItem,
  type SearchState,
} from './search';

const state = (patch: Partial<SearchState> = {}): SearchState => ({ q: '', sort: '', filters: emptyFilters(), ...patch });

describe('search state ↔ URL', () => {
  it('round-trips text, repeated facets and sort', () => {
    const s = state({ q: 'Bäume & Radwege', sort: 'supports' });
    s.filters.topic = ['Umwelt', 'Verkehr'];
    s.filters.conference = ['3'];
    const query = searchStateToQuery(s);
    expect(query).toBe('?q=B%C3%A4ume+%26+Radwege&conference=3&topic=Umwelt&topic=Verkehr&sort=supports');
    expect(searchStateFromQuery(new URLSearchParams(query))).toEqual(s);
  });

  it('gives an empty query for the empty state and trims the text', () => {
    expect(searchStateToQuery(state())).toBe('');
    expect(searchStateToQuery(state({ q: '   ' }))).toBe('');
    expect(searchStateToQuery(state({ q: '  Rad  ' }))).toBe('?q=Rad');
  });

  it('drops what cannot be valid instead of sending it', () => {
    const s = searchStateFromQuery(
      new URLSearchParams('q=x&sort=title&conference=abc&conference=-1&conference=7&year=2026&year=20x6&topic=&topic=A&topic=A&foo=bar'),
    );
    expect(s).toEqual(state({ q: 'x', filters: { ...emptyFilters(), conference: ['7'], year: ['2026'], topic: ['A'] } }));
  });

  it('cuts an over-long text at the server bound, by characters', () => {
    const s = searchStateFromQuery(new URLSearchParams({ q: '🚲'.repeat(250) }));
    expect([...s.q]).toHaveLength(200);
  });

  it('equal states give equal URLs whatever the parameter order', () => {
    const a = searchStateFromQuery(new URLSearchParams('sort=newest&topic=A&q=x&year=2025'));
    const b = searchStateFromQuery(new URLSearchParams('year=2025&q=x&topic=A&sort=newest'));
    expect(searchStateToQuery(a)).toBe(searchStateToQuery(b));
  });

  it('builds the API path with paging', () => {
    expect(searchApiPath(state(), 0)).toBe('/search?offset=0&limit=20');
    expect(searchApiPath(state({ q: 'a b' }), 40, 10)).toBe('/search?q=a+b&offset=40&limit=10');
  });
});

describe('facets', () => {
  it('toggles a value without touching others', () => {
    let s = toggleFilter(state(), 'topic', 'Umwelt', true);
    s = toggleFilter(s, 'topic', 'Verkehr', true);
    s = toggleFilter(s, 'topic', 'Umwelt', true); // twice on stays once
    expect(s.filters.topic).toEqual(['Verkehr', 'Umwelt']);
    expect(hasFilters(s)).toBe(true);
    s = toggleFilter(toggleFilter(s, 'topic', 'Umwelt', false), 'topic', 'Verkehr', false);
    expect(hasFilters(s)).toBe(false);
  });

  it('lists counted values and keeps ticked ones the server did not count', () => {
    const s = toggleFilter(toggleFilter(state(), 'topic', 'Umwelt', true), 'topic', 'Alt', true);
    const page = { facets: { topic: [{ value: 'Umwelt', count: 3 }, { value: 'Verkehr', count: 1 }] } };
    expect(facetOptions(page, s, 'topic')).toEqual([
      { value: 'Umwelt', count: 3, checked: true },
      { value: 'Verkehr', count: 1, checked: false },
      { value: 'Alt', count: 0, checked: true },
    ]);
    expect(facetOptions(null, state(), 'session')).toEqual([]);
  });

  it('appends a page without repeating ideas', () => {
    const item = (id: number) => ({ id }) as SearchItem;
    expect(appendSearchPage([item(3), item(2)], [item(2), item(1)]).map((i) => i.id)).toEqual([3, 2, 1]);
  });
});

describe('highlightSegments', () => {
  it('splits marks from text and decodes the escaping', () => {
    expect(highlightSegments('<mark>Radweg</mark> &lt;b&gt;fett&lt;/b&gt; &amp; &#34;mehr&#34; &#39;x&#39;')).toEqual([
      { text: 'Radweg', mark: true },
      { text: ' <b>fett</b> & "mehr" \'x\'', mark: false },
    ]);
  });

  it('keeps any other tag as literal text, never as markup', () => {
    const segs = highlightSegments('<script>alert(1)</script><mark onclick="x">a</mark><img src=x onerror=alert(1)><MARK>b</MARK>');
    expect(segs).toEqual([
      // "</mark>" is one of the two recognised tags (here closing nothing); the rest is text.
      { text: '<script>alert(1)</script><mark onclick="x">a<img src=x onerror=alert(1)>', mark: false },
      { text: 'b', mark: true },
    ]);
  });

  it('does not double-decode and leaves invalid entities alone', () => {
    expect(highlightText('&amp;lt;script&amp;gt; &#0; &#xD800; &unknown; &#x1F6B2;')).toBe('&lt;script&gt; &#0; &#xD800; &unknown; 🚲');
  });

  it('survives unbalanced marks', () => {
    expect(highlightSegments('</mark>a<mark>b')).toEqual([
      { text: 'a', mark: false },
      { text: 'b', mark: true },
    ]);
    expect(highlightSegments('')).toEqual([]);
  });
});

describe('carriedFrom', () => {
  const conferences = [
    { id: 1, title: 'MAK 2025' },
    { id: 2, title: 'MAK 2026' },
  ];
  const fallback = (id: number) => `Konferenz ${id}`;

  it('is empty for ideas that never moved', () => {
    expect(carriedFrom({ conferenceId: 2 }, conferences, fallback)).toEqual([]);
    expect(carriedFrom({ conferenceId: 2, lineage: [2] }, conferences, fallback)).toEqual([]);
  });

  it('names the earlier conferences, oldest first, without the current one', () => {
    expect(carriedFrom({ conferenceId: 3, lineage: [1, 2, 3] }, conferences, fallback)).toEqual(['MAK 2025', 'MAK 2026']);
    expect(carriedFrom({ conferenceId: 3, lineage: [7, 3] }, conferences, fallback)).toEqual(['Konferenz 7']);
    expect(
      carriedFrom({ conferenceId: 3, lineage: [{ id: 7, title: 'Tag der Ideen 2024' }, { id: 3 }] }, conferences, fallback),
    ).toEqual(['Tag der Ideen 2024']);
  });
});

package backend

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Search across conferences. The index only ranks and counts: every hit is
// reloaded from the Store and checked again against what the actor may see,
// so an index that lags behind (an idea hidden a second ago, a conference
// moved back to draft) never shows more than the Store would. When there is
// no index or it is down, the Store answers instead (see
// app_search_fallback.go) and the page says it is degraded.

// SearchInput is a search request as the API receives it: raw strings, so
// that validation can name the parameter that is wrong.
type SearchInput struct {
	Text string
	// Filters maps a facet name (FacetConference, …) to the accepted values:
	// OR within a facet, AND across facets.
	Filters       map[string][]string
	Sort          string
	Offset, Limit int
}

// Bounds of a search request. The text bound keeps queries cheap for the
// engine (every word becomes a fuzzy term); the offset bound stops deep
// paging, which no person does and which costs the engine offset+limit hits.
const (
	MaxSearchTextLen      = 200
	MaxSearchFilterValues = 50
	MaxSearchFilterLen    = 200
	MaxSearchOffset       = 10000
	MaxSearchPageSize     = 100
)

// SearchFacets are the facets the search page filters and counts, in the
// order it shows them.
var SearchFacets = []string{FacetConference, FacetYear, FacetTopic, FacetDepartment, FacetStatus, FacetSession}

// SearchItem is one hit: the idea as the actor may see it, where it belongs
// and the matching fragments (escaped HTML with <mark>, see SearchHit).
type SearchItem struct {
	IdeaView
	ConferenceTitle string              `json:"conferenceTitle"`
	Highlights      map[string][]string `json:"highlights,omitempty"`
	// Lineage lists the conferences a carried-over idea passed through,
	// oldest first, ending with its current one; absent for other ideas.
	// Slug and title are empty for a conference the reader may not see.
	Lineage []LineageConference `json:"lineage,omitempty"`
}

// LineageConference is one conference of an idea's lineage.
type LineageConference struct {
	ID    int64  `json:"id"`
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// SearchConference labels a conference facet value (an id) for the UI.
type SearchConference struct {
	ID    int64  `json:"id"`
	Slug  string `json:"slug"`
	Title string `json:"title"`
	Year  int    `json:"year"`
	Phase Phase  `json:"phase"`
}

// SearchPage is one page of search results. Facets has an entry (maybe
// empty) for every name in SearchFacets; a facet's counts ignore that
// facet's own filter, so the page can offer the other values to OR with.
// Degraded means the search index was not available and the Store
// answered: no highlights, no session facet, plain substring matching.
type SearchPage struct {
	Items       []SearchItem            `json:"items"`
	Total       int                     `json:"total"`
	Facets      map[string][]FacetCount `json:"facets"`
	Conferences []SearchConference      `json:"conferences"`
	Degraded    bool                    `json:"degraded"`
}

// searchScope is what an actor may search: the visible conferences in the
// order of the conference list, and whether hidden ideas count.
type searchScope struct {
	actor         Actor
	conferences   []*Conference
	byID          map[int64]*Conference
	includeHidden bool
}

// SearchIdeas finds ideas across every conference the actor may see.
// (It is not called Search because App.Search is the index.) Hidden ideas
// are found by organisers only: moderators are moderators of one
// conference, and a cross-conference search is no place to work that out.
func (a *App) SearchIdeas(ctx context.Context, actor Actor, in SearchInput) (*SearchPage, error) {
	q, err := in.query()
	if err != nil {
		return nil, err
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	scope, err := a.searchScope(ctx, actor)
	if err != nil {
		return nil, err
	}
	q.IncludeHidden = scope.includeHidden
	for _, c := range scope.conferences {
		q.ConferenceIDs = append(q.ConferenceIDs, c.ID)
	}
	if a.Search != nil {
		page, err := a.searchIndex(ctx, scope, q)
		if ErrorCode(err) != EUNAVAILABLE {
			return page, err
		}
	}
	return a.searchStore(ctx, scope, q)
}

// query validates the input and turns it into an engine query (without the
// actor's scope). Sort "" is relevance with a text and newest without.
func (in SearchInput) query() (SearchQuery, error) {
	var v Validation
	q := SearchQuery{Text: strings.TrimSpace(in.Text), Filters: map[string][]string{}, Offset: in.Offset, Limit: in.Limit}
	if !utf8.ValidString(q.Text) {
		v.Add("q", "encoding", "Der Suchtext enthält ungültige Zeichen.", "The search text contains invalid characters.")
	} else if utf8.RuneCountInString(q.Text) > MaxSearchTextLen {
		v.Add("q", "too_long", "Der Suchtext darf höchstens "+strconv.Itoa(MaxSearchTextLen)+" Zeichen lang sein.",
			"The search text may be at most "+strconv.Itoa(MaxSearchTextLen)+" characters long.")
	}
	switch SearchSort(in.Sort) {
	case "":
		q.Sort = SearchRelevance
		if q.Text == "" {
			q.Sort = SearchNewest
		}
	case SearchRelevance, SearchSupports, SearchVotes, SearchNewest:
		q.Sort = SearchSort(in.Sort)
	default:
		v.Add("sort", "invalid", "Sortierung: relevance, supports, votes oder newest.", "Sort must be relevance, supports, votes or newest.")
	}
	if in.Offset < 0 || in.Offset > MaxSearchOffset {
		v.Add("offset", "range", "Der Versatz muss zwischen 0 und "+strconv.Itoa(MaxSearchOffset)+" liegen.",
			"The offset must be between 0 and "+strconv.Itoa(MaxSearchOffset)+".")
	}
	switch {
	case in.Limit < 0 || in.Limit > MaxSearchPageSize:
		v.Add("limit", "range", "Die Seitengröße muss zwischen 1 und "+strconv.Itoa(MaxSearchPageSize)+" liegen.",
			"The page size must be between 1 and "+strconv.Itoa(MaxSearchPageSize)+".")
	case in.Limit == 0:
		q.Limit = SearchDefaultLimit
	}
	for name := range in.Filters {
		if !slices.Contains(SearchFacets, name) {
			v.Add(name, "unknown", "Nach diesem Feld kann nicht gefiltert werden.", "This field cannot be filtered by.")
		}
	}
	for _, name := range SearchFacets {
		if values := cleanFilter(&v, name, in.Filters[name]); len(values) > 0 {
			q.Filters[name] = values
		}
	}
	return q, v.Err()
}

// cleanFilter trims a facet's values, drops empty and repeated ones and
// checks them: ids and years are whole numbers, text is bounded.
func cleanFilter(v *Validation, name string, values []string) []string {
	var out []string
	for _, s := range values {
		s = strings.TrimSpace(s)
		if s == "" || slices.Contains(out, s) {
			continue
		}
		if !utf8.ValidString(s) {
			v.Add(name, "encoding", "Der Filterwert enthält ungültige Zeichen.", "The filter value contains invalid characters.")
			return nil
		}
		if utf8.RuneCountInString(s) > MaxSearchFilterLen {
			v.Add(name, "too_long", "Ein Filterwert darf höchstens "+strconv.Itoa(MaxSearchFilterLen)+" Zeichen lang sein.",
				"A filter value may be at most "+strconv.Itoa(MaxSearchFilterLen)+" characters long.")
			return nil
		}
		switch name {
		case FacetConference:
			if n, err := strconv.ParseInt(s, 10, 64); err != nil || n <= 0 {
				v.Add(name, "type", "Konferenzen werden mit ihrer Nummer (einer positiven ganzen Zahl) gefiltert.",
					"Conferences are filtered by their id, a positive whole number.")
				return nil
			}
		case FacetYear:
			if n, err := strconv.Atoi(s); err != nil || n < 1 || n > 9999 {
				v.Add(name, "type", "Bitte ein Jahr als vierstellige Zahl angeben.", "Please give a year as a four-digit number.")
				return nil
			}
		}
		out = append(out, s)
	}
	if len(out) > MaxSearchFilterValues {
		v.Add(name, "too_many", "Höchstens "+strconv.Itoa(MaxSearchFilterValues)+" Werte je Filter.",
			"At most "+strconv.Itoa(MaxSearchFilterValues)+" values per filter.")
		return nil
	}
	return out
}

// searchScope lists the conferences the actor may see: every one but
// drafts, which only organisers see (as findVisibleConference decides).
func (a *App) searchScope(ctx context.Context, actor Actor) (*searchScope, error) {
	s := &searchScope{actor: actor, byID: map[int64]*Conference{}, includeHidden: actor.IsOrganizer()}
	all, err := a.conferences.all(ctx, a.Store)
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		if c.Phase == PhaseDraft && !actor.IsOrganizer() {
			continue
		}
		s.conferences = append(s.conferences, c)
		s.byID[c.ID] = c
	}
	return s, nil
}

// visible reports whether the actor may find idea i in a search.
func (s *searchScope) visible(i *Idea) bool {
	c := s.byID[i.ConferenceID]
	// Merged ideas live on in their target; like listings, search leaves
	// them out rather than showing the duplicate that was cleaned up.
	return c != nil && (!i.Hidden || s.includeHidden) && i.MergedIntoID == nil
}

// searchIndex runs q on the index and reloads the hits from the Store.
// Facets are counted disjunctively: the counts of a facet with a filter come
// from the same query without that filter, so that ticking "Umwelt" still
// shows how many ideas "Verkehr" would add. Those searches run alongside the
// main one, so that a filter costs the reader CPU time, not waiting time.
func (a *App) searchIndex(ctx context.Context, scope *searchScope, q SearchQuery) (*SearchPage, error) {
	main := q
	main.Facets = nil
	var filtered []string
	for _, f := range SearchFacets {
		if len(q.Filters[f]) == 0 {
			main.Facets = append(main.Facets, f)
		} else {
			filtered = append(filtered, f)
		}
	}
	facetResults := make([]*SearchResult, len(filtered))
	facetErrs := make([]error, len(filtered))
	var wg sync.WaitGroup
	for n, f := range filtered {
		fq := q
		fq.Filters = map[string][]string{}
		for k, vs := range q.Filters {
			if k != f {
				fq.Filters[k] = vs
			}
		}
		fq.Facets, fq.Offset, fq.Limit = []string{f}, 0, 1
		wg.Go(func() { facetResults[n], facetErrs[n] = a.Search.Search(ctx, fq) })
	}
	res, err := a.Search.Search(ctx, main)
	wg.Wait()
	for _, e := range facetErrs {
		if err == nil {
			err = e // the first error decides, as if they had run in turn
		}
	}
	if err != nil {
		return nil, err
	}
	facets := map[string][]FacetCount{}
	for _, f := range SearchFacets {
		facets[f] = res.Facets[f]
	}
	for n, f := range filtered {
		facets[f] = facetResults[n].Facets[f]
	}
	ids := make([]int64, len(res.Hits))
	for n, h := range res.Hits {
		ids[n] = h.ID
	}
	found, err := a.Store.FindIdeasByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	ideas := make([]*Idea, 0, len(res.Hits))
	marks := map[int64]map[string][]string{}
	for _, h := range res.Hits {
		i := found[h.ID]
		if i == nil {
			continue // deleted since it was indexed
		}
		if scope.visible(i) {
			ideas = append(ideas, i)
			marks[i.ID] = h.Highlights
		}
	}
	items, err := a.searchItems(ctx, scope, ideas, marks)
	if err != nil {
		return nil, err
	}
	return scope.page(items, res.Total, facets, q.Filters, false), nil
}

// searchItems turns ideas into items as the actor may see them, with the
// actor's standing looked up once per conference.
func (a *App) searchItems(ctx context.Context, scope *searchScope, ideas []*Idea, marks map[int64]map[string][]string) ([]SearchItem, error) {
	members := map[int64]Member{}
	byConf := map[int64][]*Idea{}
	for _, i := range ideas {
		byConf[i.ConferenceID] = append(byConf[i.ConferenceID], i)
	}
	supported := map[int64]bool{}
	for id, group := range byConf {
		m, err := a.member(ctx, scope.actor, scope.byID[id])
		if err != nil {
			return nil, err
		}
		members[id] = m
		s, err := a.supported(ctx, m, group)
		if err != nil {
			return nil, err
		}
		for k, v := range s {
			supported[k] = v
		}
	}
	lineage, err := a.searchLineage(ctx, scope, ideas)
	if err != nil {
		return nil, err
	}
	items := make([]SearchItem, len(ideas))
	for n, i := range ideas {
		c := scope.byID[i.ConferenceID]
		items[n] = SearchItem{IdeaView: viewIdea(members[c.ID], c, i, supported[i.ID]), ConferenceTitle: c.Title,
			Highlights: marks[i.ID], Lineage: lineage[i.ID]}
	}
	return items, nil
}

// searchLineage returns the lineage of the carried-over ideas among ideas,
// with one store query for the page.
func (a *App) searchLineage(ctx context.Context, scope *searchScope, ideas []*Idea) (map[int64][]LineageConference, error) {
	ids := make([]int64, len(ideas))
	current := map[int64]int64{}
	for n, i := range ideas {
		ids[n], current[i.ID] = i.ID, i.ConferenceID
	}
	stages, err := a.Store.ListStagesOfIdeas(ctx, ids)
	if err != nil || len(stages) == 0 {
		return nil, err
	}
	named := func(id int64) LineageConference {
		if c := scope.byID[id]; c != nil {
			return LineageConference{ID: id, Slug: c.Slug, Title: c.Title}
		}
		return LineageConference{ID: id}
	}
	out := map[int64][]LineageConference{}
	for _, st := range stages {
		out[st.IdeaID] = append(out[st.IdeaID], named(st.ConferenceID))
	}
	for id, l := range out {
		out[id] = append(l, named(current[id]))
	}
	return out, nil
}

// page assembles a result page: every facet present, and a label for every
// conference that a facet value or a filter names and the actor may see.
func (s *searchScope) page(items []SearchItem, total int, facets map[string][]FacetCount, filters map[string][]string, degraded bool) *SearchPage {
	p := &SearchPage{Items: items, Total: total, Facets: map[string][]FacetCount{}, Conferences: []SearchConference{}, Degraded: degraded}
	if p.Items == nil {
		p.Items = []SearchItem{}
	}
	for _, f := range SearchFacets {
		p.Facets[f] = facets[f]
		if p.Facets[f] == nil {
			p.Facets[f] = []FacetCount{}
		}
	}
	named := map[int64]bool{}
	for _, fc := range p.Facets[FacetConference] {
		if id, err := strconv.ParseInt(fc.Value, 10, 64); err == nil {
			named[id] = true
		}
	}
	for _, v := range filters[FacetConference] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			named[id] = true
		}
	}
	for _, c := range s.conferences {
		if named[c.ID] {
			p.Conferences = append(p.Conferences, SearchConference{ID: c.ID, Slug: c.Slug, Title: c.Title, Year: c.StartsAt.Year(), Phase: c.Phase})
		}
	}
	return p
}

package backend

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
)

// searchFallbackMaxIdeas bounds the ideas the Store fallback reads per
// request (the newest of each conference, in conference-list order). A city
// has a few thousand ideas over all its conferences; beyond the bound, the
// fallback searches the first ones only, which is acceptable while the
// index is down and keeps one request from reading an unbounded table.
const searchFallbackMaxIdeas = 5000

// searchStore answers a search from the Store, for when there is no index
// or it is down: all of the actor's ideas are read and matched in memory.
// A text matches when every word occurs in the title, body or follow-up
// answer (case ignored); ranking is by date (relevance and votes, which only
// the index knows, sort as newest). The session facet needs the rounds an idea was
// in, which only the index document carries: it is neither counted nor
// applied.
func (a *App) searchStore(ctx context.Context, scope *searchScope, q SearchQuery) (*SearchPage, error) {
	var all []*Idea
collect:
	for _, c := range scope.conferences {
		// Conference and year filters are applied below, not here: their
		// facets count the other conferences and years too.
		for offset := 0; ; offset += MaxPageSize {
			ideas, total, err := a.Store.FindIdeas(ctx, IdeaFilter{ConferenceID: c.ID, IncludeHidden: scope.includeHidden,
				Sort: SortNewest, Offset: offset, Limit: MaxPageSize})
			if err != nil {
				return nil, err
			}
			for _, i := range ideas {
				if scope.visible(i) && matchesText(i, q.Text) {
					all = append(all, i)
				}
			}
			if len(all) >= searchFallbackMaxIdeas {
				break collect
			}
			if len(ideas) == 0 || offset+len(ideas) >= total {
				break
			}
		}
	}

	// Count each facet over the ideas that pass every other filter, as the
	// index path does; then keep the ideas that pass them all.
	values := func(i *Idea) map[string]string {
		c := scope.byID[i.ConferenceID]
		return map[string]string{
			FacetConference: strconv.FormatInt(c.ID, 10), FacetYear: strconv.Itoa(c.StartsAt.Year()),
			FacetTopic: i.Topic, FacetDepartment: i.Department, FacetStatus: string(i.Status),
		}
	}
	counted := []string{FacetConference, FacetYear, FacetTopic, FacetDepartment, FacetStatus}
	counts := map[string]map[string]int{}
	var hits []*Idea
	for _, i := range all {
		vals := values(i)
		failed := []string{}
		for _, f := range counted {
			if !filterAccepts(q.Filters, f, vals[f]) {
				failed = append(failed, f)
			}
		}
		for _, f := range counted {
			if vals[f] == "" || len(failed) > 1 || (len(failed) == 1 && failed[0] != f) {
				continue
			}
			if counts[f] == nil {
				counts[f] = map[string]int{}
			}
			counts[f][vals[f]]++
		}
		if len(failed) == 0 {
			hits = append(hits, i)
		}
	}
	facets := map[string][]FacetCount{}
	for f, byValue := range counts {
		for v, n := range byValue {
			facets[f] = append(facets[f], FacetCount{Value: v, Count: n})
		}
		slices.SortFunc(facets[f], func(a, b FacetCount) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value)) })
		facets[f] = facets[f][:min(len(facets[f]), 100)]
	}

	slices.SortFunc(hits, func(x, y *Idea) int {
		if q.Sort == SearchSupports {
			if c := cmp.Compare(y.SupportCount, x.SupportCount); c != 0 {
				return c
			}
		}
		return cmp.Or(y.CreatedAt.Compare(x.CreatedAt), cmp.Compare(y.ID, x.ID))
	})
	pageIdeas := hits[min(q.Offset, len(hits)):min(q.Offset+q.Limit, len(hits))]
	items, err := a.searchItems(ctx, scope, pageIdeas, nil)
	if err != nil {
		return nil, err
	}
	return scope.page(items, len(hits), facets, q.Filters, true), nil
}

// filterAccepts reports whether value passes the filter of one facet; a
// facet without values accepts everything.
func filterAccepts(filters map[string][]string, facet, value string) bool {
	vs := filters[facet]
	return len(vs) == 0 || slices.Contains(vs, value)
}

// matchesText reports whether every word of text occurs in the idea's title,
// body, official answer or responsible unit, ignoring case.
func matchesText(i *Idea, text string) bool {
	words := strings.Fields(strings.ToLower(text))
	if len(words) == 0 {
		return true
	}
	hay := strings.ToLower(i.Title + "\n" + i.Body + "\n" + i.OfficialAnswer + "\n" + i.ResponsibleUnit)
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

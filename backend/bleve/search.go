package bleve

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/search/query"

	"ideenmarkt/backend"
)

// Search runs q. A text is searched word by word, every word required; if
// that finds nothing, any word will do, so that a sentence such as "Bäume
// auf dem Feld" still finds ideas about trees on the field.
func (ix *Index) Search(ctx context.Context, q backend.SearchQuery) (*backend.SearchResult, error) {
	offset, limit, err := pageOf(q)
	if err != nil {
		return nil, err
	}
	order, err := sortOrder(q.Sort)
	if err != nil {
		return nil, err
	}
	fields := facetFields()
	for _, f := range q.Facets {
		if _, ok := fields[f]; !ok {
			return nil, backend.Errorf(backend.EINVALID, "Unknown facet %q.", f)
		}
	}
	filter, err := filterQuery(q)
	if err != nil {
		return nil, err
	}
	idx, release, err := ix.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	if len(q.ConferenceIDs) == 0 {
		return emptyResult(q.Facets), nil
	}

	analyser := idx.Mapping().AnalyzerNamed(de.AnalyzerName)
	if analyser == nil {
		return nil, internal("find analyser", errors.New(de.AnalyzerName+" is not registered"))
	}
	terms := analyse(analyser, q.Text)
	run := func(text query.Query) (*bleve.SearchResult, error) {
		bq := query.NewBooleanQuery(nil, nil, nil)
		bq.AddMust(text)
		bq.AddFilter(filter)
		req := bleve.NewSearchRequestOptions(bq, limit, offset, false)
		req.SortByCustom(order)
		for _, f := range q.Facets {
			req.AddFacet(f, bleve.NewFacetRequest(fields[f], maxFacetValues))
		}
		if len(terms) > 0 {
			req.IncludeLocations = true
			req.Fields = highlightFields()
		}
		res, err := idx.SearchInContext(ctx, req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, canceled("search", err)
			}
			return nil, internal("search", err)
		}
		return res, nil
	}

	var res *bleve.SearchResult
	if len(terms) == 0 {
		res, err = run(query.NewMatchAllQuery())
	} else {
		res, err = run(textQuery(terms, true))
		if err == nil && res.Total == 0 && len(terms) > 1 {
			res, err = run(textQuery(terms, false))
		}
	}
	if err != nil {
		return nil, err
	}
	return toResult(res, q.Facets)
}

func emptyResult(facets []string) *backend.SearchResult {
	out := &backend.SearchResult{Hits: []backend.SearchHit{}, Facets: map[string][]backend.FacetCount{}}
	for _, f := range facets {
		out.Facets[f] = []backend.FacetCount{}
	}
	return out
}

func toResult(res *bleve.SearchResult, facets []string) (*backend.SearchResult, error) {
	out := emptyResult(facets)
	out.Total = int(res.Total)
	for _, h := range res.Hits {
		id, err := strconv.ParseInt(h.ID, 10, 64)
		if err != nil {
			return nil, internal("read hit id", err)
		}
		out.Hits = append(out.Hits, backend.SearchHit{ID: id, Highlights: highlights(h)})
	}
	for _, f := range facets {
		fr, ok := res.Facets[f]
		if !ok || fr.Terms == nil {
			continue
		}
		counts := make([]backend.FacetCount, 0, fr.Terms.Len())
		for _, t := range fr.Terms.Terms() {
			counts = append(counts, backend.FacetCount{Value: t.Term, Count: t.Count})
		}
		slices.SortFunc(counts, func(a, b backend.FacetCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
		})
		out.Facets[f] = counts
	}
	return out, nil
}

package bleve

import (
	"context"
	"errors"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/search"
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
	for _, f := range q.Facets {
		if !isFacet(f) {
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
	var facets *facetCounter
	run := func(text query.Query) (*bleve.SearchResult, error) {
		var match query.Query = filter
		if text != nil {
			bq := query.NewBooleanQuery(nil, nil, nil)
			bq.AddMust(text)
			bq.AddFilter(filter)
			match = bq
		}
		req := bleve.NewSearchRequestOptions(match, limit, offset, false)
		req.SortByCustom(order)
		if text == nil || q.Sort != "" && q.Sort != backend.SearchRelevance {
			// Sorted by a field, or no text to rank by: scores are not used,
			// and without them bleve merges the postings of the filter's
			// values, and of a word's variants, as bitmaps.
			req.Score = bleve.ScoreNone
		}
		facets = newFacetCounter(q.Facets)
		sctx := ctx
		if facets != nil {
			sctx = facets.context(ctx)
		}
		return ix.search(sctx, idx, req)
	}

	var res *bleve.SearchResult
	var words, marked []query.Query
	if len(terms) == 0 {
		res, err = run(nil) // every idea the filter lets through
	} else {
		if words, marked, err = ix.expand(idx, terms); err != nil {
			return nil, err
		}
		res, err = run(textQuery(words, true))
		if err == nil && res.Total == 0 && len(words) > 1 {
			res, err = run(textQuery(words, false))
		}
	}
	if err != nil {
		return nil, err
	}
	var marks map[string]map[string][]string
	if len(marked) > 0 && len(res.Hits) > 0 {
		// Any word: a hit of the all-words query has every word somewhere,
		// and these are the words it has in the highlighted fields.
		if marks, err = ix.highlightPage(ctx, idx, textQuery(marked, false), res.Hits); err != nil {
			return nil, err
		}
	}
	return toResult(res, q.Facets, facets, marks)
}

// highlightPage finds the matches of text (the words' queries on the
// highlighted fields) in the hits of one page and cuts their fragments. It
// is a second search, restricted to those documents, because term
// locations cost: asked for in the main search, bleve decodes them for
// every match of every variant of every word, though only a page of hits
// is shown.
func (ix *Index) highlightPage(ctx context.Context, idx bleve.Index, text query.Query, hits search.DocumentMatchCollection) (map[string]map[string][]string, error) {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	q := query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery(ids), text})
	req := bleve.NewSearchRequestOptions(q, len(ids), 0, false)
	req.IncludeLocations = true
	req.Fields = highlightFields()
	res, err := ix.search(ctx, idx, req)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string][]string, len(res.Hits))
	for _, h := range res.Hits {
		if m := highlights(h); m != nil {
			out[h.ID] = m
		}
	}
	return out, nil
}

// expand looks up the variants of every term (see termQuery) in the
// index as it is now.
func (ix *Index) expand(idx bleve.Index, terms []queryTerm) (words, marked []query.Query, err error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, nil, internal("open index reader", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, nil, internal("open index reader", err)
	}
	defer r.Close()
	words, marked = make([]query.Query, len(terms)), make([]query.Query, len(terms))
	for i, t := range terms {
		if words[i], marked[i], err = termQuery(r, t); err != nil {
			return nil, nil, internal("look up the variants of "+t.term, err)
		}
	}
	return words, marked, nil
}

func (ix *Index) search(ctx context.Context, idx bleve.Index, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, canceled("search", err)
		}
		return nil, internal("search", err)
	}
	return res, nil
}

func emptyResult(facets []string) *backend.SearchResult {
	out := &backend.SearchResult{Hits: []backend.SearchHit{}, Facets: map[string][]backend.FacetCount{}}
	for _, f := range facets {
		out.Facets[f] = []backend.FacetCount{}
	}
	return out
}

// toResult converts a bleve result; marks holds the highlights by document
// id.
func toResult(res *bleve.SearchResult, facets []string, counts *facetCounter, marks map[string]map[string][]string) (*backend.SearchResult, error) {
	out := emptyResult(facets)
	out.Total = int(res.Total)
	for _, h := range res.Hits {
		id, err := strconv.ParseInt(h.ID, 10, 64)
		if err != nil {
			return nil, internal("read hit id", err)
		}
		out.Hits = append(out.Hits, backend.SearchHit{ID: id, Highlights: marks[h.ID]})
	}
	counts.result(out.Facets)
	return out, nil
}

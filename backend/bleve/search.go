package bleve

import (
	"context"
	"errors"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"ideenmarkt/backend"
)

// Search runs q. A text is searched word by word, every word required; if
// that finds nothing, any word will do, so that a sentence such as "Bäume
// auf dem Feld" still finds ideas about trees on the field.
//
// bleve supplies the analysis, the term dictionaries (typo and word-start
// variants) and the postings; matching, scoring, filtering, facet counts
// and sorting are done here, on columns kept per segment (match.go,
// collect.go, columns.go), and bleve searches again only for the
// highlights of the page.
func (ix *Index) Search(ctx context.Context, q backend.SearchQuery) (*backend.SearchResult, error) {
	offset, limit, err := pageOf(q)
	if err != nil {
		return nil, err
	}
	if err := checkSort(q.Sort); err != nil {
		return nil, err
	}
	for _, f := range q.Facets {
		if !isFacet(f) {
			return nil, backend.Errorf(backend.EINVALID, "Unknown facet %q.", f)
		}
	}
	// Filters are checked before the index is needed, so that a bad query
	// is EINVALID even while the index is unavailable.
	if _, err := newCollector(q, nil, offset, limit); err != nil {
		return nil, err
	}
	idx, release, err := ix.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	if err := ctx.Err(); err != nil {
		return nil, canceled("search", err)
	}
	if len(q.ConferenceIDs) == 0 {
		return emptyResult(q.Facets), nil
	}

	analyser := idx.Mapping().AnalyzerNamed(de.AnalyzerName)
	if analyser == nil {
		return nil, internal("find analyser", errors.New(de.AnalyzerName+" is not registered"))
	}
	terms := analyse(analyser, q.Text)

	adv, err := idx.Advanced()
	if err != nil {
		return nil, internal("open index reader", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, internal("open index reader", err)
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, internal("open index reader", fmt.Errorf("unexpected reader %T", r))
	}
	segs, err := ix.segments(snap)
	if err != nil {
		return nil, internal("read segment columns", err)
	}
	c, err := newCollector(q, ix.terms.snapshot(), offset, limit)
	if err != nil {
		return nil, err
	}

	var marked []query.Query
	if len(terms) == 0 {
		for _, s := range segs {
			c.addSegment(s.cols, s.deleted)
		}
	} else {
		words := make([][]clause, len(terms))
		marked = make([]query.Query, len(terms))
		for i, t := range terms {
			if words[i], marked[i], err = termClauses(r, t); err != nil {
				return nil, internal("look up the variants of "+t.term, err)
			}
		}
		if err := matchWords(ctx, segs, words, c); err != nil {
			if ctx.Err() != nil {
				return nil, canceled("search", err)
			}
			return nil, internal("search", err)
		}
	}

	out := emptyResult(q.Facets)
	out.Total = c.total
	out.Facets = c.facetCounts(q.Facets, ix.terms.snapshot())
	ids := c.page(offset)
	var marks map[string]map[string][]string
	if len(marked) > 0 && len(ids) > 0 {
		// Any word: a hit of the all-words query has every word somewhere,
		// and these are the words it has in the highlighted fields.
		if marks, err = ix.highlightPage(ctx, idx, textQuery(marked, false), ids); err != nil {
			return nil, err
		}
	}
	for _, id := range ids {
		out.Hits = append(out.Hits, backend.SearchHit{ID: id, Highlights: marks[docID(id)]})
	}
	return out, nil
}

// segments returns the segments of snap with their columns.
func (ix *Index) segments(snap *scorch.IndexSnapshot) ([]segmentRef, error) {
	ss := snap.Segments()
	raw := make([]segment.Segment, len(ss))
	for i, s := range ss {
		raw[i] = s.Segment()
	}
	cols, err := ix.cols.get(raw, &ix.terms)
	if err != nil {
		return nil, err
	}
	out := make([]segmentRef, len(ss))
	for i, s := range ss {
		out[i] = segmentRef{seg: raw[i], deleted: s.Deleted(), cols: cols[i]}
	}
	return out, nil
}

// highlightPage finds the matches of text (the words' queries on the
// highlighted fields) in the hits of one page and cuts their fragments. It
// is a second search, restricted to those documents, because term
// locations cost: asked for in the main search, bleve decodes them for
// every match of every variant of every word, though only a page of hits
// is shown.
func (ix *Index) highlightPage(ctx context.Context, idx bleve.Index, text query.Query, hits []int64) (map[string]map[string][]string, error) {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = docID(h)
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

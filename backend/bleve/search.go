package bleve

import (
	"context"
	"errors"
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/index/scorch"
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

	var text *textMatch
	if len(terms) == 0 {
		for i, s := range segs {
			c.addSegment(i, s.cols, s.deleted)
		}
	} else {
		words := make([][]clause, len(terms))
		for i, t := range terms {
			if words[i], err = termClauses(segs, t); err != nil {
				return nil, internal("look up the variants of "+t.term, err)
			}
		}
		if text, err = newTextMatch(segs, words); err != nil {
			return nil, internal("look up postings", err)
		}
		if err := text.collect(ctx, c); err != nil {
			if ctx.Err() != nil {
				return nil, canceled("search", err)
			}
			return nil, internal("search", err)
		}
	}

	out := emptyResult(q.Facets)
	out.Total = c.total
	out.Facets = c.facetCounts(q.Facets, ix.terms.snapshot())
	hits := c.page(offset)
	var marks map[int64]map[string][]string
	if text != nil && len(hits) > 0 {
		if marks, err = text.highlights(hits); err != nil {
			return nil, internal("highlight", err)
		}
	}
	for _, h := range hits {
		out.Hits = append(out.Hits, backend.SearchHit{ID: h.id, Highlights: marks[h.id]})
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

func emptyResult(facets []string) *backend.SearchResult {
	out := &backend.SearchResult{Hits: []backend.SearchHit{}, Facets: map[string][]backend.FacetCount{}}
	for _, f := range facets {
		out.Facets[f] = []backend.FacetCount{}
	}
	return out
}

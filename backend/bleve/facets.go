package bleve

import (
	"bytes"
	"cmp"
	"context"
	"slices"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"

	"ideenmarkt/backend"
)

// facetCounter counts the facet values (fFacet terms) of every match of a
// search. It stands in for bleve's terms facets, which convert every value
// of every match to a new string before counting it; on 100,000 ideas with
// six facets that allocation was the larger part of a query's time. It
// hooks into bleve's collector as the handler that sees each match before
// the top-N heap does, and reads the values with its own doc value reader.
// (bleve stops collecting early only for score-less searches sorted by
// score alone, which Search never asks for, so every match is counted.)
type facetCounter struct {
	prefix []byte          // count only values of one facet; nil: all
	counts map[string]*int // fFacet term → matches
}

// newFacetCounter counts the values of facets (nil if none are asked for).
func newFacetCounter(facets []string) *facetCounter {
	if len(facets) == 0 {
		return nil
	}
	fc := &facetCounter{counts: map[string]*int{}}
	if len(facets) == 1 {
		fc.prefix = []byte(facetTerm(facets[0], ""))
	}
	return fc
}

// context returns ctx with the counter as the collector's match handler.
func (fc *facetCounter) context(ctx context.Context) context.Context {
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, search.MakeDocumentMatchHandler(fc.handler))
}

func (fc *facetCounter) handler(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
	next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
	if err != nil {
		return nil, false, err
	}
	dvr, err := sctx.IndexReader.DocValueReader([]string{fFacet})
	if err != nil {
		return nil, false, err
	}
	visit := func(_ string, term []byte) {
		if fc.prefix != nil && !bytes.HasPrefix(term, fc.prefix) {
			return
		}
		if n, ok := fc.counts[string(term)]; ok { // no allocation for a known value
			*n++
			return
		}
		n := 1
		fc.counts[string(term)] = &n
	}
	return func(d *search.DocumentMatch) error {
		if d != nil {
			if err := dvr.VisitDocValues(d.IndexInternalID, visit); err != nil {
				return err
			}
		}
		return next(d)
	}, loadID, nil
}

// result puts the counts of the facets asked for into out.Facets, each
// list sorted by count (most first), ties by value, and cut to
// maxFacetValues.
func (fc *facetCounter) result(out map[string][]backend.FacetCount) {
	if fc != nil {
		for term, n := range fc.counts {
			facet, value, ok := parseFacetTerm(term)
			if counts, want := out[facet]; ok && want {
				out[facet] = append(counts, backend.FacetCount{Value: value, Count: *n})
			}
		}
	}
	for f, counts := range out {
		slices.SortFunc(counts, func(a, b backend.FacetCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
		})
		out[f] = counts[:min(len(counts), maxFacetValues)]
	}
}

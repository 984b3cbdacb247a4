package bleve

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/blevesearch/vellum/levenshtein"

	"ideenmarkt/backend"
)

// maxTerms bounds the words of a query that are searched; the rest are
// ignored, so that a pasted page of text cannot build a huge query.
const maxTerms = 32

// maxFacetValues is the number of values per facet the contract promises.
const maxFacetValues = 100

// isFacet reports whether name is one of the contract's facets.
func isFacet(name string) bool {
	_, ok := facetCodes[name]
	return ok
}

// queryTerm is one analysed word of the query text with the typo tolerance
// its original word earns.
type queryTerm struct {
	term      string
	fuzziness int
}

// analyse turns the query text into terms with the same analyser as the
// indexed text: lowercase, German stop words removed, umlauts and ß folded,
// light stemming. Fuzziness follows the length of the word as typed (one
// typo from 5 letters, two from 9), except that a stem of fewer than four
// letters gets none: "Räder" → "rad" with one typo would also match "bad"
// and "rat".
func analyse(a analysis.Analyzer, text string) []queryTerm {
	var terms []queryTerm
	seen := map[string]bool{}
	for _, tok := range a.Analyze([]byte(text)) {
		term := string(tok.Term)
		if term == "" || seen[term] {
			continue
		}
		seen[term] = true
		typed := utf8.RuneCountInString(text[tok.Start:tok.End])
		f := 0
		switch {
		case utf8.RuneCountInString(term) < 4:
		case typed >= 9:
			f = 2
		case typed >= 5:
			f = 1
		}
		terms = append(terms, queryTerm{term: term, fuzziness: f})
		if len(terms) == maxTerms {
			break
		}
	}
	return terms
}

// termClauses lists the ways one query term matches, in any searched
// field: exactly (counts most), within its typo tolerance, or as the start
// of a longer word, which finds German compounds that begin with it
// ("Hund" → "Hundewiese"). Typos and word starts are looked for in the
// fields people write in (title, body, comments); the other fields match
// exact words only. The weights are those of bleve's fuzzy and prefix
// queries (a variant with typos weighted 1/(1+typos)) times the field's
// boost: an exact word 3, a variant 1, a word start 0.5.
//
// The variants are looked up in the term dictionaries of segs directly,
// with one typo automaton per term for all fields and segments (bleve's
// own lookup builds it again for every field).
func termClauses(segs []segmentRef, t queryTerm) ([]clause, error) {
	var typos segment.Automaton
	if t.fuzziness > 0 {
		var err error
		if typos, err = typoAutomaton(t.term, t.fuzziness); err != nil {
			return nil, err
		}
	}
	_, size := utf8.DecodeRuneInString(t.term)
	first := []byte(t.term[:size]) // typos must spare the first letter
	prefix := []byte(t.term)
	var clauses []clause
	for _, f := range textFields() {
		marked := slices.Contains(highlightFields(), f.name)
		clauses = append(clauses, clause{f.name, []byte(t.term), 3 * f.boost, marked})
		if !f.loose {
			continue
		}
		if typos != nil {
			variants, err := lookupVariants(segs, f.name, typos, first)
			if err != nil {
				return nil, err
			}
			for _, v := range variants {
				clauses = append(clauses, clause{f.name, []byte(v.term), f.boost * v.weight, marked})
			}
		}
		if utf8.RuneCountInString(t.term) >= 4 {
			variants, err := lookupVariants(segs, f.name, nil, prefix)
			if err != nil {
				return nil, err
			}
			for _, v := range variants {
				clauses = append(clauses, clause{f.name, []byte(v.term), 0.5 * f.boost, marked})
			}
		}
	}
	return clauses, nil
}

// variant is a word of the index that matches a query term, and its weight
// relative to the kind of match (1 for a word start; 1/(1+typos) within
// the typo tolerance).
type variant struct {
	term   string
	weight float64
}

// lookupVariants lists the words of field in any of segs that begin with
// prefix and, if a is not nil, that a accepts (weighted by their typos),
// in byte order.
func lookupVariants(segs []segmentRef, field string, a segment.Automaton, prefix []byte) ([]variant, error) {
	end := prefixEnd(prefix)
	typos := map[string]int{}
	for _, s := range segs {
		dict, err := s.dict(field)
		if err != nil {
			return nil, err
		}
		var it segment.DictionaryIterator
		if oc, ok := dict.(interface {
			AutomatonIteratorOmitCount(segment.Automaton, []byte, []byte) segment.DictionaryIterator
		}); ok {
			it = oc.AutomatonIteratorOmitCount(a, prefix, end)
		} else {
			it = dict.AutomatonIterator(a, prefix, end)
		}
		for {
			e, err := it.Next()
			if err != nil {
				return nil, err
			}
			if e == nil {
				break
			}
			if d, seen := typos[e.Term]; !seen || int(e.EditDistance) < d {
				typos[e.Term] = int(e.EditDistance)
			}
		}
	}
	out := make([]variant, 0, len(typos))
	for term, d := range typos {
		w := 1.0
		if a != nil {
			w = 1 / float64(d+1)
		}
		out = append(out, variant{term, w})
	}
	slices.SortFunc(out, func(x, y variant) int { return strings.Compare(x.term, y.term) })
	return out, nil
}

// prefixEnd is the first key after every key that begins with prefix (nil:
// none).
func prefixEnd(prefix []byte) []byte {
	end := slices.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}

// The typo automaton builders are expensive to make (two tables), cheap
// to use; they are made on first use.
var (
	levOnce sync.Once
	lev     [3]*levenshtein.LevenshteinAutomatonBuilder
	levErr  error
)

// typoAutomaton accepts the words within distance (1 or 2) typos of term.
func typoAutomaton(term string, distance int) (segment.Automaton, error) {
	levOnce.Do(func() {
		for d := 1; d <= 2 && levErr == nil; d++ {
			lev[d], levErr = levenshtein.NewLevenshteinAutomatonBuilder(uint8(d), true)
		}
	})
	if levErr != nil {
		return nil, levErr
	}
	if distance < 1 || distance > 2 {
		return nil, errors.New("typo distance must be 1 or 2")
	}
	return lev[distance].BuildDfa(term, uint8(distance))
}

// checkSort reports an unknown sort as EINVALID.
func checkSort(s backend.SearchSort) error {
	switch s {
	case "", backend.SearchRelevance, backend.SearchSupports, backend.SearchVotes, backend.SearchNewest:
		return nil
	}
	return backend.Errorf(backend.EINVALID, "Unknown sort %q.", s)
}

// pageOf validates offset and limit and applies the default limit.
func pageOf(q backend.SearchQuery) (offset, limit int, err error) {
	switch {
	case q.Offset < 0:
		return 0, 0, backend.Errorf(backend.EINVALID, "Offset must not be negative.")
	case q.Limit < 0 || q.Limit > backend.SearchMaxLimit:
		return 0, 0, backend.Errorf(backend.EINVALID, "Limit must be between 0 and %d.", backend.SearchMaxLimit)
	case q.Limit == 0:
		return q.Offset, backend.SearchDefaultLimit, nil
	}
	return q.Offset, q.Limit, nil
}

package bleve

import (
	"errors"
	"slices"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

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
// boost: an exact word 3, a variant 1, a word start 0.5. The variants are
// looked up in r's term dictionaries once per search.
//
// It also returns, for highlighting the page (a bleve search), the query
// of the clauses on the fields that are highlighted.
func termClauses(r index.IndexReader, t queryTerm) (clauses []clause, marks query.Query, err error) {
	var marked []query.Query
	for _, f := range textFields() {
		parts := []clause{{f.name, []byte(t.term), 3 * f.boost}}
		if f.loose && t.fuzziness > 0 {
			variants, err := fuzzyVariants(r, f.name, t)
			if err != nil {
				return nil, nil, err
			}
			for _, v := range variants {
				parts = append(parts, clause{f.name, []byte(v.term), f.boost * v.weight})
			}
		}
		if f.loose && utf8.RuneCountInString(t.term) >= 4 {
			variants, err := prefixVariants(r, f.name, t.term)
			if err != nil {
				return nil, nil, err
			}
			for _, v := range variants {
				parts = append(parts, clause{f.name, []byte(v.term), 0.5 * f.boost * v.weight})
			}
		}
		clauses = append(clauses, parts...)
		if slices.Contains(highlightFields(), f.name) {
			for _, p := range parts {
				marked = append(marked, keywordQuery(p.field, string(p.term)))
			}
		}
	}
	return clauses, query.NewDisjunctionQuery(marked), nil
}

// variant is a word of the index that matches a query term, and its weight
// relative to the kind of match (1 for a word start; 1/(1+typos) within
// the typo tolerance).
type variant struct {
	term   string
	weight float64
}

// fuzzyVariants lists the words of field within t's typo tolerance that
// share its first letter (typos there are rare, and the walk of the
// dictionary stays in that letter's part).
func fuzzyVariants(r index.IndexReader, field string, t queryTerm) ([]variant, error) {
	fr, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return nil, errors.New("the index reader cannot look up fuzzy terms")
	}
	_, size := utf8.DecodeRuneInString(t.term)
	dict, err := fr.FieldDictFuzzy(field, t.term, t.fuzziness, t.term[:size])
	if err != nil {
		return nil, err
	}
	defer dict.Close()
	var out []variant
	for {
		e, err := dict.Next()
		if err != nil || e == nil {
			return out, err
		}
		out = append(out, variant{e.Term, 1 / float64(e.EditDistance+1)})
	}
}

// prefixVariants lists the words of field that begin with term.
func prefixVariants(r index.IndexReader, field, term string) ([]variant, error) {
	dict, err := r.FieldDictPrefix(field, []byte(term))
	if err != nil {
		return nil, err
	}
	defer dict.Close()
	var out []variant
	for {
		e, err := dict.Next()
		if err != nil || e == nil {
			return out, err
		}
		out = append(out, variant{e.Term, 1})
	}
}

// textQuery requires every term (all=true) or any of them; words holds the
// termQuery of each term.
func textQuery(words []query.Query, all bool) query.Query {
	if all {
		return query.NewConjunctionQuery(words)
	}
	return query.NewDisjunctionQuery(words)
}

func keywordQuery(field, value string) query.Query {
	t := query.NewTermQuery(value)
	t.SetField(field)
	return t
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

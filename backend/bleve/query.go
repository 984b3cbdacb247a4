package bleve

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search"
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

// termQuery matches one query term in any searched field: exactly (counts
// most), within its typo tolerance, or as the start of a longer word, which
// finds German compounds that begin with it ("Hund" → "Hundewiese"). Typos
// and word starts are looked for in the fields people write in (title, body,
// comments); the other fields match exact words only.
//
// The query is what bleve's fuzzy and prefix queries would build (a
// disjunction of the variants' term queries, a typo-tolerant variant
// weighted 1/(1+typos), so scores are the same), but the variants are
// looked up in r's term dictionaries here, once per search: bleve's queries
// would walk the dictionaries again for the highlights of the page and for
// the any-word fallback.
//
// It returns the query and, for highlighting, its part on the fields that
// are highlighted.
func termQuery(r index.IndexReader, t queryTerm) (match, marks query.Query, err error) {
	var alts, marked []query.Query
	for _, f := range textFields() {
		parts := []query.Query{boosted(f.name, t.term, 3*f.boost)}
		if f.loose && t.fuzziness > 0 {
			variants, err := fuzzyVariants(r, f.name, t)
			if err != nil {
				return nil, nil, err
			}
			parts = append(parts, variantsQuery(f.name, t.term, variants, f.boost))
		}
		if f.loose && utf8.RuneCountInString(t.term) >= 4 {
			variants, err := prefixVariants(r, f.name, t.term)
			if err != nil {
				return nil, nil, err
			}
			parts = append(parts, variantsQuery(f.name, t.term, variants, 0.5*f.boost))
		}
		alts = append(alts, parts...)
		if slices.Contains(highlightFields(), f.name) {
			marked = append(marked, parts...)
		}
	}
	return query.NewDisjunctionQuery(alts), query.NewDisjunctionQuery(marked), nil
}

// variant is a word of the index that matches a query term, and its weight
// relative to the kind of match (1 for a word start; 1/(1+typos) within
// the typo tolerance).
type variant struct {
	term   string
	weight float64
}

// variantsQuery matches any of the variants, as bleve's fuzzy and prefix
// searchers do: the term itself if it is the only variant or there is none.
func variantsQuery(field, term string, variants []variant, boost float64) query.Query {
	if len(variants) == 0 || len(variants) == 1 && variants[0].term == term {
		return boosted(field, term, boost)
	}
	qs := make([]query.Query, len(variants))
	for i, v := range variants {
		qs[i] = boosted(field, v.term, boost*v.weight)
	}
	return query.NewDisjunctionQuery(qs)
}

func boosted(field, term string, boost float64) query.Query {
	q := query.NewTermQuery(term)
	q.SetField(field)
	q.SetBoost(boost)
	return q
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

// filterQuery restricts to the query's conferences, its filters (OR within
// a facet, AND across) and, unless asked otherwise, visible ideas. With a
// text it is used as a bleve filter clause, so it does not change scores (a
// term's rarity in a conference must not rank ideas); without one it is the
// whole query, run without scores.
func filterQuery(q backend.SearchQuery) (query.Query, error) {
	confs := make([]query.Query, 0, len(q.ConferenceIDs))
	for _, id := range q.ConferenceIDs {
		confs = append(confs, keywordQuery(fFacet, facetTerm(backend.FacetConference, strconv.FormatInt(id, 10))))
	}
	must := []query.Query{query.NewDisjunctionQuery(confs)}
	for facet, values := range q.Filters {
		if !isFacet(facet) {
			return nil, backend.Errorf(backend.EINVALID, "Unknown filter %q.", facet)
		}
		if len(values) == 0 {
			continue
		}
		alts := make([]query.Query, 0, len(values))
		for _, v := range values {
			if facet == backend.FacetConference || facet == backend.FacetYear {
				n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				if err != nil {
					return nil, backend.Errorf(backend.EINVALID, "Filter %s: %q is not a number.", facet, v)
				}
				v = strconv.FormatInt(n, 10)
			}
			alts = append(alts, keywordQuery(fFacet, facetTerm(facet, v)))
		}
		must = append(must, query.NewDisjunctionQuery(alts))
	}
	if !q.IncludeHidden {
		visible := query.NewBoolFieldQuery(false)
		visible.SetField(fHidden)
		must = append(must, visible)
	}
	return query.NewConjunctionQuery(must), nil
}

func keywordQuery(field, value string) query.Query {
	t := query.NewTermQuery(value)
	t.SetField(field)
	return t
}

// sortOrder returns the bleve order of a contract sort; ties by id desc.
// The field sorts' keys end in the id already (see sortable).
func sortOrder(s backend.SearchSort) (search.SortOrder, error) {
	desc := func(field string) *search.SortField {
		return &search.SortField{Field: field, Desc: true, Type: search.SortFieldAsString}
	}
	switch s {
	case "", backend.SearchRelevance:
		return search.SortOrder{&search.SortScore{Desc: true}, desc(fID)}, nil
	case backend.SearchSupports:
		return search.SortOrder{desc(fSupports)}, nil
	case backend.SearchVotes:
		return search.SortOrder{desc(fVotes)}, nil
	case backend.SearchNewest:
		return search.SortOrder{desc(fCreatedAt)}, nil
	}
	return nil, backend.Errorf(backend.EINVALID, "Unknown sort %q.", s)
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

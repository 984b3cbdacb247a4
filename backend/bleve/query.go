package bleve

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"ideenmarkt/backend"
)

// maxTerms bounds the words of a query that are searched; the rest are
// ignored, so that a pasted page of text cannot build a huge query.
const maxTerms = 32

// maxFacetValues is the number of values per facet the contract promises.
const maxFacetValues = 100

// facetFields maps the contract's facet names to keyword fields.
func facetFields() map[string]string {
	return map[string]string{
		backend.FacetConference: fConference, backend.FacetYear: fYear, backend.FacetTopic: fTopic,
		backend.FacetDepartment: fDepartment, backend.FacetStatus: fStatus, backend.FacetSession: fSession,
	}
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
// finds German compounds that begin with it ("Hund" → "Hundewiese").
func termQuery(t queryTerm) query.Query {
	var alts []query.Query
	for _, f := range textFields() {
		exact := query.NewTermQuery(t.term)
		exact.SetField(f.name)
		exact.SetBoost(3 * f.boost)
		alts = append(alts, exact)
		if t.fuzziness > 0 {
			fuzzy := query.NewFuzzyQuery(t.term)
			fuzzy.SetField(f.name)
			fuzzy.SetFuzziness(t.fuzziness)
			fuzzy.SetBoost(f.boost)
			alts = append(alts, fuzzy)
		}
		if utf8.RuneCountInString(t.term) >= 4 {
			prefix := query.NewPrefixQuery(t.term)
			prefix.SetField(f.name)
			prefix.SetBoost(0.5 * f.boost)
			alts = append(alts, prefix)
		}
	}
	return query.NewDisjunctionQuery(alts)
}

// textQuery requires every term (all=true) or any of them.
func textQuery(terms []queryTerm, all bool) query.Query {
	qs := make([]query.Query, len(terms))
	for i, t := range terms {
		qs[i] = termQuery(t)
	}
	if all {
		return query.NewConjunctionQuery(qs)
	}
	return query.NewDisjunctionQuery(qs)
}

// filterQuery restricts to the query's conferences, its filters (OR within
// a facet, AND across) and, unless asked otherwise, visible ideas. It is
// used as a bleve filter clause, so it does not change scores (a term's
// rarity in a conference must not rank ideas).
func filterQuery(q backend.SearchQuery) (query.Query, error) {
	confs := make([]query.Query, 0, len(q.ConferenceIDs))
	for _, id := range q.ConferenceIDs {
		confs = append(confs, keywordQuery(fConference, strconv.FormatInt(id, 10)))
	}
	must := []query.Query{query.NewDisjunctionQuery(confs)}
	fields := facetFields()
	for facet, values := range q.Filters {
		field, ok := fields[facet]
		if !ok {
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
			alts = append(alts, keywordQuery(field, v))
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
func sortOrder(s backend.SearchSort) (search.SortOrder, error) {
	byID := &search.SortField{Field: fID, Desc: true, Type: search.SortFieldAsString}
	switch s {
	case "", backend.SearchRelevance:
		return search.SortOrder{&search.SortScore{Desc: true}, byID}, nil
	case backend.SearchSupports:
		return search.SortOrder{&search.SortField{Field: fSupports, Desc: true, Type: search.SortFieldAsString}, byID}, nil
	case backend.SearchVotes:
		return search.SortOrder{&search.SortField{Field: fVotes, Desc: true, Type: search.SortFieldAsString}, byID}, nil
	case backend.SearchNewest:
		return search.SortOrder{&search.SortField{Field: fCreatedAt, Desc: true, Type: search.SortFieldAsString}, byID}, nil
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

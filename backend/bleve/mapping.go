package bleve

import (
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"ideenmarkt/backend"
)

// Field names in the bleve index. Text fields are analysed with bleve's
// German analyser; keyword fields hold values as they are.
const (
	fTitle          = "title"
	fBody           = "body"
	fComments       = "comments"
	fOfficialAnswer = "officialAnswer"
	fResults        = "results"
	fMeta           = "meta" // topic, department, unit, conference title, sessions: searchable, weakly
	// fFacet holds every facet value of an idea as a one-letter code of the
	// facet followed by the value (facetTerm), for filters and for
	// counting. One field rather than one per facet, because counting reads
	// the doc values of every match, and bleve's cost for that is mostly per
	// field and match, not per value.
	fFacet     = "facet"
	fHidden    = "hidden"
	fID        = "id"
	fSupports  = "supports"
	fVotes     = "votes"
	fCreatedAt = "createdAt"
)

// layout names the mapping of this file. An index made with another layout
// is dropped and rebuilt by Init (existed=false), like an index of another
// backend.SearchSchemaVersion; the Meilisearch index is not affected.
//
//	1 (no marker): a keyword field per facet, term vectors in every text field
//	2: one facet field; term vectors only in the highlighted fields
const layout = "2"

// facetCodes are the one-letter codes of the facets in fFacet terms. They
// are short because counting decompresses the doc values of every match.
var facetCodes = map[string]byte{
	backend.FacetConference: 'c', backend.FacetYear: 'y', backend.FacetTopic: 't',
	backend.FacetDepartment: 'd', backend.FacetStatus: 's', backend.FacetSession: 'x',
}

// facetTerm is the term of a facet value in fFacet; facet must be one of
// facetCodes.
func facetTerm(facet, value string) string { return string(facetCodes[facet]) + value }

// parseFacetTerm splits a term of fFacet into facet and value.
func parseFacetTerm(term string) (facet, value string, ok bool) {
	if term == "" {
		return "", "", false
	}
	for name, code := range facetCodes {
		if term[0] == code {
			return name, term[1:], true
		}
	}
	return "", "", false
}

// fieldBoost is an analysed field a query searches and its weight. Loose
// fields are also searched with typo tolerance and as word starts.
type fieldBoost struct {
	name  string
	boost float64
	loose bool
}

// textFields lists the searched fields: a word in the title counts most,
// then body and official answer, then round results, comments and metadata.
func textFields() []fieldBoost {
	return []fieldBoost{{fTitle, 4, true}, {fBody, 2, true}, {fOfficialAnswer, 1.5, false}, {fResults, 1, false},
		{fComments, 1, true}, {fMeta, 0.5, false}}
}

// highlightFields are stored so that fragments can be cut from them; they
// are the fields the contract names for SearchHit.Highlights.
func highlightFields() []string { return []string{fTitle, fBody, fComments} }

// newMapping describes the document of document.go. Nothing is mapped
// dynamically: a field that is not listed here is not indexed.
func newMapping() mapping.IndexMapping {
	text := func(highlighted bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = de.AnalyzerName
		f.Store = highlighted
		f.IncludeTermVectors = highlighted // locations, for highlights
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = true // facets and sorts
		return f
	}

	doc := mapping.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fTitle, text(true))
	doc.AddFieldMappingsAt(fBody, text(true))
	doc.AddFieldMappingsAt(fComments, text(true))
	doc.AddFieldMappingsAt(fOfficialAnswer, text(false))
	doc.AddFieldMappingsAt(fResults, text(false))
	doc.AddFieldMappingsAt(fMeta, text(false))
	for _, name := range []string{fFacet, fID, fSupports, fVotes, fCreatedAt} {
		doc.AddFieldMappingsAt(name, kw())
	}
	hidden := mapping.NewBooleanFieldMapping()
	hidden.Store = false
	hidden.IncludeInAll = false
	hidden.DocValues = false
	doc.AddFieldMappingsAt(fHidden, hidden)

	m := mapping.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = de.AnalyzerName
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	m.ScoringModel = index.BM25Scoring
	return m
}

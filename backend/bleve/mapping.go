package bleve

import (
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// Field names in the bleve index. Text fields are analysed with bleve's
// German analyser; keyword fields hold facet values as they are.
const (
	fTitle          = "title"
	fBody           = "body"
	fComments       = "comments"
	fOfficialAnswer = "officialAnswer"
	fResults        = "results"
	fMeta           = "meta" // topic, department, unit, conference title, sessions: searchable, weakly
	fConference     = "conference"
	fYear           = "year"
	fTopic          = "topic"
	fDepartment     = "department"
	fStatus         = "status"
	fSession        = "session"
	fHidden         = "hidden"
	fID             = "id"
	fSupports       = "supports"
	fVotes          = "votes"
	fCreatedAt      = "createdAt"
)

// fieldBoost is an analysed field a query searches and its weight.
type fieldBoost struct {
	name  string
	boost float64
}

// textFields lists the searched fields: a word in the title counts most,
// then body and official answer, then round results, comments and metadata.
func textFields() []fieldBoost {
	return []fieldBoost{{fTitle, 4}, {fBody, 2}, {fOfficialAnswer, 1.5}, {fResults, 1}, {fComments, 1}, {fMeta, 0.5}}
}

// highlightFields are stored so that fragments can be cut from them; they
// are the fields the contract names for SearchHit.Highlights.
func highlightFields() []string { return []string{fTitle, fBody, fComments} }

// newMapping describes the document of document.go. Nothing is mapped
// dynamically: a field that is not listed here is not indexed.
func newMapping() mapping.IndexMapping {
	text := func(store bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = de.AnalyzerName
		f.Store = store
		f.IncludeTermVectors = true // locations, for highlights
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
		f.DocValues = true // facets
		return f
	}

	doc := mapping.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fTitle, text(true))
	doc.AddFieldMappingsAt(fBody, text(true))
	doc.AddFieldMappingsAt(fComments, text(true))
	doc.AddFieldMappingsAt(fOfficialAnswer, text(false))
	doc.AddFieldMappingsAt(fResults, text(false))
	doc.AddFieldMappingsAt(fMeta, text(false))
	for _, name := range []string{fConference, fYear, fTopic, fDepartment, fStatus, fSession, fID, fSupports, fVotes, fCreatedAt} {
		doc.AddFieldMappingsAt(name, kw())
	}
	hidden := mapping.NewBooleanFieldMapping()
	hidden.Store = false
	hidden.IncludeInAll = false
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

package bleve

import (
	"fmt"
	"slices"
	"strconv"

	"ideenmarkt/backend"
)

// ideaDoc returns a backend.SearchDocument as the mapping of mapping.go
// sees it. It is a map rather than a struct because bleve indexes an empty
// string as a term, so an idea without a topic would count under the topic
// ""; empty values are left out instead. Facet values are strings, as the
// contract's facet values are.
func ideaDoc(d backend.SearchDocument) map[string]any {
	facets := []string{facetTerm(backend.FacetConference, strconv.FormatInt(d.ConferenceID, 10))}
	facet := func(name, value string) {
		if value != "" {
			facets = append(facets, facetTerm(name, value))
		}
	}
	if d.Year != 0 {
		facet(backend.FacetYear, strconv.Itoa(d.Year))
	}
	facet(backend.FacetTopic, d.Topic)
	facet(backend.FacetDepartment, d.Department)
	facet(backend.FacetStatus, d.Status)
	for i, s := range d.Sessions {
		if !slices.Contains(d.Sessions[:i], s) {
			facet(backend.FacetSession, s)
		}
	}
	doc := map[string]any{
		fFacet:     facets,
		fHidden:    d.Hidden,
		fID:        sortable(d.ID),
		fSupports:  sortable(int64(d.Supports)) + sortable(d.ID),
		fVotes:     sortable(int64(d.Votes)) + sortable(d.ID),
		fCreatedAt: sortable(d.CreatedAt.UnixMicro()) + sortable(d.ID),
	}
	set := func(field, value string) {
		if value != "" {
			doc[field] = value
		}
	}
	setAll := func(field string, values []string) {
		if v := nonEmpty(values); len(v) > 0 {
			doc[field] = v
		}
	}
	set(fTitle, d.Title)
	set(fBody, d.Body)
	set(fOfficialAnswer, d.OfficialAnswer)
	set(fResults, d.Results)
	// Empty comments are dropped before indexing, so the array positions
	// bleve reports for matches are positions in the stored list.
	setAll(fComments, d.Comments)
	setAll(fMeta, append([]string{d.Topic, d.Department, d.ResponsibleUnit, d.ConferenceTitle}, d.Sessions...))
	return doc
}

// docID is the bleve document id of an idea.
func docID(id int64) string { return strconv.FormatInt(id, 10) }

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// sortable encodes n as a keyword whose byte order is numeric order: the
// sign bit flipped, then 16 hex digits. The keys of the field sorts are the
// value followed by the id, so that one key orders by both (ties by id) and
// a sorted search reads one doc value per match instead of two. Sort
// fields are keywords rather than bleve numeric fields because a numeric field keeps 16 prefix-coded
// terms per value in its doc values, which a sorted search reads for every
// match; with one term, the CPU time of the benchmark's query mix on
// 100,000 ideas fell by about a third.
func sortable(n int64) string {
	return fmt.Sprintf("%016x", uint64(n)^(1<<63))
}

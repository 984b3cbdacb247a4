package bleve

import (
	"fmt"
	"strconv"

	"ideenmarkt/backend"
)

// ideaDoc returns a backend.SearchDocument as the mapping of mapping.go
// sees it. It is a map rather than a struct because bleve indexes an empty
// string as a term, so an idea without a topic would count under the topic
// ""; empty values are left out instead. Facet values are strings, as the
// contract's facet values are.
func ideaDoc(d backend.SearchDocument) map[string]any {
	doc := map[string]any{
		fConference: strconv.FormatInt(d.ConferenceID, 10),
		fHidden:     d.Hidden,
		fID:         sortable(d.ID),
		fSupports:   sortable(int64(d.Supports)),
		fVotes:      sortable(int64(d.Votes)),
		fCreatedAt:  sortable(d.CreatedAt.UnixMicro()),
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
	set(fTopic, d.Topic)
	set(fDepartment, d.Department)
	set(fStatus, d.Status)
	if d.Year != 0 {
		set(fYear, strconv.Itoa(d.Year))
	}
	// Empty comments are dropped before indexing, so the array positions
	// bleve reports for matches are positions in the stored list.
	setAll(fComments, d.Comments)
	setAll(fSession, d.Sessions)
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
// sign bit flipped, then 16 hex digits. Sort fields are keywords rather
// than bleve numeric fields because a numeric field keeps 16 prefix-coded
// terms per value in its doc values, which a sorted search reads for every
// match; with one term, the CPU time of the benchmark's query mix on
// 100,000 ideas fell by about a third.
func sortable(n int64) string {
	return fmt.Sprintf("%016x", uint64(n)^(1<<63))
}

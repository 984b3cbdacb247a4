package searchtest

import (
	"fmt"
	"testing"

	"ideenmarkt/backend"
)

// testFacets: counts are over all matches (not the page), sorted by count
// then value, and a requested facet without values is an empty list.
func (s *suite) testFacets(t *testing.T) {
	ix := s.fixtureIndex(t)
	all := []string{backend.FacetConference, backend.FacetYear, backend.FacetTopic,
		backend.FacetDepartment, backend.FacetStatus, backend.FacetSession}
	type counts = map[string]string
	cases := []struct {
		name string
		q    backend.SearchQuery
		want counts // facet → "value:count, …" in order
	}{
		{"AllOfConfA", backend.SearchQuery{ConferenceIDs: []int64{confA}, Facets: all, Limit: 1}, counts{
			backend.FacetConference: "1:5",
			backend.FacetYear:       "2024:5",
			backend.FacetTopic:      fmt.Sprintf("Verkehr:2, Digitalisierung:1, %s:1, Umwelt:1", kulturTopic),
			backend.FacetDepartment: "Bürgeramt:1, Grünflächenamt:1, Kulturamt:1, Ordnungsamt:1, Tiefbauamt:1",
			backend.FacetStatus:     "open:3, accepted:1, rejected:1",
			backend.FacetSession:    "Klima:2, Mobilität:2, Kultur & Freizeit:1",
		}},
		{"WithHidden", backend.SearchQuery{ConferenceIDs: []int64{confA}, IncludeHidden: true,
			Facets: []string{backend.FacetTopic, backend.FacetStatus}, Limit: 2}, counts{
			backend.FacetTopic:  fmt.Sprintf("Umwelt:2, Verkehr:2, Digitalisierung:1, %s:1", kulturTopic),
			backend.FacetStatus: "open:4, accepted:1, rejected:1",
		}},
		{"TextAcrossConferences", backend.SearchQuery{Text: "Radweg", ConferenceIDs: allConfs(),
			Facets: []string{backend.FacetConference, backend.FacetTopic}, Limit: 1}, counts{
			backend.FacetConference: "1:2, 2:1",
			backend.FacetTopic:      fmt.Sprintf("Verkehr:2, %s:1", kulturTopic),
		}},
		{"FilteredCountsAreOfMatches", backend.SearchQuery{ConferenceIDs: allConfs(),
			Filters: map[string][]string{backend.FacetTopic: {"Umwelt"}},
			Facets:  []string{backend.FacetTopic, backend.FacetYear}, Limit: 1}, counts{
			backend.FacetTopic: "Umwelt:2",
			backend.FacetYear:  "2023:1, 2024:1",
		}},
		{"NoMatches", backend.SearchQuery{Text: "Zyxwvutsrq", ConferenceIDs: allConfs(),
			Facets: []string{backend.FacetTopic}}, counts{backend.FacetTopic: ""}},
	}
	t.Run("EmptyValuesAreNoFacetValue", s.testFacetsOfEmptyValues)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := MustSearch(t, ix, c.q)
			if len(res.Hits) > max(c.q.Limit, 0) && c.q.Limit > 0 {
				t.Errorf("%d hits for Limit %d", len(res.Hits), c.q.Limit)
			}
			for facet, want := range c.want {
				fc, ok := res.Facets[facet]
				if !ok {
					t.Errorf("facet %q missing from %v", facet, res.Facets)
					continue
				}
				if fc == nil {
					t.Errorf("facet %q is nil, want an empty list", facet)
				}
				if got := formatCounts(fc); got != want {
					t.Errorf("facet %q:\n got %s\nwant %s", facet, got, want)
				}
			}
			for facet := range res.Facets {
				if _, asked := c.want[facet]; !asked {
					t.Errorf("facet %q was not asked for", facet)
				}
			}
		})
	}
}

// An idea without topic, department, status, sessions or year adds no
// empty value to those facets.
func (s *suite) testFacetsOfEmptyValues(t *testing.T) {
	ix := s.mustOpen(t)
	MustIndex(t, ix, backend.SearchDocument{ID: 1, ConferenceID: confA, Title: "Ohne alles", Sessions: []string{""}})
	facets := []string{backend.FacetYear, backend.FacetTopic, backend.FacetDepartment, backend.FacetStatus, backend.FacetSession}
	res := MustSearch(t, ix, backend.SearchQuery{ConferenceIDs: []int64{confA}, Facets: facets})
	if res.Total != 1 {
		t.Fatalf("Total %d, want 1", res.Total)
	}
	for _, f := range facets {
		if got, ok := res.Facets[f]; !ok || got == nil || len(got) != 0 {
			t.Errorf("facet %q = %v (present %v), want an empty list", f, got, ok)
		}
	}
}

func formatCounts(fc []backend.FacetCount) string {
	out := ""
	for i, c := range fc {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%s:%d", c.Value, c.Count)
	}
	return out
}

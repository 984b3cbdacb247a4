package searchtest

import (
	"slices"
	"testing"

	"ideenmarkt/backend"
)

// testFilters: each facet filters, OR within a facet, AND across facets.
func (s *suite) testFilters(t *testing.T) {
	ix := s.fixtureIndex(t)
	type filters = map[string][]string
	cases := []struct {
		name    string
		text    string
		filters filters
		want    []int64
	}{
		{"Topic", "", filters{backend.FacetTopic: {"Verkehr"}}, []int64{1, 3, 4}},
		{"TopicOr", "", filters{backend.FacetTopic: {"Verkehr", "Umwelt"}}, []int64{1, 2, 3, 4, 7}},
		{"Department", "", filters{backend.FacetDepartment: {"Tiefbauamt"}}, []int64{1, 4}},
		{"DepartmentUmlaut", "", filters{backend.FacetDepartment: {"Grünflächenamt"}}, []int64{2, 7}},
		{"Status", "", filters{backend.FacetStatus: {"accepted"}}, []int64{2, 7}},
		{"StatusOr", "", filters{backend.FacetStatus: {"accepted", "rejected"}}, []int64{2, 6, 7}},
		{"Session", "", filters{backend.FacetSession: {"Klima"}}, []int64{2, 3, 7}},
		{"SessionWithAmpersand", "", filters{backend.FacetSession: {"Kultur & Freizeit"}}, []int64{8}},
		{"Year", "", filters{backend.FacetYear: {"2025"}}, []int64{4}},
		{"YearOr", "", filters{backend.FacetYear: {"2023", "2025"}}, []int64{4, 7}},
		{"Conference", "", filters{backend.FacetConference: {"3"}}, []int64{7}},
		{"AndAcross", "", filters{backend.FacetTopic: {"Verkehr"}, backend.FacetDepartment: {"Tiefbauamt"}}, []int64{1, 4}},
		{"AndAcrossYear", "", filters{backend.FacetTopic: {"Verkehr"}, backend.FacetYear: {"2024"}}, []int64{1, 3}},
		{"AndAcrossNothing", "", filters{backend.FacetTopic: {"Umwelt"}, backend.FacetStatus: {"rejected"}}, nil},
		{"QuoteAndBackslash", "", filters{backend.FacetTopic: {kulturTopic}}, []int64{8}},
		{"OnlyQuote", "", filters{backend.FacetTopic: {`"`}}, nil},
		{"OnlyBackslash", "", filters{backend.FacetTopic: {`\`, `Verkehr\`}}, nil},
		{"FilterSyntaxInValue", "", filters{backend.FacetTopic: {`Verkehr" OR topic = "Umwelt`}}, nil},
		{"UnknownValue", "", filters{backend.FacetTopic: {"Sport"}}, nil},
		{"NoValuesDoesNotFilter", "", filters{backend.FacetTopic: {}}, visible()},
		{"WithText", "Radweg", filters{backend.FacetTopic: {"Verkehr"}}, []int64{1, 4}},
		{"WithTextAndSession", "Radweg", filters{backend.FacetSession: {"Mobilität"}, backend.FacetYear: {"2025"}}, []int64{4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := MustSearch(t, ix, backend.SearchQuery{Text: c.text, ConferenceIDs: allConfs(), Filters: c.filters})
			got := sorted(IDs(res))
			if !slices.Equal(got, sorted(c.want)) && !(len(got) == 0 && len(c.want) == 0) {
				t.Errorf("filters %q: got %v, want %v", c.filters, got, c.want)
			}
			if res.Total != len(c.want) {
				t.Errorf("Total = %d, want %d", res.Total, len(c.want))
			}
		})
	}
}

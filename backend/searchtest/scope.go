package searchtest

import (
	"slices"
	"testing"

	"ideenmarkt/backend"
)

// testScope: a query never leaves its conferences, an empty list of
// conferences finds nothing, and hidden ideas need IncludeHidden.
func (s *suite) testScope(t *testing.T) {
	ix := s.fixtureIndex(t)
	cases := []struct {
		name   string
		q      backend.SearchQuery
		want   []int64
		reason string
	}{
		{"OneConference", backend.SearchQuery{Text: "Radweg", ConferenceIDs: []int64{confB}}, []int64{4},
			"Radweg is also in confA, which was not asked for"},
		{"OtherConference", backend.SearchQuery{Text: "Radweg", ConferenceIDs: []int64{confA}}, []int64{1, 8},
			"idea 4 of confB must not appear; 5 is hidden"},
		{"NoMatchInConference", backend.SearchQuery{Text: "Radweg", ConferenceIDs: []int64{confC}}, nil,
			"confC has no Radweg"},
		{"SeveralConferences", backend.SearchQuery{Text: "Radweg", ConferenceIDs: []int64{confA, confB}}, []int64{1, 4, 8}, ""},
		{"EmptyConferenceList", backend.SearchQuery{Text: "Radweg", ConferenceIDs: []int64{}}, nil,
			"no conference may be seen, so nothing matches"},
		{"NilConferenceList", backend.SearchQuery{Text: "Radweg"}, nil, "as empty"},
		{"NilConferenceListEmptyText", backend.SearchQuery{}, nil, "an empty text lists nothing without conferences"},
		{"UnknownConference", backend.SearchQuery{ConferenceIDs: []int64{99}}, nil, ""},
		{"FilterNarrowsConferences", backend.SearchQuery{ConferenceIDs: []int64{confA, confB},
			Filters: map[string][]string{backend.FacetConference: {"2"}}}, []int64{4}, ""},
		{"FilterCannotWiden", backend.SearchQuery{ConferenceIDs: []int64{confA, confB},
			Filters: map[string][]string{backend.FacetConference: {"3"}}}, nil,
			"a conference filter outside ConferenceIDs finds nothing"},
		{"HiddenExcluded", backend.SearchQuery{Text: "Stadtwald", ConferenceIDs: []int64{confA}}, nil,
			"idea 5 is hidden"},
		{"HiddenIncluded", backend.SearchQuery{Text: "Stadtwald", ConferenceIDs: []int64{confA}, IncludeHidden: true}, []int64{5}, ""},
		{"HiddenInListing", backend.SearchQuery{ConferenceIDs: []int64{confA}, IncludeHidden: true}, []int64{1, 2, 3, 5, 6, 8}, ""},
		{"ListingWithoutHidden", backend.SearchQuery{ConferenceIDs: []int64{confA}}, []int64{1, 2, 3, 6, 8}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := MustSearch(t, ix, c.q)
			got := sorted(IDs(res))
			if !slices.Equal(got, sorted(c.want)) && !(len(got) == 0 && len(c.want) == 0) {
				t.Errorf("got ids %v, want %v (%s)", got, c.want, c.reason)
			}
			if res.Total != len(c.want) {
				t.Errorf("Total = %d, want %d", res.Total, len(c.want))
			}
		})
	}
}

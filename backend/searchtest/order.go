package searchtest

import (
	"slices"
	"testing"

	"ideenmarkt/backend"
)

// testOrder: each sort orders the fixture as its doc comment says (ties by
// id, highest first), and paging through a sort returns every match once
// with a stable Total.
func (s *suite) testOrder(t *testing.T) {
	ix := s.fixtureIndex(t)
	cases := []struct {
		sort backend.SearchSort
		want []int64
	}{
		{backend.SearchSupports, []int64{3, 2, 4, 1, 7, 6, 8}}, // 2 and 3 both have 12
		{backend.SearchVotes, []int64{1, 6, 3, 7, 2, 4, 8}},
		{backend.SearchNewest, []int64{4, 8, 3, 2, 6, 1, 7}}, // 2 and 3 share their day
		{backend.SearchRelevance, []int64{8, 7, 6, 4, 3, 2, 1}},
		{"", []int64{8, 7, 6, 4, 3, 2, 1}}, // "" is relevance; empty text: all tie
	}
	for _, c := range cases {
		name := string(c.sort)
		if name == "" {
			name = "default"
		}
		t.Run(name, func(t *testing.T) {
			res := MustSearch(t, ix, backend.SearchQuery{ConferenceIDs: allConfs(), Sort: c.sort})
			if got := IDs(res); !slices.Equal(got, c.want) {
				t.Errorf("order %v, want %v", got, c.want)
			}
		})
		t.Run(name+"Paged", func(t *testing.T) {
			var got []int64
			for offset := 0; offset < len(c.want)+3; offset += 3 {
				res := MustSearch(t, ix, backend.SearchQuery{ConferenceIDs: allConfs(), Sort: c.sort, Offset: offset, Limit: 3})
				if res.Total != len(c.want) {
					t.Errorf("offset %d: Total = %d, want %d", offset, res.Total, len(c.want))
				}
				if len(res.Hits) > 3 {
					t.Errorf("offset %d: %d hits for Limit 3", offset, len(res.Hits))
				}
				got = append(got, IDs(res)...)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("pages together %v, want %v (no overlap, no gap)", got, c.want)
			}
		})
	}
	t.Run("UnalignedOffset", func(t *testing.T) {
		res := MustSearch(t, ix, backend.SearchQuery{ConferenceIDs: allConfs(), Sort: backend.SearchVotes, Offset: 2, Limit: 4})
		if got, want := IDs(res), []int64{3, 7, 2, 4}; !slices.Equal(got, want) {
			t.Errorf("offset 2 limit 4: %v, want %v", got, want)
		}
		if res.Total != 7 {
			t.Errorf("Total = %d, want 7", res.Total)
		}
	})
	t.Run("SortWithText", func(t *testing.T) {
		res := MustSearch(t, ix, backend.SearchQuery{Text: "Radweg", ConferenceIDs: allConfs(), Sort: backend.SearchSupports})
		if got, want := IDs(res), []int64{4, 1, 8}; !slices.Equal(got, want) {
			t.Errorf("Radweg by supports: %v, want %v (supports 8, 5, 1)", got, want)
		}
	})
	t.Run("PastTheEnd", func(t *testing.T) {
		res := MustSearch(t, ix, backend.SearchQuery{ConferenceIDs: allConfs(), Offset: 50, Limit: 10})
		if len(res.Hits) != 0 || res.Total != 7 {
			t.Errorf("offset 50: %d hits, Total %d; want 0 hits, Total 7", len(res.Hits), res.Total)
		}
	})
	t.Run("DefaultLimit", func(t *testing.T) {
		ix := s.mustOpen(t)
		docs := make([]backend.SearchDocument, backend.SearchDefaultLimit+5)
		for i := range docs {
			docs[i] = backend.SearchDocument{ID: int64(100 + i), ConferenceID: confA, Title: "Idee", CreatedAt: day(i)}
		}
		MustIndex(t, ix, docs...)
		res := MustSearch(t, ix, backend.SearchQuery{ConferenceIDs: []int64{confA}})
		if len(res.Hits) != backend.SearchDefaultLimit || res.Total != len(docs) {
			t.Errorf("Limit 0: %d hits, Total %d; want %d hits, Total %d", len(res.Hits), res.Total, backend.SearchDefaultLimit, len(docs))
		}
	})
}

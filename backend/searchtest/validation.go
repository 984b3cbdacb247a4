package searchtest

import (
	"testing"

	"ideenmarkt/backend"
)

// testValidation: malformed queries are EINVALID, never EINTERNAL.
func (s *suite) testValidation(t *testing.T) {
	ix := s.fixtureIndex(t)
	base := func() backend.SearchQuery { return backend.SearchQuery{ConferenceIDs: allConfs()} }
	cases := []struct {
		name   string
		change func(q *backend.SearchQuery)
	}{
		{"NegativeOffset", func(q *backend.SearchQuery) { q.Offset = -1 }},
		{"NegativeLimit", func(q *backend.SearchQuery) { q.Limit = -1 }},
		{"LimitAboveMax", func(q *backend.SearchQuery) { q.Limit = backend.SearchMaxLimit + 1 }},
		{"UnknownSort", func(q *backend.SearchQuery) { q.Sort = "title" }},
		{"UnknownFilter", func(q *backend.SearchQuery) { q.Filters = map[string][]string{"author": {"x"}} }},
		{"UnknownFacet", func(q *backend.SearchQuery) { q.Facets = []string{"author"} }},
		{"ConferenceNotANumber", func(q *backend.SearchQuery) {
			q.Filters = map[string][]string{backend.FacetConference: {"1 OR 2"}}
		}},
		{"YearNotANumber", func(q *backend.SearchQuery) { q.Filters = map[string][]string{backend.FacetYear: {"2024a"}} }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := base()
			c.change(&q)
			_, err := ix.Search(t.Context(), q)
			wantCode(t, err, backend.EINVALID)
		})
	}
	t.Run("MaxLimitAccepted", func(t *testing.T) {
		q := base()
		q.Limit = backend.SearchMaxLimit
		if _, err := ix.Search(t.Context(), q); err != nil {
			t.Errorf("Limit %d: %v", q.Limit, err)
		}
	})
}

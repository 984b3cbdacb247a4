package bleve

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"ideenmarkt/backend"
	"ideenmarkt/backend/searchtest"
)

// The columns are per segment and must follow what scorch does to segments:
// many small batches (one segment each until merged), ideas replaced (the
// old version deleted in its segment, the new one in another), deleted and
// hidden. After every round of changes, totals, facet counts and the order
// of every sort are compared with a model of the ideas kept in memory.
func TestColumnsFollowSegments(t *testing.T) {
	ix := New(t.TempDir())
	mustInit(t, ix, false)
	defer ix.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	topics := []string{"Verkehr", "Umwelt", "Soziales"}
	model := map[int64]backend.SearchDocument{}
	randomDoc := func(id int64) backend.SearchDocument {
		word := []string{"Radweg", "Baum", "Spielplatz"}[rng.IntN(3)]
		return backend.SearchDocument{
			ID: id, ConferenceID: int64(1 + rng.IntN(3)), Year: 2024 + rng.IntN(2),
			Title: word + " " + strconv.FormatInt(id, 10), Topic: topics[rng.IntN(3)],
			Supports: rng.IntN(20), Votes: rng.IntN(20), Hidden: rng.IntN(10) == 0,
			CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(1000)) * time.Hour),
		}
	}
	for round := range 6 {
		for range 10 { // ten small batches: ten segments before merging
			var batch []backend.SearchDocument
			for range 8 {
				d := randomDoc(int64(1 + rng.IntN(120))) // new or a replacement
				model[d.ID] = d
				batch = append(batch, d)
			}
			if err := ix.Index(t.Context(), batch); err != nil {
				t.Fatal(err)
			}
		}
		var gone []int64
		for id := range model {
			if rng.IntN(8) == 0 {
				gone = append(gone, id)
			}
		}
		for _, id := range gone {
			delete(model, id)
		}
		if err := ix.Delete(t.Context(), gone); err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{"", "Radweg"} {
			for _, sort := range []backend.SearchSort{backend.SearchSupports, backend.SearchVotes, backend.SearchNewest} {
				t.Run(fmt.Sprintf("round %d %q %s", round, text, sort), func(t *testing.T) {
					q := backend.SearchQuery{Text: text, ConferenceIDs: []int64{1, 2}, Sort: sort, Limit: backend.SearchMaxLimit,
						Filters: map[string][]string{backend.FacetYear: {"2025"}}, Facets: []string{backend.FacetTopic}}
					res, err := ix.Search(t.Context(), q)
					if err != nil {
						t.Fatal(err)
					}
					want, counts := modelSearch(model, q)
					if got := searchtest.IDs(res); !slices.Equal(got, want) {
						t.Errorf("ids\n got %v\nwant %v", got, want)
					}
					if res.Total != len(want) {
						t.Errorf("Total = %d, want %d", res.Total, len(want))
					}
					for _, fc := range res.Facets[backend.FacetTopic] {
						if counts[fc.Value] != fc.Count {
							t.Errorf("topic %s: %d, want %d", fc.Value, fc.Count, counts[fc.Value])
						}
						delete(counts, fc.Value)
					}
					if len(counts) > 0 {
						t.Errorf("topics not counted: %v", counts)
					}
				})
			}
		}
	}
	// Segments merged away are forgotten.
	idx, release, err := ix.acquire()
	if err != nil {
		t.Fatal(err)
	}
	adv, _ := idx.Advanced()
	r, _ := adv.Reader()
	segments := len(r.(*scorch.IndexSnapshot).Segments())
	r.Close()
	release()
	ix.cols.mu.Lock()
	cached := len(ix.cols.m)
	ix.cols.mu.Unlock()
	if cached > segments+10 {
		t.Errorf("%d segments' columns cached for an index of %d segments", cached, segments)
	}
}

// modelSearch is what q must find among the visible ideas of model: their
// ids in the sort's order, and the topic counts.
func modelSearch(model map[int64]backend.SearchDocument, q backend.SearchQuery) ([]int64, map[string]int) {
	var docs []backend.SearchDocument
	counts := map[string]int{}
	for _, d := range model {
		if d.Hidden || !slices.Contains(q.ConferenceIDs, d.ConferenceID) || strconv.Itoa(d.Year) != q.Filters[backend.FacetYear][0] {
			continue
		}
		if q.Text != "" && !slices.Contains([]string{q.Text}, firstWord(d.Title)) {
			continue
		}
		docs = append(docs, d)
		counts[d.Topic]++
	}
	key := func(d backend.SearchDocument) int64 {
		switch q.Sort {
		case backend.SearchSupports:
			return int64(d.Supports)
		case backend.SearchVotes:
			return int64(d.Votes)
		}
		return d.CreatedAt.UnixMicro()
	}
	slices.SortFunc(docs, func(a, b backend.SearchDocument) int {
		return cmp.Or(cmp.Compare(key(b), key(a)), cmp.Compare(b.ID, a.ID))
	})
	ids := make([]int64, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids, counts
}

func firstWord(s string) string {
	for i, r := range s {
		if r == ' ' {
			return s[:i]
		}
	}
	return s
}

package searchtest

import (
	"sync"
	"testing"

	"ideenmarkt/backend"
)

// testConcurrency: searches running while documents are indexed and
// deleted see no errors, and the index ends with every write applied.
func (s *suite) testConcurrency(t *testing.T) {
	ix := s.fixtureIndex(t)
	const batches, perBatch = 20, 10
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 16)
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, text := range []string{"Radweg", "Bank Spielplatz", ""} {
					if _, err := ix.Search(t.Context(), backend.SearchQuery{Text: text, ConferenceIDs: allConfs(),
						Facets: []string{backend.FacetTopic}, Sort: backend.SearchSupports}); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	for b := range batches {
		docs := make([]backend.SearchDocument, perBatch)
		for i := range docs {
			docs[i] = backend.SearchDocument{ID: int64(1000 + b*perBatch + i), ConferenceID: confB,
				Title: "Bank am Spielplatz", Topic: "Freizeit", CreatedAt: day(i)}
		}
		if err := ix.Index(t.Context(), docs); err != nil {
			t.Errorf("batch %d: %v", b, err)
		}
		if err := ix.Delete(t.Context(), []int64{int64(1000 + b*perBatch)}); err != nil {
			t.Errorf("delete in batch %d: %v", b, err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent search: %v", err)
	}
	res := MustSearch(t, ix, backend.SearchQuery{Text: "Spielplatz", ConferenceIDs: []int64{confB}})
	if want := batches * (perBatch - 1); res.Total != want {
		t.Errorf("after the writes: Total %d, want %d", res.Total, want)
	}
}

package searchtest

import (
	"slices"
	"testing"

	"ideenmarkt/backend"
)

// testLifecycle: Init reports a fresh index, Ping answers, and (where the
// engine can reopen its storage) the documents survive Close.
func (s *suite) testLifecycle(t *testing.T) {
	t.Run("FreshIndexDidNotExist", func(t *testing.T) {
		ix := s.open(t)
		defer ix.Close()
		existed, err := ix.Init(t.Context())
		if err != nil {
			t.Fatalf("Init: %v", err)
		}
		if existed {
			t.Errorf("existed = true for a fresh index, want false")
		}
	})
	t.Run("Ping", func(t *testing.T) {
		ix := s.mustOpen(t)
		if err := ix.Ping(t.Context()); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})
	t.Run("ReopenExisted", func(t *testing.T) {
		if s.reopen == nil {
			t.Skip("this engine's test gave no way to reopen its storage (WithReopen)")
		}
		ix := s.open(t)
		if existed, err := ix.Init(t.Context()); err != nil || existed {
			t.Fatalf("first Init: existed = %v, err = %v; want false, nil", existed, err)
		}
		MustIndex(t, ix, fixture()...)
		if err := ix.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		again := s.reopen(t, ix)
		t.Cleanup(func() { again.Close() })
		existed, err := again.Init(t.Context())
		if err != nil {
			t.Fatalf("Init after reopen: %v", err)
		}
		if !existed {
			t.Errorf("existed = false after reopen, want true")
		}
		res := MustSearch(t, again, backend.SearchQuery{ConferenceIDs: allConfs()})
		if got, want := sorted(IDs(res)), visible(); !slices.Equal(got, want) {
			t.Errorf("after reopen got ids %v, want %v", got, want)
		}
	})
}

// testDocuments: Index adds and replaces by id, Delete removes and ignores
// unknown ids, and both are visible to the next Search.
func (s *suite) testDocuments(t *testing.T) {
	conf := backend.SearchQuery{ConferenceIDs: []int64{confA}}
	search := func(t *testing.T, ix backend.SearchIndex, text string) []int64 {
		t.Helper()
		q := conf
		q.Text = text
		return sorted(IDs(MustSearch(t, ix, q)))
	}
	bench := backend.SearchDocument{ID: 40, ConferenceID: confA, Title: "Laternen am Spielplatz", Body: "Es ist abends zu dunkel.", CreatedAt: day(1)}

	t.Run("EmptyBatches", func(t *testing.T) {
		ix := s.mustOpen(t)
		if err := ix.Index(t.Context(), nil); err != nil {
			t.Errorf("Index(nil): %v", err)
		}
		if err := ix.Delete(t.Context(), nil); err != nil {
			t.Errorf("Delete(nil): %v", err)
		}
	})
	t.Run("VisibleRightAfterIndex", func(t *testing.T) {
		ix := s.mustOpen(t)
		for i := range 3 {
			d := bench
			d.ID = int64(41 + i)
			MustIndex(t, ix, d)
			if got := search(t, ix, "Laternen"); len(got) != i+1 {
				t.Fatalf("after indexing %d docs one by one, a search finds %v", i+1, got)
			}
		}
	})
	t.Run("ReplaceByID", func(t *testing.T) {
		ix := s.mustOpen(t)
		MustIndex(t, ix, bench)
		changed := bench
		changed.Title = "Bänke am Spielplatz"
		MustIndex(t, ix, changed)
		if got := search(t, ix, "Laternen"); len(got) != 0 {
			t.Errorf("old title still found: %v", got)
		}
		if got := search(t, ix, "Bänke"); !slices.Equal(got, []int64{40}) {
			t.Errorf("new title: got %v, want [40]", got)
		}
		if got := search(t, ix, ""); !slices.Equal(got, []int64{40}) {
			t.Errorf("replacing made %v, want one idea [40]", got)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		ix := s.mustOpen(t)
		MustIndex(t, ix, fixture()...)
		if err := ix.Delete(t.Context(), []int64{1, 999}); err != nil {
			t.Fatalf("Delete with an unknown id: %v", err)
		}
		if got := search(t, ix, "Radweg"); !slices.Equal(got, []int64{8}) {
			t.Errorf("after deleting 1: Radweg finds %v, want [8] (its comment)", got)
		}
		if err := ix.Delete(t.Context(), []int64{999}); err != nil {
			t.Errorf("Delete of an unknown id only: %v", err)
		}
		if err := ix.Delete(t.Context(), []int64{1}); err != nil {
			t.Errorf("Delete twice: %v", err)
		}
		MustIndex(t, ix, fixture()[0])
		if got := search(t, ix, "Radweg"); !slices.Equal(got, []int64{1, 8}) {
			t.Errorf("after indexing 1 again: %v, want [1 8]", got)
		}
	})
}

// Package searchtest is the one contract suite every backend.SearchIndex must
// pass (backend/bleve always, backend/meili against a real server when one is
// configured). Each engine's test calls Run with a function that opens a
// fresh, empty index; the suite asserts behaviour and error codes through the
// interface only, on small made-up ideas and on the real proposals in
// testdata/proposals.
package searchtest

import (
	"context"
	"slices"
	"testing"

	"ideenmarkt/backend"
)

// Opener returns a fresh, empty index that is not yet initialised; it
// registers on t the cleanup of its storage (not Close: the suite closes what
// it opened).
type Opener func(t *testing.T) backend.SearchIndex

// Reopener returns a new index over the storage of closed, which the suite
// has closed; Init on it must report existed=true.
type Reopener func(t *testing.T, closed backend.SearchIndex) backend.SearchIndex

// Option adjusts Run.
type Option func(*suite)

// WithReopen lets the suite check that an index survives Close (engines that
// can reopen their storage pass it; without it that check is skipped).
func WithReopen(reopen Reopener) Option {
	return func(s *suite) { s.reopen = reopen }
}

type suite struct {
	open   Opener
	reopen Reopener
}

// Run runs the whole contract against indexes made by open.
func Run(t *testing.T, open Opener, opts ...Option) {
	s := &suite{open: open}
	for _, o := range opts {
		o(s)
	}
	t.Run("Lifecycle", s.testLifecycle)
	t.Run("Documents", s.testDocuments)
	t.Run("Scope", s.testScope)
	t.Run("Filters", s.testFilters)
	t.Run("Facets", s.testFacets)
	t.Run("Order", s.testOrder)
	t.Run("Text", s.testText)
	t.Run("Highlights", s.testHighlights)
	t.Run("Validation", s.testValidation)
	t.Run("Concurrency", s.testConcurrency)
	t.Run("Quality", s.testQuality)
}

// mustOpen opens and initialises a fresh index that the test closes at its end.
func (s *suite) mustOpen(t *testing.T) backend.SearchIndex {
	t.Helper()
	ix := s.open(t)
	t.Cleanup(func() { ix.Close() })
	existed, err := ix.Init(t.Context())
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	if existed {
		t.Fatalf("Init of a fresh index: existed = true, want false")
	}
	return ix
}

// MustIndex indexes docs and fails the test on error.
func MustIndex(tb testing.TB, ix backend.SearchIndex, docs ...backend.SearchDocument) {
	tb.Helper()
	if err := ix.Index(context.Background(), docs); err != nil {
		tb.Fatalf("Index %d docs: %v", len(docs), err)
	}
}

// MustSearch runs q and fails the test on error.
func MustSearch(tb testing.TB, ix backend.SearchIndex, q backend.SearchQuery) *backend.SearchResult {
	tb.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		tb.Fatalf("Search %+v: %v", q, err)
	}
	return res
}

// IDs lists the hits' ids in order.
func IDs(res *backend.SearchResult) []int64 {
	ids := make([]int64, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}

// sorted returns the ids in ascending order, for comparing sets.
func sorted(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// wantCode fails the test unless err carries the backend error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := backend.ErrorCode(err); got != code {
		t.Errorf("error code = %q (%v), want %q", got, err, code)
	}
}

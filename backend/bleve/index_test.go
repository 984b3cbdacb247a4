package bleve_test

import (
	"testing"

	"ideenmarkt/backend"
	"ideenmarkt/backend/bleve"
	"ideenmarkt/backend/searchtest"
)

// TestContract runs the shared SearchIndex suite on a fresh index in a
// temporary directory per test.
func TestContract(t *testing.T) {
	searchtest.Run(t,
		func(t *testing.T) backend.SearchIndex { return bleve.New(t.TempDir()) },
		searchtest.WithReopen(func(t *testing.T, closed backend.SearchIndex) backend.SearchIndex {
			return bleve.New(closed.(*bleve.Index).Dir())
		}),
	)
}

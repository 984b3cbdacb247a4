package sqlite_test

import (
	"path/filepath"
	"testing"

	"ideenmarkt/backend"
	"ideenmarkt/backend/sqlite"
	"ideenmarkt/backend/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) backend.Store {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "test.db"))
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

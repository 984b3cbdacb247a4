package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"ideenmarkt/backend/sqlite"
	"ideenmarkt/migrations"
)

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "newer.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, 'later')`, migrations.Latest(migrations.SQLite)+1); err != nil {
		t.Fatal(err)
	}
	db.Close()

	_, err = sqlite.Open(t.Context(), path)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("open of a newer schema: err = %v, want a refusal that names the newer release", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keep.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	v1, _ := s.SchemaVersion(t.Context())
	s.Close()
	s, err = sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	v2, _ := s.SchemaVersion(t.Context())
	if v1 != v2 || v2 != migrations.Latest(migrations.SQLite) {
		t.Fatalf("schema version %d then %d, want %d both times", v1, v2, migrations.Latest(migrations.SQLite))
	}
}

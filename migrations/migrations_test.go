package migrations

import (
	"strings"
	"testing"
)

// Both engines must offer the same schema versions, or a database could not be
// moved from the embedded default to PostgreSQL at the same version.
func TestDialectsHaveSameVersions(t *testing.T) {
	lite, err := Load(SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := Load(Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("sqlite has %d migrations, postgres %d; want the same", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Version != pg[i].Version || lite[i].Name != pg[i].Name {
			t.Errorf("migration %d: sqlite %04d_%s, postgres %04d_%s", i, lite[i].Version, lite[i].Name, pg[i].Version, pg[i].Name)
		}
		if strings.TrimSpace(lite[i].SQL) == "" || strings.TrimSpace(pg[i].SQL) == "" {
			t.Errorf("migration %04d is empty", lite[i].Version)
		}
	}
}

func TestPending(t *testing.T) {
	latest := Latest(SQLite)
	if latest < 1 {
		t.Fatalf("latest = %d, want >= 1", latest)
	}
	all, err := Pending(SQLite, 0)
	if err != nil || len(all) != latest {
		t.Fatalf("Pending(0) = %d migrations, %v; want %d", len(all), err, latest)
	}
	none, err := Pending(SQLite, latest)
	if err != nil || len(none) != 0 {
		t.Fatalf("Pending(latest) = %d migrations, %v; want none", len(none), err)
	}
	_, err = Pending(SQLite, latest+1)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Pending(latest+1) error = %v, want a refusal naming the newer schema", err)
	}
}

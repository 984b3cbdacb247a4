package postgres_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend/postgres"
	"ideenmarkt/backend/postgres/pgtest"
	"ideenmarkt/migrations"
)

func TestOpenRefusesNewerSchema(t *testing.T) {
	dsn := pgtest.DSN(t)
	s := mustOpen(t, dsn)
	s.Close()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	_, err = conn.Exec(t.Context(), `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())`, migrations.Latest(migrations.Postgres)+1)
	conn.Close(t.Context())
	if err != nil {
		t.Fatalf("insert future version: %v", err)
	}
	for _, migrate := range []bool{true, false} {
		s, err := postgres.Open(t.Context(), dsn, postgres.Options{Migrate: migrate})
		if err == nil {
			s.Close()
		}
		if err == nil || !strings.Contains(err.Error(), "newer") {
			t.Errorf("open (Migrate: %v) of a newer schema: err = %v, want a refusal that names the newer release", migrate, err)
		}
	}
}

func TestOpenWithoutMigrateRefusesPending(t *testing.T) {
	dsn := pgtest.DSN(t)
	s, err := postgres.Open(t.Context(), dsn, postgres.Options{Migrate: false})
	if err == nil {
		s.Close()
		t.Fatal("open (Migrate: false) of an empty database succeeded, want a refusal")
	}
	if !strings.Contains(err.Error(), "ideenmarkt migrate") {
		t.Fatalf("open (Migrate: false) of an empty database: err = %v, want advice to run `ideenmarkt migrate`", err)
	}

	mustOpen(t, dsn).Close()
	s, err = postgres.Open(t.Context(), dsn, postgres.Options{Migrate: false})
	if err != nil {
		t.Fatalf("open (Migrate: false) of a migrated database: %v", err)
	}
	s.Close()
}

func TestConcurrentStartsMigrateOnce(t *testing.T) {
	dsn := pgtest.DSN(t)
	const instances = 4
	var wg sync.WaitGroup
	for range instances {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := postgres.Open(t.Context(), dsn, postgres.Options{Migrate: true})
			if err != nil {
				t.Errorf("concurrent open: %v", err)
				return
			}
			s.Close()
		}()
	}
	wg.Wait()

	s := mustOpen(t, dsn)
	v, err := s.SchemaVersion(t.Context())
	if want := migrations.Latest(migrations.Postgres); err != nil || v != want {
		t.Fatalf("schema version = %d (err %v), want %d", v, err, want)
	}
}

package postgres_test

import (
	"log/slog"
	"testing"

	"ideenmarkt/backend"
	"ideenmarkt/backend/postgres"
	"ideenmarkt/backend/postgres/pgtest"
	"ideenmarkt/backend/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) backend.Store { return mustOpen(t, pgtest.DSN(t)) })
}

// mustOpen opens a migrated Store on dsn and closes it when t ends.
func mustOpen(tb testing.TB, dsn string) *postgres.Store {
	tb.Helper()
	log := slog.New(slog.NewTextHandler(tb.Output(), nil))
	s, err := postgres.Open(tb.Context(), dsn, postgres.Options{Migrate: true, Logger: log})
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

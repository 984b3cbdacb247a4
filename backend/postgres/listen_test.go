package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
	"ideenmarkt/backend/postgres/pgtest"
	"ideenmarkt/backend/storetest"
)

// waitWake fails tb unless ch receives within a generous deadline.
func waitWake(tb testing.TB, ch <-chan struct{}, what string) {
	tb.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		tb.Fatalf("subscriber not woken within 5s %s", what)
	}
}

func TestSubscribeSeesOtherInstances(t *testing.T) {
	dsn := pgtest.DSN(t)
	a, b := mustOpen(t, dsn), mustOpen(t, dsn)
	ch, cancel := a.Subscribe()
	defer cancel()

	c := storetest.MustCreateConference(t, b, "cross")
	waitWake(t, ch, "after another instance committed a change")
	got, err := a.ChangesSince(t.Context(), 0, 10)
	if err != nil {
		t.Fatalf("changes: %v", err)
	}
	if len(got) != 1 || got[0].EntityID != c.ID || got[0].Op != backend.OpCreate {
		t.Fatalf("changes seen by the other instance = %+v, want the creation of conference %d", got, c.ID)
	}
}

func TestSubscribeSurvivesListenerLoss(t *testing.T) {
	dsn := pgtest.DSN(t)
	a, b := mustOpen(t, dsn), mustOpen(t, dsn)
	ch, cancel := a.Subscribe()
	defer cancel()

	// Terminate both instances' LISTEN connections, as a database restart or
	// failover would.
	admin, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer admin.Close(context.Background())
	var killed int
	err = admin.QueryRow(t.Context(), `SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN ideenmarkt_changes' AND pid <> pg_backend_pid()`).Scan(&killed)
	if err != nil || killed != 2 {
		t.Fatalf("terminated %d listener connections (err %v), want 2", killed, err)
	}
	// Changes may have been committed while nobody listened, so a reconnect
	// wakes subscribers once.
	waitWake(t, ch, "after the listener reconnected")

	storetest.MustCreateConference(t, b, "after-reconnect")
	waitWake(t, ch, "by another instance's change after both listeners reconnected")
}

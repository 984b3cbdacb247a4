package postgres_test

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
	"ideenmarkt/backend/postgres"
	"ideenmarkt/backend/postgres/pgtest"
	"ideenmarkt/backend/storetest"
)

// blockedFor is how long a call must stay blocked to count as waiting. A
// correct store waits until the other transaction ends, however long; a
// call that returns earlier did not wait at all.
const blockedFor = 300 * time.Millisecond

// TestBallotLocks checks the lock protocol behind "a write that leaves the
// open state waits for ballots being cast, so none commits after it"
// directly, with a second connection standing in for the other side. The
// contract suite's CloseWhileCasting can only catch a broken protocol when
// a race happens to hit a window of microseconds.
func TestBallotLocks(t *testing.T) {
	t.Run("CloseWaitsForBallotBeingCast", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		s := mustOpen(t, dsn)
		r := openRound(t, s)
		tx := mustBegin(t, dsn)
		// What CastBallot holds from its state check until it commits.
		if _, err := tx.Exec(t.Context(), `SELECT state FROM rounds WHERE id = $1 FOR KEY SHARE`, r.ID); err != nil {
			t.Fatalf("lock round as a ballot does: %v", err)
		}
		done := make(chan error, 1)
		go func() {
			r.State = backend.RoundClosed
			done <- s.UpdateRound(t.Context(), r, false, nil)
		}()
		select {
		case err := <-done:
			t.Fatalf("close returned (err %v) while a ballot was being cast; want it to wait for the ballot", err)
		case <-time.After(blockedFor):
		}
		if err := tx.Commit(t.Context()); err != nil {
			t.Fatalf("commit ballot side: %v", err)
		}
		if err := <-done; err != nil {
			t.Fatalf("close after the ballot committed: %v", err)
		}
	})
	t.Run("BallotWaitsForCloseAndIsRefused", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		s := mustOpen(t, dsn)
		r := openRound(t, s)
		tx := mustBegin(t, dsn)
		// A close in progress: the round's row locked and updated, not committed.
		if _, err := tx.Exec(t.Context(), `SELECT 1 FROM rounds WHERE id = $1 FOR UPDATE`, r.ID); err != nil {
			t.Fatalf("lock round as a close does: %v", err)
		}
		if _, err := tx.Exec(t.Context(), `UPDATE rounds SET state = 'closed', version = version + 1 WHERE id = $1`, r.ID); err != nil {
			t.Fatalf("close round: %v", err)
		}
		done := make(chan error, 1)
		go func() {
			b := &backend.Ballot{RoundID: r.ID, VoterKey: "v", ClientID: "c", Values: map[int]int{1: 1}, CastAt: time.Now()}
			_, err := s.CastBallot(t.Context(), b, false)
			done <- err
		}()
		select {
		case err := <-done:
			t.Fatalf("ballot returned (err %v) while a close was in progress; want it to wait for the close", err)
		case <-time.After(blockedFor):
		}
		if err := tx.Commit(t.Context()); err != nil {
			t.Fatalf("commit close: %v", err)
		}
		if err := <-done; backend.ErrorCode(err) != backend.ECONFLICT {
			t.Fatalf("ballot after the close committed: err = %v, want ECONFLICT", err)
		}
		tally, err := s.TallyRound(t.Context(), r.ID)
		if err != nil || tally.Ballots != 0 {
			t.Fatalf("tally after a refused ballot = %+v, %v; want no ballots", tally, err)
		}
	})
}

// openRound creates an open round in a new conference.
func openRound(tb testing.TB, s *postgres.Store) *backend.Round {
	tb.Helper()
	c := storetest.MustCreateConference(tb, s, "locks")
	r := storetest.MustCreateRound(tb, s, c, storetest.MustCreateAgendaSession(tb, s, c, "S", time.Now().UTC()))
	storetest.MustOpenRound(tb, s, r)
	return r
}

// mustBegin starts a transaction on a connection of its own, rolled back
// and closed when tb ends unless committed.
func mustBegin(tb testing.TB, dsn string) pgx.Tx {
	tb.Helper()
	conn, err := pgx.Connect(tb.Context(), dsn)
	if err != nil {
		tb.Fatalf("connect: %v", err)
	}
	tx, err := conn.Begin(tb.Context())
	if err != nil {
		conn.Close(tb.Context())
		tb.Fatalf("begin: %v", err)
	}
	tb.Cleanup(func() {
		tx.Rollback(tb.Context())
		conn.Close(tb.Context())
	})
	return tx
}

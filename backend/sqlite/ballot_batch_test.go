package sqlite

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/storetest"
)

var batchCastAt = time.Date(2025, 5, 17, 10, 0, 0, 0, time.UTC)

// openBatchStore opens a fresh store at a file of its own and returns it
// with the file's path. close says whether the test's cleanup closes it.
func openBatchStore(t *testing.T, close bool) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if close {
		t.Cleanup(func() { s.Close() })
	}
	return s, path
}

// batchRounds creates an open and a closed round in a new conference.
func batchRounds(t *testing.T, s *Store) (open, closed *backend.Round) {
	t.Helper()
	c := storetest.MustCreateConference(t, s, "batch")
	sess := storetest.MustCreateAgendaSession(t, s, c, "S", batchCastAt)
	open = storetest.MustCreateRound(t, s, c, sess)
	storetest.MustOpenRound(t, s, open)
	closed = storetest.MustCreateRound(t, s, c, sess)
	storetest.MustOpenRound(t, s, closed)
	closed.State = backend.RoundClosed
	if err := s.UpdateRound(t.Context(), closed, false, nil); err != nil {
		t.Fatalf("close round: %v", err)
	}
	return open, closed
}

// holdWrite takes the single write connection in a transaction, so that
// ballots queue until release is called.
func holdWrite(t *testing.T, s *Store) (release func()) {
	t.Helper()
	tx, err := s.write.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatalf("hold write connection: %v", err)
	}
	return func() { tx.Rollback() }
}

// within fails the test unless f returns within d: it guards against hangs
// and asserts nothing about speed.
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %v", what, d)
	}
}

func wantErr(t *testing.T, what string, err error, code, msg string) {
	t.Helper()
	if backend.ErrorCode(err) != code || (msg != "" && backend.ErrorMessage(err) != msg) {
		t.Errorf("%s: error %v (code %q, message %q), want code %q message %q",
			what, err, backend.ErrorCode(err), backend.ErrorMessage(err), code, msg)
	}
}

// A burst of concurrent ballots, a fifth of them for a closed round, a fifth
// for an unknown one and a fifth second ballots that may not replace the
// first: each invalid one fails alone with its own error, every valid one is
// stored once, and the burst shares transactions.
func TestBallotBatchIsolatesFailures(t *testing.T) {
	s, _ := openBatchStore(t, true)
	open, closed := batchRounds(t, s)
	const n = 300
	for k := range n {
		if k%5 >= 3 {
			b := &backend.Ballot{RoundID: open.ID, VoterKey: fmt.Sprint("old", k), ClientID: "first", Values: map[int]int{1: 1}, CastAt: batchCastAt}
			if got, err := s.CastBallot(t.Context(), b, false); err != nil || got != backend.CastCreated {
				t.Fatalf("first ballot %d: %q, %v", k, got, err)
			}
		}
	}
	ballot := func(k int) (*backend.Ballot, bool) {
		b := &backend.Ballot{RoundID: open.ID, VoterKey: fmt.Sprint("new", k), ClientID: fmt.Sprint("c", k),
			Values: map[int]int{1: 1}, CastAt: batchCastAt.Add(time.Minute)}
		switch k % 5 {
		case 1:
			b.RoundID = closed.ID
		case 2:
			b.RoundID = 1 << 40
		case 3:
			b.VoterKey, b.Values = fmt.Sprint("old", k), map[int]int{2: 1}
		case 4:
			b.VoterKey, b.Values = fmt.Sprint("old", k), map[int]int{2: 1}
			return b, true
		}
		return b, false
	}

	type result struct {
		b       *backend.Ballot
		outcome backend.CastOutcome
		err     error
	}
	results := make([]result, n)
	before := s.ballots.batches.Load()
	// Holding the write connection lets the burst queue up behind the first
	// batch, as it does behind a running transaction in production.
	release := holdWrite(t, s)
	var started, wg sync.WaitGroup
	started.Add(n)
	for k := range n {
		wg.Go(func() {
			b, replace := ballot(k)
			started.Done()
			got, err := s.CastBallot(context.Background(), b, replace)
			results[k] = result{b, got, err}
		})
	}
	started.Wait()
	release()
	within(t, time.Minute, "the burst", wg.Wait)
	batches := s.ballots.batches.Load() - before

	for k, r := range results {
		what := fmt.Sprintf("ballot %d", k)
		switch k % 5 {
		case 0:
			if r.err != nil || r.outcome != backend.CastCreated || r.b.ID == 0 {
				t.Errorf("%s: %q, %v, id %d; want created", what, r.outcome, r.err, r.b.ID)
			}
		case 1:
			wantErr(t, what, r.err, backend.ECONFLICT, "This vote is not open.")
		case 2:
			wantErr(t, what, r.err, backend.ENOTFOUND, "Vote not found.")
		case 3:
			wantErr(t, what, r.err, backend.ECONFLICT, "You have already voted in this vote.")
		case 4:
			if r.err != nil || r.outcome != backend.CastReplaced || !r.b.CastAt.Equal(batchCastAt) || !r.b.UpdatedAt.Equal(batchCastAt.Add(time.Minute)) {
				t.Errorf("%s: %q, %v, cast %v, updated %v; want replaced", what, r.outcome, r.err, r.b.CastAt, r.b.UpdatedAt)
			}
		}
		if k%5 == 1 || k%5 == 2 || k%5 == 3 {
			if r.outcome != "" {
				t.Errorf("%s: outcome %q with error %v", what, r.outcome, r.err)
			}
		}
		if k%5 >= 3 {
			stored, err := s.FindBallot(t.Context(), open.ID, fmt.Sprint("old", k))
			wantClient := map[int]string{3: "first", 4: r.b.ClientID}[k%5]
			wantValues := map[int]map[int]int{3: {1: 1}, 4: {2: 1}}[k%5]
			if err != nil || stored.ClientID != wantClient || !maps.Equal(stored.Values, wantValues) {
				t.Errorf("%s: stored %+v, %v; want client %q values %v", what, stored, err, wantClient, wantValues)
			}
		}
	}
	// 60 new ballots and 120 first ballots, of which 60 were replaced.
	tally, err := s.TallyRound(t.Context(), open.ID)
	if err != nil {
		t.Fatalf("tally: %v", err)
	}
	want := []backend.ValueCount{{OptionID: 1, Value: 1, Count: 120}, {OptionID: 2, Value: 1, Count: 60}}
	slices.SortFunc(tally.Rows, func(a, b backend.ValueCount) int { return a.OptionID - b.OptionID })
	if tally.Ballots != 180 || !slices.Equal(tally.Rows, want) {
		t.Errorf("tally = %d ballots %v, want 180 ballots %v", tally.Ballots, tally.Rows, want)
	}
	if tally, err := s.TallyRound(t.Context(), closed.ID); err != nil || tally.Ballots != 0 {
		t.Errorf("closed round tally = %+v, %v; want no ballots", tally, err)
	}
	if batches < 1 || batches >= n {
		t.Fatalf("%d ballots took %d transactions, want fewer than one each", n, batches)
	}
	t.Logf("%d ballots in %d transactions", n, batches)
}

// Within one batch, ballots of one voter behave as if cast one after the
// other, a failing ballot does not disturb the others, and a ballot whose
// caller gave up is not written.
func TestBallotBatchSameVoterSequential(t *testing.T) {
	s, _ := openBatchStore(t, true)
	open, closed := batchRounds(t, s)
	gone, cancel := context.WithCancel(t.Context())
	cancel()
	at := func(m int) time.Time { return batchCastAt.Add(time.Duration(m) * time.Minute) }
	req := func(ctx context.Context, roundID int64, voter, client string, values map[int]int, cast time.Time, replace bool) *ballotRequest {
		return &ballotRequest{ctx: ctx, replace: replace, result: make(chan ballotResult, 1),
			b: &backend.Ballot{RoundID: roundID, VoterKey: voter, ClientID: client, Values: values, CastAt: cast}}
	}
	reqs := []*ballotRequest{
		req(t.Context(), open.ID, "v", "c1", map[int]int{1: 1}, at(0), false),
		req(t.Context(), open.ID, "v", "c2", map[int]int{2: 1}, at(1), false),
		req(t.Context(), open.ID, "v", "c1", map[int]int{2: 1}, at(2), false),
		req(t.Context(), closed.ID, "v", "c1", map[int]int{1: 1}, at(3), true),
		req(t.Context(), open.ID, "w", "c1", map[int]int{1: 1}, at(4), true),
		req(t.Context(), open.ID, "w", "c2", map[int]int{2: 1}, at(5), true),
		req(gone, open.ID, "x", "c1", map[int]int{1: 1}, at(6), false),
	}
	before := s.ballots.batches.Load()
	s.ballots.runBatch(reqs)
	if n := s.ballots.batches.Load() - before; n != 1 {
		t.Fatalf("one batch took %d transactions, want 1", n)
	}
	res := make([]ballotResult, len(reqs))
	for k, r := range reqs {
		select {
		case res[k] = <-r.result:
		default:
			t.Fatalf("request %d was not answered", k)
		}
	}

	if r := res[0]; r.err != nil || r.outcome != backend.CastCreated || r.stored.ID == 0 {
		t.Errorf("first ballot: %q, %v; want created", r.outcome, r.err)
	}
	wantErr(t, "different second ballot", res[1].err, backend.ECONFLICT, "You have already voted in this vote.")
	if r := res[2]; r.err != nil || r.outcome != backend.CastSame || r.stored.ID != res[0].stored.ID ||
		!maps.Equal(r.stored.Values, map[int]int{1: 1}) || !r.stored.CastAt.Equal(at(0)) {
		t.Errorf("retry: %q, %+v, %v; want the first ballot, same", r.outcome, r.stored, r.err)
	}
	wantErr(t, "ballot in the closed round", res[3].err, backend.ECONFLICT, "This vote is not open.")
	if r := res[4]; r.err != nil || r.outcome != backend.CastCreated {
		t.Errorf("first replaceable ballot: %q, %v; want created", r.outcome, r.err)
	}
	if r := res[5]; r.err != nil || r.outcome != backend.CastReplaced || r.stored.ID != res[4].stored.ID ||
		!r.stored.CastAt.Equal(at(4)) || !r.stored.UpdatedAt.Equal(at(5)) {
		t.Errorf("replacing ballot: %q, %+v, %v; want the first one replaced", r.outcome, r.stored, r.err)
	}
	if r := res[6]; !errors.Is(r.err, context.Canceled) || backend.ErrorCode(r.err) != backend.EUNAVAILABLE {
		t.Errorf("ballot of a cancelled caller: %v, want context.Canceled as %s", r.err, backend.EUNAVAILABLE)
	}

	for voter, want := range map[string]struct {
		client string
		values map[int]int
	}{"v": {"c1", map[int]int{1: 1}}, "w": {"c2", map[int]int{2: 1}}} {
		b, err := s.FindBallot(t.Context(), open.ID, voter)
		if err != nil || b.ClientID != want.client || !maps.Equal(b.Values, want.values) {
			t.Errorf("stored ballot of %s = %+v, %v; want client %s values %v", voter, b, err, want.client, want.values)
		}
	}
	_, err := s.FindBallot(t.Context(), open.ID, "x")
	wantErr(t, "ballot of a cancelled caller", err, backend.ENOTFOUND, "")
	if tally, err := s.TallyRound(t.Context(), open.ID); err != nil || tally.Ballots != 2 {
		t.Errorf("tally = %+v, %v; want 2 ballots", tally, err)
	}
}

// A caller whose ctx ends gets its error, and its ballot is not stored,
// whether the ctx ended before the call or while the ballot waited.
func TestBallotBatchCancelled(t *testing.T) {
	s, _ := openBatchStore(t, true)
	open, _ := batchRounds(t, s)
	ballot := func(voter string) *backend.Ballot {
		return &backend.Ballot{RoundID: open.ID, VoterKey: voter, ClientID: "c", Values: map[int]int{1: 1}, CastAt: batchCastAt}
	}

	gone, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.CastBallot(gone, ballot("before"), false)
	if !errors.Is(err, context.Canceled) || backend.ErrorCode(err) != backend.EUNAVAILABLE {
		t.Errorf("cast with a cancelled ctx: %v, want context.Canceled as %s", err, backend.EUNAVAILABLE)
	}

	// The write connection is held until the call has returned, so the
	// ballot waits, either for the batcher or in its batch.
	release := holdWrite(t, s)
	waiting, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	within(t, time.Minute, "a cast whose ctx ends", func() {
		_, err = s.CastBallot(waiting, ballot("waiting"), false)
	})
	release()
	if !errors.Is(err, context.DeadlineExceeded) || backend.ErrorCode(err) != backend.EUNAVAILABLE {
		t.Errorf("cast whose ctx ended while waiting: %v, want context.DeadlineExceeded as %s", err, backend.EUNAVAILABLE)
	}
	// Once a later ballot is stored, the batch that might have held the
	// abandoned one is over.
	if got, err := s.CastBallot(t.Context(), ballot("after"), false); err != nil || got != backend.CastCreated {
		t.Fatalf("later ballot: %q, %v", got, err)
	}
	for _, voter := range []string{"before", "waiting"} {
		_, err := s.FindBallot(t.Context(), open.ID, voter)
		wantErr(t, "ballot "+voter, err, backend.ENOTFOUND, "")
	}
	if tally, err := s.TallyRound(t.Context(), open.ID); err != nil || tally.Ballots != 1 {
		t.Errorf("tally = %+v, %v; want 1 ballot", tally, err)
	}
}

// Close while ballots wait returns after the running batch: its ballot is
// stored and acknowledged, the waiting ones are refused, and none hangs.
func TestBallotBatchClose(t *testing.T) {
	s, path := openBatchStore(t, false)
	open, _ := batchRounds(t, s)
	ballot := func(voter string) *backend.Ballot {
		return &backend.Ballot{RoundID: open.ID, VoterKey: voter, ClientID: "c", Values: map[int]int{1: 1}, CastAt: batchCastAt}
	}
	release := holdWrite(t, s)

	// The first ballot's batch waits for the write connection ...
	waits := s.write.Stats().WaitCount
	first := make(chan error, 1)
	go func() {
		_, err := s.CastBallot(context.Background(), ballot("first"), false)
		first <- err
	}()
	for deadline := time.Now().Add(time.Minute); s.write.Stats().WaitCount == waits; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first ballot's batch never waited for the write connection")
		}
	}
	// ... while the others wait for the batcher.
	const n = 300
	errs := make([]error, n)
	var started, wg sync.WaitGroup
	started.Add(n)
	for k := range n {
		wg.Go(func() {
			b := ballot(fmt.Sprint("v", k))
			started.Done()
			_, errs[k] = s.CastBallot(context.Background(), b, false)
		})
	}
	started.Wait()
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	<-s.ballots.quit // Close has begun: the batcher takes no further batch
	release()
	within(t, time.Minute, "Close", func() {
		if err := <-closed; err != nil {
			t.Errorf("close: %v", err)
		}
	})
	within(t, time.Minute, "the waiting casts", wg.Wait)
	if err := <-first; err != nil {
		t.Errorf("ballot of the batch running at Close: %v", err)
	}
	for k, err := range errs {
		wantErr(t, fmt.Sprint("waiting ballot ", k), err, backend.EUNAVAILABLE, "The database is closed.")
	}
	within(t, time.Minute, "a cast after Close", func() {
		_, err := s.CastBallot(t.Context(), ballot("late"), false)
		wantErr(t, "cast after close", err, backend.EUNAVAILABLE, "The database is closed.")
	})

	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if tally, err := s.TallyRound(t.Context(), open.ID); err != nil || tally.Ballots != 1 {
		t.Errorf("tally after reopening = %+v, %v; want the 1 acknowledged ballot", tally, err)
	}
}

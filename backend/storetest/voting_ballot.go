package storetest

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func testBallot(t *testing.T, open Opener) {
	t.Run("CreatedSameReplacedConflict", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "cast")
		p := MustCreateParticipant(t, s, c, "voter")
		r := MustCreateRound(t, s, c, MustCreateAgendaSession(t, s, c, "S", now))
		MustOpenRound(t, s, r)
		start := lastSeq(t, s)

		b := &backend.Ballot{RoundID: r.ID, VoterKey: "p1", ParticipantID: &p.ID, ClientID: "c-1", Values: map[int]int{1: 1}, CastAt: now}
		wantCast(t, s, b, false, backend.CastCreated)
		if b.ID == 0 || !b.UpdatedAt.Equal(now) {
			t.Fatalf("created ballot: id = %d, updated at %v; want id set, updated at the cast time %v", b.ID, b.UpdatedAt, now)
		}
		wantBallot(t, s, b)

		// A retry with the same client id changes nothing and answers with
		// what is stored.
		retry := &backend.Ballot{RoundID: r.ID, VoterKey: "p1", ParticipantID: &p.ID, ClientID: "c-1", Values: map[int]int{2: 1}, CastAt: now.Add(time.Minute)}
		wantCast(t, s, retry, false, backend.CastSame)
		if retry.ID != b.ID || !reflect.DeepEqual(retry.Values, b.Values) || !retry.CastAt.Equal(now) || !retry.UpdatedAt.Equal(now) {
			t.Fatalf("retry = id %d, values %v, cast %v, updated %v; want the stored ballot %d, %v, %v, %v",
				retry.ID, retry.Values, retry.CastAt, retry.UpdatedAt, b.ID, b.Values, now, now)
		}
		other := &backend.Ballot{RoundID: r.ID, VoterKey: "p1", ParticipantID: &p.ID, ClientID: "c-2", Values: map[int]int{2: 1}, CastAt: now.Add(time.Minute)}
		_, err := s.CastBallot(t.Context(), other, false)
		wantCode(t, err, backend.ECONFLICT)
		wantBallot(t, s, b)

		// Replacing keeps the first cast time and takes the new one as UpdatedAt.
		later := now.Add(2 * time.Minute)
		repl := &backend.Ballot{RoundID: r.ID, VoterKey: "p1", ParticipantID: &p.ID, ClientID: "c-3", Values: map[int]int{2: 3, 4: 1}, CastAt: later}
		wantCast(t, s, repl, true, backend.CastReplaced)
		if repl.ID != b.ID || !repl.CastAt.Equal(now) || !repl.UpdatedAt.Equal(later) {
			t.Fatalf("replaced = id %d, cast %v, updated %v; want %d, %v, %v", repl.ID, repl.CastAt, repl.UpdatedAt, b.ID, now, later)
		}
		wantBallot(t, s, repl)
		again := &backend.Ballot{RoundID: r.ID, VoterKey: "p1", ParticipantID: &p.ID, ClientID: "c-3", Values: map[int]int{1: 1}, CastAt: later.Add(time.Minute)}
		wantCast(t, s, again, true, backend.CastSame)
		wantBallot(t, s, repl)

		anon := &backend.Ballot{RoundID: r.ID, VoterKey: "9f86d081884c7d65", ClientID: "anon", Values: map[int]int{1: 1}, CastAt: now}
		wantCast(t, s, anon, false, backend.CastCreated)
		wantBallot(t, s, anon)
		_, err = s.FindBallot(t.Context(), r.ID, "p2")
		wantCode(t, err, backend.ENOTFOUND)

		wantTally(t, s, r.ID, 2, backend.ValueCount{OptionID: 1, Value: 1, Count: 1},
			backend.ValueCount{OptionID: 2, Value: 3, Count: 1}, backend.ValueCount{OptionID: 4, Value: 1, Count: 1})
		wantChanges(t, s, start) // ballots travel no change feed
	})
	t.Run("OnlyWhileOpen", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "closed")
		sess := MustCreateAgendaSession(t, s, c, "S", now)
		draft := MustCreateRound(t, s, c, sess)
		closed := MustCreateRound(t, s, c, sess)
		MustOpenRound(t, s, closed)
		closed.State = backend.RoundClosed
		mustNoErr(t, s.UpdateRound(t.Context(), closed, false, nil), "close")
		for _, r := range []*backend.Round{draft, closed} {
			b := &backend.Ballot{RoundID: r.ID, VoterKey: "v", ClientID: "c", Values: map[int]int{1: 1}, CastAt: now}
			_, err := s.CastBallot(t.Context(), b, true)
			wantCode(t, err, backend.ECONFLICT)
			if msg := backend.ErrorMessage(err); msg != "This vote is not open." {
				t.Fatalf("ballot in a %s round: message %q, want %q", r.State, msg, "This vote is not open.")
			}
			wantTally(t, s, r.ID, 0)
		}
		b := &backend.Ballot{RoundID: 4711, VoterKey: "v", ClientID: "c", Values: map[int]int{1: 1}, CastAt: now}
		_, err := s.CastBallot(t.Context(), b, false)
		wantCode(t, err, backend.ENOTFOUND)
	})
	t.Run("DeleteRound", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "delround")
		sess := MustCreateAgendaSession(t, s, c, "S", now)
		draft := MustCreateRound(t, s, c, sess)
		voted := MustCreateRound(t, s, c, sess)
		MustOpenRound(t, s, voted)
		wantCast(t, s, &backend.Ballot{RoundID: voted.ID, VoterKey: "v", ClientID: "c", Values: map[int]int{1: 1}, CastAt: now}, false, backend.CastCreated)
		start := lastSeq(t, s)
		wantCode(t, s.DeleteRound(t.Context(), voted.ID), backend.ECONFLICT)
		mustNoErr(t, s.DeleteRound(t.Context(), draft.ID), "delete draft")
		_, err := s.FindRoundByID(t.Context(), draft.ID)
		wantCode(t, err, backend.ENOTFOUND)
		wantCode(t, s.DeleteRound(t.Context(), draft.ID), backend.ENOTFOUND)
		wantChanges(t, s, start,
			backend.Change{Entity: backend.EntityRound, EntityID: draft.ID, Op: backend.OpDelete, ConferenceID: c.ID})
	})
	t.Run("ConcurrentCastsOneBallotPerVoter", func(t *testing.T) {
		testConcurrentBallots(t, open(t))
	})
	t.Run("ResetDeletesBallotsAndResults", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "reset")
		idea := MustCreateIdea(t, s, c, nil, "Idee")
		r := MustCreateRound(t, s, c, MustCreateAgendaSession(t, s, c, "S", now), idea)
		MustOpenRound(t, s, r)
		for k := range 2 {
			b := &backend.Ballot{RoundID: r.ID, VoterKey: fmt.Sprint("v", k), ClientID: "c", Values: map[int]int{k + 1: 1}, CastAt: now}
			wantCast(t, s, b, false, backend.CastCreated)
		}
		closedAt := now.Add(time.Hour)
		r.State, r.ClosedAt = backend.RoundClosed, &closedAt
		mustNoErr(t, s.UpdateRound(t.Context(), r, false, nil), "close")
		mustNoErr(t, s.SaveRoundResults(t.Context(), mustTally(t, s, r, 2)), "save results")

		audit := &backend.AuditEntry{ConferenceID: c.ID, Actor: "Moderatorin", Action: "reset_vote", Entity: backend.EntityRound,
			EntityID: r.ID, Reason: "Technische Panne", CreatedAt: now.Add(2 * time.Hour)}
		stale := *r
		stale.Version--
		stale.State = backend.RoundDraft
		wantCode(t, s.UpdateRound(t.Context(), &stale, true, audit), backend.ECONFLICT)
		if audit.ID != 0 {
			t.Fatalf("failed reset set audit id %d, want 0", audit.ID)
		}
		wantTally(t, s, r.ID, 2, backend.ValueCount{OptionID: 1, Value: 1, Count: 1}, backend.ValueCount{OptionID: 2, Value: 1, Count: 1})

		start := lastSeq(t, s)
		r.State, r.OpenedAt, r.ClosedAt, r.UpdatedAt = backend.RoundDraft, nil, nil, now.Add(2*time.Hour)
		mustNoErr(t, s.UpdateRound(t.Context(), r, true, audit), "reset")
		if audit.ID == 0 {
			t.Fatal("reset: audit id not set")
		}
		wantTally(t, s, r.ID, 0)
		_, err := s.FindBallot(t.Context(), r.ID, "v0")
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindRoundResults(t.Context(), r.ID)
		wantCode(t, err, backend.ENOTFOUND)
		wantIdeaResults(t, s, idea.ID)
		wantAuditLog(t, s, "after reset", c.ID, 0, 10, 1, audit)
		wantChanges(t, s, start,
			backend.Change{Entity: backend.EntityRound, EntityID: r.ID, Op: backend.OpUpdate, ConferenceID: c.ID},
			backend.Change{Entity: backend.EntityIdea, EntityID: idea.ID, Op: backend.OpUpdate, ConferenceID: c.ID})

		// Opened again, the same voter votes afresh.
		MustOpenRound(t, s, r)
		b := &backend.Ballot{RoundID: r.ID, VoterKey: "v0", ClientID: "c", Values: map[int]int{3: 1}, CastAt: now}
		wantCast(t, s, b, false, backend.CastCreated)
	})
	t.Run("CloseWhileCasting", func(t *testing.T) {
		testCloseWhileCasting(t, open(t))
	})
}

// testConcurrentBallots: 200 voters cast at once while 20 requests race to
// store one further voter's first ballot. Every voter ends with exactly one
// ballot, and of the racers exactly one creates it.
func testConcurrentBallots(t *testing.T, s backend.Store) {
	const voters, racers = 200, 20
	c := MustCreateConference(t, s, "race")
	r := MustCreateRound(t, s, c, MustCreateAgendaSession(t, s, c, "S", now),
		MustCreateIdea(t, s, c, nil, "A"), MustCreateIdea(t, s, c, nil, "B"))
	MustOpenRound(t, s, r)

	type outcome struct {
		got backend.CastOutcome
		err error
	}
	raced := make([]outcome, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for k := range voters {
		wg.Go(func() {
			<-start
			b := &backend.Ballot{RoundID: r.ID, VoterKey: fmt.Sprint("v", k), ClientID: fmt.Sprint("c", k), Values: map[int]int{k%3 + 1: 1}, CastAt: now}
			if got, err := s.CastBallot(context.Background(), b, false); err != nil || got != backend.CastCreated {
				t.Errorf("voter %d: CastBallot = %q, %v; want %q", k, got, err, backend.CastCreated)
			}
		})
	}
	// Racers 0, 3, … retry one ballot; 1, 4, … send different ones without
	// replace; 2, 5, … send different ones with replace.
	for k := range racers {
		wg.Go(func() {
			<-start
			client, replace := "same", false
			switch k % 3 {
			case 1:
				client = fmt.Sprint("other", k)
			case 2:
				client, replace = fmt.Sprint("replace", k), true
			}
			b := &backend.Ballot{RoundID: r.ID, VoterKey: "racer", ClientID: client, Values: map[int]int{4: 1}, CastAt: now}
			got, err := s.CastBallot(context.Background(), b, replace)
			raced[k] = outcome{got, err}
		})
	}
	close(start)
	wg.Wait()

	created := 0
	for k, o := range raced {
		allowed := map[int][]backend.CastOutcome{
			0: {backend.CastCreated, backend.CastSame}, // or ECONFLICT once a replacement changed the client id
			1: {backend.CastCreated},                   // or ECONFLICT
			2: {backend.CastCreated, backend.CastReplaced},
		}[k%3]
		switch {
		case o.err != nil && (k%3 == 2 || backend.ErrorCode(o.err) != backend.ECONFLICT):
			t.Errorf("racer %d: unexpected error %v", k, o.err)
		case o.err == nil && !slices.Contains(allowed, o.got):
			t.Errorf("racer %d: outcome %q, want one of %q", k, o.got, allowed)
		case o.got == backend.CastCreated:
			created++
		}
	}
	if created != 1 {
		t.Fatalf("%d of %d racing first ballots of one voter were created, want exactly 1", created, racers)
	}
	wantTally(t, s, r.ID, voters+1,
		backend.ValueCount{OptionID: 1, Value: 1, Count: 67}, backend.ValueCount{OptionID: 2, Value: 1, Count: 67},
		backend.ValueCount{OptionID: 3, Value: 1, Count: 66}, backend.ValueCount{OptionID: 4, Value: 1, Count: 1})
}

// testCloseWhileCasting closes a round while ballots pour in. Every ballot
// whose CastBallot succeeded is counted, and none cast after UpdateRound
// returned succeeds.
func testCloseWhileCasting(t *testing.T, s backend.Store) {
	const workers, perWorker = 8, 50
	c := MustCreateConference(t, s, "closing")
	r := MustCreateRound(t, s, c, MustCreateAgendaSession(t, s, c, "S", now))
	MustOpenRound(t, s, r)

	var closing, closed atomic.Bool
	var stored, late atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				wasClosing, wasClosed := closing.Load(), closed.Load()
				b := &backend.Ballot{RoundID: r.ID, VoterKey: fmt.Sprintf("w%d-%d", w, i), ClientID: "c", Values: map[int]int{i%2 + 1: 1}, CastAt: now}
				_, err := s.CastBallot(context.Background(), b, false)
				switch {
				case err == nil:
					stored.Add(1)
					if wasClosed {
						late.Add(1)
					}
				case backend.ErrorCode(err) != backend.ECONFLICT:
					t.Errorf("cast: unexpected error %v", err)
					return
				case !wasClosing:
					// Refused although no close had begun when it started: only
					// a close that committed meanwhile may explain that.
					if !closing.Load() {
						t.Errorf("cast refused before any close: %v", err)
						return
					}
				}
			}
		})
	}
	for deadline := time.Now().Add(10 * time.Second); stored.Load() < 40 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	closing.Store(true)
	closedAt := now.Add(time.Minute)
	r.State, r.ClosedAt = backend.RoundClosed, &closedAt
	mustNoErr(t, s.UpdateRound(t.Context(), r, false, nil), "close")
	closed.Store(true)
	// The tally the results are computed from, taken as the App does right
	// after the close, while casts are still being attempted.
	atClose, err := s.TallyRound(t.Context(), r.ID)
	mustNoErr(t, err, "tally at close")
	wg.Wait()

	if n := late.Load(); n != 0 {
		t.Fatalf("%d ballots were stored although cast after the close returned", n)
	}
	final, err := s.TallyRound(t.Context(), r.ID)
	mustNoErr(t, err, "tally")
	for what, tally := range map[string]backend.Tally{"at close": atClose, "in the end": final} {
		sum := 0
		for _, row := range tally.Rows {
			sum += row.Count
		}
		if n := int(stored.Load()); tally.Ballots != n || sum != n {
			t.Fatalf("tally %s counts %d ballots with %d values, want the %d whose cast succeeded: a ballot committed after the close",
				what, tally.Ballots, sum, n)
		}
	}
	t.Logf("%d of %d ballots made it before the close", stored.Load(), workers*perWorker)
}

func testRoundResults(t *testing.T, open Opener) {
	t.Run("SaveFindAndWriteBack", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "results")
		sess := MustCreateAgendaSession(t, s, c, "Zukunftswerkstatt", now)
		i1, i2 := MustCreateIdea(t, s, c, nil, "Radwege"), MustCreateIdea(t, s, c, nil, "Bänke")
		untouched := MustCreateIdea(t, s, c, nil, "Ohne Abstimmung")
		r := NewRound(c, sess, i1, i2)
		r.Method, r.LiveResults = backend.MethodRating, false
		mustNoErr(t, s.CreateRound(t.Context(), r), "create round")
		MustOpenRound(t, s, r)
		for k, v := range []map[int]int{{1: 5, 2: 3}, {1: 4, 2: 3, 3: 1}, {1: 5}} {
			wantCast(t, s, &backend.Ballot{RoundID: r.ID, VoterKey: fmt.Sprint("v", k), ClientID: "c", Values: v, CastAt: now}, false, backend.CastCreated)
		}
		closedAt := now.Add(time.Hour)
		r.State, r.ClosedAt = backend.RoundClosed, &closedAt
		mustNoErr(t, s.UpdateRound(t.Context(), r, false, nil), "close")

		res := mustTally(t, s, r, 12)
		if res.Options[0].Mean != 4.67 || res.Options[0].Rank != 1 {
			t.Fatalf("computed results: first option mean %v rank %d, want 4.67 and 1", res.Options[0].Mean, res.Options[0].Rank)
		}
		start := lastSeq(t, s)
		mustNoErr(t, s.SaveRoundResults(t.Context(), res), "save")
		mustNoErr(t, s.SaveRoundResults(t.Context(), res), "save again") // replaces, no duplicate
		got, err := s.FindRoundResults(t.Context(), r.ID)
		mustNoErr(t, err, "find results")
		if !reflect.DeepEqual(got, res) {
			t.Fatalf("FindRoundResults =\n%+v\nwant\n%+v", got, res)
		}
		ideaChanges := []backend.Change{
			{Entity: backend.EntityIdea, EntityID: i1.ID, Op: backend.OpUpdate, ConferenceID: c.ID},
			{Entity: backend.EntityIdea, EntityID: i2.ID, Op: backend.OpUpdate, ConferenceID: c.ID},
		}
		wantChanges(t, s, start, slices.Concat(ideaChanges, ideaChanges)...)

		first := backend.IdeaRoundResult{IdeaID: i1.ID, RoundID: r.ID, RoundTitle: r.Title, SessionID: sess.ID, SessionTitle: sess.Title,
			Method: backend.MethodRating, State: backend.RoundClosed, Ballots: 3, Votes: 3, Mean: 4.67, Rank: 1, Options: 4, ClosedAt: closedAt}
		wantIdeaResults(t, s, i1.ID, first)
		wantIdeaResults(t, s, i2.ID, backend.IdeaRoundResult{IdeaID: i2.ID, RoundID: r.ID, RoundTitle: r.Title, SessionID: sess.ID,
			SessionTitle: sess.Title, Method: backend.MethodRating, State: backend.RoundClosed, Ballots: 3, Votes: 2, Mean: 3, Rank: 2,
			Options: 4, ClosedAt: closedAt})
		wantIdeaResults(t, s, untouched.ID)

		// A later round, still open (no ClosedAt), comes first.
		later := MustCreateRound(t, s, c, sess, i1)
		later.LiveResults = true
		MustOpenRound(t, s, later)
		wantCast(t, s, &backend.Ballot{RoundID: later.ID, VoterKey: "v0", ClientID: "c", Values: map[int]int{1: 1}, CastAt: now}, false, backend.CastCreated)
		mustNoErr(t, s.SaveRoundResults(t.Context(), mustTally(t, s, later, 12)), "save later")
		wantIdeaResults(t, s, i1.ID, backend.IdeaRoundResult{IdeaID: i1.ID, RoundID: later.ID, RoundTitle: later.Title, SessionID: sess.ID,
			SessionTitle: sess.Title, Method: backend.MethodSingle, State: backend.RoundOpen, LiveResults: true, Ballots: 1, Votes: 1,
			Rank: 1, Options: 3}, first)
	})
	t.Run("NotFound", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "nores")
		r := MustCreateRound(t, s, c, MustCreateAgendaSession(t, s, c, "S", now))
		_, err := s.FindRoundResults(t.Context(), r.ID)
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindRoundResults(t.Context(), 4711)
		wantCode(t, err, backend.ENOTFOUND)
		start := lastSeq(t, s)
		wantCode(t, s.SaveRoundResults(t.Context(), &backend.Results{RoundID: 4711}), backend.ENOTFOUND)
		wantChanges(t, s, start)
	})
}

// wantCast casts b and fails unless the outcome is want; b's values must
// then be what is stored, never nil.
func wantCast(tb testing.TB, s backend.Store, b *backend.Ballot, replace bool, want backend.CastOutcome) {
	tb.Helper()
	got, err := s.CastBallot(context.Background(), b, replace)
	if err != nil || got != want {
		tb.Fatalf("CastBallot(%s, replace %v) = %q, %v; want %q", b.ClientID, replace, got, err, want)
	}
	if b.Values == nil {
		tb.Fatalf("CastBallot(%s) left Values nil", b.ClientID)
	}
}

// wantBallot fails unless the stored ballot of want's voter is want.
func wantBallot(tb testing.TB, s backend.Store, want *backend.Ballot) {
	tb.Helper()
	got, err := s.FindBallot(context.Background(), want.RoundID, want.VoterKey)
	mustNoErr(tb, err, "find ballot")
	g, w := *got, *want
	sameInstant(tb, g.CastAt, w.CastAt)
	sameInstant(tb, g.UpdatedAt, w.UpdatedAt)
	g.CastAt, w.CastAt, g.UpdatedAt, w.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		tb.Fatalf("ballot =\n%+v (participant %s)\nwant\n%+v (participant %s)", g, fmtID(g.ParticipantID), w, fmtID(w.ParticipantID))
	}
}

// wantTally fails unless a round's tally is exactly ballots and rows, in any order.
func wantTally(tb testing.TB, s backend.Store, roundID int64, ballots int, rows ...backend.ValueCount) {
	tb.Helper()
	got, err := s.TallyRound(context.Background(), roundID)
	mustNoErr(tb, err, "tally")
	byKey := func(a, b backend.ValueCount) int {
		return cmp.Or(cmp.Compare(a.OptionID, b.OptionID), cmp.Compare(a.Value, b.Value))
	}
	slices.SortFunc(got.Rows, byKey)
	slices.SortFunc(rows, byKey)
	if got.Ballots != ballots || !slices.Equal(got.Rows, rows) {
		tb.Fatalf("tally = %d ballots %v, want %d ballots %v", got.Ballots, got.Rows, ballots, rows)
	}
}

// mustTally computes a round's results from its tally, as the App does at close.
func mustTally(tb testing.TB, s backend.Store, r *backend.Round, eligible int) *backend.Results {
	tb.Helper()
	tally, err := s.TallyRound(context.Background(), r.ID)
	mustNoErr(tb, err, "tally")
	return backend.ComputeResults(r, tally, eligible)
}

// wantIdeaResults fails unless an idea's stored results are exactly want, in
// order, as a non-nil slice.
func wantIdeaResults(tb testing.TB, s backend.Store, ideaID int64, want ...backend.IdeaRoundResult) {
	tb.Helper()
	got, err := s.FindIdeaRoundResults(context.Background(), ideaID)
	mustNoErr(tb, err, "idea results")
	if got == nil || len(got) != len(want) {
		tb.Fatalf("FindIdeaRoundResults(%d) = %+v, want %d results (non-nil)", ideaID, got, len(want))
	}
	for k := range want {
		g, w := got[k], want[k]
		sameInstant(tb, g.ClosedAt, w.ClosedAt) // zero when the round has not closed
		g.ClosedAt, w.ClosedAt = time.Time{}, time.Time{}
		if g != w {
			tb.Fatalf("idea result %d =\n%+v\nwant\n%+v", k, g, w)
		}
	}
}

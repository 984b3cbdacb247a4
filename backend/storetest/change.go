package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func testChanges(t *testing.T, open Opener) {
	t.Run("EveryWriteRecordsOneChange", func(t *testing.T) {
		s := open(t)
		a := MustCreateAccount(t, s, "c@example.org")
		c := MustCreateConference(t, s, "feed")
		c.Title = "Geändert"
		mustNoErr(t, s.UpdateConference(t.Context(), c), "update")
		wantCode(t, s.CreateConference(t.Context(), NewConference("feed")), backend.ECONFLICT) // a failed write records nothing

		got, err := s.ChangesSince(t.Context(), 0, 100)
		mustNoErr(t, err, "changes")
		want := []backend.Change{
			{Entity: backend.EntityAccount, EntityID: a.ID, Op: backend.OpCreate},
			{Entity: backend.EntityConference, EntityID: c.ID, Op: backend.OpCreate, ConferenceID: c.ID},
			{Entity: backend.EntityConference, EntityID: c.ID, Op: backend.OpUpdate, ConferenceID: c.ID},
		}
		if len(got) != len(want) {
			t.Fatalf("got %d changes %+v, want %d", len(got), got, len(want))
		}
		for i := range want {
			g := got[i]
			if g.Entity != want[i].Entity || g.EntityID != want[i].EntityID || g.Op != want[i].Op || g.ConferenceID != want[i].ConferenceID {
				t.Errorf("change %d = %+v, want %+v", i, g, want[i])
			}
			if i > 0 && g.Seq <= got[i-1].Seq {
				t.Errorf("seq not ascending: %d after %d", g.Seq, got[i-1].Seq)
			}
		}
		rest, err := s.ChangesSince(t.Context(), got[0].Seq, 1)
		mustNoErr(t, err, "changes since first")
		if len(rest) != 1 || rest[0].Seq != got[1].Seq {
			t.Fatalf("ChangesSince(first, limit 1) = %+v, want only the second change", rest)
		}
	})
	t.Run("SubscribeWakesAfterCommit", func(t *testing.T) {
		s := open(t)
		ch, cancel := s.Subscribe()
		defer cancel()
		MustCreateConference(t, s, "wake")
		select {
		case <-ch:
		case <-time.After(5 * time.Second):
			t.Fatal("subscriber not woken within 5s of a committed change")
		}
	})
	t.Run("ConcurrentWritersReaderMissesNothing", func(t *testing.T) {
		testConcurrentFeed(t, open(t))
	})
}

// testConcurrentFeed is the sequence-gap trap: with many writers, a sequence
// number drawn earlier can commit later. A reader that follows along by "last
// seq seen" must still receive every change exactly once.
func testConcurrentFeed(t *testing.T, s backend.Store) {
	const writers, perWriter = 16, 15
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()

	seen := map[int64]bool{}
	var last int64
	read := func() {
		got, err := s.ChangesSince(context.Background(), last, 1000)
		if err != nil {
			t.Errorf("changes since %d: %v", last, err)
			return
		}
		for _, c := range got {
			if seen[c.Seq] {
				t.Errorf("change %d delivered twice", c.Seq)
			}
			seen[c.Seq] = true
			last = c.Seq
		}
	}
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for ctx.Err() == nil {
			read()
		}
	}()

	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				c := NewConference(fmt.Sprintf("w%d-%d", w, i))
				if err := s.CreateConference(context.Background(), c); err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	cancel()
	<-readerDone
	read() // whatever committed after the reader's last poll

	if want := writers * perWriter; len(seen) != want {
		t.Fatalf("reader following along saw %d changes, want %d: a change committed behind the reader's cursor was skipped", len(seen), want)
	}
}

// lastSeq returns the newest change's Seq, or 0 on an empty feed.
func lastSeq(tb testing.TB, s backend.Store) int64 {
	tb.Helper()
	var seq int64
	for {
		got, err := s.ChangesSince(context.Background(), seq, 1000)
		mustNoErr(tb, err, "changes")
		if len(got) == 0 {
			return seq
		}
		seq = got[len(got)-1].Seq
	}
}

// wantChanges fails unless the changes after seq are exactly want (Seq and
// CreatedAt aside), in order.
func wantChanges(tb testing.TB, s backend.Store, seq int64, want ...backend.Change) {
	tb.Helper()
	got, err := s.ChangesSince(context.Background(), seq, 1000)
	mustNoErr(tb, err, "changes")
	if len(got) != len(want) {
		tb.Fatalf("got %d changes %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i, g := range got {
		if g.Entity != want[i].Entity || g.EntityID != want[i].EntityID || g.Op != want[i].Op || g.ConferenceID != want[i].ConferenceID {
			tb.Errorf("change %d = %+v, want %+v", i, g, want[i])
		}
	}
}

package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"ideenmarkt/backend"
)

func testSupport(t *testing.T, open Opener) {
	t.Run("OnOffIdempotent", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "support")
		p := MustCreateParticipant(t, s, c, "p")
		i := MustCreateIdea(t, s, c, nil, "Mehr Bänke")
		for _, step := range []struct {
			on      bool
			want    int
			changes int
		}{
			{true, 1, 1},
			{true, 1, 0}, // already supported: nothing changed, so no change row
			{false, 0, 1},
			{false, 0, 0},
			{true, 1, 1},
		} {
			start := lastSeq(t, s)
			n, err := s.SetSupport(t.Context(), i.ID, p.ID, step.on, now)
			mustNoErr(t, err, fmt.Sprint("set support ", step.on))
			if n != step.want {
				t.Fatalf("SetSupport(on=%v) = %d, want %d", step.on, n, step.want)
			}
			if got := supportCount(t, s, i.ID); got != step.want {
				t.Fatalf("after SetSupport(on=%v): stored support count = %d, want %d", step.on, got, step.want)
			}
			changes, err := s.ChangesSince(t.Context(), start, 100)
			mustNoErr(t, err, "changes")
			if len(changes) != step.changes {
				t.Fatalf("SetSupport(on=%v) wrote %d changes %+v, want %d", step.on, len(changes), changes, step.changes)
			}
		}
	})
	t.Run("CountsPerIdea", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "count")
		p1 := MustCreateParticipant(t, s, c, "p1")
		p2 := MustCreateParticipant(t, s, c, "p2")
		a := MustCreateIdea(t, s, c, p1, "A")
		b := MustCreateIdea(t, s, c, p1, "B")
		for _, st := range []struct {
			idea, participant int64
			want              int
		}{{a.ID, p1.ID, 1}, {a.ID, p2.ID, 2}, {b.ID, p2.ID, 1}} {
			n, err := s.SetSupport(t.Context(), st.idea, st.participant, true, now)
			mustNoErr(t, err, "support")
			if n != st.want {
				t.Fatalf("SetSupport(idea %d, participant %d) = %d, want %d", st.idea, st.participant, n, st.want)
			}
		}
		if got := supportCount(t, s, a.ID); got != 2 {
			t.Fatalf("idea A support count = %d, want 2", got)
		}
		if got := supportCount(t, s, b.ID); got != 1 {
			t.Fatalf("idea B support count = %d, want 1", got)
		}
		list, _, err := s.FindIdeas(t.Context(), backend.IdeaFilter{ConferenceID: c.ID, Sort: backend.SortSupports})
		mustNoErr(t, err, "list")
		if len(list) != 2 || list[0].ID != a.ID || list[0].SupportCount != 2 || list[1].SupportCount != 1 {
			t.Fatalf("listed ids %v, want A %d (2 supports) before B %d (1)", idsOf(list), a.ID, b.ID)
		}
	})
	t.Run("SupportedBy", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "by")
		p := MustCreateParticipant(t, s, c, "p")
		q := MustCreateParticipant(t, s, c, "q")
		i1 := MustCreateIdea(t, s, c, nil, "Eins")
		i2 := MustCreateIdea(t, s, c, nil, "Zwei")
		i3 := MustCreateIdea(t, s, c, nil, "Drei")
		i4 := MustCreateIdea(t, s, c, nil, "Vier")
		for _, id := range []int64{i1.ID, i3.ID, i4.ID} {
			_, err := s.SetSupport(t.Context(), id, p.ID, true, now)
			mustNoErr(t, err, "support")
		}
		_, err := s.SetSupport(t.Context(), i2.ID, q.ID, true, now) // someone else's support is not p's
		mustNoErr(t, err, "support by q")
		_, err = s.SetSupport(t.Context(), i4.ID, p.ID, false, now)
		mustNoErr(t, err, "withdraw")
		wantSupported(t, s, p.ID, []int64{i1.ID, i2.ID, i3.ID, i4.ID, 4711}, i1.ID, i3.ID)
		wantSupported(t, s, p.ID, []int64{i2.ID})
		wantSupported(t, s, q.ID, []int64{i1.ID, i2.ID}, i2.ID)
		wantSupported(t, s, p.ID, []int64{})
		wantSupported(t, s, p.ID, nil)
	})
	t.Run("UnknownIsNotFound", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "nf")
		p := MustCreateParticipant(t, s, c, "p")
		i := MustCreateIdea(t, s, c, nil, "Idee")
		_, err := s.SetSupport(t.Context(), 4711, p.ID, true, now)
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.SetSupport(t.Context(), i.ID, 4711, true, now)
		wantCode(t, err, backend.ENOTFOUND)
		if got := supportCount(t, s, i.ID); got != 0 {
			t.Fatalf("support count = %d after rejected supports, want 0", got)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		testConcurrentSupport(t, open(t))
	})
}

// testConcurrentSupport is the lost-update trap: 200 people support one idea
// at the same moment, then half of them withdraw at once. A count kept by
// read-modify-write outside the row lock comes out short.
func testConcurrentSupport(t *testing.T, s backend.Store) {
	const n = 200
	c := MustCreateConference(t, s, "rush")
	i := MustCreateIdea(t, s, c, nil, "Kantine länger öffnen")
	people := MustCreateParticipants(t, s, c, n)
	ideaIDs := []int64{i.ID}
	rush := func(who []*backend.Participant, on bool) []int {
		t.Helper()
		counts := make([]int, len(who))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for k, p := range who {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				n, err := s.SetSupport(context.Background(), i.ID, p.ID, on, now)
				if err != nil {
					t.Errorf("SetSupport(participant %d, on=%v): %v", p.ID, on, err)
				}
				counts[k] = n
			}()
		}
		close(start)
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		return counts
	}

	counts := rush(people, true)
	if got := supportCount(t, s, i.ID); got != n {
		t.Fatalf("after %d concurrent supports: support count = %d, want %d", n, got, n)
	}
	wantEachOnce(t, "support", counts, 1, n)
	for _, p := range people {
		wantSupported(t, s, p.ID, ideaIDs, i.ID)
	}

	counts = rush(people[:n/2], false)
	if got := supportCount(t, s, i.ID); got != n/2 {
		t.Fatalf("after %d concurrent withdrawals: support count = %d, want %d", n/2, got, n/2)
	}
	wantEachOnce(t, "withdrawal", counts, n/2, n-1)
	for k, p := range people {
		if k < n/2 {
			wantSupported(t, s, p.ID, ideaIDs)
		} else {
			wantSupported(t, s, p.ID, ideaIDs, i.ID)
		}
	}
}

// wantEachOnce fails unless counts holds every number from lo to hi exactly
// once: each call returns the count its own change produced.
func wantEachOnce(tb testing.TB, what string, counts []int, lo, hi int) {
	tb.Helper()
	seen := map[int]int{}
	for _, n := range counts {
		seen[n]++
	}
	for n := lo; n <= hi; n++ {
		if seen[n] != 1 {
			tb.Fatalf("concurrent %s: count %d returned %d times, want once (returned counts: %v)", what, n, seen[n], counts)
		}
	}
}

// wantSupported fails unless SupportedBy(participant, ideaIDs) marks exactly want.
func wantSupported(tb testing.TB, s backend.Store, participantID int64, ideaIDs []int64, want ...int64) {
	tb.Helper()
	got, err := s.SupportedBy(context.Background(), participantID, ideaIDs)
	mustNoErr(tb, err, "supported by")
	supported := map[int64]bool{}
	for id, ok := range got {
		if ok {
			supported[id] = true
		}
	}
	if len(supported) != len(want) {
		tb.Fatalf("SupportedBy(%d, %v) = %v, want exactly %v", participantID, ideaIDs, got, want)
	}
	for _, id := range want {
		if !supported[id] {
			tb.Fatalf("SupportedBy(%d, %v) = %v, want exactly %v", participantID, ideaIDs, got, want)
		}
	}
}

func supportCount(tb testing.TB, s backend.Store, ideaID int64) int {
	tb.Helper()
	i, err := s.FindIdeaByID(context.Background(), ideaID)
	mustNoErr(tb, err, "find idea")
	return i.SupportCount
}

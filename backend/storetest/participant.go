package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func testParticipant(t *testing.T, open Opener) {
	t.Run("CreateAndFind", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "p")
		p := &backend.Participant{
			ConferenceID: c.ID, KeyHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			DisplayName: `Zoë O'Brien <img src=x> 🚲`, Department: "Amt 61 – Stadtplanung",
			Role: backend.RoleModerator, CreatedAt: now,
		}
		mustNoErr(t, s.CreateParticipant(t.Context(), p, 0), "create")
		if p.ID == 0 {
			t.Fatal("participant id not set after create")
		}
		byID, err := s.FindParticipantByID(t.Context(), p.ID)
		mustNoErr(t, err, "find by id")
		sameParticipant(t, byID, p)
		byKey, err := s.FindParticipantByKey(t.Context(), c.ID, p.KeyHash)
		mustNoErr(t, err, "find by key")
		sameParticipant(t, byKey, p)
	})
	t.Run("ListPerConference", func(t *testing.T) {
		s := open(t)
		a, b := MustCreateConference(t, s, "a"), MustCreateConference(t, s, "b")
		p1 := MustCreateParticipant(t, s, a, "k1")
		MustCreateParticipant(t, s, b, "k2")
		p3 := MustCreateParticipant(t, s, a, "k3")
		got, err := s.FindParticipants(t.Context(), a.ID)
		mustNoErr(t, err, "list")
		if len(got) != 2 || got[0].ID != p1.ID || got[1].ID != p3.ID {
			t.Fatalf("participants of a = %+v, want ids %d, %d", got, p1.ID, p3.ID)
		}
		sameParticipant(t, got[1], p3)
		empty, err := s.FindParticipants(t.Context(), 4711)
		mustNoErr(t, err, "list unknown")
		if empty == nil || len(empty) != 0 {
			t.Fatalf("participants of an unknown conference = %v, want an empty non-nil slice", empty)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "nf")
		other := MustCreateConference(t, s, "other")
		MustCreateParticipant(t, s, c, "k1")
		_, err := s.FindParticipantByID(t.Context(), 4711)
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindParticipantByKey(t.Context(), c.ID, "unknown")
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindParticipantByKey(t.Context(), other.ID, "k1") // a key is a membership of one conference only
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindParticipantByKey(t.Context(), c.ID, "")
		wantCode(t, err, backend.ENOTFOUND)
	})
	t.Run("UnknownConferenceIsNotFound", func(t *testing.T) {
		s := open(t)
		p := &backend.Participant{ConferenceID: 4711, KeyHash: "k", DisplayName: "Anna", Role: backend.RoleParticipant, CreatedAt: now}
		wantCode(t, s.CreateParticipant(t.Context(), p, 0), backend.ENOTFOUND)
	})
	t.Run("DuplicateKeyIsConflictPerConference", func(t *testing.T) {
		s := open(t)
		a := MustCreateConference(t, s, "a")
		b := MustCreateConference(t, s, "b")
		first := MustCreateParticipant(t, s, a, "same-key")
		dup := &backend.Participant{ConferenceID: a.ID, KeyHash: "same-key", DisplayName: "Zweite", Role: backend.RoleParticipant, CreatedAt: now}
		wantCode(t, s.CreateParticipant(t.Context(), dup, 0), backend.ECONFLICT)
		inB := MustCreateParticipant(t, s, b, "same-key")
		if inB.ID == first.ID {
			t.Fatalf("participant in b got id %d, the same as in a", inB.ID)
		}
		got, err := s.FindParticipantByKey(t.Context(), a.ID, "same-key")
		mustNoErr(t, err, "find in a")
		sameParticipant(t, got, first)
		got, err = s.FindParticipantByKey(t.Context(), b.ID, "same-key")
		mustNoErr(t, err, "find in b")
		sameParticipant(t, got, inB)
	})
	t.Run("Update", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "upd")
		p := MustCreateParticipant(t, s, c, "k")
		p.Role, p.DisplayName, p.Department = backend.RoleModerator, "Neuer Name – ß", "Amt 61 – Stadtplanung"
		mustNoErr(t, s.UpdateParticipant(t.Context(), p), "update")
		got, err := s.FindParticipantByID(t.Context(), p.ID)
		mustNoErr(t, err, "find")
		sameParticipant(t, got, p)

		p.KeyHash = "rotated"
		mustNoErr(t, s.UpdateParticipant(t.Context(), p), "update key")
		_, err = s.FindParticipantByKey(t.Context(), c.ID, "k")
		wantCode(t, err, backend.ENOTFOUND)
		got, err = s.FindParticipantByKey(t.Context(), c.ID, "rotated")
		mustNoErr(t, err, "find by new key")
		sameParticipant(t, got, p)
	})
	t.Run("UpdateMissingIsNotFound", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "ghost")
		p := &backend.Participant{ID: 4711, ConferenceID: c.ID, KeyHash: "k", DisplayName: "Geist", Role: backend.RoleParticipant, CreatedAt: now}
		wantCode(t, s.UpdateParticipant(t.Context(), p), backend.ENOTFOUND)
	})
	t.Run("UpdateToTakenKeyIsConflict", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "taken")
		MustCreateParticipant(t, s, c, "k1")
		p := MustCreateParticipant(t, s, c, "k2")
		p.KeyHash = "k1"
		wantCode(t, s.UpdateParticipant(t.Context(), p), backend.ECONFLICT)
	})
	t.Run("LeaveErasesKey", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "leave")
		p := MustCreateParticipant(t, s, c, "old-key")
		q := MustCreateParticipant(t, s, c, "other-key")
		left := now.Add(2 * time.Hour)
		for _, x := range []*backend.Participant{p, q} {
			x.KeyHash, x.DisplayName, x.LeftAt = "", "", &left
			mustNoErr(t, s.UpdateParticipant(t.Context(), x), "leave") // two NULL keys in one conference are no conflict
		}
		got, err := s.FindParticipantByID(t.Context(), p.ID)
		mustNoErr(t, err, "find after leaving")
		sameParticipant(t, got, p)
		_, err = s.FindParticipantByKey(t.Context(), c.ID, "old-key")
		wantCode(t, err, backend.ENOTFOUND)

		again := MustCreateParticipant(t, s, c, "old-key")
		if again.ID == p.ID {
			t.Fatalf("rejoining reused id %d of the departed membership", p.ID)
		}
		got, err = s.FindParticipantByKey(t.Context(), c.ID, "old-key")
		mustNoErr(t, err, "find the new membership")
		sameParticipant(t, got, again)
	})
	t.Run("EveryWriteRecordsOneChange", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "feed")
		start := lastSeq(t, s)
		p := MustCreateParticipant(t, s, c, "k")
		p.Role = backend.RoleModerator
		mustNoErr(t, s.UpdateParticipant(t.Context(), p), "update")
		wantCode(t, s.CreateParticipant(t.Context(), &backend.Participant{ConferenceID: c.ID, KeyHash: "k", DisplayName: "x", Role: backend.RoleParticipant, CreatedAt: now}, 0), backend.ECONFLICT)
		wantChanges(t, s, start,
			backend.Change{Entity: backend.EntityParticipant, EntityID: p.ID, Op: backend.OpCreate, ConferenceID: c.ID},
			backend.Change{Entity: backend.EntityParticipant, EntityID: p.ID, Op: backend.OpUpdate, ConferenceID: c.ID},
		)
	})
	t.Run("JoinWithInvite", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "invited")
		inv := MustSaveInvite(t, s, c, "anna@example.org", "token")
		start := lastSeq(t, s)
		p := NewParticipant(c, "k1")
		p.CreatedAt = now.Add(90 * time.Minute)
		mustNoErr(t, s.CreateParticipant(t.Context(), p, inv.ID), "join with invite")
		got, err := s.FindParticipantByID(t.Context(), p.ID)
		mustNoErr(t, err, "find")
		sameParticipant(t, got, p)
		inv.UsedAt, inv.ParticipantID = &p.CreatedAt, &p.ID
		wantInvites(t, s, c.ID, inv)
		wantChanges(t, s, start,
			backend.Change{Entity: backend.EntityParticipant, EntityID: p.ID, Op: backend.OpCreate, ConferenceID: c.ID},
			backend.Change{Entity: backend.EntityInvite, EntityID: inv.ID, Op: backend.OpUpdate, ConferenceID: c.ID},
		)

		// A used invite is a conflict, and nothing is written.
		start = lastSeq(t, s)
		again := NewParticipant(c, "k2")
		wantCode(t, s.CreateParticipant(t.Context(), again, inv.ID), backend.ECONFLICT)
		if again.ID != 0 {
			t.Fatalf("rejected participant got id %d, want 0", again.ID)
		}
		_, err = s.FindParticipantByKey(t.Context(), c.ID, "k2")
		wantCode(t, err, backend.ENOTFOUND)
		wantChanges(t, s, start)
		wantInvites(t, s, c.ID, inv)
		wantParticipantIDs(t, s, c.ID, p.ID)

		// Joining without an invite still works alongside.
		MustCreateParticipant(t, s, c, "k3")
	})
	t.Run("JoinWithInviteOfOtherConferenceIsConflict", func(t *testing.T) {
		s := open(t)
		a := MustCreateConference(t, s, "a")
		b := MustCreateConference(t, s, "b")
		inB := MustSaveInvite(t, s, b, "anna@example.org", "token")
		start := lastSeq(t, s)
		wantCode(t, s.CreateParticipant(t.Context(), NewParticipant(a, "k"), inB.ID), backend.ECONFLICT)
		wantCode(t, s.CreateParticipant(t.Context(), NewParticipant(a, "k"), 4711), backend.ENOTFOUND)
		wantChanges(t, s, start)
		wantParticipantIDs(t, s, a.ID)
		wantInvites(t, s, b.ID, inB) // still unused: b's invitee can join b
		p := NewParticipant(b, "k")
		mustNoErr(t, s.CreateParticipant(t.Context(), p, inB.ID), "join b")
	})
	t.Run("JoinWithInviteAndTakenKeyWritesNothing", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "taken")
		first := MustCreateParticipant(t, s, c, "k")
		inv := MustSaveInvite(t, s, c, "anna@example.org", "token")
		wantCode(t, s.CreateParticipant(t.Context(), NewParticipant(c, "k"), inv.ID), backend.ECONFLICT)
		wantInvites(t, s, c.ID, inv) // the invite was not used up by the failed join
		wantParticipantIDs(t, s, c.ID, first.ID)
	})
	t.Run("ConcurrentUseOfOneInvite", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "rush")
		inv := MustSaveInvite(t, s, c, "anna@example.org", "token")
		const n = 10
		people := make([]*backend.Participant, n)
		ok := winners(t, n, func(k int) error {
			people[k] = NewParticipant(c, fmt.Sprint("k", k))
			return s.CreateParticipant(context.Background(), people[k], inv.ID)
		})
		if ok != 1 {
			t.Fatalf("%d of %d concurrent joins with one invite succeeded, want exactly 1", ok, n)
		}
		var winner *backend.Participant
		for _, p := range people {
			if p.ID != 0 {
				winner = p
			}
		}
		wantParticipantIDs(t, s, c.ID, winner.ID)
		inv.UsedAt, inv.ParticipantID = &winner.CreatedAt, &winner.ID
		wantInvites(t, s, c.ID, inv)
	})
}

// wantParticipantIDs fails unless the conference's participants are exactly ids.
func wantParticipantIDs(tb testing.TB, s backend.Store, conferenceID int64, ids ...int64) {
	tb.Helper()
	got, err := s.FindParticipants(context.Background(), conferenceID)
	mustNoErr(tb, err, "list participants")
	gotIDs := make([]int64, len(got))
	for k, p := range got {
		gotIDs[k] = p.ID
	}
	if len(ids) == 0 {
		ids = []int64{}
	}
	if !reflect.DeepEqual(gotIDs, ids) {
		tb.Fatalf("participants of conference %d = %v, want %v", conferenceID, gotIDs, ids)
	}
}

// sameParticipant compares every field; times must be equal instants in UTC.
func sameParticipant(tb testing.TB, got, want *backend.Participant) {
	tb.Helper()
	g, w := *got, *want
	if !g.CreatedAt.Equal(w.CreatedAt) || g.CreatedAt.Location() != time.UTC {
		tb.Fatalf("participant %d created at %v, want %v in UTC", w.ID, g.CreatedAt, w.CreatedAt)
	}
	switch {
	case (g.LeftAt == nil) != (w.LeftAt == nil):
		tb.Fatalf("participant %d left at %v, want %v", w.ID, g.LeftAt, w.LeftAt)
	case g.LeftAt != nil && (!g.LeftAt.Equal(*w.LeftAt) || g.LeftAt.Location() != time.UTC):
		tb.Fatalf("participant %d left at %v, want %v in UTC", w.ID, *g.LeftAt, *w.LeftAt)
	}
	g.CreatedAt, w.CreatedAt, g.LeftAt, w.LeftAt = time.Time{}, time.Time{}, nil, nil
	if !reflect.DeepEqual(g, w) {
		tb.Fatalf("participant =\n%+v\nwant\n%+v", g, w)
	}
}

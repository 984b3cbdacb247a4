package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func testInvite(t *testing.T, open Opener) {
	t.Run("CreateAndFind", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "inv")
		a := NewInvite("anna.müller@example.org", "token-a")
		b := NewInvite("BERND+konferenz@example.org", "token-b")
		b.CreatedAt = now.Add(time.Minute)
		mustNoErr(t, s.SaveInvites(t.Context(), c.ID, []*backend.Invite{a, b}), "save")
		if a.ID == 0 || b.ID == 0 || a.ID == b.ID {
			t.Fatalf("invite ids = %d, %d; want two different ids", a.ID, b.ID)
		}
		if a.ConferenceID != c.ID || a.UsedAt != nil || a.ParticipantID != nil {
			t.Fatalf("after save: invite %+v, want conference %d, unused", a, c.ID)
		}
		wantInvites(t, s, c.ID, a, b)

		got, err := s.FindInviteByToken(t.Context(), c.ID, "token-b")
		mustNoErr(t, err, "find by token")
		sameInvite(t, got, b)
		_, err = s.FindInviteByToken(t.Context(), c.ID, "token-x")
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindInviteByToken(t.Context(), c.ID, "")
		wantCode(t, err, backend.ENOTFOUND)

		other := MustCreateConference(t, s, "other")
		_, err = s.FindInviteByToken(t.Context(), other.ID, "token-a") // a token opens its own conference only
		wantCode(t, err, backend.ENOTFOUND)
		wantInvites(t, s, other.ID)
		wantInvites(t, s, 4711)
	})
	t.Run("ReissueReplacesTokenAndKeepsUse", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "again")
		used := NewInvite("used@example.org", "old-used")
		fresh := NewInvite("fresh@example.org", "old-fresh")
		mustNoErr(t, s.SaveInvites(t.Context(), c.ID, []*backend.Invite{used, fresh}), "save")
		p := NewParticipant(c, "key")
		p.CreatedAt = now.Add(time.Hour)
		mustNoErr(t, s.CreateParticipant(t.Context(), p, used.ID), "join with invite")

		later := now.Add(24 * time.Hour)
		reUsed := NewInvite("used@example.org", "new-used")
		reFresh := NewInvite("fresh@example.org", "new-fresh")
		newcomer := NewInvite("neu@example.org", "new-newcomer")
		for _, inv := range []*backend.Invite{reUsed, reFresh, newcomer} {
			inv.CreatedAt = later
		}
		start := lastSeq(t, s)
		mustNoErr(t, s.SaveInvites(t.Context(), c.ID, []*backend.Invite{reUsed, reFresh, newcomer}), "save again")
		if reUsed.ID != used.ID || reFresh.ID != fresh.ID {
			t.Fatalf("reissued ids = %d, %d; want the existing %d, %d", reUsed.ID, reFresh.ID, used.ID, fresh.ID)
		}
		if reUsed.UsedAt == nil || !reUsed.UsedAt.Equal(p.CreatedAt) || reUsed.ParticipantID == nil || *reUsed.ParticipantID != p.ID {
			t.Fatalf("reissued used invite: used at %v by %s, want %v by %d", reUsed.UsedAt, fmtID(reUsed.ParticipantID), p.CreatedAt, p.ID)
		}
		if reFresh.UsedAt != nil || reFresh.ParticipantID != nil {
			t.Fatalf("reissued unused invite: used at %v by %s, want unused", reFresh.UsedAt, fmtID(reFresh.ParticipantID))
		}
		wantChanges(t, s, start,
			backend.Change{Entity: backend.EntityInvite, EntityID: used.ID, Op: backend.OpUpdate, ConferenceID: c.ID},
			backend.Change{Entity: backend.EntityInvite, EntityID: fresh.ID, Op: backend.OpUpdate, ConferenceID: c.ID},
			backend.Change{Entity: backend.EntityInvite, EntityID: newcomer.ID, Op: backend.OpCreate, ConferenceID: c.ID},
		)
		wantInvites(t, s, c.ID, reUsed, reFresh, newcomer)
		for _, old := range []string{"old-used", "old-fresh"} {
			_, err := s.FindInviteByToken(t.Context(), c.ID, old) // the old link stops working
			wantCode(t, err, backend.ENOTFOUND)
		}
		got, err := s.FindInviteByToken(t.Context(), c.ID, "new-used")
		mustNoErr(t, err, "find by new token")
		sameInvite(t, got, reUsed)
	})
	t.Run("UniquePerConference", func(t *testing.T) {
		s := open(t)
		a := MustCreateConference(t, s, "a")
		b := MustCreateConference(t, s, "b")
		inA := MustSaveInvite(t, s, a, "same@example.org", "same-token")
		inB := MustSaveInvite(t, s, b, "same@example.org", "same-token") // another conference: a separate invite
		if inA.ID == inB.ID {
			t.Fatalf("invites of one address in two conferences share id %d", inA.ID)
		}
		got, err := s.FindInviteByToken(t.Context(), b.ID, "same-token")
		mustNoErr(t, err, "find in b")
		sameInvite(t, got, inB)

		// Within one call, the same address twice is one invite with the later link.
		x, y := NewInvite("twice@example.org", "first"), NewInvite("twice@example.org", "second")
		mustNoErr(t, s.SaveInvites(t.Context(), a.ID, []*backend.Invite{x, y}), "same address twice")
		if x.ID != y.ID {
			t.Fatalf("one address saved twice got ids %d and %d, want one invite", x.ID, y.ID)
		}
		got, err = s.FindInviteByToken(t.Context(), a.ID, "second")
		mustNoErr(t, err, "find the later link")
		sameInvite(t, got, y)

		// A token hash taken in the conference is a conflict, and the whole call writes nothing.
		start := lastSeq(t, s)
		clash := []*backend.Invite{NewInvite("new@example.org", "fine-token"), NewInvite("other@example.org", "same-token")}
		wantCode(t, s.SaveInvites(t.Context(), a.ID, clash), backend.ECONFLICT)
		wantChanges(t, s, start)
		_, err = s.FindInviteByToken(t.Context(), a.ID, "fine-token")
		wantCode(t, err, backend.ENOTFOUND)
		wantInvites(t, s, a.ID, inA, y)
		if clash[0].ID != 0 {
			t.Fatalf("invite of a failed call got id %d, want it left 0", clash[0].ID)
		}
	})
	t.Run("UnknownConferenceIsNotFound", func(t *testing.T) {
		s := open(t)
		wantCode(t, s.SaveInvites(t.Context(), 4711, []*backend.Invite{NewInvite("x@example.org", "t")}), backend.ENOTFOUND)
		wantCode(t, s.SaveInvites(t.Context(), 4711, nil), backend.ENOTFOUND)
	})
	t.Run("EveryInviteRecordsOneChange", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "feed")
		start := lastSeq(t, s)
		mustNoErr(t, s.SaveInvites(t.Context(), c.ID, nil), "save none")
		wantChanges(t, s, start) // nothing saved, nothing recorded
		invites := make([]*backend.Invite, 3)
		for k := range invites {
			invites[k] = NewInvite(fmt.Sprintf("p%d@example.org", k), fmt.Sprint("t", k))
		}
		mustNoErr(t, s.SaveInvites(t.Context(), c.ID, invites), "save")
		var want []backend.Change
		for _, inv := range invites {
			want = append(want, backend.Change{Entity: backend.EntityInvite, EntityID: inv.ID, Op: backend.OpCreate, ConferenceID: c.ID})
		}
		wantChanges(t, s, start, want...)
	})
}

// NewInvite returns an unsaved invite for email whose token hash is token.
func NewInvite(email, token string) *backend.Invite {
	return &backend.Invite{Email: email, TokenHash: token, CreatedAt: now}
}

// MustSaveInvite saves one invite to conf and fails the test on error.
func MustSaveInvite(tb testing.TB, s backend.Store, conf *backend.Conference, email, token string) *backend.Invite {
	tb.Helper()
	inv := NewInvite(email, token)
	if err := s.SaveInvites(context.Background(), conf.ID, []*backend.Invite{inv}); err != nil {
		tb.Fatalf("save invite %q: %v", email, err)
	}
	return inv
}

// NewParticipant returns an unsaved member of conf whose key hash is key.
func NewParticipant(conf *backend.Conference, key string) *backend.Participant {
	return &backend.Participant{ConferenceID: conf.ID, KeyHash: key, DisplayName: "Person " + key, Role: backend.RoleParticipant, CreatedAt: now}
}

// wantInvites fails unless the conference's invites are exactly want, by id.
func wantInvites(tb testing.TB, s backend.Store, conferenceID int64, want ...*backend.Invite) {
	tb.Helper()
	got, err := s.FindInvites(context.Background(), conferenceID)
	mustNoErr(tb, err, "list invites")
	if got == nil {
		tb.Fatalf("FindInvites(%d) = nil, want a non-nil slice", conferenceID)
	}
	if len(got) != len(want) {
		tb.Fatalf("FindInvites(%d) = %d invites %v, want %d", conferenceID, len(got), inviteIDs(got), len(want))
	}
	for k := range want {
		sameInvite(tb, got[k], want[k])
	}
}

// sameInvite compares every field; times must be the same instants, in UTC.
func sameInvite(tb testing.TB, got, want *backend.Invite) {
	tb.Helper()
	g, w := *got, *want
	if !g.CreatedAt.Equal(w.CreatedAt) || g.CreatedAt.Location() != time.UTC {
		tb.Fatalf("invite %d created at %v, want %v in UTC", w.ID, g.CreatedAt, w.CreatedAt)
	}
	switch {
	case (g.UsedAt == nil) != (w.UsedAt == nil):
		tb.Fatalf("invite %d used at %v, want %v", w.ID, g.UsedAt, w.UsedAt)
	case g.UsedAt != nil && (!g.UsedAt.Equal(*w.UsedAt) || g.UsedAt.Location() != time.UTC):
		tb.Fatalf("invite %d used at %v, want %v in UTC", w.ID, *g.UsedAt, *w.UsedAt)
	}
	g.CreatedAt, w.CreatedAt, g.UsedAt, w.UsedAt = time.Time{}, time.Time{}, nil, nil
	if !reflect.DeepEqual(g, w) {
		tb.Fatalf("invite =\n%s\nwant\n%s", fmtInvite(g), fmtInvite(w))
	}
}

func fmtInvite(inv backend.Invite) string {
	participant := fmtID(inv.ParticipantID)
	inv.ParticipantID = nil
	return fmt.Sprintf("%+v TokenHash:%q ParticipantID:%s", inv, inv.TokenHash, participant)
}

func inviteIDs(list []*backend.Invite) []int64 {
	ids := make([]int64, len(list))
	for k, inv := range list {
		ids[k] = inv.ID
	}
	return ids
}

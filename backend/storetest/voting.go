package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"ideenmarkt/backend"
)

// testVoting covers the live-voting part of the store: agenda sessions,
// rounds, ballots (voting_ballot.go) and results.
func testVoting(t *testing.T, open Opener) {
	t.Run("Session", func(t *testing.T) { testAgendaSession(t, open) })
	t.Run("Round", func(t *testing.T) { testRound(t, open) })
	t.Run("Ballot", func(t *testing.T) { testBallot(t, open) })
	t.Run("Results", func(t *testing.T) { testRoundResults(t, open) })
	t.Run("CountActiveParticipants", func(t *testing.T) { testCountActive(t, open) })
}

func testAgendaSession(t *testing.T, open Opener) {
	t.Run("CreateFindListUpdate", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "agenda")
		mod := MustCreateParticipant(t, s, c, "mod")
		start := lastSeq(t, s)
		late := MustCreateAgendaSession(t, s, c, "Abschluss", now.Add(6*time.Hour))
		early := NewAgendaSession(c, "Eröffnung – Begrüßung 🎤", now.Add(time.Hour))
		early.Room, early.Description = "Saal 1", "Mit 'Zitat' und\nZeilenumbruch"
		early.ModeratorIDs = []int64{mod.ID, 4711}
		early.CreatedAt, early.UpdatedAt = now.Add(time.Minute), now.Add(2*time.Minute)
		mustNoErr(t, s.CreateAgendaSession(t.Context(), early), "create early")
		sameStart := MustCreateAgendaSession(t, s, c, "Parallel", now.Add(time.Hour))
		if early.ID == 0 || early.Version != 1 {
			t.Fatalf("after create: id = %d, version = %d; want id set, version 1", early.ID, early.Version)
		}
		if late.ModeratorIDs == nil {
			t.Fatalf("after create with nil moderators: ModeratorIDs = nil, want an empty slice")
		}
		got, err := s.FindAgendaSessionByID(t.Context(), early.ID)
		mustNoErr(t, err, "find")
		sameAgendaSession(t, got, early)
		got, err = s.FindAgendaSessionByID(t.Context(), late.ID)
		mustNoErr(t, err, "find late")
		sameAgendaSession(t, got, late)

		other := MustCreateConference(t, s, "other")
		foreign := MustCreateAgendaSession(t, s, other, "Fremd", now)
		wantSessionIDs(t, s, c.ID, early.ID, sameStart.ID, late.ID)

		early.Title, early.Room, early.Description = "Eröffnung (verschoben)", "Saal 2", ""
		early.StartsAt, early.EndsAt = now.Add(7*time.Hour), now.Add(8*time.Hour)
		early.ModeratorIDs, early.UpdatedAt = nil, now.Add(time.Hour)
		mustNoErr(t, s.UpdateAgendaSession(t.Context(), early), "update")
		if early.Version != 2 || early.ModeratorIDs == nil {
			t.Fatalf("after update: version = %d, moderators = %#v; want 2 and an empty slice", early.Version, early.ModeratorIDs)
		}
		got, err = s.FindAgendaSessionByID(t.Context(), early.ID)
		mustNoErr(t, err, "find updated")
		sameAgendaSession(t, got, early)
		wantSessionIDs(t, s, c.ID, sameStart.ID, late.ID, early.ID)

		stale := *early
		stale.Version = 1
		wantCode(t, s.UpdateAgendaSession(t.Context(), &stale), backend.ECONFLICT)
		missing := *early
		missing.ID = 4711
		wantCode(t, s.UpdateAgendaSession(t.Context(), &missing), backend.ENOTFOUND)
		_, err = s.FindAgendaSessionByID(t.Context(), 4711)
		wantCode(t, err, backend.ENOTFOUND)
		orphan := NewAgendaSession(c, "Ohne Konferenz", now)
		orphan.ConferenceID = 4711
		wantCode(t, s.CreateAgendaSession(t.Context(), orphan), backend.ENOTFOUND)

		wantChanges(t, s, start,
			backend.Change{Entity: backend.EntitySession, EntityID: late.ID, Op: backend.OpCreate, ConferenceID: c.ID},
			backend.Change{Entity: backend.EntitySession, EntityID: early.ID, Op: backend.OpCreate, ConferenceID: c.ID},
			backend.Change{Entity: backend.EntitySession, EntityID: sameStart.ID, Op: backend.OpCreate, ConferenceID: c.ID},
			backend.Change{Entity: backend.EntityConference, EntityID: other.ID, Op: backend.OpCreate, ConferenceID: other.ID},
			backend.Change{Entity: backend.EntitySession, EntityID: foreign.ID, Op: backend.OpCreate, ConferenceID: other.ID},
			backend.Change{Entity: backend.EntitySession, EntityID: early.ID, Op: backend.OpUpdate, ConferenceID: c.ID},
		)
	})
	t.Run("Delete", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "del")
		empty := MustCreateAgendaSession(t, s, c, "Leer", now)
		busy := MustCreateAgendaSession(t, s, c, "Mit Abstimmung", now)
		MustCreateRound(t, s, c, busy)
		start := lastSeq(t, s)
		wantCode(t, s.DeleteAgendaSession(t.Context(), busy.ID), backend.ECONFLICT)
		mustNoErr(t, s.DeleteAgendaSession(t.Context(), empty.ID), "delete empty")
		_, err := s.FindAgendaSessionByID(t.Context(), empty.ID)
		wantCode(t, err, backend.ENOTFOUND)
		wantCode(t, s.DeleteAgendaSession(t.Context(), empty.ID), backend.ENOTFOUND)
		wantSessionIDs(t, s, c.ID, busy.ID)
		wantChanges(t, s, start,
			backend.Change{Entity: backend.EntitySession, EntityID: empty.ID, Op: backend.OpDelete, ConferenceID: c.ID})
	})
}

func testRound(t *testing.T, open Opener) {
	t.Run("CreateFindUpdateEveryField", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "rounds")
		sess := MustCreateAgendaSession(t, s, c, "Session", now)
		i1 := MustCreateIdea(t, s, c, nil, "Radwege")
		i2 := MustCreateIdea(t, s, c, nil, "Bänke")
		start := lastSeq(t, s)
		r := NewRound(c, sess, i1, i2)
		r.Method, r.Points, r.MaxPerOption, r.MaxChoices = backend.MethodDots, 5, 3, 2
		r.LiveResults, r.Anonymous, r.Changeable = false, true, true
		r.State, r.VoterKey = backend.RoundOpen, []byte{0, 1, 2, 0xfe, 0xff}
		closes, opened := now.Add(90*time.Second), now.Add(time.Second)
		r.ClosesAt, r.OpenedAt = &closes, &opened
		r.CreatedAt, r.UpdatedAt = now.Add(time.Minute), now.Add(2*time.Minute)
		mustNoErr(t, s.CreateRound(t.Context(), r), "create")
		if r.ID == 0 || r.Version != 1 {
			t.Fatalf("after create: id = %d, version = %d; want id set, version 1", r.ID, r.Version)
		}
		got, err := s.FindRoundByID(t.Context(), r.ID)
		mustNoErr(t, err, "find")
		sameRound(t, got, r)

		// Every mutable field changes; nil times and a nil key are NULL.
		r.Title, r.Method, r.Options = "Neue Frage?", backend.MethodRanking, []backend.RoundOption{
			{ID: 1, Label: "Nur Text"}, {ID: 2, IdeaID: &i2.ID, Label: "Bänke (neu)"}, {ID: 3, Label: "Sonstiges ✓"}}
		r.MaxChoices, r.Points, r.MaxPerOption = 0, 0, 0
		r.LiveResults, r.Anonymous, r.Changeable = true, false, false
		r.Eligibility, r.State = "checked_in", backend.RoundClosed
		closed, revealed := now.Add(time.Hour), now.Add(2*time.Hour)
		r.ClosesAt, r.OpenedAt, r.ClosedAt, r.RevealedAt, r.VoterKey = nil, nil, &closed, &revealed, nil
		r.UpdatedAt = now.Add(3 * time.Hour)
		mustNoErr(t, s.UpdateRound(t.Context(), r, false, nil), "update")
		if r.Version != 2 {
			t.Fatalf("after update: version = %d, want 2", r.Version)
		}
		got, err = s.FindRoundByID(t.Context(), r.ID)
		mustNoErr(t, err, "find updated")
		sameRound(t, got, r)

		stale := *r
		stale.Version = 1
		wantCode(t, s.UpdateRound(t.Context(), &stale, false, nil), backend.ECONFLICT)
		missing := *r
		missing.ID = 4711
		wantCode(t, s.UpdateRound(t.Context(), &missing, false, nil), backend.ENOTFOUND)
		_, err = s.FindRoundByID(t.Context(), 4711)
		wantCode(t, err, backend.ENOTFOUND)
		orphan := NewRound(c, sess)
		orphan.SessionID = 4711
		wantCode(t, s.CreateRound(t.Context(), orphan), backend.ENOTFOUND)

		wantChanges(t, s, start,
			backend.Change{Entity: backend.EntityRound, EntityID: r.ID, Op: backend.OpCreate, ConferenceID: c.ID},
			backend.Change{Entity: backend.EntityRound, EntityID: r.ID, Op: backend.OpUpdate, ConferenceID: c.ID},
		)
	})
	t.Run("ListsBySessionAndOpen", func(t *testing.T) {
		s := open(t)
		c1, c2 := MustCreateConference(t, s, "one"), MustCreateConference(t, s, "two")
		s1, s2 := MustCreateAgendaSession(t, s, c1, "A", now), MustCreateAgendaSession(t, s, c1, "B", now)
		s3 := MustCreateAgendaSession(t, s, c2, "C", now)
		a := MustCreateRound(t, s, c1, s1)
		b := MustCreateRound(t, s, c1, s2)
		d := MustCreateRound(t, s, c1, s1)
		e := MustCreateRound(t, s, c2, s3)
		for _, r := range []*backend.Round{e, a, b} {
			MustOpenRound(t, s, r)
		}
		b.State = backend.RoundClosed
		mustNoErr(t, s.UpdateRound(t.Context(), b, false, nil), "close b")

		got, err := s.FindRounds(t.Context(), s1.ID)
		mustNoErr(t, err, "rounds of s1")
		if ids := roundIDs(got); !slices.Equal(ids, []int64{a.ID, d.ID}) {
			t.Fatalf("FindRounds(s1) = %v, want %v", ids, []int64{a.ID, d.ID})
		}
		sameRound(t, got[0], a)
		got, err = s.FindRounds(t.Context(), 4711)
		if err != nil || got == nil || len(got) != 0 {
			t.Fatalf("FindRounds(unknown) = %v, %v; want an empty, non-nil slice", got, err)
		}
		got, err = s.FindOpenRounds(t.Context())
		mustNoErr(t, err, "open rounds")
		if ids := roundIDs(got); !slices.Equal(ids, []int64{a.ID, e.ID}) {
			t.Fatalf("FindOpenRounds = %v, want %v (open rounds of every conference, by id)", ids, []int64{a.ID, e.ID})
		}
		sameRound(t, got[1], e)
	})
}

func testCountActive(t *testing.T, open Opener) {
	s := open(t)
	c := MustCreateConference(t, s, "count")
	other := MustCreateConference(t, s, "other")
	people := MustCreateParticipants(t, s, c, 4)
	MustCreateParticipant(t, s, other, "elsewhere")
	n, err := s.CountActiveParticipants(t.Context(), c.ID)
	if err != nil || n != 4 {
		t.Fatalf("CountActiveParticipants = %d, %v; want 4", n, err)
	}
	mustNoErr(t, s.EraseParticipant(t.Context(), people[1].ID, now), "erase")
	n, err = s.CountActiveParticipants(t.Context(), c.ID)
	if err != nil || n != 3 {
		t.Fatalf("after one left: CountActiveParticipants = %d, %v; want 3", n, err)
	}
	n, err = s.CountActiveParticipants(t.Context(), 4711)
	if err != nil || n != 0 {
		t.Fatalf("CountActiveParticipants(unknown) = %d, %v; want 0", n, err)
	}
}

// NewAgendaSession returns a valid, unsaved session of conf, an hour long.
func NewAgendaSession(conf *backend.Conference, title string, starts time.Time) *backend.AgendaSession {
	return &backend.AgendaSession{
		ConferenceID: conf.ID, Title: title, Room: "Raum", StartsAt: starts, EndsAt: starts.Add(time.Hour),
		CreatedAt: now, UpdatedAt: now,
	}
}

// MustCreateAgendaSession saves NewAgendaSession(conf, title, starts).
func MustCreateAgendaSession(tb testing.TB, s backend.Store, conf *backend.Conference, title string, starts time.Time) *backend.AgendaSession {
	tb.Helper()
	a := NewAgendaSession(conf, title, starts)
	if err := s.CreateAgendaSession(context.Background(), a); err != nil {
		tb.Fatalf("create session %q: %v", title, err)
	}
	return a
}

// NewRound returns an unsaved draft single-choice round in sess with one
// option per idea and then two free-text options.
func NewRound(conf *backend.Conference, sess *backend.AgendaSession, ideas ...*backend.Idea) *backend.Round {
	r := &backend.Round{
		ConferenceID: conf.ID, SessionID: sess.ID, Title: "Was zuerst?", Method: backend.MethodSingle,
		Options: []backend.RoundOption{}, LiveResults: true, Eligibility: backend.EligibleJoined, State: backend.RoundDraft,
		CreatedAt: now, UpdatedAt: now,
	}
	for _, i := range ideas {
		r.Options = append(r.Options, backend.RoundOption{ID: len(r.Options) + 1, IdeaID: &i.ID, Label: i.Title})
	}
	for _, l := range []string{"Keine davon", "Weiß nicht"} {
		r.Options = append(r.Options, backend.RoundOption{ID: len(r.Options) + 1, Label: l})
	}
	return r
}

// MustCreateRound saves NewRound(conf, sess, ideas...).
func MustCreateRound(tb testing.TB, s backend.Store, conf *backend.Conference, sess *backend.AgendaSession, ideas ...*backend.Idea) *backend.Round {
	tb.Helper()
	r := NewRound(conf, sess, ideas...)
	if err := s.CreateRound(context.Background(), r); err != nil {
		tb.Fatalf("create round: %v", err)
	}
	return r
}

// MustOpenRound sets r open (as of now) and saves it.
func MustOpenRound(tb testing.TB, s backend.Store, r *backend.Round) {
	tb.Helper()
	opened := now
	r.State, r.OpenedAt = backend.RoundOpen, &opened
	if err := s.UpdateRound(context.Background(), r, false, nil); err != nil {
		tb.Fatalf("open round %d: %v", r.ID, err)
	}
}

// wantSessionIDs fails unless a conference's sessions are exactly ids, in order.
func wantSessionIDs(tb testing.TB, s backend.Store, conferenceID int64, ids ...int64) {
	tb.Helper()
	got, err := s.FindAgendaSessions(context.Background(), conferenceID)
	mustNoErr(tb, err, "list sessions")
	gotIDs := []int64{}
	for _, a := range got {
		gotIDs = append(gotIDs, a.ID)
	}
	if !slices.Equal(gotIDs, ids) {
		tb.Fatalf("FindAgendaSessions = %v, want %v", gotIDs, ids)
	}
}

// sameAgendaSession compares every field; times must be the same instants,
// in UTC.
func sameAgendaSession(tb testing.TB, got, want *backend.AgendaSession) {
	tb.Helper()
	g, w := *got, *want
	for _, p := range []struct{ g, w *time.Time }{{&g.StartsAt, &w.StartsAt}, {&g.EndsAt, &w.EndsAt}, {&g.CreatedAt, &w.CreatedAt}, {&g.UpdatedAt, &w.UpdatedAt}} {
		sameInstant(tb, *p.g, *p.w)
		*p.g, *p.w = time.Time{}, time.Time{}
	}
	if g.ModeratorIDs == nil {
		tb.Fatalf("session %d: ModeratorIDs = nil, want a non-nil slice", g.ID)
	}
	if !reflect.DeepEqual(g, w) {
		tb.Fatalf("session =\n%+v\nwant\n%+v", g, w)
	}
}

// sameRound compares every field; times must be the same instants, in UTC,
// and nil times and keys must stay nil.
func sameRound(tb testing.TB, got, want *backend.Round) {
	tb.Helper()
	g, w := *got, *want
	for _, p := range []struct{ g, w *time.Time }{{&g.CreatedAt, &w.CreatedAt}, {&g.UpdatedAt, &w.UpdatedAt}} {
		sameInstant(tb, *p.g, *p.w)
		*p.g, *p.w = time.Time{}, time.Time{}
	}
	for _, p := range []struct{ g, w **time.Time }{{&g.ClosesAt, &w.ClosesAt}, {&g.OpenedAt, &w.OpenedAt}, {&g.ClosedAt, &w.ClosedAt}, {&g.RevealedAt, &w.RevealedAt}} {
		if (*p.g == nil) != (*p.w == nil) {
			tb.Fatalf("round %d: time = %s, want %s", w.ID, fmtTime(*p.g), fmtTime(*p.w))
		}
		if *p.g != nil {
			sameInstant(tb, **p.g, **p.w)
		}
		*p.g, *p.w = nil, nil
	}
	if !reflect.DeepEqual(g, w) {
		tb.Fatalf("round =\n%s\nwant\n%s", fmtRound(g), fmtRound(w))
	}
}

// fmtRound prints a round with its options' idea ids rather than addresses.
func fmtRound(r backend.Round) string {
	opts := ""
	for _, o := range r.Options {
		opts += fmt.Sprintf("{%d idea:%s %q} ", o.ID, fmtID(o.IdeaID), o.Label)
	}
	r.Options = nil
	return fmt.Sprintf("%+v Options:[%s] VoterKey:%#v", r, opts, r.VoterKey)
}

// sameInstant fails unless got is want's instant, in UTC.
func sameInstant(tb testing.TB, got, want time.Time) {
	tb.Helper()
	if !got.Equal(want) || got.Location() != time.UTC {
		tb.Fatalf("time = %v, want %v in UTC", got, want)
	}
}

func roundIDs(rs []*backend.Round) []int64 {
	ids := []int64{}
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func testRegistration(t *testing.T, open Opener) {
	t.Run("CreateAndFind", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "anmeldung")
		start := lastSeq(t, s)
		r := newRegistration(c, "anna")
		r.Name, r.Email = `Zoë O'Brien <b>🚲</b>`, "Anna.Schmidt@Example.ORG"
		r.Department, r.Accessibility, r.Locale = "Amt 61 – Stadtplanung", "Rollstuhl; '; DROP TABLE registrations; --", "en"
		r.Status, r.WalkIn, r.Promoted, r.CheckInDoor = backend.RegistrationConfirmed, true, true, "Nord"
		t1, t2, t3 := now.Add(time.Minute), now.Add(time.Hour), now.Add(49*time.Hour)
		r.ConfirmedAt, r.WaitlistedAt, r.OfferedAt, r.OfferExpires, r.CheckedInAt = &t1, &t1, &t2, &t3, &t3
		r.UpdatedAt = t3
		mustCreateRegistration(t, s, r)
		if r.ID == 0 || r.Version != 1 {
			t.Fatalf("after create: id %d, version %d; want an id and version 1", r.ID, r.Version)
		}
		wantChanges(t, s, start, backend.Change{Entity: backend.EntityRegistration, EntityID: r.ID, Op: backend.OpCreate, ConferenceID: c.ID})

		byID, err := s.FindRegistrationByID(t.Context(), r.ID)
		mustNoErr(t, err, "find by id")
		sameRegistration(t, byID, r)
		byToken, err := s.FindRegistrationByToken(t.Context(), r.TokenHash)
		mustNoErr(t, err, "find by token")
		sameRegistration(t, byToken, r)
		byTicket, err := s.FindRegistrationByTicket(t.Context(), c.ID, r.TicketCode)
		mustNoErr(t, err, "find by ticket")
		sameRegistration(t, byTicket, r)
		for _, email := range []string{"Anna.Schmidt@Example.ORG", "anna.schmidt@example.org", "  ANNA.SCHMIDT@EXAMPLE.ORG "} {
			byEmail, err := s.FindRegistrationByEmail(t.Context(), c.ID, email)
			mustNoErr(t, err, "find by e-mail "+email)
			sameRegistration(t, byEmail, r)
		}
		byRequest, err := s.FindRegistrationByRequest(t.Context(), c.ID, r.RequestKey)
		mustNoErr(t, err, "find by request key")
		sameRegistration(t, byRequest, r)
	})
	t.Run("NotFound", func(t *testing.T) {
		s := open(t)
		c, other := MustCreateConference(t, s, "nf"), MustCreateConference(t, s, "andere")
		r := mustCreateRegistration(t, s, newRegistration(c, "anna"))
		walkIn := newRegistration(c, "walk")
		walkIn.Email, walkIn.RequestKey, walkIn.WalkIn = "", "", true
		mustCreateRegistration(t, s, walkIn)
		_, err := s.FindRegistrationByID(t.Context(), 987654)
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindRegistrationByToken(t.Context(), "unknown")
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindRegistrationByToken(t.Context(), "")
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindRegistrationByTicket(t.Context(), other.ID, r.TicketCode) // a ticket is valid at its own conference only
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindRegistrationByTicket(t.Context(), c.ID, "")
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindRegistrationByEmail(t.Context(), other.ID, r.Email)
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindRegistrationByEmail(t.Context(), c.ID, "") // a walk-in without an address is nobody's address
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindRegistrationByRequest(t.Context(), c.ID, "unknown")
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindRegistrationByRequest(t.Context(), c.ID, "") // walk-ins have no request key
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindRegistrationByRequest(t.Context(), other.ID, r.RequestKey)
		wantCode(t, err, backend.ENOTFOUND)
		err = s.ChangeRegistrations(t.Context(), other.ID, func(tx backend.RegistrationTx) error {
			_, err := tx.Find(r.ID) // the view of another conference does not see it
			return err
		})
		wantCode(t, err, backend.ENOTFOUND)
		wantCode(t, s.ChangeRegistrations(t.Context(), 987654, func(tx backend.RegistrationTx) error {
			return tx.Create(newRegistration(&backend.Conference{ID: 987654}, "geist"))
		}), backend.ENOTFOUND)
	})
	t.Run("Conflicts", func(t *testing.T) {
		s := open(t)
		c, other := MustCreateConference(t, s, "konflikt"), MustCreateConference(t, s, "andere")
		first := mustCreateRegistration(t, s, newRegistration(c, "anna"))
		start := lastSeq(t, s)
		for name, change := range map[string]func(r *backend.Registration){
			"e-mail in other case": func(r *backend.Registration) { r.Email = " ANNA@example.org" },
			"ticket code":          func(r *backend.Registration) { r.TicketCode = first.TicketCode },
			"request key":          func(r *backend.Registration) { r.RequestKey = first.RequestKey },
			"token":                func(r *backend.Registration) { r.TokenHash = first.TokenHash },
		} {
			r := newRegistration(c, "zweite")
			change(r)
			err := createRegistration(s, r)
			if backend.ErrorCode(err) != backend.ECONFLICT || r.ID != 0 {
				t.Errorf("duplicate %s: err %v, id %d; want ECONFLICT and no id", name, err, r.ID)
			}
		}
		wantChanges(t, s, start)
		// Ticket codes, request keys and addresses are per conference.
		twin := newRegistration(other, "anna")
		twin.TokenHash += "-andere" // the token is global: it alone identifies the registration
		twin.TicketCode, twin.RequestKey, twin.Email = first.TicketCode, first.RequestKey, first.Email
		mustCreateRegistration(t, s, twin)
		// Walk-ins without an address do not collide.
		for _, k := range []string{"walk1", "walk2"} {
			w := newRegistration(c, k)
			w.Email, w.RequestKey, w.WalkIn, w.Status = "", "", true, backend.RegistrationConfirmed
			mustCreateRegistration(t, s, w)
		}
	})
	t.Run("InactiveAddressIsFree", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "frei")
		for _, status := range []backend.RegistrationStatus{backend.RegistrationCancelled, backend.RegistrationLapsed} {
			old := mustCreateRegistration(t, s, newRegistration(c, "old-"+string(status)))
			old.Email = "berta@example.org"
			mustUpdateRegistration(t, s, old)
			old.Status = status
			mustUpdateRegistration(t, s, old)
			_, err := s.FindRegistrationByEmail(t.Context(), c.ID, "berta@example.org")
			wantCode(t, err, backend.ENOTFOUND)
			again := newRegistration(c, "new-"+string(status))
			again.Email = "Berta@Example.org"
			mustCreateRegistration(t, s, again)
			got, err := s.FindRegistrationByEmail(t.Context(), c.ID, "berta@example.org")
			mustNoErr(t, err, "find the new registration")
			sameRegistration(t, got, again)
			// Now the address is taken again: reviving the old one conflicts.
			old.Status = backend.RegistrationPending
			err = s.ChangeRegistrations(t.Context(), c.ID, func(tx backend.RegistrationTx) error { return tx.Update(old) })
			wantCode(t, err, backend.ECONFLICT)
			again.Status = status
			mustUpdateRegistration(t, s, again)
		}
	})
	t.Run("ConflictLeavesTransactionUsable", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "weiter")
		first := mustCreateRegistration(t, s, newRegistration(c, "anna"))
		second := newRegistration(c, "bert")
		err := s.ChangeRegistrations(t.Context(), c.ID, func(tx backend.RegistrationTx) error {
			dup := newRegistration(c, "dup")
			dup.RequestKey = first.RequestKey
			if err := tx.Create(dup); backend.ErrorCode(err) != backend.ECONFLICT {
				return fmt.Errorf("duplicate request key: %w, want ECONFLICT", err)
			}
			if _, err := tx.Find(first.ID); err != nil {
				return err
			}
			if cnt, err := tx.Counts(); err != nil || cnt.Pending != 1 {
				return fmt.Errorf("counts after a conflict = %+v, %w; want 1 pending", cnt, err)
			}
			return tx.Create(second)
		})
		mustNoErr(t, err, "change after a conflict")
		got, err := s.FindRegistrationByID(t.Context(), second.ID)
		mustNoErr(t, err, "find the second")
		sameRegistration(t, got, second)
	})
	t.Run("UpdateAndStaleVersion", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "aendern")
		r := mustCreateRegistration(t, s, newRegistration(c, "anna"))
		start := lastSeq(t, s)
		stale := *r
		later, expires := now.Add(time.Hour), now.Add(49*time.Hour)
		r.Status, r.Promoted, r.OfferedAt, r.OfferExpires, r.UpdatedAt = backend.RegistrationOffered, true, &later, &expires, later
		r.Name, r.Email, r.Department, r.Locale = "Anna Müller", "Anna.Mueller@example.org", "Amt 10 – Hauptamt", "en"
		r.TicketCode, r.TokenHash, r.RequestKey = "NEUCODE1", "new-token", "new-request"
		mustUpdateRegistration(t, s, r)
		if r.Version != 2 {
			t.Fatalf("version after update = %d, want 2", r.Version)
		}
		wantChanges(t, s, start, backend.Change{Entity: backend.EntityRegistration, EntityID: r.ID, Op: backend.OpUpdate, ConferenceID: c.ID})
		got, err := s.FindRegistrationByID(t.Context(), r.ID)
		mustNoErr(t, err, "find")
		sameRegistration(t, got, r)
		got, err = s.FindRegistrationByEmail(t.Context(), c.ID, "anna.mueller@EXAMPLE.org")
		mustNoErr(t, err, "find by the new e-mail")
		sameRegistration(t, got, r)
		_, err = s.FindRegistrationByEmail(t.Context(), c.ID, "anna@example.org")
		wantCode(t, err, backend.ENOTFOUND)

		stale.Status = backend.RegistrationCancelled
		err = s.ChangeRegistrations(t.Context(), c.ID, func(tx backend.RegistrationTx) error { return tx.Update(&stale) })
		wantCode(t, err, backend.ECONFLICT)
		if !errors.Is(err, backend.ErrStaleVersion) {
			t.Fatalf("stale update: err = %v, want ErrStaleVersion", err)
		}
		ghost := *r
		ghost.ID = 987654
		err = s.ChangeRegistrations(t.Context(), c.ID, func(tx backend.RegistrationTx) error { return tx.Update(&ghost) })
		wantCode(t, err, backend.ENOTFOUND)
		wantChanges(t, s, start, backend.Change{Entity: backend.EntityRegistration, EntityID: r.ID, Op: backend.OpUpdate, ConferenceID: c.ID})
		got, err = s.FindRegistrationByID(t.Context(), r.ID)
		mustNoErr(t, err, "find after refused updates")
		sameRegistration(t, got, r)
	})
	t.Run("ErasureClearsPersonalData", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "loeschen")
		var erased []*backend.Registration
		for _, k := range []string{"anna", "bert"} {
			r := newRegistration(c, k)
			r.Status, r.Email, r.Department, r.Accessibility = backend.RegistrationConfirmed, k+"@Example.org", "Amt 61 – Stadtplanung", "Gebärdensprache"
			mustCreateRegistration(t, s, r)
			at := now.Add(90 * 24 * time.Hour)
			// Everything personal goes, the keys included; two erased
			// registrations then share '' without a conflict.
			r.Name, r.Email, r.Department, r.Accessibility, r.CheckInDoor = "", "", "", "", ""
			r.TokenHash, r.TicketCode, r.RequestKey, r.ErasedAt, r.UpdatedAt = "", "", "", &at, at
			mustUpdateRegistration(t, s, r)
			erased = append(erased, r)
		}
		for _, r := range erased {
			got, err := s.FindRegistrationByID(t.Context(), r.ID)
			mustNoErr(t, err, "find erased")
			sameRegistration(t, got, r)
		}
		_, err := s.FindRegistrationByEmail(t.Context(), c.ID, "anna@example.org")
		wantCode(t, err, backend.ENOTFOUND)
		list, total, err := s.FindRegistrations(t.Context(), backend.RegistrationFilter{ConferenceID: c.ID, Query: "anna"})
		mustNoErr(t, err, "search erased")
		if total != 0 || len(list) != 0 {
			t.Fatalf("search for an erased name found %d (total %d), want none", len(list), total)
		}
		again := newRegistration(c, "anna")
		again.Email = "anna@example.org"
		mustCreateRegistration(t, s, again)
		got, err := s.FindRegistrationByEmail(t.Context(), c.ID, "ANNA@example.org")
		mustNoErr(t, err, "find the new registration of an erased address")
		sameRegistration(t, got, again)
	})
	t.Run("List", func(t *testing.T) { testRegistrationList(t, open) })
	t.Run("Counts", func(t *testing.T) { testRegistrationCounts(t, open) })
	t.Run("WaitlistAndOffers", func(t *testing.T) { testRegistrationWaitlist(t, open) })
	t.Run("Change", func(t *testing.T) { testRegistrationChange(t, open) })
	t.Run("Concurrency", func(t *testing.T) { testRegistrationConcurrency(t, open) })
	t.Run("Settings", func(t *testing.T) { testRegistrationSettings(t, open) })
	t.Run("ParticipantLink", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "link")
		r1 := mustCreateRegistration(t, s, newRegistration(c, "anna"))
		r2 := mustCreateRegistration(t, s, newRegistration(c, "bert"))
		p := &backend.Participant{ConferenceID: c.ID, KeyHash: "k", DisplayName: "Anna", Role: backend.RoleParticipant, CreatedAt: now,
			RegistrationID: &r1.ID}
		mustNoErr(t, s.CreateParticipant(t.Context(), p, 0), "create linked")
		unlinked := MustCreateParticipant(t, s, c, "k2")
		wantParticipant := func(want *backend.Participant) {
			t.Helper()
			got, err := s.FindParticipantByID(t.Context(), want.ID)
			mustNoErr(t, err, "find by id")
			sameParticipant(t, got, want)
			got, err = s.FindParticipantByKey(t.Context(), c.ID, want.KeyHash)
			mustNoErr(t, err, "find by key")
			sameParticipant(t, got, want)
			all, err := s.FindParticipants(t.Context(), c.ID)
			mustNoErr(t, err, "list")
			for _, g := range all {
				if g.ID == want.ID {
					sameParticipant(t, g, want)
				}
			}
		}
		wantParticipant(p)
		wantParticipant(unlinked)
		p.RegistrationID = &r2.ID
		mustNoErr(t, s.UpdateParticipant(t.Context(), p), "relink")
		wantParticipant(p)
		p.RegistrationID = nil
		mustNoErr(t, s.UpdateParticipant(t.Context(), p), "unlink")
		wantParticipant(p)
		ghost := int64(987654)
		unlinked.RegistrationID = &ghost
		wantCode(t, s.UpdateParticipant(t.Context(), unlinked), backend.ENOTFOUND)
	})
}

// newRegistration returns a valid, unsaved pending registration of conf
// whose keys and address derive from k.
func newRegistration(conf *backend.Conference, k string) *backend.Registration {
	return &backend.Registration{
		ConferenceID: conf.ID, TokenHash: "token-" + k, TicketCode: "T-" + k, RequestKey: "request-" + k,
		Name: "Person " + k, Email: k + "@example.org", Locale: "de", Status: backend.RegistrationPending,
		CreatedAt: now, UpdatedAt: now,
	}
}

// createRegistration creates r in a change of its conference.
func createRegistration(s backend.Store, r *backend.Registration) error {
	return s.ChangeRegistrations(context.Background(), r.ConferenceID, func(tx backend.RegistrationTx) error { return tx.Create(r) })
}

// mustCreateRegistration creates r and fails the test on error.
func mustCreateRegistration(tb testing.TB, s backend.Store, r *backend.Registration) *backend.Registration {
	tb.Helper()
	mustNoErr(tb, createRegistration(s, r), "create registration "+r.Name)
	return r
}

// mustUpdateRegistration writes r in a change of its conference.
func mustUpdateRegistration(tb testing.TB, s backend.Store, r *backend.Registration) {
	tb.Helper()
	err := s.ChangeRegistrations(context.Background(), r.ConferenceID, func(tx backend.RegistrationTx) error { return tx.Update(r) })
	mustNoErr(tb, err, "update registration")
}

// sameRegistration fails unless got equals want, its times equal and in UTC.
func sameRegistration(tb testing.TB, got, want *backend.Registration) {
	tb.Helper()
	g, w := *got, *want
	for _, p := range []struct{ g, w *time.Time }{{&g.CreatedAt, &w.CreatedAt}, {&g.UpdatedAt, &w.UpdatedAt}} {
		if !p.g.Equal(*p.w) || p.g.Location() != time.UTC {
			tb.Fatalf("registration %d: time %v, want %v in UTC", w.ID, *p.g, *p.w)
		}
		*p.g, *p.w = time.Time{}, time.Time{}
	}
	for _, p := range []struct{ g, w **time.Time }{{&g.ConfirmedAt, &w.ConfirmedAt}, {&g.WaitlistedAt, &w.WaitlistedAt},
		{&g.OfferedAt, &w.OfferedAt}, {&g.OfferExpires, &w.OfferExpires}, {&g.CancelledAt, &w.CancelledAt},
		{&g.CheckedInAt, &w.CheckedInAt}, {&g.ErasedAt, &w.ErasedAt}} {
		gt, wt := *p.g, *p.w
		if (gt == nil) != (wt == nil) || gt != nil && (!gt.Equal(*wt) || gt.Location() != time.UTC) {
			tb.Fatalf("registration %d: time %v, want %v in UTC", w.ID, fmtTimePtr(gt), fmtTimePtr(wt))
		}
		*p.g, *p.w = nil, nil
	}
	if !reflect.DeepEqual(g, w) {
		tb.Fatalf("registration =\n%+v\nwant\n%+v", g, w)
	}
}

func fmtTimePtr(t *time.Time) string {
	if t == nil {
		return "nil"
	}
	return t.String()
}

package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func testMailOutbox(t *testing.T, open Opener) {
	t.Run("EnqueueAndFind", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "post")
		r := mustCreateRegistration(t, s, newRegistration(c, "anna"))
		first := newMail(c, r, "confirm-anna")
		first.Data = map[string]string{"name": `Zoë "O'Brien" <b>`, "link": "https://ideen.example/r/abc?x=1&y=2", "leer": ""}
		mustNoErr(t, s.EnqueueMail(t.Context(), first), "enqueue")
		if first.ID == 0 {
			t.Fatal("mail id not set after enqueue")
		}
		second := newMail(c, r, "")
		second.CreatedAt, second.NextAttemptAt, second.Template, second.Locale = now.Add(time.Minute), now.Add(time.Hour), "ticket", "en"
		mustNoErr(t, s.ChangeRegistrations(t.Context(), c.ID, func(tx backend.RegistrationTx) error { return tx.Enqueue(second) }), "enqueue in a change")
		if second.ID == 0 {
			t.Fatal("mail id not set after enqueue in a change")
		}
		wantMails(t, s, r.ID, first, second)
		none, err := s.FindMails(t.Context(), 987654)
		mustNoErr(t, err, "find none")
		if none == nil || len(none) != 0 {
			t.Fatalf("mails of an unknown registration = %v, want an empty slice", none)
		}
		// A mail of nobody, without values, is stored with NULLs and read back empty.
		loose := &backend.OutboxMail{To: "someone@example.org", Locale: "de", Template: "test", CreatedAt: now, NextAttemptAt: now}
		mustNoErr(t, s.EnqueueMail(t.Context(), loose), "enqueue without registration")
		claimed, err := s.ClaimMails(t.Context(), now, time.Minute, 10)
		mustNoErr(t, err, "claim")
		until := now.Add(time.Minute)
		loose.Data, loose.ClaimedUntil = map[string]string{}, &until
		first.ClaimedUntil = &until
		if len(claimed) != 2 {
			t.Fatalf("claimed %d mails, want 2", len(claimed))
		}
		sameMail(t, claimed[0], first)
		sameMail(t, claimed[1], loose)
	})
	t.Run("DedupeKeyMakesEnqueueANoOp", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "einmal")
		r := mustCreateRegistration(t, s, newRegistration(c, "anna"))
		first := newMail(c, r, "confirm-anna")
		mustNoErr(t, s.EnqueueMail(t.Context(), first), "enqueue")
		again := newMail(c, r, "confirm-anna")
		again.Template = "other"
		mustNoErr(t, s.EnqueueMail(t.Context(), again), "enqueue again")
		inTx := newMail(c, r, "confirm-anna")
		var created *backend.Registration
		mustNoErr(t, s.ChangeRegistrations(t.Context(), c.ID, func(tx backend.RegistrationTx) error {
			if err := tx.Enqueue(inTx); err != nil {
				return err
			}
			created = newRegistration(c, "bert") // the transaction goes on after the no-op
			return tx.Create(created)
		}), "enqueue again in a change")
		if again.ID != 0 || inTx.ID != 0 {
			t.Fatalf("duplicate mails got ids %d, %d; want 0", again.ID, inTx.ID)
		}
		_, err := s.FindRegistrationByID(t.Context(), created.ID)
		mustNoErr(t, err, "find the registration created after the no-op")
		// Without a key, every mail is stored.
		a, b := newMail(c, r, ""), newMail(c, r, "")
		mustNoErr(t, s.EnqueueMail(t.Context(), a), "enqueue a")
		mustNoErr(t, s.EnqueueMail(t.Context(), b), "enqueue b")
		wantMails(t, s, r.ID, first, a, b)
	})
	t.Run("ClaimsLeasesAndOutcomes", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "versand")
		r := mustCreateRegistration(t, s, newRegistration(c, "anna"))
		at := func(d time.Duration) time.Time { return now.Add(d) }
		mail := func(key string, due time.Duration) *backend.OutboxMail {
			m := newMail(c, r, key)
			m.NextAttemptAt = at(due)
			mustNoErr(t, s.EnqueueMail(t.Context(), m), "enqueue "+key)
			return m
		}
		past, due, future := mail("past", -time.Minute), mail("due", 0), mail("future", time.Hour)
		claim := func(when time.Duration, limit int, want ...*backend.OutboxMail) {
			t.Helper()
			got, err := s.ClaimMails(t.Context(), at(when), 5*time.Minute, limit)
			mustNoErr(t, err, "claim")
			if mailIDs(got) != mailIDs(want) {
				t.Fatalf("claim at now%+v: %s, want %s", when, mailIDs(got), mailIDs(want))
			}
			until := at(when + 5*time.Minute)
			for k, m := range want {
				m.ClaimedUntil = &until
				sameMail(t, got[k], m)
			}
		}
		claim(0, 10, past, due)
		claim(time.Minute, 10)              // leased
		claim(5*time.Minute, 10, past, due) // the lease ran out: the sender is presumed dead

		sentAt := at(5*time.Minute + time.Second)
		mustNoErr(t, s.MarkMailSent(t.Context(), past.ID, sentAt), "mark sent")
		past.SentAt, past.ClaimedUntil = &sentAt, nil
		mustNoErr(t, s.MarkMailFailed(t.Context(), due.ID, "451 try again", at(10*time.Minute), false), "mark failed")
		due.Attempts, due.LastError, due.NextAttemptAt, due.ClaimedUntil = 1, "451 try again", at(10*time.Minute), nil
		wantMails(t, s, r.ID, past, due, future)

		claim(6*time.Minute, 10)       // sent, retry not yet due, future not yet due
		claim(2*time.Hour, 1, due)     // the earliest due first
		claim(2*time.Hour, 10, future) // the rest
		giveUp := at(2*time.Hour + time.Minute)
		mustNoErr(t, s.MarkMailFailed(t.Context(), due.ID, "550 no such user", giveUp, true), "give up")
		due.Attempts, due.LastError, due.NextAttemptAt, due.ClaimedUntil, due.FailedAt = 2, "550 no such user", giveUp, nil, &giveUp
		future.ClaimedUntil = ptr(at(2*time.Hour + 5*time.Minute))
		wantMails(t, s, r.ID, past, due, future)
		claim(100*24*time.Hour, 10, future) // sent and failed never again; future's lease ran out

		wantCode(t, s.MarkMailSent(t.Context(), 987654, now), backend.ENOTFOUND)
		wantCode(t, s.MarkMailFailed(t.Context(), 987654, "x", now, false), backend.ENOTFOUND)
		none, err := s.ClaimMails(t.Context(), at(200*24*time.Hour), time.Minute, 0)
		mustNoErr(t, err, "claim none")
		if none == nil || len(none) != 0 {
			t.Fatalf("claim of 0 = %v, want an empty slice", none)
		}
	})
	t.Run("ConcurrentClaimsNeverShare", func(t *testing.T) {
		s := open(t)
		const mails, workers, batch = 200, 8, 5
		for k := range mails {
			m := &backend.OutboxMail{To: fmt.Sprint("p", k, "@example.org"), Locale: "de", Template: "t", CreatedAt: now, NextAttemptAt: now}
			mustNoErr(t, s.EnqueueMail(t.Context(), m), "enqueue")
		}
		claimed := make([][]int64, workers)
		errs := concurrently(workers, func(w int) error {
			for {
				got, err := s.ClaimMails(context.Background(), now, time.Hour, batch)
				if err != nil {
					return err
				}
				if len(got) > batch {
					return fmt.Errorf("claimed %d, more than the limit %d", len(got), batch)
				}
				if len(got) == 0 {
					return nil
				}
				for _, m := range got {
					claimed[w] = append(claimed[w], m.ID)
				}
			}
		})
		seen := map[int64]int{}
		for w, err := range errs {
			mustNoErr(t, err, "claim")
			for _, id := range claimed[w] {
				if other, ok := seen[id]; ok {
					t.Fatalf("mail %d claimed by workers %d and %d", id, other, w)
				}
				seen[id] = w
			}
		}
		if len(seen) != mails {
			t.Fatalf("%d mails claimed, want all %d", len(seen), mails)
		}
	})
	t.Run("DeleteMails", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "weg")
		r1 := mustCreateRegistration(t, s, newRegistration(c, "anna"))
		r2 := mustCreateRegistration(t, s, newRegistration(c, "bert"))
		for _, m := range []*backend.OutboxMail{newMail(c, r1, "a1"), newMail(c, r1, "a2"), newMail(c, r2, "b1")} {
			mustNoErr(t, s.EnqueueMail(t.Context(), m), "enqueue")
		}
		keep, err := s.FindMails(t.Context(), r2.ID)
		mustNoErr(t, err, "find")
		mustNoErr(t, s.DeleteMails(t.Context(), r1.ID), "delete")
		mustNoErr(t, s.DeleteMails(t.Context(), 987654), "delete none")
		wantMails(t, s, r1.ID)
		wantMails(t, s, r2.ID, keep...)
	})
}

// newMail returns an unsaved mail to r (nil: nobody) of conf, due now.
func newMail(conf *backend.Conference, r *backend.Registration, dedupeKey string) *backend.OutboxMail {
	m := &backend.OutboxMail{ConferenceID: conf.ID, Locale: "de", Template: "confirm", DedupeKey: dedupeKey,
		Data: map[string]string{"name": "Person", "link": "https://ideen.example/r/" + dedupeKey}, CreatedAt: now, NextAttemptAt: now}
	if r != nil {
		m.RegistrationID, m.To, m.Data["name"] = r.ID, r.Email, r.Name
	}
	return m
}

// wantMails fails unless a registration's mails are exactly want, in order.
func wantMails(tb testing.TB, s backend.Store, registrationID int64, want ...*backend.OutboxMail) {
	tb.Helper()
	got, err := s.FindMails(context.Background(), registrationID)
	mustNoErr(tb, err, "find mails")
	if mailIDs(got) != mailIDs(want) {
		tb.Fatalf("mails of registration %d = %s, want %s", registrationID, mailIDs(got), mailIDs(want))
	}
	for k := range want {
		sameMail(tb, got[k], want[k])
	}
}

// sameMail fails unless got equals want, its times equal and in UTC.
func sameMail(tb testing.TB, got, want *backend.OutboxMail) {
	tb.Helper()
	g, w := *got, *want
	for _, p := range []struct{ g, w *time.Time }{{&g.CreatedAt, &w.CreatedAt}, {&g.NextAttemptAt, &w.NextAttemptAt}} {
		if !p.g.Equal(*p.w) || p.g.Location() != time.UTC {
			tb.Fatalf("mail %d: time %v, want %v in UTC", w.ID, *p.g, *p.w)
		}
		*p.g, *p.w = time.Time{}, time.Time{}
	}
	for _, p := range []struct{ g, w **time.Time }{{&g.ClaimedUntil, &w.ClaimedUntil}, {&g.SentAt, &w.SentAt}, {&g.FailedAt, &w.FailedAt}} {
		gt, wt := *p.g, *p.w
		if (gt == nil) != (wt == nil) || gt != nil && (!gt.Equal(*wt) || gt.Location() != time.UTC) {
			tb.Fatalf("mail %d: time %v, want %v in UTC", w.ID, fmtTimePtr(gt), fmtTimePtr(wt))
		}
		*p.g, *p.w = nil, nil
	}
	if !reflect.DeepEqual(g, w) {
		tb.Fatalf("mail =\n%+v\nwant\n%+v", g, w)
	}
}

func mailIDs(ms []*backend.OutboxMail) string {
	ids := make([]int64, len(ms))
	for k, m := range ms {
		ids[k] = m.ID
	}
	return fmt.Sprint(ids)
}

func ptr[T any](v T) *T { return &v }

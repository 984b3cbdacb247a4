package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func testRegistrationChange(t *testing.T, open Opener) {
	t.Run("ErrorRollsBackEverything", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "zurueck")
		kept := mustCreateRegistration(t, s, newRegistration(c, "kept"))
		start := lastSeq(t, s)
		var created *backend.Registration
		err := s.ChangeRegistrations(t.Context(), c.ID, func(tx backend.RegistrationTx) error {
			created = newRegistration(c, "new")
			if err := tx.Create(created); err != nil {
				return err
			}
			changed := *kept
			changed.Status = backend.RegistrationConfirmed
			if err := tx.Update(&changed); err != nil {
				return err
			}
			if err := tx.Enqueue(newMail(c, created, "rollback")); err != nil {
				return err
			}
			return backend.Errorf(backend.EINVALID, "changed my mind")
		})
		wantCode(t, err, backend.EINVALID) // fn's own error comes back as it is
		wantChanges(t, s, start)
		_, err = s.FindRegistrationByID(t.Context(), created.ID)
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindRegistrationByToken(t.Context(), created.TokenHash)
		wantCode(t, err, backend.ENOTFOUND)
		got, err := s.FindRegistrationByID(t.Context(), kept.ID)
		mustNoErr(t, err, "find kept")
		sameRegistration(t, got, kept)
		counts, err := s.CountRegistrations(t.Context(), c.ID)
		mustNoErr(t, err, "count")
		if counts != (backend.RegistrationCounts{Pending: 1}) {
			t.Fatalf("counts after rollback = %+v, want only the one pending registration", counts)
		}
		mails, err := s.ClaimMails(t.Context(), now.Add(365*24*time.Hour), time.Minute, 100)
		mustNoErr(t, err, "claim")
		if len(mails) != 0 {
			t.Fatalf("claimed %d mails after rollback, want none", len(mails))
		}
		// The address and keys are free: nothing of the failed change is left.
		mustCreateRegistration(t, s, newRegistration(c, "new"))
	})
	t.Run("RecordsOneChangeIfItWrote", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "feed")
		existing := mustCreateRegistration(t, s, newRegistration(c, "old"))
		start := lastSeq(t, s)
		mustNoErr(t, s.ChangeRegistrations(t.Context(), c.ID, func(tx backend.RegistrationTx) error {
			if _, err := tx.Counts(); err != nil {
				return err
			}
			if _, err := tx.Find(existing.ID); err != nil {
				return err
			}
			if _, err := tx.NextWaitlisted(); backend.ErrorCode(err) != backend.ENOTFOUND {
				return fmt.Errorf("next waitlisted of none: %w, want ENOTFOUND", err)
			}
			_, err := tx.ExpiredOffers(now)
			return err
		}), "read only")
		wantChanges(t, s, start)
		mustNoErr(t, s.ChangeRegistrations(t.Context(), c.ID, func(tx backend.RegistrationTx) error {
			return tx.Enqueue(newMail(c, existing, "only-mail"))
		}), "mail only")
		wantChanges(t, s, start)

		var first, second *backend.Registration
		mustNoErr(t, s.ChangeRegistrations(t.Context(), c.ID, func(tx backend.RegistrationTx) error {
			first, second = newRegistration(c, "a"), newRegistration(c, "b")
			if err := tx.Create(first); err != nil {
				return err
			}
			if err := tx.Create(second); err != nil {
				return err
			}
			first.Status = backend.RegistrationConfirmed
			return tx.Update(first)
		}), "two creates and an update")
		if first.Version != 2 || second.Version != 1 {
			t.Fatalf("versions %d, %d; want 2 and 1", first.Version, second.Version)
		}
		created := backend.Change{Entity: backend.EntityRegistration, EntityID: first.ID, Op: backend.OpCreate, ConferenceID: c.ID}
		wantChanges(t, s, start, created)

		mustNoErr(t, s.ChangeRegistrations(t.Context(), c.ID, func(tx backend.RegistrationTx) error {
			second.Status = backend.RegistrationCancelled
			if err := tx.Update(second); err != nil {
				return err
			}
			return tx.Create(newRegistration(c, "c"))
		}), "an update and a create")
		wantChanges(t, s, start, created,
			backend.Change{Entity: backend.EntityRegistration, EntityID: second.ID, Op: backend.OpUpdate, ConferenceID: c.ID})
	})
}

func testRegistrationConcurrency(t *testing.T, open Opener) {
	t.Run("CapacityHoldsUnderLoad", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "ansturm")
		start := lastSeq(t, s)
		const n, capacity = 1000, 450
		errs := concurrently(n, func(k int) error { return registerWithinCapacity(s, c, fmt.Sprint("g", k), capacity) })
		for _, err := range errs {
			mustNoErr(t, err, "concurrent registration")
		}
		counts, err := s.CountRegistrations(t.Context(), c.ID)
		mustNoErr(t, err, "count")
		if counts != (backend.RegistrationCounts{Confirmed: capacity, Waitlisted: n - capacity}) {
			t.Fatalf("after %d concurrent registrations: %+v, want %d confirmed and %d waitlisted", n, counts, capacity, n-capacity)
		}
		if got := countChanges(t, s, start, backend.EntityRegistration); got != n {
			t.Fatalf("%d registration changes recorded, want %d", got, n)
		}
	})
	t.Run("ConferencesDoNotMix", func(t *testing.T) {
		s := open(t)
		a, b := MustCreateConference(t, s, "a"), MustCreateConference(t, s, "b")
		const n, capacity = 100, 30
		errs := concurrently(2*n, func(k int) error {
			conf := a
			if k%2 == 1 {
				conf = b
			}
			return registerWithinCapacity(s, conf, fmt.Sprint("g", k), capacity)
		})
		for _, err := range errs {
			mustNoErr(t, err, "concurrent registration")
		}
		for _, conf := range []*backend.Conference{a, b} {
			counts, err := s.CountRegistrations(t.Context(), conf.ID)
			mustNoErr(t, err, "count")
			if counts != (backend.RegistrationCounts{Confirmed: capacity, Waitlisted: n - capacity}) {
				t.Fatalf("conference %s: %+v, want %d confirmed and %d waitlisted", conf.Slug, counts, capacity, n-capacity)
			}
		}
	})
	t.Run("EachCancellationPromotesOnce", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "nachruecken")
		var confirmed, waiting []*backend.Registration
		for k := range 30 {
			r := newRegistration(c, fmt.Sprint("c", k))
			r.Status = backend.RegistrationConfirmed
			confirmed = append(confirmed, mustCreateRegistration(t, s, r))
		}
		for k := range 40 {
			r := newRegistration(c, fmt.Sprint("w", k))
			at := now.Add(time.Duration(k) * time.Second)
			r.Status, r.WaitlistedAt = backend.RegistrationWaitlisted, &at
			waiting = append(waiting, mustCreateRegistration(t, s, r))
		}
		const n = 20
		promoted := make([]int64, n)
		errs := concurrently(n, func(k int) error {
			return s.ChangeRegistrations(context.Background(), c.ID, func(tx backend.RegistrationTx) error {
				r, err := tx.Find(confirmed[k].ID)
				if err != nil {
					return err
				}
				at := now.Add(time.Hour)
				r.Status, r.CancelledAt, r.UpdatedAt = backend.RegistrationCancelled, &at, at
				if err := tx.Update(r); err != nil {
					return err
				}
				next, err := tx.NextWaitlisted()
				if err != nil {
					return err
				}
				expires := at.Add(48 * time.Hour)
				next.Status, next.Promoted, next.OfferedAt, next.OfferExpires, next.UpdatedAt = backend.RegistrationOffered, true, &at, &expires, at
				if err := tx.Update(next); err != nil {
					return err
				}
				promoted[k] = next.ID
				return nil
			})
		})
		for _, err := range errs {
			mustNoErr(t, err, "concurrent cancellation") // serialised: no stale version, no empty waitlist
		}
		seen := map[int64]bool{}
		for _, id := range promoted {
			if seen[id] {
				t.Fatalf("registration %d was promoted twice", id)
			}
			seen[id] = true
		}
		for k, w := range waiting {
			got, err := s.FindRegistrationByID(t.Context(), w.ID)
			mustNoErr(t, err, "find")
			wantPromoted := k < n // the longest waiting, in order
			if seen[w.ID] != wantPromoted || got.Promoted != wantPromoted || wantPromoted && (got.Status != backend.RegistrationOffered || got.Version != 2) {
				t.Fatalf("waitlisted #%d: promoted %v, stored %+v; want promoted %v (offered at version 2)", k, seen[w.ID], got, wantPromoted)
			}
		}
		counts, err := s.CountRegistrations(t.Context(), c.ID)
		mustNoErr(t, err, "count")
		want := backend.RegistrationCounts{Confirmed: 30 - n, Cancelled: n, Offered: n, Waitlisted: 40 - n, Promoted: n}
		if counts != want {
			t.Fatalf("counts = %+v, want %+v", counts, want)
		}
	})
}

// registerWithinCapacity is the App's rule in small: register, then confirm
// if a place is free (offers hold places too), else waitlist; all in one
// change, so that the count still holds when the status is written.
func registerWithinCapacity(s backend.Store, conf *backend.Conference, k string, capacity int) error {
	return s.ChangeRegistrations(context.Background(), conf.ID, func(tx backend.RegistrationTx) error {
		r := newRegistration(conf, conf.Slug+"-"+k)
		if err := tx.Create(r); err != nil {
			return err
		}
		counts, err := tx.Counts()
		if err != nil {
			return err
		}
		at := now.Add(time.Minute)
		if counts.Confirmed+counts.Offered < capacity {
			r.Status, r.ConfirmedAt = backend.RegistrationConfirmed, &at
		} else {
			r.Status, r.WaitlistedAt = backend.RegistrationWaitlisted, &at
		}
		return tx.Update(r)
	})
}

// concurrently runs do(0..n-1) at once and returns their errors.
func concurrently(n int, do func(k int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[k] = do(k)
		}()
	}
	wg.Wait()
	return errs
}

// countChanges counts the changes of entity after seq.
func countChanges(tb testing.TB, s backend.Store, seq int64, entity string) int {
	tb.Helper()
	n := 0
	for {
		got, err := s.ChangesSince(context.Background(), seq, 1000)
		mustNoErr(tb, err, "changes")
		if len(got) == 0 {
			return n
		}
		for _, ch := range got {
			if ch.Entity == entity {
				n++
			}
		}
		seq = got[len(got)-1].Seq
	}
}

package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func testRegistrationSettings(t *testing.T, open Opener) {
	t.Run("SaveAndFind", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "regeln")
		_, err := s.FindRegistrationSettings(t.Context(), c.ID)
		wantCode(t, err, backend.ENOTFOUND)

		r := &backend.RegistrationSettings{ConferenceID: c.ID, Open: true, VenueLimit: 500, NoShowRate: 0.1, OfferHours: 48,
			RequireCheckIn: true, RetentionDays: 90, UpdatedAt: now}
		mustNoErr(t, s.SaveRegistrationSettings(t.Context(), r), "create")
		if r.Version != 1 {
			t.Fatalf("version after create = %d, want 1", r.Version)
		}
		sameSettings(t, s, r)

		stale := *r
		measured := 0.125
		r.Open, r.VenueLimit, r.NoShowRate, r.OfferHours, r.RequireCheckIn, r.RetentionDays = false, 0, 0.5, 1, false, 0
		r.MeasuredNoShowRate, r.UpdatedAt = &measured, now.Add(time.Hour)
		mustNoErr(t, s.SaveRegistrationSettings(t.Context(), r), "update")
		if r.Version != 2 {
			t.Fatalf("version after update = %d, want 2", r.Version)
		}
		sameSettings(t, s, r)

		for name, v := range map[string]int{"stale": stale.Version, "create again": 0, "future": 7} {
			again := *r
			again.Version, again.VenueLimit = v, 999
			err := s.SaveRegistrationSettings(t.Context(), &again)
			if !errors.Is(err, backend.ErrStaleVersion) {
				t.Errorf("save at version %d (%s): err = %v, want ErrStaleVersion", v, name, err)
			}
		}
		sameSettings(t, s, r)

		r.MeasuredNoShowRate = nil
		mustNoErr(t, s.SaveRegistrationSettings(t.Context(), r), "clear measured rate")
		sameSettings(t, s, r)
	})
	t.Run("Refused", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "falsch")
		ghost := &backend.RegistrationSettings{ConferenceID: 987654, OfferHours: 48, UpdatedAt: now}
		wantCode(t, s.SaveRegistrationSettings(t.Context(), ghost), backend.ENOTFOUND)
		tooHigh := &backend.RegistrationSettings{ConferenceID: c.ID, NoShowRate: 0.6, OfferHours: 48, UpdatedAt: now}
		wantCode(t, s.SaveRegistrationSettings(t.Context(), tooHigh), backend.EINVALID)
		_, err := s.FindRegistrationSettings(t.Context(), c.ID)
		wantCode(t, err, backend.ENOTFOUND)
	})
	t.Run("MeasuredNoShowRates", func(t *testing.T) {
		s := open(t)
		got, err := s.ListMeasuredNoShowRates(t.Context())
		mustNoErr(t, err, "list none")
		if got == nil || len(got) != 0 {
			t.Fatalf("measured rates of an empty store = %v, want an empty slice", got)
		}
		conf := func(slug string, endsIn time.Duration, rate *float64, confirmed int) *backend.Conference {
			c := NewConference(slug)
			c.StartsAt, c.EndsAt = now.Add(endsIn-8*time.Hour), now.Add(endsIn)
			mustNoErr(t, s.CreateConference(t.Context(), c), "create conference "+slug)
			mustNoErr(t, s.SaveRegistrationSettings(t.Context(), &backend.RegistrationSettings{ConferenceID: c.ID, OfferHours: 48,
				MeasuredNoShowRate: rate, UpdatedAt: now}), "save settings "+slug)
			for k := range confirmed {
				r := newRegistration(c, slug+string(rune('a'+k)))
				r.Status = backend.RegistrationConfirmed
				mustCreateRegistration(t, s, r)
			}
			r := newRegistration(c, slug+"-cancelled") // not confirmed: not counted
			r.Status = backend.RegistrationCancelled
			mustCreateRegistration(t, s, r)
			return c
		}
		r1, r2 := 0.12, 0.2
		later := conf("spaeter", -24*time.Hour, &r1, 3)
		conf("ohne", -48*time.Hour, nil, 2)
		earlier := conf("frueher", -72*time.Hour, &r2, 0)
		got, err = s.ListMeasuredNoShowRates(t.Context())
		mustNoErr(t, err, "list")
		want := []backend.MeasuredNoShow{
			{ConferenceID: earlier.ID, EndsAt: earlier.EndsAt, Rate: 0.2, Confirmed: 0},
			{ConferenceID: later.ID, EndsAt: later.EndsAt, Rate: 0.12, Confirmed: 3},
		}
		if len(got) != len(want) {
			t.Fatalf("measured rates = %+v, want %+v", got, want)
		}
		for k := range want {
			if !got[k].EndsAt.Equal(want[k].EndsAt) || got[k].EndsAt.Location() != time.UTC {
				t.Fatalf("rate %d ends at %v, want %v in UTC", k, got[k].EndsAt, want[k].EndsAt)
			}
			got[k].EndsAt = want[k].EndsAt
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("measured rates = %+v, want %+v", got, want)
		}
	})
}

// sameSettings fails unless the stored settings equal want.
func sameSettings(tb testing.TB, s backend.Store, want *backend.RegistrationSettings) {
	tb.Helper()
	got, err := s.FindRegistrationSettings(tb.Context(), want.ConferenceID)
	mustNoErr(tb, err, "find settings")
	if !got.UpdatedAt.Equal(want.UpdatedAt) || got.UpdatedAt.Location() != time.UTC {
		tb.Fatalf("settings updated at %v, want %v in UTC", got.UpdatedAt, want.UpdatedAt)
	}
	g, w := *got, *want
	g.UpdatedAt, w.UpdatedAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		tb.Fatalf("settings =\n%+v\nwant\n%+v", fmtSettings(g), fmtSettings(w))
	}
}

// fmtSettings shows the measured rate itself, not its pointer.
func fmtSettings(r backend.RegistrationSettings) string {
	m := "nil"
	if r.MeasuredNoShowRate != nil {
		m = fmt.Sprint(*r.MeasuredNoShowRate)
	}
	return fmt.Sprintf("%+v (measured %s)", r, m)
}

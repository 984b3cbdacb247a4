package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func testRegistrationList(t *testing.T, open Opener) {
	s := open(t)
	c, other := MustCreateConference(t, s, "liste"), MustCreateConference(t, s, "andere")
	add := func(k, name, email string, status backend.RegistrationStatus, created time.Time) *backend.Registration {
		r := newRegistration(c, k)
		r.Name, r.Email, r.Status, r.CreatedAt = name, email, status, created
		return mustCreateRegistration(t, s, r)
	}
	ayse := add("ayse", "Özdemir, Ayşe", "ayse@example.org", backend.RegistrationConfirmed, now.Add(time.Minute))
	tie := add("tie", "Gleichzeitig", "tie@example.org", backend.RegistrationPending, now.Add(time.Minute)) // same time: by id
	percent := add("percent", "100% Müller", "mueller@example.org", backend.RegistrationPending, now.Add(2*time.Minute))
	under := add("under", "a_b Schmidt", "ab@stadt.example", backend.RegistrationWaitlisted, now.Add(3*time.Minute))
	zoe := add("zoe", "Zoë", "ZOE.100@Example.ORG", backend.RegistrationCancelled, now) // added last, created first
	elsewhere := newRegistration(other, "ayse-other")
	elsewhere.Name = "Özdemir, Ayşe"
	mustCreateRegistration(t, s, elsewhere)

	for _, tc := range []struct {
		name   string
		filter backend.RegistrationFilter
		want   []*backend.Registration
		total  int
	}{
		{"all, oldest first", backend.RegistrationFilter{}, []*backend.Registration{zoe, ayse, tie, percent, under}, 5},
		{"by status", backend.RegistrationFilter{Statuses: []backend.RegistrationStatus{backend.RegistrationWaitlisted, backend.RegistrationConfirmed}},
			[]*backend.Registration{ayse, under}, 2},
		{"name, other case, umlaut", backend.RegistrationFilter{Query: "ÖZDEM"}, []*backend.Registration{ayse}, 1},
		{"name, lower case", backend.RegistrationFilter{Query: " ayşe "}, []*backend.Registration{ayse}, 1},
		{"e-mail, other case", backend.RegistrationFilter{Query: "zoe.100@EXAMPLE"}, []*backend.Registration{zoe}, 1},
		{"name or e-mail", backend.RegistrationFilter{Query: "100"}, []*backend.Registration{zoe, percent}, 2},
		{"domain", backend.RegistrationFilter{Query: "@example.org"}, []*backend.Registration{zoe, ayse, tie, percent}, 4},
		{"percent is literal", backend.RegistrationFilter{Query: "%"}, []*backend.Registration{percent}, 1},
		{"underscore is literal", backend.RegistrationFilter{Query: "a_b"}, []*backend.Registration{under}, 1},
		{"lone underscore is literal", backend.RegistrationFilter{Query: "_"}, []*backend.Registration{under}, 1},
		{"backslash is literal", backend.RegistrationFilter{Query: `\`}, nil, 0},
		{"query and status", backend.RegistrationFilter{Query: "100", Statuses: []backend.RegistrationStatus{backend.RegistrationPending}},
			[]*backend.Registration{percent}, 1},
		{"page", backend.RegistrationFilter{Offset: 1, Limit: 2}, []*backend.Registration{ayse, tie}, 5},
		{"past the end", backend.RegistrationFilter{Offset: 10, Limit: 2}, nil, 5},
		{"no match", backend.RegistrationFilter{Query: "niemand"}, nil, 0},
	} {
		tc.filter.ConferenceID = c.ID
		got, total, err := s.FindRegistrations(t.Context(), tc.filter)
		mustNoErr(t, err, tc.name)
		if got == nil {
			t.Errorf("%s: list is nil, want an empty slice", tc.name)
		}
		if total != tc.total || registrationIDs(got) != registrationIDs(tc.want) {
			t.Errorf("%s: got %s (total %d), want %s (total %d)", tc.name, registrationIDs(got), total, registrationIDs(tc.want), tc.total)
		}
	}
	got, _, err := s.FindRegistrations(t.Context(), backend.RegistrationFilter{ConferenceID: c.ID, Query: "Ayşe"})
	mustNoErr(t, err, "find one")
	if len(got) == 1 {
		sameRegistration(t, got[0], ayse)
	}
	none, total, err := s.FindRegistrations(t.Context(), backend.RegistrationFilter{ConferenceID: 987654})
	mustNoErr(t, err, "list unknown conference")
	if none == nil || len(none) != 0 || total != 0 {
		t.Fatalf("unknown conference: %v (total %d), want an empty slice", none, total)
	}
}

func registrationIDs(rs []*backend.Registration) string {
	ids := make([]string, len(rs))
	for k, r := range rs {
		ids[k] = fmt.Sprint(r.ID)
	}
	return "[" + strings.Join(ids, " ") + "]"
}

func testRegistrationCounts(t *testing.T, open Opener) {
	s := open(t)
	c, other := MustCreateConference(t, s, "zaehlen"), MustCreateConference(t, s, "andere")
	in := now.Add(30 * 24 * time.Hour)
	n := 0
	add := func(conf *backend.Conference, status backend.RegistrationStatus, set func(r *backend.Registration)) {
		n++
		r := newRegistration(conf, fmt.Sprint("r", n))
		r.Status = status
		if set != nil {
			set(r)
		}
		mustCreateRegistration(t, s, r)
	}
	add(c, backend.RegistrationPending, nil)
	add(c, backend.RegistrationPending, func(r *backend.Registration) { r.WalkIn, r.Email, r.RequestKey = true, "", "" })
	add(c, backend.RegistrationConfirmed, nil)
	add(c, backend.RegistrationConfirmed, func(r *backend.Registration) { r.CheckedInAt, r.CheckInDoor = &in, "Nord" })
	add(c, backend.RegistrationConfirmed, func(r *backend.Registration) { r.CheckedInAt, r.WalkIn, r.Promoted = &in, true, true })
	add(c, backend.RegistrationWaitlisted, nil)
	add(c, backend.RegistrationOffered, func(r *backend.Registration) { r.Promoted = true })
	add(c, backend.RegistrationCancelled, func(r *backend.Registration) { r.Promoted, r.CheckedInAt = true, &in }) // left again: not in the headcount
	add(c, backend.RegistrationLapsed, func(r *backend.Registration) { r.Promoted = true })
	add(other, backend.RegistrationConfirmed, func(r *backend.Registration) { r.CheckedInAt, r.WalkIn, r.Promoted = &in, true, true })

	want := backend.RegistrationCounts{Pending: 2, Confirmed: 3, Waitlisted: 1, Offered: 1, Cancelled: 1, Lapsed: 1, Promoted: 4, WalkIns: 2, CheckedIn: 2}
	got, err := s.CountRegistrations(t.Context(), c.ID)
	mustNoErr(t, err, "count")
	if got != want {
		t.Fatalf("counts = %+v, want %+v", got, want)
	}
	var inTx backend.RegistrationCounts
	mustNoErr(t, s.ChangeRegistrations(t.Context(), c.ID, func(tx backend.RegistrationTx) error {
		var err error
		inTx, err = tx.Counts()
		return err
	}), "count in a change")
	if inTx != want {
		t.Fatalf("counts in a change = %+v, want %+v", inTx, want)
	}
	empty, err := s.CountRegistrations(t.Context(), 987654)
	mustNoErr(t, err, "count unknown conference")
	if empty != (backend.RegistrationCounts{}) {
		t.Fatalf("counts of an unknown conference = %+v, want zero", empty)
	}
}

func testRegistrationWaitlist(t *testing.T, open Opener) {
	s := open(t)
	c, other := MustCreateConference(t, s, "warteliste"), MustCreateConference(t, s, "andere")
	add := func(conf *backend.Conference, k string, status backend.RegistrationStatus, waitlisted, expires *time.Time) *backend.Registration {
		r := newRegistration(conf, k)
		r.Status, r.WaitlistedAt, r.OfferExpires = status, waitlisted, expires
		return mustCreateRegistration(t, s, r)
	}
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }

	next := func() (*backend.Registration, error) {
		var r *backend.Registration
		err := s.ChangeRegistrations(t.Context(), c.ID, func(tx backend.RegistrationTx) error {
			var err error
			r, err = tx.NextWaitlisted()
			return err
		})
		return r, err
	}
	_, err := next()
	wantCode(t, err, backend.ENOTFOUND)

	unset := add(c, "unset", backend.RegistrationWaitlisted, nil, nil)
	late := add(c, "late", backend.RegistrationWaitlisted, at(2*time.Hour), nil)
	first := add(c, "first", backend.RegistrationWaitlisted, at(time.Hour), nil)
	second := add(c, "second", backend.RegistrationWaitlisted, at(time.Hour), nil) // same time as first, higher id
	add(c, "gone", backend.RegistrationConfirmed, at(-time.Hour), nil)             // waited once, is in now
	add(other, "elsewhere", backend.RegistrationWaitlisted, at(-2*time.Hour), nil)
	for _, want := range []*backend.Registration{first, second, late, unset} {
		got, err := next()
		mustNoErr(t, err, "next waitlisted")
		sameRegistration(t, got, want)
		got.Status, got.Promoted, got.OfferedAt = backend.RegistrationOffered, true, at(3*time.Hour)
		mustUpdateRegistration(t, s, got)
	}
	_, err = next()
	wantCode(t, err, backend.ENOTFOUND)

	o1 := add(c, "o1", backend.RegistrationOffered, nil, at(-time.Hour))
	add(c, "o2", backend.RegistrationOffered, nil, at(0)) // expires now: not before now
	add(c, "o3", backend.RegistrationOffered, nil, at(time.Hour))
	o4 := add(c, "o4", backend.RegistrationOffered, nil, at(-2*time.Hour))
	add(c, "o5", backend.RegistrationLapsed, nil, at(-3*time.Hour))
	add(other, "o6", backend.RegistrationOffered, nil, at(-3*time.Hour))
	var expired []*backend.Registration
	mustNoErr(t, s.ChangeRegistrations(t.Context(), c.ID, func(tx backend.RegistrationTx) error {
		var err error
		expired, err = tx.ExpiredOffers(now)
		return err
	}), "expired offers")
	if registrationIDs(expired) != registrationIDs([]*backend.Registration{o4, o1}) {
		t.Fatalf("expired offers = %s, want %s", registrationIDs(expired), registrationIDs([]*backend.Registration{o4, o1}))
	}
	sameRegistration(t, expired[1], o1)
	mustNoErr(t, s.ChangeRegistrations(t.Context(), c.ID, func(tx backend.RegistrationTx) error {
		var err error
		expired, err = tx.ExpiredOffers(now.Add(-5 * time.Hour))
		return err
	}), "no expired offers")
	if expired == nil || len(expired) != 0 {
		t.Fatalf("expired offers long before = %v, want an empty slice", expired)
	}
}

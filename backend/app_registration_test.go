package backend_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/sqlite"
)

// publicURL is the App.PublicURL of these tests: personal links start with it.
const publicURL = "https://ideen.stadt.example"

// visitor is someone on the public registration form: not logged in, not joined.
var visitor = backend.Actor{}

// regSettings is an edit of the registration settings.
type regSettings func(in *backend.RegistrationSettingsInput)

// mustSaveRegSettings changes a conference's registration settings from
// their current values (with the current version).
func mustSaveRegSettings(tb testing.TB, app *backend.App, orga backend.Actor, slug string, edit regSettings) *backend.RegistrationSettingsView {
	tb.Helper()
	cur, err := app.GetRegistrationSettings(tb.Context(), orga, slug)
	if err != nil {
		tb.Fatalf("get registration settings of %q: %v", slug, err)
	}
	in := backend.RegistrationSettingsInput{Open: cur.Open, VenueLimit: cur.VenueLimit, NoShowRate: cur.NoShowRate, OfferHours: cur.OfferHours,
		RequireCheckIn: cur.RequireCheckIn, RetentionDays: cur.RetentionDays, Version: cur.Version}
	if edit != nil {
		edit(&in)
	}
	v, err := app.SaveRegistrationSettings(tb.Context(), orga, slug, in)
	if err != nil {
		tb.Fatalf("save registration settings of %q (%+v): %v", slug, in, err)
	}
	return v
}

// mustRegConference creates a market conference with capacity places in
// the ideas phase, and opens registration (venue limit = capacity, no
// over-booking, offers for 48 hours) before edit.
func mustRegConference(tb testing.TB, app *backend.App, orga backend.Actor, slug string, capacity int, edit regSettings) backend.ConferenceView {
	tb.Helper()
	in := marketInput(slug)
	in.Capacity = capacity
	conf := MustCreateMarket(tb, app, orga, in, backend.PhaseIdeas)
	mustSaveRegSettings(tb, app, orga, slug, func(in *backend.RegistrationSettingsInput) {
		in.Open, in.VenueLimit, in.NoShowRate, in.OfferHours = true, capacity, 0, 48
		if edit != nil {
			edit(in)
		}
	})
	return conf
}

// regInput is a valid registration of name with an address made from it.
func regInput(name string) backend.RegistrationInput {
	local := strings.ToLower(strings.ReplaceAll(name, " ", "."))
	return backend.RegistrationInput{Name: name, Email: local + "@stadt.example", Department: "Bauamt", Locale: "de"}
}

// mustRegByEmail returns the active registration of an address.
func mustRegByEmail(tb testing.TB, app *backend.App, confID int64, email string) *backend.Registration {
	tb.Helper()
	r, err := app.Store.FindRegistrationByEmail(tb.Context(), confID, email)
	if err != nil {
		tb.Fatalf("find registration of %s: %v", email, err)
	}
	return r
}

func mustRegByID(tb testing.TB, app *backend.App, id int64) *backend.Registration {
	tb.Helper()
	r, err := app.Store.FindRegistrationByID(tb.Context(), id)
	if err != nil {
		tb.Fatalf("find registration %d: %v", id, err)
	}
	return r
}

func mustMails(tb testing.TB, app *backend.App, regID int64) []*backend.OutboxMail {
	tb.Helper()
	ms, err := app.Store.FindMails(tb.Context(), regID)
	if err != nil {
		tb.Fatalf("mails of registration %d: %v", regID, err)
	}
	return ms
}

func templatesOf(ms []*backend.OutboxMail) []string {
	out := make([]string, len(ms))
	for n, m := range ms {
		out[n] = m.Template
	}
	return out
}

// linkToken is the token of a personal link ".../r/<token>".
func linkToken(tb testing.TB, link string) string {
	tb.Helper()
	i := strings.LastIndex(link, "/r/")
	if i < 0 || !strings.HasPrefix(link, publicURL+"/r/") || len(link[i+3:]) < 20 {
		tb.Fatalf("link %q: want %s/r/<token>", link, publicURL)
	}
	return link[i+3:]
}

// lastMail returns the newest mail of a registration, which must have
// template, and the token of its link ("" if it carries none).
func lastMail(tb testing.TB, app *backend.App, regID int64, template string) (*backend.OutboxMail, string) {
	tb.Helper()
	ms := mustMails(tb, app, regID)
	if len(ms) == 0 {
		tb.Fatalf("registration %d has no mail, want %s", regID, template)
	}
	m := ms[len(ms)-1]
	if m.Template != template {
		tb.Fatalf("registration %d: newest mail %s (all: %v), want %s", regID, m.Template, templatesOf(ms), template)
	}
	if m.Data["link"] == "" {
		return m, ""
	}
	return m, linkToken(tb, m.Data["link"])
}

// mustRegister registers in as a visitor and returns the new registration
// and the token from its confirmation mail.
func mustRegister(tb testing.TB, app *backend.App, slug string, confID int64, in backend.RegistrationInput) (*backend.Registration, string) {
	tb.Helper()
	ack, err := app.Register(tb.Context(), visitor, slug, in)
	if err != nil || ack.Status != "check_inbox" {
		tb.Fatalf("register %s: %+v, %v", in.Email, ack, err)
	}
	r := mustRegByEmail(tb, app, confID, in.Email)
	_, token := lastMail(tb, app, r.ID, "registration_confirm")
	return r, token
}

func mustConfirm(tb testing.TB, app *backend.App, token string) *backend.RegistrationView {
	tb.Helper()
	v, err := app.ConfirmRegistration(tb.Context(), token)
	if err != nil {
		tb.Fatalf("confirm: %v", err)
	}
	return v
}

// mustRegisterConfirmed registers and confirms; the answer says where it went.
func mustRegisterConfirmed(tb testing.TB, app *backend.App, slug string, confID int64, name string) (*backend.RegistrationView, string) {
	tb.Helper()
	_, token := mustRegister(tb, app, slug, confID, regInput(name))
	return mustConfirm(tb, app, token), token
}

func mustCounts(tb testing.TB, app *backend.App, confID int64) backend.RegistrationCounts {
	tb.Helper()
	c, err := app.Store.CountRegistrations(tb.Context(), confID)
	if err != nil {
		tb.Fatalf("count registrations: %v", err)
	}
	return c
}

// wantErrFields asserts an error's code and its sorted "field:code" pairs.
func wantErrFields(tb testing.TB, err error, code string, want ...string) {
	tb.Helper()
	wantCode(tb, err, code)
	if got := fieldCodes(tb, err); !slices.Equal(got, want) {
		tb.Errorf("fields = %v, want %v", got, want)
	}
}

func sameTime(a *time.Time, b time.Time) bool { return a != nil && a.Equal(b) }

func TestConfirmLimit(t *testing.T) {
	for _, tt := range []struct {
		name            string
		capacity, venue int
		rate            float64
		want            int
	}{
		{"450 places at 10 % are exactly 500, not 499", 450, 0, 0.1, 500},
		{"450 places at 10 % under a venue limit of 600", 450, 600, 0.1, 500},
		{"no over-booking", 450, 0, 0, 450},
		{"no over-booking under a venue limit", 450, 450, 0, 450},
		{"the venue limit caps over-booking", 450, 480, 0.1, 480},
		{"rate 0.5 doubles", 450, 0, 0.5, 900},
		{"rate 0.5 doubles up to the venue limit", 450, 1000, 0.5, 900},
		{"45 places at 10 %", 45, 0, 0.1, 50},
		{"odd: 7 at 10 % is 7.77…, rounded down", 7, 0, 0.1, 7},
		{"odd: 451 at 10 % is 501.1…, rounded down", 451, 0, 0.1, 501},
		{"odd: 3 at 1/3 is 4.5, rounded down", 3, 0, 1.0 / 3, 4},
		{"odd: 333 at 0.25 is 444", 333, 0, 0.25, 444},
		{"a rate above 0.5 counts as 0.5", 100, 0, 0.9, 200},
		{"a negative rate counts as 0", 100, 0, -0.2, 100},
		{"no capacity, no places", 0, 100, 0.1, 0},
		{"a venue limit below the capacity wins", 100, 50, 0, 50},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := backend.ConfirmLimit(tt.capacity, tt.venue, tt.rate); got != tt.want {
				t.Errorf("ConfirmLimit(%d, %d, %v) = %d, want %d", tt.capacity, tt.venue, tt.rate, got, tt.want)
			}
		})
	}
}

func TestExpectedAttendance(t *testing.T) {
	for _, tt := range []struct {
		name               string
		confirmed, walkIns int
		rate               float64
		want               backend.Attendance
	}{
		{"nobody", 0, 0, 0.1, backend.Attendance{}},
		{"no no-shows: exactly the confirmed", 100, 0, 0, backend.Attendance{Expected: 100, Low: 100, High: 100}},
		// mean 90, standard deviation √(100·0.9·0.1) = 3
		{"100 at 10 %", 100, 0, 0.1, backend.Attendance{Expected: 90, Low: 84, High: 96}},
		{"walk-ins come on top, certainly", 100, 5, 0.1, backend.Attendance{Expected: 95, Low: 89, High: 101}},
		// mean 450, sd √(500·0.9·0.1) ≈ 6.708: 436.58… → 436, 463.41… → 464
		{"500 at 10 %", 500, 0, 0.1, backend.Attendance{Expected: 450, Low: 436, High: 464}},
		// mean 2, sd 1: the range is clamped to 0..4
		{"4 at 50 %", 4, 0, 0.5, backend.Attendance{Expected: 2, Low: 0, High: 4}},
		// mean 0.5, sd 0.5: low −0.5 → 0, high 1.5 → at most 1
		{"1 at 50 % stays within 0 and 1", 1, 0, 0.5, backend.Attendance{Expected: 1, Low: 0, High: 1}},
		{"walk-ins only", 0, 7, 0.2, backend.Attendance{Expected: 7, Low: 7, High: 7}},
		{"a rate above 1 counts as 1", 10, 0, 1.5, backend.Attendance{Expected: 0, Low: 0, High: 0}},
		{"a negative rate counts as 0", 10, 0, -1, backend.Attendance{Expected: 10, Low: 10, High: 10}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := backend.ExpectedAttendance(tt.confirmed, tt.walkIns, tt.rate)
			if got != tt.want {
				t.Errorf("ExpectedAttendance(%d, %d, %v) = %+v, want %+v", tt.confirmed, tt.walkIns, tt.rate, got, tt.want)
			}
			if got.Low < tt.walkIns || got.High > tt.confirmed+tt.walkIns || got.Low > got.Expected || got.Expected > got.High {
				t.Errorf("%+v: want walkIns ≤ low ≤ expected ≤ high ≤ confirmed+walkIns", got)
			}
		})
	}
}

func TestSuggestNoShowRate(t *testing.T) {
	m := func(id int64, rate float64, confirmed int) backend.MeasuredNoShow {
		return backend.MeasuredNoShow{ConferenceID: id, Rate: rate, Confirmed: confirmed, EndsAt: t0}
	}
	for _, tt := range []struct {
		name     string
		measured []backend.MeasuredNoShow
		except   int64
		want     *float64
	}{
		{"no data", nil, 0, nil},
		{"one conference", []backend.MeasuredNoShow{m(1, 0.3, 10)}, 9, ptr(0.3)},
		{"weighted by confirmed: (0.2·100 + 0.1·300) / 400 = 0.125 → 0.13",
			[]backend.MeasuredNoShow{m(1, 0.2, 100), m(2, 0.1, 300)}, 9, ptr(0.13)},
		{"not an average of rates: a small conference counts little",
			[]backend.MeasuredNoShow{m(1, 0.5, 2), m(2, 0.1, 198)}, 9, ptr(0.10)},
		{"its own measurement is left out", []backend.MeasuredNoShow{m(1, 0.2, 100), m(2, 0.1, 300)}, 2, ptr(0.2)},
		{"only its own: nil", []backend.MeasuredNoShow{m(1, 0.2, 100)}, 1, nil},
		{"conferences without confirmed places count nothing", []backend.MeasuredNoShow{m(1, 0.9, 0), m(2, 0.4, -3)}, 9, nil},
		{"rounded to whole percent", []backend.MeasuredNoShow{m(1, 0.1234, 10)}, 9, ptr(0.12)},
		{"never above the maximum", []backend.MeasuredNoShow{m(1, 0.8, 10)}, 9, ptr(backend.MaxNoShowRate)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := backend.SuggestNoShowRate(tt.measured, tt.except)
			switch {
			case tt.want == nil && got != nil:
				t.Errorf("got %v, want nil", *got)
			case tt.want != nil && (got == nil || math.Abs(*got-*tt.want) > 1e-9):
				t.Errorf("got %v, want %v", got, *tt.want)
			}
		})
	}
}

func TestRegistrationFlow(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App, clk *clock) {
		ctx := t.Context()
		app.PublicURL = publicURL + "/" // a trailing slash makes no double slash
		orga := MustOrganizer(t, app)
		conf := mustRegConference(t, app, orga, "ablauf", 3, func(in *backend.RegistrationSettingsInput) { in.VenueLimit = 5 })

		var anna *backend.Registration
		var annaTok string
		t.Run("register: pending, with a confirmation mail carrying the link", func(t *testing.T) {
			in := regInput("Anna Amsel")
			in.Accessibility = "Rollstuhl,\nbitte Platz am Gang"
			in.RequestKey = "form-anna"
			anna, annaTok = mustRegister(t, app, "ablauf", conf.ID, in)
			if anna.Status != backend.RegistrationPending || anna.Name != "Anna Amsel" || anna.Department != "Bauamt" || anna.Locale != "de" ||
				anna.Accessibility != in.Accessibility || anna.TicketCode == "" || anna.ConfirmedAt != nil || !anna.CreatedAt.Equal(t0) {
				t.Fatalf("registration = %+v", anna)
			}
			ms := mustMails(t, app, anna.ID)
			if len(ms) != 1 || ms[0].To != "anna.amsel@stadt.example" || ms[0].Locale != "de" || ms[0].ConferenceID != conf.ID ||
				ms[0].Data["name"] != "Anna Amsel" || ms[0].Data["conference"] != conf.Title || ms[0].Data["ticketCode"] != "" {
				t.Fatalf("mails = %+v, want one registration_confirm to Anna without a ticket code", ms)
			}
			v, err := app.MyRegistration(ctx, annaTok)
			if err != nil || v.Status != backend.RegistrationPending || v.TicketCode != "" || v.Conference.Slug != "ablauf" {
				t.Fatalf("my registration = %+v (%v), want pending without a ticket", v, err)
			}
		})
		t.Run("confirming gives a place and sends the ticket", func(t *testing.T) {
			clk.Set(t0.Add(time.Minute))
			defer clk.Set(t0)
			v := mustConfirm(t, app, annaTok)
			if v.Status != backend.RegistrationConfirmed || v.TicketCode != anna.TicketCode || !sameTime(v.ConfirmedAt, t0.Add(time.Minute)) ||
				v.WaitlistAhead != nil || v.Promoted {
				t.Fatalf("after confirm: %+v", v.Registration)
			}
			m, tok := lastMail(t, app, anna.ID, "registration_confirmed")
			if m.Data["ticketCode"] != anna.TicketCode || tok != annaTok {
				t.Errorf("ticket mail data = %v, want the ticket code and the same link", m.Data)
			}
		})

		ben, benTok := mustRegisterConfirmed(t, app, "ablauf", conf.ID, "Ben Bussard")
		cara, caraTok := mustRegisterConfirmed(t, app, "ablauf", conf.ID, "Cara Civet")
		if ben.Status != backend.RegistrationConfirmed || cara.Status != backend.RegistrationConfirmed {
			t.Fatalf("ben %s, cara %s: want both confirmed (3 places)", ben.Status, cara.Status)
		}
		var dora, emil, fritz *backend.RegistrationView
		var emilTok, fritzTok string
		t.Run("when the places are taken, confirming puts on the waitlist", func(t *testing.T) {
			dora, _ = mustRegisterConfirmed(t, app, "ablauf", conf.ID, "Dora Dohle")
			emil, emilTok = mustRegisterConfirmed(t, app, "ablauf", conf.ID, "Emil Elster")
			fritz, fritzTok = mustRegisterConfirmed(t, app, "ablauf", conf.ID, "Fritz Fink")
			for n, v := range []*backend.RegistrationView{dora, emil, fritz} {
				if v.Status != backend.RegistrationWaitlisted || v.WaitlistAhead == nil || *v.WaitlistAhead != n || v.TicketCode != "" || v.WaitlistedAt == nil {
					t.Errorf("%s: status %s, ahead %v, ticket %q; want waitlisted with %d ahead and no ticket", v.Name, v.Status, v.WaitlistAhead, v.TicketCode, n)
				}
				if m, _ := lastMail(t, app, v.ID, "registration_waitlisted"); m.Data["ticketCode"] != "" {
					t.Errorf("%s: waitlist mail carries a ticket code", v.Name)
				}
			}
			if c := mustCounts(t, app, conf.ID); c.Confirmed != 3 || c.Waitlisted != 3 || c.Held() != 3 {
				t.Fatalf("counts = %+v, want 3 confirmed and 3 waiting", c)
			}
		})

		var doraOffer string
		t.Run("a cancelled place is offered to exactly one, the longest waiting", func(t *testing.T) {
			clk.Set(t0.Add(time.Hour))
			v, err := app.CancelMyRegistration(ctx, benTok)
			if err != nil || v.Status != backend.RegistrationCancelled || !sameTime(v.CancelledAt, t0.Add(time.Hour)) {
				t.Fatalf("cancel: %+v (%v)", v, err)
			}
			if _, tok := lastMail(t, app, ben.ID, "registration_cancelled"); tok != benTok {
				t.Errorf("cancel mail links %q, want Ben's link", tok)
			}
			if c := mustCounts(t, app, conf.ID); c.Confirmed != 2 || c.Offered != 1 || c.Waitlisted != 2 || c.Cancelled != 1 {
				t.Fatalf("counts = %+v, want 2 confirmed, 1 offered, 2 waiting, 1 cancelled", c)
			}
			d := mustRegByID(t, app, dora.ID)
			if d.Status != backend.RegistrationOffered || !sameTime(d.OfferedAt, t0.Add(time.Hour)) || !sameTime(d.OfferExpires, t0.Add(49*time.Hour)) {
				t.Fatalf("dora = %s offered %v expires %v, want offered at t0+1h until t0+49h", d.Status, d.OfferedAt, d.OfferExpires)
			}
			var m *backend.OutboxMail
			m, doraOffer = lastMail(t, app, dora.ID, "waitlist_offer")
			if doraOffer == "" || m.Data["expires"] == "" {
				t.Fatalf("offer mail data = %v, want a link and the expiry", m.Data)
			}
			got, err := app.MyRegistration(ctx, doraOffer)
			if err != nil || got.ID != dora.ID || got.Status != backend.RegistrationOffered {
				t.Fatalf("the offer's link shows %+v (%v), want Dora's offer", got, err)
			}
			for _, w := range []*backend.RegistrationView{emil, fritz} {
				if s := mustRegByID(t, app, w.ID).Status; s != backend.RegistrationWaitlisted {
					t.Errorf("%s: %s, want still waitlisted", w.Name, s)
				}
			}
			if v, _ := app.MyRegistration(ctx, emilTok); v == nil || v.WaitlistAhead == nil || *v.WaitlistAhead != 0 {
				t.Errorf("Emil's view after Dora's offer: %+v, want 0 ahead", v)
			}
		})
		t.Run("accepting the offer confirms and marks promoted", func(t *testing.T) {
			v, err := app.AcceptOffer(ctx, doraOffer)
			if err != nil || v.Status != backend.RegistrationConfirmed || !v.Promoted || v.OfferExpires != nil || v.TicketCode == "" {
				t.Fatalf("accept: %+v (%v), want confirmed, promoted, with a ticket", v, err)
			}
			if m, _ := lastMail(t, app, dora.ID, "registration_confirmed"); m.Data["ticketCode"] != v.TicketCode {
				t.Errorf("ticket mail data = %v, want ticket %s", m.Data, v.TicketCode)
			}
			n := len(mustMails(t, app, dora.ID))
			again, err := app.AcceptOffer(ctx, doraOffer)
			if err != nil || again.Status != backend.RegistrationConfirmed || again.Version != v.Version || len(mustMails(t, app, dora.ID)) != n {
				t.Errorf("accepting again: %+v (%v), want no change and no mail", again, err)
			}
			if c := mustCounts(t, app, conf.ID); c.Confirmed != 3 || c.Offered != 0 || c.Promoted != 1 {
				t.Errorf("counts = %+v, want 3 confirmed, 1 promoted", c)
			}
			// Someone without an offer has nothing to accept.
			_, err = app.AcceptOffer(ctx, emilTok)
			wantCode(t, err, backend.ECONFLICT)
		})

		var emilOffer string
		t.Run("an offer that runs out lapses in the sweep and passes on", func(t *testing.T) {
			clk.Set(t0.Add(2 * time.Hour))
			if _, err := app.CancelMyRegistration(ctx, caraTok); err != nil {
				t.Fatal(err)
			}
			_, emilOffer = lastMail(t, app, emil.ID, "waitlist_offer")
			clk.Set(t0.Add(49 * time.Hour)) // not yet: the offer holds until t0+50h
			if err := app.SweepRegistrations(ctx); err != nil {
				t.Fatal(err)
			}
			if s := mustRegByID(t, app, emil.ID).Status; s != backend.RegistrationOffered {
				t.Fatalf("before expiry Emil is %s, want offered", s)
			}
			clk.Set(t0.Add(51 * time.Hour))
			if err := app.SweepRegistrations(ctx); err != nil {
				t.Fatal(err)
			}
			e := mustRegByID(t, app, emil.ID)
			if e.Status != backend.RegistrationLapsed {
				t.Fatalf("Emil = %s, want lapsed", e.Status)
			}
			if _, tok := lastMail(t, app, emil.ID, "offer_expired"); tok != "" {
				t.Errorf("the expiry mail carries a link")
			}
			f := mustRegByID(t, app, fritz.ID)
			if f.Status != backend.RegistrationOffered || !sameTime(f.OfferExpires, t0.Add(99*time.Hour)) {
				t.Fatalf("Fritz = %s until %v, want offered until t0+99h", f.Status, f.OfferExpires)
			}
			lastMail(t, app, fritz.ID, "waitlist_offer")
			if c := mustCounts(t, app, conf.ID); c.Confirmed != 2 || c.Offered != 1 || c.Waitlisted != 0 || c.Lapsed != 1 {
				t.Errorf("counts = %+v", c)
			}
			if err := app.SweepRegistrations(ctx); err != nil { // idempotent
				t.Fatal(err)
			}
			if n := len(mustMails(t, app, emil.ID)); templatesOf(mustMails(t, app, emil.ID))[n-1] != "offer_expired" || mustRegByID(t, app, fritz.ID).Status != backend.RegistrationOffered {
				t.Errorf("a second sweep changed something")
			}
		})
		t.Run("accepting a lapsed offer is a conflict on offer/expired", func(t *testing.T) {
			_, err := app.AcceptOffer(ctx, emilOffer)
			wantErrFields(t, err, backend.ECONFLICT, "offer:expired")
			if s := mustRegByID(t, app, emil.ID).Status; s != backend.RegistrationLapsed {
				t.Errorf("Emil = %s, want still lapsed", s)
			}
			_, err = app.ConfirmRegistration(ctx, emilOffer)
			wantCode(t, err, backend.ECONFLICT)
		})
		t.Run("an offer accepted after it ran out lapses there and passes on", func(t *testing.T) {
			gustav, _ := mustRegisterConfirmed(t, app, "ablauf", conf.ID, "Gustav Gimpel")
			if gustav.Status != backend.RegistrationWaitlisted {
				t.Fatalf("Gustav = %s, want waitlisted (a place is on offer)", gustav.Status)
			}
			_, fritzOffer := lastMail(t, app, fritz.ID, "waitlist_offer")
			clk.Set(t0.Add(99 * time.Hour)) // the expiry instant itself is too late
			_, err := app.AcceptOffer(ctx, fritzOffer)
			wantErrFields(t, err, backend.ECONFLICT, "offer:expired")
			if s := mustRegByID(t, app, fritz.ID).Status; s != backend.RegistrationLapsed {
				t.Errorf("Fritz = %s, want lapsed", s)
			}
			lastMail(t, app, fritz.ID, "offer_expired")
			g := mustRegByID(t, app, gustav.ID)
			if g.Status != backend.RegistrationOffered || !sameTime(g.OfferExpires, t0.Add(147*time.Hour)) {
				t.Errorf("Gustav = %s until %v, want offered until t0+147h", g.Status, g.OfferExpires)
			}
			_ = fritzTok
		})
		t.Run("the dashboard adds it up", func(t *testing.T) {
			d, err := app.GetRegistrationDashboard(ctx, orga, "ablauf")
			if err != nil {
				t.Fatal(err)
			}
			want := backend.RegistrationCounts{Confirmed: 2, Offered: 1, Cancelled: 2, Lapsed: 2, Promoted: 1}
			if d.Counts != want || d.FreePlaces != 0 || d.Settings.ConfirmLimit != 3 || d.Settings.Capacity != 3 || d.Settings.VenueLimit != 5 {
				t.Errorf("dashboard = %+v, want counts %+v and no free place", d, want)
			}
		})
	})
}

func TestRegistrationIdempotency(t *testing.T) {
	app, clk := MustNewApp(t)
	ctx := t.Context()
	app.PublicURL = publicURL
	orga := MustOrganizer(t, app)
	conf := mustRegConference(t, app, orga, "doppelt", 10, nil)
	total := func() int {
		t.Helper()
		_, n, err := app.Store.FindRegistrations(ctx, backend.RegistrationFilter{ConferenceID: conf.ID})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	in := regInput("Anna Amsel")
	in.RequestKey = "f7c1e2"
	anna, annaTok := mustRegister(t, app, "doppelt", conf.ID, in)
	t.Run("a double submit with the same request key: one registration, one mail", func(t *testing.T) {
		for range 3 {
			if ack, err := app.Register(ctx, visitor, "doppelt", in); err != nil || ack.Status != "check_inbox" {
				t.Fatalf("double submit: %+v, %v", ack, err)
			}
		}
		if n := total(); n != 1 {
			t.Errorf("%d registrations, want 1", n)
		}
		if ms := mustMails(t, app, anna.ID); len(ms) != 1 {
			t.Errorf("mails = %v, want one", templatesOf(ms))
		}
	})
	t.Run("concurrent double submits: one registration, one mail", func(t *testing.T) {
		in := regInput("Berta Baer")
		in.RequestKey = "b3a9"
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for range 20 {
			wg.Go(func() {
				if _, err := app.Register(ctx, visitor, "doppelt", in); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent submit: %v", err)
		}
		r := mustRegByEmail(t, app, conf.ID, in.Email)
		if ms := mustMails(t, app, r.ID); len(ms) != 1 {
			t.Errorf("mails = %v, want one", templatesOf(ms))
		}
		if n := total(); n != 2 {
			t.Errorf("%d registrations, want 2", n)
		}
	})
	t.Run("the same address again within the hour sends nothing more", func(t *testing.T) {
		again := regInput("Anna Amsel")
		again.Email = "  ANNA.Amsel@Stadt.Example " // the same address, other spelling
		again.RequestKey = "another-form"
		if _, err := app.Register(ctx, visitor, "doppelt", again); err != nil {
			t.Fatal(err)
		}
		if ms := mustMails(t, app, anna.ID); len(ms) != 1 {
			t.Errorf("mails = %v, want still one", templatesOf(ms))
		}
		if n := total(); n != 2 {
			t.Errorf("%d registrations, want 2", n)
		}
	})
	mustConfirm(t, app, annaTok)
	var newTok string
	t.Run("the same address an hour later gets a new link; the old one stops working", func(t *testing.T) {
		clk.Set(t0.Add(61 * time.Minute))
		if ack, err := app.Register(ctx, visitor, "doppelt", regInput("Anna Amsel")); err != nil || ack.Status != "check_inbox" {
			t.Fatalf("register again: %+v, %v", ack, err)
		}
		var m *backend.OutboxMail
		m, newTok = lastMail(t, app, anna.ID, "registration_link")
		if newTok == "" || newTok == annaTok || m.Data["ticketCode"] != anna.TicketCode {
			t.Fatalf("link mail %v: want a new link and the ticket code", m.Data)
		}
		_, err := app.MyRegistration(ctx, annaTok)
		wantCode(t, err, backend.ENOTFOUND)
		v, err := app.MyRegistration(ctx, newTok)
		if err != nil || v.ID != anna.ID || v.Status != backend.RegistrationConfirmed {
			t.Fatalf("new link: %+v (%v)", v, err)
		}
		if n := total(); n != 2 {
			t.Errorf("%d registrations, want 2", n)
		}
	})
	t.Run("but not twice within an hour", func(t *testing.T) {
		clk.Set(t0.Add(100 * time.Minute))
		n := len(mustMails(t, app, anna.ID))
		if _, err := app.Register(ctx, visitor, "doppelt", regInput("Anna Amsel")); err != nil {
			t.Fatal(err)
		}
		if got := len(mustMails(t, app, anna.ID)); got != n {
			t.Errorf("%d mails, want %d", got, n)
		}
		if _, err := app.MyRegistration(ctx, newTok); err != nil {
			t.Errorf("the newest link stopped working: %v", err)
		}
	})
	t.Run("a pending registration asked again gets a new confirmation link", func(t *testing.T) {
		clk.Set(t0.Add(3 * time.Hour))
		berta := mustRegByEmail(t, app, conf.ID, "berta.baer@stadt.example")
		if _, err := app.Register(ctx, visitor, "doppelt", regInput("Berta Baer")); err != nil {
			t.Fatal(err)
		}
		_, tok := lastMail(t, app, berta.ID, "registration_confirm")
		if v := mustConfirm(t, app, tok); v.Status != backend.RegistrationConfirmed {
			t.Errorf("confirm with the new link: %s", v.Status)
		}
	})
	t.Run("confirming twice changes nothing", func(t *testing.T) {
		before := mustRegByID(t, app, anna.ID)
		n := len(mustMails(t, app, anna.ID))
		v := mustConfirm(t, app, newTok)
		if v.Status != backend.RegistrationConfirmed || v.Version != before.Version || !sameTime(v.ConfirmedAt, *before.ConfirmedAt) || len(mustMails(t, app, anna.ID)) != n {
			t.Errorf("second confirm: %+v, want no change", v.Registration)
		}
	})
	t.Run("cancelling twice changes nothing", func(t *testing.T) {
		v, err := app.CancelMyRegistration(ctx, newTok)
		if err != nil || v.Status != backend.RegistrationCancelled {
			t.Fatalf("cancel: %+v (%v)", v, err)
		}
		n := len(mustMails(t, app, anna.ID))
		clk.Set(t0.Add(4 * time.Hour))
		again, err := app.CancelMyRegistration(ctx, newTok)
		if err != nil || again.Status != backend.RegistrationCancelled || again.Version != v.Version || !sameTime(again.CancelledAt, *v.CancelledAt) ||
			len(mustMails(t, app, anna.ID)) != n {
			t.Errorf("second cancel: %+v (%v), want no change", again, err)
		}
	})
	t.Run("a cancelled registration cannot be confirmed, changed or accepted", func(t *testing.T) {
		_, err := app.ConfirmRegistration(ctx, newTok)
		wantCode(t, err, backend.ECONFLICT)
		_, err = app.UpdateMyRegistration(ctx, newTok, backend.RegistrationUpdate{Name: "Anna A."})
		wantCode(t, err, backend.ECONFLICT)
		_, err = app.AcceptOffer(ctx, newTok)
		wantCode(t, err, backend.ECONFLICT)
		if s := mustRegByID(t, app, anna.ID).Status; s != backend.RegistrationCancelled {
			t.Errorf("status = %s", s)
		}
	})
	t.Run("after cancelling, the address may register anew", func(t *testing.T) {
		r, _ := mustRegister(t, app, "doppelt", conf.ID, regInput("Anna Amsel"))
		if r.ID == anna.ID || r.Status != backend.RegistrationPending {
			t.Errorf("new registration %+v, want a new pending one", r)
		}
	})
	t.Run("unknown and empty links are not found", func(t *testing.T) {
		for _, tok := range []string{"", "   ", "unbekannt", strings.Repeat("x", 101), annaTok} {
			_, err := app.MyRegistration(ctx, tok)
			wantCode(t, err, backend.ENOTFOUND)
			_, err = app.ConfirmRegistration(ctx, tok)
			wantCode(t, err, backend.ENOTFOUND)
			_, err = app.CancelMyRegistration(ctx, tok)
			wantCode(t, err, backend.ENOTFOUND)
		}
	})
}

func TestRegistrationValidation(t *testing.T) {
	app, _ := MustNewApp(t)
	ctx := t.Context()
	app.PublicURL = publicURL
	orga := MustOrganizer(t, app)
	conf := mustRegConference(t, app, orga, "formular", 10, nil)
	count := func() int {
		t.Helper()
		_, n, err := app.Store.FindRegistrations(ctx, backend.RegistrationFilter{ConferenceID: conf.ID})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tt := range []struct {
		name string
		edit func(in *backend.RegistrationInput)
		want []string
	}{
		{"an empty name", func(in *backend.RegistrationInput) { in.Name = "  " }, []string{"name:required"}},
		{"a 101-character name", func(in *backend.RegistrationInput) { in.Name = strings.Repeat("ä", 101) }, []string{"name:too_long"}},
		{"a control character in the name", func(in *backend.RegistrationInput) { in.Name = "Anna\x1b[2J" }, []string{"name:control_char"}},
		{"a line break in the name", func(in *backend.RegistrationInput) { in.Name = "Anna\nAmsel" }, []string{"name:control_char"}},
		{"a NUL in the name", func(in *backend.RegistrationInput) { in.Name = "Anna\x00" }, []string{"name:control_char"}},
		{"no e-mail", func(in *backend.RegistrationInput) { in.Email = "" }, []string{"email:required"}},
		{"e-mail a@b", func(in *backend.RegistrationInput) { in.Email = "a@b" }, []string{"email:invalid"}},
		{"e-mail without @", func(in *backend.RegistrationInput) { in.Email = "anna.stadt.example" }, []string{"email:invalid"}},
		{"e-mail with a display name", func(in *backend.RegistrationInput) { in.Email = "Anna <anna@stadt.example>" }, []string{"email:invalid"}},
		{"two addresses", func(in *backend.RegistrationInput) { in.Email = "anna@stadt.example, ben@stadt.example" }, []string{"email:invalid"}},
		{"a 257-character e-mail", func(in *backend.RegistrationInput) { in.Email = strings.Repeat("a", 243) + "@stadt.example" }, []string{"email:too_long"}},
		{"10,000 characters of accessibility needs", func(in *backend.RegistrationInput) { in.Accessibility = strings.Repeat("x", 10000) }, []string{"accessibility:too_long"}},
		{"a control character in accessibility", func(in *backend.RegistrationInput) { in.Accessibility = "Rampe\x07" }, []string{"accessibility:control_char"}},
		{"an unknown department", func(in *backend.RegistrationInput) { in.Department = "Amt für Schabernack" }, []string{"department:unknown"}},
		{"an unknown locale", func(in *backend.RegistrationInput) { in.Locale = "fr" }, []string{"locale:unknown"}},
		{"an upper-case locale", func(in *backend.RegistrationInput) { in.Locale = "DE" }, []string{"locale:unknown"}},
		{"a 101-character request key", func(in *backend.RegistrationInput) { in.RequestKey = strings.Repeat("k", 101) }, []string{"requestKey:too_long"}},
		{"everything wrong at once", func(in *backend.RegistrationInput) {
			*in = backend.RegistrationInput{Name: "", Email: "a@b", Department: "Nirgendwo", Accessibility: strings.Repeat("x", 10000), Locale: "xx"}
		}, []string{"accessibility:too_long", "department:unknown", "email:invalid", "locale:unknown", "name:required"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := regInput("Anna Amsel")
			tt.edit(&in)
			_, err := app.Register(ctx, visitor, "formular", in)
			wantFields(t, err, tt.want...)
			if n := count(); n != 0 {
				t.Fatalf("%d registrations after a refused one, want 0", n)
			}
		})
	}
	t.Run("HTML and SQL in the name are text", func(t *testing.T) {
		in := regInput("x")
		in.Name = `<script>alert("x")</script> '; DROP TABLE registrations; --`
		in.Email = "robert@stadt.example"
		in.Accessibility = "<b>Rampe</b>\n\tund Induktionsschleife"
		r, tok := mustRegister(t, app, "formular", conf.ID, in)
		if r.Name != in.Name || r.Accessibility != in.Accessibility {
			t.Fatalf("stored name %q, accessibility %q; want them verbatim", r.Name, r.Accessibility)
		}
		if v, err := app.MyRegistration(ctx, tok); err != nil || v.Name != in.Name {
			t.Fatalf("view: %+v (%v)", v, err)
		}
		if m, _ := lastMail(t, app, r.ID, "registration_confirm"); m.Data["name"] != in.Name {
			t.Errorf("mail name = %q", m.Data["name"])
		}
	})
	t.Run("the locale defaults to German; English is kept", func(t *testing.T) {
		in := regInput("Eva English")
		in.Locale = ""
		r, _ := mustRegister(t, app, "formular", conf.ID, in)
		in = regInput("Ed English")
		in.Locale = "en"
		r2, _ := mustRegister(t, app, "formular", conf.ID, in)
		if r.Locale != "de" || r2.Locale != "en" || mustMails(t, app, r2.ID)[0].Locale != "en" {
			t.Errorf("locales %q, %q; want de, en", r.Locale, r2.Locale)
		}
	})
	t.Run("a change of the registration is validated too", func(t *testing.T) {
		_, tok := mustRegister(t, app, "formular", conf.ID, regInput("Ulla Update"))
		_, err := app.UpdateMyRegistration(ctx, tok, backend.RegistrationUpdate{Name: "", Department: "Nirgendwo", Locale: "fr"})
		wantFields(t, err, "department:unknown", "locale:unknown", "name:required")
		v, err := app.UpdateMyRegistration(ctx, tok, backend.RegistrationUpdate{Name: " Ulla U. ", Department: "Ordnungsamt", Accessibility: "Gebärdensprache", Locale: "en"})
		if err != nil || v.Name != "Ulla U." || v.Department != "Ordnungsamt" || v.Accessibility != "Gebärdensprache" || v.Locale != "en" || v.Email != "ulla.update@stadt.example" {
			t.Fatalf("update: %+v (%v)", v, err)
		}
	})

	t.Run("closed registration is a conflict", func(t *testing.T) {
		mustSaveRegSettings(t, app, orga, "formular", func(in *backend.RegistrationSettingsInput) { in.Open = false })
		_, err := app.Register(ctx, visitor, "formular", regInput("Zu Spaet"))
		wantCode(t, err, backend.ECONFLICT)
		if _, err := app.Store.FindRegistrationByEmail(ctx, conf.ID, "zu.spaet@stadt.example"); backend.ErrorCode(err) != backend.ENOTFOUND {
			t.Errorf("a registration was stored: %v", err)
		}
	})
	t.Run("registration never opened is a conflict", func(t *testing.T) {
		MustCreateMarket(t, app, orga, marketInput("ohne"), backend.PhaseIdeas)
		_, err := app.Register(ctx, visitor, "ohne", regInput("Anna Amsel"))
		wantCode(t, err, backend.ECONFLICT)
	})
	t.Run("a closed conference takes no registrations", func(t *testing.T) {
		mustRegConference(t, app, orga, "vorbei", 10, nil)
		MustSetPhases(t, app, orga, "vorbei", backend.PhaseLive, backend.PhaseClosed)
		_, err := app.Register(ctx, visitor, "vorbei", regInput("Anna Amsel"))
		wantCode(t, err, backend.ECONFLICT)
	})
	t.Run("a draft conference is not found", func(t *testing.T) {
		mustRegConference(t, app, orga, "entwurf", 10, nil)
		MustSetPhases(t, app, orga, "entwurf", backend.PhaseDraft)
		_, err := app.Register(ctx, visitor, "entwurf", regInput("Anna Amsel"))
		wantCode(t, err, backend.ENOTFOUND)
		_, err = app.Register(ctx, visitor, "gibt-es-nicht", regInput("Anna Amsel"))
		wantCode(t, err, backend.ENOTFOUND)
	})
	t.Run("settings are validated and only organisers see them", func(t *testing.T) {
		cur, err := app.GetRegistrationSettings(ctx, orga, "formular")
		if err != nil {
			t.Fatal(err)
		}
		_, err = app.SaveRegistrationSettings(ctx, orga, "formular", backend.RegistrationSettingsInput{
			Open: true, VenueLimit: 5, NoShowRate: 0.6, OfferHours: 0, RetentionDays: -1, Version: cur.Version})
		wantFields(t, err, "noShowRate:out_of_range", "offerHours:out_of_range", "retentionDays:out_of_range", "venueLimit:below_capacity")
		_, err = app.SaveRegistrationSettings(ctx, orga, "formular", backend.RegistrationSettingsInput{OfferHours: 48, NoShowRate: math.NaN(), Version: cur.Version})
		wantFields(t, err, "noShowRate:out_of_range")
		_, err = app.SaveRegistrationSettings(ctx, orga, "formular", backend.RegistrationSettingsInput{OfferHours: 48, VenueLimit: 10, Version: cur.Version - 1})
		wantCode(t, err, backend.ECONFLICT)
		_, err = app.GetRegistrationSettings(ctx, visitor, "formular")
		wantCode(t, err, backend.EUNAUTHORIZED)
		_, err = app.GetRegistrationDashboard(ctx, backend.Actor{Account: &backend.Account{ID: 99, Email: "gast@stadt.example", Role: "participant"}}, "formular")
		wantCode(t, err, backend.EFORBIDDEN)
		in := marketInput("ohne-kapazitaet")
		in.Capacity = 0
		MustCreateMarket(t, app, orga, in, backend.PhaseIdeas)
		_, err = app.SaveRegistrationSettings(ctx, orga, "ohne-kapazitaet", backend.RegistrationSettingsInput{Open: true, OfferHours: 48})
		wantFields(t, err, "open:no_capacity")
	})
}

// TestRegistrationConcurrency: 1,000 people register and confirm at once for
// 450 places; exactly 450 get one, and never more, on both stores.
func TestRegistrationConcurrency(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 concurrent registrations")
	}
	const people, places, cancels = 1000, 450, 20
	rush := func(t *testing.T, app *backend.App, clk *clock) {
		ctx := t.Context()
		app.PublicURL = publicURL
		orga := MustOrganizer(t, app)
		conf := mustRegConference(t, app, orga, "ansturm", places, func(in *backend.RegistrationSettingsInput) { in.VenueLimit = places })

		var maxHeld atomic.Int64
		stop := make(chan struct{})
		watched := make(chan struct{})
		go func() { // watches the counts while the rush runs
			defer close(watched)
			for {
				select {
				case <-stop:
					return
				default:
				}
				if c, err := app.Store.CountRegistrations(ctx, conf.ID); err == nil {
					for h := int64(c.Held()); ; {
						if m := maxHeld.Load(); h <= m || maxHeld.CompareAndSwap(m, h) {
							break
						}
					}
				}
				time.Sleep(5 * time.Millisecond)
			}
		}()

		tokens := make([]string, people)
		views := make([]*backend.RegistrationView, people)
		errs := make([]error, people)
		var timeouts atomic.Int64
		defer func() {
			if n := timeouts.Load(); n > 0 {
				t.Logf("%d requests ran into the App's timeout under the rush and were sent again", n)
			}
		}()
		var wg sync.WaitGroup
		for n := range people {
			wg.Go(func() {
				in := backend.RegistrationInput{Name: fmt.Sprintf("Person %04d", n), Email: fmt.Sprintf("person%04d@stadt.example", n), RequestKey: "k" + strconv.Itoa(n)}
				if err := retryUnavailable(&timeouts, func() error { _, err := app.Register(ctx, visitor, "ansturm", in); return err }); err != nil {
					errs[n] = fmt.Errorf("register: %w", err)
					return
				}
				r, err := app.Store.FindRegistrationByEmail(ctx, conf.ID, in.Email)
				if err != nil {
					errs[n] = fmt.Errorf("find: %w", err)
					return
				}
				ms, err := app.Store.FindMails(ctx, r.ID)
				if err != nil || len(ms) != 1 {
					errs[n] = fmt.Errorf("mails %d: %v", len(ms), err)
					return
				}
				tokens[n] = ms[0].Data["link"][strings.LastIndex(ms[0].Data["link"], "/r/")+3:]
				if err := retryUnavailable(&timeouts, func() (err error) { views[n], err = app.ConfirmRegistration(ctx, tokens[n]); return err }); err != nil {
					errs[n] = fmt.Errorf("confirm: %w", err)
				}
			})
		}
		wg.Wait()
		close(stop)
		<-watched
		for n, err := range errs {
			if err != nil {
				t.Fatalf("person %d: %v", n, err)
			}
		}
		c := mustCounts(t, app, conf.ID)
		if c.Confirmed != places || c.Waitlisted != people-places || c.Pending != 0 || c.Offered != 0 {
			t.Fatalf("counts = %+v, want %d confirmed and %d waitlisted", c, places, people-places)
		}
		if m := maxHeld.Load(); m > places {
			t.Fatalf("at some moment %d places were held, limit %d", m, places)
		}
		var confirmed, waiting []int
		for n, v := range views {
			switch v.Status {
			case backend.RegistrationConfirmed:
				confirmed = append(confirmed, n)
			case backend.RegistrationWaitlisted:
				waiting = append(waiting, n)
			}
		}
		if len(confirmed) != places || len(waiting) != people-places {
			t.Fatalf("answers: %d confirmed, %d waitlisted", len(confirmed), len(waiting))
		}

		// The waitlist in order, and what each sees of it.
		slices.SortFunc(waiting, func(a, b int) int {
			return cmp.Or(views[a].WaitlistedAt.Compare(*views[b].WaitlistedAt), cmp.Compare(views[a].ID, views[b].ID))
		})
		for _, pos := range []int{0, 1, 199, 200, 201, len(waiting) - 1} {
			v, err := app.MyRegistration(ctx, tokens[waiting[pos]])
			if err != nil || v.WaitlistAhead == nil || *v.WaitlistAhead != pos {
				var ahead any
				if v != nil && v.WaitlistAhead != nil {
					ahead = *v.WaitlistAhead
				}
				t.Errorf("waitlist position %d: ahead = %v (%v), want %d", pos, ahead, err, pos)
			}
		}

		clk.Set(t0.Add(time.Hour))
		var cwg sync.WaitGroup
		cerrs := make([]error, cancels)
		for k := range cancels {
			cwg.Go(func() {
				cerrs[k] = retryUnavailable(&timeouts, func() error { _, err := app.CancelMyRegistration(ctx, tokens[confirmed[k]]); return err })
			})
		}
		cwg.Wait()
		for k, err := range cerrs {
			if err != nil {
				t.Fatalf("cancel %d: %v", k, err)
			}
		}
		c = mustCounts(t, app, conf.ID)
		if c.Offered != cancels || c.Confirmed != places-cancels || c.Cancelled != cancels || c.Waitlisted != people-places-cancels {
			t.Fatalf("after %d cancellations: %+v, want exactly %d offers", cancels, c, cancels)
		}
		offered, _, err := app.Store.FindRegistrations(ctx, backend.RegistrationFilter{ConferenceID: conf.ID, Statuses: []backend.RegistrationStatus{backend.RegistrationOffered}, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var got, want []int64
		for _, r := range offered {
			got = append(got, r.ID)
		}
		for _, n := range waiting[:cancels] {
			want = append(want, views[n].ID)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("offers went to %v, want the %d longest waiting %v", got, cancels, want)
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		app, clk := mustNewRAMApp(t)
		rush(t, app, clk)
	})
	t.Run("postgres", func(t *testing.T) {
		app, clk := MustNewPostgresApp(t)
		rush(t, app, clk)
	})
}

// retryUnavailable runs op again, up to five times, while it fails with
// EUNAVAILABLE: a request that ran into the App's 15 s timeout during the
// rush, which the page sends again like any 503. Every operation retried
// here is idempotent, so the counts must come out exact all the same.
func retryUnavailable(timeouts *atomic.Int64, op func() error) error {
	for try := 1; ; try++ {
		err := op()
		if backend.ErrorCode(err) != backend.EUNAVAILABLE || try == 5 {
			return err
		}
		timeouts.Add(1)
	}
}

// mustNewRAMApp is MustNewApp with the SQLite file in RAM (/dev/shm, where
// pgtest keeps its clusters too) if there is one. A registration rush is
// 2,000 write transactions, each synced to disk (synchronous=FULL): on a
// disk that takes ~5 ms per fsync the rush alone outlasts a request's 15 s
// timeout, and the test is about counting, not about the disk.
func mustNewRAMApp(tb testing.TB) (*backend.App, *clock) {
	tb.Helper()
	dir := tb.TempDir()
	if d, err := os.MkdirTemp("/dev/shm", "ideenmarkt-registration-"); err == nil {
		dir = d
		tb.Cleanup(func() { os.RemoveAll(d) })
	}
	store, err := sqlite.Open(tb.Context(), filepath.Join(dir, "app.db"))
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { store.Close() })
	clk := &clock{now: t0}
	app := backend.NewApp(store)
	app.Now = clk.Now
	return app, clk
}

func TestRegistrationOverbooking(t *testing.T) {
	app, _ := MustNewApp(t)
	ctx := t.Context()
	app.PublicURL = publicURL
	orga := MustOrganizer(t, app)
	conf := mustRegConference(t, app, orga, "ueberbucht", 45, func(in *backend.RegistrationSettingsInput) { in.VenueLimit, in.NoShowRate = 60, 0.1 })

	sv, err := app.GetRegistrationSettings(ctx, orga, "ueberbucht")
	if err != nil || sv.ConfirmLimit != 50 || sv.Capacity != 45 {
		t.Fatalf("settings view %+v (%v), want confirm limit 50", sv, err)
	}
	var last *backend.RegistrationView
	for n := range 55 {
		v, _ := mustRegisterConfirmed(t, app, "ueberbucht", conf.ID, fmt.Sprintf("Person %02d", n))
		if want := n < 50; (v.Status == backend.RegistrationConfirmed) != want {
			t.Fatalf("person %d: %s, want confirmed = %v", n, v.Status, want)
		}
		last = v
	}
	if *last.WaitlistAhead != 4 {
		t.Errorf("the 55th waits behind %d, want 4", *last.WaitlistAhead)
	}
	d, err := app.GetRegistrationDashboard(ctx, orga, "ueberbucht")
	if err != nil {
		t.Fatal(err)
	}
	// 50 confirmed at 10 %: mean 45, sd √4.5 ≈ 2.12 → 40.75…49.24
	if d.Counts.Confirmed != 50 || d.Counts.Waitlisted != 5 || d.FreePlaces != 0 || d.Attendance != (backend.Attendance{Expected: 45, Low: 40, High: 50}) {
		t.Errorf("dashboard = %+v", d)
	}
	t.Run("raising the rate offers the new places at once", func(t *testing.T) {
		v := mustSaveRegSettings(t, app, orga, "ueberbucht", func(in *backend.RegistrationSettingsInput) { in.NoShowRate = 0.2 })
		if v.ConfirmLimit != 56 {
			t.Fatalf("confirm limit = %d, want 56", v.ConfirmLimit)
		}
		if c := mustCounts(t, app, conf.ID); c.Offered != 5 || c.Waitlisted != 0 || c.Confirmed != 50 {
			t.Errorf("counts = %+v, want the 5 waiting offered", c)
		}
	})
	t.Run("lowering it takes no place away", func(t *testing.T) {
		v := mustSaveRegSettings(t, app, orga, "ueberbucht", func(in *backend.RegistrationSettingsInput) { in.NoShowRate = 0 })
		if v.ConfirmLimit != 45 {
			t.Fatalf("confirm limit = %d, want 45", v.ConfirmLimit)
		}
		if c := mustCounts(t, app, conf.ID); c.Offered != 5 || c.Confirmed != 50 {
			t.Errorf("counts = %+v, want unchanged", c)
		}
		if v, _ := mustRegisterConfirmed(t, app, "ueberbucht", conf.ID, "Spaet Dran"); v.Status != backend.RegistrationWaitlisted {
			t.Errorf("a new confirmation is %s, want waitlisted", v.Status)
		}
	})
}

// door is a conference on its day with registrations in every state.
type door struct {
	app              *backend.App
	clk              *clock
	orga             backend.Actor
	conf             backend.ConferenceView
	participant, mod backend.Actor
	// a, b and d are confirmed; p pending, w waitlisted, c cancelled.
	a, b, d, p, w, c *backend.Registration
	aTok             string
}

func mustDoor(t *testing.T, app *backend.App, clk *clock) *door {
	t.Helper()
	app.PublicURL = publicURL
	dr := &door{app: app, clk: clk, orga: MustOrganizer(t, app)}
	dr.conf = mustRegConference(t, app, dr.orga, "tuer", 3, nil)
	reg := func(name string, confirm bool) (*backend.Registration, string) {
		r, tok := mustRegister(t, app, "tuer", dr.conf.ID, regInput(name))
		if confirm {
			mustConfirm(t, app, tok)
		}
		return mustRegByID(t, app, r.ID), tok
	}
	dr.a, dr.aTok = reg("Anna Amsel", true)
	dr.b, _ = reg("Ben Bussard", true)
	dr.d, _ = reg("Dora Dohle", true)
	dr.w, _ = reg("Willi Warte", true)
	var cTok string
	dr.c, cTok = reg("Carl Storno", false)
	if _, err := app.CancelMyRegistration(t.Context(), cTok); err != nil {
		t.Fatal(err)
	}
	dr.c = mustRegByID(t, app, dr.c.ID)
	dr.p, _ = reg("Paula Pending", false)
	if dr.w.Status != backend.RegistrationWaitlisted || dr.d.Status != backend.RegistrationConfirmed {
		t.Fatalf("setup: w %s, d %s", dr.w.Status, dr.d.Status)
	}
	var modP *backend.Participant
	dr.participant, _ = MustJoin(t, app, "tuer", dr.conf.JoinCode, "Pia Teilnehmerin", "")
	dr.mod, modP = MustJoin(t, app, "tuer", dr.conf.JoinCode, "Mo Moderator", "")
	MustMakeModerator(t, app, modP)
	return dr
}

func TestCheckIn(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App, clk *clock) {
		ctx := t.Context()
		dr := mustDoor(t, app, clk)
		clk.Set(t0.Add(time.Hour))

		t.Run("who works at the door", func(t *testing.T) {
			in := backend.CheckInInput{Code: dr.a.TicketCode}
			_, err := app.CheckIn(ctx, dr.participant, "tuer", in)
			wantCode(t, err, backend.EFORBIDDEN)
			_, err = app.CheckIn(ctx, visitor, "tuer", in)
			wantCode(t, err, backend.EUNAUTHORIZED)
			_, err = app.WalkIn(ctx, dr.participant, "tuer", regInput("Spontan Sven"), "Nord")
			wantCode(t, err, backend.EFORBIDDEN)
			_, _, err = app.ListRegistrations(ctx, dr.participant, "tuer", backend.RegistrationFilter{Query: "anna"})
			wantCode(t, err, backend.EFORBIDDEN)
			if c := mustCounts(t, app, dr.conf.ID); c.CheckedIn != 0 {
				t.Fatalf("headcount %d after refused check-ins", c.CheckedIn)
			}
			list, total, err := app.ListRegistrations(ctx, dr.mod, "tuer", backend.RegistrationFilter{Query: "AMSEL"})
			if err != nil || total != 1 || list[0].ID != dr.a.ID {
				t.Errorf("the moderator's search by name: %d (%v)", total, err)
			}
		})
		t.Run("by code, lower-case with spaces", func(t *testing.T) {
			code := strings.ToLower(dr.a.TicketCode[:4] + " " + dr.a.TicketCode[4:])
			res, err := app.CheckIn(ctx, dr.orga, "tuer", backend.CheckInInput{Code: " " + code + " ", Door: " Nord "})
			if err != nil || res.AlreadyCheckedIn || res.Headcount != 1 || res.VenueLimit != 3 || res.Registration.ID != dr.a.ID ||
				!sameTime(res.Registration.CheckedInAt, t0.Add(time.Hour)) || res.Registration.CheckInDoor != "Nord" {
				t.Fatalf("check-in: %+v (%v)", res, err)
			}
		})
		t.Run("twice: already checked in, the headcount unchanged", func(t *testing.T) {
			clk.Set(t0.Add(2 * time.Hour))
			for _, code := range []string{publicURL + "/t/" + dr.a.TicketCode, dr.a.TicketCode[:3] + "-" + dr.a.TicketCode[3:]} {
				res, err := app.CheckIn(ctx, dr.mod, "tuer", backend.CheckInInput{Code: code, Door: "Süd"})
				if err != nil || !res.AlreadyCheckedIn || res.Headcount != 1 || !sameTime(res.Registration.CheckedInAt, t0.Add(time.Hour)) ||
					res.Registration.CheckInDoor != "Nord" {
					t.Fatalf("second check-in with %q: %+v (%v), want already at t0+1h, Nord", code, res, err)
				}
			}
		})
		t.Run("by registration id, by a moderator", func(t *testing.T) {
			res, err := app.CheckIn(ctx, dr.mod, "tuer", backend.CheckInInput{RegistrationID: dr.b.ID})
			if err != nil || res.AlreadyCheckedIn || res.Headcount != 2 || res.Registration.ID != dr.b.ID {
				t.Fatalf("check-in: %+v (%v)", res, err)
			}
		})
		t.Run("unknown and not admissible tickets", func(t *testing.T) {
			other := MustCreateMarket(t, app, dr.orga, marketInput("andere-tuer"), backend.PhaseIdeas)
			_ = other
			for _, tt := range []struct {
				name string
				in   backend.CheckInInput
				code string
				want []string
			}{
				{"an unknown code", backend.CheckInInput{Code: "AAAAAAAA"}, backend.ENOTFOUND, []string{"code:unknown"}},
				{"a URL ending in an unknown code", backend.CheckInInput{Code: publicURL + "/t/CCCCCCCC"}, backend.ENOTFOUND, []string{"code:unknown"}},
				{"characters no ticket has", backend.CheckInInput{Code: "HELLO!"}, backend.EINVALID, []string{"code:unknown"}},
				{"an unknown registration id", backend.CheckInInput{RegistrationID: 999999}, backend.ENOTFOUND, []string{"code:unknown"}},
				{"nothing", backend.CheckInInput{Code: "  "}, backend.EINVALID, []string{"code:required"}},
				{"both a code and an id", backend.CheckInInput{Code: dr.d.TicketCode, RegistrationID: dr.d.ID}, backend.EINVALID, []string{"code:ambiguous"}},
				{"a control character in the door", backend.CheckInInput{Code: dr.d.TicketCode, Door: "Nord\x00"}, backend.EINVALID, []string{"door:control_char"}},
				{"a 41-character door", backend.CheckInInput{Code: dr.d.TicketCode, Door: strings.Repeat("N", 41)}, backend.EINVALID, []string{"door:too_long"}},
				{"pending", backend.CheckInInput{Code: dr.p.TicketCode}, backend.ECONFLICT, []string{"code:pending"}},
				{"waitlisted", backend.CheckInInput{Code: dr.w.TicketCode}, backend.ECONFLICT, []string{"code:waitlisted"}},
				{"cancelled", backend.CheckInInput{RegistrationID: dr.c.ID}, backend.ECONFLICT, []string{"code:cancelled"}},
			} {
				t.Run(tt.name, func(t *testing.T) {
					_, err := app.CheckIn(ctx, dr.orga, "tuer", tt.in)
					wantErrFields(t, err, tt.code, tt.want...)
				})
			}
			t.Run("a ticket of another conference is unknown here", func(t *testing.T) {
				_, err := app.CheckIn(ctx, dr.orga, "andere-tuer", backend.CheckInInput{RegistrationID: dr.d.ID})
				wantErrFields(t, err, backend.ENOTFOUND, "code:unknown")
			})
			if c := mustCounts(t, app, dr.conf.ID); c.CheckedIn != 2 {
				t.Errorf("headcount %d, want 2", c.CheckedIn)
			}
		})
		t.Run("a walk-in with a registered address is refused", func(t *testing.T) {
			in := regInput("Anna Amsel")
			in.Email = "ANNA.AMSEL@stadt.example"
			_, err := app.WalkIn(ctx, dr.orga, "tuer", in, "Nord")
			wantErrFields(t, err, backend.ECONFLICT, "email:registered")
		})
		t.Run("walk-ins are validated", func(t *testing.T) {
			_, err := app.WalkIn(ctx, dr.orga, "tuer", backend.RegistrationInput{Email: "a@b"}, "Nord\x1b")
			wantFields(t, err, "door:control_char", "email:invalid", "name:required")
		})
		var walkIn *backend.CheckInResult
		t.Run("a walk-in without e-mail is registered, checked in, and gets a link", func(t *testing.T) {
			var err error
			walkIn, err = app.WalkIn(ctx, dr.mod, "tuer", backend.RegistrationInput{Name: "Spontan Sven", RequestKey: "walk-1"}, "Nord")
			if err != nil {
				t.Fatal(err)
			}
			r := walkIn.Registration
			if walkIn.AlreadyCheckedIn || walkIn.Headcount != 3 || !r.WalkIn || r.Status != backend.RegistrationConfirmed || r.CheckedInAt == nil ||
				r.Email != "" || r.CheckInDoor != "Nord" || r.TicketCode == "" {
				t.Fatalf("walk-in: %+v, registration %+v", walkIn, r)
			}
			v, err := app.MyRegistration(ctx, linkToken(t, walkIn.Link))
			if err != nil || v.ID != r.ID || v.Status != backend.RegistrationConfirmed {
				t.Fatalf("the walk-in's link: %+v (%v)", v, err)
			}
			if ms := mustMails(t, app, r.ID); len(ms) != 0 {
				t.Errorf("mails to nobody: %v", templatesOf(ms))
			}
			again, err := app.WalkIn(ctx, dr.mod, "tuer", backend.RegistrationInput{Name: "Spontan Sven", RequestKey: "walk-1"}, "Nord")
			if err != nil || !again.AlreadyCheckedIn || again.Registration.ID != r.ID || again.Headcount != 3 || again.Link != "" {
				t.Fatalf("the same walk-in again: %+v (%v), want already checked in, no new link", again, err)
			}
		})
		t.Run("the venue limit holds for check-ins and walk-ins", func(t *testing.T) {
			_, err := app.CheckIn(ctx, dr.orga, "tuer", backend.CheckInInput{Code: dr.d.TicketCode})
			wantErrFields(t, err, backend.ECONFLICT, "code:venue_full")
			_, err = app.WalkIn(ctx, dr.orga, "tuer", backend.RegistrationInput{Name: "Noch Einer"}, "")
			wantErrFields(t, err, backend.ECONFLICT, "code:venue_full")
			c := mustCounts(t, app, dr.conf.ID)
			if c.CheckedIn != 3 || c.WalkIns != 1 {
				t.Errorf("counts = %+v, want 3 checked in, 1 walk-in", c)
			}
			// Someone already in may be scanned again at a full venue.
			res, err := app.CheckIn(ctx, dr.orga, "tuer", backend.CheckInInput{Code: dr.a.TicketCode})
			if err != nil || !res.AlreadyCheckedIn {
				t.Errorf("re-scan at a full venue: %+v (%v)", res, err)
			}
		})
		t.Run("a checked-in registration cannot be cancelled", func(t *testing.T) {
			_, err := app.CancelMyRegistration(ctx, dr.aTok)
			wantCode(t, err, backend.ECONFLICT)
			_, err = app.CancelRegistrationFor(ctx, dr.orga, "tuer", dr.b.ID)
			wantCode(t, err, backend.ECONFLICT)
		})
		t.Run("the door topic", func(t *testing.T) {
			topic := "door:" + strconv.FormatInt(dr.conf.ID, 10)
			for _, tt := range []struct {
				name  string
				actor backend.Actor
				want  string
			}{
				{"organiser", dr.orga, ""},
				{"moderator", dr.mod, ""},
				{"participant", dr.participant, backend.EFORBIDDEN},
				{"visitor", visitor, backend.EUNAUTHORIZED},
			} {
				sub, err := app.AuthorizeTopic(ctx, tt.actor, topic, false)
				wantCode(t, err, tt.want)
				if err == nil && sub.View != backend.ViewPublic {
					t.Errorf("%s: view %q", tt.name, sub.View)
				}
			}
			_, err := app.AuthorizeTopic(ctx, dr.orga, "door:999999", false)
			wantCode(t, err, backend.ENOTFOUND)
			var p struct {
				CheckedIn, WalkIns, Confirmed, VenueLimit int
				Expected                                  backend.Attendance
			}
			if err := json.Unmarshal(MustLivePayload(t, app, topic, backend.ViewPublic), &p); err != nil {
				t.Fatal(err)
			}
			if p.CheckedIn != 3 || p.WalkIns != 1 || p.Confirmed != 4 || p.VenueLimit != 3 {
				t.Errorf("door payload = %+v, want 3 in (1 walk-in) of 4 confirmed, limit 3", p)
			}
		})
	})
}

func TestCheckInPhases(t *testing.T) {
	app, _ := MustNewApp(t)
	ctx := t.Context()
	app.PublicURL = publicURL
	orga := MustOrganizer(t, app)
	conf := mustRegConference(t, app, orga, "phasen", 10, nil)
	a, _ := mustRegisterConfirmed(t, app, "phasen", conf.ID, "Anna Amsel")
	try := func(t *testing.T, want string) {
		t.Helper()
		_, err := app.CheckIn(ctx, orga, "phasen", backend.CheckInInput{Code: a.TicketCode})
		wantCode(t, err, want)
		_, err = app.WalkIn(ctx, orga, "phasen", backend.RegistrationInput{Name: "Spontan"}, "")
		wantCode(t, err, want)
	}
	t.Run("draft", func(t *testing.T) {
		MustSetPhases(t, app, orga, "phasen", backend.PhaseDraft)
		try(t, backend.ECONFLICT)
	})
	t.Run("closed", func(t *testing.T) {
		MustSetPhases(t, app, orga, "phasen", backend.PhaseIdeas, backend.PhaseLive, backend.PhaseClosed)
		try(t, backend.ECONFLICT)
	})
	if c := mustCounts(t, app, conf.ID); c.CheckedIn != 0 || c.WalkIns != 0 {
		t.Fatalf("counts = %+v, want nobody checked in", c)
	}
	t.Run("live", func(t *testing.T) {
		MustSetPhases(t, app, orga, "phasen", backend.PhaseLive)
		try(t, "")
	})
}

// TestCheckInWalkInDoubleSubmit: the door's form sends a walk-in with an
// address twice (a retry after a timeout); the second answer is the first
// walk-in, not "this address is already registered".
func TestCheckInWalkInDoubleSubmit(t *testing.T) {
	app, _ := MustNewApp(t)
	ctx := t.Context()
	app.PublicURL = publicURL
	orga := MustOrganizer(t, app)
	conf := mustRegConference(t, app, orga, "retry", 10, nil)
	in := regInput("Spontan Sven")
	in.RequestKey = "door-7"
	first, err := app.WalkIn(ctx, orga, "retry", in, "Nord")
	if err != nil || first.Link == "" || first.Registration.Email != in.Email {
		t.Fatalf("walk-in: %+v (%v)", first, err)
	}
	lastMail(t, app, first.Registration.ID, "registration_confirmed")
	again, err := app.WalkIn(ctx, orga, "retry", in, "Nord")
	if err != nil || !again.AlreadyCheckedIn || again.Registration.ID != first.Registration.ID {
		t.Fatalf("the same walk-in again: %+v (%v), want the first one, already checked in", again, err)
	}
	if c := mustCounts(t, app, conf.ID); c.CheckedIn != 1 || c.WalkIns != 1 {
		t.Errorf("counts = %+v", c)
	}
}

func TestCheckInEligibility(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App, clk *clock) {
		ctx := t.Context()
		app.PublicURL = publicURL
		orga := MustOrganizer(t, app)
		conf := mustRegConference(t, app, orga, "wahl", 10, func(in *backend.RegistrationSettingsInput) { in.RequireCheckIn = true })
		alice, aliceTok := mustRegisterConfirmed(t, app, "wahl", conf.ID, "Alice Amsel")
		_, pendingTok := mustRegister(t, app, "wahl", conf.ID, regInput("Paul Pending"))
		bob, _ := MustJoin(t, app, "wahl", conf.JoinCode, "Bob Bussard", "")

		phone := backend.Actor{ParticipantKey: backend.RandomToken()}
		t.Run("joining with a registration's link links the phone", func(t *testing.T) {
			_, _, err := app.Join(ctx, phone, "wahl", backend.JoinInput{Registration: pendingTok, DisplayName: "Paul"})
			wantFields(t, err, "registration:not_confirmed")
			_, _, err = app.Join(ctx, phone, "wahl", backend.JoinInput{Registration: "unbekannt", DisplayName: "Paul"})
			wantFields(t, err, "registration:unknown")
			p, _, err := app.Join(ctx, phone, "wahl", backend.JoinInput{Registration: aliceTok})
			if err != nil || p.RegistrationID == nil || *p.RegistrationID != alice.ID || p.DisplayName != "Alice Amsel" || p.Department != "Bauamt" {
				t.Fatalf("join: %+v (%v), want linked to Alice's registration with her name", p, err)
			}
		})

		MustSetPhases(t, app, orga, "wahl", backend.PhaseLive)
		sess := MustSession(t, app, orga, "wahl", sessionIn("Plenum", t0, 2*time.Hour))
		round := MustAdvance(t, app, orga, MustRound(t, app, orga, sess.ID, labels("Ja oder nein?", backend.MethodSingle, "Ja", "Nein")), backend.RoundOpen)
		cast := func(actor backend.Actor, id string) error {
			_, err := app.CastBallot(ctx, actor, round.ID, backend.BallotInput{ClientBallotID: id, Values: vals{1: 1}})
			return err
		}
		t.Run("a participant without a linked registration may not vote", func(t *testing.T) {
			wantErrFields(t, cast(bob, "bob-1"), backend.EFORBIDDEN, "ballot:not_linked")
		})
		t.Run("a linked registration not checked in may not vote", func(t *testing.T) {
			wantErrFields(t, cast(phone, "alice-1"), backend.EFORBIDDEN, "ballot:not_checked_in")
		})
		t.Run("after check-in the ballot counts", func(t *testing.T) {
			if _, err := app.CheckIn(ctx, orga, "wahl", backend.CheckInInput{Code: alice.TicketCode}); err != nil {
				t.Fatal(err)
			}
			if err := cast(phone, "alice-2"); err != nil {
				t.Fatalf("ballot after check-in: %v", err)
			}
			if tl := MustTally(t, app, round.ID); tl.Ballots != 1 {
				t.Errorf("ballots = %d, want 1", tl.Ballots)
			}
		})
		t.Run("without the rule everyone who joined votes", func(t *testing.T) {
			mustSaveRegSettings(t, app, orga, "wahl", func(in *backend.RegistrationSettingsInput) { in.RequireCheckIn = false })
			if err := cast(bob, "bob-2"); err != nil {
				t.Fatalf("ballot without the rule: %v", err)
			}
		})
	})
}

func TestRegistrationPrivacy(t *testing.T) {
	app, _ := MustNewApp(t)
	ctx := t.Context()
	app.PublicURL = publicURL
	orga := MustOrganizer(t, app)
	conf := mustRegConference(t, app, orga, "privat", 1, nil)
	in := regInput("Anna Amsel")
	in.Accessibility = "Rollstuhl"
	in.RequestKey = "privat-anna"
	anna, annaTok := mustRegister(t, app, "privat", conf.ID, in)
	mustConfirm(t, app, annaTok)
	ben, _ := mustRegisterConfirmed(t, app, "privat", conf.ID, "Ben Bussard")
	if ben.Status != backend.RegistrationWaitlisted {
		t.Fatalf("Ben = %s, want waitlisted", ben.Status)
	}

	t.Run("the export holds the registration and the mails, without links", func(t *testing.T) {
		e, err := app.ExportMyRegistration(ctx, annaTok)
		if err != nil {
			t.Fatal(err)
		}
		if e.Registration.ID != anna.ID || e.Registration.Email != "anna.amsel@stadt.example" || e.Registration.Accessibility != "Rollstuhl" ||
			e.Conference.Slug != "privat" || !e.ExportedAt.Equal(t0) {
			t.Errorf("export = %+v", e)
		}
		var got []string
		for _, m := range e.Mails {
			got = append(got, m.Template)
		}
		if !slices.Equal(got, []string{"registration_confirm", "registration_confirmed"}) {
			t.Errorf("mails = %+v", e.Mails)
		}
		for _, m := range e.Mails {
			if m.To != "anna.amsel@stadt.example" {
				t.Errorf("mail to %q", m.To)
			}
		}
		js, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{annaTok, backend.HashToken(annaTok), "/r/", "privat-anna"} {
			if strings.Contains(string(js), secret) {
				t.Errorf("the export contains %q: %s", secret, js)
			}
		}
	})
	t.Run("erasing clears the personal data, the mails and the link, and frees the place", func(t *testing.T) {
		if err := app.EraseMyRegistration(ctx, annaTok); err != nil {
			t.Fatal(err)
		}
		r := mustRegByID(t, app, anna.ID)
		if r.Name != "" || r.Email != "" || r.Department != "" || r.Accessibility != "" || r.RequestKey != "" || r.ErasedAt == nil ||
			r.Status != backend.RegistrationCancelled {
			t.Errorf("erased registration = %+v", r)
		}
		if ms := mustMails(t, app, anna.ID); len(ms) != 0 {
			t.Errorf("mails left: %v", templatesOf(ms))
		}
		_, err := app.MyRegistration(ctx, annaTok)
		wantCode(t, err, backend.ENOTFOUND)
		_, err = app.ExportMyRegistration(ctx, annaTok)
		wantCode(t, err, backend.ENOTFOUND)
		wantCode(t, app.EraseMyRegistration(ctx, annaTok), backend.ENOTFOUND)
		if s := mustRegByID(t, app, ben.ID).Status; s != backend.RegistrationOffered {
			t.Errorf("Ben = %s, want offered Anna's place", s)
		}
		lastMail(t, app, ben.ID, "waitlist_offer")
		// The address is free again.
		if r2, _ := mustRegister(t, app, "privat", conf.ID, in); r2.ID == anna.ID {
			t.Errorf("registering again found the erased registration")
		}
	})
}

func TestRegistrationRetention(t *testing.T) {
	app, clk := MustNewApp(t)
	ctx := t.Context()
	app.PublicURL = publicURL
	orga := MustOrganizer(t, app)
	conf := mustRegConference(t, app, orga, "alt", 10, func(in *backend.RegistrationSettingsInput) { in.RetentionDays = 30 })
	keep := mustRegConference(t, app, orga, "behalten", 10, func(in *backend.RegistrationSettingsInput) { in.RetentionDays = 0 })
	a, _ := mustRegisterConfirmed(t, app, "alt", conf.ID, "Anna Amsel")
	k, _ := mustRegisterConfirmed(t, app, "behalten", keep.ID, "Karl Keep")
	author, authorP := MustJoin(t, app, "alt", conf.JoinCode, "Ida Ideenreich", "Bauamt")
	i := MustSubmit(t, app, author, "alt", idea("Papierlose Akte"))
	_, keepP := MustJoin(t, app, "behalten", keep.JoinCode, "Kim Keep", "")
	MustSetPhases(t, app, orga, "alt", backend.PhaseLive, backend.PhaseClosed)
	MustSetPhases(t, app, orga, "behalten", backend.PhaseLive, backend.PhaseClosed)

	clk.Set(conf.EndsAt.AddDate(0, 0, 29))
	if err := app.SweepRegistrations(ctx); err != nil {
		t.Fatal(err)
	}
	if r := mustRegByID(t, app, a.ID); r.Name == "" || r.ErasedAt != nil {
		t.Fatalf("erased after 29 days: %+v", r)
	}
	clk.Set(conf.EndsAt.AddDate(0, 0, 31))
	if err := app.SweepRegistrations(ctx); err != nil {
		t.Fatal(err)
	}
	if r := mustRegByID(t, app, a.ID); r.Name != "" || r.Email != "" || r.Department != "" || r.ErasedAt == nil {
		t.Errorf("after 31 days: %+v, want erased", r)
	}
	if p, err := app.Store.FindParticipantByID(ctx, authorP.ID); err != nil || p.DisplayName != "" || p.Department != "" {
		t.Errorf("participant after 31 days: %+v (%v), want no name", p, err)
	}
	stored := MustStoredIdea(t, app, i.ID)
	if stored.Title != "Papierlose Akte" || stored.AuthorName != "" {
		t.Errorf("idea after 31 days: title %q, author %q; want the idea without its author's name", stored.Title, stored.AuthorName)
	}
	if r := mustRegByID(t, app, k.ID); r.Name != "Karl Keep" || r.ErasedAt != nil {
		t.Errorf("retention 0 kept nothing: %+v", r)
	}
	if p, err := app.Store.FindParticipantByID(ctx, keepP.ID); err != nil || p.DisplayName != "Kim Keep" {
		t.Errorf("participant of the kept conference: %+v (%v)", p, err)
	}
	if err := app.SweepRegistrations(ctx); err != nil { // again: nothing left to do
		t.Fatal(err)
	}
}

func TestRegistrationNoShowRate(t *testing.T) {
	app, clk := MustNewApp(t)
	ctx := t.Context()
	app.PublicURL = publicURL
	orga := MustOrganizer(t, app)
	conf := mustRegConference(t, app, orga, "gemessen", 10, nil)
	mustRegConference(t, app, orga, "naechste", 10, nil)
	for n := range 10 {
		v, _ := mustRegisterConfirmed(t, app, "gemessen", conf.ID, fmt.Sprintf("Person %02d", n))
		if n < 7 {
			if _, err := app.CheckIn(ctx, orga, "gemessen", backend.CheckInInput{RegistrationID: v.ID}); err != nil {
				t.Fatal(err)
			}
		}
	}
	suggested := func(slug string) *float64 {
		t.Helper()
		v, err := app.GetRegistrationSettings(ctx, orga, slug)
		if err != nil {
			t.Fatal(err)
		}
		return v.SuggestedNoShowRate
	}
	measured := func() *float64 {
		t.Helper()
		s, err := app.Store.FindRegistrationSettings(ctx, conf.ID)
		if err != nil {
			t.Fatal(err)
		}
		return s.MeasuredNoShowRate
	}

	MustSetPhases(t, app, orga, "gemessen", backend.PhaseLive, backend.PhaseClosed)
	clk.Set(conf.EndsAt.Add(-time.Minute))
	if err := app.SweepRegistrations(ctx); err != nil {
		t.Fatal(err)
	}
	if m := measured(); m != nil {
		t.Fatalf("measured %v before the end", *m)
	}
	clk.Set(conf.EndsAt.Add(time.Hour))
	if err := app.SweepRegistrations(ctx); err != nil {
		t.Fatal(err)
	}
	if m := measured(); m == nil || math.Abs(*m-0.3) > 1e-9 {
		t.Fatalf("measured = %v, want 0.3 (3 of 10 did not come)", m)
	}
	d, err := app.GetRegistrationDashboard(ctx, orga, "gemessen")
	if err != nil || d.NoShows != 3 || d.Counts.CheckedIn != 7 {
		t.Errorf("dashboard = %+v (%v), want 3 no-shows", d, err)
	}
	if s := suggested("naechste"); s == nil || math.Abs(*s-0.3) > 1e-9 {
		t.Errorf("the next conference is suggested %v, want 0.3", s)
	}
	if s := suggested("gemessen"); s != nil {
		t.Errorf("the measured conference is suggested its own rate %v", *s)
	}
	if err := app.SweepRegistrations(ctx); err != nil {
		t.Fatal(err)
	}
	if m := measured(); m == nil || math.Abs(*m-0.3) > 1e-9 {
		t.Errorf("after another sweep: %v", m)
	}

	t.Run("a conference nobody checked in at measures nothing", func(t *testing.T) {
		clk.Set(t0)
		c := mustRegConference(t, app, orga, "ungezaehlt", 10, nil)
		mustRegisterConfirmed(t, app, "ungezaehlt", c.ID, "Niemand Gescannt")
		MustSetPhases(t, app, orga, "ungezaehlt", backend.PhaseLive, backend.PhaseClosed)
		clk.Set(c.EndsAt.Add(time.Hour))
		if err := app.SweepRegistrations(ctx); err != nil {
			t.Fatal(err)
		}
		if s, err := app.Store.FindRegistrationSettings(ctx, c.ID); err != nil || s.MeasuredNoShowRate != nil {
			t.Errorf("measured %+v (%v), want nothing", s, err)
		}
	})
}

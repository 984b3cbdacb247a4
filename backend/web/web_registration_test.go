package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"ideenmarkt/backend"
)

const regPublicURL = "https://ideen.stadt.example"

// registrationJSON mirrors the personal page's registration.
type registrationJSON struct {
	ID            int64  `json:"id"`
	TicketCode    string `json:"ticketCode"`
	Name          string `json:"name"`
	Email         string `json:"email"`
	Department    string `json:"department"`
	Accessibility string `json:"accessibility"`
	Locale        string `json:"locale"`
	Status        string `json:"status"`
	WalkIn        bool   `json:"walkIn"`
	Promoted      bool   `json:"promoted"`
	CheckedInAt   string `json:"checkedInAt"`
	Version       int    `json:"version"`
	WaitlistAhead *int   `json:"waitlistAhead"`
	Conference    struct {
		Slug string `json:"slug"`
	} `json:"conference"`
}

type regSettingsJSON struct {
	Open         bool    `json:"open"`
	VenueLimit   int     `json:"venueLimit"`
	NoShowRate   float64 `json:"noShowRate"`
	OfferHours   int     `json:"offerHours"`
	Capacity     int     `json:"capacity"`
	ConfirmLimit int     `json:"confirmLimit"`
	Version      int     `json:"version"`
}

type checkInJSON struct {
	Registration     registrationJSON `json:"registration"`
	AlreadyCheckedIn bool             `json:"alreadyCheckedIn"`
	Headcount        int              `json:"headcount"`
	VenueLimit       int              `json:"venueLimit"`
	Link             string           `json:"link"`
}

func regPath(slug string) string { return "/api/v1/conferences/" + slug + "/registrations" }

// withRegToken sends the personal link's token the way the page does.
func withRegToken(token string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("X-Registration-Token", token) }
}

// mustRegConf creates a market (ideas phase, departments "Amt 10" and
// "Amt 61") with capacity places and opens registration; it returns the
// conference.
func mustRegConf(tb testing.TB, orga *client, slug string, capacity, venueLimit int, rate float64) conferenceJSON {
	tb.Helper()
	body := conferenceBody(slug)
	body["topics"] = []string{"Digitalisierung"}
	body["departments"] = []string{"Amt 10", "Amt 61"}
	body["capacity"] = capacity
	conf := mustJSON[conferenceJSON](tb, orga.Do(tb, http.MethodPost, "/api/v1/conferences", body), http.StatusCreated)
	setPhase(tb, orga, slug, "ideas")
	s := mustJSON[regSettingsJSON](tb, orga.Do(tb, http.MethodPut, "/api/v1/conferences/"+slug+"/registration-settings", map[string]any{
		"open": true, "venueLimit": venueLimit, "noShowRate": rate, "offerHours": 48, "requireCheckIn": false, "retentionDays": 90, "version": 0,
	}), http.StatusOK)
	if !s.Open || s.Version != 1 || s.Capacity != capacity {
		tb.Fatalf("settings = %+v", s)
	}
	return conf
}

// lastLinkToken reads the newest mail of an address's active registration
// from the outbox (the only place the token is) and returns its template
// and the token of its link.
func (e *env) lastLinkToken(tb testing.TB, confID int64, email string) (string, string) {
	tb.Helper()
	r, err := e.app.Store.FindRegistrationByEmail(tb.Context(), confID, email)
	if err != nil {
		tb.Fatalf("registration of %s: %v", email, err)
	}
	ms, err := e.app.Store.FindMails(tb.Context(), r.ID)
	if err != nil || len(ms) == 0 {
		tb.Fatalf("mails of %s: %v (%d)", email, err, len(ms))
	}
	m := ms[len(ms)-1]
	link := m.Data["link"]
	if !strings.HasPrefix(link, regPublicURL+"/r/") {
		tb.Fatalf("newest mail %s of %s has link %q", m.Template, email, link)
	}
	return m.Template, strings.TrimPrefix(link, regPublicURL+"/r/")
}

// mustRegisterHTTP registers over HTTP and confirms with the mailed link;
// it returns the token and the registration after confirming.
func (e *env) mustRegisterHTTP(tb testing.TB, c *client, slug string, confID int64, name, email string) (string, registrationJSON) {
	tb.Helper()
	r := c.Do(tb, http.MethodPost, regPath(slug), map[string]any{"name": name, "email": email, "requestKey": "rk-" + email})
	if r.Status != http.StatusAccepted {
		tb.Fatalf("register %s: %d %s", email, r.Status, r.Body)
	}
	_, tok := e.lastLinkToken(tb, confID, email)
	v := mustJSON[registrationJSON](tb, c.DoWith(tb, http.MethodPost, "/api/v1/registration/confirm", nil, withRegToken(tok)), http.StatusOK)
	return tok, v
}

func (e *env) registrationTotal(tb testing.TB, confID int64) int {
	tb.Helper()
	_, n, err := e.app.Store.FindRegistrations(tb.Context(), backend.RegistrationFilter{ConferenceID: confID})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// runNastyWith is runNasty for routes that need a header (the personal
// link's token); the 413 case is refused before any header is looked at.
func runNastyWith(t *testing.T, c *client, method, path string, edit func(*http.Request), cases []nasty) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			var r response
			if tt.status == http.StatusRequestEntityTooLarge {
				r = c.DoTooLarge(t, method, path, len(tt.body.(string)))
			} else {
				r = c.DoWith(t, method, path, tt.body, edit)
			}
			if r.Status >= 500 {
				t.Fatalf("status %d for bad input; body %.300s", r.Status, r.Body)
			}
			p := mustProblem(t, r, tt.status, backend.EINVALID)
			if got := fieldCodes(t, p); !slices.Equal(got, tt.fields) {
				t.Errorf("fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestRegistrationOverHTTP(t *testing.T) {
	e := MustNewEnv(t)
	e.app.PublicURL = regPublicURL
	orga := e.client()
	orga.MustLogin(t)
	conf := mustRegConf(t, orga, "anmeldung", 450, 500, 0.1)
	visitor, anna := e.client(), e.client()

	t.Run("the settings show the confirm limit", func(t *testing.T) {
		s := mustJSON[regSettingsJSON](t, orga.Do(t, http.MethodGet, "/api/v1/conferences/anmeldung/registration-settings", nil), http.StatusOK)
		if s.ConfirmLimit != 500 || s.VenueLimit != 500 || s.NoShowRate != 0.1 {
			t.Errorf("settings = %+v, want confirm limit 500", s)
		}
		// A stale version is a conflict.
		mustProblem(t, orga.Do(t, http.MethodPut, "/api/v1/conferences/anmeldung/registration-settings", map[string]any{
			"open": true, "venueLimit": 500, "noShowRate": 0.1, "offerHours": 48, "retentionDays": 90, "version": 0}), http.StatusConflict, backend.ECONFLICT)
	})

	body := map[string]any{"name": "Anna Amsel", "email": "anna@stadt.example", "department": "Amt 10", "requestKey": "form-1"}
	var annaTok string
	t.Run("202 with the same body: new, double submit, already registered", func(t *testing.T) {
		first := anna.Do(t, http.MethodPost, regPath("anmeldung"), body)
		if first.Status != http.StatusAccepted {
			t.Fatalf("register: %d %s", first.Status, first.Body)
		}
		if got := mustJSON[map[string]string](t, first, http.StatusAccepted); got["status"] != "check_inbox" {
			t.Fatalf("ack = %v", got)
		}
		again := map[string]any{"name": "Anna Amsel", "email": "ANNA@stadt.example", "requestKey": "form-2"}
		other := map[string]any{"name": "Ben Bussard", "email": "ben@stadt.example", "requestKey": "form-3"}
		for _, tt := range []struct {
			name string
			c    *client
			body map[string]any
		}{{"double submit", anna, body}, {"already registered, from another browser", visitor, again}, {"someone new", visitor, other}} {
			r := tt.c.Do(t, http.MethodPost, regPath("anmeldung"), tt.body)
			if r.Status != first.Status || string(r.Body) != string(first.Body) {
				t.Errorf("%s: %d %s, want %d %s", tt.name, r.Status, r.Body, first.Status, first.Body)
			}
		}
		if n := e.registrationTotal(t, conf.ID); n != 2 {
			t.Errorf("%d registrations, want Anna and Ben", n)
		}
		var tmpl string
		tmpl, annaTok = e.lastLinkToken(t, conf.ID, "anna@stadt.example")
		r, _ := e.app.Store.FindRegistrationByEmail(t.Context(), conf.ID, "anna@stadt.example")
		if ms, _ := e.app.Store.FindMails(t.Context(), r.ID); tmpl != "registration_confirm" || len(ms) != 1 {
			t.Errorf("Anna's mails: %d, newest %s; want one confirmation", len(ms), tmpl)
		}
	})

	t.Run("the personal routes take the token from X-Registration-Token", func(t *testing.T) {
		v := mustJSON[registrationJSON](t, visitor.DoWith(t, http.MethodGet, "/api/v1/registration", nil, withRegToken(annaTok)), http.StatusOK)
		if v.Status != "pending" || v.Email != "anna@stadt.example" || v.TicketCode != "" || v.Conference.Slug != "anmeldung" {
			t.Fatalf("my registration = %+v", v)
		}
		r := visitor.DoWith(t, http.MethodPost, "/api/v1/registration/confirm", nil, withRegToken(annaTok))
		v = mustJSON[registrationJSON](t, r, http.StatusOK)
		if v.Status != "confirmed" || len(v.TicketCode) != 8 {
			t.Fatalf("after confirm: %+v", v)
		}
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", cc)
		}
		again := mustJSON[registrationJSON](t, visitor.DoWith(t, http.MethodPost, "/api/v1/registration/confirm", nil, withRegToken(annaTok)), http.StatusOK)
		if again.Version != v.Version || again.Status != "confirmed" {
			t.Errorf("confirming again: %+v, want no change", again)
		}
		upd := mustJSON[registrationJSON](t, visitor.DoWith(t, http.MethodPatch, "/api/v1/registration",
			map[string]any{"name": " Anna A. ", "department": "Amt 61", "accessibility": "Rampe\nund Sitzplatz vorn", "locale": "en"}, withRegToken(annaTok)), http.StatusOK)
		if upd.Name != "Anna A." || upd.Department != "Amt 61" || upd.Accessibility != "Rampe\nund Sitzplatz vorn" || upd.Locale != "en" || upd.Email != "anna@stadt.example" {
			t.Errorf("after update: %+v", upd)
		}
		exp := visitor.DoWith(t, http.MethodGet, "/api/v1/registration/export", nil, withRegToken(annaTok))
		if exp.Status != http.StatusOK || exp.Header.Get("Content-Disposition") != `attachment; filename="anmeldung-anmeldung.json"` {
			t.Fatalf("export: %d, Content-Disposition %q", exp.Status, exp.Header.Get("Content-Disposition"))
		}
		var ex struct {
			Registration registrationJSON `json:"registration"`
			Mails        []struct {
				Template string `json:"template"`
				To       string `json:"to"`
			} `json:"mails"`
		}
		if err := json.Unmarshal(exp.Body, &ex); err != nil || ex.Registration.Email != "anna@stadt.example" || len(ex.Mails) != 2 || ex.Mails[0].Template != "registration_confirm" {
			t.Fatalf("export = %s (%v)", exp.Body, err)
		}
		if s := string(exp.Body); strings.Contains(s, annaTok) || strings.Contains(s, "/r/") || strings.Contains(s, "form-1") {
			t.Errorf("the export carries a link or key: %s", s)
		}
	})

	t.Run("a missing or invalid token is a 404 problem", func(t *testing.T) {
		routes := []struct{ method, path string }{
			{http.MethodGet, "/api/v1/registration"},
			{http.MethodPatch, "/api/v1/registration"},
			{http.MethodDelete, "/api/v1/registration"},
			{http.MethodGet, "/api/v1/registration/export"},
			{http.MethodPost, "/api/v1/registration/confirm"},
			{http.MethodPost, "/api/v1/registration/cancel"},
			{http.MethodPost, "/api/v1/registration/accept"},
		}
		for _, rt := range routes {
			var b any
			if rt.method == http.MethodPatch {
				b = map[string]any{"name": "Mallory"}
			}
			for _, tok := range []string{"", "erfunden", strings.Repeat("x", 300)} {
				t.Run(fmt.Sprintf("%s %s with %.10q", rt.method, rt.path, tok), func(t *testing.T) {
					var edit func(*http.Request)
					if tok != "" {
						edit = withRegToken(tok)
					}
					mustProblem(t, visitor.DoWith(t, rt.method, rt.path, b, edit), http.StatusNotFound, backend.ENOTFOUND)
				})
			}
		}
		// The token is a header, never a query parameter (logs, Referer).
		mustProblem(t, visitor.Do(t, http.MethodGet, "/api/v1/registration?token="+annaTok, nil), http.StatusNotFound, backend.ENOTFOUND)
		mustProblem(t, visitor.DoWith(t, http.MethodPost, "/api/v1/registration/bogus", nil, withRegToken(annaTok)), http.StatusNotFound, backend.ENOTFOUND)
		// An unknown conference.
		mustProblem(t, visitor.Do(t, http.MethodPost, regPath("gibt-es-nicht"), body), http.StatusNotFound, backend.ENOTFOUND)
	})

	// Pia joins with the join code; Mo is made a moderator.
	code := *mustJSON[conferenceJSON](t, orga.Do(t, http.MethodGet, "/api/v1/conferences/anmeldung", nil), http.StatusOK).JoinCode
	pia, mo := e.client(), e.client()
	mustJoin(t, pia, "anmeldung", code, "Pia")
	mustJoin(t, mo, "anmeldung", code, "Mo")
	makeModerator(t, orga, "anmeldung", "Mo")
	annaReg, _ := e.app.Store.FindRegistrationByEmail(t.Context(), conf.ID, "anna@stadt.example")

	t.Run("organiser routes refuse visitors and participants", func(t *testing.T) {
		for _, rt := range []struct {
			method, path string
			body         any
			participant  int // what a participant (or moderator) gets
			moderator    int
		}{
			{http.MethodGet, "/api/v1/conferences/anmeldung/registration-settings", nil, 401, 401},
			{http.MethodPut, "/api/v1/conferences/anmeldung/registration-settings", map[string]any{"open": false, "offerHours": 48, "version": 1}, 401, 401},
			{http.MethodGet, "/api/v1/conferences/anmeldung/registration-dashboard", nil, 401, 401},
			{http.MethodGet, "/api/v1/conferences/anmeldung/attendance.csv", nil, 401, 401},
			{http.MethodPost, fmt.Sprintf("/api/v1/conferences/anmeldung/registrations/%d/cancel", annaReg.ID), nil, 401, 401},
			{http.MethodGet, "/api/v1/conferences/anmeldung/registrations", nil, 403, 200},
			{http.MethodPost, "/api/v1/conferences/anmeldung/check-ins", map[string]any{"code": "AAAAAAAA"}, 403, 404},
			{http.MethodPost, "/api/v1/conferences/anmeldung/walk-ins", map[string]any{"name": "Sven"}, 403, 0},
		} {
			t.Run(rt.method+" "+rt.path, func(t *testing.T) {
				mustProblem(t, visitor.Do(t, rt.method, rt.path, rt.body), http.StatusUnauthorized, backend.EUNAUTHORIZED)
				r := pia.Do(t, rt.method, rt.path, rt.body)
				want := map[int]string{401: backend.EUNAUTHORIZED, 403: backend.EFORBIDDEN}[rt.participant]
				mustProblem(t, r, rt.participant, want)
				if rt.moderator == 401 {
					mustProblem(t, mo.Do(t, rt.method, rt.path, rt.body), http.StatusUnauthorized, backend.EUNAUTHORIZED)
				} else if rt.moderator != 0 {
					if r := mo.Do(t, rt.method, rt.path, rt.body); r.Status != rt.moderator {
						t.Errorf("moderator: %d %s, want %d", r.Status, r.Body, rt.moderator)
					}
				}
			})
		}
		if r, _ := e.app.Store.FindRegistrationByID(t.Context(), annaReg.ID); r.Status != "confirmed" {
			t.Fatalf("Anna = %s after refused cancels", r.Status)
		}
	})

	t.Run("check-in over HTTP", func(t *testing.T) {
		path := "/api/v1/conferences/anmeldung/check-ins"
		scan := regPublicURL + "/t/" + strings.ToLower(annaReg.TicketCode)
		res := mustJSON[checkInJSON](t, orga.Do(t, http.MethodPost, path, map[string]any{"code": scan, "door": "Nord"}), http.StatusOK)
		if res.AlreadyCheckedIn || res.Headcount != 1 || res.VenueLimit != 500 || res.Registration.ID != annaReg.ID || res.Registration.CheckedInAt == "" {
			t.Fatalf("check-in: %+v", res)
		}
		res = mustJSON[checkInJSON](t, mo.Do(t, http.MethodPost, path, map[string]any{"registrationId": annaReg.ID}), http.StatusOK)
		if !res.AlreadyCheckedIn || res.Headcount != 1 {
			t.Errorf("again: %+v", res)
		}
		mustProblem(t, orga.Do(t, http.MethodPost, path, map[string]any{"code": "AAAAAAAA"}), http.StatusNotFound, backend.ENOTFOUND)
		ben, _ := e.app.Store.FindRegistrationByEmail(t.Context(), conf.ID, "ben@stadt.example")
		p := mustProblem(t, orga.Do(t, http.MethodPost, path, map[string]any{"code": ben.TicketCode}), http.StatusConflict, backend.ECONFLICT)
		if got := fieldCodes(t, p); !slices.Equal(got, []string{"code:pending"}) {
			t.Errorf("fields = %v, want [code:pending]", got)
		}
		list := mustJSON[struct {
			Items []registrationJSON `json:"items"`
			Total int                `json:"total"`
		}](t, mo.Do(t, http.MethodGet, "/api/v1/conferences/anmeldung/registrations?q=ANNA&status=confirmed", nil), http.StatusOK)
		if list.Total != 1 || list.Items[0].ID != annaReg.ID || list.Items[0].CheckedInAt == "" {
			t.Errorf("door search = %+v", list)
		}
		p = mustProblem(t, mo.Do(t, http.MethodGet, "/api/v1/conferences/anmeldung/registrations?status=bogus", nil), http.StatusUnprocessableEntity, backend.EINVALID)
		if got := fieldCodes(t, p); !slices.Equal(got, []string{"status:unknown"}) {
			t.Errorf("fields = %v", got)
		}
	})

	t.Run("a walk-in over HTTP", func(t *testing.T) {
		r := mo.Do(t, http.MethodPost, "/api/v1/conferences/anmeldung/walk-ins", map[string]any{"name": "Spontan Sven", "department": "Amt 10", "door": "Süd", "requestKey": "door-1"})
		res := mustJSON[checkInJSON](t, r, http.StatusCreated)
		if !res.Registration.WalkIn || res.Registration.Status != "confirmed" || res.Headcount != 2 || !strings.HasPrefix(res.Link, regPublicURL+"/r/") {
			t.Fatalf("walk-in: %+v", res)
		}
		v := mustJSON[registrationJSON](t, visitor.DoWith(t, http.MethodGet, "/api/v1/registration", nil, withRegToken(strings.TrimPrefix(res.Link, regPublicURL+"/r/"))), http.StatusOK)
		if v.ID != res.Registration.ID || v.Name != "Spontan Sven" {
			t.Errorf("the walk-in's page: %+v", v)
		}
		p := mustProblem(t, orga.Do(t, http.MethodPost, "/api/v1/conferences/anmeldung/walk-ins", map[string]any{"name": "Anna", "email": "anna@stadt.example"}),
			http.StatusConflict, backend.ECONFLICT)
		if got := fieldCodes(t, p); !slices.Equal(got, []string{"email:registered"}) {
			t.Errorf("fields = %v", got)
		}
	})

	t.Run("attendance.csv is German Excel CSV", func(t *testing.T) {
		r := orga.Do(t, http.MethodGet, "/api/v1/conferences/anmeldung/attendance.csv", nil)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("status %d, Content-Type %q; body %s", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		if cd := r.Header.Get("Content-Disposition"); !regexp.MustCompile(`^attachment; filename="anmeldung-teilnahme-\d{4}-\d{2}-\d{2}\.csv"$`).MatchString(cd) {
			t.Errorf("Content-Disposition = %q", cd)
		}
		body := string(r.Body)
		if !strings.HasPrefix(body, "\ufeffKennzahl;Wert\r\n") || !strings.HasSuffix(body, "\r\n") {
			t.Fatalf("body = %q, want a BOM, the German header and CRLF", body)
		}
		if strings.Count(body, "\n") != strings.Count(body, "\r\n") {
			t.Errorf("a bare LF in %q", body)
		}
		lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(body, "\ufeff"), "\r\n"), "\r\n")
		for _, want := range []string{"Kapazität;450", "Obergrenze Veranstaltungsort;500", "Bestätigungsgrenze;500",
			"Angemeldet (bestätigt, ohne Spontane);1", "Noch nicht per E-Mail bestätigt;1", "Spontan vor Ort;1", "Eingecheckt;2",
			"Erwartete Ausfallquote;10,0 %"} {
			if !slices.Contains(lines, want) {
				t.Errorf("no line %q in %q", want, lines)
			}
		}
		for _, l := range lines {
			if strings.Count(l, ";") != 1 {
				t.Errorf("line %q: want two columns", l)
			}
		}
	})

	t.Run("cancel, offer and accept over HTTP", func(t *testing.T) {
		small := mustRegConf(t, orga, "klein", 1, 1, 0)
		c1, c2 := e.client(), e.client()
		tok1, v1 := e.mustRegisterHTTP(t, c1, "klein", small.ID, "Erste Person", "erste@stadt.example")
		_, v2 := e.mustRegisterHTTP(t, c2, "klein", small.ID, "Zweite Person", "zweite@stadt.example")
		if v1.Status != "confirmed" || v2.Status != "waitlisted" || v2.WaitlistAhead == nil || *v2.WaitlistAhead != 0 {
			t.Fatalf("first %s, second %s (%v)", v1.Status, v2.Status, v2.WaitlistAhead)
		}
		v := mustJSON[registrationJSON](t, c1.DoWith(t, http.MethodPost, "/api/v1/registration/cancel", nil, withRegToken(tok1)), http.StatusOK)
		if v.Status != "cancelled" {
			t.Fatalf("cancel: %+v", v)
		}
		tmpl, offer := e.lastLinkToken(t, small.ID, "zweite@stadt.example")
		if tmpl != "waitlist_offer" {
			t.Fatalf("newest mail %s, want the offer", tmpl)
		}
		v = mustJSON[registrationJSON](t, c2.DoWith(t, http.MethodPost, "/api/v1/registration/accept", nil, withRegToken(offer)), http.StatusOK)
		if v.Status != "confirmed" || !v.Promoted || v.TicketCode == "" {
			t.Fatalf("accept: %+v", v)
		}
		mustProblem(t, c1.DoWith(t, http.MethodPost, "/api/v1/registration/confirm", nil, withRegToken(tok1)), http.StatusConflict, backend.ECONFLICT)
		mustProblem(t, c1.DoWith(t, http.MethodPost, "/api/v1/registration/accept", nil, withRegToken(tok1)), http.StatusConflict, backend.ECONFLICT)
		// The organiser cancels on someone's behalf; the place goes back.
		got := mustJSON[registrationJSON](t, orga.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/conferences/klein/registrations/%d/cancel", v.ID), nil), http.StatusOK)
		if got.Status != "cancelled" {
			t.Errorf("organiser cancel: %+v", got)
		}
		mustProblem(t, orga.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/conferences/anmeldung/registrations/%d/cancel", v.ID), nil), http.StatusNotFound, backend.ENOTFOUND)
	})

	t.Run("joining with the registration's link links the phone", func(t *testing.T) {
		phone := e.client()
		r := phone.Do(t, http.MethodPost, "/api/v1/conferences/anmeldung/join", map[string]any{"registration": annaTok})
		got := mustJSON[struct {
			Participant struct {
				DisplayName    string `json:"displayName"`
				RegistrationID *int64 `json:"registrationId"`
			} `json:"participant"`
		}](t, r, http.StatusOK)
		if got.Participant.RegistrationID == nil || *got.Participant.RegistrationID != annaReg.ID || got.Participant.DisplayName != "Anna A." {
			t.Errorf("join: %s", r.Body)
		}
	})

	t.Run("erasing: 204, then the link is gone", func(t *testing.T) {
		r := anna.DoWith(t, http.MethodDelete, "/api/v1/registration", nil, withRegToken(annaTok))
		if r.Status != http.StatusNoContent {
			t.Fatalf("erase: %d %s", r.Status, r.Body)
		}
		mustProblem(t, anna.DoWith(t, http.MethodGet, "/api/v1/registration", nil, withRegToken(annaTok)), http.StatusNotFound, backend.ENOTFOUND)
		mustProblem(t, anna.DoWith(t, http.MethodDelete, "/api/v1/registration", nil, withRegToken(annaTok)), http.StatusNotFound, backend.ENOTFOUND)
		if got, _ := e.app.Store.FindRegistrationByID(t.Context(), annaReg.ID); got.Name != "" || got.Email != "" || got.ErasedAt == nil {
			t.Errorf("after erasing: %+v", got)
		}
	})

	t.Run("normal use does not hit the rate limit", func(t *testing.T) {
		// A department registering from one office address.
		for n := range 100 {
			r := visitor.Do(t, http.MethodPost, regPath("anmeldung"), map[string]any{"name": fmt.Sprintf("Kollegin %03d", n),
				"email": fmt.Sprintf("kollegin%03d@stadt.example", n), "requestKey": fmt.Sprintf("k-%d", n)})
			if r.Status != http.StatusAccepted || r.Header.Get("Retry-After") != "" {
				t.Fatalf("registration %d: %d %s", n, r.Status, r.Body)
			}
		}
	})
}

func TestNastyRegistration(t *testing.T) {
	e := MustNewEnv(t)
	e.app.PublicURL = regPublicURL
	orga := e.client()
	orga.MustLogin(t)
	conf := mustRegConf(t, orga, "nasty", 10, 10, 0)
	visitor := e.client()
	reg := func(key string, v any) map[string]any {
		b := map[string]any{"name": "Anna Amsel", "email": "anna@stadt.example"}
		if v == "<absent>" {
			delete(b, key)
		} else {
			b[key] = v
		}
		return b
	}

	t.Run("register", func(t *testing.T) {
		cases := append(slices.Clone(bodyCases), []nasty{
			{"an empty object", map[string]any{}, 422, []string{"email:required", "name:required"}},
			{"null fields count as absent", reg("name", nil), 422, []string{"name:required"}},
			{"a number for name", reg("name", 42), 400, []string{"name:type"}},
			{"true for email", reg("email", true), 400, []string{"email:type"}},
			{"a list of addresses", reg("email", []string{"a@stadt.example", "b@stadt.example"}), 400, []string{"email:type"}},
			{"an object for accessibility", reg("accessibility", map[string]any{"rollstuhl": true}), 400, []string{"accessibility:type"}},
			{"a number for requestKey", reg("requestKey", 7), 400, []string{"requestKey:type"}},
			{"several wrong types at once", `{"name":1,"email":2,"locale":false}`, 400, []string{"email:type", "locale:type", "name:type"}},
			{"unknown field status", reg("status", "confirmed"), 400, []string{"status:unknown"}},
			{"unknown field walkIn", reg("walkIn", true), 400, []string{"walkIn:unknown"}},
			{"unknown field ticketCode", reg("ticketCode", "AAAAAAAA"), 400, []string{"ticketCode:unknown"}},
			{"unknown field id", reg("id", 1), 400, []string{"id:unknown"}},
			{"a field in the wrong case", reg("Email", "x@stadt.example"), 400, []string{"Email:unknown"}},
			{"e-mail a@b", reg("email", "a@b"), 422, []string{"email:invalid"}},
			{"e-mail with a display name", reg("email", "Anna <anna@stadt.example>"), 422, []string{"email:invalid"}},
			{"a header injection in the e-mail", reg("email", "anna@stadt.example\r\nBcc: alle@stadt.example"), 422, []string{"email:invalid"}},
			{"a 10,001-character name", reg("name", strings.Repeat("ö", 10001)), 422, []string{"name:too_long"}},
			{"10,000 characters of accessibility needs", reg("accessibility", strings.Repeat("x", 10000)), 422, []string{"accessibility:too_long"}},
			{"1.9 MiB of accessibility needs is a validation error, not 413", reg("accessibility", strings.Repeat("x", 1900<<10)), 422, []string{"accessibility:too_long"}},
			{"a NUL escape in the name", reg("name", "Anna\u0000"), 422, []string{"name:control_char"}},
			{"an ANSI escape in the name", reg("name", "\x1b[2J Anna"), 422, []string{"name:control_char"}},
			{"an unknown department", reg("department", "Amt 99"), 422, []string{"department:unknown"}},
			{"an unknown locale", reg("locale", "fr"), 422, []string{"locale:unknown"}},
		}...)
		runNasty(t, visitor, http.MethodPost, regPath("nasty"), cases)
		if n := e.registrationTotal(t, conf.ID); n != 0 {
			t.Fatalf("%d registrations after refused ones, want 0", n)
		}
		t.Run("HTML and SQL in the name are stored as text", func(t *testing.T) {
			name := `<script>alert(1)</script> '; DROP TABLE registrations; --`
			r := visitor.Do(t, http.MethodPost, regPath("nasty"), reg("name", name))
			if r.Status != http.StatusAccepted {
				t.Fatalf("register: %d %s", r.Status, r.Body)
			}
			_, tok := e.lastLinkToken(t, conf.ID, "anna@stadt.example")
			got := visitor.DoWith(t, http.MethodGet, "/api/v1/registration", nil, withRegToken(tok))
			if v := mustJSON[registrationJSON](t, got, http.StatusOK); v.Name != name {
				t.Fatalf("name = %q, want %q", v.Name, name)
			}
			if strings.Contains(string(got.Body), "<script>") {
				t.Errorf("raw body contains an unescaped <script>: %s", got.Body)
			}
		})
	})

	_, tok := e.lastLinkToken(t, conf.ID, "anna@stadt.example")
	t.Run("update my registration", func(t *testing.T) {
		cases := append(slices.Clone(bodyCases), []nasty{
			{"a number for name", map[string]any{"name": 5}, 400, []string{"name:type"}},
			{"the address cannot be changed", map[string]any{"name": "Anna", "email": "neu@stadt.example"}, 400, []string{"email:unknown"}},
			{"the status cannot be changed", map[string]any{"name": "Anna", "status": "confirmed"}, 400, []string{"status:unknown"}},
			{"an empty object", map[string]any{}, 422, []string{"name:required"}},
			{"a 101-character name", map[string]any{"name": strings.Repeat("n", 101)}, 422, []string{"name:too_long"}},
			{"an unknown locale", map[string]any{"name": "Anna", "locale": "klingonisch"}, 422, []string{"locale:unknown"}},
		}...)
		runNastyWith(t, visitor, http.MethodPatch, "/api/v1/registration", withRegToken(tok), cases)
		r, _ := e.app.Store.FindRegistrationByEmail(t.Context(), conf.ID, "anna@stadt.example")
		if r.Version != 1 || r.Email != "anna@stadt.example" || r.Status != "pending" {
			t.Errorf("after refused updates: %+v", r)
		}
	})
	t.Run("settings", func(t *testing.T) {
		cases := append(slices.Clone(bodyCases), []nasty{
			{"a percent string for noShowRate", map[string]any{"noShowRate": "10%"}, 400, []string{"noShowRate:type"}},
			{"a fraction for venueLimit", map[string]any{"venueLimit": 1.5}, 400, []string{"venueLimit:type"}},
			{"a string for open", map[string]any{"open": "ja"}, 400, []string{"open:type"}},
			{"the capacity is the conference's", map[string]any{"capacity": 500}, 400, []string{"capacity:unknown"}},
			{"the measured rate is not set by hand", map[string]any{"measuredNoShowRate": 0}, 400, []string{"measuredNoShowRate:unknown"}},
			{"an empty object", map[string]any{}, 422, []string{"offerHours:out_of_range"}},
			{"everything out of range", map[string]any{"open": true, "venueLimit": 5, "noShowRate": 0.51, "offerHours": 10000, "retentionDays": 4000, "version": 1},
				422, []string{"noShowRate:out_of_range", "offerHours:out_of_range", "retentionDays:out_of_range", "venueLimit:below_capacity"}},
			{"a negative venue limit", map[string]any{"venueLimit": -1, "offerHours": 48, "version": 1}, 422, []string{"venueLimit:out_of_range"}},
		}...)
		runNasty(t, orga, http.MethodPut, "/api/v1/conferences/nasty/registration-settings", cases)
		s := mustJSON[regSettingsJSON](t, orga.Do(t, http.MethodGet, "/api/v1/conferences/nasty/registration-settings", nil), http.StatusOK)
		if s.Version != 1 || !s.Open || s.VenueLimit != 10 {
			t.Errorf("after refused saves: %+v", s)
		}
	})
	t.Run("check-in", func(t *testing.T) {
		cases := append(slices.Clone(bodyCases), []nasty{
			{"a number for code", map[string]any{"code": 42}, 400, []string{"code:type"}},
			{"a string for registrationId", map[string]any{"registrationId": "1"}, 400, []string{"registrationId:type"}},
			{"an unknown field", map[string]any{"code": "AAAAAAAA", "force": true}, 400, []string{"force:unknown"}},
			{"an empty object", map[string]any{}, 422, []string{"code:required"}},
			{"characters no ticket has", map[string]any{"code": "'; DROP TABLE registrations; --"}, 422, []string{"code:unknown"}},
			{"a huge code", map[string]any{"code": strings.Repeat("A", 100000)}, 422, []string{"code:unknown"}},
			{"a 41-character door", map[string]any{"code": "AAAAAAAA", "door": strings.Repeat("d", 41)}, 422, []string{"door:too_long"}},
		}...)
		runNasty(t, orga, http.MethodPost, "/api/v1/conferences/nasty/check-ins", cases)
	})
	t.Run("walk-in", func(t *testing.T) {
		cases := append(slices.Clone(bodyCases), []nasty{
			{"a number for name", map[string]any{"name": 5}, 400, []string{"name:type"}},
			{"a number for door", map[string]any{"name": "Sven", "door": 7}, 400, []string{"door:type"}},
			{"an unknown field", map[string]any{"name": "Sven", "status": "confirmed"}, 400, []string{"status:unknown"}},
			{"an empty object", map[string]any{}, 422, []string{"name:required"}},
			{"a bad address", map[string]any{"name": "Sven", "email": "a@b"}, 422, []string{"email:invalid"}},
			{"a 10,001-character name and door", map[string]any{"name": strings.Repeat("n", 10001), "door": strings.Repeat("d", 10001)}, 422, []string{"door:too_long", "name:too_long"}},
		}...)
		runNasty(t, orga, http.MethodPost, "/api/v1/conferences/nasty/walk-ins", cases)
		if c, _ := e.app.Store.CountRegistrations(t.Context(), conf.ID); c.WalkIns != 0 {
			t.Errorf("%d walk-ins after refused ones", c.WalkIns)
		}
	})
}

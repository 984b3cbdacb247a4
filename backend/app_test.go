package backend_test

import (
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/sqlite"
)

// t0 is the fixed "now" of these tests, microsecond-precise like both stores.
var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

const (
	orgaEmail    = "orga@stadt.example"
	orgaPassword = "korrekt-pferd-batterie"
)

// clock is an adjustable App.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// MustNewApp returns an App on a fresh SQLite file and its clock, set to t0.
func MustNewApp(tb testing.TB) (*backend.App, *clock) {
	tb.Helper()
	store, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "app.db"))
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { store.Close() })
	clk := &clock{now: t0}
	app := backend.NewApp(store)
	app.Now = clk.Now
	return app, clk
}

// MustOrganizer creates the organiser account and returns it as an actor.
func MustOrganizer(tb testing.TB, app *backend.App) backend.Actor {
	tb.Helper()
	acc, err := app.CreateAccount(tb.Context(), backend.AccountInput{Email: orgaEmail, Name: "Orga", Password: orgaPassword, Role: backend.RoleOrganizer})
	if err != nil {
		tb.Fatalf("create organiser: %v", err)
	}
	return backend.Actor{Account: acc}
}

// validInput is a conference input that passes validation.
func validInput(slug string) backend.ConferenceInput {
	return backend.ConferenceInput{
		Slug: slug, Title: "Mitarbeiterkonferenz 2026", Description: "Ideen für eine bessere Verwaltung.",
		StartsAt: t0.Add(30 * 24 * time.Hour), EndsAt: t0.Add(30*24*time.Hour + 8*time.Hour),
		Venue: "Rathaus, Großer Saal", Capacity: 450,
	}
}

// MustCreateConference creates a draft conference as the organiser.
func MustCreateConference(tb testing.TB, app *backend.App, orga backend.Actor, slug string) backend.ConferenceView {
	tb.Helper()
	v, err := app.CreateConference(tb.Context(), orga, validInput(slug))
	if err != nil {
		tb.Fatalf("create conference %q: %v", slug, err)
	}
	return v
}

// phasePath is the order in which a new conference reaches every phase.
var phasePath = []backend.Phase{backend.PhaseDraft, backend.PhaseIdeas, backend.PhaseLive, backend.PhaseClosed, backend.PhaseArchived}

// MustMoveTo walks a draft conference along phasePath up to phase.
func MustMoveTo(tb testing.TB, app *backend.App, orga backend.Actor, slug string, phase backend.Phase) backend.ConferenceView {
	tb.Helper()
	v, err := app.GetConference(tb.Context(), orga, slug)
	if err != nil {
		tb.Fatalf("get %q: %v", slug, err)
	}
	for _, p := range phasePath[1 : slices.Index(phasePath, phase)+1] {
		if v, err = app.SetPhase(tb.Context(), orga, slug, p, nil); err != nil {
			tb.Fatalf("move %q to %s: %v", slug, p, err)
		}
	}
	return v
}

func wantCode(tb testing.TB, err error, want string) {
	tb.Helper()
	if got := backend.ErrorCode(err); got != want {
		tb.Fatalf("error code = %q (err: %v), want %q", got, err, want)
	}
}

// fieldCodes returns the sorted "field:code" pairs of a validation error, and
// fails if any field error lacks its German or English message.
func fieldCodes(tb testing.TB, err error) []string {
	tb.Helper()
	var be *backend.Error
	if !errors.As(err, &be) {
		tb.Fatalf("error = %v, want a *backend.Error", err)
	}
	var out []string
	for _, f := range be.Fields {
		if strings.TrimSpace(f.DE) == "" || strings.TrimSpace(f.EN) == "" {
			tb.Errorf("field %s/%s: DE = %q, EN = %q; want both messages", f.Field, f.Code, f.DE, f.EN)
		}
		out = append(out, f.Field+":"+f.Code)
	}
	slices.Sort(out)
	return out
}

func TestConferencePermissions(t *testing.T) {
	type actorKind string
	const (
		anonymous actorKind = "anonymous"
		organiser actorKind = "organiser"
		nonOrga   actorKind = "account without organiser role"
	)
	// Each action runs against a fresh store holding one draft and one public
	// (ideas phase) conference, and returns what the actor got to see.
	type action func(t *testing.T, app *backend.App, actor backend.Actor) ([]backend.ConferenceView, error)
	actions := map[string]action{
		"list": func(t *testing.T, app *backend.App, a backend.Actor) ([]backend.ConferenceView, error) {
			vs, _, err := app.ListConferences(t.Context(), a, 0, 50)
			return vs, err
		},
		"get draft": func(t *testing.T, app *backend.App, a backend.Actor) ([]backend.ConferenceView, error) {
			v, err := app.GetConference(t.Context(), a, "entwurf")
			return []backend.ConferenceView{v}, err
		},
		"get public": func(t *testing.T, app *backend.App, a backend.Actor) ([]backend.ConferenceView, error) {
			v, err := app.GetConference(t.Context(), a, "offen")
			return []backend.ConferenceView{v}, err
		},
		"create": func(t *testing.T, app *backend.App, a backend.Actor) ([]backend.ConferenceView, error) {
			v, err := app.CreateConference(t.Context(), a, validInput("neu"))
			return []backend.ConferenceView{v}, err
		},
		"update": func(t *testing.T, app *backend.App, a backend.Actor) ([]backend.ConferenceView, error) {
			title := "Neuer Titel"
			v, err := app.UpdateConference(t.Context(), a, "offen", backend.ConferenceUpdate{Title: &title})
			return []backend.ConferenceView{v}, err
		},
		"set phase": func(t *testing.T, app *backend.App, a backend.Actor) ([]backend.ConferenceView, error) {
			v, err := app.SetPhase(t.Context(), a, "offen", backend.PhaseLive, nil)
			return []backend.ConferenceView{v}, err
		},
		"regenerate join code": func(t *testing.T, app *backend.App, a backend.Actor) ([]backend.ConferenceView, error) {
			v, err := app.RegenerateJoinCode(t.Context(), a, "offen")
			return []backend.ConferenceView{v}, err
		},
	}
	tests := []struct {
		actor  actorKind
		action string
		want   string
	}{
		{anonymous, "list", ""},
		{anonymous, "get draft", backend.ENOTFOUND},
		{anonymous, "get public", ""},
		{anonymous, "create", backend.EUNAUTHORIZED},
		{anonymous, "update", backend.EUNAUTHORIZED},
		{anonymous, "set phase", backend.EUNAUTHORIZED},
		{anonymous, "regenerate join code", backend.EUNAUTHORIZED},
		{organiser, "list", ""},
		{organiser, "get draft", ""},
		{organiser, "get public", ""},
		{organiser, "create", ""},
		{organiser, "update", ""},
		{organiser, "set phase", ""},
		{organiser, "regenerate join code", ""},
		{nonOrga, "list", ""},
		{nonOrga, "get draft", backend.ENOTFOUND},
		{nonOrga, "get public", ""},
		{nonOrga, "create", backend.EFORBIDDEN},
		{nonOrga, "update", backend.EFORBIDDEN},
		{nonOrga, "set phase", backend.EFORBIDDEN},
		{nonOrga, "regenerate join code", backend.EFORBIDDEN},
	}
	for _, tt := range tests {
		name := string(tt.actor) + "/" + tt.action + "/"
		if tt.want == "" {
			name += "allowed"
		} else {
			name += tt.want
		}
		t.Run(name, func(t *testing.T) {
			app, _ := MustNewApp(t)
			orga := MustOrganizer(t, app)
			MustCreateConference(t, app, orga, "entwurf")
			MustCreateConference(t, app, orga, "offen")
			MustMoveTo(t, app, orga, "offen", backend.PhaseIdeas)
			var actor backend.Actor
			switch tt.actor {
			case organiser:
				actor = orga
			case nonOrga:
				actor = backend.Actor{Account: &backend.Account{ID: 99, Email: "gast@stadt.example", Role: "participant"}}
			}

			views, err := actions[tt.action](t, app, actor)
			wantCode(t, err, tt.want)
			if err != nil {
				return
			}
			if tt.action == "list" {
				var slugs []string
				for _, v := range views {
					slugs = append(slugs, v.Slug)
				}
				if got, want := slices.Contains(slugs, "entwurf"), tt.actor == organiser; got != want {
					t.Errorf("list %v: draft visible = %v, want %v", slugs, got, want)
				}
				if !slices.Contains(slugs, "offen") {
					t.Errorf("list %v: public conference missing", slugs)
				}
			}
			for _, v := range views {
				if tt.actor == organiser {
					if len(v.JoinCode) != backend.JoinCodeLength || !slices.Equal(v.NextPhases, v.Phase.NextPhases()) {
						t.Errorf("%s as organiser: joinCode = %q, nextPhases = %v; want a code and %v", v.Slug, v.JoinCode, v.NextPhases, v.Phase.NextPhases())
					}
				} else if v.JoinCode != "" || v.NextPhases != nil {
					t.Errorf("%s as %s: joinCode = %q, nextPhases = %v; want neither", v.Slug, tt.actor, v.JoinCode, v.NextPhases)
				}
			}
		})
	}

	t.Run("a non-organiser's view does not blank the stored join code", func(t *testing.T) {
		app, _ := MustNewApp(t)
		orga := MustOrganizer(t, app)
		created := MustCreateConference(t, app, orga, "offen")
		MustMoveTo(t, app, orga, "offen", backend.PhaseIdeas)
		if _, err := app.GetConference(t.Context(), backend.Actor{}, "offen"); err != nil {
			t.Fatal(err)
		}
		got, err := app.GetConference(t.Context(), orga, "offen")
		if err != nil || got.JoinCode != created.JoinCode {
			t.Fatalf("join code after anonymous read = %q (%v), want %q", got.JoinCode, err, created.JoinCode)
		}
	})
}

// legalMoves is the phase diagram as documented in the API description.
var legalMoves = map[backend.Phase][]backend.Phase{
	backend.PhaseDraft:    {backend.PhaseIdeas, backend.PhaseLive},
	backend.PhaseIdeas:    {backend.PhaseDraft, backend.PhaseLive},
	backend.PhaseLive:     {backend.PhaseIdeas, backend.PhaseClosed},
	backend.PhaseClosed:   {backend.PhaseLive, backend.PhaseArchived},
	backend.PhaseArchived: {backend.PhaseClosed},
}

func TestSetPhase(t *testing.T) {
	app, _ := MustNewApp(t)
	orga := MustOrganizer(t, app)
	for _, from := range phasePath {
		for _, to := range phasePath {
			legal := slices.Contains(legalMoves[from], to)
			name := string(from) + "→" + string(to) + " "
			switch {
			case from == to:
				name += "is a no-op"
			case legal:
				name += "is allowed"
			default:
				name += "is a conflict"
			}
			t.Run(name, func(t *testing.T) {
				if got := from.CanMoveTo(to); got != legal {
					t.Errorf("CanMoveTo = %v, want %v", got, legal)
				}
				slug := "p-" + string(from) + "-" + string(to)
				MustCreateConference(t, app, orga, slug)
				before := MustMoveTo(t, app, orga, slug, from)
				got, err := app.SetPhase(t.Context(), orga, slug, to, nil)
				switch {
				case from == to:
					wantCode(t, err, "")
					if got.Phase != from || got.Version != before.Version {
						t.Errorf("same phase: phase %s version %d, want %s version %d (no write)", got.Phase, got.Version, from, before.Version)
					}
				case legal:
					wantCode(t, err, "")
					if got.Phase != to || got.Version != before.Version+1 || !slices.Equal(got.NextPhases, legalMoves[to]) {
						t.Errorf("got phase %s version %d next %v, want %s version %d next %v", got.Phase, got.Version, got.NextPhases, to, before.Version+1, legalMoves[to])
					}
				default:
					wantCode(t, err, backend.ECONFLICT)
				}
				stored, err := app.GetConference(t.Context(), orga, slug)
				if err != nil {
					t.Fatal(err)
				}
				if want := map[bool]backend.Phase{true: to, false: from}[legal]; stored.Phase != want {
					t.Errorf("stored phase = %s, want %s", stored.Phase, want)
				}
			})
		}
	}

	t.Run("an unknown phase is a validation error on field phase", func(t *testing.T) {
		MustCreateConference(t, app, orga, "unbekannt")
		_, err := app.SetPhase(t.Context(), orga, "unbekannt", "bogus", nil)
		wantCode(t, err, backend.EINVALID)
		if got := fieldCodes(t, err); !slices.Equal(got, []string{"phase:invalid"}) {
			t.Errorf("fields = %v, want [phase:invalid]", got)
		}
	})
	t.Run("a stale version is a conflict", func(t *testing.T) {
		v := MustCreateConference(t, app, orga, "veraltet")
		stale := v.Version - 1
		_, err := app.SetPhase(t.Context(), orga, "veraltet", backend.PhaseIdeas, &stale)
		wantCode(t, err, backend.ECONFLICT)
	})
	t.Run("an unknown conference is not found", func(t *testing.T) {
		_, err := app.SetPhase(t.Context(), orga, "gibt-es-nicht", backend.PhaseIdeas, nil)
		wantCode(t, err, backend.ENOTFOUND)
	})
}

func TestCreateConferenceSlugTaken(t *testing.T) {
	app, _ := MustNewApp(t)
	orga := MustOrganizer(t, app)
	MustCreateConference(t, app, orga, "herbst-2026")
	for _, slug := range []string{"herbst-2026", " Herbst-2026 "} {
		t.Run(slug+" is taken", func(t *testing.T) {
			_, err := app.CreateConference(t.Context(), orga, validInput(slug))
			wantCode(t, err, backend.ECONFLICT)
			if got := fieldCodes(t, err); !slices.Equal(got, []string{"slug:taken"}) {
				t.Errorf("fields = %v, want [slug:taken]", got)
			}
		})
	}
	_, total, err := app.ListConferences(t.Context(), orga, 0, 50)
	if err != nil || total != 1 {
		t.Fatalf("total = %d (%v), want 1", total, err)
	}
}

func TestUpdateConference(t *testing.T) {
	app, _ := MustNewApp(t)
	orga := MustOrganizer(t, app)

	t.Run("the current version applies and bumps it", func(t *testing.T) {
		v := MustCreateConference(t, app, orga, "aktuell")
		title, version := "Neuer Titel", v.Version
		got, err := app.UpdateConference(t.Context(), orga, "aktuell", backend.ConferenceUpdate{Title: &title, Version: &version})
		wantCode(t, err, "")
		if got.Title != title || got.Version != v.Version+1 {
			t.Errorf("got title %q version %d, want %q version %d", got.Title, got.Version, title, v.Version+1)
		}
	})
	t.Run("a stale version is a conflict and changes nothing", func(t *testing.T) {
		v := MustCreateConference(t, app, orga, "veraltet")
		title := "Zwischendurch"
		if _, err := app.UpdateConference(t.Context(), orga, "veraltet", backend.ConferenceUpdate{Title: &title}); err != nil {
			t.Fatal(err)
		}
		mine, version := "Meine Änderung", v.Version
		_, err := app.UpdateConference(t.Context(), orga, "veraltet", backend.ConferenceUpdate{Title: &mine, Version: &version})
		wantCode(t, err, backend.ECONFLICT)
		if !errors.Is(err, backend.ErrStaleVersion) {
			t.Errorf("err = %v, want ErrStaleVersion", err)
		}
		stored, _ := app.GetConference(t.Context(), orga, "veraltet")
		if stored.Title != title {
			t.Errorf("stored title = %q, want %q", stored.Title, title)
		}
	})
	t.Run("an empty update writes nothing", func(t *testing.T) {
		v := MustCreateConference(t, app, orga, "leer")
		got, err := app.UpdateConference(t.Context(), orga, "leer", backend.ConferenceUpdate{})
		if err != nil || got.Version != v.Version {
			t.Fatalf("version = %d (%v), want %d", got.Version, err, v.Version)
		}
	})
	t.Run("an invalid update is rejected per field and stores nothing", func(t *testing.T) {
		v := MustCreateConference(t, app, orga, "ungueltig")
		short, neg, early := "ab", -1, v.StartsAt.Add(-time.Hour)
		_, err := app.UpdateConference(t.Context(), orga, "ungueltig", backend.ConferenceUpdate{Title: &short, Capacity: &neg, EndsAt: &early})
		wantCode(t, err, backend.EINVALID)
		want := []string{"capacity:out_of_range", "endsAt:before_start", "title:too_short"}
		if got := fieldCodes(t, err); !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		stored, _ := app.GetConference(t.Context(), orga, "ungueltig")
		if stored.Version != v.Version || stored.Title != v.Title || stored.Capacity != v.Capacity {
			t.Errorf("stored = %+v, want unchanged %+v", *stored.Conference, *v.Conference)
		}
	})
	t.Run("an archived conference cannot be edited until it is closed again", func(t *testing.T) {
		MustCreateConference(t, app, orga, "archiv")
		archived := MustMoveTo(t, app, orga, "archiv", backend.PhaseArchived)
		title := "Nachträglich geändert"
		_, err := app.UpdateConference(t.Context(), orga, "archiv", backend.ConferenceUpdate{Title: &title})
		wantCode(t, err, backend.ECONFLICT)
		stored, _ := app.GetConference(t.Context(), orga, "archiv")
		if stored.Title != archived.Title || stored.Version != archived.Version {
			t.Errorf("stored title %q version %d, want %q version %d", stored.Title, stored.Version, archived.Title, archived.Version)
		}
		if _, err := app.SetPhase(t.Context(), orga, "archiv", backend.PhaseClosed, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := app.UpdateConference(t.Context(), orga, "archiv", backend.ConferenceUpdate{Title: &title}); err != nil {
			t.Errorf("edit after closing again: %v, want success", err)
		}
	})
	t.Run("an unknown conference is not found", func(t *testing.T) {
		title := "Egal wie"
		_, err := app.UpdateConference(t.Context(), orga, "gibt-es-nicht", backend.ConferenceUpdate{Title: &title})
		wantCode(t, err, backend.ENOTFOUND)
	})
}

// An update must answer with the values a later read returns, and re-sending
// the same instants in another time zone is no change (CreateConference
// already normalises to UTC microseconds; UpdateConference must too).
func TestUpdateConferenceNormalizesTimes(t *testing.T) {
	app, _ := MustNewApp(t)
	orga := MustOrganizer(t, app)
	MustCreateConference(t, app, orga, "zeiten")

	t.Run("the answer equals what is stored", func(t *testing.T) {
		start := time.Date(2026, 4, 1, 9, 0, 0, 123456789, time.FixedZone("CEST", 2*3600)) // before the end, 07:00:00.123456789Z
		got, err := app.UpdateConference(t.Context(), orga, "zeiten", backend.ConferenceUpdate{StartsAt: &start})
		if err != nil {
			t.Fatal(err)
		}
		stored, _ := app.GetConference(t.Context(), orga, "zeiten")
		if !got.StartsAt.Equal(stored.StartsAt) || got.StartsAt.Location() != time.UTC {
			t.Errorf("answered startsAt %v, stored %v; want the same UTC instant", got.StartsAt, stored.StartsAt)
		}
	})
	t.Run("the same instants in another zone do not bump the version", func(t *testing.T) {
		cur, _ := app.GetConference(t.Context(), orga, "zeiten")
		zone := time.FixedZone("CET", 3600)
		start, end := cur.StartsAt.In(zone), cur.EndsAt.In(zone)
		got, err := app.UpdateConference(t.Context(), orga, "zeiten", backend.ConferenceUpdate{StartsAt: &start, EndsAt: &end})
		if err != nil || got.Version != cur.Version {
			t.Errorf("version = %d (%v), want %d: nothing changed", got.Version, err, cur.Version)
		}
	})
}

func TestRegenerateJoinCode(t *testing.T) {
	app, _ := MustNewApp(t)
	orga := MustOrganizer(t, app)
	before := MustCreateConference(t, app, orga, "code")
	wantValidJoinCode(t, before.JoinCode)
	got, err := app.RegenerateJoinCode(t.Context(), orga, "code")
	if err != nil {
		t.Fatal(err)
	}
	wantValidJoinCode(t, got.JoinCode)
	if got.JoinCode == before.JoinCode || got.Version != before.Version+1 {
		t.Errorf("code %q version %d, want a new code (old %q) and version %d", got.JoinCode, got.Version, before.JoinCode, before.Version+1)
	}
	stored, _ := app.GetConference(t.Context(), orga, "code")
	if stored.JoinCode != got.JoinCode {
		t.Errorf("stored code = %q, want %q", stored.JoinCode, got.JoinCode)
	}
	t.Run("new codes use only the unambiguous alphabet", func(t *testing.T) {
		for range 2000 {
			wantValidJoinCode(t, backend.NewJoinCode())
		}
	})
	t.Run("unknown conference is not found", func(t *testing.T) {
		_, err := app.RegenerateJoinCode(t.Context(), orga, "gibt-es-nicht")
		wantCode(t, err, backend.ENOTFOUND)
	})
}

func wantValidJoinCode(tb testing.TB, code string) {
	tb.Helper()
	if len(code) != 6 || strings.Trim(code, "ACDEFGHJKMNPQRTWXY34679") != "" {
		tb.Fatalf("join code %q: want 6 characters from ACDEFGHJKMNPQRTWXY34679", code)
	}
}

func TestCreateConferenceValidation(t *testing.T) {
	app, _ := MustNewApp(t)
	orga := MustOrganizer(t, app)
	rep := strings.Repeat
	tests := []struct {
		name   string
		modify func(in *backend.ConferenceInput)
		want   []string // sorted "field:code"; nil means valid
	}{
		{"slug: empty is required", func(in *backend.ConferenceInput) { in.Slug = "" }, []string{"slug:required"}},
		{"slug: blank is required", func(in *backend.ConferenceInput) { in.Slug = "   " }, []string{"slug:required"}},
		{"slug: upper case is normalised", func(in *backend.ConferenceInput) { in.Slug = " Herbst-2026 " }, nil},
		{"slug: umlaut is a format error", func(in *backend.ConferenceInput) { in.Slug = "ä" }, []string{"slug:format"}},
		{"slug: double hyphen is a format error", func(in *backend.ConferenceInput) { in.Slug = "a--b" }, []string{"slug:format"}},
		{"slug: leading hyphen is a format error", func(in *backend.ConferenceInput) { in.Slug = "-a" }, []string{"slug:format"}},
		{"slug: trailing hyphen is a format error", func(in *backend.ConferenceInput) { in.Slug = "a-" }, []string{"slug:format"}},
		{"slug: underscore is a format error", func(in *backend.ConferenceInput) { in.Slug = "a_b" }, []string{"slug:format"}},
		{"slug: 60 characters are fine", func(in *backend.ConferenceInput) { in.Slug = rep("a", 60) }, nil},
		{"slug: 61 characters are too long", func(in *backend.ConferenceInput) { in.Slug = rep("a", 61) }, []string{"slug:too_long"}},
		{"title: empty is required", func(in *backend.ConferenceInput) { in.Title = "" }, []string{"title:required"}},
		{"title: blank is required", func(in *backend.ConferenceInput) { in.Title = " \t " }, []string{"title:required"}},
		{"title: 2 characters are too short", func(in *backend.ConferenceInput) { in.Title = "ab" }, []string{"title:too_short"}},
		{"title: 3 characters are fine", func(in *backend.ConferenceInput) { in.Title = "abc" }, nil},
		{"title: 2 emoji are too short", func(in *backend.ConferenceInput) { in.Title = "🗳🗳" }, []string{"title:too_short"}},
		{"title: 140 characters are fine", func(in *backend.ConferenceInput) { in.Title = rep("x", 140) }, nil},
		{"title: 141 characters are too long", func(in *backend.ConferenceInput) { in.Title = rep("x", 141) }, []string{"title:too_long"}},
		{"title: 140 emoji (560 bytes) are fine", func(in *backend.ConferenceInput) { in.Title = rep("🗳", 140) }, nil},
		{"title: 141 emoji are too long", func(in *backend.ConferenceInput) { in.Title = rep("🗳", 141) }, []string{"title:too_long"}},
		{"title: 140 runes with combining marks are fine", func(in *backend.ConferenceInput) { in.Title = rep("e\u0301", 70) }, nil},
		{"title: 141 runes with combining marks are too long", func(in *backend.ConferenceInput) { in.Title = rep("e\u0301", 70) + "e" }, []string{"title:too_long"}},
		{"title: a tab is a control character", func(in *backend.ConferenceInput) { in.Title = "Tab\there" }, []string{"title:control_char"}},
		{"title: a line break is a control character", func(in *backend.ConferenceInput) { in.Title = "Zeile\nzwei" }, []string{"title:control_char"}},
		{"title: an ANSI escape is a control character", func(in *backend.ConferenceInput) { in.Title = "\x1b[31mrot" }, []string{"title:control_char"}},
		{"title: DEL is a control character", func(in *backend.ConferenceInput) { in.Title = "Titel\x7f" }, []string{"title:control_char"}},
		{"title: NUL is a control character", func(in *backend.ConferenceInput) { in.Title = "Titel\x00Rest" }, []string{"title:control_char"}},
		{"title: C1 control U+009B (CSI) is a control character", func(in *backend.ConferenceInput) { in.Title = "Titel \u009b31m" }, []string{"title:control_char"}},
		{"title: invalid UTF-8 is an encoding error", func(in *backend.ConferenceInput) { in.Title = "Titel \xff\xfe" }, []string{"title:encoding"}},
		{"description: 10,000 characters are fine", func(in *backend.ConferenceInput) { in.Description = rep("ä", 10000) }, nil},
		{"description: 10,001 characters are too long", func(in *backend.ConferenceInput) { in.Description = rep("ä", 10001) }, []string{"description:too_long"}},
		{"description: line breaks and tabs are fine", func(in *backend.ConferenceInput) { in.Description = "Zeile 1\r\nZeile 2\n\tEingerückt" }, nil},
		{"description: NUL is a control character", func(in *backend.ConferenceInput) { in.Description = "a\x00b" }, []string{"description:control_char"}},
		{"description: invalid UTF-8 is an encoding error", func(in *backend.ConferenceInput) { in.Description = "a\xc3" }, []string{"description:encoding"}},
		{"venue: empty is fine", func(in *backend.ConferenceInput) { in.Venue = "" }, nil},
		{"venue: 200 characters are fine", func(in *backend.ConferenceInput) { in.Venue = rep("ß", 200) }, nil},
		{"venue: 201 characters are too long", func(in *backend.ConferenceInput) { in.Venue = rep("ß", 201) }, []string{"venue:too_long"}},
		{"venue: NUL is a control character", func(in *backend.ConferenceInput) { in.Venue = "Saal\x00" }, []string{"venue:control_char"}},
		{"schedule: missing start is required", func(in *backend.ConferenceInput) { in.StartsAt = time.Time{} }, []string{"startsAt:required"}},
		{"schedule: missing end is required", func(in *backend.ConferenceInput) { in.EndsAt = time.Time{} }, []string{"endsAt:required"}},
		{"schedule: end before start", func(in *backend.ConferenceInput) { in.EndsAt = in.StartsAt.Add(-time.Minute) }, []string{"endsAt:before_start"}},
		{"schedule: end equal to start", func(in *backend.ConferenceInput) { in.EndsAt = in.StartsAt }, []string{"endsAt:before_start"}},
		{"schedule: end one microsecond after start is fine", func(in *backend.ConferenceInput) { in.EndsAt = in.StartsAt.Add(time.Microsecond) }, nil},
		{"schedule: a start in 1999 is out of range", func(in *backend.ConferenceInput) {
			in.StartsAt = time.Date(1999, 12, 31, 9, 0, 0, 0, time.UTC)
			in.EndsAt = in.StartsAt.Add(time.Hour)
		}, []string{"startsAt:out_of_range"}},
		{"capacity: -1 is out of range", func(in *backend.ConferenceInput) { in.Capacity = -1 }, []string{"capacity:out_of_range"}},
		{"capacity: 0 (unlimited) is fine", func(in *backend.ConferenceInput) { in.Capacity = 0 }, nil},
		{"capacity: 100000 is fine", func(in *backend.ConferenceInput) { in.Capacity = 100000 }, nil},
		{"capacity: 100001 is out of range", func(in *backend.ConferenceInput) { in.Capacity = 100001 }, []string{"capacity:out_of_range"}},
		{"everything missing is reported at once", func(in *backend.ConferenceInput) { *in = backend.ConferenceInput{} },
			[]string{"endsAt:required", "slug:required", "startsAt:required", "title:required"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput("v-" + strconv.Itoa(i))
			tt.modify(&in)
			_, totalBefore, _ := app.ListConferences(t.Context(), orga, 0, 1)
			got, err := app.CreateConference(t.Context(), orga, in)
			_, totalAfter, _ := app.ListConferences(t.Context(), orga, 0, 1)
			if tt.want == nil {
				wantCode(t, err, "")
				if totalAfter != totalBefore+1 {
					t.Errorf("total = %d, want %d", totalAfter, totalBefore+1)
				}
				stored, err := app.GetConference(t.Context(), orga, got.Slug)
				if err != nil {
					t.Fatalf("read back %q: %v", got.Slug, err)
				}
				if stored.Title != strings.TrimSpace(in.Title) || stored.Description != strings.TrimSpace(in.Description) || stored.Slug != strings.ToLower(strings.TrimSpace(in.Slug)) {
					t.Errorf("stored slug %q title %q (%d bytes), want the input trimmed", stored.Slug, stored.Title, len(stored.Title))
				}
				return
			}
			wantCode(t, err, backend.EINVALID)
			if got := fieldCodes(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("fields = %v, want %v", got, tt.want)
			}
			if totalAfter != totalBefore {
				t.Errorf("total = %d after a rejected create, want %d", totalAfter, totalBefore)
			}
		})
	}
}

func TestLogin(t *testing.T) {
	app, clk := MustNewApp(t)
	orga := MustOrganizer(t, app)
	ctx := t.Context()

	t.Run("the right password opens a session for the account", func(t *testing.T) {
		acc, token, err := app.Login(ctx, orgaEmail, orgaPassword)
		if err != nil || acc.ID != orga.Account.ID || len(token) < 40 {
			t.Fatalf("login = %+v, token %q, %v; want account %d and a long token", acc, token, err, orga.Account.ID)
		}
		got, err := app.Authenticate(ctx, token)
		if err != nil || got.ID != orga.Account.ID || got.Role != backend.RoleOrganizer {
			t.Fatalf("authenticate = %+v, %v; want organiser %d", got, err, orga.Account.ID)
		}
	})
	t.Run("the e-mail address is case-insensitive and trimmed", func(t *testing.T) {
		acc, _, err := app.Login(ctx, "  ORGA@Stadt.Example ", orgaPassword)
		if err != nil || acc.ID != orga.Account.ID {
			t.Fatalf("login = %+v, %v; want account %d", acc, err, orga.Account.ID)
		}
	})
	t.Run("two logins get different tokens", func(t *testing.T) {
		_, a, err1 := app.Login(ctx, orgaEmail, orgaPassword)
		_, b, err2 := app.Login(ctx, orgaEmail, orgaPassword)
		if err1 != nil || err2 != nil || a == b {
			t.Fatalf("tokens %q and %q (%v, %v), want two different ones", a, b, err1, err2)
		}
	})
	t.Run("wrong password and unknown e-mail fail alike", func(t *testing.T) {
		_, tok1, wrong := app.Login(ctx, orgaEmail, orgaPassword+"!")
		_, tok2, unknown := app.Login(ctx, "niemand@stadt.example", orgaPassword)
		wantCode(t, wrong, backend.EUNAUTHORIZED)
		wantCode(t, unknown, backend.EUNAUTHORIZED)
		if tok1 != "" || tok2 != "" {
			t.Errorf("tokens %q, %q on failure, want none", tok1, tok2)
		}
		if a, b := backend.ErrorMessage(wrong), backend.ErrorMessage(unknown); a != b {
			t.Errorf("messages differ: wrong password %q, unknown e-mail %q", a, b)
		}
	})
	t.Run("missing credentials are validation errors per field", func(t *testing.T) {
		_, _, err := app.Login(ctx, " ", "")
		wantCode(t, err, backend.EINVALID)
		if got, want := fieldCodes(t, err), []string{"email:required", "password:required"}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
	})
	t.Run("an over-long e-mail address is reported on field email", func(t *testing.T) {
		_, _, err := app.Login(ctx, strings.Repeat("a", 300)+"@stadt.example", orgaPassword)
		wantCode(t, err, backend.EINVALID)
		if got, want := fieldCodes(t, err), []string{"email:too_long"}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
	})
	t.Run("an over-long password is reported on field password", func(t *testing.T) {
		_, _, err := app.Login(ctx, orgaEmail, strings.Repeat("p", 1025))
		wantCode(t, err, backend.EINVALID)
		if got, want := fieldCodes(t, err), []string{"password:too_long"}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
	})
	t.Run("a session expires after SessionTTL", func(t *testing.T) {
		clk.Set(t0)
		t.Cleanup(func() { clk.Set(t0) })
		_, token, err := app.Login(ctx, orgaEmail, orgaPassword)
		if err != nil {
			t.Fatal(err)
		}
		clk.Set(t0.Add(app.SessionTTL - time.Second))
		if _, err := app.Authenticate(ctx, token); err != nil {
			t.Fatalf("one second before expiry: %v, want a live session", err)
		}
		clk.Set(t0.Add(app.SessionTTL + time.Second))
		_, err = app.Authenticate(ctx, token)
		wantCode(t, err, backend.EUNAUTHORIZED)
	})
	t.Run("logout ends the session and may be repeated", func(t *testing.T) {
		_, token, err := app.Login(ctx, orgaEmail, orgaPassword)
		if err != nil {
			t.Fatal(err)
		}
		if err := app.Logout(ctx, token); err != nil {
			t.Fatalf("logout: %v", err)
		}
		_, err = app.Authenticate(ctx, token)
		wantCode(t, err, backend.EUNAUTHORIZED)
		if err := app.Logout(ctx, token); err != nil {
			t.Errorf("second logout: %v, want nil", err)
		}
		if err := app.Logout(ctx, ""); err != nil {
			t.Errorf("logout without token: %v, want nil", err)
		}
	})
	t.Run("made-up tokens are unauthorized", func(t *testing.T) {
		for _, tok := range []string{"", "x", strings.Repeat("A", 43), strings.Repeat("A", 129), "'; DROP TABLE sessions; --"} {
			_, err := app.Authenticate(ctx, tok)
			wantCode(t, err, backend.EUNAUTHORIZED)
		}
	})
}

func TestEnsureFirstOrganizer(t *testing.T) {
	app, _ := MustNewApp(t)
	ctx := t.Context()
	count := func() int {
		t.Helper()
		n, err := app.Store.CountAccounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("invalid input creates nothing", func(t *testing.T) {
		created, err := app.EnsureFirstOrganizer(ctx, backend.AccountInput{Email: "admin@stadt.example", Password: "kurz"})
		wantCode(t, err, backend.EINVALID)
		if created || count() != 0 {
			t.Fatalf("created = %v, accounts = %d; want nothing", created, count())
		}
	})
	t.Run("creates an organiser when no account exists", func(t *testing.T) {
		created, err := app.EnsureFirstOrganizer(ctx, backend.AccountInput{Email: "Admin@Stadt.Example", Password: "erstes-passwort-123"})
		if err != nil || !created || count() != 1 {
			t.Fatalf("created = %v (%v), accounts = %d; want true, 1", created, err, count())
		}
		acc, _, err := app.Login(ctx, "admin@stadt.example", "erstes-passwort-123")
		if err != nil || acc.Role != backend.RoleOrganizer {
			t.Fatalf("login as the first organiser: %+v, %v", acc, err)
		}
	})
	t.Run("creates nothing and resets nothing once an account exists", func(t *testing.T) {
		for _, in := range []backend.AccountInput{
			{Email: "zweite@stadt.example", Password: "zweites-passwort-1"},
			{Email: "admin@stadt.example", Password: "anderes-passwort-2"},
		} {
			created, err := app.EnsureFirstOrganizer(ctx, in)
			if err != nil || created {
				t.Fatalf("EnsureFirstOrganizer(%s) = %v, %v; want false, nil", in.Email, created, err)
			}
		}
		if count() != 1 {
			t.Fatalf("accounts = %d, want 1", count())
		}
		if _, _, err := app.Login(ctx, "admin@stadt.example", "erstes-passwort-123"); err != nil {
			t.Errorf("original password: %v, want it still valid", err)
		}
		_, _, err := app.Login(ctx, "admin@stadt.example", "anderes-passwort-2")
		wantCode(t, err, backend.EUNAUTHORIZED)
	})
	t.Run("a second account with the same address is a conflict on field email", func(t *testing.T) {
		_, err := app.CreateAccount(ctx, backend.AccountInput{Email: "ADMIN@stadt.example", Password: "noch-ein-passwort"})
		wantCode(t, err, backend.ECONFLICT)
		if got := fieldCodes(t, err); !slices.Equal(got, []string{"email:taken"}) {
			t.Errorf("fields = %v, want [email:taken]", got)
		}
	})
}

package backend_test

import (
	"errors"
	"path/filepath"
	"slices"
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

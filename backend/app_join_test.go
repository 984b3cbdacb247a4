package backend_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"ideenmarkt/backend"
)

// marketInput is a valid conference with topic and department lists.
func marketInput(slug string) backend.ConferenceInput {
	in := validInput(slug)
	in.Topics = []string{"Digitalisierung", "Bürgerservice", "Umwelt"}
	in.Departments = []string{"Bauamt", "Ordnungsamt", "Personalamt"}
	return in
}

// MustCreateMarket creates a conference from in and walks it to phase; the
// view is the organiser's, so it carries the join code.
func MustCreateMarket(tb testing.TB, app *backend.App, orga backend.Actor, in backend.ConferenceInput, phase backend.Phase) backend.ConferenceView {
	tb.Helper()
	if _, err := app.CreateConference(tb.Context(), orga, in); err != nil {
		tb.Fatalf("create conference %q: %v", in.Slug, err)
	}
	return MustMoveTo(tb, app, orga, in.Slug, phase)
}

// MustSetPhases moves a conference through the given phases, one legal step each.
func MustSetPhases(tb testing.TB, app *backend.App, orga backend.Actor, slug string, phases ...backend.Phase) {
	tb.Helper()
	for _, p := range phases {
		if _, err := app.SetPhase(tb.Context(), orga, slug, p, nil); err != nil {
			tb.Fatalf("move %q to %s: %v", slug, p, err)
		}
	}
}

// MustJoin joins a conference from a fresh browser and returns it as an actor.
func MustJoin(tb testing.TB, app *backend.App, slug, code, name, department string) (backend.Actor, *backend.Participant) {
	tb.Helper()
	actor := backend.Actor{ParticipantKey: backend.RandomToken()}
	p, _, err := app.Join(tb.Context(), actor, slug, backend.JoinInput{Code: code, DisplayName: name, Department: department})
	if err != nil {
		tb.Fatalf("join %q as %q: %v", slug, name, err)
	}
	return actor, p
}

// MustMakeModerator gives a participant the moderator role in its conference.
func MustMakeModerator(tb testing.TB, app *backend.App, p *backend.Participant) {
	tb.Helper()
	p.Role = backend.RoleModerator
	if err := app.Store.UpdateParticipant(tb.Context(), p); err != nil {
		tb.Fatalf("make %q moderator: %v", p.DisplayName, err)
	}
}

// MustSubmit submits an idea and fails the test on error.
func MustSubmit(tb testing.TB, app *backend.App, actor backend.Actor, slug string, in backend.IdeaInput) backend.IdeaView {
	tb.Helper()
	v, err := app.SubmitIdea(tb.Context(), actor, slug, in)
	if err != nil {
		tb.Fatalf("submit %q: %v", in.Title, err)
	}
	return v
}

// MustHide hides an idea the way moderation will: through the store.
func MustHide(tb testing.TB, app *backend.App, id int64) {
	tb.Helper()
	i, err := app.Store.FindIdeaByID(tb.Context(), id)
	if err != nil {
		tb.Fatalf("find idea %d: %v", id, err)
	}
	i.Hidden, i.HiddenReason = true, "Beleidigend"
	if err := app.Store.UpdateIdea(tb.Context(), i, false); err != nil {
		tb.Fatalf("hide idea %d: %v", id, err)
	}
}

// MustStoredIdea reads an idea straight from the store, bypassing every view.
func MustStoredIdea(tb testing.TB, app *backend.App, id int64) *backend.Idea {
	tb.Helper()
	i, err := app.Store.FindIdeaByID(tb.Context(), id)
	if err != nil {
		tb.Fatalf("find idea %d: %v", id, err)
	}
	return i
}

// idea returns a valid idea input for a conference made from marketInput.
func idea(title string) backend.IdeaInput {
	return backend.IdeaInput{Title: title, Body: "Damit es schneller geht.", Topic: "Digitalisierung"}
}

// market is one conference in the ideas phase with an author, another
// participant, a moderator and the organiser (who has not joined).
type market struct {
	app                      *backend.App
	clk                      *clock
	orga                     backend.Actor
	conf                     backend.ConferenceView
	author, other, moderator backend.Actor
	authorP, otherP, modP    *backend.Participant
}

// MustMarket sets up a market on a fresh store; modify may change the
// conference input (slug "markt") before it is created.
func MustMarket(tb testing.TB, modify func(in *backend.ConferenceInput)) *market {
	tb.Helper()
	app, clk := MustNewApp(tb)
	m := &market{app: app, clk: clk, orga: MustOrganizer(tb, app)}
	in := marketInput("markt")
	if modify != nil {
		modify(&in)
	}
	m.conf = MustCreateMarket(tb, app, m.orga, in, backend.PhaseIdeas)
	m.author, m.authorP = MustJoin(tb, app, "markt", m.conf.JoinCode, "Anna Autorin", "Bauamt")
	m.other, m.otherP = MustJoin(tb, app, "markt", m.conf.JoinCode, "Otto Andere", "Ordnungsamt")
	m.moderator, m.modP = MustJoin(tb, app, "markt", m.conf.JoinCode, "Mia Moderatorin", "Personalamt")
	MustMakeModerator(tb, app, m.modP)
	return m
}

// wantFields asserts an EINVALID error with exactly these sorted "field:code" pairs.
func wantFields(tb testing.TB, err error, want ...string) {
	tb.Helper()
	wantCode(tb, err, backend.EINVALID)
	if got := fieldCodes(tb, err); !slices.Equal(got, want) {
		tb.Errorf("fields = %v, want %v", got, want)
	}
}

func ideaIDs(views []backend.IdeaView) []int64 {
	ids := make([]int64, len(views))
	for n, v := range views {
		ids[n] = v.ID
	}
	return ids
}

// countChanges counts the change-feed entries of one entity and operation,
// which is how these tests see how many rows a use case created.
func countChanges(tb testing.TB, app *backend.App, entity, op string) int {
	tb.Helper()
	changes, err := app.Store.ChangesSince(tb.Context(), 0, 100000)
	if err != nil {
		tb.Fatalf("changes: %v", err)
	}
	n := 0
	for _, c := range changes {
		if c.Entity == entity && c.Op == op {
			n++
		}
	}
	return n
}

func TestJoin(t *testing.T) {
	app, _ := MustNewApp(t)
	orga := MustOrganizer(t, app)
	conf := MustCreateMarket(t, app, orga, marketInput("treffen"), backend.PhaseIdeas)
	code := conf.JoinCode
	rep := strings.Repeat

	tests := []struct {
		name string
		in   backend.JoinInput
		want []string // sorted "field:code"; nil means the join succeeds
	}{
		// "FALSCH" holds S and L, which the join-code alphabet leaves out, so it can never be right.
		{"a wrong code is rejected on field code", backend.JoinInput{Code: "falsch", DisplayName: "Anna"}, []string{"code:wrong"}},
		{"an empty code is required", backend.JoinInput{Code: " - ", DisplayName: "Anna"}, []string{"code:required"}},
		{"a missing name is required", backend.JoinInput{Code: code}, []string{"displayName:required"}},
		{"a blank name is required", backend.JoinInput{Code: code, DisplayName: " \t "}, []string{"displayName:required"}},
		{"a 60-character name is fine", backend.JoinInput{Code: code, DisplayName: rep("ä", 60)}, nil},
		{"a 61-character name is too long", backend.JoinInput{Code: code, DisplayName: rep("ä", 61)}, []string{"displayName:too_long"}},
		{"a line break in the name is a control character", backend.JoinInput{Code: code, DisplayName: "Anna\nB"}, []string{"displayName:control_char"}},
		{"a department from the list is fine", backend.JoinInput{Code: code, DisplayName: "Anna", Department: " Bauamt "}, nil},
		{"a department not in the list is rejected", backend.JoinInput{Code: code, DisplayName: "Anna", Department: "Zoo"}, []string{"department:unknown"}},
		{"a department in other case is not in the list", backend.JoinInput{Code: code, DisplayName: "Anna", Department: "bauamt"}, []string{"department:unknown"}},
		{"everything wrong is reported at once", backend.JoinInput{Code: "falsch", Department: "Zoo"}, []string{"code:wrong", "department:unknown", "displayName:required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			actor := backend.Actor{ParticipantKey: backend.RandomToken()}
			p, key, err := app.Join(t.Context(), actor, "treffen", tt.in)
			if tt.want == nil {
				wantCode(t, err, "")
				if p == nil || p.ID == 0 || key != actor.ParticipantKey {
					t.Fatalf("participant %+v, key %q; want a stored participant under the given key", p, key)
				}
				if want := strings.TrimSpace(tt.in.DisplayName); p.DisplayName != want || p.Department != strings.TrimSpace(tt.in.Department) {
					t.Errorf("name %q department %q, want %q %q", p.DisplayName, p.Department, want, strings.TrimSpace(tt.in.Department))
				}
				return
			}
			wantCode(t, err, backend.EINVALID)
			if got := fieldCodes(t, err); !slices.Equal(got, tt.want) {
				t.Errorf("fields = %v, want %v", got, tt.want)
			}
			if p != nil || key != "" {
				t.Errorf("participant %+v, key %q on failure; want neither", p, key)
			}
			_, err = app.Membership(t.Context(), actor, "treffen")
			wantCode(t, err, backend.ENOTFOUND)
		})
	}

	t.Run("the code may be typed in lower case with spaces and hyphens", func(t *testing.T) {
		typed := "  " + strings.ToLower(code[:3]) + " - " + strings.ToLower(code[3:]) + " "
		p, _, err := app.Join(t.Context(), backend.Actor{}, "treffen", backend.JoinInput{Code: typed, DisplayName: "Tipp Fehler"})
		if err != nil || p == nil || p.ID == 0 {
			t.Fatalf("join with %q (code %s) = %+v, %v; want success", typed, code, p, err)
		}
	})
	t.Run("a draft is not found for a visitor", func(t *testing.T) {
		draft := MustCreateMarket(t, app, orga, marketInput("entwurf"), backend.PhaseDraft)
		_, _, err := app.Join(t.Context(), backend.Actor{}, "entwurf", backend.JoinInput{Code: draft.JoinCode, DisplayName: "Anna"})
		wantCode(t, err, backend.ENOTFOUND)
	})
	t.Run("a draft cannot be joined by an organiser either", func(t *testing.T) {
		draft, err := app.GetConference(t.Context(), orga, "entwurf")
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = app.Join(t.Context(), orga, "entwurf", backend.JoinInput{Code: draft.JoinCode, DisplayName: "Orga"})
		wantCode(t, err, backend.ECONFLICT)
	})
	t.Run("an archived conference is a conflict", func(t *testing.T) {
		archived := MustCreateMarket(t, app, orga, marketInput("archiv"), backend.PhaseArchived)
		actor := backend.Actor{ParticipantKey: backend.RandomToken()}
		_, _, err := app.Join(t.Context(), actor, "archiv", backend.JoinInput{Code: archived.JoinCode, DisplayName: "Anna"})
		wantCode(t, err, backend.ECONFLICT)
		_, err = app.Membership(t.Context(), actor, "archiv")
		wantCode(t, err, backend.ENOTFOUND)
	})
	t.Run("a live conference can be joined on the day", func(t *testing.T) {
		live := MustCreateMarket(t, app, orga, marketInput("live"), backend.PhaseLive)
		_, _, err := app.Join(t.Context(), backend.Actor{}, "live", backend.JoinInput{Code: live.JoinCode, DisplayName: "Anna"})
		wantCode(t, err, "")
	})
	t.Run("an unknown conference is not found", func(t *testing.T) {
		_, _, err := app.Join(t.Context(), backend.Actor{}, "gibt-es-nicht", backend.JoinInput{Code: code, DisplayName: "Anna"})
		wantCode(t, err, backend.ENOTFOUND)
	})
}

func TestJoinTwice(t *testing.T) {
	app, _ := MustNewApp(t)
	orga := MustOrganizer(t, app)
	conf := MustCreateMarket(t, app, orga, marketInput("zweimal"), backend.PhaseIdeas)
	ctx := t.Context()

	t.Run("the same key keeps the participant and updates name and department", func(t *testing.T) {
		before := countChanges(t, app, backend.EntityParticipant, backend.OpCreate)
		actor := backend.Actor{ParticipantKey: backend.RandomToken()}
		first, key1, err := app.Join(ctx, actor, "zweimal", backend.JoinInput{Code: conf.JoinCode, DisplayName: "Anna", Department: "Bauamt"})
		if err != nil {
			t.Fatal(err)
		}
		second, key2, err := app.Join(ctx, actor, "zweimal", backend.JoinInput{Code: conf.JoinCode, DisplayName: "Anna Schmidt", Department: "Ordnungsamt"})
		if err != nil {
			t.Fatal(err)
		}
		if second.ID != first.ID || key1 != actor.ParticipantKey || key2 != actor.ParticipantKey {
			t.Errorf("second join: id %d key %q, want id %d key %q", second.ID, key2, first.ID, actor.ParticipantKey)
		}
		if second.DisplayName != "Anna Schmidt" || second.Department != "Ordnungsamt" {
			t.Errorf("second join: name %q department %q, want %q %q", second.DisplayName, second.Department, "Anna Schmidt", "Ordnungsamt")
		}
		got, err := app.Membership(ctx, actor, "zweimal")
		if err != nil || got.ID != first.ID || got.DisplayName != "Anna Schmidt" || got.Department != "Ordnungsamt" {
			t.Errorf("membership = %+v, %v; want id %d named Anna Schmidt in Ordnungsamt", got, err, first.ID)
		}
		if n := countChanges(t, app, backend.EntityParticipant, backend.OpCreate) - before; n != 1 {
			t.Errorf("participants created = %d, want 1", n)
		}
	})
	t.Run("a double submit with the same key creates one participant", func(t *testing.T) {
		before := countChanges(t, app, backend.EntityParticipant, backend.OpCreate)
		actor := backend.Actor{ParticipantKey: backend.RandomToken()}
		const n = 10
		ids := make([]int64, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				var p *backend.Participant
				p, _, errs[i] = app.Join(ctx, actor, "zweimal", backend.JoinInput{Code: conf.JoinCode, DisplayName: "Doppelklick"})
				if p != nil {
					ids[i] = p.ID
				}
			})
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil || ids[i] == 0 || ids[i] != ids[0] {
				t.Errorf("join %d: id %d (%v), want id %d", i, ids[i], errs[i], ids[0])
			}
		}
		if got := countChanges(t, app, backend.EntityParticipant, backend.OpCreate) - before; got != 1 {
			t.Errorf("participants created = %d, want 1", got)
		}
	})
	t.Run("a visitor without a key gets a new one", func(t *testing.T) {
		p1, key1, err1 := app.Join(ctx, backend.Actor{}, "zweimal", backend.JoinInput{Code: conf.JoinCode, DisplayName: "Ohne Schlüssel"})
		p2, key2, err2 := app.Join(ctx, backend.Actor{}, "zweimal", backend.JoinInput{Code: conf.JoinCode, DisplayName: "Ohne Schlüssel"})
		if err1 != nil || err2 != nil {
			t.Fatalf("joins: %v, %v", err1, err2)
		}
		if len(key1) < 40 || len(key2) < 40 || key1 == key2 {
			t.Errorf("keys %q and %q, want two different long random keys", key1, key2)
		}
		if p1.ID == p2.ID {
			t.Errorf("two browsers without a key got the same participant %d, want two", p1.ID)
		}
		if p1.KeyHash != backend.HashToken(key1) {
			t.Errorf("stored key hash %q, want the hash of the returned key", p1.KeyHash)
		}
		got, err := app.Membership(ctx, backend.Actor{ParticipantKey: key1}, "zweimal")
		if err != nil || got.ID != p1.ID {
			t.Errorf("membership with the new key = %+v, %v; want participant %d", got, err, p1.ID)
		}
	})
}

func TestMembership(t *testing.T) {
	app, _ := MustNewApp(t)
	orga := MustOrganizer(t, app)
	confA := MustCreateMarket(t, app, orga, marketInput("konferenz-a"), backend.PhaseIdeas)
	MustCreateMarket(t, app, orga, marketInput("konferenz-b"), backend.PhaseIdeas)
	actor, p := MustJoin(t, app, "konferenz-a", confA.JoinCode, "Anna", "Bauamt")

	t.Run("the key finds the membership", func(t *testing.T) {
		got, err := app.Membership(t.Context(), actor, "konferenz-a")
		if err != nil || got.ID != p.ID || got.DisplayName != "Anna" || got.Department != "Bauamt" || got.Role != backend.RoleParticipant {
			t.Fatalf("membership = %+v, %v; want participant %d Anna/Bauamt/participant", got, err, p.ID)
		}
	})
	for name, tt := range map[string]struct {
		actor backend.Actor
		slug  string
	}{
		"without a key it is not found":              {backend.Actor{}, "konferenz-a"},
		"an unknown key is not found":                {backend.Actor{ParticipantKey: backend.RandomToken()}, "konferenz-a"},
		"an organiser without key is not found":      {orga, "konferenz-a"},
		"the key in another conference is not found": {actor, "konferenz-b"},
		"an unknown conference is not found":         {actor, "gibt-es-nicht"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := app.Membership(t.Context(), tt.actor, tt.slug)
			wantCode(t, err, backend.ENOTFOUND)
			if got != nil {
				t.Errorf("membership = %+v, want nil", got)
			}
		})
	}
}

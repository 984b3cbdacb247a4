package backend_test

import (
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/postgres"
	"ideenmarkt/backend/postgres/pgtest"
)

// TestMain stops the throwaway PostgreSQL cluster the voting tests start.
func TestMain(m *testing.M) { pgtest.Main(m) }

// forEachStore runs fn against a fresh SQLite file and a fresh PostgreSQL
// database, each with its own clock set to t0. The rules live above storage,
// so they must hold on both. Without PostgreSQL the second run is skipped,
// except under CI=true, where pgtest fails it.
func forEachStore(t *testing.T, fn func(t *testing.T, app *backend.App, clk *clock)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		app, clk := MustNewApp(t)
		fn(t, app, clk)
	})
	t.Run("postgres", func(t *testing.T) {
		app, clk := MustNewPostgresApp(t)
		fn(t, app, clk)
	})
}

// MustNewPostgresApp returns an App on a new PostgreSQL database and its
// clock, set to t0.
func MustNewPostgresApp(tb testing.TB) (*backend.App, *clock) {
	tb.Helper()
	store, err := postgres.Open(tb.Context(), pgtest.DSN(tb), postgres.Options{Migrate: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	tb.Cleanup(func() { store.Close() })
	clk := &clock{now: t0}
	app := backend.NewApp(store)
	app.Now = clk.Now
	return app, clk
}

// voting is a conference on its day ("tag", phase live) with two
// participants, two moderators, ideas with supports and two sessions: sess
// lists the moderator Mia, sessOpen lists nobody. "andere" is a second
// conference on its day with one idea of its own.
type voting struct {
	app  *backend.App
	clk  *clock
	orga backend.Actor
	conf backend.ConferenceView

	alice, bob, mod, modOther     backend.Actor
	aliceP, bobP, modP, modOtherP *backend.Participant

	// Digitalisierung: akte (3 supports), chat (2), rechnung (1), and a
	// merged and a hidden one; Umwelt: baeume (0).
	akte, chat, rechnung, baeume, merged, hidden backend.IdeaView
	sess, sessOpen                               backend.SessionView
	otherIdea                                    backend.IdeaView
}

func MustVoting(tb testing.TB, app *backend.App, clk *clock) *voting {
	tb.Helper()
	ctx := tb.Context()
	v := &voting{app: app, clk: clk, orga: MustOrganizer(tb, app)}
	v.conf = MustCreateMarket(tb, app, v.orga, marketInput("tag"), backend.PhaseIdeas)
	v.alice, v.aliceP = MustJoin(tb, app, "tag", v.conf.JoinCode, "Alice Amsel", "Bauamt")
	v.bob, v.bobP = MustJoin(tb, app, "tag", v.conf.JoinCode, "Bob Bussard", "Ordnungsamt")
	v.mod, v.modP = MustJoin(tb, app, "tag", v.conf.JoinCode, "Mia Moderatorin", "Personalamt")
	v.modOther, v.modOtherP = MustJoin(tb, app, "tag", v.conf.JoinCode, "Max Moderator", "")
	MustMakeModerator(tb, app, v.modP)
	MustMakeModerator(tb, app, v.modOtherP)

	v.akte = MustSubmit(tb, app, v.alice, "tag", idea("Digitale Akte"))
	v.rechnung = MustSubmit(tb, app, v.bob, "tag", idea("E-Rechnung überall"))
	v.chat = MustSubmit(tb, app, v.alice, "tag", idea("Chat für Bürgeranfragen"))
	umwelt := idea("Mehr Bäume am Rathaus")
	umwelt.Topic = "Umwelt"
	v.baeume = MustSubmit(tb, app, v.bob, "tag", umwelt)
	v.merged = MustSubmit(tb, app, v.bob, "tag", idea("Elektronische Akte"))
	v.hidden = MustSubmit(tb, app, v.bob, "tag", idea("Versteckte Idee"))
	for _, s := range []struct {
		who  backend.Actor
		idea int64
	}{{v.alice, v.akte.ID}, {v.bob, v.akte.ID}, {v.mod, v.akte.ID}, {v.alice, v.chat.ID}, {v.bob, v.chat.ID}, {v.bob, v.rechnung.ID}} {
		if _, err := app.SetSupport(ctx, s.who, s.idea, true); err != nil {
			tb.Fatalf("support: %v", err)
		}
	}
	if _, err := app.MergeIdea(ctx, v.mod, v.merged.ID, backend.MergeInput{TargetID: v.akte.ID, Reason: "Doppelt"}); err != nil {
		tb.Fatalf("merge: %v", err)
	}
	MustHide(tb, app, v.hidden.ID)
	MustSetPhases(tb, app, v.orga, "tag", backend.PhaseLive)

	other := MustCreateMarket(tb, app, v.orga, marketInput("andere"), backend.PhaseIdeas)
	stranger, _ := MustJoin(tb, app, "andere", other.JoinCode, "Sven Fremd", "")
	v.otherIdea = MustSubmit(tb, app, stranger, "andere", idea("Idee von anderswo"))
	MustSetPhases(tb, app, v.orga, "andere", backend.PhaseLive)

	v.sess = MustSession(tb, app, v.orga, "tag", sessionIn("Forum Digitales", t0, 2*time.Hour, v.modP.ID))
	v.sessOpen = MustSession(tb, app, v.orga, "tag", sessionIn("Forum Umwelt", t0.Add(3*time.Hour), time.Hour))
	return v
}

// sessionIn is a valid session from start for d, run by moderators.
func sessionIn(title string, start time.Time, d time.Duration, moderators ...int64) backend.AgendaInput {
	return backend.AgendaInput{Title: title, Room: "Saal 1", Description: "Abstimmungen.", StartsAt: start, EndsAt: start.Add(d), ModeratorIDs: moderators}
}

func MustSession(tb testing.TB, app *backend.App, orga backend.Actor, slug string, in backend.AgendaInput) backend.SessionView {
	tb.Helper()
	s, err := app.CreateSession(tb.Context(), orga, slug, in)
	if err != nil {
		tb.Fatalf("create session %q: %v", in.Title, err)
	}
	return s
}

// labels is a round input of free-text options.
func labels(title string, m backend.VoteMethod, opts ...string) backend.RoundInput {
	return backend.RoundInput{Title: title, Method: m, Labels: opts, LiveResults: true}
}

func MustRound(tb testing.TB, app *backend.App, actor backend.Actor, sessionID int64, in backend.RoundInput) backend.RoundView {
	tb.Helper()
	r, err := app.CreateRound(tb.Context(), actor, sessionID, in)
	if err != nil {
		tb.Fatalf("create round %q: %v", in.Title, err)
	}
	return r
}

// MustAdvance moves a round along draft → open → closed → revealed up to state.
func MustAdvance(tb testing.TB, app *backend.App, actor backend.Actor, r backend.RoundView, state backend.RoundState) backend.RoundView {
	tb.Helper()
	ctx := tb.Context()
	path := []backend.RoundState{backend.RoundDraft, backend.RoundOpen, backend.RoundClosed, backend.RoundRevealed}
	for _, step := range path[slices.Index(path, r.State)+1:] {
		if r.State == state {
			return r
		}
		var next backend.RoundView
		var err error
		switch step {
		case backend.RoundOpen:
			next, err = app.OpenRound(ctx, actor, r.ID, backend.OpenInput{Version: r.Version})
		case backend.RoundClosed:
			next, err = app.CloseRound(ctx, actor, r.ID, r.Version)
		case backend.RoundRevealed:
			next, err = app.RevealRound(ctx, actor, r.ID, r.Version)
		}
		if err != nil {
			tb.Fatalf("move round %d from %s to %s: %v", r.ID, r.State, step, err)
		}
		r = next
	}
	return r
}

// MustCast casts a ballot and fails the test on error.
func MustCast(tb testing.TB, app *backend.App, actor backend.Actor, roundID int64, cid string, values map[int]int) backend.BallotReceipt {
	tb.Helper()
	rc, err := app.CastBallot(tb.Context(), actor, roundID, backend.BallotInput{ClientBallotID: cid, Values: values})
	if err != nil {
		tb.Fatalf("cast %s in round %d: %v", cid, roundID, err)
	}
	return rc
}

// MustRoundView reads a round as actor sees it.
func MustRoundView(tb testing.TB, app *backend.App, actor backend.Actor, id int64) backend.RoundView {
	tb.Helper()
	r, err := app.GetRound(tb.Context(), actor, id)
	if err != nil {
		tb.Fatalf("get round %d: %v", id, err)
	}
	return r
}

// MustTally counts a round's ballots straight from the store.
func MustTally(tb testing.TB, app *backend.App, id int64) backend.Tally {
	tb.Helper()
	t, err := app.Store.TallyRound(tb.Context(), id)
	if err != nil {
		tb.Fatalf("tally round %d: %v", id, err)
	}
	return t
}

// votesOf returns each option's votes as "id:votes", in option order.
func votesOf(res *backend.Results) map[int]int {
	out := map[int]int{}
	for _, o := range res.Options {
		out[o.OptionID] = o.Votes
	}
	return out
}

func sameValues(a, b map[int]int) bool { return maps.Equal(a, b) }

func TestVotingSessions(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App, clk *clock) {
		v := MustVoting(t, app, clk)
		ctx := t.Context()

		t.Run("only organisers create sessions", func(t *testing.T) {
			for _, tt := range []struct {
				name  string
				actor backend.Actor
				want  string
			}{
				{"visitor", backend.Actor{}, backend.EUNAUTHORIZED},
				{"participant", v.alice, backend.EFORBIDDEN},
				{"moderator", v.mod, backend.EFORBIDDEN},
				{"organiser", v.orga, ""},
			} {
				s, err := app.CreateSession(ctx, tt.actor, "tag", sessionIn("Sitzung von "+tt.name, t0, time.Hour))
				wantCode(t, err, tt.want)
				if err == nil && (s.ID == 0 || s.Version != 1 || s.ConferenceSlug != "tag" || !s.CanRun || s.ConferenceID != v.conf.ID) {
					t.Errorf("%s: created %+v (canRun %v), want id, version 1, slug tag, canRun", tt.name, *s.AgendaSession, s.CanRun)
				}
			}
		})
		t.Run("validation", func(t *testing.T) {
			other := MustCreateMarket(t, app, v.orga, marketInput("dritte"), backend.PhaseIdeas)
			_, foreignMod := MustJoin(t, app, "dritte", other.JoinCode, "Fritz Fremd", "")
			MustMakeModerator(t, app, foreignMod)
			many := make([]int64, backend.MaxSessionModerators+1)
			for n := range many {
				many[n] = int64(n + 1)
			}
			for _, tt := range []struct {
				name   string
				modify func(in *backend.AgendaInput)
				want   []string
			}{
				{"no title", func(in *backend.AgendaInput) { in.Title = " " }, []string{"title:required"}},
				{"a room of 81 characters", func(in *backend.AgendaInput) { in.Room = strings.Repeat("r", 81) }, []string{"room:too_long"}},
				{"a description of 2001 characters", func(in *backend.AgendaInput) { in.Description = strings.Repeat("d", 2001) }, []string{"description:too_long"}},
				{"no times", func(in *backend.AgendaInput) { in.StartsAt, in.EndsAt = time.Time{}, time.Time{} }, []string{"endsAt:required", "startsAt:required"}},
				{"the end before the start", func(in *backend.AgendaInput) { in.EndsAt = in.StartsAt.Add(-time.Minute) }, []string{"endsAt:before_start"}},
				{"a participant as moderator", func(in *backend.AgendaInput) { in.ModeratorIDs = []int64{v.aliceP.ID} }, []string{"moderatorIds:not_moderator"}},
				{"an unknown moderator", func(in *backend.AgendaInput) { in.ModeratorIDs = []int64{999999} }, []string{"moderatorIds:not_moderator"}},
				{"a moderator of another conference", func(in *backend.AgendaInput) { in.ModeratorIDs = []int64{foreignMod.ID} }, []string{"moderatorIds:not_moderator"}},
				{"21 moderators", func(in *backend.AgendaInput) { in.ModeratorIDs = many }, []string{"moderatorIds:too_many"}},
			} {
				t.Run(tt.name, func(t *testing.T) {
					in := sessionIn("Gültige Sitzung", t0, time.Hour)
					tt.modify(&in)
					before, _ := app.ListSessions(ctx, v.orga, "tag")
					_, err := app.CreateSession(ctx, v.orga, "tag", in)
					wantFields(t, err, tt.want...)
					after, _ := app.ListSessions(ctx, v.orga, "tag")
					if len(after.Sessions) != len(before.Sessions) {
						t.Errorf("%d sessions after a refused create, want %d", len(after.Sessions), len(before.Sessions))
					}
				})
			}
			t.Run("a moderator listed twice is stored once", func(t *testing.T) {
				s := MustSession(t, app, v.orga, "tag", sessionIn("Doppelt moderiert", t0, time.Hour, v.modP.ID, v.modP.ID))
				got, err := app.GetSession(ctx, v.orga, s.ID)
				if err != nil || len(got.ModeratorIDs) != 1 || got.ModeratorIDs[0] != v.modP.ID {
					t.Fatalf("moderatorIds = %v (%v), want [%d]", got.ModeratorIDs, err, v.modP.ID)
				}
			})
		})
		t.Run("the agenda is sorted by start and knows now and next", func(t *testing.T) {
			MustCreateMarket(t, app, v.orga, marketInput("agenda"), backend.PhaseIdeas)
			nachmittag := MustSession(t, app, v.orga, "agenda", sessionIn("Nachmittag", t0.Add(3*time.Hour), time.Hour))
			vormittag := MustSession(t, app, v.orga, "agenda", sessionIn("Vormittag", t0, 2*time.Hour))
			MustSession(t, app, v.orga, "agenda", sessionIn("Frühstück", t0.Add(-3*time.Hour), time.Hour))
			parallel := MustSession(t, app, v.orga, "agenda", sessionIn("Parallel", t0.Add(30*time.Minute), time.Hour))
			defer clk.Set(t0)
			for _, tt := range []struct {
				at        time.Duration // after t0
				now, next *int64
			}{
				{-4 * time.Hour, nil, nil}, // before the first: "next" is the first one
				{0, &vormittag.ID, &parallel.ID},
				{time.Hour, &parallel.ID, &nachmittag.ID}, // overlapping: the later start is "now"
				{150 * time.Minute, nil, &nachmittag.ID},
				{5 * time.Hour, nil, nil},
			} {
				clk.Set(t0.Add(tt.at))
				ag, err := app.ListSessions(ctx, backend.Actor{}, "agenda")
				if err != nil {
					t.Fatal(err)
				}
				var titles []string
				for _, s := range ag.Sessions {
					titles = append(titles, s.Title)
				}
				if got := strings.Join(titles, "|"); got != "Frühstück|Vormittag|Parallel|Nachmittag" {
					t.Errorf("agenda = %s, want by start", got)
				}
				if tt.at == -4*time.Hour {
					tt.next = &ag.Sessions[0].ID
				}
				if !sameID(ag.NowID, tt.now) || !sameID(ag.NextID, tt.next) {
					t.Errorf("at t0%+v: now %v next %v, want %v %v", tt.at, deref(ag.NowID), deref(ag.NextID), deref(tt.now), deref(tt.next))
				}
			}
		})
		t.Run("canRun says who runs which session", func(t *testing.T) {
			for _, tt := range []struct {
				name          string
				actor         backend.Actor
				listed, open_ bool
			}{
				{"visitor", backend.Actor{}, false, false},
				{"participant", v.alice, false, false},
				{"listed moderator", v.mod, true, true},
				{"other moderator", v.modOther, false, true},
				{"organiser", v.orga, true, true},
			} {
				a, err := app.GetSession(ctx, tt.actor, v.sess.ID)
				b, err2 := app.GetSession(ctx, tt.actor, v.sessOpen.ID)
				if err != nil || err2 != nil || a.CanRun != tt.listed || b.CanRun != tt.open_ {
					t.Errorf("%s: canRun %v/%v (%v, %v), want %v/%v", tt.name, a.CanRun, b.CanRun, err, err2, tt.listed, tt.open_)
				}
			}
		})
		t.Run("updates are version-checked", func(t *testing.T) {
			s := MustSession(t, app, v.orga, "tag", sessionIn("Zum Ändern", t0, time.Hour))
			in := sessionIn("Geändert", t0, 2*time.Hour, v.modOtherP.ID)
			in.Version = s.Version
			got, err := app.UpdateSession(ctx, v.orga, s.ID, in)
			if err != nil || got.Title != "Geändert" || got.Version != s.Version+1 || len(got.ModeratorIDs) != 1 {
				t.Fatalf("update = %+v (%v), want the new title at version %d", got.AgendaSession, err, s.Version+1)
			}
			_, err = app.UpdateSession(ctx, v.orga, s.ID, in) // still the old version
			wantCode(t, err, backend.ECONFLICT)
			in.Version = got.Version
			_, err = app.UpdateSession(ctx, v.mod, s.ID, in)
			wantCode(t, err, backend.EFORBIDDEN)
			stored, _ := app.GetSession(ctx, v.orga, s.ID)
			if stored.Version != got.Version || stored.Title != "Geändert" || !stored.EndsAt.Equal(t0.Add(2*time.Hour)) {
				t.Errorf("stored = %+v, want the first update only", stored.AgendaSession)
			}
		})
		t.Run("a session can be deleted only while it holds no votes", func(t *testing.T) {
			empty := MustSession(t, app, v.orga, "tag", sessionIn("Leer", t0, time.Hour))
			wantCode(t, app.DeleteSession(ctx, v.alice, empty.ID), backend.EFORBIDDEN)
			wantCode(t, app.DeleteSession(ctx, v.orga, empty.ID), "")
			_, err := app.GetSession(ctx, v.orga, empty.ID)
			wantCode(t, err, backend.ENOTFOUND)
			full := MustSession(t, app, v.orga, "tag", sessionIn("Mit Abstimmung", t0, time.Hour))
			MustRound(t, app, v.orga, full.ID, labels("Ja oder nein?", backend.MethodSingle, "Ja", "Nein"))
			wantCode(t, app.DeleteSession(ctx, v.orga, full.ID), backend.ECONFLICT)
			if _, err := app.GetSession(ctx, v.alice, full.ID); err != nil {
				t.Errorf("session after a refused delete: %v", err)
			}
		})
		t.Run("sessions of a draft conference are not found but by organisers", func(t *testing.T) {
			MustCreateConference(t, app, v.orga, "entwurf")
			s := MustSession(t, app, v.orga, "entwurf", sessionIn("Geheim", t0, time.Hour))
			for _, a := range []backend.Actor{{}, v.alice, v.mod} {
				_, err := app.GetSession(ctx, a, s.ID)
				wantCode(t, err, backend.ENOTFOUND)
				_, err = app.ListRounds(ctx, a, s.ID)
				wantCode(t, err, backend.ENOTFOUND)
			}
			_, err := app.GetSession(ctx, v.alice, 999999)
			wantCode(t, err, backend.ENOTFOUND)
		})
		t.Run("after the conference the agenda is frozen", func(t *testing.T) {
			MustCreateMarket(t, app, v.orga, marketInput("vorbei"), backend.PhaseClosed)
			_, err := app.CreateSession(ctx, v.orga, "vorbei", sessionIn("Zu spät", t0, time.Hour))
			wantCode(t, err, backend.ECONFLICT)
		})
	})
}

func sameID(a, b *int64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

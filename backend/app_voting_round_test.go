package backend_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend"
)

// optionsOf renders a round's options as "id:idea" or "id:label", in order.
func optionsOf(v *voting, opts []backend.RoundOption) string {
	names := map[int64]string{v.akte.ID: "akte", v.chat.ID: "chat", v.rechnung.ID: "rechnung", v.baeume.ID: "baeume"}
	var out []string
	for _, o := range opts {
		if o.IdeaID != nil {
			out = append(out, fmt.Sprintf("%d:%s", o.ID, names[*o.IdeaID]))
		} else {
			out = append(out, fmt.Sprintf("%d:%q", o.ID, o.Label))
		}
	}
	return strings.Join(out, " ")
}

func TestVotingRoundCreate(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App, clk *clock) {
		v := MustVoting(t, app, clk)
		ctx := t.Context()

		t.Run("options", func(t *testing.T) {
			for _, tt := range []struct {
				name string
				in   backend.RoundInput
				want string
			}{
				{"ideas by hand, in the given order", backend.RoundInput{IdeaIDs: []int64{v.chat.ID, v.akte.ID}}, "1:chat 2:akte"},
				{"an idea picked twice counts once", backend.RoundInput{IdeaIDs: []int64{v.chat.ID, v.chat.ID, v.rechnung.ID}}, "1:chat 2:rechnung"},
				{"ideas, then free texts", backend.RoundInput{IdeaIDs: []int64{v.rechnung.ID}, Labels: []string{" Etwas anderes "}}, `1:rechnung 2:"Etwas anderes"`},
				{"free texts only", backend.RoundInput{Labels: []string{"Ja", "Nein", "Enthaltung"}}, `1:"Ja" 2:"Nein" 3:"Enthaltung"`},
				{"the top 2 of a topic by supports", backend.RoundInput{TopN: 2, Topic: "Digitalisierung"}, "1:akte 2:chat"},
				{"the top 5 of a topic skip hidden and merged ideas", backend.RoundInput{TopN: 5, Topic: "Digitalisierung"}, "1:akte 2:chat 3:rechnung"},
				{"the top N of all topics", backend.RoundInput{TopN: 30}, "1:akte 2:chat 3:rechnung 4:baeume"},
				{"ideas by hand first, then the top N without repeats", backend.RoundInput{IdeaIDs: []int64{v.rechnung.ID}, TopN: 2, Topic: "Digitalisierung"}, "1:rechnung 2:akte 3:chat"},
				{"the top N and free texts", backend.RoundInput{TopN: 1, Topic: "Umwelt", Labels: []string{"Keine"}}, `1:baeume 2:"Keine"`},
			} {
				t.Run(tt.name, func(t *testing.T) {
					tt.in.Title, tt.in.Method = "Welche Idee zuerst?", backend.MethodSingle
					r, err := app.CreateRound(ctx, v.mod, v.sess.ID, tt.in)
					if err != nil {
						t.Fatal(err)
					}
					if got := optionsOf(v, r.Options); got != tt.want {
						t.Errorf("options = %s, want %s", got, tt.want)
					}
					for _, o := range r.Options {
						if o.IdeaID != nil && o.Label == "" {
							t.Errorf("option %d has no label; want the idea's title", o.ID)
						}
					}
					stored := MustRoundView(t, app, v.mod, r.ID)
					if got := optionsOf(v, stored.Options); got != tt.want {
						t.Errorf("stored options = %s, want %s", got, tt.want)
					}
					if r.State != backend.RoundDraft || r.Version != 1 || r.SessionID != v.sess.ID || r.ConferenceID != v.conf.ID || r.SessionTitle != v.sess.Title || !r.CanRun || r.CanVote {
						t.Errorf("round = %+v (canRun %v canVote %v), want a draft at version 1 in %q", *r.Round, r.CanRun, r.CanVote, v.sess.Title)
					}
				})
			}
		})
		t.Run("settings and their defaults", func(t *testing.T) {
			for _, tt := range []struct {
				name                      string
				in                        backend.RoundInput
				maxChoices, points, maxPO int
			}{
				{"multiple defaults to 3 choices", labels("x", backend.MethodMultiple, "a", "b", "c", "d"), 3, 0, 0},
				{"multiple is capped at the number of options", labels("x", backend.MethodMultiple, "a", "b"), 2, 0, 0},
				{"multiple keeps an explicit 1", backend.RoundInput{Method: backend.MethodMultiple, Labels: []string{"a", "b"}, MaxChoices: 1}, 1, 0, 0},
				{"dots default to 5 points, at most 3 on one", labels("x", backend.MethodDots, "a", "b"), 0, 5, 3},
				{"dots with 2 points allow 2 on one", backend.RoundInput{Method: backend.MethodDots, Labels: []string{"a", "b"}, Points: 2}, 0, 2, 2},
				{"single drops the settings of other methods", backend.RoundInput{Method: backend.MethodSingle, Labels: []string{"a", "b"}, MaxChoices: 2, Points: 9, MaxPerOption: 4}, 0, 0, 0},
				{"rating drops them too", backend.RoundInput{Method: backend.MethodRating, Labels: []string{"a", "b"}, MaxChoices: 2, Points: 9}, 0, 0, 0},
			} {
				t.Run(tt.name, func(t *testing.T) {
					tt.in.Title = "Einstellungen"
					r := MustRound(t, app, v.mod, v.sess.ID, tt.in)
					if r.MaxChoices != tt.maxChoices || r.Points != tt.points || r.MaxPerOption != tt.maxPO || r.Eligibility != backend.EligibleJoined {
						t.Errorf("maxChoices %d points %d maxPerOption %d eligibility %q, want %d %d %d joined", r.MaxChoices, r.Points, r.MaxPerOption, r.Eligibility, tt.maxChoices, tt.points, tt.maxPO)
					}
				})
			}
		})
		t.Run("validation", func(t *testing.T) {
			many := make([]string, 31)
			for n := range many {
				many[n] = fmt.Sprintf("Option %d", n+1)
			}
			for _, tt := range []struct {
				name   string
				modify func(in *backend.RoundInput)
				want   []string
			}{
				{"no title", func(in *backend.RoundInput) { in.Title = "  " }, []string{"title:required"}},
				{"a title of 141 characters", func(in *backend.RoundInput) { in.Title = strings.Repeat("t", 141) }, []string{"title:too_long"}},
				{"no method", func(in *backend.RoundInput) { in.Method = "" }, []string{"method:invalid"}},
				{"an unknown method", func(in *backend.RoundInput) { in.Method = "borda" }, []string{"method:invalid"}},
				{"checked-in eligibility (not yet)", func(in *backend.RoundInput) { in.Eligibility = "checked_in" }, []string{"eligibility:invalid"}},
				{"an empty label", func(in *backend.RoundInput) { in.Labels = []string{"Ja", " ", "Nein"} }, []string{"labels.1:required"}},
				{"a label of 141 characters", func(in *backend.RoundInput) { in.Labels = []string{"Ja", strings.Repeat("ä", 141)} }, []string{"labels.1:too_long"}},
				{"a label with a line break", func(in *backend.RoundInput) { in.Labels = []string{"Ja\nNein", "Nein"} }, []string{"labels.0:control_char"}},
				{"one option", func(in *backend.RoundInput) { in.Labels = []string{"Nur eine"} }, []string{"options:too_few"}},
				{"no options", func(in *backend.RoundInput) { in.Labels = nil }, []string{"options:too_few"}},
				{"31 options", func(in *backend.RoundInput) { in.Labels = many }, []string{"options:too_many"}},
				{"a negative top N", func(in *backend.RoundInput) { in.TopN = -1 }, []string{"topN:range"}},
				{"a top 31", func(in *backend.RoundInput) { in.Labels, in.TopN = nil, 31 }, []string{"options:too_many", "topN:range"}},
				{"multiple: 31 choices", func(in *backend.RoundInput) { in.Method, in.MaxChoices = backend.MethodMultiple, 31 }, []string{"maxChoices:range"}},
				{"multiple: negative choices", func(in *backend.RoundInput) { in.Method, in.MaxChoices = backend.MethodMultiple, -1 }, []string{"maxChoices:range"}},
				{"dots: 101 points", func(in *backend.RoundInput) { in.Method, in.Points = backend.MethodDots, 101 }, []string{"points:range"}},
				{"dots: negative points", func(in *backend.RoundInput) { in.Method, in.Points = backend.MethodDots, -5 }, []string{"points:range"}},
				{"dots: more on one option than in all", func(in *backend.RoundInput) { in.Method, in.Points, in.MaxPerOption = backend.MethodDots, 5, 6 }, []string{"maxPerOption:range"}},
				{"dots: a negative maximum per option", func(in *backend.RoundInput) { in.Method, in.MaxPerOption = backend.MethodDots, -1 }, []string{"maxPerOption:range"}},
				{"top N of an unknown topic", func(in *backend.RoundInput) { in.Labels, in.TopN, in.Topic = nil, 3, "Sport" }, []string{"topic:unknown"}},
				{"top N of a topic with one idea", func(in *backend.RoundInput) { in.Labels, in.TopN, in.Topic = nil, 3, "Umwelt" }, []string{"options:too_few"}},
				{"top N of a topic without ideas", func(in *backend.RoundInput) { in.Labels, in.TopN, in.Topic = nil, 3, "Bürgerservice" }, []string{"options:too_few"}},
				{"an idea of another conference", func(in *backend.RoundInput) { in.IdeaIDs = []int64{v.otherIdea.ID} }, []string{"ideaIds:unknown_idea"}},
				{"a hidden idea", func(in *backend.RoundInput) { in.IdeaIDs = []int64{v.hidden.ID} }, []string{"ideaIds:unknown_idea"}},
				{"a merged idea", func(in *backend.RoundInput) { in.IdeaIDs = []int64{v.merged.ID} }, []string{"ideaIds:unknown_idea"}},
				{"an idea that does not exist", func(in *backend.RoundInput) { in.IdeaIDs = []int64{999999} }, []string{"ideaIds:unknown_idea"}},
				{"everything wrong at once", func(in *backend.RoundInput) {
					*in = backend.RoundInput{Method: "x", Eligibility: "x", Labels: []string{""}}
				},
					[]string{"eligibility:invalid", "labels.0:required", "method:invalid", "options:too_few", "title:required"}},
			} {
				t.Run(tt.name, func(t *testing.T) {
					in := labels("Gültige Abstimmung", backend.MethodSingle, "Ja", "Nein")
					tt.modify(&in)
					before, _ := app.ListRounds(ctx, v.orga, v.sessOpen.ID)
					_, err := app.CreateRound(ctx, v.orga, v.sessOpen.ID, in)
					wantFields(t, err, tt.want...)
					if after, _ := app.ListRounds(ctx, v.orga, v.sessOpen.ID); len(after) != len(before) {
						t.Errorf("%d rounds after a refused create, want %d", len(after), len(before))
					}
				})
			}
		})
		t.Run("who may create rounds", func(t *testing.T) {
			for _, tt := range []struct {
				name    string
				actor   backend.Actor
				session int64
				want    string
			}{
				{"visitor", backend.Actor{}, v.sess.ID, backend.EUNAUTHORIZED},
				{"participant", v.alice, v.sess.ID, backend.EFORBIDDEN},
				{"moderator listed in the session", v.mod, v.sess.ID, ""},
				{"moderator not listed", v.modOther, v.sess.ID, backend.EFORBIDDEN},
				{"any moderator where nobody is listed", v.modOther, v.sessOpen.ID, ""},
				{"organiser", v.orga, v.sess.ID, ""},
				{"anyone, in a session that does not exist", v.orga, 999999, backend.ENOTFOUND},
			} {
				t.Run(tt.name, func(t *testing.T) {
					_, err := app.CreateRound(ctx, tt.actor, tt.session, labels("Von "+tt.name, backend.MethodSingle, "Ja", "Nein"))
					wantCode(t, err, tt.want)
				})
			}
		})
		t.Run("drafts are seen only by those who run them", func(t *testing.T) {
			draft := MustRound(t, app, v.mod, v.sess.ID, labels("Noch geheim", backend.MethodSingle, "Ja", "Nein"))
			for _, tt := range []struct {
				name  string
				actor backend.Actor
				sees  bool
			}{
				{"visitor", backend.Actor{}, false},
				{"participant", v.alice, false},
				{"moderator not listed", v.modOther, false},
				{"moderator listed", v.mod, true},
				{"organiser", v.orga, true},
			} {
				_, err := app.GetRound(ctx, tt.actor, draft.ID)
				wantCode(t, err, map[bool]string{true: "", false: backend.ENOTFOUND}[tt.sees])
				list, err := app.ListRounds(ctx, tt.actor, v.sess.ID)
				if err != nil {
					t.Fatal(err)
				}
				listed := false
				for _, r := range list {
					listed = listed || r.ID == draft.ID
				}
				if listed != tt.sees {
					t.Errorf("%s: draft listed = %v, want %v", tt.name, listed, tt.sees)
				}
			}
		})
		t.Run("drafts can be edited, version-checked", func(t *testing.T) {
			r := MustRound(t, app, v.mod, v.sess.ID, labels("Erster Entwurf", backend.MethodSingle, "Ja", "Nein"))
			in := backend.RoundInput{Title: "Zweiter Entwurf", Method: backend.MethodRanking, IdeaIDs: []int64{v.akte.ID, v.chat.ID}, Version: r.Version}
			got, err := app.UpdateRound(ctx, v.mod, r.ID, in)
			if err != nil || got.Title != "Zweiter Entwurf" || got.Method != backend.MethodRanking || optionsOf(v, got.Options) != "1:akte 2:chat" || got.Version != r.Version+1 {
				t.Fatalf("update = %+v (%v), want the new title, method and options at version %d", got.Round, err, r.Version+1)
			}
			_, err = app.UpdateRound(ctx, v.mod, r.ID, in)
			wantCode(t, err, backend.ECONFLICT)
			in.Version, in.Labels = got.Version, []string{""}
			_, err = app.UpdateRound(ctx, v.mod, r.ID, in)
			wantFields(t, err, "labels.0:required")
			_, err = app.UpdateRound(ctx, v.alice, r.ID, in)
			wantCode(t, err, backend.ENOTFOUND)
			open := MustAdvance(t, app, v.mod, got, backend.RoundOpen)
			in.Labels, in.Version = nil, open.Version
			_, err = app.UpdateRound(ctx, v.mod, r.ID, in)
			wantCode(t, err, backend.ECONFLICT)
		})
	})
}

func TestVotingLifecycle(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App, clk *clock) {
		v := MustVoting(t, app, clk)
		ctx := t.Context()
		newRound := func(t *testing.T, state backend.RoundState) backend.RoundView {
			t.Helper()
			return MustAdvance(t, app, v.mod, MustRound(t, app, v.mod, v.sess.ID, labels("Runde", backend.MethodSingle, "Ja", "Nein")), state)
		}

		t.Run("draft → open → closed → revealed", func(t *testing.T) {
			r := newRound(t, backend.RoundDraft)
			clk.Set(t0.Add(time.Minute))
			defer clk.Set(t0)
			o, err := app.OpenRound(ctx, v.mod, r.ID, backend.OpenInput{Version: r.Version})
			if err != nil || o.State != backend.RoundOpen || o.OpenedAt == nil || !o.OpenedAt.Equal(t0.Add(time.Minute)) || o.ClosesAt != nil || o.Version != r.Version+1 || !o.CanVote {
				t.Fatalf("open = %+v (canVote %v, %v), want open at t0+1m without countdown", o.Round, o.CanVote, err)
			}
			clk.Set(t0.Add(2 * time.Minute))
			c, err := app.CloseRound(ctx, v.mod, r.ID, o.Version)
			if err != nil || c.State != backend.RoundClosed || c.ClosedAt == nil || !c.ClosedAt.Equal(t0.Add(2*time.Minute)) || c.CanVote {
				t.Fatalf("close = %+v (%v), want closed at t0+2m", c.Round, err)
			}
			rv, err := app.RevealRound(ctx, v.mod, r.ID, c.Version)
			if err != nil || rv.State != backend.RoundRevealed || rv.RevealedAt == nil || rv.Results == nil {
				t.Fatalf("reveal = %+v (%v), want revealed with results", rv.Round, err)
			}
			if got := MustRoundView(t, app, v.alice, r.ID); got.State != backend.RoundRevealed || got.Version != rv.Version {
				t.Errorf("stored = %s v%d, want revealed v%d", got.State, got.Version, rv.Version)
			}
		})
		t.Run("only drafts can be deleted, by those who run the session", func(t *testing.T) {
			draft, open := newRound(t, backend.RoundDraft), newRound(t, backend.RoundOpen)
			wantCode(t, app.DeleteRound(ctx, v.alice, draft.ID), backend.ENOTFOUND) // a draft is invisible to participants
			wantCode(t, app.DeleteRound(ctx, v.mod, open.ID), backend.ECONFLICT)
			if err := app.DeleteRound(ctx, v.mod, draft.ID); err != nil {
				t.Fatalf("delete draft: %v", err)
			}
			_, err := app.GetRound(ctx, v.mod, draft.ID)
			wantCode(t, err, backend.ENOTFOUND)
		})
		t.Run("the view says why one cannot vote", func(t *testing.T) {
			open, closed := newRound(t, backend.RoundOpen), newRound(t, backend.RoundClosed)
			for _, tt := range []struct {
				name  string
				actor backend.Actor
				id    int64
				want  string
			}{
				{"participant, open", v.alice, open.ID, ""},
				{"participant, closed", v.alice, closed.ID, "closed"},
				{"visitor", backend.Actor{}, open.ID, "join"},
			} {
				got := MustRoundView(t, app, tt.actor, tt.id)
				if got.CannotVote != tt.want || got.CanVote != (tt.want == "") {
					t.Errorf("%s: cannotVote %q canVote %v, want %q", tt.name, got.CannotVote, got.CanVote, tt.want)
				}
				if got.ConferenceSlug == "" || got.ServerTime.IsZero() {
					t.Errorf("%s: conferenceSlug %q serverTime %v, want both set", tt.name, got.ConferenceSlug, got.ServerTime)
				}
			}
		})
		t.Run("illegal transitions are conflicts and change nothing", func(t *testing.T) {
			actions := map[string]func(r backend.RoundView) error{
				"open": func(r backend.RoundView) error {
					_, err := app.OpenRound(ctx, v.mod, r.ID, backend.OpenInput{Version: r.Version})
					return err
				},
				"close": func(r backend.RoundView) error {
					_, err := app.CloseRound(ctx, v.mod, r.ID, r.Version)
					return err
				},
				"reveal": func(r backend.RoundView) error {
					_, err := app.RevealRound(ctx, v.mod, r.ID, r.Version)
					return err
				},
				"reset": func(r backend.RoundView) error {
					_, err := app.ResetRound(ctx, v.mod, r.ID, backend.ResetInput{Reason: "Versehen", Version: r.Version})
					return err
				},
			}
			for _, tt := range []struct {
				from backend.RoundState
				act  string
			}{
				{backend.RoundDraft, "close"}, {backend.RoundDraft, "reveal"}, {backend.RoundDraft, "reset"},
				{backend.RoundOpen, "open"}, {backend.RoundOpen, "reveal"},
				{backend.RoundClosed, "open"}, {backend.RoundClosed, "close"},
				{backend.RoundRevealed, "open"}, {backend.RoundRevealed, "close"}, {backend.RoundRevealed, "reveal"},
			} {
				t.Run(fmt.Sprintf("%s from %s", tt.act, tt.from), func(t *testing.T) {
					r := newRound(t, tt.from)
					wantCode(t, actions[tt.act](r), backend.ECONFLICT)
					if got := MustRoundView(t, app, v.mod, r.ID); got.State != tt.from || got.Version != r.Version {
						t.Errorf("after the refused %s: %s v%d, want %s v%d", tt.act, got.State, got.Version, tt.from, r.Version)
					}
				})
			}
		})
		t.Run("a stale version is a conflict", func(t *testing.T) {
			for _, tt := range []struct {
				from backend.RoundState
				act  func(id int64, version int) error
				name string
			}{
				{backend.RoundDraft, func(id int64, ver int) error {
					_, err := app.OpenRound(ctx, v.mod, id, backend.OpenInput{Version: ver})
					return err
				}, "open"},
				{backend.RoundOpen, func(id int64, ver int) error { _, err := app.CloseRound(ctx, v.mod, id, ver); return err }, "close"},
				{backend.RoundClosed, func(id int64, ver int) error { _, err := app.RevealRound(ctx, v.mod, id, ver); return err }, "reveal"},
				{backend.RoundClosed, func(id int64, ver int) error {
					_, err := app.ResetRound(ctx, v.mod, id, backend.ResetInput{Reason: "Technik", Version: ver})
					return err
				}, "reset"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					r := newRound(t, tt.from)
					for _, stale := range []int{r.Version - 1, r.Version + 1, 0} {
						err := tt.act(r.ID, stale)
						wantCode(t, err, backend.ECONFLICT)
						if !errors.Is(err, backend.ErrStaleVersion) {
							t.Errorf("version %d: %v, want ErrStaleVersion", stale, err)
						}
					}
					if got := MustRoundView(t, app, v.mod, r.ID); got.State != tt.from || got.Version != r.Version {
						t.Errorf("after stale %s: %s v%d, want %s v%d", tt.name, got.State, got.Version, tt.from, r.Version)
					}
				})
			}
		})
		t.Run("rounds open on the conference day only", func(t *testing.T) {
			r := newRound(t, backend.RoundDraft)
			defer MustSetPhases(t, app, v.orga, "tag", backend.PhaseLive)
			MustSetPhases(t, app, v.orga, "tag", backend.PhaseIdeas)
			_, err := app.OpenRound(ctx, v.mod, r.ID, backend.OpenInput{Version: r.Version})
			wantCode(t, err, backend.ECONFLICT)
			MustSetPhases(t, app, v.orga, "tag", backend.PhaseLive, backend.PhaseClosed)
			_, err = app.OpenRound(ctx, v.mod, r.ID, backend.OpenInput{Version: r.Version})
			wantCode(t, err, backend.ECONFLICT)
			if got := MustRoundView(t, app, v.orga, r.ID); got.State != backend.RoundDraft {
				t.Errorf("state = %s, want draft", got.State)
			}
		})
		t.Run("who may run a round", func(t *testing.T) {
			r := newRound(t, backend.RoundOpen)
			for _, tt := range []struct {
				name  string
				actor backend.Actor
				want  string
			}{
				{"visitor", backend.Actor{}, backend.EUNAUTHORIZED},
				{"participant", v.alice, backend.EFORBIDDEN},
				{"moderator not listed", v.modOther, backend.EFORBIDDEN},
			} {
				_, err := app.CloseRound(ctx, tt.actor, r.ID, r.Version)
				wantCode(t, err, tt.want)
				_, err = app.ResetRound(ctx, tt.actor, r.ID, backend.ResetInput{Reason: "Weil", Version: r.Version})
				wantCode(t, err, tt.want)
			}
			draft := newRound(t, backend.RoundDraft)
			_, err := app.OpenRound(ctx, v.alice, draft.ID, backend.OpenInput{Version: draft.Version})
			wantCode(t, err, backend.ENOTFOUND)
			if _, err := app.CloseRound(ctx, v.orga, r.ID, r.Version); err != nil {
				t.Errorf("organiser closes: %v", err)
			}
		})
		t.Run("the countdown is 0 to 24 hours", func(t *testing.T) {
			for _, tt := range []struct {
				secs int
				want []string
			}{
				{-1, []string{"closeInSeconds:range"}},
				{86401, []string{"closeInSeconds:range"}},
				{86400, nil},
				{1, nil},
			} {
				t.Run(fmt.Sprint(tt.secs), func(t *testing.T) {
					r := newRound(t, backend.RoundDraft)
					o, err := app.OpenRound(ctx, v.mod, r.ID, backend.OpenInput{CloseInSeconds: tt.secs, Version: r.Version})
					if tt.want != nil {
						wantFields(t, err, tt.want...)
						return
					}
					if err != nil || o.ClosesAt == nil || !o.ClosesAt.Equal(t0.Add(time.Duration(tt.secs)*time.Second)) {
						t.Fatalf("closesAt = %v (%v), want t0+%ds", o.ClosesAt, err, tt.secs)
					}
				})
			}
		})
		t.Run("a reset needs a reason, discards the ballots and is audited", func(t *testing.T) {
			in := backend.RoundInput{Title: "Zurücksetzen", Method: backend.MethodSingle, IdeaIDs: []int64{v.akte.ID, v.chat.ID}, LiveResults: true}
			r := MustAdvance(t, app, v.mod, MustRound(t, app, v.mod, v.sess.ID, in), backend.RoundOpen)
			first := MustCast(t, app, v.alice, r.ID, "vor-dem-reset", map[int]int{1: 1})
			MustCast(t, app, v.bob, r.ID, "bob-1", map[int]int{2: 1})
			r = MustAdvance(t, app, v.mod, MustRoundView(t, app, v.mod, r.ID), backend.RoundClosed)
			if res, _ := app.IdeaResults(ctx, v.mod, v.akte.ID); len(res) != 1 {
				t.Fatalf("idea results before the reset = %v, want 1", res)
			}
			for _, tt := range []struct {
				reason string
				want   string
			}{
				{"", "reason:required"},
				{" \n ", "reason:required"},
				{strings.Repeat("g", 501), "reason:too_long"},
				{"Technik\x00fehler", "reason:control_char"},
			} {
				_, err := app.ResetRound(ctx, v.mod, r.ID, backend.ResetInput{Reason: tt.reason, Version: r.Version})
				wantFields(t, err, tt.want)
			}
			if MustTally(t, app, r.ID).Ballots != 2 {
				t.Fatal("a refused reset discarded ballots")
			}
			clk.Set(t0.Add(time.Hour))
			defer clk.Set(t0)
			got, err := app.ResetRound(ctx, v.mod, r.ID, backend.ResetInput{Reason: "  Beamer war aus  ", Version: r.Version})
			if err != nil || got.State != backend.RoundDraft || got.OpenedAt != nil || got.ClosedAt != nil || got.Ballots != 0 || got.Version != r.Version+1 {
				t.Fatalf("reset = %+v ballots %d (%v), want a draft without ballots at version %d", got.Round, got.Ballots, err, r.Version+1)
			}
			if tl := MustTally(t, app, r.ID); tl.Ballots != 0 || len(tl.Rows) != 0 {
				t.Errorf("tally after reset = %+v, want empty", tl)
			}
			if _, err := app.Store.FindRoundResults(ctx, r.ID); backend.ErrorCode(err) != backend.ENOTFOUND {
				t.Errorf("stored results after reset: %v, want ENOTFOUND", err)
			}
			if res, _ := app.IdeaResults(ctx, v.mod, v.akte.ID); len(res) != 0 {
				t.Errorf("idea results after reset = %+v, want none", res)
			}
			log, _, err := app.AuditLog(ctx, v.orga, "tag", 0, 50)
			if err != nil || len(log) == 0 {
				t.Fatalf("audit log = %v (%v)", log, err)
			}
			e := log[0]
			if e.Action != backend.AuditResetVote || e.Entity != backend.EntityRound || e.EntityID != r.ID || e.Reason != "Beamer war aus" ||
				e.Actor != "Mia Moderatorin (Moderation)" || !e.CreatedAt.Equal(t0.Add(time.Hour)) || e.ConferenceID != v.conf.ID {
				t.Errorf("audit entry = %+v, want reset_vote of round %d by Mia with the trimmed reason", *e, r.ID)
			}
			// A reset round is a draft again: hidden, editable, and it can run anew.
			_, err = app.GetRound(ctx, v.alice, r.ID)
			wantCode(t, err, backend.ENOTFOUND)
			again := MustAdvance(t, app, v.mod, got, backend.RoundOpen)
			if rc := MustCast(t, app, v.alice, r.ID, first.ClientBallotID, map[int]int{2: 1}); rc.Outcome != backend.CastCreated {
				t.Errorf("first ballot after the reset: outcome %s, want created", rc.Outcome)
			}
			if got := MustRoundView(t, app, v.mod, again.ID); got.Ballots != 1 || got.Results.Options[1].Votes != 1 {
				t.Errorf("after reopening: %d ballots, results %+v; want only the new ballot", got.Ballots, got.Results)
			}
		})
	})
}

func TestVotingCountdown(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App, clk *clock) {
		v := MustVoting(t, app, clk)
		ctx := t.Context()
		defer clk.Set(t0)
		in := backend.RoundInput{Title: "Mit Countdown", Method: backend.MethodSingle, IdeaIDs: []int64{v.akte.ID, v.chat.ID}, LiveResults: true}
		r := MustRound(t, app, v.mod, v.sess.ID, in)
		r, err := app.OpenRound(ctx, v.mod, r.ID, backend.OpenInput{CloseInSeconds: 60, Version: r.Version})
		if err != nil {
			t.Fatal(err)
		}
		in.LiveResults, in.Title = false, "Verdeckt mit Countdown"
		hidden := MustRound(t, app, v.mod, v.sess.ID, in)
		if hidden, err = app.OpenRound(ctx, v.mod, hidden.ID, backend.OpenInput{CloseInSeconds: 30, Version: hidden.Version}); err != nil {
			t.Fatal(err)
		}

		t.Run("ballots are taken until the deadline", func(t *testing.T) {
			clk.Set(t0.Add(29 * time.Second))
			MustCast(t, app, v.alice, hidden.ID, "alice-h", map[int]int{1: 1})
			clk.Set(t0.Add(59 * time.Second))
			MustCast(t, app, v.alice, r.ID, "alice-1", map[int]int{1: 1})
			if n, err := app.CloseDueRounds(ctx); err != nil || n != 1 {
				t.Fatalf("CloseDueRounds at t0+59s = %d (%v), want 1 (the 30 s round)", n, err)
			}
			if got := MustRoundView(t, app, v.bob, r.ID); got.State != backend.RoundOpen || !got.CanVote {
				t.Fatalf("at t0+59s: %s, canVote %v; want open and votable", got.State, got.CanVote)
			}
		})
		t.Run("a ballot after the deadline is refused before the closer runs", func(t *testing.T) {
			clk.Set(t0.Add(60 * time.Second))
			_, err := app.CastBallot(ctx, v.bob, r.ID, backend.BallotInput{ClientBallotID: "bob-1", Values: map[int]int{2: 1}})
			wantCode(t, err, backend.ECONFLICT)
			stored, err := app.Store.FindRoundByID(ctx, r.ID)
			if err != nil || stored.State != backend.RoundOpen {
				t.Fatalf("stored state = %v (%v), want still open", stored.State, err)
			}
			if got := MustRoundView(t, app, v.bob, r.ID); got.CanVote || got.Ballots != 1 {
				t.Errorf("canVote %v, ballots %d; want false and 1", got.CanVote, got.Ballots)
			}
			// A retry of a ballot that made it in time is still a success.
			if rc := MustCast(t, app, v.alice, r.ID, "alice-1", map[int]int{1: 1}); rc.Outcome != backend.CastSame {
				t.Errorf("retry after the deadline: %s, want same", rc.Outcome)
			}
		})
		t.Run("CloseDueRounds closes it and writes the results back", func(t *testing.T) {
			if res, _ := app.IdeaResults(ctx, v.bob, v.akte.ID); len(res) != 0 {
				t.Fatalf("idea results before the close = %+v, want none", res)
			}
			clk.Set(t0.Add(61 * time.Second))
			if n, err := app.CloseDueRounds(ctx); err != nil || n != 1 {
				t.Fatalf("CloseDueRounds = %d (%v), want 1", n, err)
			}
			got := MustRoundView(t, app, v.bob, r.ID)
			if got.State != backend.RoundClosed || got.ClosedAt == nil || !got.ClosedAt.Equal(t0.Add(61*time.Second)) || got.Results == nil {
				t.Fatalf("round = %+v, want closed at t0+61s with public results", got.Round)
			}
			res, err := app.IdeaResults(ctx, v.bob, v.akte.ID)
			if err != nil || len(res) != 1 {
				t.Fatalf("idea results = %+v (%v), want one", res, err)
			}
			if e := res[0]; e.RoundID != r.ID || e.RoundTitle != "Mit Countdown" || e.SessionTitle != v.sess.Title || e.State != backend.RoundClosed ||
				e.Ballots != 1 || e.Votes != 1 || e.Rank != 1 || e.Options != 2 || e.Method != backend.MethodSingle {
				t.Errorf("idea result = %+v, want rank 1 of 2 with 1 vote in %q", e, "Mit Countdown")
			}
			if n, err := app.CloseDueRounds(ctx); err != nil || n != 0 {
				t.Errorf("CloseDueRounds again = %d (%v), want 0", n, err)
			}
		})
		t.Run("hidden results reach the idea page after the reveal", func(t *testing.T) {
			for name, a := range map[string]backend.Actor{"visitor": {}, "participant": v.bob} {
				if res, _ := app.IdeaResults(ctx, a, v.akte.ID); len(res) != 1 || res[0].RoundID != r.ID {
					t.Errorf("%s sees %+v, want only the public round %d", name, res, r.ID)
				}
			}
			if res, _ := app.IdeaResults(ctx, v.mod, v.akte.ID); len(res) != 2 {
				t.Errorf("moderator sees %d results, want both rounds", len(res))
			}
			h := MustRoundView(t, app, v.mod, hidden.ID)
			MustAdvance(t, app, v.mod, h, backend.RoundRevealed)
			res, _ := app.IdeaResults(ctx, v.bob, v.akte.ID)
			if len(res) != 2 {
				t.Fatalf("participant sees %d results after the reveal, want 2", len(res))
			}
			for _, e := range res {
				if e.RoundID == hidden.ID && (e.State != backend.RoundRevealed || e.Votes != 1) {
					t.Errorf("revealed result = %+v, want revealed with 1 vote", e)
				}
			}
		})
	})
}

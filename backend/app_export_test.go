package backend_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"ideenmarkt/backend"
)

// exportCase is a conference after its day ("bilanz", closed) with ideas
// that cover every kind of export row, two finished rounds and one that is
// still open.
type exportCase struct {
	app                                   *backend.App
	orga, alice, bob, mod                 backend.Actor
	akte, chat, rechnung, anon, hidden    backend.IdeaView
	merged                                backend.IdeaView
	roundSingle, roundDots, roundUnclosed backend.RoundView
}

func MustExportCase(tb testing.TB, app *backend.App, clk *clock) *exportCase {
	tb.Helper()
	ctx := tb.Context()
	x := &exportCase{app: app, orga: MustOrganizer(tb, app)}
	conf := MustCreateMarket(tb, app, x.orga, marketInput("bilanz"), backend.PhaseIdeas)
	var modP *backend.Participant
	x.alice, _ = MustJoin(tb, app, "bilanz", conf.JoinCode, "Alice Amsel", "Bauamt")
	x.bob, _ = MustJoin(tb, app, "bilanz", conf.JoinCode, "Bob Bussard", "Ordnungsamt")
	x.mod, modP = MustJoin(tb, app, "bilanz", conf.JoinCode, "Mia Moderatorin", "Personalamt")
	MustMakeModerator(tb, app, modP)

	x.akte = MustSubmit(tb, app, x.alice, "bilanz", idea("Digitale Akte"))
	clk.Set(t0.Add(time.Minute))
	x.chat = MustSubmit(tb, app, x.bob, "bilanz", idea("Chat für Bürgeranfragen"))
	x.rechnung = MustSubmit(tb, app, x.bob, "bilanz", idea("E-Rechnung überall"))
	anon := idea("Anonyme Idee")
	anon.Anonymous = true
	x.anon = MustSubmit(tb, app, x.alice, "bilanz", anon)
	x.hidden = MustSubmit(tb, app, x.bob, "bilanz", idea("Versteckte Idee"))
	x.merged = MustSubmit(tb, app, x.bob, "bilanz", idea("Elektronische Akte"))
	for _, s := range []struct {
		who  backend.Actor
		idea int64
	}{{x.alice, x.akte.ID}, {x.bob, x.akte.ID}, {x.mod, x.akte.ID}, {x.alice, x.chat.ID}} {
		if _, err := app.SetSupport(ctx, s.who, s.idea, true); err != nil {
			tb.Fatalf("support: %v", err)
		}
	}
	if _, err := app.AddComment(ctx, x.alice, x.chat.ID, backend.CommentInput{Body: "Gute Idee!"}); err != nil {
		tb.Fatalf("comment: %v", err)
	}
	if _, err := app.MergeIdea(ctx, x.mod, x.merged.ID, backend.MergeInput{TargetID: x.akte.ID, Reason: "Doppelt"}); err != nil {
		tb.Fatalf("merge: %v", err)
	}
	MustHide(tb, app, x.hidden.ID)
	MustSetPhases(tb, app, x.orga, "bilanz", backend.PhaseLive)

	sess := MustSession(tb, app, x.orga, "bilanz", sessionIn("Forum Digitales", t0, 2*time.Hour))
	// Closed second, listed second: the dots round closes after the single one.
	clk.Set(t0.Add(time.Hour))
	x.roundSingle = MustRound(tb, app, x.orga, sess.ID, backend.RoundInput{Title: "Was zuerst?", Method: backend.MethodSingle,
		IdeaIDs: []int64{x.chat.ID, x.akte.ID, x.rechnung.ID}})
	x.roundDots = MustRound(tb, app, x.orga, sess.ID, backend.RoundInput{Title: "Punkte verteilen", Method: backend.MethodDots,
		IdeaIDs: []int64{x.akte.ID, x.chat.ID}, Points: 5, MaxPerOption: 3})
	x.roundUnclosed = MustRound(tb, app, x.orga, sess.ID, backend.RoundInput{Title: "Noch offen", Method: backend.MethodSingle,
		IdeaIDs: []int64{x.akte.ID, x.chat.ID}})
	x.roundDots = MustAdvance(tb, app, x.orga, x.roundDots, backend.RoundOpen)
	MustCast(tb, app, x.alice, x.roundDots.ID, "a-dots", map[int]int{1: 3, 2: 2})
	MustCast(tb, app, x.bob, x.roundDots.ID, "b-dots", map[int]int{1: 1})
	x.roundSingle = MustAdvance(tb, app, x.orga, x.roundSingle, backend.RoundOpen)
	MustCast(tb, app, x.alice, x.roundSingle.ID, "a-single", map[int]int{2: 1})
	MustCast(tb, app, x.bob, x.roundSingle.ID, "b-single", map[int]int{2: 1})
	MustCast(tb, app, x.mod, x.roundSingle.ID, "m-single", map[int]int{1: 1})
	x.roundSingle = MustAdvance(tb, app, x.orga, x.roundSingle, backend.RoundClosed)
	clk.Set(t0.Add(2 * time.Hour))
	x.roundDots = MustAdvance(tb, app, x.orga, x.roundDots, backend.RoundRevealed)
	x.roundUnclosed = MustAdvance(tb, app, x.orga, x.roundUnclosed, backend.RoundOpen)
	MustCast(tb, app, x.alice, x.roundUnclosed.ID, "a-open", map[int]int{1: 1})
	MustSetPhases(tb, app, x.orga, "bilanz", backend.PhaseClosed)

	// The follow-up: akte is being done, chat is turned down, rechnung is
	// accepted and moves on into next year's conference.
	clk.Set(t0.Add(3 * time.Hour))
	mustExportFollowUp(tb, app, x.orga, x.akte.ID, backend.FollowUpInput{Status: exportPtr(backend.IdeaInProgress),
		OfficialAnswer: exportPtr("Wird umgesetzt.\nDetails folgen."), ResponsibleUnit: exportPtr("Amt 10 – IT"), Progress: exportPtr(40)})
	mustExportFollowUp(tb, app, x.orga, x.chat.ID, backend.FollowUpInput{Status: exportPtr(backend.IdeaRejected), Reason: exportPtr("Zu teuer.")})
	mustExportFollowUp(tb, app, x.orga, x.rechnung.ID, backend.FollowUpInput{Status: exportPtr(backend.IdeaAccepted), ResponsibleUnit: exportPtr("Kämmerei")})
	in := validInput("naechste")
	in.Title = "Mitarbeiterkonferenz 2027"
	if _, err := app.CreateConference(ctx, x.orga, in); err != nil {
		tb.Fatal(err)
	}
	clk.Set(t0.Add(4 * time.Hour))
	if _, err := app.CarryOver(ctx, x.orga, "bilanz", backend.CarryOverInput{IdeaIDs: []int64{x.rechnung.ID}, Target: "naechste"}); err != nil {
		tb.Fatalf("carry over: %v", err)
	}
	return x
}

func exportPtr[T any](v T) *T { return &v }

// mustExportFollowUp records a follow-up on the idea's current version.
func mustExportFollowUp(tb testing.TB, app *backend.App, orga backend.Actor, id int64, in backend.FollowUpInput) {
	tb.Helper()
	in.Version = exportPtr(MustStoredIdea(tb, app, id).Version)
	if _, err := app.RecordFollowUp(tb.Context(), orga, id, in); err != nil {
		tb.Fatalf("follow up on %d: %v", id, err)
	}
}

func TestExportIdeas(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App, clk *clock) {
		x := MustExportCase(t, app, clk)
		ctx := t.Context()

		t.Run("organisers only; unknown conferences are not found", func(t *testing.T) {
			_, err := app.ExportIdeas(ctx, backend.Actor{}, "bilanz")
			wantCode(t, err, backend.EUNAUTHORIZED)
			_, err = app.ExportIdeas(ctx, x.alice, "bilanz")
			wantCode(t, err, backend.EFORBIDDEN)
			_, err = app.ExportIdeas(ctx, x.mod, "bilanz")
			wantCode(t, err, backend.EFORBIDDEN)
			_, err = app.ExportIdeas(ctx, x.orga, "gibt-es-nicht")
			wantCode(t, err, backend.ENOTFOUND)
			_, err = app.ExportIdeas(ctx, backend.Actor{}, "gibt-es-nicht")
			wantCode(t, err, backend.ENOTFOUND)
		})

		tab, err := app.ExportIdeas(ctx, x.orga, "bilanz")
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int64]backend.ExportRow{}
		var ids []int64
		for _, r := range tab.Rows {
			byID[r.IdeaID] = r
			ids = append(ids, r.IdeaID)
		}

		t.Run("every idea but the merged one, hidden ones marked, by id", func(t *testing.T) {
			want := []int64{x.akte.ID, x.chat.ID, x.rechnung.ID, x.anon.ID, x.hidden.ID}
			if !slices.Equal(ids, want) {
				t.Fatalf("ids = %v, want %v", ids, want)
			}
			if tab.Conference.Slug != "bilanz" || !tab.CreatedAt.Equal(t0.Add(4*time.Hour)) {
				t.Errorf("conference %q, created %v", tab.Conference.Slug, tab.CreatedAt)
			}
			for _, r := range tab.Rows {
				if r.Hidden != (r.IdeaID == x.hidden.ID) {
					t.Errorf("idea %d: hidden = %v", r.IdeaID, r.Hidden)
				}
			}
		})

		t.Run("columns of an idea", func(t *testing.T) {
			r := byID[x.akte.ID]
			want := backend.ExportRow{IdeaID: x.akte.ID, Title: "Digitale Akte", Body: "Damit es schneller geht.", Topic: "Digitalisierung",
				Department: "Bauamt", Author: "Alice Amsel", Status: backend.IdeaInProgress, StatusLabel: "In Umsetzung", Supports: 3, Comments: 0,
				Results:        "Was zuerst?: Platz 1 von 3, 2 Stimmen; Punkte verteilen: Platz 1 von 2, 4 Punkte",
				OfficialAnswer: "Wird umgesetzt.\nDetails folgen.", ResponsibleUnit: "Amt 10 – IT", Progress: 40,
				LastUpdate: t0.Add(3 * time.Hour), CreatedAt: t0, Path: fmt.Sprintf("/ideas/%d", x.akte.ID)}
			if r != want {
				t.Errorf("row =\n%+v, want\n%+v", r, want)
			}
			if c := byID[x.chat.ID]; c.Supports != 1 || c.Comments != 1 || c.Author != "Bob Bussard" || c.StatusLabel != "Abgelehnt" ||
				c.StatusNote != "Zu teuer." || c.Results != "Was zuerst?: Platz 2 von 3, 1 Stimme; Punkte verteilen: Platz 2 von 2, 2 Punkte" {
				t.Errorf("chat = %+v", c)
			}
			if c := byID[x.hidden.ID]; c.Results != "" || c.Author != "Bob Bussard" || c.StatusLabel != "Neu" {
				t.Errorf("hidden = %+v", c)
			}
		})

		t.Run("an idea carried out: its stage, with the idea as it is now", func(t *testing.T) {
			r := byID[x.rechnung.ID]
			want := backend.ExportRow{IdeaID: x.rechnung.ID, Title: "E-Rechnung überall", Body: "Damit es schneller geht.", Topic: "Digitalisierung",
				Department: "Ordnungsamt", Author: "Bob Bussard", Status: backend.IdeaCarriedOver, StatusLabel: "Übernommen",
				StatusNote: "übernommen in „Mitarbeiterkonferenz 2027“ (naechste); Status heute: Angenommen",
				Results:    "Was zuerst?: Platz 3 von 3, 0 Stimmen", ResponsibleUnit: "Kämmerei",
				LastUpdate: t0.Add(4 * time.Hour), CreatedAt: t0.Add(time.Minute), Path: fmt.Sprintf("/ideas/%d", x.rechnung.ID)}
			if r != want {
				t.Errorf("row =\n%+v, want\n%+v", r, want)
			}
			next, err := app.ExportIdeas(ctx, x.orga, "naechste")
			if err != nil {
				t.Fatal(err)
			}
			if len(next.Rows) != 1 || next.Rows[0].IdeaID != x.rechnung.ID || next.Rows[0].Status != backend.IdeaAccepted || next.Rows[0].Results != "" {
				t.Errorf("next conference's rows = %+v, want the idea, accepted, without the old rounds", next.Rows)
			}
		})

		t.Run("an anonymous idea has no author", func(t *testing.T) {
			if r := byID[x.anon.ID]; r.Author != "" || r.Title != "Anonyme Idee" {
				t.Errorf("anonymous idea = %+v", r)
			}
		})
	})
}

func TestExportResultPhrases(t *testing.T) {
	// One round per method, each with the same two ideas, as their result
	// cells read.
	app, clk := MustNewApp(t)
	orga := MustOrganizer(t, app)
	conf := MustCreateMarket(t, app, orga, marketInput("methoden"), backend.PhaseIdeas)
	alice, _ := MustJoin(t, app, "methoden", conf.JoinCode, "Alice", "")
	bob, _ := MustJoin(t, app, "methoden", conf.JoinCode, "Bob", "")
	a := MustSubmit(t, app, alice, "methoden", idea("Idee A"))
	b := MustSubmit(t, app, alice, "methoden", idea("Idee B"))
	MustSetPhases(t, app, orga, "methoden", backend.PhaseLive)
	sess := MustSession(t, app, orga, "methoden", sessionIn("Plenum", t0, time.Hour))
	ballots := map[backend.VoteMethod][2]map[int]int{
		backend.MethodMultiple: {{1: 1, 2: 1}, {1: 1}},
		backend.MethodApproval: {{1: 1, 2: 0}, {1: 1, 2: 1}},
		backend.MethodRating:   {{1: 5, 2: 2}, {1: 4}},
		backend.MethodRanking:  {{1: 1, 2: 2}, {2: 1, 1: 2}},
	}
	for n, m := range []backend.VoteMethod{backend.MethodMultiple, backend.MethodApproval, backend.MethodRating, backend.MethodRanking} {
		clk.Set(t0.Add(time.Duration(n) * time.Minute))
		r := MustRound(t, app, orga, sess.ID, backend.RoundInput{Title: string(m), Method: m, IdeaIDs: []int64{a.ID, b.ID}})
		r = MustAdvance(t, app, orga, r, backend.RoundOpen)
		MustCast(t, app, alice, r.ID, "alice-"+string(m), ballots[m][0])
		MustCast(t, app, bob, r.ID, "bob-"+string(m), ballots[m][1])
		MustAdvance(t, app, orga, r, backend.RoundClosed)
	}
	tab, err := app.ExportIdeas(t.Context(), orga, "methoden")
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 2 {
		t.Fatalf("rows = %+v", tab.Rows)
	}
	want := []string{
		"multiple: Platz 1 von 2, 2 Stimmen; approval: Platz 1 von 2, 2 Ja, 0 Nein; rating: Platz 1 von 2, Ø 4,5 von 5 (2 Bewertungen); ranking: Platz 1 von 2, 1 Punkt",
		"multiple: Platz 2 von 2, 1 Stimme; approval: Platz 2 von 2, 1 Ja, 1 Nein; rating: Platz 2 von 2, Ø 2,0 von 5 (1 Bewertung); ranking: Platz 1 von 2, 1 Punkt",
	}
	for n, r := range tab.Rows {
		if r.Results != want[n] {
			t.Errorf("idea %d results =\n%s, want\n%s", r.IdeaID, r.Results, want[n])
		}
	}
}

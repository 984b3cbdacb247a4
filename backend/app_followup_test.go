package backend_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func ptr[T any](v T) *T { return &v }

// followUp records a follow-up as the organiser at the idea's current version.
func followUp(tb testing.TB, m *market, id int64, in backend.FollowUpInput) (backend.IdeaView, error) {
	tb.Helper()
	i, err := m.app.Store.FindIdeaByID(tb.Context(), id)
	if err != nil {
		tb.Fatalf("find idea %d: %v", id, err)
	}
	if in.Version == nil {
		in.Version = &i.Version
	}
	return m.app.RecordFollowUp(tb.Context(), m.orga, id, in)
}

func TestFollowUpRules(t *testing.T) {
	m := MustMarket(t, nil)
	idea := MustSubmit(t, m.app, m.author, "markt", backend.IdeaInput{Title: "Jobticket für alle", Topic: "Umwelt"})
	MustSetPhases(t, m.app, m.orga, "markt", backend.PhaseLive, backend.PhaseClosed)

	t.Run("status, answer, unit and progress", func(t *testing.T) {
		v, err := followUp(t, m, idea.ID, backend.FollowUpInput{Status: ptr(backend.IdeaInProgress), OfficialAnswer: ptr("  **Wird geprüft.**  "),
			ResponsibleUnit: ptr(" Amt 10 "), Progress: ptr(20), Note: ptr("Rücksprache mit dem Personalrat")})
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != backend.IdeaInProgress || v.OfficialAnswer != "**Wird geprüft.**" || v.ResponsibleUnit != "Amt 10" || v.Progress != 20 || v.Version != idea.Version+1 {
			t.Fatalf("after follow-up: %+v", v.Idea)
		}
	})
	t.Run("implemented sets progress 100", func(t *testing.T) {
		v, err := followUp(t, m, idea.ID, backend.FollowUpInput{Status: ptr(backend.IdeaImplemented)})
		if err != nil || v.Progress != 100 {
			t.Fatalf("implemented: progress %d, err %v; want 100", v.Progress, err)
		}
		_, err = followUp(t, m, idea.ID, backend.FollowUpInput{Progress: ptr(60)})
		wantFields(t, err, "progress:implemented")
	})
	t.Run("rejected needs a reason and allows no progress", func(t *testing.T) {
		_, err := followUp(t, m, idea.ID, backend.FollowUpInput{Status: ptr(backend.IdeaRejected)})
		wantFields(t, err, "reason:required")
		_, err = followUp(t, m, idea.ID, backend.FollowUpInput{Status: ptr(backend.IdeaRejected), Reason: ptr("   ")})
		wantFields(t, err, "reason:required")
		_, err = followUp(t, m, idea.ID, backend.FollowUpInput{Status: ptr(backend.IdeaRejected), Reason: ptr("Kein Budget"), Progress: ptr(10)})
		wantFields(t, err, "progress:not_allowed")
		v, err := followUp(t, m, idea.ID, backend.FollowUpInput{Status: ptr(backend.IdeaRejected), Reason: ptr(" Kein Budget ")})
		if err != nil || v.StatusReason != "Kein Budget" {
			t.Fatalf("rejected: reason %q, err %v", v.StatusReason, err)
		}
		// Staying rejected keeps the reason; leaving clears it.
		v, err = followUp(t, m, idea.ID, backend.FollowUpInput{OfficialAnswer: ptr("Leider nicht finanzierbar.")})
		if err != nil || v.StatusReason != "Kein Budget" {
			t.Fatalf("answer on a rejected idea: reason %q, err %v", v.StatusReason, err)
		}
		_, err = followUp(t, m, idea.ID, backend.FollowUpInput{Status: ptr(backend.IdeaInReview), Reason: ptr("Warum?")})
		wantFields(t, err, "reason:not_allowed")
		v, err = followUp(t, m, idea.ID, backend.FollowUpInput{Status: ptr(backend.IdeaInReview)})
		if err != nil || v.StatusReason != "" {
			t.Fatalf("back to in_review: reason %q, err %v; want none", v.StatusReason, err)
		}
	})
	t.Run("validation", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			in   backend.FollowUpInput
			want []string
		}{
			{"unknown status", backend.FollowUpInput{Status: ptr(backend.IdeaStatus("done"))}, []string{"status:invalid"}},
			{"merged is not for organisers", backend.FollowUpInput{Status: ptr(backend.IdeaMerged)}, []string{"status:not_allowed"}},
			{"carried_over neither", backend.FollowUpInput{Status: ptr(backend.IdeaCarriedOver)}, []string{"status:not_allowed"}},
			{"progress range", backend.FollowUpInput{Progress: ptr(101)}, []string{"progress:out_of_range"}},
			{"negative progress", backend.FollowUpInput{Progress: ptr(-1)}, []string{"progress:out_of_range"}},
			{"answer too long", backend.FollowUpInput{OfficialAnswer: ptr(strings.Repeat("ä", 10001))}, []string{"officialAnswer:too_long"}},
			{"unit too long", backend.FollowUpInput{ResponsibleUnit: ptr(strings.Repeat("x", 201))}, []string{"responsibleUnit:too_long"}},
			{"unit on two lines", backend.FollowUpInput{ResponsibleUnit: ptr("Amt\n10")}, []string{"responsibleUnit:control_char"}},
			{"control characters", backend.FollowUpInput{OfficialAnswer: ptr("a\x00b"), Note: ptr("\x1b[31m")}, []string{"note:control_char", "officialAnswer:control_char"}},
			{"note too long", backend.FollowUpInput{Note: ptr(strings.Repeat("n", 2001))}, []string{"note:too_long"}},
			{"nothing changes", backend.FollowUpInput{Status: ptr(backend.IdeaInReview)}, []string{"body:unchanged"}},
			{"empty request", backend.FollowUpInput{}, []string{"body:unchanged"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := followUp(t, m, idea.ID, tc.in)
				wantFields(t, err, tc.want...)
			})
		}
		_, err := m.app.RecordFollowUp(t.Context(), m.orga, idea.ID, backend.FollowUpInput{Progress: ptr(500)})
		wantFields(t, err, "progress:out_of_range", "version:required")
		_, err = m.app.RecordFollowUp(t.Context(), m.orga, idea.ID, backend.FollowUpInput{Progress: ptr(5), Version: ptr(1)})
		wantCode(t, err, backend.ECONFLICT)
	})
	t.Run("a note alone is a step", func(t *testing.T) {
		if _, err := followUp(t, m, idea.ID, backend.FollowUpInput{Note: ptr("Termin mit Amt 10 am 3. Februar")}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("timeline", func(t *testing.T) {
		tl, err := m.app.Timeline(t.Context(), backend.Actor{}, idea.ID)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, e := range tl.Entries {
			if e.AuthorName != "Orga" || e.ConferenceSlug != "markt" || e.Kind != backend.FollowUpKindUpdate {
				t.Errorf("entry %+v: want author Orga in markt", e)
			}
			steps = append(steps, string(e.FromStatus)+">"+string(e.ToStatus))
		}
		want := []string{"new>in_progress", "in_progress>implemented", "implemented>rejected", ">", "rejected>in_review", ">"}
		if !slices.Equal(steps, want) {
			t.Fatalf("timeline steps %v, want %v", steps, want)
		}
		if len(tl.Stages) != 0 {
			t.Fatalf("stages %v, want none", tl.Stages)
		}
	})
}

func TestFollowUpPermissions(t *testing.T) {
	m := MustMarket(t, nil)
	idea := MustSubmit(t, m.app, m.author, "markt", backend.IdeaInput{Title: "Kantine länger offen", Topic: "Umwelt"})
	in := backend.FollowUpInput{Status: ptr(backend.IdeaAccepted), Version: ptr(idea.Version)}
	for _, tc := range []struct {
		name  string
		actor backend.Actor
		code  string
	}{
		{"visitor", backend.Actor{}, backend.EUNAUTHORIZED},
		{"author", m.author, backend.EFORBIDDEN},
		{"moderator", m.moderator, backend.EFORBIDDEN},
	} {
		_, err := m.app.RecordFollowUp(t.Context(), tc.actor, idea.ID, in)
		if got := backend.ErrorCode(err); got != tc.code {
			t.Errorf("%s: code %q, want %q", tc.name, got, tc.code)
		}
	}
	MustSetPhases(t, m.app, m.orga, "markt", backend.PhaseLive, backend.PhaseClosed, backend.PhaseArchived)
	_, err := m.app.RecordFollowUp(t.Context(), m.orga, idea.ID, in)
	wantCode(t, err, backend.ECONFLICT)
	MustSetPhases(t, m.app, m.orga, "markt", backend.PhaseClosed)
	if _, err := m.app.RecordFollowUp(t.Context(), m.orga, idea.ID, in); err != nil {
		t.Fatalf("follow-up in the closed phase: %v", err)
	}
	_, err = m.app.RecordFollowUp(t.Context(), m.orga, 987654, in)
	wantCode(t, err, backend.ENOTFOUND)
}

func TestCarryOverAndOutcomes(t *testing.T) {
	m := MustMarket(t, nil)
	submit := func(title string) backend.IdeaView {
		m.clk.Set(m.clk.Now().Add(time.Minute))
		return MustSubmit(t, m.app, m.author, "markt", backend.IdeaInput{Title: title, Topic: "Umwelt"})
	}
	open, done, hidden, merged, target := submit("Offene Idee"), submit("Erledigte Idee"), submit("Versteckte Idee"), submit("Doppelte Idee"), submit("Ziel")
	if _, err := m.app.SetSupport(t.Context(), m.other, open.ID, true); err != nil {
		t.Fatal(err)
	}
	MustHide(t, m.app, hidden.ID)
	if _, err := m.app.MergeIdea(t.Context(), m.moderator, merged.ID, backend.MergeInput{TargetID: target.ID}); err != nil {
		t.Fatal(err)
	}
	MustSetPhases(t, m.app, m.orga, "markt", backend.PhaseLive, backend.PhaseClosed)
	m.clk.Set(m.clk.Now().Add(time.Minute)) // distinct update times, so "newest update first" is well-defined
	if _, err := followUp(t, m, done.ID, backend.FollowUpInput{Status: ptr(backend.IdeaImplemented), OfficialAnswer: ptr("Erledigt.")}); err != nil {
		t.Fatal(err)
	}
	m.clk.Set(m.clk.Now().Add(time.Minute))
	if _, err := followUp(t, m, open.ID, backend.FollowUpInput{Status: ptr(backend.IdeaInReview), ResponsibleUnit: ptr("Amt 61")}); err != nil {
		t.Fatal(err)
	}
	m.clk.Set(m.clk.Now().Add(time.Minute))
	next := marketInput("markt-2027")
	next.Title = "Konferenz 2027"
	MustCreateMarket(t, m.app, m.orga, next, backend.PhaseDraft)
	live := marketInput("laeuft")
	MustCreateMarket(t, m.app, m.orga, live, backend.PhaseLive)

	t.Run("refusals name each idea", func(t *testing.T) {
		_, err := m.app.CarryOver(t.Context(), m.orga, "markt", backend.CarryOverInput{Target: "markt-2027",
			IdeaIDs: []int64{open.ID, done.ID, hidden.ID, merged.ID, 987654, open.ID}})
		wantFields(t, err, "ideaIds.1:finished", "ideaIds.2:hidden", "ideaIds.3:merged", "ideaIds.4:unknown")
		_, err = m.app.CarryOver(t.Context(), m.orga, "markt", backend.CarryOverInput{Target: "laeuft", IdeaIDs: []int64{open.ID}})
		wantFields(t, err, "target:phase")
		_, err = m.app.CarryOver(t.Context(), m.orga, "markt", backend.CarryOverInput{Target: "markt", IdeaIDs: []int64{open.ID}})
		wantFields(t, err, "target:same")
		_, err = m.app.CarryOver(t.Context(), m.orga, "markt", backend.CarryOverInput{})
		wantFields(t, err, "ideaIds:required", "target:required")
		_, err = m.app.CarryOver(t.Context(), m.author, "markt", backend.CarryOverInput{Target: "markt-2027", IdeaIDs: []int64{open.ID}})
		wantCode(t, err, backend.EFORBIDDEN)
		_, err = m.app.CarryOver(t.Context(), backend.Actor{}, "markt", backend.CarryOverInput{Target: "markt-2027", IdeaIDs: []int64{open.ID}})
		wantCode(t, err, backend.EUNAUTHORIZED)
	})
	t.Run("carries and keeps a stage", func(t *testing.T) {
		res, err := m.app.CarryOver(t.Context(), m.orga, "markt", backend.CarryOverInput{Target: "markt-2027", IdeaIDs: []int64{open.ID, open.ID}, Note: "Weiter geht's"})
		if err != nil || res.Carried != 1 || res.Target != "markt-2027" {
			t.Fatalf("carry-over = %+v, %v; want one idea into markt-2027", res, err)
		}
		// The author sees it under the conference it left while the target is a draft.
		tl, err := m.app.Timeline(t.Context(), m.author, open.ID)
		if err != nil {
			t.Fatalf("timeline for the author: %v", err)
		}
		last := tl.Entries[len(tl.Entries)-1]
		if last.Kind != backend.FollowUpKindCarriedOver || last.Note != "Weiter geht's" || last.TargetConferenceSlug != "" || len(tl.Stages) != 1 ||
			tl.Stages[0].ConferenceSlug != "markt" || tl.Stages[0].Status != backend.IdeaInReview || tl.Stages[0].Supports != 1 {
			t.Fatalf("timeline after carry-over: last %+v, stages %+v", last, tl.Stages)
		}
		tl, err = m.app.Timeline(t.Context(), m.orga, open.ID)
		if err != nil || tl.Entries[len(tl.Entries)-1].TargetConferenceSlug != "markt-2027" {
			t.Fatalf("organiser's timeline: %+v, %v; want the draft target named", tl.Entries, err)
		}
		mine, err := m.app.MyIdeas(t.Context(), m.author)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, i := range mine {
			latest := ""
			if i.Latest != nil {
				latest = i.Latest.Kind
			}
			got = append(got, i.Title+"@"+i.ConferenceSlug+":"+latest)
		}
		want := []string{"Offene Idee@markt:carried_over", "Erledigte Idee@markt:update", "Ziel@markt:", "Doppelte Idee@markt:", "Versteckte Idee@markt:"}
		if !slices.Equal(got, want) {
			t.Fatalf("my ideas = %v, want %v", got, want)
		}
		other, err := m.app.MyIdeas(t.Context(), m.other)
		if err != nil || len(other) != 1 || !other[0].Supported || other[0].Mine {
			t.Fatalf("supporter's ideas = %+v, %v; want the supported idea only", other, err)
		}
		// Search shows the lineage of the carried idea only, oldest first.
		page, err := m.app.SearchIdeas(t.Context(), m.orga, backend.SearchInput{Text: "Idee", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		lineages := map[string][]string{}
		for _, it := range page.Items {
			for _, l := range it.Lineage {
				lineages[it.Title] = append(lineages[it.Title], l.Slug)
			}
		}
		if want := map[string][]string{"Offene Idee": {"markt", "markt-2027"}}; !maps.EqualFunc(lineages, want, slices.Equal) {
			t.Fatalf("search lineages %v, want %v", lineages, want)
		}
	})
	t.Run("outcomes", func(t *testing.T) {
		o, err := m.app.Outcomes(t.Context(), backend.Actor{}, "markt")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, g := range o.Groups {
			for _, i := range g.Ideas {
				got = append(got, string(g.Status)+":"+i.Title)
			}
		}
		if want := []string{"new:Ziel", "implemented:Erledigte Idee"}; !slices.Equal(got, want) {
			t.Fatalf("outcome groups %v, want %v", got, want)
		}
		if len(o.Groups) != 6 || len(o.CarriedOver) != 1 || o.CarriedOver[0].ID != open.ID || o.CarriedOver[0].TargetConferenceSlug != "" ||
			o.CarriedOver[0].Stage.Status != backend.IdeaInReview || o.CarriedOver[0].ConferenceSlug != "" {
			t.Fatalf("outcomes = %+v", o)
		}
		o, err = m.app.Outcomes(t.Context(), m.orga, "markt")
		if err != nil || o.CarriedOver[0].TargetConferenceTitle != "Konferenz 2027" {
			t.Fatalf("organiser's outcomes: %+v, %v", o.CarriedOver, err)
		}
		_, err = m.app.Outcomes(t.Context(), backend.Actor{}, "markt-2027")
		wantCode(t, err, backend.ENOTFOUND)
	})
}

func TestFollowUpReachesSearch(t *testing.T) {
	w := MustSearchWorld(t)
	const answer = "Das Tiefbauamt plant eine Fahrradstraße entlang der Wallanlagen."
	if _, err := followUp(t, w.market, w.radweg, backend.FollowUpInput{Status: ptr(backend.IdeaAccepted), OfficialAnswer: ptr(answer),
		ResponsibleUnit: ptr("Tiefbauamt")}); err != nil {
		t.Fatal(err)
	}
	doc, err := w.app.SearchDocument(t.Context(), w.radweg)
	if err != nil {
		t.Fatal(err)
	}
	if doc.OfficialAnswer != answer || doc.ResponsibleUnit != "Tiefbauamt" || doc.Status != "accepted" || !slices.Equal(doc.Lineage, []int64{w.conf.ID}) {
		t.Fatalf("search document = %+v", doc)
	}
	w.reindex(t)
	if got := itemIDs(w.MustSearch(t, backend.Actor{}, backend.SearchInput{Text: "Wallanlagen"})); !slices.Equal(got, []int64{w.radweg}) {
		t.Fatalf("search for a word of the answer = %v, want [%d]", got, w.radweg)
	}

	// Carried over, the idea's lineage names the conference it left first.
	next := marketInput("markt-2027")
	MustCreateMarket(t, w.app, w.orga, next, backend.PhaseIdeas)
	if _, err := w.app.CarryOver(t.Context(), w.orga, "markt", backend.CarryOverInput{Target: "markt-2027", IdeaIDs: []int64{w.akte}}); err != nil {
		t.Fatal(err)
	}
	doc, err = w.app.SearchDocument(t.Context(), w.akte)
	if err != nil {
		t.Fatal(err)
	}
	if doc.ConferenceSlug != "markt-2027" || len(doc.Lineage) != 2 || doc.Lineage[0] != w.conf.ID || doc.Lineage[1] != doc.ConferenceID {
		t.Fatalf("carried document: conference %s, lineage %v; want markt-2027 and [%d %d]", doc.ConferenceSlug, doc.Lineage, w.conf.ID, doc.ConferenceID)
	}
}

func TestUndoMergeRestoresFollowUpStatus(t *testing.T) {
	m := MustMarket(t, nil)
	a := MustSubmit(t, m.app, m.author, "markt", backend.IdeaInput{Title: "Homeoffice-Regeln", Topic: "Umwelt"})
	b := MustSubmit(t, m.app, m.other, "markt", backend.IdeaInput{Title: "Mobiles Arbeiten", Topic: "Umwelt"})
	if _, err := followUp(t, m, a.ID, backend.FollowUpInput{Status: ptr(backend.IdeaInReview)}); err != nil {
		t.Fatal(err)
	}
	merge, err := m.app.MergeIdea(t.Context(), m.moderator, a.ID, backend.MergeInput{TargetID: b.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := followUp(t, m, a.ID, backend.FollowUpInput{Status: ptr(backend.IdeaAccepted)}); backend.ErrorCode(err) != backend.ECONFLICT {
		t.Fatalf("follow-up on a merged idea: %v, want a conflict", err)
	}
	if _, err := m.app.UndoMerge(t.Context(), m.moderator, merge.ID, ""); err != nil {
		t.Fatal(err)
	}
	if got := MustStoredIdea(t, m.app, a.ID); got.Status != backend.IdeaInReview {
		t.Fatalf("status after undo = %q, want in_review", got.Status)
	}
}

// Each outcome group lists the most supported ideas first, then the oldest.
func TestOutcomesBySupports(t *testing.T) {
	m := MustMarket(t, nil)
	var ids []int64
	for _, title := range []string{"Erste", "Zweite", "Dritte"} {
		m.clk.Set(m.clk.Now().Add(time.Minute))
		ids = append(ids, MustSubmit(t, m.app, m.author, "markt", backend.IdeaInput{Title: title + " Idee", Topic: "Umwelt"}).ID)
	}
	for _, supporter := range []backend.Actor{m.other, m.moderator} {
		if _, err := m.app.SetSupport(t.Context(), supporter, ids[0], true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.app.SetSupport(t.Context(), m.other, ids[2], true); err != nil {
		t.Fatal(err)
	}
	o, err := m.app.Outcomes(t.Context(), backend.Actor{}, "markt")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, i := range o.Groups[0].Ideas {
		got = append(got, i.Title)
	}
	if want := []string{"Erste Idee", "Dritte Idee", "Zweite Idee"}; !slices.Equal(got, want) {
		t.Fatalf("new ideas in outcomes %v, want %v", got, want)
	}
}

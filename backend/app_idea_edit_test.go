package backend_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func TestUpdateIdea(t *testing.T) {
	m := MustMarket(t, nil)
	ctx := t.Context()
	str := func(s string) *string { return &s }

	t.Run("the author's edit keeps the old text as a version", func(t *testing.T) {
		orig := MustSubmit(t, m.app, m.author, "markt", backend.IdeaInput{Title: "Erste Fassung", Body: "Alter Text", Topic: "Umwelt", Department: "Bauamt"})
		m.clk.Set(t0.Add(time.Hour))
		t.Cleanup(func() { m.clk.Set(t0) })
		v, err := m.app.UpdateIdea(ctx, m.author, orig.ID, backend.IdeaUpdate{Title: str("Zweite Fassung"), Body: str("Neuer Text"), Topic: str("Digitalisierung")})
		if err != nil {
			t.Fatal(err)
		}
		if v.Title != "Zweite Fassung" || v.Body != "Neuer Text" || v.Topic != "Digitalisierung" || v.Department != "Bauamt" || v.Version != orig.Version+1 {
			t.Errorf("after edit %+v, want the new text, department kept, version %d", *v.Idea, orig.Version+1)
		}
		if !v.UpdatedAt.Equal(t0.Add(time.Hour)) || !v.CreatedAt.Equal(t0) {
			t.Errorf("created %v updated %v, want %v and %v", v.CreatedAt, v.UpdatedAt, t0, t0.Add(time.Hour))
		}
		for _, reader := range []struct {
			name  string
			actor backend.Actor
		}{{"moderator", m.moderator}, {"organiser", m.orga}} {
			vs, err := m.app.IdeaVersions(ctx, reader.actor, orig.ID)
			if err != nil {
				t.Fatalf("versions as %s: %v", reader.name, err)
			}
			if len(vs) != 1 || vs[0].Title != "Erste Fassung" || vs[0].Body != "Alter Text" || vs[0].Topic != "Umwelt" || vs[0].Department != "Bauamt" || vs[0].IdeaID != orig.ID {
				t.Errorf("versions as %s = %+v, want one with the first text", reader.name, vs)
			}
		}
		for _, reader := range []struct {
			name  string
			actor backend.Actor
			want  string
		}{{"the author", m.author, backend.EFORBIDDEN}, {"another participant", m.other, backend.EFORBIDDEN}, {"a visitor", backend.Actor{}, backend.EUNAUTHORIZED}} {
			vs, err := m.app.IdeaVersions(ctx, reader.actor, orig.ID)
			if backend.ErrorCode(err) != reader.want || vs != nil {
				t.Errorf("versions as %s = %v, %v; want %s", reader.name, vs, err, reader.want)
			}
		}
	})
	t.Run("another participant is forbidden and changes nothing", func(t *testing.T) {
		orig := MustSubmit(t, m.app, m.author, "markt", idea("Nicht deine Idee"))
		_, err := m.app.UpdateIdea(ctx, m.other, orig.ID, backend.IdeaUpdate{Title: str("Gekapert")})
		wantCode(t, err, backend.EFORBIDDEN)
		if s := MustStoredIdea(t, m.app, orig.ID); s.Title != orig.Title || s.Version != orig.Version {
			t.Errorf("stored %q version %d, want %q version %d", s.Title, s.Version, orig.Title, orig.Version)
		}
	})
	t.Run("a visitor must join first", func(t *testing.T) {
		orig := MustSubmit(t, m.app, m.author, "markt", idea("Für Besucher gesperrt"))
		_, err := m.app.UpdateIdea(ctx, backend.Actor{}, orig.ID, backend.IdeaUpdate{Title: str("Besucht")})
		wantCode(t, err, backend.EUNAUTHORIZED)
	})
	t.Run("a moderator may edit any idea", func(t *testing.T) {
		orig := MustSubmit(t, m.app, m.author, "markt", idea("Moderiert"))
		v, err := m.app.UpdateIdea(ctx, m.moderator, orig.ID, backend.IdeaUpdate{Body: str("Vom Moderator gekürzt")})
		if err != nil || v.Body != "Vom Moderator gekürzt" || v.Version != orig.Version+1 || v.Mine {
			t.Fatalf("moderator edit = body %q version %d mine %v (%v), want the new body at version %d, not mine", v.Body, v.Version, v.Mine, err, orig.Version+1)
		}
		if v.AuthorName != "Anna Autorin" {
			t.Errorf("author after a moderator's edit = %q, want the original author", v.AuthorName)
		}
	})
	t.Run("a stale version is a conflict and changes nothing", func(t *testing.T) {
		orig := MustSubmit(t, m.app, m.author, "markt", idea("Zwei Fenster"))
		if _, err := m.app.UpdateIdea(ctx, m.author, orig.ID, backend.IdeaUpdate{Title: str("Fenster eins"), Version: &orig.Version}); err != nil {
			t.Fatal(err)
		}
		_, err := m.app.UpdateIdea(ctx, m.author, orig.ID, backend.IdeaUpdate{Title: str("Fenster zwei"), Version: &orig.Version})
		wantCode(t, err, backend.ECONFLICT)
		if !errors.Is(err, backend.ErrStaleVersion) {
			t.Errorf("err = %v, want ErrStaleVersion", err)
		}
		if s := MustStoredIdea(t, m.app, orig.ID); s.Title != "Fenster eins" || s.Version != orig.Version+1 {
			t.Errorf("stored %q version %d, want %q version %d", s.Title, s.Version, "Fenster eins", orig.Version+1)
		}
	})
	t.Run("an edit without changes keeps the version and writes no version", func(t *testing.T) {
		orig := MustSubmit(t, m.app, m.author, "markt", idea("Unverändert"))
		for _, upd := range []backend.IdeaUpdate{
			{},
			{Title: str(orig.Title), Body: str(orig.Body)},
			{Title: str("  " + orig.Title + " "), Topic: str(" " + orig.Topic)},
			{Version: &orig.Version},
		} {
			v, err := m.app.UpdateIdea(ctx, m.author, orig.ID, upd)
			if err != nil || v.Version != orig.Version || v.Title != orig.Title {
				t.Errorf("no-op edit = %q version %d (%v), want %q version %d", v.Title, v.Version, err, orig.Title, orig.Version)
			}
		}
		if s := MustStoredIdea(t, m.app, orig.ID); s.Version != orig.Version {
			t.Errorf("stored version %d, want %d", s.Version, orig.Version)
		}
		vs, err := m.app.IdeaVersions(ctx, m.moderator, orig.ID)
		if err != nil || len(vs) != 0 {
			t.Errorf("versions = %+v (%v), want none", vs, err)
		}
	})
	// UpdateIdea answers a no-op edit with viewIdea(m, c, i, false), so an
	// author who supports the idea is told it is not supported.
	t.Run("an edit without changes still reports the actor's support", func(t *testing.T) {
		orig := MustSubmit(t, m.app, m.author, "markt", idea("Selbst unterstützt"))
		if _, err := m.app.SetSupport(ctx, m.author, orig.ID, true); err != nil {
			t.Fatal(err)
		}
		changed, err := m.app.UpdateIdea(ctx, m.author, orig.ID, backend.IdeaUpdate{Body: str("Geändert")})
		if err != nil || !changed.Supported {
			t.Errorf("after a real edit: supported %v (%v), want true", changed.Supported, err)
		}
		same, err := m.app.UpdateIdea(ctx, m.author, orig.ID, backend.IdeaUpdate{Body: str("Geändert")})
		if err != nil || !same.Supported {
			t.Errorf("after a no-op edit: supported %v (%v), want true", same.Supported, err)
		}
	})
	t.Run("an invalid edit is rejected per field and changes nothing", func(t *testing.T) {
		orig := MustSubmit(t, m.app, m.author, "markt", idea("Gültig bleibt"))
		_, err := m.app.UpdateIdea(ctx, m.author, orig.ID, backend.IdeaUpdate{Title: str("ab"), Topic: str("Sport"), Department: str("Zoo")})
		wantFields(t, err, "department:unknown", "title:too_short", "topic:unknown")
		if s := MustStoredIdea(t, m.app, orig.ID); s.Title != orig.Title || s.Version != orig.Version {
			t.Errorf("stored %q version %d, want unchanged", s.Title, s.Version)
		}
	})
	t.Run("an unknown idea is not found", func(t *testing.T) {
		_, err := m.app.UpdateIdea(ctx, m.author, 999999, backend.IdeaUpdate{Title: str("Niemand")})
		wantCode(t, err, backend.ENOTFOUND)
	})
}

func TestUpdateIdeaPhases(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, tt := range []struct {
		name     string
		moves    []backend.Phase
		author   string
		mod      string
		lateIdea bool
	}{
		{"ideas", nil, "", "", false},
		{"live", []backend.Phase{backend.PhaseLive}, backend.ECONFLICT, "", false},
		{"live with late ideas", []backend.Phase{backend.PhaseLive}, "", "", true},
		{"closed", []backend.Phase{backend.PhaseLive, backend.PhaseClosed}, backend.ECONFLICT, "", false},
		{"archived", []backend.Phase{backend.PhaseLive, backend.PhaseClosed, backend.PhaseArchived}, backend.ECONFLICT, backend.ECONFLICT, false},
	} {
		t.Run(tt.name+"/author "+orOK(tt.author)+"/moderator "+orOK(tt.mod), func(t *testing.T) {
			m := MustMarket(t, func(in *backend.ConferenceInput) { in.LateIdeas = tt.lateIdea })
			orig := MustSubmit(t, m.app, m.author, "markt", idea("Phasenidee"))
			MustSetPhases(t, m.app, m.orga, "markt", tt.moves...)
			_, err := m.app.UpdateIdea(t.Context(), m.author, orig.ID, backend.IdeaUpdate{Body: str("Vom Autor")})
			wantCode(t, err, tt.author)
			_, err = m.app.UpdateIdea(t.Context(), m.moderator, orig.ID, backend.IdeaUpdate{Body: str("Von der Moderation")})
			wantCode(t, err, tt.mod)
		})
	}
}

func orOK(code string) string {
	if code == "" {
		return "allowed"
	}
	return code
}

// Idea ids are global: an id from another conference is judged by that
// conference's rules and the actor's standing there.
func TestUpdateIdeaOfAnotherConference(t *testing.T) {
	m := MustMarket(t, nil) // conference A, "markt"
	str := func(s string) *string { return &s }
	confB := MustCreateMarket(t, m.app, m.orga, marketInput("andere"), backend.PhaseIdeas)
	authorB, _ := MustJoin(t, m.app, "andere", confB.JoinCode, "Bernd B", "Bauamt")
	ideaB := MustSubmit(t, m.app, authorB, "andere", idea("Idee aus B"))
	unchanged := func(t *testing.T) {
		t.Helper()
		if s := MustStoredIdea(t, m.app, ideaB.ID); s.Title != ideaB.Title || s.Version != ideaB.Version {
			t.Errorf("idea of B stored %q version %d, want %q version %d", s.Title, s.Version, ideaB.Title, ideaB.Version)
		}
	}

	// The actor is a mere visitor in B, so the code answers "join first".
	t.Run("a participant of A only is unauthorized in B", func(t *testing.T) {
		_, err := m.app.UpdateIdea(t.Context(), m.author, ideaB.ID, backend.IdeaUpdate{Title: str("Von A gekapert")})
		wantCode(t, err, backend.EUNAUTHORIZED)
		unchanged(t)
	})
	t.Run("a moderator of A is only a visitor in B", func(t *testing.T) {
		_, err := m.app.UpdateIdea(t.Context(), m.moderator, ideaB.ID, backend.IdeaUpdate{Title: str("Von A moderiert")})
		wantCode(t, err, backend.EUNAUTHORIZED)
		unchanged(t)
		_, err = m.app.IdeaVersions(t.Context(), m.moderator, ideaB.ID)
		wantCode(t, err, backend.EUNAUTHORIZED)
	})
	t.Run("a browser that joined both, but is not the author, is forbidden", func(t *testing.T) {
		if _, _, err := m.app.Join(t.Context(), m.other, "andere", backend.JoinInput{Code: confB.JoinCode, DisplayName: "Otto in B"}); err != nil {
			t.Fatal(err)
		}
		_, err := m.app.UpdateIdea(t.Context(), m.other, ideaB.ID, backend.IdeaUpdate{Title: str("Von Otto gekapert")})
		wantCode(t, err, backend.EFORBIDDEN)
		unchanged(t)
	})
	t.Run("the idea is still mine only in its own conference", func(t *testing.T) {
		got, err := m.app.GetIdea(t.Context(), m.author, ideaB.ID)
		if err != nil || got.Mine || got.CanEdit {
			t.Errorf("A's author viewing B's idea: mine %v canEdit %v (%v), want neither", got.Mine, got.CanEdit, err)
		}
	})
}

func TestHiddenIdeas(t *testing.T) {
	m := MustMarket(t, nil)
	hidden := MustSubmit(t, m.app, m.author, "markt", idea("Versteckte Idee"))
	visible := MustSubmit(t, m.app, m.author, "markt", idea("Sichtbare Idee"))
	MustHide(t, m.app, hidden.ID)

	tests := []struct {
		name     string
		actor    backend.Actor
		listed   []int64 // newest first
		getError string
	}{
		{"visitor", backend.Actor{}, []int64{visible.ID}, backend.ENOTFOUND},
		{"another participant", m.other, []int64{visible.ID}, backend.ENOTFOUND},
		{"the author", m.author, []int64{visible.ID}, ""},
		{"moderator", m.moderator, []int64{visible.ID, hidden.ID}, ""},
		{"organiser", m.orga, []int64{visible.ID, hidden.ID}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, total, err := m.app.ListIdeas(t.Context(), tt.actor, "markt", backend.IdeaQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if got := ideaIDs(list); !slices.Equal(got, tt.listed) || total != len(tt.listed) {
				t.Errorf("listed %v (total %d), want %v", got, total, tt.listed)
			}
			got, err := m.app.GetIdea(t.Context(), tt.actor, hidden.ID)
			wantCode(t, err, tt.getError)
			if err == nil && (!got.Hidden || got.ID != hidden.ID) {
				t.Errorf("GetIdea = id %d hidden %v, want id %d hidden", got.ID, got.Hidden, hidden.ID)
			}
		})
	}
	t.Run("another participant cannot support it", func(t *testing.T) {
		_, err := m.app.SetSupport(t.Context(), m.other, hidden.ID, true)
		wantCode(t, err, backend.ENOTFOUND)
	})
}

func TestSetSupport(t *testing.T) {
	m := MustMarket(t, nil)
	ctx := t.Context()

	t.Run("on, on, off, off is idempotent", func(t *testing.T) {
		v := MustSubmit(t, m.app, m.author, "markt", idea("Unterstützenswert"))
		for n, step := range []struct {
			on   bool
			want int
		}{{true, 1}, {true, 1}, {false, 0}, {false, 0}} {
			got, err := m.app.SetSupport(ctx, m.other, v.ID, step.on)
			if err != nil || got != step.want {
				t.Errorf("step %d (on=%v): count %d (%v), want %d", n+1, step.on, got, err, step.want)
			}
			if s := MustStoredIdea(t, m.app, v.ID); s.SupportCount != step.want {
				t.Errorf("step %d: stored count %d, want %d", n+1, s.SupportCount, step.want)
			}
		}
	})
	t.Run("two participants count two", func(t *testing.T) {
		v := MustSubmit(t, m.app, m.author, "markt", idea("Doppelt unterstützt"))
		if _, err := m.app.SetSupport(ctx, m.other, v.ID, true); err != nil {
			t.Fatal(err)
		}
		got, err := m.app.SetSupport(ctx, m.moderator, v.ID, true)
		if err != nil || got != 2 {
			t.Errorf("count = %d (%v), want 2", got, err)
		}
	})
	t.Run("a visitor must join first", func(t *testing.T) {
		v := MustSubmit(t, m.app, m.author, "markt", idea("Besucherstimme"))
		_, err := m.app.SetSupport(ctx, backend.Actor{}, v.ID, true)
		wantCode(t, err, backend.EUNAUTHORIZED)
		if s := MustStoredIdea(t, m.app, v.ID); s.SupportCount != 0 {
			t.Errorf("stored count %d, want 0", s.SupportCount)
		}
	})
	t.Run("an organiser without participation is forbidden", func(t *testing.T) {
		v := MustSubmit(t, m.app, m.author, "markt", idea("Orgastimme"))
		_, err := m.app.SetSupport(ctx, m.orga, v.ID, true)
		wantCode(t, err, backend.EFORBIDDEN)
	})
	t.Run("an unknown idea is not found", func(t *testing.T) {
		_, err := m.app.SetSupport(ctx, m.other, 999999, true)
		wantCode(t, err, backend.ENOTFOUND)
	})
	t.Run("Supported is true for the supporter only", func(t *testing.T) {
		v := MustSubmit(t, m.app, m.author, "markt", backend.IdeaInput{Title: "Wer unterstützt?", Body: "Text", Topic: "Bürgerservice"})
		if _, err := m.app.SetSupport(ctx, m.other, v.ID, true); err != nil {
			t.Fatal(err)
		}
		for _, vw := range []struct {
			name  string
			actor backend.Actor
			want  bool
		}{{"supporter", m.other, true}, {"author", m.author, false}, {"moderator", m.moderator, false}, {"organiser", m.orga, false}, {"visitor", backend.Actor{}, false}} {
			got, err := m.app.GetIdea(ctx, vw.actor, v.ID)
			if err != nil || got.Supported != vw.want || got.SupportCount != 1 {
				t.Errorf("GetIdea as %s: supported %v count %d (%v), want %v and 1", vw.name, got.Supported, got.SupportCount, err, vw.want)
			}
			list, _, err := m.app.ListIdeas(ctx, vw.actor, "markt", backend.IdeaQuery{Topic: "Bürgerservice"})
			if err != nil || len(list) != 1 || list[0].Supported != vw.want {
				t.Errorf("ListIdeas as %s: %d ideas (%v), want one with supported %v", vw.name, len(list), err, vw.want)
			}
		}
	})
	t.Run("50 participants supporting at once count 50", func(t *testing.T) {
		v := MustSubmit(t, m.app, m.author, "markt", idea("Der Renner"))
		const n = 50
		actors := make([]backend.Actor, n)
		for i := range actors {
			actors[i], _ = MustJoin(t, m.app, "markt", m.conf.JoinCode, fmt.Sprintf("Teilnehmer %d", i), "")
		}
		errs := make([]error, 2*n)
		var wg sync.WaitGroup
		for i := range 2 * n { // everyone clicks twice
			wg.Go(func() { _, errs[i] = m.app.SetSupport(ctx, actors[i%n], v.ID, true) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("concurrent supports: %v", err)
		}
		got, err := m.app.GetIdea(ctx, backend.Actor{}, v.ID)
		if err != nil || got.SupportCount != n {
			t.Errorf("count = %d (%v), want %d", got.SupportCount, err, n)
		}
		for i := range n {
			wg.Go(func() { _, errs[i] = m.app.SetSupport(ctx, actors[i], v.ID, i%2 == 0) })
		}
		wg.Wait()
		if err := errors.Join(errs[:n]...); err != nil {
			t.Fatalf("concurrent withdrawals: %v", err)
		}
		if got := MustStoredIdea(t, m.app, v.ID).SupportCount; got != n/2 {
			t.Errorf("count after half withdrew = %d, want %d", got, n/2)
		}
	})
	t.Run("live still takes support, closed is a conflict", func(t *testing.T) {
		pm := MustMarket(t, nil)
		v := MustSubmit(t, pm.app, pm.author, "markt", idea("Bis zum Schluss"))
		MustSetPhases(t, pm.app, pm.orga, "markt", backend.PhaseLive)
		if got, err := pm.app.SetSupport(t.Context(), pm.other, v.ID, true); err != nil || got != 1 {
			t.Fatalf("support in live = %d (%v), want 1", got, err)
		}
		MustSetPhases(t, pm.app, pm.orga, "markt", backend.PhaseClosed)
		for _, on := range []bool{true, false} {
			_, err := pm.app.SetSupport(t.Context(), pm.moderator, v.ID, on)
			wantCode(t, err, backend.ECONFLICT)
			_, err = pm.app.SetSupport(t.Context(), pm.other, v.ID, on)
			wantCode(t, err, backend.ECONFLICT)
		}
		if got := MustStoredIdea(t, pm.app, v.ID).SupportCount; got != 1 {
			t.Errorf("count after closing = %d, want 1", got)
		}
	})
}

func TestListIdeas(t *testing.T) {
	m := MustMarket(t, nil)
	ctx := t.Context()
	submit := func(title, topic, dept string) int64 {
		t.Helper()
		return MustSubmit(t, m.app, m.author, "markt", backend.IdeaInput{Title: title, Body: "Text", Topic: topic, Department: dept}).ID
	}
	a := submit("Idee A", "Umwelt", "Bauamt")
	b := submit("Idee B", "Digitalisierung", "Ordnungsamt")
	c := submit("Idee C", "Digitalisierung", "Bauamt")
	d := submit("Idee D", "Bürgerservice", "Personalamt")
	for _, s := range []struct {
		id     int64
		actors []backend.Actor
	}{{b, []backend.Actor{m.other, m.moderator, m.author}}, {c, []backend.Actor{m.other}}, {d, []backend.Actor{m.other, m.moderator}}} {
		for _, actor := range s.actors {
			if _, err := m.app.SetSupport(ctx, actor, s.id, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	list := func(t *testing.T, q backend.IdeaQuery) []int64 {
		t.Helper()
		views, total, err := m.app.ListIdeas(ctx, backend.Actor{}, "markt", q)
		if err != nil {
			t.Fatalf("list %+v: %v", q, err)
		}
		if q.Limit == 0 && total != len(views) {
			t.Errorf("total = %d, listed %d", total, len(views))
		}
		return ideaIDs(views)
	}

	t.Run("an invalid sort is rejected on field sort", func(t *testing.T) {
		for _, sort := range []backend.IdeaSort{"popular", "SUPPORTS", "newest; DROP TABLE ideas"} {
			_, _, err := m.app.ListIdeas(ctx, backend.Actor{}, "markt", backend.IdeaQuery{Sort: sort})
			wantFields(t, err, "sort:invalid")
		}
	})
	t.Run("supports puts the most supported first", func(t *testing.T) {
		if got, want := list(t, backend.IdeaQuery{Sort: backend.SortSupports}), []int64{b, d, c, a}; !slices.Equal(got, want) {
			t.Errorf("order = %v, want %v", got, want)
		}
	})
	t.Run("newest is the default, ties by id descending", func(t *testing.T) {
		for _, sort := range []backend.IdeaSort{"", backend.SortNewest} {
			if got, want := list(t, backend.IdeaQuery{Sort: sort}), []int64{d, c, b, a}; !slices.Equal(got, want) {
				t.Errorf("sort %q: order = %v, want %v", sort, got, want)
			}
		}
	})
	t.Run("random with the same seed gives the same order", func(t *testing.T) {
		orders := map[string]bool{}
		for seed := range int64(8) {
			first := list(t, backend.IdeaQuery{Sort: backend.SortRandom, Seed: seed})
			second := list(t, backend.IdeaQuery{Sort: backend.SortRandom, Seed: seed})
			if !slices.Equal(first, second) {
				t.Errorf("seed %d: %v then %v, want the same order", seed, first, second)
			}
			if sorted := slices.Sorted(slices.Values(first)); !slices.Equal(sorted, []int64{a, b, c, d}) {
				t.Errorf("seed %d: %v, want a permutation of %v", seed, first, []int64{a, b, c, d})
			}
			orders[fmt.Sprint(first)] = true
		}
		if len(orders) < 2 {
			t.Errorf("8 seeds gave %d order(s), want different orders for different seeds", len(orders))
		}
	})
	t.Run("filters by topic", func(t *testing.T) {
		for topic, want := range map[string][]int64{
			"Digitalisierung":   {c, b},
			" Digitalisierung ": {c, b},
			"Umwelt":            {a},
			"Sport":             nil,
		} {
			if got := list(t, backend.IdeaQuery{Topic: topic}); !slices.Equal(got, want) {
				t.Errorf("topic %q: %v, want %v", topic, got, want)
			}
		}
	})
	t.Run("filters by department", func(t *testing.T) {
		if got, want := list(t, backend.IdeaQuery{Department: "Bauamt"}), []int64{c, a}; !slices.Equal(got, want) {
			t.Errorf("department Bauamt: %v, want %v", got, want)
		}
	})
	t.Run("pages neither overlap nor skip", func(t *testing.T) {
		var all []int64
		for offset := 0; offset < 4; offset += 3 {
			views, total, err := m.app.ListIdeas(ctx, backend.Actor{}, "markt", backend.IdeaQuery{Sort: backend.SortSupports, Offset: offset, Limit: 3})
			if err != nil || total != 4 {
				t.Fatalf("page at %d: total %d (%v), want 4", offset, total, err)
			}
			all = append(all, ideaIDs(views)...)
		}
		if want := []int64{b, d, c, a}; !slices.Equal(all, want) {
			t.Errorf("pages = %v, want %v", all, want)
		}
	})
	t.Run("an unknown conference is not found", func(t *testing.T) {
		_, _, err := m.app.ListIdeas(ctx, backend.Actor{}, "gibt-es-nicht", backend.IdeaQuery{})
		wantCode(t, err, backend.ENOTFOUND)
	})
	t.Run("a draft's ideas are not found for participants, but for the organiser", func(t *testing.T) { // last: leaves the market in draft
		MustSetPhases(t, m.app, m.orga, "markt", backend.PhaseDraft)
		_, _, err := m.app.ListIdeas(ctx, m.author, "markt", backend.IdeaQuery{})
		wantCode(t, err, backend.ENOTFOUND)
		_, err = m.app.GetIdea(ctx, m.author, a)
		wantCode(t, err, backend.ENOTFOUND)
		if _, total, err := m.app.ListIdeas(ctx, m.orga, "markt", backend.IdeaQuery{}); err != nil || total != 4 {
			t.Errorf("organiser: total %d (%v), want 4", total, err)
		}
	})
}

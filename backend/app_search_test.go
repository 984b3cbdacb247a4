package backend_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/bleve"
)

// searchWorld is a store with three conferences and a real bleve index of
// their ideas:
//
//   - "markt" (ideas phase, 2026): four ideas, one of them hidden;
//   - "archiv" (archived, 2025): one idea about bike lanes;
//   - "entwurf" (back in draft, 2026): one idea, which only organisers see.
type searchWorld struct {
	*market
	ix                        *bleve.Index
	radweg, baeume, akte, geh int64 // ideas of markt; geh is hidden
	alt, entwurf              int64 // the ideas of archiv and entwurf
	archiv, draft             backend.ConferenceView
}

// MustSearchWorld builds the world and indexes every idea.
func MustSearchWorld(tb testing.TB) *searchWorld {
	tb.Helper()
	w := &searchWorld{market: MustMarket(tb, nil)}
	app, clk := w.app, w.clk
	submit := func(actor backend.Actor, slug string, in backend.IdeaInput) int64 {
		clk.Set(clk.Now().Add(time.Minute)) // distinct CreatedAt, so "newest" is well-defined
		return MustSubmit(tb, app, actor, slug, in).ID
	}
	w.radweg = submit(w.author, "markt", backend.IdeaInput{Title: "Radwege am Rathaus ausbauen", Body: "Sichere Radwege für alle Beschäftigten.", Topic: "Umwelt", Department: "Bauamt"})
	w.baeume = submit(w.other, "markt", backend.IdeaInput{Title: "Mehr Bäume im Innenhof", Body: "Schatten im Sommer.", Topic: "Umwelt", Department: "Ordnungsamt"})
	w.akte = submit(w.author, "markt", backend.IdeaInput{Title: "Digitale Akte einführen", Body: "Weniger Papier, schnellere Wege.", Topic: "Digitalisierung", Department: "Bauamt"})
	w.geh = submit(w.other, "markt", backend.IdeaInput{Title: "Radweg durch die Tiefgarage", Body: "Beleidigender Text.", Topic: "Umwelt"})
	MustHide(tb, app, w.geh)

	old := marketInput("archiv")
	old.Title = "Konferenz 2025"
	old.StartsAt, old.EndsAt = time.Date(2025, 5, 6, 7, 0, 0, 0, time.UTC), time.Date(2025, 5, 6, 15, 0, 0, 0, time.UTC)
	w.archiv = MustCreateMarket(tb, app, w.orga, old, backend.PhaseIdeas)
	a, _ := MustJoin(tb, app, "archiv", w.archiv.JoinCode, "Alt Autor", "Bauamt")
	w.alt = submit(a, "archiv", backend.IdeaInput{Title: "Radweg zum Bahnhof", Body: "Aus dem letzten Jahr.", Topic: "Umwelt"})
	MustSetPhases(tb, app, w.orga, "archiv", backend.PhaseLive, backend.PhaseClosed, backend.PhaseArchived)

	draft := marketInput("entwurf")
	draft.Title = "Geplante Konferenz"
	w.draft = MustCreateMarket(tb, app, w.orga, draft, backend.PhaseIdeas)
	d, _ := MustJoin(tb, app, "entwurf", w.draft.JoinCode, "Frühe Autorin", "Bauamt")
	w.entwurf = submit(d, "entwurf", backend.IdeaInput{Title: "Radweg im Entwurf", Body: "Noch nicht öffentlich.", Topic: "Umwelt"})
	MustSetPhases(tb, app, w.orga, "entwurf", backend.PhaseDraft)

	for _, id := range []int64{w.radweg, w.akte} { // two supports for radweg, one for akte
		if _, err := app.SetSupport(tb.Context(), w.moderator, id, true); err != nil {
			tb.Fatalf("support %d: %v", id, err)
		}
	}
	if _, err := app.SetSupport(tb.Context(), w.other, w.radweg, true); err != nil {
		tb.Fatalf("support: %v", err)
	}

	w.ix = bleve.New(tb.TempDir())
	if _, err := w.ix.Init(tb.Context()); err != nil {
		tb.Fatalf("init index: %v", err)
	}
	tb.Cleanup(func() { w.ix.Close() })
	w.reindex(tb)
	app.Search = w.ix
	return w
}

// reindex indexes every idea of every conference as it is now in the Store,
// with the documents the production indexer builds (App.SearchUpdates).
func (w *searchWorld) reindex(tb testing.TB) {
	tb.Helper()
	ctx := tb.Context()
	confs, _, err := w.app.Store.FindConferences(ctx, backend.ConferenceFilter{IncludeDrafts: true, Limit: backend.MaxPageSize})
	if err != nil {
		tb.Fatalf("conferences: %v", err)
	}
	var ids []int64
	for _, c := range confs {
		ideas, _, err := w.app.Store.FindIdeas(ctx, backend.IdeaFilter{ConferenceID: c.ID, IncludeHidden: true, Limit: backend.MaxPageSize})
		if err != nil {
			tb.Fatalf("ideas: %v", err)
		}
		for _, i := range ideas {
			ids = append(ids, i.ID)
		}
	}
	docs, _, err := w.app.SearchUpdates(ctx, ids)
	if err != nil {
		tb.Fatalf("search documents: %v", err)
	}
	if err := w.ix.Index(ctx, docs); err != nil {
		tb.Fatalf("index: %v", err)
	}
}

func (w *searchWorld) MustSearch(tb testing.TB, actor backend.Actor, in backend.SearchInput) *backend.SearchPage {
	tb.Helper()
	p, err := w.app.SearchIdeas(tb.Context(), actor, in)
	if err != nil {
		tb.Fatalf("search %+v: %v", in, err)
	}
	return p
}

func itemIDs(p *backend.SearchPage) []int64 {
	ids := make([]int64, len(p.Items))
	for n, it := range p.Items {
		ids[n] = it.ID
	}
	return ids
}

func sortedIDs(ids ...int64) []int64 { slices.Sort(ids); return ids }

func facetOf(p *backend.SearchPage, name string) map[string]int {
	out := map[string]int{}
	for _, fc := range p.Facets[name] {
		out[fc.Value] = fc.Count
	}
	return out
}

func TestSearchVisibility(t *testing.T) {
	w := MustSearchWorld(t)
	visitor := backend.Actor{}
	tests := []struct {
		name  string
		actor backend.Actor
		want  []int64
	}{
		{"a visitor finds public ideas of visible conferences only", visitor, sortedIDs(w.radweg, w.alt)},
		{"a participant does not find hidden ideas", w.author, sortedIDs(w.radweg, w.alt)},
		{"a moderator does not find hidden ideas across conferences", w.moderator, sortedIDs(w.radweg, w.alt)},
		{"an organiser finds hidden ideas and drafts", w.orga, sortedIDs(w.radweg, w.geh, w.alt, w.entwurf)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := w.MustSearch(t, tt.actor, backend.SearchInput{Text: "Radweg"})
			if got := sortedIDs(itemIDs(p)...); !slices.Equal(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
			if p.Total != len(tt.want) || p.Degraded {
				t.Errorf("total = %d, degraded = %v; want %d, false", p.Total, p.Degraded, len(tt.want))
			}
			for _, c := range p.Conferences {
				if c.Slug == "entwurf" && !tt.actor.IsOrganizer() {
					t.Errorf("the draft conference is labelled for a non-organiser: %+v", c)
				}
			}
		})
	}

	t.Run("the Store decides when the index lags behind", func(t *testing.T) {
		MustHide(t, w.app, w.radweg) // the index still says: not hidden
		MustSetPhases(t, w.app, w.orga, "archiv", backend.PhaseClosed, backend.PhaseLive, backend.PhaseIdeas, backend.PhaseDraft)
		p := w.MustSearch(t, visitor, backend.SearchInput{Text: "Radweg"})
		if got := itemIDs(p); len(got) != 0 {
			t.Errorf("ids = %v, want none: one idea is hidden now and the other's conference is a draft", got)
		}
		if got := sortedIDs(itemIDs(w.MustSearch(t, w.orga, backend.SearchInput{Text: "Radweg"}))...); !slices.Equal(got, sortedIDs(w.radweg, w.geh, w.alt, w.entwurf)) {
			t.Errorf("organiser ids = %v", got)
		}
	})

	t.Run("an idea deleted from the Store is dropped", func(t *testing.T) {
		if err := w.ix.Index(t.Context(), []backend.SearchDocument{{ID: 99999, ConferenceID: w.conf.ID, Title: "Radweg Geist", CreatedAt: t0}}); err != nil {
			t.Fatal(err)
		}
		for _, id := range itemIDs(w.MustSearch(t, w.orga, backend.SearchInput{Text: "Radweg"})) {
			if id == 99999 {
				t.Fatal("a hit that is not in the Store was returned")
			}
		}
	})
}

func TestSearchResults(t *testing.T) {
	w := MustSearchWorld(t)
	visitor := backend.Actor{}

	t.Run("items carry conference, highlights and the actor's view", func(t *testing.T) {
		p := w.MustSearch(t, w.moderator, backend.SearchInput{Text: "Radwege", Filters: map[string][]string{"conference": {strconv.FormatInt(w.conf.ID, 10)}}})
		if len(p.Items) != 1 || p.Items[0].ID != w.radweg {
			t.Fatalf("ids = %v, want [%d]", itemIDs(p), w.radweg)
		}
		it := p.Items[0]
		if it.ConferenceSlug != "markt" || it.ConferenceTitle != w.conf.Title || !it.Supported || it.SupportCount != 2 {
			t.Errorf("item = %+v, want markt, supported, 2 supports", it)
		}
		if title := strings.Join(it.Highlights["title"], ""); !strings.Contains(title, "<mark>Radwege</mark>") {
			t.Errorf("title highlight = %q, want <mark>Radwege</mark>", title)
		}
	})

	t.Run("an empty text lists every visible idea, newest first", func(t *testing.T) {
		p := w.MustSearch(t, visitor, backend.SearchInput{})
		if want := []int64{w.alt, w.akte, w.baeume, w.radweg}; !slices.Equal(itemIDs(p), want) {
			t.Errorf("ids = %v, want %v", itemIDs(p), want)
		}
	})

	t.Run("sort by supports", func(t *testing.T) {
		p := w.MustSearch(t, visitor, backend.SearchInput{Sort: "supports"})
		if want := []int64{w.radweg, w.akte, w.alt, w.baeume}; !slices.Equal(itemIDs(p), want) {
			t.Errorf("ids = %v, want %v (supports 2, 1, then ties newest id first)", itemIDs(p), want)
		}
	})

	t.Run("pages neither overlap nor skip", func(t *testing.T) {
		var seen []int64
		for offset := 0; offset < 6; offset += 2 {
			p := w.MustSearch(t, visitor, backend.SearchInput{Sort: "newest", Offset: offset, Limit: 2})
			if p.Total != 4 {
				t.Errorf("offset %d: total = %d, want 4", offset, p.Total)
			}
			seen = append(seen, itemIDs(p)...)
		}
		if want := []int64{w.alt, w.akte, w.baeume, w.radweg}; !slices.Equal(seen, want) {
			t.Errorf("pages = %v, want %v", seen, want)
		}
	})

	t.Run("facets count all matches and ignore their own filter", func(t *testing.T) {
		p := w.MustSearch(t, visitor, backend.SearchInput{Filters: map[string][]string{"topic": {"Umwelt"}}})
		if want := sortedIDs(w.radweg, w.baeume, w.alt); !slices.Equal(sortedIDs(itemIDs(p)...), want) {
			t.Errorf("ids = %v, want %v", itemIDs(p), want)
		}
		if got, want := facetOf(p, "topic"), map[string]int{"Umwelt": 3, "Digitalisierung": 1}; !mapsEqual(got, want) {
			t.Errorf("topic facet = %v, want %v (the topic filter does not narrow its own facet)", got, want)
		}
		markt, archiv := strconv.FormatInt(w.conf.ID, 10), strconv.FormatInt(w.archiv.ID, 10)
		if got, want := facetOf(p, "conference"), map[string]int{markt: 2, archiv: 1}; !mapsEqual(got, want) {
			t.Errorf("conference facet = %v, want %v", got, want)
		}
		if got, want := facetOf(p, "year"), map[string]int{"2026": 2, "2025": 1}; !mapsEqual(got, want) {
			t.Errorf("year facet = %v, want %v", got, want)
		}
		var labels []string
		for _, c := range p.Conferences {
			labels = append(labels, c.Slug+":"+c.Title)
		}
		if want := []string{"markt:" + w.conf.Title, "archiv:Konferenz 2025"}; !slices.Equal(sortedStrings(labels), sortedStrings(want)) {
			t.Errorf("conference labels = %v, want %v", labels, want)
		}
		for _, f := range backend.SearchFacets {
			if p.Facets[f] == nil {
				t.Errorf("facet %s missing, want an entry (maybe empty) for every facet", f)
			}
		}
	})

	t.Run("OR within a facet, AND across facets", func(t *testing.T) {
		p := w.MustSearch(t, visitor, backend.SearchInput{Filters: map[string][]string{
			"topic": {"Umwelt", "Digitalisierung"}, "department": {"Bauamt"}, "year": {"2026"}}})
		if want := sortedIDs(w.radweg, w.akte); !slices.Equal(sortedIDs(itemIDs(p)...), want) {
			t.Errorf("ids = %v, want %v", itemIDs(p), want)
		}
	})
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func sortedStrings(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }

func TestSearchValidation(t *testing.T) {
	app, _ := MustNewApp(t)
	tests := []struct {
		name string
		in   backend.SearchInput
		want []string
	}{
		{"text too long", backend.SearchInput{Text: strings.Repeat("ä", backend.MaxSearchTextLen+1)}, []string{"q:too_long"}},
		{"text invalid UTF-8", backend.SearchInput{Text: "Rad\xffweg"}, []string{"q:encoding"}},
		{"unknown sort", backend.SearchInput{Sort: "title"}, []string{"sort:invalid"}},
		{"negative offset", backend.SearchInput{Offset: -1}, []string{"offset:range"}},
		{"deep offset", backend.SearchInput{Offset: backend.MaxSearchOffset + 1}, []string{"offset:range"}},
		{"negative limit", backend.SearchInput{Limit: -1}, []string{"limit:range"}},
		{"limit too large", backend.SearchInput{Limit: backend.MaxSearchPageSize + 1}, []string{"limit:range"}},
		{"conference not a number", backend.SearchInput{Filters: map[string][]string{"conference": {"markt"}}}, []string{"conference:type"}},
		{"conference zero", backend.SearchInput{Filters: map[string][]string{"conference": {"0"}}}, []string{"conference:type"}},
		{"year not a year", backend.SearchInput{Filters: map[string][]string{"year": {"20x6"}}}, []string{"year:type"}},
		{"filter value too long", backend.SearchInput{Filters: map[string][]string{"topic": {strings.Repeat("x", backend.MaxSearchFilterLen+1)}}}, []string{"topic:too_long"}},
		{"too many filter values", backend.SearchInput{Filters: map[string][]string{"status": manyValues(backend.MaxSearchFilterValues + 1)}}, []string{"status:too_many"}},
		{"unknown facet", backend.SearchInput{Filters: map[string][]string{"author": {"x"}}}, []string{"author:unknown"}},
		{"several at once", backend.SearchInput{Sort: "x", Limit: -5, Filters: map[string][]string{"year": {"abc"}}}, []string{"limit:range", "sort:invalid", "year:type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := app.SearchIdeas(t.Context(), backend.Actor{}, tt.in)
			wantFields(t, err, tt.want...)
		})
	}
	t.Run("bounds themselves are accepted", func(t *testing.T) {
		_, err := app.SearchIdeas(t.Context(), backend.Actor{}, backend.SearchInput{Text: strings.Repeat("ä", backend.MaxSearchTextLen),
			Offset: backend.MaxSearchOffset, Limit: backend.MaxSearchPageSize, Filters: map[string][]string{"status": manyValues(backend.MaxSearchFilterValues), "topic": {"  ", ""}}})
		if err != nil {
			t.Fatalf("err = %v, want none", err)
		}
	})
}

func manyValues(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "v" + strconv.Itoa(i)
	}
	return out
}

func TestSearchDegraded(t *testing.T) {
	w := MustSearchWorld(t)
	visitor := backend.Actor{}
	for _, tt := range []struct {
		name  string
		setup func(t *testing.T)
	}{
		{"without an index", func(t *testing.T) { w.app.Search = nil }},
		{"with the index down", func(t *testing.T) {
			ix := bleve.New(t.TempDir())
			if _, err := ix.Init(t.Context()); err != nil {
				t.Fatal(err)
			}
			ix.Close() // a closed index answers EUNAVAILABLE
			w.app.Search = ix
		}},
		// The server starts serving while the indexer retries opening an
		// index another process holds (`ideenmarkt reindex`, say).
		{"with the index not open yet", func(t *testing.T) { w.app.Search = bleve.New(t.TempDir()) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.setup(t)
			p := w.MustSearch(t, visitor, backend.SearchInput{})
			if !p.Degraded {
				t.Error("degraded = false, want true")
			}
			if want := []int64{w.alt, w.akte, w.baeume, w.radweg}; !slices.Equal(itemIDs(p), want) {
				t.Errorf("ids = %v, want %v (newest first, no hidden, no drafts)", itemIDs(p), want)
			}
			if got, want := facetOf(p, "topic"), map[string]int{"Umwelt": 3, "Digitalisierung": 1}; !mapsEqual(got, want) {
				t.Errorf("topic facet = %v, want %v", got, want)
			}

			p = w.MustSearch(t, visitor, backend.SearchInput{Text: "radweg", Filters: map[string][]string{"year": {"2026"}}})
			if want := []int64{w.radweg}; !slices.Equal(itemIDs(p), want) || p.Total != 1 {
				t.Errorf("ids = %v (total %d), want %v", itemIDs(p), p.Total, want)
			}
			if got, want := facetOf(p, "year"), map[string]int{"2026": 1, "2025": 1}; !mapsEqual(got, want) {
				t.Errorf("year facet = %v, want %v", got, want)
			}
			if len(p.Items[0].Highlights) != 0 {
				t.Errorf("highlights = %v, want none from the Store", p.Items[0].Highlights)
			}

			p = w.MustSearch(t, w.orga, backend.SearchInput{Text: "Radweg", Sort: "supports", Limit: 2, Offset: 1})
			if want := []int64{w.entwurf, w.alt}; !slices.Equal(itemIDs(p), want) || p.Total != 4 {
				t.Errorf("organiser page = %v (total %d), want %v of 4", itemIDs(p), p.Total, want)
			}
		})
	}
}

// Another instance's change to a conference reaches this instance's search
// within the conference cache's second, without a live feed.
func TestSearchSeesOtherInstancesConferenceChanges(t *testing.T) {
	w := MustSearchWorld(t)
	other := backend.NewApp(w.app.Store) // a second instance on the same database
	other.Now = w.app.Now
	visitor := backend.Actor{}
	if got := sortedIDs(itemIDs(w.MustSearch(t, visitor, backend.SearchInput{Text: "Radweg"}))...); !slices.Equal(got, sortedIDs(w.radweg, w.alt)) {
		t.Fatalf("before: ids = %v", got)
	}
	MustSetPhases(t, other, w.orga, "archiv", backend.PhaseClosed, backend.PhaseLive, backend.PhaseIdeas, backend.PhaseDraft)
	time.Sleep(1100 * time.Millisecond) // the cache's lifetime
	if got := itemIDs(w.MustSearch(t, visitor, backend.SearchInput{Text: "Radweg"})); !slices.Equal(got, []int64{w.radweg}) {
		t.Errorf("after: ids = %v, want only %d: archiv is a draft now", got, w.radweg)
	}
}

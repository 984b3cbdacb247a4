package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ideenmarkt/backend"
	"ideenmarkt/backend/bleve"
)

type searchPageJSON struct {
	Items []struct {
		ID              int64               `json:"id"`
		Title           string              `json:"title"`
		Topic           string              `json:"topic"`
		ConferenceSlug  string              `json:"conferenceSlug"`
		ConferenceTitle string              `json:"conferenceTitle"`
		Highlights      map[string][]string `json:"highlights"`
	} `json:"items"`
	Total  int `json:"total"`
	Facets map[string][]struct {
		Value string `json:"value"`
		Count int    `json:"count"`
	} `json:"facets"`
	Conferences []struct {
		ID    int64  `json:"id"`
		Slug  string `json:"slug"`
		Title string `json:"title"`
		Year  int    `json:"year"`
	} `json:"conferences"`
	Degraded bool `json:"degraded"`
}

func (p searchPageJSON) ids() []int64 {
	var out []int64
	for _, it := range p.Items {
		out = append(out, it.ID)
	}
	return out
}

// searchEnv is a server with a bleve index and one market ("markt", topics
// Digitalisierung and Mobilität) holding three ideas, one with HTML in its
// title, all indexed.
type searchEnv struct {
	*env
	ix      *bleve.Index
	visitor *client
	ideas   map[string]int64 // by title
}

func MustSearchEnv(tb testing.TB) *searchEnv {
	tb.Helper()
	e := &searchEnv{env: MustNewEnv(tb), ideas: map[string]int64{}}
	orga := e.client()
	orga.MustLogin(tb)
	code := mustMarket(tb, orga, "markt")
	anna := e.client()
	mustJoin(tb, anna, "markt", code, "Anna")
	for _, in := range []map[string]any{
		{"title": "Radwege zum Rathaus", "body": "Sichere Wege für Fahrräder.", "topic": "Mobilität"},
		{"title": "Radweg <b>fett</b> & \"mehr\"", "body": "<script>alert(1)</script> Radweg", "topic": "Mobilität"},
		{"title": "Digitale Akte", "body": "Weniger Papier.", "topic": "Digitalisierung"},
	} {
		idea := mustJSON[ideaJSON](tb, anna.Do(tb, http.MethodPost, "/api/v1/conferences/markt/ideas", in), http.StatusCreated)
		e.ideas[idea.Title] = idea.ID
	}
	e.ix = bleve.New(tb.TempDir())
	if _, err := e.ix.Init(tb.Context()); err != nil {
		tb.Fatalf("init index: %v", err)
	}
	tb.Cleanup(func() { e.ix.Close() })
	c, err := e.store.FindConferenceBySlug(tb.Context(), "markt")
	if err != nil {
		tb.Fatal(err)
	}
	ideas, _, err := e.store.FindIdeas(tb.Context(), backend.IdeaFilter{ConferenceID: c.ID, IncludeHidden: true})
	if err != nil {
		tb.Fatal(err)
	}
	var ids []int64
	for _, i := range ideas {
		ids = append(ids, i.ID)
	}
	docs, _, err := e.app.SearchUpdates(tb.Context(), ids) // the documents the production indexer builds
	if err != nil {
		tb.Fatalf("search documents: %v", err)
	}
	if err := e.ix.Index(tb.Context(), docs); err != nil {
		tb.Fatalf("index: %v", err)
	}
	e.app.Search = e.ix
	e.visitor = e.client()
	return e
}

// onlyMarks reports whether s is HTML with no tag but <mark> and </mark>.
var anyTag = regexp.MustCompile(`<[^>]*>`)

func onlyMarks(s string) bool {
	for _, tag := range anyTag.FindAllString(s, -1) {
		if tag != "<mark>" && tag != "</mark>" {
			return false
		}
	}
	return !strings.ContainsAny(anyTag.ReplaceAllString(s, ""), "<>")
}

func TestSearchOverHTTP(t *testing.T) {
	e := MustSearchEnv(t)

	t.Run("a visitor finds ideas with highlights, facets and conference labels", func(t *testing.T) {
		p := mustJSON[searchPageJSON](t, e.visitor.Do(t, http.MethodGet, "/api/v1/search?q=Radwege", nil), http.StatusOK)
		i := slices.Index(p.ids(), e.ideas["Radwege zum Rathaus"])
		if p.Degraded || p.Total != 2 || i < 0 {
			t.Fatalf("page = %+v, want the two bike-lane ideas (Radwege and Radweg share a stem)", p)
		}
		it := p.Items[i]
		if it.ConferenceSlug != "markt" || it.ConferenceTitle != "Mitarbeiterkonferenz 2026" {
			t.Errorf("conference = %q %q", it.ConferenceSlug, it.ConferenceTitle)
		}
		if got := strings.Join(it.Highlights["title"], ""); !strings.Contains(got, "<mark>Radwege</mark>") {
			t.Errorf("title highlight = %q", got)
		}
		for _, f := range []string{"conference", "year", "topic", "department", "status", "session"} {
			if _, ok := p.Facets[f]; !ok {
				t.Errorf("facet %s missing", f)
			}
		}
		if len(p.Conferences) != 1 || p.Conferences[0].Slug != "markt" || p.Conferences[0].Year != 2026 ||
			len(p.Facets["conference"]) != 1 || p.Facets["conference"][0].Value != strconv.FormatInt(p.Conferences[0].ID, 10) {
			t.Errorf("conference facet %+v, labels %+v: want one value labelled markt", p.Facets["conference"], p.Conferences)
		}
	})

	t.Run("repeated parameters are OR within a facet", func(t *testing.T) {
		all := mustJSON[searchPageJSON](t, e.visitor.Do(t, http.MethodGet, "/api/v1/search?topic=Mobilit%C3%A4t&topic=Digitalisierung", nil), http.StatusOK)
		one := mustJSON[searchPageJSON](t, e.visitor.Do(t, http.MethodGet, "/api/v1/search?topic=Digitalisierung", nil), http.StatusOK)
		if all.Total != 3 || one.Total != 1 || one.Items[0].Topic != "Digitalisierung" {
			t.Errorf("totals = %d and %d, want 3 and 1", all.Total, one.Total)
		}
	})

	t.Run("paging and sort", func(t *testing.T) {
		var seen []int64
		for offset := 0; offset < 4; offset += 2 {
			p := mustJSON[searchPageJSON](t, e.visitor.Do(t, http.MethodGet, fmt.Sprintf("/api/v1/search?sort=newest&limit=2&offset=%d", offset), nil), http.StatusOK)
			seen = append(seen, p.ids()...)
		}
		if want := []int64{e.ideas["Digitale Akte"], e.ideas[`Radweg <b>fett</b> & "mehr"`], e.ideas["Radwege zum Rathaus"]}; !slices.Equal(seen, want) {
			t.Errorf("pages = %v, want %v", seen, want)
		}
	})

	t.Run("HTML in ideas comes back escaped, with <mark> as the only tag", func(t *testing.T) {
		p := mustJSON[searchPageJSON](t, e.visitor.Do(t, http.MethodGet, "/api/v1/search?q=fett+Radweg", nil), http.StatusOK)
		var found bool
		for _, it := range p.Items {
			for field, frags := range it.Highlights {
				for _, f := range frags {
					if !onlyMarks(f) {
						t.Errorf("idea %d %s highlight %q has markup other than <mark>", it.ID, field, f)
					}
				}
			}
			if it.ID == e.ideas[`Radweg <b>fett</b> & "mehr"`] {
				found = true
				if got := strings.Join(it.Highlights["title"], ""); !strings.Contains(got, "&lt;b&gt;") || !strings.Contains(got, "&amp;") {
					t.Errorf("title highlight = %q, want the <b> and & escaped", got)
				}
			}
		}
		if !found {
			t.Errorf("ids = %v, want the idea with HTML in its title", p.ids())
		}
	})

	t.Run("degraded without an index", func(t *testing.T) {
		e.app.Search = nil
		defer func() { e.app.Search = e.ix }()
		p := mustJSON[searchPageJSON](t, e.visitor.Do(t, http.MethodGet, "/api/v1/search", nil), http.StatusOK)
		if !p.Degraded || p.Total != 3 {
			t.Errorf("degraded = %v, total = %d; want true, 3", p.Degraded, p.Total)
		}
	})
}

// TestSearchNastyQueries sends hostile and broken parameters: each gets a
// 200 or a 4xx problem with per-field messages, never a 5xx.
func TestSearchNastyQueries(t *testing.T) {
	e := MustSearchEnv(t)
	q := func(s string) string { return "/api/v1/search?q=" + url.QueryEscape(s) }
	tests := []struct {
		name   string
		path   string
		status int
		fields []string // for 422
	}{
		{"text at the bound", q(strings.Repeat("ä", backend.MaxSearchTextLen)), 200, nil},
		{"text too long", q(strings.Repeat("ä", backend.MaxSearchTextLen+1)), 422, []string{"q:too_long"}},
		{"text of 3,000 characters", q(strings.Repeat("Radweg ", 430)), 422, []string{"q:too_long"}},
		{"invalid UTF-8", "/api/v1/search?q=Rad%FFweg", 422, []string{"q:encoding"}},
		{"Unicode", q("Fahrräder 🚲 straße ÑANDÚ 東京 ‮rtl"), 200, nil},
		{"HTML", q(`<script>alert(1)</script><img src=x onerror=alert(1)> Radweg`), 200, nil},
		{"SQL", q(`Radweg'; DROP TABLE ideas; -- " OR 1=1`), 200, nil},
		{"query syntax of search engines", q(`+title:Radweg -body:* ~2 ^3 "unclosed (a OR b) AND NOT c\`), 200, nil},
		{"a NUL byte", "/api/v1/search?q=Rad%00weg", 200, nil},
		{"only white space", q(" \t\n "), 200, nil},
		{"bad sort", "/api/v1/search?sort=title", 422, []string{"sort:invalid"}},
		{"sort injection", "/api/v1/search?sort=" + url.QueryEscape("newest; DROP TABLE ideas"), 422, []string{"sort:invalid"}},
		{"negative limit", "/api/v1/search?limit=-1", 422, []string{"limit:type"}},
		{"limit too large", "/api/v1/search?limit=1000", 422, []string{"limit:range"}},
		{"limit absurd", "/api/v1/search?limit=99999999999999999999999", 422, []string{"limit:type"}},
		{"offset not a number", "/api/v1/search?offset=zwei", 422, []string{"offset:type"}},
		{"deep offset", "/api/v1/search?offset=10001", 422, []string{"offset:range"}},
		{"conference not a number", "/api/v1/search?conference=markt", 422, []string{"conference:type"}},
		{"conference negative", "/api/v1/search?conference=-3", 422, []string{"conference:type"}},
		{"conference unknown", "/api/v1/search?conference=424242", 200, nil},
		{"year not a number", "/api/v1/search?year=2026a", 422, []string{"year:type"}},
		{"topic too long", "/api/v1/search?topic=" + strings.Repeat("x", 201), 422, []string{"topic:too_long"}},
		{"too many topics", "/api/v1/search?" + manyTopics(51), 422, []string{"topic:too_many"}},
		{"several problems", "/api/v1/search?sort=x&conference=y&limit=500", 422, []string{"conference:type", "limit:range", "sort:invalid"}},
		{"unknown parameters are ignored", "/api/v1/search?author=x&q[]=y", 200, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.visitor.Do(t, http.MethodGet, tt.path, nil)
			if r.Status >= 500 {
				t.Fatalf("status %d for bad input; body %.300s", r.Status, r.Body)
			}
			if tt.status == http.StatusOK {
				p := mustJSON[searchPageJSON](t, r, http.StatusOK)
				for _, it := range p.Items {
					for _, frags := range it.Highlights {
						for _, f := range frags {
							if !onlyMarks(f) {
								t.Errorf("highlight %q has markup other than <mark>", f)
							}
						}
					}
				}
				return
			}
			p := mustProblem(t, r, tt.status, backend.EINVALID)
			if got := fieldCodes(t, p); !slices.Equal(got, tt.fields) {
				t.Errorf("fields = %v, want %v", got, tt.fields)
			}
		})
	}

	t.Run("a URL too long for the server is refused, not a 5xx", func(t *testing.T) {
		if got := e.rawGetStatus(t, q(strings.Repeat("Radweg ", 3000))); got != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("status = %d, want 431", got)
		}
	})
}

// manyTopics is n distinct topic parameters (repeated values count once).
func manyTopics(n int) string {
	var ps []string
	for i := range n {
		ps = append(ps, "topic=t"+strconv.Itoa(i))
	}
	return strings.Join(ps, "&")
}

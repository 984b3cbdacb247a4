package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

type ideaJSON struct {
	ID           int64  `json:"id"`
	Title        string `json:"title"`
	Body         string `json:"body"`
	Topic        string `json:"topic"`
	AuthorName   string `json:"authorName"`
	Anonymous    bool   `json:"anonymous"`
	SupportCount int    `json:"supportCount"`
	Supported    bool   `json:"supported"`
	Mine         bool   `json:"mine"`
	CanEdit      bool   `json:"canEdit"`
	Version      int    `json:"version"`
}

// mustMarket creates a conference in the ideas phase with topics and returns
// its join code.
func mustMarket(tb testing.TB, orga *client, slug string) string {
	tb.Helper()
	body := conferenceBody(slug)
	body["topics"] = []string{"Digitalisierung", "Mobilität"}
	body["departments"] = []string{"Amt 10", "Amt 61"}
	conf := mustJSON[conferenceJSON](tb, orga.Do(tb, http.MethodPost, "/api/v1/conferences", body), http.StatusCreated)
	mustJSON[conferenceJSON](tb, orga.Do(tb, http.MethodPost, "/api/v1/conferences/"+slug+"/phase", map[string]any{"phase": "ideas"}), http.StatusOK)
	return *conf.JoinCode
}

func mustJoin(tb testing.TB, c *client, slug, code, name string) {
	tb.Helper()
	r := c.Do(tb, http.MethodPost, "/api/v1/conferences/"+slug+"/join", map[string]any{"code": code, "displayName": name, "department": "Amt 10"})
	if r.Status != http.StatusOK {
		tb.Fatalf("join as %s: status %d, body %s", name, r.Status, r.Body)
	}
	if c.cookie("ideenmarkt_participant") == "" {
		tb.Fatal("join set no participant cookie")
	}
}

func TestIdeaMarketOverHTTP(t *testing.T) {
	e := MustNewEnv(t)
	orga := e.client()
	orga.MustLogin(t)
	code := mustMarket(t, orga, "markt")

	anna, ben, visitor := e.client(), e.client(), e.client()

	t.Run("a wrong join code is a field error and sets no cookie", func(t *testing.T) {
		r := visitor.Do(t, http.MethodPost, "/api/v1/conferences/markt/join", map[string]any{"code": "AAAAAA", "displayName": "Mallory"})
		p := mustProblem(t, r, http.StatusUnprocessableEntity, "invalid")
		if got := strings.Join(fieldCodes(t, p), ","); got != "code:wrong" {
			t.Fatalf("fields = %s, want code:wrong", got)
		}
		if visitor.cookie("ideenmarkt_participant") != "" {
			t.Fatal("a failed join set the participant cookie")
		}
	})
	mustJoin(t, anna, "markt", strings.ToLower(code[:3])+"-"+code[3:], "Anna")
	mustJoin(t, ben, "markt", code, "Ben")

	var idea ideaJSON
	t.Run("a participant submits an idea with HTML and SQL kept verbatim", func(t *testing.T) {
		body := "Mehr <script>alert(1)</script> [Link](javascript:alert(1)) '; DROP TABLE ideas; --"
		idea = mustJSON[ideaJSON](t, anna.Do(t, http.MethodPost, "/api/v1/conferences/markt/ideas",
			map[string]any{"title": "  Dienstfahrräder für alle  ", "body": body, "topic": "Mobilität"}), http.StatusCreated)
		if idea.Title != "Dienstfahrräder für alle" || idea.Body != body || idea.AuthorName != "Anna" || !idea.Mine || !idea.CanEdit {
			t.Fatalf("idea = %+v", idea)
		}
	})
	t.Run("visitors may read but not submit", func(t *testing.T) {
		got := mustJSON[ideaJSON](t, visitor.Do(t, http.MethodGet, fmt.Sprintf("/api/v1/ideas/%d", idea.ID), nil), http.StatusOK)
		if got.Title != idea.Title || got.Mine || got.CanEdit {
			t.Fatalf("visitor view = %+v", got)
		}
		mustProblem(t, visitor.Do(t, http.MethodPost, "/api/v1/conferences/markt/ideas", map[string]any{"title": "Geht nicht", "topic": "Mobilität"}), http.StatusUnauthorized, "unauthorized")
	})
	t.Run("bad idea input gets per-field messages and stores nothing", func(t *testing.T) {
		cases := []struct {
			body   any
			status int
			fields string
		}{
			{map[string]any{"title": "", "topic": "Mobilität"}, 422, "title:required"},
			{map[string]any{"title": "ab", "topic": "Unbekannt"}, 422, "title:too_short,topic:unknown"},
			{map[string]any{"title": strings.Repeat("ä", 141), "topic": "Mobilität", "body": strings.Repeat("x", 10001)}, 422, "body:too_long,title:too_long"},
			{map[string]any{"title": 42, "anonymous": "yes"}, 400, "anonymous:type,title:type"},
			{"[1,2]", 400, "body:malformed"},
		}
		for _, c := range cases {
			p := mustProblem(t, anna.Do(t, http.MethodPost, "/api/v1/conferences/markt/ideas", c.body), c.status, "invalid")
			if got := strings.Join(fieldCodes(t, p), ","); got != c.fields {
				t.Errorf("body %v: fields = %s, want %s", c.body, got, c.fields)
			}
		}
		list := mustJSON[struct{ Total int }](t, anna.Do(t, http.MethodGet, "/api/v1/conferences/markt/ideas", nil), http.StatusOK)
		if list.Total != 1 {
			t.Fatalf("total = %d after rejected submissions, want 1", list.Total)
		}
	})
	t.Run("supports are idempotent and counted", func(t *testing.T) {
		path := fmt.Sprintf("/api/v1/ideas/%d/support", idea.ID)
		for _, step := range []struct {
			c      *client
			method string
			want   int
		}{{ben, http.MethodPut, 1}, {ben, http.MethodPut, 1}, {anna, http.MethodPut, 2}, {ben, http.MethodDelete, 1}, {ben, http.MethodDelete, 1}} {
			got := mustJSON[struct{ SupportCount int }](t, step.c.Do(t, step.method, path, nil), http.StatusOK)
			if got.SupportCount != step.want {
				t.Fatalf("%s support: count = %d, want %d", step.method, got.SupportCount, step.want)
			}
		}
		mustProblem(t, visitor.Do(t, http.MethodPut, path, nil), http.StatusUnauthorized, "unauthorized")
	})
	t.Run("only the author edits, and the old text is kept for moderators", func(t *testing.T) {
		path := fmt.Sprintf("/api/v1/ideas/%d", idea.ID)
		mustProblem(t, ben.Do(t, http.MethodPatch, path, map[string]any{"title": "Gekapert"}), http.StatusForbidden, "forbidden")
		got := mustJSON[ideaJSON](t, anna.Do(t, http.MethodPatch, path, map[string]any{"title": "Dienstfahrräder für alle Ämter", "version": idea.Version}), http.StatusOK)
		if got.Title != "Dienstfahrräder für alle Ämter" || got.Version != idea.Version+1 {
			t.Fatalf("after edit = %+v", got)
		}
		mustProblem(t, anna.Do(t, http.MethodPatch, path, map[string]any{"title": "Alte Version", "version": idea.Version}), http.StatusConflict, "conflict")
		versions := mustJSON[struct{ Items []struct{ Title string } }](t, orga.Do(t, http.MethodGet, path+"/versions", nil), http.StatusOK)
		if len(versions.Items) != 1 || versions.Items[0].Title != "Dienstfahrräder für alle" {
			t.Fatalf("versions = %+v, want the original title", versions.Items)
		}
		mustProblem(t, ben.Do(t, http.MethodGet, path+"/versions", nil), http.StatusForbidden, "forbidden")
	})
	t.Run("an anonymous idea shows no author to anyone but stays the author's", func(t *testing.T) {
		anon := mustJSON[ideaJSON](t, ben.Do(t, http.MethodPost, "/api/v1/conferences/markt/ideas",
			map[string]any{"title": "Anonyme Idee", "topic": "Digitalisierung", "anonymous": true}), http.StatusCreated)
		path := fmt.Sprintf("/api/v1/ideas/%d", anon.ID)
		for name, c := range map[string]*client{"organiser": orga, "colleague": anna, "visitor": visitor, "author": ben} {
			r := c.Do(t, http.MethodGet, path, nil)
			if strings.Contains(string(r.Body), "Ben") {
				t.Errorf("%s sees the author's name: %s", name, r.Body)
			}
		}
		if got := mustJSON[ideaJSON](t, ben.Do(t, http.MethodGet, path, nil), http.StatusOK); !got.Mine || !got.CanEdit {
			t.Fatalf("author view = %+v, want mine and editable", got)
		}
	})
	t.Run("ids that are not numbers or not there are 404", func(t *testing.T) {
		for _, p := range []string{"/api/v1/ideas/abc", "/api/v1/ideas/-1", "/api/v1/ideas/999999", "/api/v1/ideas/99999999999999999999"} {
			mustProblem(t, anna.Do(t, http.MethodGet, p, nil), http.StatusNotFound, "not_found")
		}
	})
	t.Run("sorting by supports and bad sort values", func(t *testing.T) {
		list := mustJSON[struct{ Items []ideaJSON }](t, visitor.Do(t, http.MethodGet, "/api/v1/conferences/markt/ideas?sort=supports", nil), http.StatusOK)
		if len(list.Items) != 2 || list.Items[0].ID != idea.ID {
			t.Fatalf("sorted by supports = %+v, want the supported idea first", list.Items)
		}
		p := mustProblem(t, visitor.Do(t, http.MethodGet, "/api/v1/conferences/markt/ideas?sort=best", nil), http.StatusUnprocessableEntity, "invalid")
		if got := strings.Join(fieldCodes(t, p), ","); got != "sort:invalid" {
			t.Fatalf("fields = %s", got)
		}
	})
	t.Run("membership tells whether this browser joined", func(t *testing.T) {
		var m struct {
			Participant *struct{ DisplayName string } `json:"participant"`
		}
		m = mustJSON[struct {
			Participant *struct{ DisplayName string } `json:"participant"`
		}](t, anna.Do(t, http.MethodGet, "/api/v1/conferences/markt/membership", nil), http.StatusOK)
		if m.Participant == nil || m.Participant.DisplayName != "Anna" {
			t.Fatalf("membership = %+v, want Anna", m.Participant)
		}
		m = mustJSON[struct {
			Participant *struct{ DisplayName string } `json:"participant"`
		}](t, visitor.Do(t, http.MethodGet, "/api/v1/conferences/markt/membership", nil), http.StatusOK)
		if m.Participant != nil {
			t.Fatalf("visitor membership = %+v, want null", m.Participant)
		}
	})
}

func TestIdeaListAcceptsLargeSeeds(t *testing.T) {
	e := MustNewEnv(t)
	orga := e.client()
	orga.MustLogin(t)
	mustMarket(t, orga, "saat")
	for _, seed := range []string{"0", "2147483647", "4294967295", "999999999999"} {
		r := orga.Do(t, http.MethodGet, "/api/v1/conferences/saat/ideas?sort=random&seed="+seed, nil)
		if r.Status != http.StatusOK {
			t.Errorf("seed %s: status %d, body %s", seed, r.Status, r.Body)
		}
	}
	mustProblem(t, orga.Do(t, http.MethodGet, "/api/v1/conferences/saat/ideas?seed=99999999999999999999", nil), http.StatusUnprocessableEntity, "invalid")
}

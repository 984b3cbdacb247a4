package web_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"ideenmarkt/backend"
)

func TestConferenceCRUD(t *testing.T) {
	e := MustNewEnv(t)
	orga, anon := e.client(), e.client()
	orga.MustLogin(t)

	r := orga.Do(t, http.MethodPost, "/api/v1/conferences", conferenceBody("Herbst-2026"))
	created := mustJSON[conferenceJSON](t, r, http.StatusCreated)
	t.Run("create answers 201 with Location, a draft and a join code", func(t *testing.T) {
		if loc := r.Header.Get("Location"); loc != "/api/v1/conferences/herbst-2026" {
			t.Errorf("Location = %q, want /api/v1/conferences/herbst-2026", loc)
		}
		if created.Slug != "herbst-2026" || created.Phase != "draft" || created.Version != 1 || created.Capacity != 450 {
			t.Errorf("created = %+v, want slug herbst-2026, draft, version 1, capacity 450", created)
		}
		if created.JoinCode == nil || len(*created.JoinCode) != 6 || len(created.NextPhases) == 0 {
			t.Errorf("organiser view: joinCode %v, nextPhases %v; want both", created.JoinCode, created.NextPhases)
		}
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store on the API", cc)
		}
	})
	t.Run("the organiser reads it back", func(t *testing.T) {
		got := mustJSON[conferenceJSON](t, orga.Do(t, http.MethodGet, "/api/v1/conferences/herbst-2026", nil), http.StatusOK)
		if got.ID != created.ID || got.Title != created.Title || got.JoinCode == nil || *got.JoinCode != *created.JoinCode {
			t.Errorf("got %+v, want %+v", got, created)
		}
	})
	t.Run("a draft is 404 for anonymous visitors, in get and list", func(t *testing.T) {
		mustProblem(t, anon.Do(t, http.MethodGet, "/api/v1/conferences/herbst-2026", nil), http.StatusNotFound, backend.ENOTFOUND)
		if l := mustJSON[listJSON](t, anon.Do(t, http.MethodGet, "/api/v1/conferences", nil), http.StatusOK); l.Total != 0 || len(l.Items) != 0 {
			t.Errorf("anonymous list = %+v, want empty", l)
		}
	})
	t.Run("anonymous writes are 401", func(t *testing.T) {
		mustProblem(t, anon.Do(t, http.MethodPost, "/api/v1/conferences", conferenceBody("anon")), http.StatusUnauthorized, backend.EUNAUTHORIZED)
		mustProblem(t, anon.Do(t, http.MethodPatch, "/api/v1/conferences/herbst-2026", map[string]any{"title": "Gekapert"}), http.StatusUnauthorized, backend.EUNAUTHORIZED)
		mustProblem(t, anon.Do(t, http.MethodPost, "/api/v1/conferences/herbst-2026/phase", map[string]any{"phase": "ideas"}), http.StatusUnauthorized, backend.EUNAUTHORIZED)
		mustProblem(t, anon.Do(t, http.MethodPost, "/api/v1/conferences/herbst-2026/join-code", nil), http.StatusUnauthorized, backend.EUNAUTHORIZED)
	})
	t.Run("patch edits and bumps the version", func(t *testing.T) {
		got := mustJSON[conferenceJSON](t, orga.Do(t, http.MethodPatch, "/api/v1/conferences/herbst-2026", map[string]any{"title": "Herbstkonferenz", "version": 1}), http.StatusOK)
		if got.Title != "Herbstkonferenz" || got.Version != 2 || got.Venue != "Rathaus" {
			t.Errorf("patched = %+v, want the new title, version 2 and the old venue", got)
		}
	})
	t.Run("patch with a stale version is 409", func(t *testing.T) {
		mustProblem(t, orga.Do(t, http.MethodPatch, "/api/v1/conferences/herbst-2026", map[string]any{"title": "Zu spät", "version": 1}), http.StatusConflict, backend.ECONFLICT)
	})
	t.Run("phase moves to ideas and the conference becomes public without its join code", func(t *testing.T) {
		got := mustJSON[conferenceJSON](t, orga.Do(t, http.MethodPost, "/api/v1/conferences/herbst-2026/phase", map[string]any{"phase": "ideas"}), http.StatusOK)
		if got.Phase != "ideas" {
			t.Fatalf("phase = %s, want ideas", got.Phase)
		}
		pub := anon.Do(t, http.MethodGet, "/api/v1/conferences/herbst-2026", nil)
		view := mustJSON[conferenceJSON](t, pub, http.StatusOK)
		if view.Title != "Herbstkonferenz" || strings.Contains(string(pub.Body), "joinCode") || strings.Contains(string(pub.Body), "nextPhases") {
			t.Errorf("anonymous view = %s, want the conference without joinCode and nextPhases", pub.Body)
		}
		list := anon.Do(t, http.MethodGet, "/api/v1/conferences", nil)
		if l := mustJSON[listJSON](t, list, http.StatusOK); l.Total != 1 || strings.Contains(string(list.Body), *created.JoinCode) {
			t.Errorf("anonymous list = %s, want 1 item without the join code", list.Body)
		}
	})
	t.Run("an illegal phase move is 409", func(t *testing.T) {
		mustProblem(t, orga.Do(t, http.MethodPost, "/api/v1/conferences/herbst-2026/phase", map[string]any{"phase": "archived"}), http.StatusConflict, backend.ECONFLICT)
	})
	t.Run("an unknown phase is 422 on field phase", func(t *testing.T) {
		p := mustProblem(t, orga.Do(t, http.MethodPost, "/api/v1/conferences/herbst-2026/phase", map[string]any{"phase": "bogus"}), http.StatusUnprocessableEntity, backend.EINVALID)
		if got := fieldCodes(t, p); len(got) != 1 || got[0] != "phase:invalid" {
			t.Errorf("fields = %v, want [phase:invalid]", got)
		}
	})
	t.Run("a taken slug is 409 with field slug", func(t *testing.T) {
		p := mustProblem(t, orga.Do(t, http.MethodPost, "/api/v1/conferences", conferenceBody("herbst-2026")), http.StatusConflict, backend.ECONFLICT)
		if got := fieldCodes(t, p); len(got) != 1 || got[0] != "slug:taken" {
			t.Errorf("fields = %v, want [slug:taken]", got)
		}
	})
	t.Run("a new join code replaces the old one", func(t *testing.T) {
		got := mustJSON[conferenceJSON](t, orga.Do(t, http.MethodPost, "/api/v1/conferences/herbst-2026/join-code", nil), http.StatusOK)
		if got.JoinCode == nil || *got.JoinCode == *created.JoinCode || strings.Trim(*got.JoinCode, "ACDEFGHJKMNPQRTWXY34679") != "" {
			t.Errorf("join code = %v, want a new valid one (old %s)", got.JoinCode, *created.JoinCode)
		}
	})
	t.Run("unknown conferences are 404 for every method", func(t *testing.T) {
		mustProblem(t, orga.Do(t, http.MethodGet, "/api/v1/conferences/gibt-es-nicht", nil), http.StatusNotFound, backend.ENOTFOUND)
		mustProblem(t, orga.Do(t, http.MethodPatch, "/api/v1/conferences/gibt-es-nicht", map[string]any{"title": "Egal wie"}), http.StatusNotFound, backend.ENOTFOUND)
		mustProblem(t, orga.Do(t, http.MethodPost, "/api/v1/conferences/gibt-es-nicht/phase", map[string]any{"phase": "ideas"}), http.StatusNotFound, backend.ENOTFOUND)
		mustProblem(t, orga.Do(t, http.MethodPost, "/api/v1/conferences/gibt-es-nicht/join-code", nil), http.StatusNotFound, backend.ENOTFOUND)
	})
	t.Run("odd slugs in the path are 404, never 500", func(t *testing.T) {
		for _, p := range []string{"%00", "%FF%FE", "%27%3B%20DROP%20TABLE%20conferences%3B--", "..%2F..%2Fetc", strings.Repeat("a", 2000)} {
			mustProblem(t, orga.Do(t, http.MethodGet, "/api/v1/conferences/"+p, nil), http.StatusNotFound, backend.ENOTFOUND)
		}
	})
}

func TestConferenceListPaging(t *testing.T) {
	e := MustNewEnv(t)
	c := e.client()
	c.MustLogin(t)
	for _, s := range []string{"a-1", "a-2", "a-3"} {
		c.MustCreate(t, s)
	}
	tests := []struct {
		query     string
		wantItems int
	}{
		{"", 3}, {"?limit=2", 2}, {"?offset=2", 1}, {"?offset=3", 0}, {"?limit=0", 3}, {"?limit=100000", 3}, {"?offset=999999999", 0}, {"?limit=%202%20", 2},
	}
	for _, tt := range tests {
		t.Run("list"+tt.query, func(t *testing.T) {
			l := mustJSON[listJSON](t, c.Do(t, http.MethodGet, "/api/v1/conferences"+tt.query, nil), http.StatusOK)
			if len(l.Items) != tt.wantItems || l.Total != 3 {
				t.Errorf("items %d total %d, want %d of 3", len(l.Items), l.Total, tt.wantItems)
			}
		})
	}
	for _, q := range []string{"limit=abc", "limit=-1", "limit=1.5", "limit=1e3", "offset=abc", "limit=99999999999999999999999"} {
		t.Run("?"+q+" is 422 on its field", func(t *testing.T) {
			field, _, _ := strings.Cut(q, "=")
			p := mustProblem(t, c.Do(t, http.MethodGet, "/api/v1/conferences?"+q, nil), http.StatusUnprocessableEntity, backend.EINVALID)
			if got := fieldCodes(t, p); len(got) != 1 || got[0] != field+":type" {
				t.Errorf("fields = %v, want [%s:type]", got, field)
			}
		})
	}
}

func TestConcurrentCreatesOfOneSlug(t *testing.T) {
	e := MustNewEnv(t)
	c := e.client()
	c.MustLogin(t)
	const n = 20
	var wg sync.WaitGroup
	statuses := make([]int, n)
	bodies := make([]string, n)
	for i := range n {
		wg.Go(func() {
			r, err := c.try(http.MethodPost, "/api/v1/conferences", conferenceBody("ansturm"), nil)
			if err != nil {
				t.Errorf("request %d: %v", i, err)
				return
			}
			statuses[i], bodies[i] = r.Status, string(r.Body)
		})
	}
	wg.Wait()
	count := map[int]int{}
	for i, s := range statuses {
		count[s]++
		if s == http.StatusConflict && !strings.Contains(bodies[i], `"field":"slug"`) {
			t.Errorf("409 body %s, want field slug", bodies[i])
		}
	}
	if count[http.StatusCreated] != 1 || count[http.StatusConflict] != n-1 {
		t.Fatalf("statuses = %v, want exactly one 201 and %d 409", count, n-1)
	}
	if got := e.total(t); got != 1 {
		t.Fatalf("conferences = %d, want 1", got)
	}
}

package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"ideenmarkt/backend"
)

// nasty is one hostile or broken request body and the answer it must get.
type nasty struct {
	name   string
	body   any      // string or []byte: sent as is; anything else: as JSON
	status int      // 400 malformed, 413 too large, 422 invalid
	fields []string // sorted "field:code"; nil for 413
}

// with returns a valid create body with key set to v (or removed if v is
// the string "<absent>").
func with(slug, key string, v any) map[string]any {
	b := conferenceBody(slug)
	if v == "<absent>" {
		delete(b, key)
	} else {
		b[key] = v
	}
	return b
}

// bodyCases are refused before any field is looked at, on every endpoint.
var bodyCases = []nasty{
	{"empty body", "", 400, []string{"body:required"}},
	{"white space only", " \n\t ", 400, []string{"body:required"}},
	{"null", "null", 400, []string{"body:malformed"}},
	{"an array", "[]", 400, []string{"body:malformed"}},
	{"a string", `"x"`, 400, []string{"body:malformed"}},
	{"a number", "42", 400, []string{"body:malformed"}},
	{"malformed JSON", "{slug: 'a'}", 400, []string{"body:malformed"}},
	{"truncated JSON", `{"slug":"a","title":"Mitarb`, 400, []string{"body:malformed"}},
	{"trailing comma", `{"slug":"a",}`, 400, []string{"body:malformed"}},
	{"two objects", `{"slug":"a"}{"slug":"b"}`, 400, []string{"body:malformed"}},
	{"a raw NUL byte inside a string", "{\"title\":\"a\x00b\"}", 400, []string{"body:malformed"}},
	{"invalid UTF-8 bytes", []byte("{\"title\":\"Konferenz \xff\xfe\"}"), 400, []string{"body:encoding"}},
	{"more than 2 MiB", `{"description":"` + strings.Repeat("x", 2<<20) + `"}`, 413, nil},
}

// runNasty sends each case and checks the problem; unchanged runs after all
// cases to prove that nothing was half-stored.
func runNasty(t *testing.T, c *client, method, path string, cases []nasty) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			var r response
			if tt.status == http.StatusRequestEntityTooLarge {
				r = c.DoTooLarge(t, method, path, len(tt.body.(string)))
			} else {
				r = c.Do(t, method, path, tt.body)
			}
			if r.Status >= 500 {
				t.Fatalf("status %d for bad input; body %.300s", r.Status, r.Body)
			}
			p := mustProblem(t, r, tt.status, backend.EINVALID)
			if got := fieldCodes(t, p); !slices.Equal(got, tt.fields) {
				t.Errorf("fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestNastyCreateConference(t *testing.T) {
	e := MustNewEnv(t)
	c := e.client()
	c.MustLogin(t)
	c.MustCreate(t, "vorhanden")
	before := e.total(t)

	cases := append(slices.Clone(bodyCases), []nasty{
		{"an empty object", map[string]any{}, 422, []string{"endsAt:required", "slug:required", "startsAt:required", "title:required"}},
		{"null fields count as absent", with("n", "title", nil), 422, []string{"title:required"}},
		{"a number for title", with("n", "title", 42), 400, []string{"title:type"}},
		{"true for title", with("n", "title", true), 400, []string{"title:type"}},
		{"an object for title", with("n", "title", map[string]any{"de": "x"}), 400, []string{"title:type"}},
		{"a number for slug", with("n", "slug", 7), 400, []string{"slug:type"}},
		{"an array for venue", with("n", "venue", []string{"Saal"}), 400, []string{"venue:type"}},
		{"a string for capacity", with("n", "capacity", "450"), 400, []string{"capacity:type"}},
		{"a fraction for capacity", with("n", "capacity", 1.5), 400, []string{"capacity:type"}},
		{"an overflowing capacity", `{"capacity": 99999999999999999999999}`, 400, []string{"capacity:type"}},
		{"tomorrow for startsAt", with("n", "startsAt", "tomorrow"), 400, []string{"startsAt:type"}},
		{"a date without time for startsAt", with("n", "startsAt", "2026-11-25"), 400, []string{"startsAt:type"}},
		{"a Unix time for endsAt", with("n", "endsAt", 1764057600), 400, []string{"endsAt:type"}},
		{"several wrong types at once", `{"title":1,"capacity":"x","startsAt":false}`, 400, []string{"capacity:type", "startsAt:type", "title:type"}},
		{"unknown field id", with("n", "id", 1), 400, []string{"id:unknown"}},
		{"unknown field phase", with("n", "phase", "live"), 400, []string{"phase:unknown"}},
		{"unknown field joinCode", with("n", "joinCode", "AAAAAA"), 400, []string{"joinCode:unknown"}},
		{"a field in the wrong case", map[string]any{"Slug": "gross"}, 400, []string{"Slug:unknown"}},
		{"a 10,001-character description", with("n", "description", strings.Repeat("ö", 10001)), 422, []string{"description:too_long"}},
		{"1.9 MiB of description is still a validation error, not 413", with("n", "description", strings.Repeat("x", 1900<<10)), 422, []string{"description:too_long"}},
		{"a 141-character title", with("n", "title", strings.Repeat("🗳", 141)), 422, []string{"title:too_long"}},
		{"a NUL escape in title", with("n", "title", "Konferenz\u0000"), 422, []string{"title:control_char"}},
		{"a NUL escape in description", with("n", "description", "a\u0000b"), 422, []string{"description:control_char"}},
		{"an ANSI escape in venue", with("n", "venue", "\x1b[2J Saal"), 422, []string{"venue:control_char"}},
		{"an upper-case umlaut slug", with("ÄRGER", "slug", "ÄRGER"), 422, []string{"slug:format"}},
		{"a negative capacity", with("n", "capacity", -1), 422, []string{"capacity:out_of_range"}},
		{"an end before the start", with("n", "endsAt", "2026-11-25T08:00:00+01:00"), 422, []string{"endsAt:before_start"}},
	}...)
	runNasty(t, c, http.MethodPost, "/api/v1/conferences", cases)
	if got := e.total(t); got != before {
		t.Fatalf("conferences = %d after rejected creates, want %d", got, before)
	}

	// Text that looks dangerous elsewhere is data here: stored verbatim and
	// returned JSON-escaped.
	verbatim := []struct{ name, slug, field, value string }{
		{"HTML", "html", "title", `<script>alert("xss")</script>`},
		{"SQL", "sql", "description", `'; DROP TABLE conferences; --`},
		{"emoji", "emoji", "title", "Ideen 💡🚀 für alle 👩‍👩‍👧"},
		{"140 emoji", "emoji-140", "title", strings.Repeat("🗳", 140)},
		{"combining marks", "kombiniert", "title", "Cafe\u0301 und Gru\u0308n"},
		{"right-to-left script", "rtl", "venue", "مبنى البلدية"},
	}
	for _, tt := range verbatim {
		t.Run(tt.name+" is stored verbatim", func(t *testing.T) {
			c.MustCreate(t, tt.slug) // keeps the original; then patch the field in
			r := c.Do(t, http.MethodPatch, "/api/v1/conferences/"+tt.slug, map[string]any{tt.field: tt.value})
			if r.Status != http.StatusOK {
				t.Fatalf("patch %s: status %d, body %s", tt.field, r.Status, r.Body)
			}
			got := c.Do(t, http.MethodGet, "/api/v1/conferences/"+tt.slug, nil)
			var m map[string]any
			if err := json.Unmarshal(got.Body, &m); err != nil || m[tt.field] != tt.value {
				t.Fatalf("%s = %q (%v), want %q", tt.field, m[tt.field], err, tt.value)
			}
			if bytes.Contains(got.Body, []byte("<script>")) {
				t.Errorf("raw body contains an unescaped <script>: %s", got.Body)
			}
		})
	}
	t.Run("the conferences table survived", func(t *testing.T) {
		l := mustJSON[listJSON](t, c.Do(t, http.MethodGet, "/api/v1/conferences", nil), http.StatusOK)
		if l.Total != before+len(verbatim) {
			t.Fatalf("total = %d, want %d", l.Total, before+len(verbatim))
		}
	})
	// Bidirectional overrides (U+202E) can make a title read backwards on the
	// projector. Whether to refuse them is a policy choice; today they are
	// accepted, so they must at least round-trip exactly and never cause a 500.
	t.Run("a right-to-left override is either refused on title or stored verbatim", func(t *testing.T) {
		title := "Bürgerhaus \u202Egnuthcaeb\u202C"
		r := c.Do(t, http.MethodPost, "/api/v1/conferences", with("bidi", "title", title))
		switch r.Status {
		case http.StatusCreated:
			if got := mustJSON[conferenceJSON](t, c.Do(t, http.MethodGet, "/api/v1/conferences/bidi", nil), http.StatusOK); got.Title != title {
				t.Fatalf("title = %q, want %q", got.Title, title)
			}
		default:
			p := mustProblem(t, r, http.StatusUnprocessableEntity, backend.EINVALID)
			if got := fieldCodes(t, p); len(got) != 1 || !strings.HasPrefix(got[0], "title:") {
				t.Fatalf("fields = %v, want one on title", got)
			}
		}
	})
}

func TestNastyUpdateConference(t *testing.T) {
	e := MustNewEnv(t)
	c := e.client()
	c.MustLogin(t)
	orig := c.MustCreate(t, "ziel")
	cases := append(slices.Clone(bodyCases), []nasty{
		{"a number for title", map[string]any{"title": 5}, 400, []string{"title:type"}},
		{"a string for capacity", map[string]any{"capacity": "viele"}, 400, []string{"capacity:type"}},
		{"tomorrow for startsAt", map[string]any{"startsAt": "tomorrow"}, 400, []string{"startsAt:type"}},
		{"a string for version", map[string]any{"version": "1"}, 400, []string{"version:type"}},
		{"the slug cannot be patched", map[string]any{"slug": "neu"}, 400, []string{"slug:unknown"}},
		{"the phase cannot be patched", map[string]any{"phase": "live"}, 400, []string{"phase:unknown"}},
		{"the join code cannot be patched", map[string]any{"joinCode": "AAAAAA"}, 400, []string{"joinCode:unknown"}},
		{"an empty title", map[string]any{"title": ""}, 422, []string{"title:required"}},
		{"a 2-character title", map[string]any{"title": "ab"}, 422, []string{"title:too_short"}},
		{"a 10,001-character description", map[string]any{"description": strings.Repeat("ü", 10001)}, 422, []string{"description:too_long"}},
		{"a NUL in venue", map[string]any{"venue": "a\u0000"}, 422, []string{"venue:control_char"}},
		{"capacity 100001", map[string]any{"capacity": 100001}, 422, []string{"capacity:out_of_range"}},
		{"an end before the start", map[string]any{"endsAt": "2026-01-01T00:00:00Z"}, 422, []string{"endsAt:before_start"}},
		{"a valid title next to an invalid capacity", map[string]any{"title": "Gültig", "capacity": -5}, 422, []string{"capacity:out_of_range"}},
	}...)
	runNasty(t, c, http.MethodPatch, "/api/v1/conferences/ziel", cases)
	got := mustJSON[conferenceJSON](t, c.Do(t, http.MethodGet, "/api/v1/conferences/ziel", nil), http.StatusOK)
	if got.Version != orig.Version || got.Title != orig.Title || got.Capacity != orig.Capacity || got.Venue != orig.Venue {
		t.Fatalf("after rejected patches: %+v, want unchanged %+v", got, orig)
	}
}

func TestNastySetPhase(t *testing.T) {
	e := MustNewEnv(t)
	c := e.client()
	c.MustLogin(t)
	orig := c.MustCreate(t, "phasen")
	cases := append(slices.Clone(bodyCases), []nasty{
		{"an empty object", map[string]any{}, 422, []string{"phase:invalid"}},
		{"a null phase", map[string]any{"phase": nil}, 422, []string{"phase:invalid"}},
		{"a number for phase", map[string]any{"phase": 2}, 400, []string{"phase:type"}},
		{"an upper-case phase", map[string]any{"phase": "IDEAS"}, 422, []string{"phase:invalid"}},
		{"a string for version", map[string]any{"phase": "ideas", "version": "eins"}, 400, []string{"version:type"}},
		{"an unknown field", map[string]any{"phase": "ideas", "force": true}, 400, []string{"force:unknown"}},
	}...)
	runNasty(t, c, http.MethodPost, "/api/v1/conferences/phasen/phase", cases)
	got := mustJSON[conferenceJSON](t, c.Do(t, http.MethodGet, "/api/v1/conferences/phasen", nil), http.StatusOK)
	if got.Phase != "draft" || got.Version != orig.Version {
		t.Fatalf("after rejected moves: phase %s version %d, want draft version %d", got.Phase, got.Version, orig.Version)
	}
}

func TestNastyLogin(t *testing.T) {
	e := MustNewEnv(t)
	c := e.client()
	cases := append(slices.Clone(bodyCases), []nasty{
		{"an empty object", map[string]any{}, 422, []string{"email:required", "password:required"}},
		{"a number for email", map[string]any{"email": 5, "password": "x"}, 400, []string{"email:type"}},
		{"an array for password", map[string]any{"email": orgaEmail, "password": []string{orgaPassword}}, 400, []string{"password:type"}},
		{"an unknown field", map[string]any{"email": orgaEmail, "password": orgaPassword, "remember": true}, 400, []string{"remember:unknown"}},
		{"an over-long password", map[string]any{"email": orgaEmail, "password": strings.Repeat("p", 5000)}, 422, []string{"password:too_long"}},
	}...)
	runNasty(t, c, http.MethodPost, "/api/v1/auth/login", cases)
	// Malformed requests are not failed logins: the owner is not locked out.
	if r := c.Do(t, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": orgaEmail, "password": orgaPassword}); r.Status != http.StatusOK {
		t.Fatalf("login after %d malformed requests = %d, want 200; body %s", len(cases), r.Status, r.Body)
	}
}

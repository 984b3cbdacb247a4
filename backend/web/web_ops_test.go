package web_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"ideenmarkt/backend"
	"ideenmarkt/backend/web"
	"ideenmarkt/migrations"
)

func TestProblemResponses(t *testing.T) {
	e := MustNewEnv(t)
	orga, anon := e.client(), e.client()
	orga.MustLogin(t)
	orga.MustCreate(t, "da")
	tests := []struct {
		name         string
		c            *client
		method, path string
		body         any
		status       int
		code         string
	}{
		{"unknown API path", anon, http.MethodGet, "/api/v1/nope", nil, 404, backend.ENOTFOUND},
		{"unknown API version", anon, http.MethodGet, "/api/v2/conferences", nil, 404, backend.ENOTFOUND},
		{"POST to an unknown API path", orga, http.MethodPost, "/api/v1/nope", map[string]any{}, 404, backend.ENOTFOUND},
		{"unregistered method on a known path", orga, http.MethodDelete, "/api/v1/conferences/da", nil, 404, backend.ENOTFOUND},
		{"PUT instead of PATCH", orga, http.MethodPut, "/api/v1/conferences/da", map[string]any{"title": "Ganz neu"}, 404, backend.ENOTFOUND},
		{"malformed body", orga, http.MethodPost, "/api/v1/conferences", "{", 400, backend.EINVALID},
		{"validation", orga, http.MethodPost, "/api/v1/conferences", map[string]any{}, 422, backend.EINVALID},
		{"not logged in", anon, http.MethodPost, "/api/v1/conferences", map[string]any{}, 401, backend.EUNAUTHORIZED},
		{"draft hidden", anon, http.MethodGet, "/api/v1/conferences/da", nil, 404, backend.ENOTFOUND},
		{"taken slug", orga, http.MethodPost, "/api/v1/conferences", conferenceBody("da"), 409, backend.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is problem+json "+tt.code, func(t *testing.T) {
			p := mustProblem(t, tt.c.Do(t, tt.method, tt.path, tt.body), tt.status, tt.code)
			wantFields := tt.code == backend.EINVALID || tt.name == "taken slug"
			if got := len(p.Fields) > 0; got != wantFields {
				t.Errorf("fields = %v, want fields: %v", p.Fields, wantFields)
			}
		})
	}
	t.Run("a body that is too large is problem+json 413", func(t *testing.T) {
		mustProblem(t, orga.DoTooLarge(t, http.MethodPost, "/api/v1/conferences", 3<<20), http.StatusRequestEntityTooLarge, backend.EINVALID)
	})
	// fasthttp refuses a body over the upload limit before any middleware
	// runs, so the error handler is the only place that can add the headers
	// to that answer.
	t.Run("an answer refused before routing carries the security headers too", func(t *testing.T) {
		r := orga.DoTooLarge(t, http.MethodPost, "/api/v1/conferences", 33<<20)
		mustProblem(t, r, http.StatusRequestEntityTooLarge, backend.EINVALID)
		wantSecurityHeaders(t, r)
	})
}

// wantSecurityHeaders checks the headers every answer must carry.
func wantSecurityHeaders(tb testing.TB, r response) {
	tb.Helper()
	csp := map[string]string{}
	for _, d := range strings.Split(r.Header.Get("Content-Security-Policy"), ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		csp[name] = value
	}
	script, ok := csp["script-src"]
	if !ok {
		script = csp["default-src"] // script-src falls back to default-src
	}
	if script == "" || strings.Contains(script, "'unsafe-inline'") || strings.Contains(script, "'unsafe-eval'") {
		tb.Errorf("CSP script-src = %q, want a policy without 'unsafe-inline' and 'unsafe-eval'", script)
	}
	if csp["frame-ancestors"] != "'none'" {
		tb.Errorf("CSP frame-ancestors = %q, want 'none'", csp["frame-ancestors"])
	}
	if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		tb.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
	switch got := r.Header.Get("Referrer-Policy"); got {
	case "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin":
	default:
		tb.Errorf("Referrer-Policy = %q, want a strict policy", got)
	}
}

func TestSecurityHeaders(t *testing.T) {
	spa := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>ideenmarkt</title>")}}
	e := MustNewEnv(t, func(o *web.Options) { o.Frontend = spa })
	c := e.client()
	for _, path := range []string{"/api/v1/me", "/api/v1/conferences", "/api/v1/nope", "/api/v1/conferences/nope", "/c/whatever", "/", "/healthz", "/api/openapi.json"} {
		t.Run(path, func(t *testing.T) {
			r := c.Do(t, http.MethodGet, path, nil)
			wantSecurityHeaders(t, r)
			if hsts := r.Header.Get("Strict-Transport-Security"); hsts != "" {
				t.Errorf("Strict-Transport-Security = %q on plain http without BaseURL, want none", hsts)
			}
		})
	}
	t.Run("POST answers too", func(t *testing.T) {
		wantSecurityHeaders(t, c.Do(t, http.MethodPost, "/api/v1/auth/login", "{"))
	})
}

func TestSPA(t *testing.T) {
	t.Run("without a built frontend every page says so with 503", func(t *testing.T) {
		c := MustNewEnv(t).client()
		for _, path := range []string{"/", "/c/whatever", "/index.html", "/assets/app.js"} {
			r := c.Do(t, http.MethodGet, path, nil)
			if r.Status != http.StatusServiceUnavailable || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") ||
				!strings.Contains(string(r.Body), "frontend is not built") || !strings.Contains(string(r.Body), "make build") {
				t.Errorf("GET %s = %d %q %.80q, want 503 text/html explaining make build", path, r.Status, r.Header.Get("Content-Type"), r.Body)
			}
		}
	})

	index := "<!doctype html><title>ideenmarkt</title><script type=module src=/assets/app-1a2b3c.js></script>"
	spa := fstest.MapFS{
		"index.html":           {Data: []byte(index)},
		"assets/app-1a2b3c.js": {Data: []byte("console.log('ideenmarkt')")},
		"favicon.svg":          {Data: []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")},
	}
	c := MustNewEnv(t, func(o *web.Options) { o.Frontend = spa }).client()
	for _, path := range []string{"/", "/c/whatever", "/c/herbst-2026/ideen/42", "/index.html", "/../../etc/passwd"} {
		t.Run(path+" serves index.html uncached", func(t *testing.T) {
			r := c.Do(t, http.MethodGet, path, nil)
			if r.Status != http.StatusOK || string(r.Body) != index || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("GET %s = %d %q %.60q, want 200 text/html index", path, r.Status, r.Header.Get("Content-Type"), r.Body)
			}
			if cc := r.Header.Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("Cache-Control = %q, want no-cache", cc)
			}
		})
	}
	t.Run("hashed assets are served with a long cache lifetime", func(t *testing.T) {
		r := c.Do(t, http.MethodGet, "/assets/app-1a2b3c.js", nil)
		if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "javascript") || string(r.Body) != "console.log('ideenmarkt')" {
			t.Fatalf("asset = %d %q %q", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") {
			t.Errorf("Cache-Control = %q, want max-age=31536000", cc)
		}
	})
	t.Run("unhashed files must revalidate", func(t *testing.T) {
		r := c.Do(t, http.MethodGet, "/favicon.svg", nil)
		if r.Status != http.StatusOK || r.Header.Get("Cache-Control") != "no-cache" {
			t.Fatalf("favicon = %d, Cache-Control %q; want 200 no-cache", r.Status, r.Header.Get("Cache-Control"))
		}
	})
	t.Run("a missing file with an extension is a 404 problem, not index.html", func(t *testing.T) {
		mustProblem(t, c.Do(t, http.MethodGet, "/assets/missing-123.js", nil), http.StatusNotFound, backend.ENOTFOUND)
	})
}

func TestHealth(t *testing.T) {
	t.Run("healthz answers 200 with the version", func(t *testing.T) {
		e := MustNewEnv(t, func(o *web.Options) { o.Version = "1.2.3" })
		got := mustJSON[map[string]string](t, e.client().Do(t, http.MethodGet, "/healthz", nil), http.StatusOK)
		if got["status"] != "ok" || got["version"] != "1.2.3" {
			t.Fatalf("healthz = %v, want status ok, version 1.2.3", got)
		}
	})
	type readiness struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	t.Run("readyz is 200 with a current schema", func(t *testing.T) {
		got := mustJSON[readiness](t, MustNewEnv(t).client().Do(t, http.MethodGet, "/readyz", nil), http.StatusOK)
		if got.Status != "ready" || got.Checks["store"] != "ok" || got.Checks["migrations"] != "ok" {
			t.Fatalf("readyz = %+v, want ready with store and migrations ok", got)
		}
	})
	t.Run("readyz is 503 when the binary expects a newer schema", func(t *testing.T) {
		e := MustNewEnv(t, func(o *web.Options) { o.SchemaVersion = migrations.Latest(migrations.SQLite) + 1 })
		got := mustJSON[readiness](t, e.client().Do(t, http.MethodGet, "/readyz", nil), http.StatusServiceUnavailable)
		if got.Status != "not ready" || got.Checks["migrations"] == "ok" || got.Checks["store"] != "ok" {
			t.Fatalf("readyz = %+v, want not ready because of migrations only", got)
		}
	})
	t.Run("readyz shows the search index's lag and stays 200 while it lags", func(t *testing.T) {
		e := MustNewEnv(t)
		e.app.Indexer = lagging{backend.SearchIndexStatus{State: backend.IndexerRetrying, Cursor: 40, Latest: 52, LagChanges: 12, LagSeconds: 7.5, Error: "Meilisearch is down."}}
		type withSearch struct {
			Status string                    `json:"status"`
			Checks map[string]string         `json:"checks"`
			Search backend.SearchIndexStatus `json:"search"`
		}
		got := mustJSON[withSearch](t, e.client().Do(t, http.MethodGet, "/readyz", nil), http.StatusOK)
		if got.Status != "ready" || got.Checks["search"] != backend.IndexerRetrying || got.Search.LagChanges != 12 || got.Search.LagSeconds != 7.5 || got.Search.Error == "" {
			t.Fatalf("readyz = %+v, want ready with the search check retrying and its lag", got)
		}
		e.app.Indexer = lagging{backend.SearchIndexStatus{State: backend.IndexerFollowing, Cursor: 52, Latest: 52}}
		if got := mustJSON[readiness](t, e.client().Do(t, http.MethodGet, "/readyz", nil), http.StatusOK); got.Checks["search"] != "ok" {
			t.Fatalf("readyz = %+v, want the search check ok when caught up", got)
		}
	})
	t.Run("readyz is 503 when the store is closed", func(t *testing.T) {
		e := MustNewEnv(t)
		e.store.Close()
		got := mustJSON[readiness](t, e.client().Do(t, http.MethodGet, "/readyz", nil), http.StatusServiceUnavailable)
		if got.Status != "not ready" || got.Checks["store"] == "ok" {
			t.Fatalf("readyz = %+v, want not ready because of the store", got)
		}
	})
}

// lagging is an indexer that reports a fixed status.
type lagging struct{ st backend.SearchIndexStatus }

func (l lagging) Lag(context.Context) (backend.SearchIndexStatus, error) { return l.st, nil }

func TestMetrics(t *testing.T) {
	e := MustNewEnv(t)
	c := e.client()
	c.Do(t, http.MethodGet, "/api/v1/conferences/random-1", nil)
	c.Do(t, http.MethodGet, "/api/v1/conferences/random-2", nil)
	c.Do(t, http.MethodGet, "/c/random-3", nil)
	c.Do(t, http.MethodGet, "/api/v1/random-4", nil)
	r := c.Do(t, http.MethodGet, "/metrics", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("metrics status = %d", r.Status)
	}
	body := string(r.Body)
	want := `ideenmarkt_http_requests_total{method="GET",route="/api/v1/conferences/:slug",status="404"} 2`
	if !strings.Contains(body, want) {
		t.Errorf("metrics lack %q:\n%s", want, grep(body, "ideenmarkt_http_requests_total"))
	}
	if !strings.Contains(body, "ideenmarkt_http_request_duration_seconds_bucket") {
		t.Error("metrics lack the request duration histogram")
	}
	if strings.Contains(body, "random-") {
		t.Errorf("a raw path became a label (unbounded series):\n%s", grep(body, "random-"))
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestMetricsOverKeepAlive sends requests of different methods over one
// reused connection, where the server reuses its buffers: label values must
// be copies, or /metrics fails with "collected before with the same name".
func TestMetricsOverKeepAlive(t *testing.T) {
	e := MustNewEnv(t)
	e.mustListen(t)
	hc := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
	for i := range 50 {
		method := http.MethodGet
		if i%2 == 1 {
			method = http.MethodPost
		}
		path := "/api/v1/me"
		if method == http.MethodPost {
			path = "/api/v1/auth/logout" // refused without the CSRF token, which is fine here
		}
		req, _ := http.NewRequestWithContext(t.Context(), method, e.baseURL+path, nil)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	resp, err := hc.Get(e.baseURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("metrics status = %d: %.300s", resp.StatusCode, body)
	}
	got := grep(string(body), "ideenmarkt_http_requests_total{")
	if !strings.Contains(got, `method="GET",route="/api/v1/me",status="200"} 25`) || !strings.Contains(got, `method="POST"`) {
		t.Errorf("metrics lack the 25 GETs and 25 POSTs:\n%s", got)
	}
	if n := strings.Count(got, "method="); n != strings.Count(got, `method="GET"`)+strings.Count(got, `method="POST"`) {
		t.Errorf("a method label was overwritten by a later request:\n%s", got)
	}
}

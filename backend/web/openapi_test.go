package web_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// MustOpenAPI fetches /api/openapi.json through the app and decodes it.
func MustOpenAPI(tb testing.TB, e *env) map[string]any {
	tb.Helper()
	r := e.client().Do(tb, http.MethodGet, "/api/openapi.json", nil)
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		tb.Fatalf("GET /api/openapi.json = %d %q", r.Status, r.Header.Get("Content-Type"))
	}
	var doc map[string]any
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		tb.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return doc
}

// TestOpenAPICoversRoutes keeps the hand-written document and the router in
// step: every route is documented, every documented operation exists.
func TestOpenAPICoversRoutes(t *testing.T) {
	e := MustNewEnv(t)
	doc := MustOpenAPI(t, e)
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi = %v, want 3.1.0", doc["openapi"])
	}
	paths, ok := doc["paths"].(map[string]any)
	if !ok || len(paths) == 0 {
		t.Fatalf("paths = %v, want a non-empty object", doc["paths"])
	}
	documented := map[string]bool{}
	for p, item := range paths {
		ops, _ := item.(map[string]any)
		for m := range ops {
			if slices.Contains(httpMethods, m) {
				documented[strings.ToUpper(m)+" "+p] = true
			}
		}
	}

	param := regexp.MustCompile(`:([A-Za-z0-9_]+)`)
	registered := map[string]bool{}
	for _, r := range e.srv.Fiber().GetRoutes(true) {
		if r.Method == http.MethodHead || r.Path == "/api/*" || r.Path == "/*" {
			continue
		}
		registered[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
	}
	if len(registered) < 10 {
		t.Fatalf("only %d routes registered (%v); the filter is wrong", len(registered), registered)
	}
	for op := range registered {
		if !documented[op] {
			t.Errorf("route %s is not in openapi.json", op)
		}
	}
	for op := range documented {
		if !registered[op] {
			t.Errorf("openapi.json documents %s, which is not a route", op)
		}
	}

	t.Run("every operation has an id and responses", func(t *testing.T) {
		ids := map[string]string{}
		for p, item := range paths {
			for m, op := range item.(map[string]any) {
				if !slices.Contains(httpMethods, m) {
					continue
				}
				o := op.(map[string]any)
				id, _ := o["operationId"].(string)
				if id == "" || ids[id] != "" {
					t.Errorf("%s %s: operationId %q missing or used twice (also %s)", m, p, id, ids[id])
				}
				ids[id] = m + " " + p
				if rs, _ := o["responses"].(map[string]any); len(rs) == 0 {
					t.Errorf("%s %s has no responses", m, p)
				}
			}
		}
	})
	t.Run("path parameters are declared", func(t *testing.T) {
		for p, item := range paths {
			if !strings.Contains(p, "{") {
				continue
			}
			if ps, _ := item.(map[string]any)["parameters"].([]any); len(ps) == 0 {
				t.Errorf("%s has a path parameter but declares none", p)
			}
		}
	})
}

func TestOpenAPIRefsResolve(t *testing.T) {
	doc := MustOpenAPI(t, MustNewEnv(t))
	var refs []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				if s, ok := val.(string); ok && k == "$ref" {
					refs = append(refs, s)
				}
				walk(val)
			}
		case []any:
			for _, val := range x {
				walk(val)
			}
		}
	}
	walk(doc)
	if len(refs) < 10 {
		t.Fatalf("found %d $refs, want the document's many", len(refs))
	}
	for _, ref := range refs {
		t.Run(ref, func(t *testing.T) {
			ptr, ok := strings.CutPrefix(ref, "#/")
			if !ok {
				t.Fatalf("$ref %q is not local", ref)
			}
			var cur any = doc
			for _, part := range strings.Split(ptr, "/") {
				part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
				m, ok := cur.(map[string]any)
				if !ok || m[part] == nil {
					t.Fatalf("$ref %q: %q not found", ref, part)
				}
				cur = m[part]
			}
		})
	}
}

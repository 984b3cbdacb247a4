package meili_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"sync"
	"testing"
)

// fakeMeili plays a Meilisearch server for wire tests: it records every
// request and answers from a table of routes ("METHOD /path"). Each route
// answers with its responses in turn, the last one repeated.
type fakeMeili struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	routes map[string][]reply
	calls  map[string]int
	got    []request
}

type reply struct {
	status int
	body   string
}

// request is one request as the server saw it; Body is the decoded JSON.
type request struct {
	Method, Path, Auth string
	Body               any
}

func newFake(t *testing.T) *fakeMeili {
	f := &fakeMeili{t: t, routes: map[string][]reply{}, calls: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// on sets the replies of a route.
func (f *fakeMeili) on(route string, replies ...reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[route] = replies
}

func (f *fakeMeili) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			f.t.Errorf("%s %s: body is no JSON: %v: %s", r.Method, r.URL.Path, err, raw)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			f.t.Errorf("%s %s: Content-Type %q, want application/json", r.Method, r.URL.Path, ct)
		}
	}
	route := r.Method + " " + r.URL.Path
	if r.URL.RawQuery != "" {
		route += "?" + r.URL.RawQuery
	}
	f.mu.Lock()
	f.got = append(f.got, request{Method: r.Method, Path: r.URL.RequestURI(), Auth: r.Header.Get("Authorization"), Body: body})
	replies, ok := f.routes[route]
	n := f.calls[route]
	f.calls[route]++
	f.mu.Unlock()
	if !ok {
		f.t.Errorf("unexpected request %s", route)
		w.WriteHeader(http.StatusNotFound)
		return
	}
	rep := replies[min(n, len(replies)-1)]
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	io.WriteString(w, rep.body)
}

// requests returns what the server received so far and forgets it.
func (f *fakeMeili) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	got := f.got
	f.got = nil
	return got
}

// taskReply is a task summary as returned (202) by a write.
func taskReply(uid int, typ string) reply {
	return reply{http.StatusAccepted, `{"taskUid":` + itoa(uid) + `,"indexUid":"t_ideas_v1","status":"enqueued","type":"` + typ + `","enqueuedAt":"2026-12-01T10:00:00Z"}`}
}

// taskState is GET /tasks/{uid} in the given status.
func taskState(uid int, status string) reply {
	return reply{http.StatusOK, `{"uid":` + itoa(uid) + `,"indexUid":"t_ideas_v1","status":"` + status + `","type":"documentAdditionOrUpdate","enqueuedAt":"2026-12-01T10:00:00Z"}`}
}

// taskFailed is GET /tasks/{uid} of a task that failed with code.
func taskFailed(uid int, code string) reply {
	return reply{http.StatusOK, `{"uid":` + itoa(uid) + `,"indexUid":"t_ideas_v1","status":"failed","type":"documentAdditionOrUpdate",` +
		`"error":{"message":"it failed","code":"` + code + `","type":"invalid_request","link":"https://docs.meilisearch.com/errors#` + code + `"},` +
		`"enqueuedAt":"2026-12-01T10:00:00Z"}`}
}

// apiError is an error response of the API.
func apiError(status int, code string) reply {
	return reply{status, `{"message":"` + code + `","code":"` + code + `","type":"invalid_request","link":"https://docs.meilisearch.com/errors#` + code + `"}`}
}

func itoa(n int) string { return strconv.Itoa(n) }

// wantRequests compares the requests with the expected ones, bodies as JSON
// values (key order does not matter, everything else does).
func wantRequests(t *testing.T, got []request, want ...request) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d requests, want %d:\n got %s\nwant %s", len(got), len(want), dump(got), dump(want))
		return
	}
	for i := range want {
		w := want[i]
		if w.Body != nil {
			w.Body = decode(t, w.Body.(string))
		}
		g := got[i]
		if w.Auth == "" {
			g.Auth = ""
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("request %d:\n got %s\nwant %s", i, dump(g), dump(w))
		}
	}
}

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad expected JSON %s: %v", s, err)
	}
	return v
}

func dump(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

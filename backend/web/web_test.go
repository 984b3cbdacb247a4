package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/sqlite"
	"ideenmarkt/backend/web"
	"ideenmarkt/migrations"
)

const (
	orgaEmail    = "orga@stadt.example"
	orgaPassword = "korrekt-pferd-batterie"
	testOrigin   = "http://example.com" // httptest.NewRequest's default host
)

// env is a web server on a fresh SQLite file, with one organiser account.
type env struct {
	srv   *web.Server
	app   *backend.App
	store *sqlite.Store

	owner      testing.TB // the test that made the env; it outlives subtests
	listenOnce sync.Once
	baseURL    string // set by mustListen
}

// MustNewEnv builds the server; opt (if any) adjusts the options first.
func MustNewEnv(tb testing.TB, opt ...func(*web.Options)) *env {
	tb.Helper()
	store, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "web.db"))
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { store.Close() })
	app := backend.NewApp(store)
	if _, err := app.CreateAccount(tb.Context(), backend.AccountInput{Email: orgaEmail, Name: "Orga", Password: orgaPassword}); err != nil {
		tb.Fatalf("create organiser: %v", err)
	}
	opts := web.Options{
		SchemaVersion: migrations.Latest(migrations.SQLite),
		Log:           slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, o := range opt {
		o(&opts)
	}
	return &env{srv: web.New(app, opts), app: app, store: store, owner: tb}
}

// response is a finished answer with its body read.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// client drives the server like a browser: it keeps cookies and echoes the
// CSRF cookie in X-CSRF-Token on writes, as the SPA does. Requests go through
// Fiber's app.Test.
type client struct {
	e   *env
	jar *cookieJar
}

type cookieJar struct {
	mu sync.Mutex
	m  map[string]string
}

func (e *env) client() *client {
	return &client{e: e, jar: &cookieJar{m: map[string]string{}}}
}

// mustListen serves the app on a free loopback port until the test ends.
func (e *env) mustListen(tb testing.TB) {
	tb.Helper()
	e.listenOnce.Do(func() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatalf("listen: %v", err)
		}
		e.baseURL = "http://" + ln.Addr().String()
		go e.srv.Fiber().Listener(ln)
		e.owner.Cleanup(func() { e.srv.Shutdown(context.Background()) })
	})
}

// rawGetStatus sends GET path over a fresh TCP connection in a single write
// and returns the response's status code. An oversized request makes the
// server answer and close while unread bytes remain; with a client that
// writes in several chunks (net/http does) the close can reset the
// connection before the answer is read, so a test of that answer would be
// flaky. One write puts the whole request in the socket buffer first.
func (e *env) rawGetStatus(tb testing.TB, path string) int {
	tb.Helper()
	e.mustListen(tb)
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(e.baseURL, "http://"), 5*time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write([]byte("GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")); err != nil {
		tb.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		tb.Fatalf("read response: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// MustLogin logs the client in as the organiser.
func (c *client) MustLogin(tb testing.TB) {
	tb.Helper()
	r := c.Do(tb, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": orgaEmail, "password": orgaPassword})
	if r.Status != http.StatusOK {
		tb.Fatalf("login: status %d, body %s", r.Status, r.Body)
	}
}

func (c *client) cookie(name string) string {
	c.jar.mu.Lock()
	defer c.jar.mu.Unlock()
	return c.jar.m[name]
}

func (c *client) setCookie(name, value string) {
	c.jar.mu.Lock()
	defer c.jar.mu.Unlock()
	c.jar.m[name] = value
}

// newRequest builds a request; body is nil, a string or []byte (sent as is),
// or anything else (sent as JSON).
func newRequest(method, path string, body any) *http.Request {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			panic(err)
		}
		rd = bytes.NewReader(js)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// Do sends a request as the SPA would: with cookies and, for writes, the CSRF
// header (fetching a CSRF cookie first if the client has none).
func (c *client) Do(tb testing.TB, method, path string, body any) response {
	tb.Helper()
	return c.DoWith(tb, method, path, body, nil)
}

// DoWith is Do with a hook that may change the request before it is sent.
func (c *client) DoWith(tb testing.TB, method, path string, body any, edit func(*http.Request)) response {
	tb.Helper()
	r, err := c.try(method, path, body, edit)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

// try is Do without failing the test, for use in goroutines.
func (c *client) try(method, path string, body any, edit func(*http.Request)) (response, error) {
	req := newRequest(method, path, body)
	if method != http.MethodGet && method != http.MethodHead {
		if c.cookie("ideenmarkt_csrf") == "" {
			if _, err := c.Send(newRequest(http.MethodGet, "/api/v1/me", nil)); err != nil {
				return response{}, err
			}
		}
		req.Header.Set("X-CSRF-Token", c.cookie("ideenmarkt_csrf"))
	}
	if edit != nil {
		edit(req)
	}
	return c.Send(req)
}

// Send adds the client's cookies, runs the request and keeps the cookies the
// server sets.
func (c *client) Send(req *http.Request) (response, error) {
	c.jar.mu.Lock()
	for k, v := range c.jar.m {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	c.jar.mu.Unlock()
	r, err := roundTrip(c.e.srv, req)
	if err != nil {
		return response{}, err
	}
	c.jar.mu.Lock()
	for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.jar.m, ck.Name)
		} else {
			c.jar.m[ck.Name] = ck.Value
		}
	}
	c.jar.mu.Unlock()
	return r, nil
}

// roundTrip runs req through the Fiber app, without cookies or CSRF help.
func roundTrip(srv *web.Server, req *http.Request) (response, error) {
	resp, err := srv.Fiber().Test(req, -1)
	if err != nil {
		return response{}, err
	}
	return readResponse(resp)
}

// DoTooLarge announces a body of n bytes (Content-Length) with the client's
// cookies and CSRF header over a real TCP connection, and reads the answer
// without sending the body: fasthttp refuses it before any handler runs, which
// app.Test reports as an error instead of the answer, and sending the body to a
// server that already closed would only race a connection reset.
func (c *client) DoTooLarge(tb testing.TB, method, path string, n int) response {
	tb.Helper()
	c.e.mustListen(tb)
	if c.cookie("ideenmarkt_csrf") == "" {
		c.Do(tb, http.MethodGet, "/api/v1/me", nil)
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(c.e.baseURL, "http://"))
	if err != nil {
		tb.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	var cookies []string
	c.jar.mu.Lock()
	for k, v := range c.jar.m {
		cookies = append(cookies, k+"="+v)
	}
	c.jar.mu.Unlock()
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nX-CSRF-Token: %s\r\nCookie: %s\r\n\r\n",
		method, path, strings.TrimPrefix(c.e.baseURL, "http://"), n, c.cookie("ideenmarkt_csrf"), strings.Join(cookies, "; "))
	// Up to the upload limit the server reads the body before a handler
	// refuses it, so send it; beyond, fasthttp refuses on the header alone.
	if n <= 32<<20 {
		go conn.Write(bytes.Repeat([]byte("x"), n)) // the answer may come before all is written
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		tb.Fatalf("read answer to a %d-byte body: %v", n, err)
	}
	r, err := readResponse(resp)
	if err != nil {
		tb.Fatalf("read answer to a %d-byte body: %v", n, err)
	}
	return r
}

func readResponse(resp *http.Response) (response, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// sendRaw is roundTrip that fails the test on a transport error.
func sendRaw(tb testing.TB, srv *web.Server, req *http.Request) response {
	tb.Helper()
	r, err := roundTrip(srv, req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	return r
}

// problem is the RFC 9457 body the server sends for errors.
type problem struct {
	Type   string               `json:"type"`
	Title  string               `json:"title"`
	Status int                  `json:"status"`
	Detail string               `json:"detail"`
	Code   string               `json:"code"`
	Fields []backend.FieldError `json:"fields"`
}

// mustProblem checks that r is a problem+json answer with status and code.
func mustProblem(tb testing.TB, r response, status int, code string) problem {
	tb.Helper()
	if r.Status != status {
		tb.Fatalf("status = %d, want %d; body %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		tb.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	var p problem
	if err := json.Unmarshal(r.Body, &p); err != nil {
		tb.Fatalf("problem body %q: %v", r.Body, err)
	}
	if p.Status != status || p.Code != code || p.Title == "" || p.Type == "" {
		tb.Fatalf("problem = %+v, want status %d, code %q, a title and a type", p, status, code)
	}
	return p
}

// fieldCodes returns the sorted "field:code" pairs of a problem and checks
// that each has a German and an English message.
func fieldCodes(tb testing.TB, p problem) []string {
	tb.Helper()
	var out []string
	for _, f := range p.Fields {
		if strings.TrimSpace(f.DE) == "" || strings.TrimSpace(f.EN) == "" {
			tb.Errorf("field %s/%s: DE %q, EN %q; want both", f.Field, f.Code, f.DE, f.EN)
		}
		out = append(out, f.Field+":"+f.Code)
	}
	slices.Sort(out)
	return out
}

func mustJSON[T any](tb testing.TB, r response, status int) T {
	tb.Helper()
	if r.Status != status {
		tb.Fatalf("status = %d, want %d; body %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		tb.Fatalf("Content-Type = %q, want application/json", ct)
	}
	var v T
	if err := json.Unmarshal(r.Body, &v); err != nil {
		tb.Fatalf("decode %s: %v", r.Body, err)
	}
	return v
}

// conferenceJSON mirrors the API's conference, with the organiser-only fields
// as raw presence checks.
type conferenceJSON struct {
	ID          int64    `json:"id"`
	Slug        string   `json:"slug"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Venue       string   `json:"venue"`
	Capacity    int      `json:"capacity"`
	Phase       string   `json:"phase"`
	JoinCode    *string  `json:"joinCode"`
	NextPhases  []string `json:"nextPhases"`
	Version     int      `json:"version"`
}

type listJSON struct {
	Items []conferenceJSON `json:"items"`
	Total int              `json:"total"`
}

type meJSON struct {
	Account *struct {
		ID    int64  `json:"id"`
		Email string `json:"email"`
		Role  string `json:"role"`
	} `json:"account"`
}

// conferenceBody is a valid create request for slug.
func conferenceBody(slug string) map[string]any {
	return map[string]any{
		"slug": slug, "title": "Mitarbeiterkonferenz 2026", "description": "Ideen für die Verwaltung.",
		"startsAt": "2026-11-25T09:00:00+01:00", "endsAt": "2026-11-25T17:00:00+01:00",
		"venue": "Rathaus", "capacity": 450,
	}
}

// MustCreate creates a conference through the API and returns it.
func (c *client) MustCreate(tb testing.TB, slug string) conferenceJSON {
	tb.Helper()
	return mustJSON[conferenceJSON](tb, c.Do(tb, http.MethodPost, "/api/v1/conferences", conferenceBody(slug)), http.StatusCreated)
}

// total is the number of conferences the organiser can see.
func (e *env) total(tb testing.TB) int {
	tb.Helper()
	_, n, err := e.app.ListConferences(tb.Context(), backend.Actor{Account: &backend.Account{Role: backend.RoleOrganizer}}, 0, 1)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

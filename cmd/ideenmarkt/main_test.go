package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	adminEmail    = "orga@stadt.example"
	adminPassword = "korrekt-pferd-batterie"
)

// syncBuffer is Main.Out: request logs are written from server goroutines
// while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// MustConfig is a valid Config on a free loopback port and dataDir, with env
// (IDEENMARKT_* keys) on top; it goes through LoadConfig like the real thing.
func MustConfig(tb testing.TB, dataDir string, env map[string]string) Config {
	tb.Helper()
	e := map[string]string{"IDEENMARKT_HTTP_ADDR": "127.0.0.1:0", "IDEENMARKT_DATA_DIR": dataDir, "IDEENMARKT_LOG_LEVEL": "warn"}
	maps.Copy(e, env)
	c, _, err := LoadConfig(nil, fakeEnv(e), nil)
	if err != nil {
		tb.Fatalf("config: %v", err)
	}
	return c
}

// running is a started Main; Close may be called by the test and is called
// again (once, harmlessly) at cleanup.
type running struct {
	*Main
	out   *syncBuffer
	Close func() error
}

// MustRun starts a Main for cfg, waits until it answers /healthz, and stops it
// when the test ends. (Waiting sidesteps the start-up race that
// TestCloseRightAfterRun is about, so that other tests test other things.)
func MustRun(tb testing.TB, cfg Config) *running {
	tb.Helper()
	out := &syncBuffer{}
	m := NewMain(cfg, out)
	if err := m.Run(tb.Context()); err != nil {
		m.Close()
		tb.Fatalf("run: %v", err)
	}
	r := &running{Main: m, out: out, Close: sync.OnceValue(m.Close)}
	tb.Cleanup(func() {
		if err := closeWithin(r.Close, 30*time.Second); err != nil {
			tb.Errorf("cleanup: %v", err)
		}
	})
	mustWaitHealthy(tb, m.URL())
	return r
}

// closeWithin runs close and gives up after d, so that a Close that never
// returns fails the test instead of hanging the whole test binary.
func closeWithin(close func() error, d time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- close() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		return fmt.Errorf("Close did not return within %v", d)
	}
}

func mustWaitHealthy(tb testing.TB, base string) {
	tb.Helper()
	hc := &http.Client{Timeout: 5 * time.Second}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		resp, err := hc.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s/healthz not answering after 30s: %v", base, err)
		}
	}
}

// browser talks to a running server over real HTTP, with a cookie jar, and
// sends the CSRF header and a same-origin Origin on writes like the SPA.
type browser struct {
	base string
	hc   *http.Client
}

func newBrowser(tb testing.TB, base string) *browser {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &browser{base: base, hc: &http.Client{Jar: jar, Transport: &http.Transport{}, Timeout: 30 * time.Second}}
}

func (b *browser) csrf() string {
	u, _ := url.Parse(b.base)
	for _, c := range b.hc.Jar.Cookies(u) {
		if c.Name == "ideenmarkt_csrf" {
			return c.Value
		}
	}
	return ""
}

// Do sends a request and returns the status and body.
func (b *browser) Do(tb testing.TB, method, path string, body any) (int, []byte) {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		js, err := json.Marshal(body)
		if err != nil {
			tb.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	if method != http.MethodGet && b.csrf() == "" {
		b.Do(tb, http.MethodGet, "/api/v1/me", nil)
	}
	req, err := http.NewRequestWithContext(tb.Context(), method, b.base+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", b.csrf())
		req.Header.Set("Origin", b.base)
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read: %v", method, path, err)
	}
	return resp.StatusCode, data
}

// MustDo is Do that fails unless the status is want.
func (b *browser) MustDo(tb testing.TB, method, path string, body any, want int) []byte {
	tb.Helper()
	status, data := b.Do(tb, method, path, body)
	if status != want {
		tb.Fatalf("%s %s = %d, want %d; body %s", method, path, status, want, data)
	}
	return data
}

type conferenceList struct {
	Items []struct {
		Slug  string `json:"slug"`
		Title string `json:"title"`
	} `json:"items"`
	Total int `json:"total"`
}

func mustList(tb testing.TB, b *browser) conferenceList {
	tb.Helper()
	var l conferenceList
	if err := json.Unmarshal(b.MustDo(tb, http.MethodGet, "/api/v1/conferences", nil, http.StatusOK), &l); err != nil {
		tb.Fatal(err)
	}
	return l
}

func TestEndToEnd(t *testing.T) {
	dir := t.TempDir()
	cfg := MustConfig(t, dir, map[string]string{"IDEENMARKT_ADMIN_EMAIL": adminEmail, "IDEENMARKT_ADMIN_PASSWORD": adminPassword})
	m := MustRun(t, cfg)
	if !strings.HasPrefix(m.URL(), "http://127.0.0.1:") || strings.HasSuffix(m.URL(), ":0") {
		t.Fatalf("URL = %q, want http://127.0.0.1:<port>", m.URL())
	}
	b := newBrowser(t, m.URL())

	b.MustDo(t, http.MethodGet, "/readyz", nil, http.StatusOK)
	b.MustDo(t, http.MethodGet, "/healthz", nil, http.StatusOK)
	b.MustDo(t, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": adminEmail, "password": adminPassword}, http.StatusOK)
	body := map[string]any{"slug": "herbst-2026", "title": "Mitarbeiterkonferenz Herbst", "startsAt": "2026-11-25T09:00:00+01:00", "endsAt": "2026-11-25T17:00:00+01:00", "capacity": 450}
	b.MustDo(t, http.MethodPost, "/api/v1/conferences", body, http.StatusCreated)
	if l := mustList(t, b); l.Total != 1 || l.Items[0].Slug != "herbst-2026" {
		t.Fatalf("list = %+v, want herbst-2026", l)
	}
	if strings.Contains(m.out.String(), "First organiser login") {
		t.Errorf("output before the banner mentions the first login:\n%s", m.out.String())
	}
	addr := m.listener.Addr().String()
	if err := m.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	t.Run("the port no longer accepts connections after Close", func(t *testing.T) {
		if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			conn.Close()
			t.Fatalf("dial %s succeeded after Close", addr)
		}
	})

	t.Run("a restart on the same data dir keeps the data and adds no organiser", func(t *testing.T) {
		cfg2 := MustConfig(t, dir, map[string]string{"IDEENMARKT_ADMIN_EMAIL": "zweite@stadt.example", "IDEENMARKT_ADMIN_PASSWORD": "ein-anderes-passwort"})
		m2 := MustRun(t, cfg2)
		n, err := m2.Store.CountAccounts(t.Context())
		if err != nil || n != 1 {
			t.Fatalf("accounts = %d (%v), want 1", n, err)
		}
		b2 := newBrowser(t, m2.URL())
		status, _ := b2.Do(t, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": "zweite@stadt.example", "password": "ein-anderes-passwort"})
		if status != http.StatusUnauthorized {
			t.Fatalf("login as the second start's admin = %d, want 401", status)
		}
		b2.MustDo(t, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": adminEmail, "password": adminPassword}, http.StatusOK)
		if l := mustList(t, b2); l.Total != 1 || l.Items[0].Title != "Mitarbeiterkonferenz Herbst" {
			t.Fatalf("list after restart = %+v, want the conference", l)
		}
		m2.printBanner()
		if strings.Contains(m2.out.String(), "First organiser login") {
			t.Errorf("second start's banner shows a first login:\n%s", m2.out.String())
		}
	})
}

var generatedLogin = regexp.MustCompile(`First organiser login \(shown only now\): (admin@ideenmarkt\.local) / (\S+)`)

func TestFirstStartWithoutAdminSettings(t *testing.T) {
	dir := t.TempDir()
	cfg := MustConfig(t, dir, map[string]string{"IDEENMARKT_LOG_LEVEL": "debug"})
	m := MustRun(t, cfg)
	logs := m.out.String()
	m.printBanner()
	banner := strings.TrimPrefix(m.out.String(), logs)

	match := generatedLogin.FindStringSubmatch(banner)
	if match == nil || len(match[2]) < 16 {
		t.Fatalf("banner lacks the generated login with a long password:\n%s", banner)
	}
	password := match[2]
	if !strings.Contains(banner, m.URL()) || !strings.Contains(banner, dir) {
		t.Errorf("banner lacks the URL %s or the data dir %s:\n%s", m.URL(), dir, banner)
	}
	if !strings.Contains(logs, "admin@ideenmarkt.local") || strings.Contains(logs, password) {
		t.Errorf("logs must name the account but never the password:\n%s", logs)
	}
	t.Run("the printed login works", func(t *testing.T) {
		b := newBrowser(t, m.URL())
		b.MustDo(t, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": "admin@ideenmarkt.local", "password": password}, http.StatusOK)
	})
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("the second start shows no password", func(t *testing.T) {
		m2 := MustRun(t, MustConfig(t, dir, map[string]string{"IDEENMARKT_LOG_LEVEL": "debug"}))
		m2.printBanner()
		out := m2.out.String()
		if strings.Contains(out, password) || strings.Contains(out, "First organiser login") || !strings.Contains(out, m2.URL()) {
			t.Fatalf("second start output shows a login or lacks the URL:\n%s", out)
		}
		if n, _ := m2.Store.CountAccounts(t.Context()); n != 1 {
			t.Fatalf("accounts = %d, want 1", n)
		}
	})
}

// A request whose bytes have started to arrive when Close is called is
// answered before the server stops.
func TestGracefulShutdown(t *testing.T) {
	m := MustRun(t, MustConfig(t, t.TempDir(), nil))
	addr := m.listener.Addr().String()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: "+addr+"\r\n"); err != nil {
		t.Fatal(err)
	}
	// An idle keep-alive connection must not hold up the shutdown.
	idle := newBrowser(t, m.URL())
	idle.MustDo(t, http.MethodGet, "/healthz", nil, http.StatusOK)

	closed := make(chan error, 1)
	go func() { closed <- m.Close() }()
	// Wait until the listener is gone: then the shutdown is under way.
	for deadline := time.Now().Add(20 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the listener still accepts connections 20s after Close was called")
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a request was in flight", err)
	default:
	}
	if _, err := io.WriteString(conn, "\r\n"); err != nil {
		t.Fatalf("finish the in-flight request: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request got no answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("in-flight request = %d, want 200", resp.StatusCode)
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close = %v, want nil", err)
	}
}

// Close must stop the server even when it comes right after Run, before the
// serving goroutine got going (a SIGTERM during start-up, or a test).
func TestCloseRightAfterRun(t *testing.T) {
	for i := range 10 {
		m := NewMain(MustConfig(t, t.TempDir(), nil), io.Discard)
		if err := m.Run(t.Context()); err != nil {
			t.Fatal(err)
		}
		addr := m.listener.Addr().String()
		if err := closeWithin(m.Close, 20*time.Second); err != nil {
			t.Fatalf("start %d: %v (the server goroutine had not registered its listener yet, so Shutdown did not close it)", i, err)
		}
		if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			conn.Close()
			t.Fatalf("start %d: %s still accepts connections after Close", i, addr)
		}
	}
}

func TestRunFailsCleanlyOnABusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg := MustConfig(t, t.TempDir(), map[string]string{"IDEENMARKT_HTTP_ADDR": ln.Addr().String()})
	m := NewMain(cfg, io.Discard)
	err = m.Run(t.Context())
	if err == nil || !strings.Contains(err.Error(), "listen on "+ln.Addr().String()) {
		t.Fatalf("Run = %v, want a listen error naming the address", err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("Close after a failed Run = %v, want nil", err)
	}
}

// The serve command prints the banner, serves, and returns nil when its
// context ends (SIGTERM in production).
func TestServeCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-http-addr", "127.0.0.1:0", "-data-dir", t.TempDir(), "-log-level", "warn"}, io.Discard, out)
	}()
	running := regexp.MustCompile(`is running at (http://\S+)`)
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == ""; time.Sleep(2 * time.Millisecond) {
		if m := running.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve returned early: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no banner after 30s:\n%s", out.String())
		}
	}
	newBrowser(t, base).MustDo(t, http.MethodGet, "/readyz", nil, http.StatusOK)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve after cancel = %v, want nil", err)
	}
}

func TestOperatorCommands(t *testing.T) {
	dir := t.TempDir()
	t.Run("migrate reports the schema version", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"migrate", "-data-dir", dir}, io.Discard, &out); err != nil { // status goes to stderr, with the logs
			t.Fatal(err)
		}
		if !regexp.MustCompile(`database schema is at version [1-9]\d*\n`).MatchString(out.String()) {
			t.Fatalf("migrate printed %q", out.String())
		}
	})
	var password string
	t.Run("admin create prints a generated password once", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"admin", "create", "-data-dir", dir, "-email", "Neu@Stadt.example"}, &out, io.Discard); err != nil {
			t.Fatalf("admin create: %v\n%s", err, out.String())
		}
		m := regexp.MustCompile(`password \(shown only now\): (\S+)`).FindStringSubmatch(out.String())
		if !strings.Contains(out.String(), "created organiser neu@stadt.example") || m == nil {
			t.Fatalf("admin create printed %q", out.String())
		}
		password = m[1]
	})
	t.Run("admin create refuses a taken address and says why", func(t *testing.T) {
		var out bytes.Buffer
		err := run(t.Context(), []string{"admin", "create", "-data-dir", dir, "-email", "neu@stadt.example"}, &out, io.Discard)
		if err == nil || !strings.Contains(out.String(), "email:") {
			t.Fatalf("err = %v, output %q; want an error with the field message", err, out.String())
		}
	})
	t.Run("the created account can log in", func(t *testing.T) {
		m := MustRun(t, MustConfig(t, dir, nil))
		newBrowser(t, m.URL()).MustDo(t, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": "neu@stadt.example", "password": password}, http.StatusOK)
	})
	t.Run("version and unknown commands", func(t *testing.T) {
		var out, errOut bytes.Buffer
		if err := run(t.Context(), []string{"version"}, &out, &errOut); err != nil || out.String() != fmt.Sprintf("ideenmarkt %s\n", version) {
			t.Errorf("version = %q, %v", out.String(), err)
		}
		if err := run(t.Context(), []string{"frobnicate"}, &out, &errOut); !errors.Is(err, errUsage) || !strings.Contains(errOut.String(), `unknown command "frobnicate"`) {
			t.Errorf("unknown command: err %v, stderr %q", err, errOut.String())
		}
	})
}

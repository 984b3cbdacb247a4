package web_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/web"
)

func TestLoginFlow(t *testing.T) {
	e := MustNewEnv(t)
	c := e.client()
	me := func() meJSON {
		t.Helper()
		return mustJSON[meJSON](t, c.Do(t, http.MethodGet, "/api/v1/me", nil), http.StatusOK)
	}

	if got := me(); got.Account != nil {
		t.Fatalf("me before login = %+v, want null", got.Account)
	}
	if raw := c.Do(t, http.MethodGet, "/api/v1/me", nil); !bytes.Equal(bytes.TrimSpace(raw.Body), []byte(`{"account":null}`)) {
		t.Fatalf("me body = %s, want {\"account\":null}", raw.Body)
	}
	login := c.DoWith(t, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": "ORGA@stadt.example", "password": orgaPassword}, nil)
	if got := mustJSON[meJSON](t, login, http.StatusOK); got.Account == nil || got.Account.Email != orgaEmail || got.Account.Role != "organizer" {
		t.Fatalf("login answer = %s, want the organiser", login.Body)
	}
	if strings.Contains(string(login.Body), "argon2") || strings.Contains(strings.ToLower(string(login.Body)), "password") {
		t.Fatalf("login answer leaks the password hash: %s", login.Body)
	}
	var session *http.Cookie
	for _, ck := range (&http.Response{Header: login.Header}).Cookies() {
		if ck.Name == "ideenmarkt_session" {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" {
		t.Fatalf("session cookie = %+v, want HttpOnly, SameSite=Lax, Path=/", session)
	}
	if got := me(); got.Account == nil || got.Account.Email != orgaEmail {
		t.Fatalf("me after login = %+v, want %s", got.Account, orgaEmail)
	}
	oldToken := c.cookie("ideenmarkt_session")

	t.Run("a new login replaces the old session", func(t *testing.T) {
		c.MustLogin(t)
		if c.cookie("ideenmarkt_session") == oldToken {
			t.Fatal("session token unchanged after a second login")
		}
		if _, err := e.app.Authenticate(t.Context(), oldToken); backend.ErrorCode(err) != backend.EUNAUTHORIZED {
			t.Fatalf("old session: %v, want unauthorized", err)
		}
	})

	r := c.Do(t, http.MethodPost, "/api/v1/auth/logout", nil)
	if r.Status != http.StatusNoContent {
		t.Fatalf("logout status = %d, want 204; body %s", r.Status, r.Body)
	}
	if c.cookie("ideenmarkt_session") != "" {
		t.Fatal("session cookie still set after logout")
	}
	if got := me(); got.Account != nil {
		t.Fatalf("me after logout = %+v, want null", got.Account)
	}

	t.Run("a wrong password is 401 problem", func(t *testing.T) {
		r := c.Do(t, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": orgaEmail, "password": "falsch-falsch-falsch"})
		wrong := mustProblem(t, r, http.StatusUnauthorized, backend.EUNAUTHORIZED)
		r = c.Do(t, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": "niemand@stadt.example", "password": "falsch-falsch-falsch"})
		unknown := mustProblem(t, r, http.StatusUnauthorized, backend.EUNAUTHORIZED)
		if wrong.Detail != unknown.Detail {
			t.Errorf("detail %q vs %q: unknown e-mail must look like a wrong password", wrong.Detail, unknown.Detail)
		}
	})
	t.Run("a stolen-then-logged-out session cookie is anonymous", func(t *testing.T) {
		thief := e.client()
		thief.setCookie("ideenmarkt_session", oldToken)
		if got := mustJSON[meJSON](t, thief.Do(t, http.MethodGet, "/api/v1/me", nil), http.StatusOK); got.Account != nil {
			t.Fatalf("me with an ended session = %+v, want null", got.Account)
		}
		if thief.cookie("ideenmarkt_session") != "" {
			t.Error("the server did not clear the dead session cookie")
		}
		mustProblem(t, thief.Do(t, http.MethodPost, "/api/v1/conferences", conferenceBody("dieb")), http.StatusUnauthorized, backend.EUNAUTHORIZED)
	})
}

func TestExpiredSessionIsAnonymous(t *testing.T) {
	e := MustNewEnv(t)
	var mu sync.Mutex
	now := time.Now()
	e.app.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	c := e.client()
	c.MustLogin(t)
	if got := mustJSON[meJSON](t, c.Do(t, http.MethodGet, "/api/v1/me", nil), http.StatusOK); got.Account == nil {
		t.Fatal("me right after login = null, want the account")
	}
	mu.Lock()
	now = now.Add(e.app.SessionTTL + time.Minute)
	mu.Unlock()
	mustProblem(t, c.Do(t, http.MethodPost, "/api/v1/conferences", conferenceBody("zu-spaet")), http.StatusUnauthorized, backend.EUNAUTHORIZED)
	if c.cookie("ideenmarkt_session") != "" {
		t.Error("the expired session cookie was not cleared")
	}
	if got := mustJSON[meJSON](t, c.Do(t, http.MethodGet, "/api/v1/me", nil), http.StatusOK); got.Account != nil {
		t.Fatalf("me after expiry = %+v, want null", got.Account)
	}
}

func TestLoginRateLimit(t *testing.T) {
	wrong := map[string]string{"email": orgaEmail, "password": "falsch-falsch-falsch"}
	right := map[string]string{"email": orgaEmail, "password": orgaPassword}

	t.Run("the 11th attempt after 10 failures is 429 with Retry-After, even with the right password", func(t *testing.T) {
		e := MustNewEnv(t)
		c := e.client()
		for i := 1; i <= 10; i++ {
			mustProblem(t, c.Do(t, http.MethodPost, "/api/v1/auth/login", wrong), http.StatusUnauthorized, backend.EUNAUTHORIZED)
		}
		r := c.Do(t, http.MethodPost, "/api/v1/auth/login", right)
		mustProblem(t, r, http.StatusTooManyRequests, backend.ERATELIMIT)
		wantRetryAfter(t, r)
		if c.cookie("ideenmarkt_session") != "" {
			t.Fatal("a blocked login set a session cookie")
		}
	})
	t.Run("a success before the limit resets the e-mail's count", func(t *testing.T) {
		e := MustNewEnv(t, func(o *web.Options) { o.ProxyHeader = "X-Real-Ip" })
		c := e.client()
		from := func(ip string) func(*http.Request) { return func(r *http.Request) { r.Header.Set("X-Real-Ip", ip) } }
		for range 9 {
			mustProblem(t, c.DoWith(t, http.MethodPost, "/api/v1/auth/login", wrong, from("10.0.0.1")), http.StatusUnauthorized, backend.EUNAUTHORIZED)
		}
		if r := c.DoWith(t, http.MethodPost, "/api/v1/auth/login", right, from("10.0.0.2")); r.Status != http.StatusOK {
			t.Fatalf("login = %d, want 200", r.Status)
		}
		for range 9 {
			mustProblem(t, c.DoWith(t, http.MethodPost, "/api/v1/auth/login", wrong, from("10.0.0.3")), http.StatusUnauthorized, backend.EUNAUTHORIZED)
		}
		if r := c.DoWith(t, http.MethodPost, "/api/v1/auth/login", right, from("10.0.0.4")); r.Status != http.StatusOK {
			t.Fatalf("login after 9+9 failures around a success = %d, want 200; body %s", r.Status, r.Body)
		}
	})
	t.Run("an e-mail address is blocked from every client address", func(t *testing.T) {
		e := MustNewEnv(t, func(o *web.Options) { o.ProxyHeader = "X-Real-Ip" })
		c := e.client()
		for i := range 10 {
			ip := "10.0.1." + strconv.Itoa(i+1)
			mustProblem(t, c.DoWith(t, http.MethodPost, "/api/v1/auth/login", wrong, func(r *http.Request) { r.Header.Set("X-Real-Ip", ip) }), http.StatusUnauthorized, backend.EUNAUTHORIZED)
		}
		r := c.DoWith(t, http.MethodPost, "/api/v1/auth/login", right, func(r *http.Request) { r.Header.Set("X-Real-Ip", "192.0.2.77") })
		mustProblem(t, r, http.StatusTooManyRequests, backend.ERATELIMIT)
		wantRetryAfter(t, r)
	})
	// Behind a proxy that appends the peer to X-Forwarded-For, only the last
	// entry is trustworthy; a client must not get a fresh per-address budget by
	// prepending made-up addresses.
	t.Run("the per-address limit cannot be dodged with a made-up X-Forwarded-For prefix", func(t *testing.T) {
		e := MustNewEnv(t, func(o *web.Options) { o.ProxyHeader = "X-Forwarded-For" })
		c := e.client()
		for i := range 10 {
			body := map[string]string{"email": "opfer-" + strconv.Itoa(i) + "@stadt.example", "password": "rate-mal-123456"}
			xff := "203.0.113." + strconv.Itoa(i+1) + ", 192.0.2.10"
			mustProblem(t, c.DoWith(t, http.MethodPost, "/api/v1/auth/login", body, func(r *http.Request) { r.Header.Set("X-Forwarded-For", xff) }), http.StatusUnauthorized, backend.EUNAUTHORIZED)
		}
		body := map[string]string{"email": "opfer-z@stadt.example", "password": "rate-mal-123456"}
		r := c.DoWith(t, http.MethodPost, "/api/v1/auth/login", body, func(r *http.Request) { r.Header.Set("X-Forwarded-For", "198.51.100.1, 192.0.2.10") })
		if r.Status != http.StatusTooManyRequests {
			t.Fatalf("11th failure from proxy peer 192.0.2.10 = %d, want 429: the client address was taken from the client-controlled part of X-Forwarded-For", r.Status)
		}
	})
}

func wantRetryAfter(tb testing.TB, r response) {
	tb.Helper()
	ra := r.Header.Get("Retry-After")
	n := 0
	for _, ch := range ra {
		if ch < '0' || ch > '9' {
			n = -1
			break
		}
		n = n*10 + int(ch-'0')
	}
	if ra == "" || n < 1 || n > 601 {
		tb.Fatalf("Retry-After = %q, want whole seconds in 1..601", ra)
	}
}

func TestCSRF(t *testing.T) {
	e := MustNewEnv(t)
	c := e.client()
	c.MustLogin(t)
	before := e.total(t)
	tests := []struct {
		name string
		edit func(*http.Request)
		want int
	}{
		{"without the header is refused", func(r *http.Request) { r.Header.Del("X-CSRF-Token") }, http.StatusForbidden},
		{"with a mismatching header is refused", func(r *http.Request) { r.Header.Set("X-CSRF-Token", strings.Repeat("x", 43)) }, http.StatusForbidden},
		{"with a foreign Origin is refused", func(r *http.Request) { r.Header.Set("Origin", "https://evil.example") }, http.StatusForbidden},
		{"with Origin null is refused", func(r *http.Request) { r.Header.Set("Origin", "null") }, http.StatusForbidden},
		{"with Sec-Fetch-Site cross-site is refused", func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") }, http.StatusForbidden},
		{"with the same-origin Origin and the right header is accepted", func(r *http.Request) { r.Header.Set("Origin", testOrigin) }, http.StatusCreated},
		{"without Origin and with the right header is accepted", nil, http.StatusCreated},
	}
	created := 0
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.DoWith(t, http.MethodPost, "/api/v1/conferences", conferenceBody("csrf-"+strconv.Itoa(i)), tt.edit)
			if tt.want == http.StatusForbidden {
				mustProblem(t, r, http.StatusForbidden, backend.EFORBIDDEN)
				return
			}
			created++
			if r.Status != tt.want {
				t.Fatalf("status = %d, want %d; body %s", r.Status, tt.want, r.Body)
			}
		})
	}
	t.Run("a header without the CSRF cookie is refused", func(t *testing.T) {
		req := newRequest(http.MethodPost, "/api/v1/conferences", conferenceBody("csrf-ohne-cookie"))
		req.Header.Set("X-CSRF-Token", c.cookie("ideenmarkt_csrf"))
		req.AddCookie(&http.Cookie{Name: "ideenmarkt_session", Value: c.cookie("ideenmarkt_session")})
		mustProblem(t, sendRaw(t, e.srv, req), http.StatusForbidden, backend.EFORBIDDEN)
	})
	if got := e.total(t); got != before+created {
		t.Fatalf("conferences = %d, want %d: refused requests must store nothing", got, before+created)
	}
	t.Run("the CSRF cookie is readable by the SPA and SameSite=Lax", func(t *testing.T) {
		r := e.client().Do(t, http.MethodGet, "/api/v1/me", nil)
		var ck *http.Cookie
		for _, x := range (&http.Response{Header: r.Header}).Cookies() {
			if x.Name == "ideenmarkt_csrf" {
				ck = x
			}
		}
		if ck == nil || ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || len(ck.Value) < 32 {
			t.Fatalf("csrf cookie = %+v, want a readable, SameSite=Lax token of >= 32 characters", ck)
		}
	})
	t.Run("with BaseURL only its origin is accepted", func(t *testing.T) {
		e := MustNewEnv(t, func(o *web.Options) { o.BaseURL = "https://ideen.stadt.example" })
		c := e.client()
		withOrigin := func(o string) func(*http.Request) { return func(r *http.Request) { r.Header.Set("Origin", o) } }
		body := map[string]string{"email": orgaEmail, "password": orgaPassword}
		mustProblem(t, c.DoWith(t, http.MethodPost, "/api/v1/auth/login", body, withOrigin(testOrigin)), http.StatusForbidden, backend.EFORBIDDEN)
		r := c.DoWith(t, http.MethodPost, "/api/v1/auth/login", body, withOrigin("https://ideen.stadt.example"))
		if r.Status != http.StatusOK {
			t.Fatalf("login from the BaseURL origin = %d, want 200; body %s", r.Status, r.Body)
		}
		for _, ck := range (&http.Response{Header: r.Header}).Cookies() {
			if !ck.Secure {
				t.Errorf("cookie %s is not Secure behind an https BaseURL", ck.Name)
			}
		}
		if hsts := r.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
			t.Errorf("Strict-Transport-Security = %q, want max-age with an https BaseURL", hsts)
		}
	})
}

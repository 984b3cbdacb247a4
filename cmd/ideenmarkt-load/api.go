package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"time"
)

// Cookie and header names of the server's browser auth (backend/web/auth.go).
const (
	csrfCookieName = "ideenmarkt_csrf"
	csrfHeaderName = "X-CSRF-Token"
)

// newTransport is the one HTTP connection pool all clients share. It is
// bounded like the uplink of a venue whose phones sit behind one NAT, and
// so that 10,000 phones do not open 10,000 more sockets on each side.
func newTransport(conns int) *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxConnsPerHost:     conns,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
}

// apiClient is one browser: its own cookies (session or participant, and
// the CSRF token it echoes) over the shared transport.
type apiClient struct {
	base *url.URL
	http *http.Client
	jar  *cookiejar.Jar
	csrf string
}

func newAPIClient(base string, tr http.RoundTripper, timeout time.Duration) (*apiClient, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("parse base URL: %w", err)
	}
	jar, _ := cookiejar.New(nil) // never fails without options
	return &apiClient{base: u, jar: jar, http: &http.Client{Transport: tr, Jar: jar, Timeout: timeout}}, nil
}

// apiError is a non-2xx answer with its problem details.
type apiError struct {
	Status int
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Title  string `json:"title"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("HTTP %d %s: %s%s", e.Status, e.Code, e.Title, e.Detail)
}

// do sends a JSON request and decodes a JSON answer into out (if not nil).
// Network errors come back unwrapped by apiError, so callers can tell them
// from answers.
func (c *apiClient) do(ctx context.Context, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, rd)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		req.Header.Set(csrfHeaderName, c.csrf)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode >= 300 {
		e := &apiError{Status: resp.StatusCode}
		_ = json.Unmarshal(b, e)
		return resp.StatusCode, fmt.Errorf("%s %s: %w", method, path, e)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode %s %s: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

// fetchCSRF does what the SPA's first request does: GET /api/v1/me hands
// out the CSRF cookie, which state changes echo in X-CSRF-Token.
func (c *apiClient) fetchCSRF(ctx context.Context) error {
	if _, err := c.do(ctx, http.MethodGet, "/api/v1/me", nil, nil); err != nil {
		return err
	}
	for _, ck := range c.jar.Cookies(c.base) {
		if ck.Name == csrfCookieName {
			c.csrf = ck.Value
			return nil
		}
	}
	return errors.New("GET /api/v1/me set no CSRF cookie")
}

// transient reports whether a failed request may be retried unchanged: a
// network error, or the server saying it is overloaded or stopping; not an
// answer about the request itself, nor an error marked noRetry.
func transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var nr noRetry
	if errors.As(err, &nr) {
		return false
	}
	var ae *apiError
	if !errors.As(err, &ae) {
		return true
	}
	return ae.Status == http.StatusTooManyRequests || ae.Status >= 500
}

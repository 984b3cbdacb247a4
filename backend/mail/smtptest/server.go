// Package smtptest runs a real SMTP server on loopback that keeps every
// message it accepts, for tests that must exercise the actual SMTP
// dialogue (TLS, AUTH, error replies) rather than a fake sender, and for
// a development mail catcher.
//
// It is built on github.com/emersion/go-smtp. Options require AUTH PLAIN,
// offer STARTTLS or implicit TLS with a self-signed certificate made at
// start, and make the next deliveries fail with a chosen reply code.
package smtptest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is a running SMTP server. Its methods are safe for concurrent use.
type Server struct {
	srv      *smtp.Server
	ln       net.Listener
	opts     options
	certPool *x509.CertPool

	mu       sync.Mutex
	messages []Message
	attempts int           // DATA commands, accepted or not
	failN    int           // deliveries still to fail
	failCode int           // with this reply code
	changed  chan struct{} // closed and replaced when a message arrives
}

// Option configures a Server.
type Option func(*options)

type options struct {
	addr       string
	user, pass string
	auth       bool
	startTLS   bool
	implicit   bool
	failN      int
	failCode   int
	errorLog   *log.Logger
}

// WithAuth requires AUTH PLAIN with these credentials before MAIL FROM.
// Without TLS the server accepts AUTH in plain text (it only listens on
// loopback); with TLS offered it insists on TLS first, so a client that
// authenticates before STARTTLS fails.
func WithAuth(username, password string) Option {
	return func(o *options) { o.auth, o.user, o.pass = true, username, password }
}

// WithSTARTTLS offers STARTTLS with a self-signed certificate for
// localhost, 127.0.0.1 and ::1; trust it with Server.CertPool.
func WithSTARTTLS() Option { return func(o *options) { o.startTLS = true } }

// WithImplicitTLS speaks TLS from the first byte (like port 465), with
// the same self-signed certificate as WithSTARTTLS.
func WithImplicitTLS() Option { return func(o *options) { o.implicit = true } }

// WithFailures makes the next n deliveries fail with the reply code (e.g.
// 451 temporary, 550 permanent) after the message data is received; see
// also Server.FailNext.
func WithFailures(n, code int) Option {
	return func(o *options) { o.failN, o.failCode = n, code }
}

// WithAddr listens on addr instead of a random loopback port, e.g.
// "127.0.0.1:2525" for a development mail catcher.
func WithAddr(addr string) Option { return func(o *options) { o.addr = addr } }

// WithErrorLog sends the server's connection errors to l; by default they
// are discarded.
func WithErrorLog(l *log.Logger) Option { return func(o *options) { o.errorLog = l } }

// Start starts a server on a random loopback port and stops it when the
// test ends. It fails the test if the server cannot start.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := New(opts...)
	if err != nil {
		tb.Fatalf("smtptest: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// New starts a server outside a test (a mail catcher); Close stops it.
func New(opts ...Option) (*Server, error) {
	o := options{addr: "127.0.0.1:0"}
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{opts: o, failN: o.failN, failCode: o.failCode, changed: make(chan struct{})}

	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Domain = "localhost"
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 100
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if o.errorLog != nil {
		srv.ErrorLog = o.errorLog
	}
	var tlsConfig *tls.Config
	if o.startTLS || o.implicit {
		cert, pool, err := selfSigned()
		if err != nil {
			return nil, err
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.certPool = pool
	}
	if o.startTLS {
		srv.TLSConfig = tlsConfig
	}
	// Plain-text AUTH only when the server offers no TLS at all.
	srv.AllowInsecureAuth = !o.startTLS && !o.implicit

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", o.addr, err)
	}
	if o.implicit {
		ln = tls.NewListener(ln, tlsConfig)
	}
	s.srv, s.ln = srv, ln
	go srv.Serve(ln)
	return s, nil
}

// Close stops the server and drops open connections.
func (s *Server) Close() error {
	err := s.srv.Close()
	// Serve registers the listener in a goroutine; close it here as well
	// in case Close came first.
	s.ln.Close()
	if errors.Is(err, smtp.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// Addr returns the "host:port" the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Host returns the host part of Addr, e.g. "127.0.0.1".
func (s *Server) Host() string {
	h, _, _ := net.SplitHostPort(s.Addr())
	return h
}

// Port returns the port the server listens on.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr())
	n, _ := strconv.Atoi(p)
	return n
}

// CertPool returns a pool that trusts the server's certificate, for a
// client's tls.Config{RootCAs: …}; nil without TLS.
func (s *Server) CertPool() *x509.CertPool { return s.certPool }

// ClientTLSConfig returns a client configuration that trusts the server
// and verifies it as Host; nil without TLS.
func (s *Server) ClientTLSConfig() *tls.Config {
	if s.certPool == nil {
		return nil
	}
	return &tls.Config{RootCAs: s.certPool, ServerName: s.Host(), MinVersion: tls.VersionTLS12}
}

// FailNext makes the next n deliveries fail with the reply code, replacing
// any failures still pending.
func (s *Server) FailNext(n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN, s.failCode = n, code
}

// Messages returns the accepted messages, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Attempts returns how many messages clients tried to deliver (DATA
// commands), including those refused by FailNext.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// Reset forgets the accepted messages and the attempts.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages, s.attempts = nil, 0
}

// WaitFor waits until at least n accepted messages have the recipient to
// (case-insensitive; "" matches every message) and returns them, oldest
// first. When ctx ends first it returns those found so far with an error.
func (s *Server) WaitFor(ctx context.Context, to string, n int) ([]Message, error) {
	for {
		s.mu.Lock()
		var found []Message
		for _, m := range s.messages {
			if to == "" || m.HasRecipient(to) {
				found = append(found, m)
			}
		}
		changed := s.changed
		s.mu.Unlock()
		if len(found) >= n {
			return found, nil
		}
		select {
		case <-ctx.Done():
			return found, fmt.Errorf("smtptest: %d of %d messages to %q: %w", len(found), n, to, ctx.Err())
		case <-changed:
		}
	}
}

// deliver is called with a received message; it returns the injected
// failure, if any, else keeps the message.
func (s *Server) deliver(m Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts++
	if s.failN > 0 {
		s.failN--
		return &smtp.SMTPError{
			Code:         s.failCode,
			EnhancedCode: smtp.EnhancedCode{s.failCode / 100, 0, 0},
			Message:      "smtptest: injected failure",
		}
	}
	s.messages = append(s.messages, m)
	close(s.changed)
	s.changed = make(chan struct{})
	return nil
}

func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{srv: s, conn: c}, nil
}

// session is one SMTP connection's state.
type session struct {
	srv      *Server
	conn     *smtp.Conn
	authUser string
	from     string
	to       []string
}

var errAuthRequired = &smtp.SMTPError{
	Code:         530,
	EnhancedCode: smtp.EnhancedCode{5, 7, 0},
	Message:      "Authentication required",
}

// AuthMechanisms offers PLAIN when WithAuth is set, nothing otherwise.
func (se *session) AuthMechanisms() []string {
	if !se.srv.opts.auth {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	if !se.srv.opts.auth || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if identity != "" && identity != username {
			return smtp.ErrAuthFailed
		}
		if username != se.srv.opts.user || password != se.srv.opts.pass {
			return smtp.ErrAuthFailed
		}
		se.authUser = username
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.srv.opts.auth && se.authUser == "" {
		return errAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := se.conn.TLSConnectionState()
	m := parse(raw)
	m.From = se.from
	m.To = append([]string(nil), se.to...)
	m.TLS = isTLS
	m.AuthUser = se.authUser
	m.ReceivedAt = time.Now()
	return se.srv.deliver(m)
}

func (se *session) Reset() { se.from, se.to = "", nil }

func (se *session) Logout() error { return nil }

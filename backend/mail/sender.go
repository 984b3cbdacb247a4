package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sender delivers messages to one SMTP server (a relay or submission
// server), one connection per message. It is safe for concurrent use.
type Sender struct {
	cfg  Config
	from *mail.Address
}

// NewSender validates cfg and returns a Sender for it.
func NewSender(cfg Config) (*Sender, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	from, err := parseFrom(cfg.From)
	if err != nil {
		return nil, err
	}
	cfg.Host = strings.TrimSpace(cfg.Host)
	cfg.Security = cfg.security()
	return &Sender{cfg: cfg, from: from}, nil
}

// From returns the configured sender, the default From header of messages.
func (s *Sender) From() mail.Address { return *s.from }

// Stages of an SMTP delivery, reported in SendError. Failures before
// StageRcpt concern the server or the configuration and so every message
// alike; failures at StageRcpt and StageData concern this one message.
const (
	StageConnect  = "connect"  // dial, TLS handshake (implicit TLS), greeting
	StageHello    = "hello"    // EHLO
	StageStartTLS = "starttls" // STARTTLS and its handshake
	StageAuth     = "auth"     // AUTH PLAIN
	StageMail     = "mail"     // MAIL FROM
	StageRcpt     = "rcpt"     // RCPT TO
	StageData     = "data"     // DATA, the message, and the server's verdict on it
)

// SendError is a failed delivery: the stage it failed at and why. Use
// IsPermanent to decide whether to retry.
type SendError struct {
	Stage string
	Err   error
}

func (e *SendError) Error() string { return "smtp " + e.Stage + ": " + e.Err.Error() }
func (e *SendError) Unwrap() error { return e.Err }

// MessageLevel reports whether the failure concerns this message (its
// recipient or content) rather than the server or the configuration, which
// every other message would run into as well.
func (e *SendError) MessageLevel() bool { return e.Stage == StageRcpt || e.Stage == StageData }

// ErrInvalidAddress is an address that is not a plain e-mail address; no
// attempt can deliver to it. Errors wrapping it do not repeat the
// address, since errors are logged.
var ErrInvalidAddress = errors.New("invalid e-mail address")

// IsPermanent reports whether err is a permanent failure, a 5xx reply or
// an invalid address: sending the same message again will fail the same
// way. Any other error (4xx replies, network errors, timeouts, TLS
// problems) is temporary: a later attempt may succeed.
func IsPermanent(err error) bool {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code >= 500 && te.Code <= 599
	}
	return errors.Is(err, ErrInvalidAddress)
}

// Send delivers msg (a complete RFC 5322 message, e.g. Message.Bytes) to
// the one recipient address to, with the configured From address as the
// envelope sender. It returns nil only once the server has accepted the
// message. The whole dialogue is bounded by Config.Timeout and by ctx.
func (s *Sender) Send(ctx context.Context, to string, msg []byte) error {
	rcpt, err := mail.ParseAddress(to)
	if err != nil {
		// Neither the address nor the parser's message (which may quote
		// it) goes into the error: errors end up in logs.
		return &SendError{Stage: StageRcpt, Err: fmt.Errorf("recipient: %w", ErrInvalidAddress)}
	}
	deadline := time.Now().Add(s.cfg.timeout())
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	err = s.send(ctx, deadline, rcpt.Address, msg)
	if err != nil && ctx.Err() != nil {
		// Name the cancellation rather than the i/o error it caused.
		var se *SendError
		if errors.As(err, &se) {
			return &SendError{Stage: se.Stage, Err: fmt.Errorf("%w (%v)", ctx.Err(), se.Err)}
		}
	}
	return err
}

func (s *Sender) send(ctx context.Context, deadline time.Time, rcpt string, msg []byte) error {
	dialCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	conn, err := s.dial(dialCtx)
	if err != nil {
		return &SendError{Stage: StageConnect, Err: err}
	}
	// One deadline bounds every read and write; cancelling ctx moves it
	// into the past, which aborts whatever is blocked.
	if err := conn.SetDeadline(deadline); err != nil {
		conn.Close()
		return &SendError{Stage: StageConnect, Err: err}
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		conn.Close()
		return &SendError{Stage: StageConnect, Err: err}
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return &SendError{Stage: StageHello, Err: err}
	}
	if s.cfg.Security == SecurityStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return &SendError{Stage: StageStartTLS, Err: errors.New("the server does not offer STARTTLS (security \"starttls\" never falls back to plain text)")}
		}
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return &SendError{Stage: StageStartTLS, Err: err}
		}
	}
	if s.cfg.Username != "" {
		if err := s.auth(c); err != nil {
			return &SendError{Stage: StageAuth, Err: err}
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return &SendError{Stage: StageMail, Err: err}
	}
	if err := c.Rcpt(rcpt); err != nil {
		return &SendError{Stage: StageRcpt, Err: err}
	}
	w, err := c.Data()
	if err != nil {
		return &SendError{Stage: StageData, Err: err}
	}
	if _, err := w.Write(msg); err != nil {
		w.Close()
		return &SendError{Stage: StageData, Err: err}
	}
	// Close sends the final dot and reads the server's verdict: a nil error
	// means the server took responsibility for the message.
	if err := w.Close(); err != nil {
		return &SendError{Stage: StageData, Err: err}
	}
	// The message is accepted; a failing QUIT must not make the caller
	// send it again.
	_ = c.Quit()
	return nil
}

// dial connects, speaking TLS from the start for SecurityTLS.
func (s *Sender) dial(ctx context.Context) (net.Conn, error) {
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.port()))
	nd := &net.Dialer{}
	if s.cfg.Security == SecurityTLS {
		td := &tls.Dialer{NetDialer: nd, Config: s.tlsConfig()}
		return td.DialContext(ctx, "tcp", addr)
	}
	return nd.DialContext(ctx, "tcp", addr)
}

// tlsConfig returns the client TLS settings: the configured ones or the
// system roots, verifying the certificate against Host.
func (s *Sender) tlsConfig() *tls.Config {
	var tc *tls.Config
	if s.cfg.TLSConfig != nil {
		tc = s.cfg.TLSConfig.Clone()
	} else {
		tc = &tls.Config{}
	}
	if tc.ServerName == "" {
		tc.ServerName = s.cfg.Host
	}
	if tc.MinVersion == 0 {
		tc.MinVersion = tls.VersionTLS12
	}
	return tc
}

// auth authenticates with AUTH PLAIN, the one mechanism every submission
// server offers; it sends the password as is, so it is used only over TLS
// or to a loopback host (net/smtp checks this as well).
func (s *Sender) auth(c *smtp.Client) error {
	if _, isTLS := c.TLSConnectionState(); !isTLS && !isLoopback(s.cfg.Host) {
		return errors.New("refusing to send the password over an unencrypted connection")
	}
	ok, mechs := c.Extension("AUTH")
	if !ok {
		return errors.New("a username is configured but the server offers no AUTH")
	}
	if !slices.Contains(strings.Fields(strings.ToUpper(mechs)), "PLAIN") {
		return fmt.Errorf("the server offers no AUTH PLAIN (only %s)", mechs)
	}
	return c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host))
}

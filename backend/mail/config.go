// Package mail sends the registration e-mails that backend queues in its
// durable outbox (backend.OutboxMail): it renders them from German and
// English templates, builds RFC 5322 messages and delivers them over SMTP
// with the standard library, retrying temporary failures with a backoff.
//
// The outbox is written in the same transaction as the change that causes a
// mail, so a mail is never lost; this package makes sure it is sent, and,
// through a Message-ID derived from the outbox id, that a rare resend after
// a crash is recognisable as the same message.
package mail

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// Security is how the connection to the SMTP server is protected.
const (
	// SecurityStartTLS upgrades a plain connection with STARTTLS before
	// anything else is sent (submission, port 587). A server that does not
	// offer STARTTLS is an error: there is no fallback to plain text.
	SecurityStartTLS = "starttls"
	// SecurityTLS speaks TLS from the first byte (implicit TLS, port 465).
	SecurityTLS = "tls"
	// SecurityNone sends in plain text; allowed only to a loopback host,
	// e.g. a local relay or a development mail catcher, because mails
	// carry personal links.
	SecurityNone = "none"
)

// DefaultTimeout bounds one delivery (connect, TLS, dialogue) when
// Config.Timeout is zero, so a hanging server cannot stall the worker
// beyond its claim on a mail.
const DefaultTimeout = 30 * time.Second

// Config is how to reach the SMTP server. The zero values of Port,
// Security and Timeout mean the defaults (see the fields).
type Config struct {
	Host string
	// Port defaults by Security: 587 (starttls), 465 (tls), 25 (none).
	Port     int
	Username string // empty: no AUTH
	Password string
	// From is the sender, an address that may include a display name, e.g.
	// "Ideenmarkt <noreply@stadt.example>". Its address is also the
	// envelope sender, and its domain names the Message-IDs.
	From string
	// Security is SecurityStartTLS (default), SecurityTLS or SecurityNone.
	Security string
	Timeout  time.Duration // per delivery; 0: DefaultTimeout
	// TLSConfig overrides the client TLS settings (tests trust their own
	// certificate with it). ServerName defaults to Host.
	TLSConfig *tls.Config
}

// Validate checks c and explains every problem, so that a misconfigured
// server fails at start and not at the first registration.
func (c Config) Validate() error {
	var errs []error
	host := strings.TrimSpace(c.Host)
	if host == "" {
		errs = append(errs, errors.New("SMTP host is missing"))
	} else if strings.ContainsAny(host, " \t\r\n/:") && net.ParseIP(host) == nil {
		errs = append(errs, fmt.Errorf("SMTP host %q is not a host name or IP address (give the port separately)", c.Host))
	}
	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("SMTP port %d is out of range (1–65535, or 0 for the default)", c.Port))
	}
	switch c.security() {
	case SecurityStartTLS, SecurityTLS:
	case SecurityNone:
		if host != "" && !isLoopback(host) {
			errs = append(errs, fmt.Errorf("SMTP security %q is only allowed for a loopback host (localhost, 127.0.0.1, ::1), not %q: mails carry personal links and must not travel unencrypted", SecurityNone, c.Host))
		}
	default:
		errs = append(errs, fmt.Errorf("SMTP security %q is unknown (use %q, %q or %q)", c.Security, SecurityStartTLS, SecurityTLS, SecurityNone))
	}
	if c.Username == "" && c.Password != "" {
		errs = append(errs, errors.New("SMTP password is set but the username is missing"))
	}
	if strings.ContainsAny(c.Username+c.Password, "\r\n") {
		errs = append(errs, errors.New("SMTP username or password contains a line break"))
	}
	if strings.TrimSpace(c.From) == "" {
		errs = append(errs, errors.New("SMTP sender (From) is missing, e.g. \"Ideenmarkt <noreply@stadt.example>\""))
	} else if _, err := parseFrom(c.From); err != nil {
		errs = append(errs, err)
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("SMTP timeout %v is negative", c.Timeout))
	}
	return errors.Join(errs...)
}

// security returns c.Security in canonical form, the default if empty.
func (c Config) security() string {
	s := strings.ToLower(strings.TrimSpace(c.Security))
	if s == "" {
		return SecurityStartTLS
	}
	return s
}

// port returns the configured port or the usual one for the security.
func (c Config) port() int {
	if c.Port != 0 {
		return c.Port
	}
	switch c.security() {
	case SecurityTLS:
		return 465
	case SecurityNone:
		return 25
	default:
		return 587
	}
}

func (c Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

// Environment variables read by ConfigFromEnv.
const (
	EnvHost     = "IDEENMARKT_SMTP_HOST"
	EnvPort     = "IDEENMARKT_SMTP_PORT"
	EnvUsername = "IDEENMARKT_SMTP_USERNAME"
	EnvPassword = "IDEENMARKT_SMTP_PASSWORD"
	EnvFrom     = "IDEENMARKT_SMTP_FROM"
	EnvSecurity = "IDEENMARKT_SMTP_SECURITY"
)

// ConfigFromEnv reads the IDEENMARKT_SMTP_* variables through getenv
// (os.Getenv, or a map in tests). ok is false when IDEENMARKT_SMTP_HOST is
// unset: mail is then not configured, which is not an error. A set but
// invalid configuration is an error, so that it is noticed at start.
func ConfigFromEnv(getenv func(string) string) (c Config, ok bool, err error) {
	c.Host = strings.TrimSpace(getenv(EnvHost))
	if c.Host == "" {
		return Config{}, false, nil
	}
	if p := strings.TrimSpace(getenv(EnvPort)); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return Config{}, true, fmt.Errorf("%s=%q is not a port number", EnvPort, p)
		}
		c.Port = n
	}
	c.Username = getenv(EnvUsername)
	c.Password = getenv(EnvPassword)
	c.From = strings.TrimSpace(getenv(EnvFrom))
	c.Security = strings.ToLower(strings.TrimSpace(getenv(EnvSecurity)))
	if err := c.Validate(); err != nil {
		return Config{}, true, fmt.Errorf("SMTP configuration (IDEENMARKT_SMTP_*): %w", err)
	}
	return c, true, nil
}

// parseFrom parses a From value ("Name <addr>" or "addr") and makes sure
// its address has a domain, which the Message-IDs need.
func parseFrom(s string) (*mail.Address, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("SMTP sender (From) %q is not an e-mail address: %v", s, err)
	}
	if domainOf(a.Address) == "" {
		return nil, fmt.Errorf("SMTP sender (From) %q has no domain", s)
	}
	return a, nil
}

// isLoopback reports whether host names this machine, where an
// unencrypted connection never leaves the host.
func isLoopback(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

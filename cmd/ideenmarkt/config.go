package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"ideenmarkt/backend/mail"
)

// Config is every setting of ideenmarkt. It is filled once, in this order:
// defaults → optional file (-config / IDEENMARKT_CONFIG) → IDEENMARKT_*
// environment → command-line flags, then validated. Nothing else reads the
// environment.
type Config struct {
	HTTPAddr        string
	DataDir         string
	DatabaseURL     string
	Migrate         bool
	MeiliURL        string
	MeiliKey        string
	BaseURL         string
	ProxyHeader     string
	AdminEmail      string
	AdminPassword   string
	SessionTTL      time.Duration
	ShutdownTimeout time.Duration
	LogLevel        string
	LogFormat       string
	SMTPHost        string
	SMTPPort        string
	SMTPUsername    string
	SMTPPassword    string
	SMTPFrom        string
	SMTPSecurity    string
}

// setting describes one Config field for every source and for `ideenmarkt config`.
type setting struct {
	key  string // environment variable without the IDEENMARKT_ prefix; the flag is its lower-case, dashed form
	def  string
	desc string
	ptr  any // *string, *bool or *time.Duration inside Config
}

func (c *Config) settings() []setting {
	return []setting{
		{"HTTP_ADDR", ":8080", "Address the HTTP server listens on.", &c.HTTPAddr},
		{"DATA_DIR", "./data", "Directory for the embedded database (ideenmarkt.db) and search index.", &c.DataDir},
		{"DATABASE_URL", "", "PostgreSQL URL (postgres://user:pass@host/db). Empty: embedded SQLite in DATA_DIR.", &c.DatabaseURL},
		{"MIGRATE", "true", "Apply pending PostgreSQL migrations at start (SQLite always migrates). Set false to run `ideenmarkt migrate` separately.", &c.Migrate},
		{"MEILI_URL", "", "Meilisearch URL (http://search:7700). Empty: embedded bleve index in DATA_DIR.", &c.MeiliURL},
		{"MEILI_KEY", "", "Meilisearch API key.", &c.MeiliKey},
		{"BASE_URL", "", "Public URL (https://ideen.example.de). https turns on Secure cookies and HSTS; its origin is the only one accepted for writes. Empty: trust the request's Host (local use).", &c.BaseURL},
		{"PROXY_HEADER", "", "Header with the client address behind a reverse proxy (X-Forwarded-For). Empty: the socket address.", &c.ProxyHeader},
		{"ADMIN_EMAIL", "", "E-mail of the first organiser, created at start when no account exists.", &c.AdminEmail},
		{"ADMIN_PASSWORD", "", "Password of the first organiser (at least 12 characters). If neither is set on first start, one is generated and printed once.", &c.AdminPassword},
		{"SESSION_TTL", "12h", "How long a login lasts.", &c.SessionTTL},
		{"SHUTDOWN_TIMEOUT", "15s", "How long in-flight requests may take to finish on SIGTERM.", &c.ShutdownTimeout},
		{"LOG_LEVEL", "info", "Log level: debug, info, warn or error.", &c.LogLevel},
		{"LOG_FORMAT", "text", "Log format: text or json.", &c.LogFormat},
		{"SMTP_HOST", "", "Mail server for registration e-mails. Empty: mails wait in the database until one is set.", &c.SMTPHost},
		{"SMTP_PORT", "", "Mail server port. Empty: 587 (starttls), 465 (tls) or 25 (none).", &c.SMTPPort},
		{"SMTP_USERNAME", "", "Mail server login (AUTH PLAIN, only over TLS or to localhost). Empty: no login.", &c.SMTPUsername},
		{"SMTP_PASSWORD", "", "Mail server password.", &c.SMTPPassword},
		{"SMTP_FROM", "", "Sender of the e-mails (\"Ideenmarkt <noreply@stadt.example>\"). Required with SMTP_HOST.", &c.SMTPFrom},
		{"SMTP_SECURITY", "starttls", "starttls, tls (implicit, port 465) or none (only to localhost).", &c.SMTPSecurity},
	}
}

func (s setting) env() string  { return "IDEENMARKT_" + s.key }
func (s setting) flag() string { return strings.ReplaceAll(strings.ToLower(s.key), "_", "-") }

func (s setting) set(v string) error {
	switch p := s.ptr.(type) {
	case *string:
		*p = v
	case *bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%s: %q is not true or false", s.env(), v)
		}
		*p = b
	case *time.Duration:
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("%s: %q is not a duration like 15s or 12h", s.env(), v)
		}
		*p = d
	}
	return nil
}

// LoadConfig builds the Config from all sources; args are the flags after the
// subcommand, and extra (if not nil) registers a subcommand's own flags on the
// same flag set. It returns the remaining positional arguments.
func LoadConfig(args []string, environ func(string) (string, bool), extra func(*flag.FlagSet)) (Config, []string, error) {
	var c Config
	for _, s := range c.settings() {
		if err := s.set(s.def); err != nil {
			return c, nil, err
		}
	}
	fs := flag.NewFlagSet("ideenmarkt", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if extra != nil {
		extra(fs)
	}
	configFile := fs.String("config", "", "optional settings file with IDEENMARKT_KEY=value lines")
	flagVals := map[string]*string{}
	for _, s := range c.settings() {
		flagVals[s.key] = fs.String(s.flag(), "", s.desc)
	}
	if err := fs.Parse(args); err != nil {
		return c, nil, fmt.Errorf("parse flags: %w", err)
	}
	if *configFile == "" {
		*configFile, _ = environ("IDEENMARKT_CONFIG")
	}
	if *configFile != "" {
		if err := c.loadFile(*configFile); err != nil {
			return c, nil, err
		}
	}
	for _, s := range c.settings() {
		if v, ok := environ(s.env()); ok {
			if err := s.set(v); err != nil {
				return c, nil, err
			}
		}
	}
	var err error
	fs.Visit(func(f *flag.Flag) {
		for _, s := range c.settings() {
			if s.flag() == f.Name && err == nil {
				err = s.set(*flagVals[s.key])
			}
		}
	})
	if err != nil {
		return c, nil, err
	}
	return c, fs.Args(), c.Validate()
}

func (c *Config) loadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open config file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		k, v, ok := strings.Cut(text, "=")
		if !ok {
			return fmt.Errorf("%s:%d: want IDEENMARKT_KEY=value", path, line)
		}
		k, v = strings.TrimSpace(k), strings.Trim(strings.TrimSpace(v), `"`)
		found := false
		for _, s := range c.settings() {
			if s.env() == k {
				if err := s.set(v); err != nil {
					return fmt.Errorf("%s:%d: %w", path, line, err)
				}
				found = true
			}
		}
		if !found {
			return fmt.Errorf("%s:%d: unknown setting %s", path, line, k)
		}
	}
	return sc.Err()
}

// MailConfig is the SMTP settings as backend/mail reads them; ok is false
// when no mail server is set.
func (c *Config) MailConfig() (cfg mail.Config, ok bool, err error) {
	vals := map[string]string{mail.EnvHost: c.SMTPHost, mail.EnvPort: c.SMTPPort, mail.EnvUsername: c.SMTPUsername,
		mail.EnvPassword: c.SMTPPassword, mail.EnvFrom: c.SMTPFrom, mail.EnvSecurity: c.SMTPSecurity}
	return mail.ConfigFromEnv(func(k string) string { return vals[k] })
}

// Validate checks the settings once, so that a typo stops the start with a
// clear message instead of failing later.
func (c *Config) Validate() error {
	var errs []string
	if c.HTTPAddr == "" {
		errs = append(errs, "IDEENMARKT_HTTP_ADDR must not be empty")
	}
	if c.DatabaseURL == "" && c.DataDir == "" {
		errs = append(errs, "IDEENMARKT_DATA_DIR must not be empty when no DATABASE_URL is set")
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, "IDEENMARKT_DATABASE_URL must start with postgres:// or postgresql://")
	}
	for _, u := range []struct{ name, val string }{{"BASE_URL", c.BaseURL}, {"MEILI_URL", c.MeiliURL}} {
		if u.val == "" {
			continue
		}
		if p, err := url.Parse(u.val); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			errs = append(errs, "IDEENMARKT_"+u.name+" must be an http(s) URL")
		}
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		errs = append(errs, "set both IDEENMARKT_ADMIN_EMAIL and IDEENMARKT_ADMIN_PASSWORD, or neither")
	}
	if _, _, err := c.MailConfig(); err != nil {
		errs = append(errs, err.Error())
	}
	if c.ShutdownTimeout <= 0 {
		errs = append(errs, "IDEENMARKT_SHUTDOWN_TIMEOUT must be positive")
	}
	if c.SessionTTL < time.Minute {
		errs = append(errs, "IDEENMARKT_SESSION_TTL must be at least 1m")
	}
	if _, err := c.slogLevel(); err != nil {
		errs = append(errs, err.Error())
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, "IDEENMARKT_LOG_FORMAT must be text or json")
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid configuration:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}

func (c *Config) slogLevel() (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return l, fmt.Errorf("IDEENMARKT_LOG_LEVEL must be debug, info, warn or error")
	}
	return l, nil
}

// PrintSettings writes the table of `ideenmarkt config`: every setting with its
// environment variable, flag, default, current value (secrets masked) and
// description. The README's configuration table is this output.
func (c *Config) PrintSettings(w io.Writer, markdown bool) {
	if markdown {
		fmt.Fprintln(w, "| Environment variable | Flag | Default | Description |")
		fmt.Fprintln(w, "| --- | --- | --- | --- |")
		for _, s := range c.settings() {
			fmt.Fprintf(w, "| `%s` | `-%s` | `%s` | %s |\n", s.env(), s.flag(), s.def, s.desc)
		}
		return
	}
	for _, s := range c.settings() {
		val := fmt.Sprint(deref(s.ptr))
		if (strings.Contains(s.key, "PASSWORD") || strings.Contains(s.key, "KEY") || s.key == "DATABASE_URL") && val != "" {
			val = "(set)"
		}
		fmt.Fprintf(w, "%s (-%s)\n    default: %q  current: %q\n    %s\n", s.env(), s.flag(), s.def, val, s.desc)
	}
}

func deref(p any) any {
	switch v := p.(type) {
	case *string:
		return *v
	case *bool:
		return *v
	case *time.Duration:
		return *v
	}
	return nil
}

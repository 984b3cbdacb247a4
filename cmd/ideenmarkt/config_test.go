package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeEnv is an environ func over a map, so tests never see the real environment.
func fakeEnv(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// MustWriteFile writes a settings file into a temp dir and returns its path.
func MustWriteFile(tb testing.TB, content string) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "ideenmarkt.env")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestConfigDefaults(t *testing.T) {
	c, rest, err := LoadConfig(nil, fakeEnv(nil), nil)
	if err != nil {
		t.Fatalf("defaults: %v", err)
	}
	want := Config{HTTPAddr: ":8080", DataDir: "./data", Migrate: true, SessionTTL: 12 * time.Hour,
		ShutdownTimeout: 15 * time.Second, LogLevel: "info", LogFormat: "text", SMTPSecurity: "starttls"}
	if c != want {
		t.Fatalf("defaults =\n%+v\nwant\n%+v", c, want)
	}
	if len(rest) != 0 {
		t.Fatalf("rest = %v, want none", rest)
	}
}

func TestConfigPrecedence(t *testing.T) {
	file := MustWriteFile(t, `# ideenmarkt settings
IDEENMARKT_HTTP_ADDR=:9000

IDEENMARKT_DATA_DIR = "/srv/ideenmarkt"
IDEENMARKT_LOG_LEVEL=debug
IDEENMARKT_SESSION_TTL=1h
IDEENMARKT_MIGRATE=false
`)
	env := map[string]string{
		"IDEENMARKT_CONFIG":      file,
		"IDEENMARKT_LOG_LEVEL":   "warn",
		"IDEENMARKT_SESSION_TTL": "2h",
		"IDEENMARKT_LOG_FORMAT":  "json",
		"UNRELATED":              "ignored",
	}
	c, rest, err := LoadConfig([]string{"-session-ttl", "3h", "-log-format=text", "extra", "-not-a-flag"}, fakeEnv(env), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"default survives when nobody sets it", c.ShutdownTimeout, 15 * time.Second},
		{"file beats default", c.HTTPAddr, ":9000"},
		{"file values may be quoted", c.DataDir, "/srv/ideenmarkt"},
		{"file sets booleans", c.Migrate, false},
		{"environment beats file", c.LogLevel, "warn"},
		{"flag beats environment and file", c.SessionTTL, 3 * time.Hour},
		{"flag beats environment", c.LogFormat, "text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	t.Run("positional arguments after the flags are returned", func(t *testing.T) {
		if len(rest) != 2 || rest[0] != "extra" || rest[1] != "-not-a-flag" {
			t.Errorf("rest = %q, want [extra -not-a-flag]", rest)
		}
	})
	t.Run("the -config flag beats IDEENMARKT_CONFIG", func(t *testing.T) {
		other := MustWriteFile(t, "IDEENMARKT_HTTP_ADDR=:9100\n")
		c, _, err := LoadConfig([]string{"-config", other}, fakeEnv(env), nil)
		if err != nil || c.HTTPAddr != ":9100" {
			t.Errorf("HTTPAddr = %q (%v), want :9100 from the -config file", c.HTTPAddr, err)
		}
	})
	t.Run("a subcommand's own flags share the flag set", func(t *testing.T) {
		var email *string
		c, _, err := LoadConfig([]string{"-email", "a@b.example", "-http-addr", ":1"}, fakeEnv(nil), nil)
		if err == nil {
			t.Fatalf("unknown flag -email accepted without extra: %+v", c)
		}
		c, _, err = LoadConfig([]string{"-email", "a@b.example", "-http-addr", ":1"}, fakeEnv(nil), func(fs *flag.FlagSet) {
			email = fs.String("email", "", "")
		})
		if err != nil || *email != "a@b.example" || c.HTTPAddr != ":1" {
			t.Errorf("email %q, HTTPAddr %q, err %v; want both flags parsed", *email, c.HTTPAddr, err)
		}
	})
}

func TestConfigFileErrors(t *testing.T) {
	tests := []struct{ name, content, wantErr string }{
		{"unknown setting names its line", "# c\nIDEENMARKT_HTTP_ADDR=:1\nIDEENMARKT_NOPE=1\n", ":3: unknown setting IDEENMARKT_NOPE"},
		{"a line without = names its line", "IDEENMARKT_HTTP_ADDR\n", ":1: want IDEENMARKT_KEY=value"},
		{"a bad value names its line and setting", "\nIDEENMARKT_SESSION_TTL=soon\n", ":2: IDEENMARKT_SESSION_TTL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := LoadConfig([]string{"-config", MustWriteFile(t, tt.content)}, fakeEnv(nil), nil)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	t.Run("a missing file is an error", func(t *testing.T) {
		_, _, err := LoadConfig([]string{"-config", filepath.Join(t.TempDir(), "missing.env")}, fakeEnv(nil), nil)
		if err == nil || !strings.Contains(err.Error(), "open config file") {
			t.Fatalf("err = %v, want open config file", err)
		}
	})
}

func TestConfigValidation(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string // "" means valid
	}{
		{"a PostgreSQL URL is accepted", map[string]string{"IDEENMARKT_DATABASE_URL": "postgres://u:p@db/ideen"}, ""},
		{"a postgresql:// URL is accepted", map[string]string{"IDEENMARKT_DATABASE_URL": "postgresql://db/ideen"}, ""},
		{"a MySQL URL is rejected", map[string]string{"IDEENMARKT_DATABASE_URL": "mysql://db/ideen"}, "IDEENMARKT_DATABASE_URL"},
		{"a bare file path as DATABASE_URL is rejected", map[string]string{"IDEENMARKT_DATABASE_URL": "/var/lib/ideen.db"}, "IDEENMARKT_DATABASE_URL"},
		{"no DATA_DIR without a database URL is rejected", map[string]string{"IDEENMARKT_DATA_DIR": ""}, "IDEENMARKT_DATA_DIR"},
		{"no DATA_DIR with a database URL is fine", map[string]string{"IDEENMARKT_DATA_DIR": "", "IDEENMARKT_DATABASE_URL": "postgres://db/x"}, ""},
		{"an empty HTTP_ADDR is rejected", map[string]string{"IDEENMARKT_HTTP_ADDR": ""}, "IDEENMARKT_HTTP_ADDR"},
		{"only ADMIN_EMAIL is rejected", map[string]string{"IDEENMARKT_ADMIN_EMAIL": "a@stadt.example"}, "IDEENMARKT_ADMIN_PASSWORD"},
		{"only ADMIN_PASSWORD is rejected", map[string]string{"IDEENMARKT_ADMIN_PASSWORD": "geheim-geheim-1"}, "IDEENMARKT_ADMIN_EMAIL"},
		{"both admin settings are fine", map[string]string{"IDEENMARKT_ADMIN_EMAIL": "a@stadt.example", "IDEENMARKT_ADMIN_PASSWORD": "geheim-geheim-1"}, ""},
		{"an unparsable SESSION_TTL is rejected", map[string]string{"IDEENMARKT_SESSION_TTL": "12 hours"}, "IDEENMARKT_SESSION_TTL"},
		{"a SESSION_TTL under a minute is rejected", map[string]string{"IDEENMARKT_SESSION_TTL": "30s"}, "IDEENMARKT_SESSION_TTL"},
		{"an unparsable SHUTDOWN_TIMEOUT is rejected", map[string]string{"IDEENMARKT_SHUTDOWN_TIMEOUT": "soon"}, "IDEENMARKT_SHUTDOWN_TIMEOUT"},
		{"a negative SHUTDOWN_TIMEOUT is rejected", map[string]string{"IDEENMARKT_SHUTDOWN_TIMEOUT": "-5s"}, "IDEENMARKT_SHUTDOWN_TIMEOUT"},
		{"a bad LOG_LEVEL is rejected", map[string]string{"IDEENMARKT_LOG_LEVEL": "verbose"}, "IDEENMARKT_LOG_LEVEL"},
		{"LOG_LEVEL is case-insensitive", map[string]string{"IDEENMARKT_LOG_LEVEL": "WARN"}, ""},
		{"a bad LOG_FORMAT is rejected", map[string]string{"IDEENMARKT_LOG_FORMAT": "xml"}, "IDEENMARKT_LOG_FORMAT"},
		{"a non-boolean MIGRATE is rejected", map[string]string{"IDEENMARKT_MIGRATE": "yes please"}, "IDEENMARKT_MIGRATE"},
		{"a BASE_URL without scheme is rejected", map[string]string{"IDEENMARKT_BASE_URL": "ideen.stadt.example"}, "IDEENMARKT_BASE_URL"},
		{"an ftp BASE_URL is rejected", map[string]string{"IDEENMARKT_BASE_URL": "ftp://ideen.stadt.example"}, "IDEENMARKT_BASE_URL"},
		{"an https BASE_URL is fine", map[string]string{"IDEENMARKT_BASE_URL": "https://ideen.stadt.example"}, ""},
		{"a MEILI_URL without host is rejected", map[string]string{"IDEENMARKT_MEILI_URL": "http://"}, "IDEENMARKT_MEILI_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := LoadConfig(nil, fakeEnv(tt.env), nil)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("err = %v, want a valid config", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want one naming %s", err, tt.wantErr)
			}
		})
	}
	t.Run("flags are validated like the environment", func(t *testing.T) {
		_, _, err := LoadConfig([]string{"-log-level", "loud"}, fakeEnv(nil), nil)
		if err == nil || !strings.Contains(err.Error(), "IDEENMARKT_LOG_LEVEL") {
			t.Fatalf("err = %v, want IDEENMARKT_LOG_LEVEL", err)
		}
	})
	t.Run("all problems are reported at once", func(t *testing.T) {
		_, _, err := LoadConfig(nil, fakeEnv(map[string]string{"IDEENMARKT_LOG_FORMAT": "xml", "IDEENMARKT_LOG_LEVEL": "loud", "IDEENMARKT_ADMIN_EMAIL": "a@b.example"}), nil)
		for _, want := range []string{"IDEENMARKT_LOG_FORMAT", "IDEENMARKT_LOG_LEVEL", "IDEENMARKT_ADMIN_PASSWORD"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("err = %v, want it to name %s", err, want)
			}
		}
	})
	t.Run("an unknown flag is an error", func(t *testing.T) {
		if _, _, err := LoadConfig([]string{"-htp-addr", ":1"}, fakeEnv(nil), nil); err == nil {
			t.Fatal("err = nil, want a flag error")
		}
	})
}

func TestConfigCommand(t *testing.T) {
	t.Run("-markdown prints one row per setting", func(t *testing.T) {
		var out, errOut bytes.Buffer
		if err := run(t.Context(), []string{"config", "-markdown"}, &out, &errOut); err != nil {
			t.Fatalf("config -markdown: %v (%s)", err, errOut.String())
		}
		lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
		settings := (&Config{}).settings()
		if len(lines) != 2+len(settings) || !strings.HasPrefix(lines[1], "| --- |") {
			t.Fatalf("%d lines, want a header, a separator and %d rows:\n%s", len(lines), len(settings), out.String())
		}
		for i, s := range settings {
			row := lines[2+i]
			if !strings.HasPrefix(row, "| `"+s.env()+"` | `-"+s.flag()+"` | `"+s.def+"` | ") || strings.Count(row, " | ") != 3 || !strings.HasSuffix(row, " |") {
				t.Errorf("row %d = %q, want %s, -%s, default %q and a description", i, row, s.env(), s.flag(), s.def)
			}
			if strings.Count(out.String(), "`"+s.env()+"`") != 1 {
				t.Errorf("%s appears more than once", s.env())
			}
		}
	})
	t.Run("the plain listing masks secrets", func(t *testing.T) {
		t.Setenv("IDEENMARKT_ADMIN_EMAIL", "chefin@stadt.example")
		t.Setenv("IDEENMARKT_ADMIN_PASSWORD", "streng-geheim-4711")
		t.Setenv("IDEENMARKT_DATABASE_URL", "postgres://ideen:pw-4711@db/ideen")
		t.Setenv("IDEENMARKT_MEILI_KEY", "meili-key-4711")
		var out, errOut bytes.Buffer
		if err := run(t.Context(), []string{"config"}, &out, &errOut); err != nil {
			t.Fatalf("config: %v (%s)", err, errOut.String())
		}
		if strings.Contains(out.String(), "4711") {
			t.Fatalf("secret printed:\n%s", out.String())
		}
		if !strings.Contains(out.String(), "chefin@stadt.example") || strings.Count(out.String(), `current: "(set)"`) != 3 {
			t.Errorf("want the e-mail shown and three secrets as (set):\n%s", out.String())
		}
	})
}

// A mail server is optional; when one is set, a wrong setting stops the
// start with the setting's name instead of failing at the first mail.
func TestConfigMail(t *testing.T) {
	c, _, err := LoadConfig(nil, fakeEnv(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := c.MailConfig(); ok || err != nil {
		t.Errorf("no SMTP_HOST: ok %v, err %v; want not configured", ok, err)
	}
	c, _, err = LoadConfig(nil, fakeEnv(map[string]string{"IDEENMARKT_SMTP_HOST": "mail.stadt.example", "IDEENMARKT_SMTP_FROM": "Ideenmarkt <noreply@stadt.example>"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg, ok, err := c.MailConfig(); !ok || err != nil || cfg.Host != "mail.stadt.example" || cfg.Security != "starttls" {
		t.Errorf("configured: %+v, ok %v, err %v", cfg, ok, err)
	}
	for name, env := range map[string]map[string]string{
		"no sender":                {"IDEENMARKT_SMTP_HOST": "mail.stadt.example"},
		"port not a number":        {"IDEENMARKT_SMTP_HOST": "mail.stadt.example", "IDEENMARKT_SMTP_FROM": "a@stadt.example", "IDEENMARKT_SMTP_PORT": "abc"},
		"plain text to a far host": {"IDEENMARKT_SMTP_HOST": "mail.stadt.example", "IDEENMARKT_SMTP_FROM": "a@stadt.example", "IDEENMARKT_SMTP_SECURITY": "none"},
	} {
		if _, _, err := LoadConfig(nil, fakeEnv(env), nil); err == nil || !strings.Contains(err.Error(), "SMTP") {
			t.Errorf("%s: err = %v, want one naming the SMTP settings", name, err)
		}
	}
}

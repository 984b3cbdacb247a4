package mail_test

import (
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend/mail"
)

func TestConfigValidate(t *testing.T) {
	good := mail.Config{Host: "smtp.stadt.example", Port: 587, Username: "ideenmarkt", Password: "geheim", From: testFrom}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	tests := []struct {
		name    string
		change  func(c *mail.Config)
		wantErr string // "" means valid
	}{
		{"defaults", func(c *mail.Config) { c.Port, c.Security = 0, "" }, ""},
		{"implicit TLS", func(c *mail.Config) { c.Port, c.Security = 465, "tls" }, ""},
		{"security case-insensitive", func(c *mail.Config) { c.Security = "STARTTLS" }, ""},
		{"no auth", func(c *mail.Config) { c.Username, c.Password = "", "" }, ""},
		{"bare From", func(c *mail.Config) { c.From = "noreply@stadt.example" }, ""},
		{"none on localhost", func(c *mail.Config) { c.Host, c.Security = "localhost", "none" }, ""},
		{"none on 127.0.0.1", func(c *mail.Config) { c.Host, c.Security = "127.0.0.1", "none" }, ""},
		{"none on ::1", func(c *mail.Config) { c.Host, c.Security = "::1", "none" }, ""},
		{"missing host", func(c *mail.Config) { c.Host = " " }, "host is missing"},
		{"host with port", func(c *mail.Config) { c.Host = "smtp.stadt.example:587" }, "give the port separately"},
		{"port too big", func(c *mail.Config) { c.Port = 70000 }, "out of range"},
		{"negative port", func(c *mail.Config) { c.Port = -1 }, "out of range"},
		{"unknown security", func(c *mail.Config) { c.Security = "ssl" }, `security "ssl" is unknown`},
		{"none on a remote host", func(c *mail.Config) { c.Security = "none" }, "only allowed for a loopback host"},
		{"none on a private address", func(c *mail.Config) { c.Host, c.Security = "10.0.0.5", "none" }, "only allowed for a loopback host"},
		{"password without username", func(c *mail.Config) { c.Username = "" }, "username is missing"},
		{"missing From", func(c *mail.Config) { c.From = "" }, "From) is missing"},
		{"invalid From", func(c *mail.Config) { c.From = "Ideenmarkt" }, "not an e-mail address"},
		{"From with line break", func(c *mail.Config) { c.From = "Ideen\r\nBcc: x@y.example <noreply@stadt.example>" }, "not an e-mail address"},
		{"negative timeout", func(c *mail.Config) { c.Timeout = -time.Second }, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.change(&c)
			err := c.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("Validate accepted %+v, want error containing %q", c, tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("Validate error %q does not contain %q", err, tt.wantErr)
			}
		})
	}

	// Every problem is reported at once, so one restart fixes them all.
	err := mail.Config{Security: "ssl", Timeout: -1}.Validate()
	for _, want := range []string{"host is missing", "unknown", "From) is missing", "negative"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate of an empty config: %v, want it to mention %q", err, want)
		}
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	if _, ok, err := mail.ConfigFromEnv(env(nil)); ok || err != nil {
		t.Fatalf("no IDEENMARKT_SMTP_HOST: ok %v, err %v; want not configured, no error", ok, err)
	}

	c, ok, err := mail.ConfigFromEnv(env(map[string]string{
		"IDEENMARKT_SMTP_HOST":     "smtp.stadt.example",
		"IDEENMARKT_SMTP_PORT":     "465",
		"IDEENMARKT_SMTP_USERNAME": "ideenmarkt",
		"IDEENMARKT_SMTP_PASSWORD": "geheim",
		"IDEENMARKT_SMTP_FROM":     testFrom,
		"IDEENMARKT_SMTP_SECURITY": "TLS",
	}))
	if err != nil || !ok {
		t.Fatalf("ConfigFromEnv: ok %v, err %v", ok, err)
	}
	want := mail.Config{Host: "smtp.stadt.example", Port: 465, Username: "ideenmarkt", Password: "geheim", From: testFrom, Security: "tls"}
	if c.Host != want.Host || c.Port != want.Port || c.Username != want.Username || c.Password != want.Password || c.From != want.From || c.Security != want.Security {
		t.Fatalf("ConfigFromEnv = %+v, want %+v", c, want)
	}

	for name, vars := range map[string]map[string]string{
		"bad port":     {"IDEENMARKT_SMTP_HOST": "smtp.stadt.example", "IDEENMARKT_SMTP_PORT": "587a", "IDEENMARKT_SMTP_FROM": testFrom},
		"missing From": {"IDEENMARKT_SMTP_HOST": "smtp.stadt.example"},
		"plain remote": {"IDEENMARKT_SMTP_HOST": "smtp.stadt.example", "IDEENMARKT_SMTP_FROM": testFrom, "IDEENMARKT_SMTP_SECURITY": "none"},
	} {
		if _, ok, err := mail.ConfigFromEnv(env(vars)); !ok || err == nil {
			t.Errorf("%s: ok %v, err %v; want configured with an error", name, ok, err)
		}
	}
}

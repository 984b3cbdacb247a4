package mail_test

import (
	"context"
	"testing"
	"time"

	"ideenmarkt/backend/mail"
	"ideenmarkt/backend/mail/smtptest"
)

const testFrom = "Ideenmarkt der Stadt <noreply@stadt.example>"

// senderFor returns a Sender for srv: Security "none" unless the server
// offers TLS, in which case it trusts the server's certificate.
func senderFor(t *testing.T, srv *smtptest.Server, security, username, password string) *mail.Sender {
	t.Helper()
	cfg := mail.Config{
		Host:      srv.Host(),
		Port:      srv.Port(),
		Username:  username,
		Password:  password,
		From:      testFrom,
		Security:  security,
		Timeout:   5 * time.Second,
		TLSConfig: srv.ClientTLSConfig(),
	}
	s, err := mail.NewSender(cfg)
	if err != nil {
		t.Fatalf("NewSender: %v", err)
	}
	return s
}

// waitCtx bounds waits for the server, so a missing message fails the
// test instead of hanging it.
func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

package mail_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"testing"
	"time"

	"ideenmarkt/backend/mail"
	"ideenmarkt/backend/mail/smtptest"
)

const rcpt = "erika.mustermann@stadt.example"

// rawMessage builds a small valid message for rcpt.
func rawMessage(t *testing.T) []byte {
	t.Helper()
	m := testMessage()
	m.To.Address = rcpt
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// sendErr asserts err is a *mail.SendError at stage with the given
// permanence, and returns it.
func sendErr(t *testing.T, err error, stage string, permanent bool) *mail.SendError {
	t.Helper()
	var se *mail.SendError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *mail.SendError", err, err)
	}
	if se.Stage != stage {
		t.Errorf("failed at stage %q, want %q: %v", se.Stage, stage, err)
	}
	if got := mail.IsPermanent(err); got != permanent {
		t.Errorf("IsPermanent(%v) = %v, want %v", err, got, permanent)
	}
	return se
}

func TestSendPlainToLoopback(t *testing.T) {
	srv := smtptest.Start(t)
	s := senderFor(t, srv, "none", "", "")
	if err := s.Send(t.Context(), rcpt, rawMessage(t)); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got, err := srv.WaitFor(waitCtx(t), rcpt, 1)
	if err != nil {
		t.Fatal(err)
	}
	m := got[0]
	if m.From != "noreply@stadt.example" || !slices.Equal(m.To, []string{rcpt}) || m.TLS || m.AuthUser != "" {
		t.Errorf("envelope from %q to %v, TLS %v, auth %q", m.From, m.To, m.TLS, m.AuthUser)
	}
	if m.Subject != testMessage().Subject {
		t.Errorf("subject %q", m.Subject)
	}
}

func TestSendPlainAuthToLoopback(t *testing.T) {
	// AUTH without TLS is allowed only because the host is loopback.
	srv := smtptest.Start(t, smtptest.WithAuth("ideenmarkt", "geheim"))
	s := senderFor(t, srv, "none", "ideenmarkt", "geheim")
	if err := s.Send(t.Context(), rcpt, rawMessage(t)); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.Messages(); len(got) != 1 || got[0].AuthUser != "ideenmarkt" {
		t.Fatalf("messages %+v, want one authenticated as ideenmarkt", got)
	}
}

func TestSendStartTLSWithAuth(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithSTARTTLS(), smtptest.WithAuth("ideenmarkt", "geheim"))
	s := senderFor(t, srv, "", "ideenmarkt", "geheim") // "" is starttls
	if err := s.Send(t.Context(), rcpt, rawMessage(t)); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.Messages()
	if len(got) != 1 || !got[0].TLS || got[0].AuthUser != "ideenmarkt" {
		t.Fatalf("messages %+v, want one over TLS, authenticated as ideenmarkt", got)
	}
}

func TestSendImplicitTLS(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithImplicitTLS(), smtptest.WithAuth("ideenmarkt", "geheim"))
	s := senderFor(t, srv, "tls", "ideenmarkt", "geheim")
	if err := s.Send(t.Context(), rcpt, rawMessage(t)); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := srv.Messages(); len(got) != 1 || !got[0].TLS || got[0].AuthUser != "ideenmarkt" {
		t.Fatalf("messages %+v, want one over TLS, authenticated", got)
	}
}

func TestSendWrongPasswordIsPermanent(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithSTARTTLS(), smtptest.WithAuth("ideenmarkt", "geheim"))
	s := senderFor(t, srv, "starttls", "ideenmarkt", "falsch")
	err := s.Send(t.Context(), rcpt, rawMessage(t))
	se := sendErr(t, err, mail.StageAuth, true)
	if se.MessageLevel() {
		t.Error("a login failure is reported as the message's fault")
	}
	if n := srv.Attempts(); n != 0 {
		t.Errorf("%d delivery attempts after a failed login", n)
	}
}

func TestSendStartTLSNeverFallsBackToPlain(t *testing.T) {
	srv := smtptest.Start(t) // offers no STARTTLS
	s := senderFor(t, srv, "starttls", "", "")
	err := s.Send(t.Context(), rcpt, rawMessage(t))
	sendErr(t, err, mail.StageStartTLS, false)
	if n := srv.Attempts(); n != 0 {
		t.Errorf("the message was sent in plain text (%d attempts)", n)
	}
}

func TestSendUntrustedCertificate(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithSTARTTLS())
	s, err := mail.NewSender(mail.Config{Host: srv.Host(), Port: srv.Port(), From: testFrom, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(t.Context(), rcpt, rawMessage(t)) // system roots do not trust the test certificate
	sendErr(t, err, mail.StageStartTLS, false)
	if n := srv.Attempts(); n != 0 {
		t.Errorf("sent despite an untrusted certificate (%d attempts)", n)
	}
}

func TestSendTemporaryFailure(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithFailures(1, 451))
	s := senderFor(t, srv, "none", "", "")
	err := s.Send(t.Context(), rcpt, rawMessage(t))
	if se := sendErr(t, err, mail.StageData, false); !se.MessageLevel() {
		t.Error("a 451 on DATA is not reported as the message's failure")
	}
	if err := s.Send(t.Context(), rcpt, rawMessage(t)); err != nil {
		t.Fatalf("second attempt: %v", err)
	}
	if a, n := srv.Attempts(), len(srv.Messages()); a != 2 || n != 1 {
		t.Errorf("%d attempts, %d messages; want 2 and 1", a, n)
	}
}

func TestSendPermanentFailure(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithFailures(1, 550))
	s := senderFor(t, srv, "none", "", "")
	err := s.Send(t.Context(), rcpt, rawMessage(t))
	if se := sendErr(t, err, mail.StageData, true); !se.MessageLevel() {
		t.Error("a 550 on DATA is not reported as the message's failure")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages kept after a 550", n)
	}
}

func TestSendInvalidRecipientIsPermanent(t *testing.T) {
	srv := smtptest.Start(t)
	s := senderFor(t, srv, "none", "", "")
	for _, to := range []string{"", "kein-at", rcpt + "\r\nRCPT TO:<evil@attacker.example>"} {
		err := s.Send(t.Context(), to, rawMessage(t))
		sendErr(t, err, mail.StageRcpt, true)
		if !errors.Is(err, mail.ErrInvalidAddress) {
			t.Errorf("recipient %q: %v, want ErrInvalidAddress", to, err)
		}
	}
	if n := srv.Attempts(); n != 0 {
		t.Errorf("%d attempts to invalid recipients", n)
	}
}

func TestSendServerDownIsTemporary(t *testing.T) {
	srv := smtptest.Start(t)
	s := senderFor(t, srv, "none", "", "")
	srv.Close()
	err := s.Send(t.Context(), rcpt, rawMessage(t))
	if se := sendErr(t, err, mail.StageConnect, false); se.MessageLevel() {
		t.Error("an unreachable server is reported as the message's failure")
	}
}

// silentServer accepts connections and never answers, like a hung server.
func silentServer(t *testing.T) (host string, port int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
			close(done)
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	addr := ln.Addr().(*net.TCPAddr)
	return addr.IP.String(), addr.Port
}

func TestSendTimeout(t *testing.T) {
	host, port := silentServer(t)
	s, err := mail.NewSender(mail.Config{Host: host, Port: port, From: testFrom, Security: "none", Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = s.Send(t.Context(), rcpt, rawMessage(t))
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Send to a hung server took %v with a 200ms timeout", took)
	}
	sendErr(t, err, mail.StageConnect, false)
}

func TestSendContextCancelled(t *testing.T) {
	host, port := silentServer(t)
	s, err := mail.NewSender(mail.Config{Host: host, Port: port, From: testFrom, Security: "none", Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	err = s.Send(ctx, rcpt, rawMessage(t))
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Send took %v after its context was cancelled", took)
	}
	if !errors.Is(err, context.Canceled) || mail.IsPermanent(err) {
		t.Errorf("Send after cancel: %v, want a temporary context.Canceled", err)
	}
}

func TestSendPlainToRemoteHostRefused(t *testing.T) {
	for _, host := range []string{"smtp.stadt.example", "192.0.2.10", "localhost.stadt.example"} {
		cfg := mail.Config{Host: host, Port: 25, From: testFrom, Security: "none"}
		if err := cfg.Validate(); err == nil {
			t.Errorf("Validate accepts security none to %s", host)
		}
		if _, err := mail.NewSender(cfg); err == nil {
			t.Errorf("NewSender accepts security none to %s", host)
		}
	}
}

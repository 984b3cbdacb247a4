package smtptest_test

import (
	"context"
	"errors"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend/mail/smtptest"
)

// send delivers raw with net/smtp, the plain standard client.
func send(srv *smtptest.Server, auth smtp.Auth, to string, raw string) error {
	c, err := smtp.Dial(srv.Addr())
	if err != nil {
		return err
	}
	defer c.Close()
	if tc := srv.ClientTLSConfig(); tc != nil {
		if err := c.StartTLS(tc); err != nil {
			return err
		}
	}
	if auth != nil {
		if err := c.Auth(auth); err != nil {
			return err
		}
	}
	if err := c.Mail("sender@stadt.example"); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(raw)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func code(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return c
}

const plain = "From: a@stadt.example\r\nTo: b@stadt.example\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
	"Sch=C3=B6ne Gr=C3=BC=C3=9Fe,=\r\n weiter\r\n"

func TestParsesMessages(t *testing.T) {
	srv := smtptest.Start(t)
	if err := send(srv, nil, "B@Stadt.Example", plain); err != nil {
		t.Fatal(err)
	}
	multipart := "From: a@stadt.example\r\nSubject: multi\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=XX\r\n\r\n" +
		"--XX\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n" +
		"--XX\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		"w6TDtsO8IHRleHQK\r\n--XX--\r\n"
	if err := send(srv, nil, "c@stadt.example", multipart); err != nil {
		t.Fatal(err)
	}
	got, err := srv.WaitFor(ctx(t), "b@stadt.example", 1) // recipients match case-insensitively
	if err != nil {
		t.Fatal(err)
	}
	if m := got[0]; m.Subject != "Grüße" || m.Body != "Schöne Grüße, weiter\n" || m.From != "sender@stadt.example" || m.ParseError != "" {
		t.Errorf("plain message: subject %q, body %q, from %q, parse error %q", m.Subject, m.Body, m.From, m.ParseError)
	}
	got, err = srv.WaitFor(ctx(t), "c@stadt.example", 1)
	if err != nil {
		t.Fatal(err)
	}
	if m := got[0]; m.Body != "äöü text\n" {
		t.Errorf("multipart message: body %q", m.Body)
	}
	if all, _ := srv.WaitFor(ctx(t), "", 2); len(all) != 2 {
		t.Errorf("WaitFor(\"\") found %d messages, want 2", len(all))
	}
	srv.Reset()
	if n := len(srv.Messages()); n != 0 || srv.Attempts() != 0 {
		t.Errorf("after Reset: %d messages, %d attempts", n, srv.Attempts())
	}
}

func TestWaitForTimesOut(t *testing.T) {
	srv := smtptest.Start(t)
	c, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := srv.WaitFor(c, "nobody@stadt.example", 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitFor without messages: %v", err)
	}
}

func TestWaitForWakesOnDelivery(t *testing.T) {
	srv := smtptest.Start(t)
	done := make(chan error, 1)
	go func() {
		_, err := srv.WaitFor(ctx(t), "b@stadt.example", 2)
		done <- err
	}()
	for range 2 {
		if err := send(srv, nil, "b@stadt.example", plain); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestFailures(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithFailures(2, 451))
	for i, want := range []int{451, 451, 0} {
		if err := send(srv, nil, "b@stadt.example", plain); code(err) != want {
			t.Errorf("delivery %d: %v, want code %d", i+1, err, want)
		}
	}
	srv.FailNext(1, 550)
	if err := send(srv, nil, "b@stadt.example", plain); code(err) != 550 {
		t.Errorf("after FailNext(1, 550): %v", err)
	}
	if a, n := srv.Attempts(), len(srv.Messages()); a != 4 || n != 1 {
		t.Errorf("%d attempts, %d messages; want 4 and 1", a, n)
	}
}

func TestAuthAndTLS(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithSTARTTLS(), smtptest.WithAuth("user", "pass"))
	if srv.CertPool() == nil {
		t.Fatal("no CertPool with STARTTLS")
	}
	if err := send(srv, nil, "b@stadt.example", plain); code(err) != 530 {
		t.Errorf("MAIL without AUTH: %v, want 530", err)
	}
	if err := send(srv, smtp.PlainAuth("", "user", "wrong", srv.Host()), "b@stadt.example", plain); code(err) != 535 {
		t.Errorf("wrong password: %v, want 535", err)
	}
	if err := send(srv, smtp.PlainAuth("", "user", "pass", srv.Host()), "b@stadt.example", plain); err != nil {
		t.Fatalf("with AUTH: %v", err)
	}
	if m := srv.Messages(); len(m) != 1 || !m[0].TLS || m[0].AuthUser != "user" {
		t.Errorf("messages %+v", m)
	}

	// Without TLS offered, AUTH works in plain text on loopback.
	plainSrv := smtptest.Start(t, smtptest.WithAuth("user", "pass"))
	if plainSrv.CertPool() != nil || plainSrv.ClientTLSConfig() != nil {
		t.Error("a server without TLS has a CertPool")
	}
	if err := send(plainSrv, smtp.PlainAuth("", "user", "pass", plainSrv.Host()), "b@stadt.example", plain); err != nil {
		t.Fatalf("plain AUTH on loopback: %v", err)
	}
}

func TestAddrHostPort(t *testing.T) {
	srv := smtptest.Start(t)
	if srv.Host() != "127.0.0.1" || srv.Port() == 0 || !strings.HasSuffix(srv.Addr(), ":"+strconv.Itoa(srv.Port())) {
		t.Errorf("Addr %q, Host %q, Port %d", srv.Addr(), srv.Host(), srv.Port())
	}
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

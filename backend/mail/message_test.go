package mail_test

import (
	"bytes"
	"errors"
	"mime"
	"slices"
	"strings"
	"testing"
	"time"

	netmail "net/mail"

	"ideenmarkt/backend/mail"
	"ideenmarkt/backend/mail/smtptest"
)

var testDate = time.Date(2031, 3, 1, 14, 30, 5, 0, time.FixedZone("CET", 3600))

func testMessage() *mail.Message {
	return &mail.Message{
		OutboxID: 42,
		From:     netmail.Address{Name: "Ideenmarkt der Stadt", Address: "noreply@stadt.example"},
		To:       netmail.Address{Name: "Jürgen Groß", Address: "juergen.gross@stadt.example"},
		Subject:  "Bitte bestätigen Sie Ihre Anmeldung: Ideenkonferenz Grünflächen 2031",
		Body:     "Guten Tag Jürgen Groß,\n\nÄÖÜ äöü ß „Anführung“ – 10 €.\n",
		Date:     testDate,
	}
}

// wantHeaders are the headers of every message, and no others.
var wantHeaders = []string{"Auto-Submitted", "Content-Transfer-Encoding", "Content-Type", "Date", "From", "Message-Id", "Mime-Version", "Subject", "To"}

func headerKeys(h netmail.Header) []string {
	var keys []string
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestMessageHeaders(t *testing.T) {
	raw, err := testMessage().Bytes()
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range raw {
		if c >= 0x80 {
			t.Fatalf("byte %d is not 7-bit: %q", i, raw[max(0, i-20):min(len(raw), i+20)])
		}
		if c == '\n' && (i == 0 || raw[i-1] != '\r') {
			t.Fatalf("bare LF at byte %d", i)
		}
	}
	for _, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 78 {
			t.Errorf("line longer than 78 characters: %q", line)
		}
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	if got := headerKeys(h); !slices.Equal(got, wantHeaders) {
		t.Errorf("headers %v, want %v", got, wantHeaders)
	}
	for k, want := range map[string]string{
		"Message-Id":                "<outbox-42@stadt.example>",
		"Mime-Version":              "1.0",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
		"Auto-Submitted":            "auto-generated",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if d, err := h.Date(); err != nil || !d.Equal(testDate) {
		t.Errorf("Date %q parses to %v (%v), want %v", h.Get("Date"), d, err, testDate)
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Ideenmarkt der Stadt" || from[0].Address != "noreply@stadt.example" {
		t.Errorf("From %q parses to %v (%v)", h.Get("From"), from, err)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "Jürgen Groß" || to[0].Address != "juergen.gross@stadt.example" {
		t.Errorf("To %q parses to %v (%v)", h.Get("To"), to, err)
	}
	if subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject")); !strings.HasPrefix(h.Get("Subject"), "=?utf-8?q?") || err != nil || subject != testMessage().Subject {
		t.Errorf("non-ASCII subject is not Q-encoded:\n%s", raw)
	}

	// An ASCII subject stays readable.
	m := testMessage()
	m.Subject = "Your place is confirmed"
	raw, _ = m.Bytes()
	if !strings.Contains(string(raw), "\r\nSubject: Your place is confirmed\r\n") {
		t.Errorf("ASCII subject was encoded:\n%s", raw)
	}
}

// TestMessageRoundTrip sends umlauts, long lines, leading dots and "="
// through a real SMTP dialogue and checks the receiving side decodes
// exactly what was written.
func TestMessageRoundTrip(t *testing.T) {
	srv := smtptest.Start(t)
	s := senderFor(t, srv, "none", "", "")
	body := strings.Join([]string{
		"Guten Tag Jürgen Groß,",
		"",
		"Ärger über Öffnungszeiten? Übermäßig große Straßenschäden! „Zitat“ – 10 €.",
		".Eine Zeile, die mit einem Punkt beginnt",
		".",
		"Link: https://ideen.stadt.example/anmeldung/t/Zk3v9QmR2xPq?lang=de&x=1==",
		strings.Repeat("Sehr lange Zeile ohne Umbruch äöü ", 12),
		"Zeile mit Leerzeichen am Ende   ",
		"From the start of a line",
		"",
	}, "\n")
	subject := "Bitte bestätigen Sie Ihre Anmeldung: „Ideenkonferenz Grünflächen und Straßenbäume 2031“ – Rathaus Süd"
	m := testMessage()
	m.Subject, m.Body = subject, body
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), m.To.Address, raw); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got, err := srv.WaitFor(waitCtx(t), m.To.Address, 1)
	if err != nil {
		t.Fatal(err)
	}
	r := got[0]
	if r.ParseError != "" {
		t.Fatalf("server could not parse the message: %s", r.ParseError)
	}
	if r.Subject != subject {
		t.Errorf("subject\n got %q\nwant %q", r.Subject, subject)
	}
	if r.Body != body {
		t.Errorf("body\n got %q\nwant %q", r.Body, body)
	}
	if !bytes.Equal(r.Data, raw) {
		t.Errorf("the server received other bytes than were sent (dot-stuffing?)")
	}
	if len(strings.Split(r.Header.Get("Subject"), " ")) < 2 {
		t.Errorf("long subject was not split into several encoded words: %q", r.Header.Get("Subject"))
	}
}

func TestMessageHeaderInjection(t *testing.T) {
	srv := smtptest.Start(t)
	s := senderFor(t, srv, "none", "", "")
	for _, nl := range []string{"\r\n", "\n", "\r", "\u2028", "\r\n\t", "\x00"} {
		m := testMessage()
		m.To.Name = "Jürgen" + nl + "Bcc: evil@attacker.example"
		m.From.Name = "Ideenmarkt" + nl + "X-Evil: 1"
		m.Subject = "Hallo" + nl + "Bcc: evil@attacker.example" + nl + nl + "Body injected"
		raw, err := m.Bytes()
		if err != nil {
			t.Fatalf("newline %q: %v", nl, err)
		}
		if err := s.Send(t.Context(), m.To.Address, raw); err != nil {
			t.Fatalf("newline %q: Send: %v", nl, err)
		}
		got, err := srv.WaitFor(waitCtx(t), "", 1)
		if err != nil {
			t.Fatal(err)
		}
		srv.Reset()
		r := got[0]
		if keys := headerKeys(r.Header); !slices.Equal(keys, wantHeaders) {
			t.Errorf("newline %q: headers %v, want %v", nl, keys, wantHeaders)
		}
		if !slices.Equal(r.To, []string{"juergen.gross@stadt.example"}) {
			t.Errorf("newline %q: recipients %v", nl, r.To)
		}
		if want := "Hallo Bcc: evil@attacker.example Body injected"; r.Subject != want {
			t.Errorf("newline %q: subject %q, want %q", nl, r.Subject, want)
		}
		if to, err := r.Header.AddressList("To"); err != nil || len(to) != 1 || to[0].Name != "Jürgen Bcc: evil@attacker.example" {
			t.Errorf("newline %q: To %q parses to %v (%v)", nl, r.Header.Get("To"), to, err)
		}
		if strings.Contains(r.Body, "injected") {
			t.Errorf("newline %q: subject leaked into the body: %q", nl, r.Body)
		}
	}

	// An address itself cannot be neutralised, only refused.
	for _, addr := range []string{
		"juergen.gross@stadt.example\r\nBcc: evil@attacker.example",
		"juergen.gross@stadt.example>\r\nBcc: <evil@attacker.example",
		"Jürgen <juergen.gross@stadt.example>",
		"juergen.gross",
		"",
	} {
		m := testMessage()
		m.To.Address = addr
		if _, err := m.Bytes(); !errors.Is(err, mail.ErrInvalidAddress) {
			t.Errorf("To address %q: %v, want ErrInvalidAddress", addr, err)
		}
		m = testMessage()
		m.From.Address = addr
		if _, err := m.Bytes(); !errors.Is(err, mail.ErrInvalidAddress) {
			t.Errorf("From address %q: %v, want ErrInvalidAddress", addr, err)
		}
	}
}

func TestMessageIDDeterministic(t *testing.T) {
	if got := mail.MessageID(42, "noreply@Stadt.Example"); got != "<outbox-42@stadt.example>" {
		t.Errorf("MessageID = %q", got)
	}
	id := func(m *mail.Message) string {
		t.Helper()
		raw, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		msg, err := netmail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		return msg.Header.Get("Message-ID")
	}
	a, b := testMessage(), testMessage()
	b.Date = b.Date.Add(3 * time.Hour) // a resend after a crash, hours later
	b.Subject = "anders"
	if id(a) != id(b) || id(a) != "<outbox-42@stadt.example>" {
		t.Errorf("Message-IDs of two attempts at one outbox row: %q and %q", id(a), id(b))
	}
	b.OutboxID = 43
	if id(a) == id(b) {
		t.Errorf("two outbox rows share the Message-ID %q", id(a))
	}
	b.OutboxID = 0
	if _, err := b.Bytes(); err == nil {
		t.Error("a message without an outbox id was built")
	}
}

package mail

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Message is one plain-text e-mail, ready to be turned into bytes.
type Message struct {
	// OutboxID is the outbox row the message is for; it names the
	// Message-ID, so every attempt to send the row carries the same one.
	OutboxID int64
	From     mail.Address
	To       mail.Address // Name is optional
	Subject  string
	Body     string // UTF-8 text, lines separated by "\n"
	Date     time.Time
}

// MessageID returns the Message-ID of the outbox row id for a sender
// address: deterministic, so that a resend after a crash between sending
// and recording it is recognisable (and dropped by many receivers) as the
// same message.
func MessageID(outboxID int64, from string) string {
	return "<outbox-" + strconv.FormatInt(outboxID, 10) + "@" + domainOf(from) + ">"
}

// Bytes returns the message in RFC 5322 form: CRLF line ends, 7-bit
// only (RFC 2047 encoded words in headers, quoted-printable body), so it
// passes every relay unchanged. Names and the subject are reduced to one
// line first, so values taken from user input cannot add headers.
func (m *Message) Bytes() ([]byte, error) {
	if m.OutboxID <= 0 {
		return nil, errors.New("message has no outbox id (needed for its Message-ID)")
	}
	from, err := headerAddress(m.From, "From")
	if err != nil {
		return nil, err
	}
	to, err := headerAddress(m.To, "To")
	if err != nil {
		return nil, err
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	var b bytes.Buffer
	writeHeader(&b, "From", from)
	writeHeader(&b, "To", to)
	writeHeader(&b, "Subject", encodeText(m.Subject))
	writeHeader(&b, "Date", date.Format(time.RFC1123Z))
	writeHeader(&b, "Message-ID", MessageID(m.OutboxID, m.From.Address))
	writeHeader(&b, "MIME-Version", "1.0")
	writeHeader(&b, "Content-Type", "text/plain; charset=utf-8")
	writeHeader(&b, "Content-Transfer-Encoding", "quoted-printable")
	// Tells auto-responders (out-of-office replies) not to answer.
	writeHeader(&b, "Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := strings.ReplaceAll(m.Body, "\r\n", "\n")
	if !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// headerAddress checks that a's address is a plain, valid address (no
// line breaks, nothing after the domain) and formats it with its name.
func headerAddress(a mail.Address, field string) (string, error) {
	p, err := mail.ParseAddress(a.Address)
	if err != nil || p.Address != a.Address || domainOf(a.Address) == "" {
		// The address is left out: errors end up in logs.
		return "", fmt.Errorf("%s: %w", field, ErrInvalidAddress)
	}
	a.Name = oneLine(a.Name)
	return a.String(), nil
}

// encodeText returns s as one header line: plain if printable ASCII,
// else RFC 2047 Q-encoded words.
func encodeText(s string) string {
	return mime.QEncoding.Encode("utf-8", oneLine(s))
}

// oneLine replaces line breaks and other control characters (including
// the Unicode line and paragraph separators) by single spaces, so that a
// value cannot start a new header line or hide one.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// writeHeader writes "name: value" folded at spaces to lines of at most
// 78 characters where possible (RFC 5322 2.1.1); encoded words are
// separated by spaces, so they fold too. A word longer than a line stays
// whole on its own line.
func writeHeader(b *bytes.Buffer, name, value string) {
	line := name + ":"
	n := len(line)
	b.WriteString(line)
	for _, word := range strings.Split(value, " ") {
		// Folding right after the colon is legal too, and needed when the
		// first word (say a 75-character encoded word) does not fit.
		if n+1+len(word) > 78 {
			b.WriteString("\r\n")
			n = 0
		}
		b.WriteByte(' ')
		b.WriteString(word)
		n += 1 + len(word)
	}
	b.WriteString("\r\n")
}

// domainOf returns the lower-cased domain of an address, "" if it has none.
func domainOf(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(addr[at+1:], ">"))
}

package smtptest

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// Message is one accepted message: its envelope, its raw data and, parsed
// from that, its headers, decoded subject and decoded text body.
type Message struct {
	From       string   // envelope sender (MAIL FROM)
	To         []string // envelope recipients (RCPT TO)
	Data       []byte   // the message as received (CRLF line ends)
	TLS        bool     // received over TLS (STARTTLS or implicit)
	AuthUser   string   // the AUTH username, "" without AUTH
	ReceivedAt time.Time

	Header  mail.Header // nil if the message could not be parsed
	Subject string      // RFC 2047 decoded
	// Body is the text: the body (or, for multipart, the first text/plain
	// part) with its transfer encoding undone and "\n" line ends.
	Body string
	// ParseError says why Header, Subject or Body are missing or partial.
	ParseError string
}

// HasRecipient reports whether addr is among m's envelope recipients,
// ignoring case.
func (m Message) HasRecipient(addr string) bool {
	for _, t := range m.To {
		if strings.EqualFold(t, addr) {
			return true
		}
	}
	return false
}

// parse fills the parsed fields of a message from its raw data; a
// malformed message is still kept, with ParseError set, so a test can
// look at what was sent.
func parse(raw []byte) Message {
	m := Message{Data: raw}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		m.ParseError = err.Error()
		return m
	}
	m.Header = msg.Header
	dec := &mime.WordDecoder{}
	if subject, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
		m.Subject = subject
	} else {
		m.Subject = msg.Header.Get("Subject")
		m.ParseError = "subject: " + err.Error()
	}
	body, err := textBody(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	if err != nil {
		m.ParseError = "body: " + err.Error()
	}
	m.Body = strings.ReplaceAll(body, "\r\n", "\n")
	return m
}

// textBody decodes a body of the given type and transfer encoding; for
// multipart bodies it returns the first text/plain part.
func textBody(contentType, encoding string, r io.Reader) (string, error) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if contentType == "" || err != nil {
		mediaType = "text/plain"
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return "", nil
			}
			if err != nil {
				return "", err
			}
			ct := p.Header.Get("Content-Type")
			if mt, _, _ := mime.ParseMediaType(ct); ct == "" || mt == "text/plain" || strings.HasPrefix(mt, "multipart/") {
				return textBody(ct, p.Header.Get("Content-Transfer-Encoding"), p)
			}
		}
	}
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r) // skips line breaks
	}
	b, err := io.ReadAll(r)
	return string(b), err
}

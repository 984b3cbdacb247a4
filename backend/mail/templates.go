package mail

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"text/template"
	"unicode/utf8"

	"ideenmarkt/backend"
)

// The templates of the outbox (backend.OutboxMail.Template) and the Data
// keys each one uses. All values are text; a missing key renders empty.
const (
	// TemplateRegistrationConfirm asks to confirm the address (double
	// opt-in): name, conference, date, link (the confirm link).
	TemplateRegistrationConfirm = "registration_confirm"
	// TemplateRegistrationConfirmed says the place is confirmed: name,
	// conference, date, venue, link (the personal ticket page), ticketCode.
	TemplateRegistrationConfirmed = "registration_confirmed"
	// TemplateRegistrationWaitlisted says the person is on the waiting
	// list: name, conference, link.
	TemplateRegistrationWaitlisted = "registration_waitlisted"
	// TemplateWaitlistOffer offers a freed place: name, conference, date,
	// link (the accept page), expires (formatted date and time).
	TemplateWaitlistOffer = "waitlist_offer"
	// TemplateOfferExpired says an offer lapsed: name, conference.
	TemplateOfferExpired = "offer_expired"
	// TemplateRegistrationCancelled confirms a cancellation: name,
	// conference.
	TemplateRegistrationCancelled = "registration_cancelled"
	// TemplateRegistrationLink sends the personal link again: name,
	// conference, link.
	TemplateRegistrationLink = "registration_link"
)

// TemplateNames lists every template, for tests and for callers that
// check a name before enqueueing.
var TemplateNames = []string{
	TemplateRegistrationConfirm,
	TemplateRegistrationConfirmed,
	TemplateRegistrationWaitlisted,
	TemplateWaitlistOffer,
	TemplateOfferExpired,
	TemplateRegistrationCancelled,
	TemplateRegistrationLink,
}

// Locales are the languages of the mails; the first is the fallback.
var Locales = []string{"de", "en"}

// ErrUnknownTemplate is a template name that Render does not know.
var ErrUnknownTemplate = errors.New("unknown mail template")

//go:embed templates
var templateFS embed.FS

// templates holds each parsed template by locale and name. Each one is
// parsed together with its locale's footer.tmpl, which defines the shared
// closing and footers.
var templates = mustParseTemplates()

func mustParseTemplates() map[string]map[string]*template.Template {
	all := make(map[string]map[string]*template.Template)
	for _, loc := range Locales {
		all[loc] = make(map[string]*template.Template)
		for _, name := range TemplateNames {
			// missingkey=zero renders a missing Data key as "" rather than
			// "<no value>": an absent venue must not leak template syntax.
			t := template.New(name + ".tmpl").Option("missingkey=zero")
			all[loc][name] = template.Must(t.ParseFS(templateFS,
				"templates/"+loc+"/footer.tmpl",
				"templates/"+loc+"/"+name+".tmpl"))
		}
	}
	return all
}

// Render returns the subject and plain-text body of m in its locale
// (German unless the locale is English, e.g. "en" or "en-GB"). An unknown
// template is an error wrapping ErrUnknownTemplate: no attempt can send
// such a mail.
func Render(m *backend.OutboxMail) (subject, body string, err error) {
	byName := templates[locale(m.Locale)]
	t, ok := byName[m.Template]
	if !ok {
		return "", "", fmt.Errorf("%w %q", ErrUnknownTemplate, m.Template)
	}
	data := m.Data
	if data == nil {
		data = map[string]string{}
	}
	var sb, bb bytes.Buffer
	if err := t.ExecuteTemplate(&sb, "subject", data); err != nil {
		return "", "", fmt.Errorf("render %s subject: %w", m.Template, err)
	}
	if err := t.ExecuteTemplate(&bb, "body", data); err != nil {
		return "", "", fmt.Errorf("render %s body: %w", m.Template, err)
	}
	return oneLine(sb.String()), tidy(bb.String()), nil
}

// locale maps a registration's locale to a template locale: English for
// "en" and its regional variants, German for everything else.
func locale(l string) string {
	l = strings.ToLower(strings.TrimSpace(l))
	if l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_") {
		return "en"
	}
	return "de"
}

var blankLines = regexp.MustCompile(`\n{3,}`)

// lineWidth is where Render wraps lines: plain-text mail is read in
// windows of 78 columns or less.
const lineWidth = 72

// tidy lays out a rendered body: it strips trailing spaces (keeping the
// "-- " signature separator), wraps long lines at spaces (a link, having
// none, stays whole and clickable), collapses the blank lines that optional
// parts leave behind and ends the text with exactly one line break. So
// templates hold each paragraph on one line, whatever the length of the
// values put into it.
func tidy(s string) string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l == "-- " {
			out = append(out, l)
			continue
		}
		out = append(out, wrap(strings.TrimRight(l, " \t"), lineWidth)...)
	}
	s = blankLines.ReplaceAllString(strings.Join(out, "\n"), "\n\n")
	return strings.Trim(s, "\n") + "\n"
}

// wrap breaks line at spaces into lines of at most width characters where
// possible; a word longer than width gets a line of its own.
func wrap(line string, width int) []string {
	if utf8.RuneCountInString(line) <= width {
		return []string{line}
	}
	// A dash stays with the word before it: a line must not start with one.
	var words []string
	for _, w := range strings.Fields(line) {
		if (w == "–" || w == "—") && len(words) > 0 {
			words[len(words)-1] += " " + w
			continue
		}
		words = append(words, w)
	}
	var lines []string
	var cur strings.Builder
	n := 0
	for _, word := range words {
		w := utf8.RuneCountInString(word)
		if n > 0 && n+1+w > width {
			lines = append(lines, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(word)
		n += w
	}
	return append(lines, cur.String())
}

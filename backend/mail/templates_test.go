package mail_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"ideenmarkt/backend"
	"ideenmarkt/backend/mail"
)

// templateKeys lists the Data keys each template promises to show.
var templateKeys = map[string][]string{
	mail.TemplateRegistrationConfirm:    {"name", "conference", "date", "link"},
	mail.TemplateRegistrationConfirmed:  {"name", "conference", "date", "venue", "link", "ticketCode"},
	mail.TemplateRegistrationWaitlisted: {"name", "conference", "link"},
	mail.TemplateWaitlistOffer:          {"name", "conference", "date", "link", "expires"},
	mail.TemplateOfferExpired:           {"name", "conference"},
	mail.TemplateRegistrationCancelled:  {"name", "conference"},
	mail.TemplateRegistrationLink:       {"name", "conference", "link"},
}

func fullData() map[string]string {
	return map[string]string{
		"name":       "Jürgen Groß",
		"conference": "Ideenkonferenz Grünflächen 2031",
		"date":       "Donnerstag, 13. März 2031, 9:00 Uhr",
		"venue":      "Rathaus, Großer Sitzungssaal",
		"link":       "https://ideen.stadt.example/anmeldung/t/Zk3v9QmR2xPq",
		"ticketCode": "K7Q-4XP",
		"expires":    "Samstag, 15. März 2031, 18:00 Uhr",
	}
}

func TestTemplatesRenderEveryLocale(t *testing.T) {
	if got := slices.Sorted(func(yield func(string) bool) {
		for k := range templateKeys {
			if !yield(k) {
				return
			}
		}
	}); !slices.Equal(got, slices.Sorted(slices.Values(mail.TemplateNames))) {
		t.Fatalf("TemplateNames = %v, test knows %v", mail.TemplateNames, got)
	}
	personal := map[string]string{"de": "persönlich", "en": "personal"}
	greeting := map[string]string{"de": "Guten Tag Jürgen Groß,\n", "en": "Hello Jürgen Groß,\n"}
	for _, name := range mail.TemplateNames {
		bodies := map[string]string{}
		for _, loc := range mail.Locales {
			t.Run(name+"/"+loc, func(t *testing.T) {
				data := fullData()
				subject, body, err := mail.Render(&backend.OutboxMail{ID: 1, Template: name, Locale: loc, Data: data})
				if err != nil {
					t.Fatalf("Render: %v", err)
				}
				bodies[loc] = body
				checkRendered(t, subject, body)
				if !strings.Contains(subject, data["conference"]) {
					t.Errorf("subject %q does not name the conference", subject)
				}
				flat := strings.Join(strings.Fields(body), " ") // values may be wrapped
				for _, k := range templateKeys[name] {
					if !strings.Contains(flat, data[k]) {
						t.Errorf("body does not show %s %q:\n%s", k, data[k], body)
					}
				}
				if !strings.HasPrefix(body, greeting[loc]) {
					t.Errorf("body does not start with %q:\n%s", greeting[loc], body)
				}
				// The footer is last: after the signature separator, it says
				// why the mail came and that the link is personal.
				_, footer, ok := strings.Cut(body, "\n-- \n")
				if !ok || !strings.Contains(footer, personal[loc]) || strings.Contains(footer, "\n\n") {
					t.Errorf("body does not end with a footer mentioning %q:\n%s", personal[loc], body)
				}
				if testing.Verbose() {
					t.Logf("Subject: %s\n\n%s", subject, body)
				}
			})
		}
		if bodies["de"] != "" && bodies["de"] == bodies["en"] {
			t.Errorf("%s: German and English bodies are the same", name)
		}
	}
}

// checkRendered checks what every rendering must satisfy, whatever data.
func checkRendered(t *testing.T, subject, body string) {
	t.Helper()
	if strings.TrimSpace(subject) == "" || strings.ContainsAny(subject, "\r\n") {
		t.Errorf("subject %q is empty or not one line", subject)
	}
	for _, bad := range []string{"<no value>", "{{", "}}", "„“", `""`, " ,", " .", "\n\n\n"} {
		if strings.Contains(subject, bad) || strings.Contains(body, bad) {
			t.Errorf("rendering contains %q:\nSubject: %s\n\n%s", bad, subject, body)
		}
	}
	if !strings.HasSuffix(body, "\n") || strings.HasSuffix(body, "\n\n") || strings.HasPrefix(body, "\n") {
		t.Errorf("body is not trimmed to end with one line break: %q", body)
	}
	for _, line := range strings.Split(body, "\n") {
		if line != "-- " && strings.TrimRight(line, " ") != line {
			t.Errorf("line with trailing space: %q", line)
		}
		if strings.HasPrefix(line, "–") {
			t.Errorf("line starts with a dash: %q", line)
		}
		if utf8.RuneCountInString(line) > 72 && strings.Contains(line, " ") {
			t.Errorf("line not wrapped at 72 characters: %q", line)
		}
	}
}

func TestTemplatesMissingKeysRenderEmpty(t *testing.T) {
	for _, name := range mail.TemplateNames {
		for _, loc := range mail.Locales {
			for _, data := range []map[string]string{nil, {}, {"name": "Jürgen Groß"}, {"link": "https://ideen.stadt.example/x"}} {
				subject, body, err := mail.Render(&backend.OutboxMail{ID: 1, Template: name, Locale: loc, Data: data})
				if err != nil {
					t.Fatalf("%s/%s %v: %v", name, loc, data, err)
				}
				checkRendered(t, subject, body)
				if data["name"] == "" && !strings.HasPrefix(body, "Guten Tag,\n") && !strings.HasPrefix(body, "Hello,\n") {
					t.Errorf("%s/%s without a name: greeting is %q", name, loc, strings.SplitN(body, "\n", 2)[0])
				}
			}
		}
	}
}

func TestTemplatesLocaleFallback(t *testing.T) {
	render := func(loc string) string {
		t.Helper()
		_, body, err := mail.Render(&backend.OutboxMail{Template: mail.TemplateRegistrationLink, Locale: loc, Data: fullData()})
		if err != nil {
			t.Fatalf("Render(%q): %v", loc, err)
		}
		return body
	}
	de, en := render("de"), render("en")
	for _, loc := range []string{"", "fr", "DE", "de-AT", "english"} {
		if render(loc) != de {
			t.Errorf("locale %q does not fall back to German", loc)
		}
	}
	for _, loc := range []string{"EN", "en-GB", "en_US"} {
		if render(loc) != en {
			t.Errorf("locale %q is not English", loc)
		}
	}
}

func TestTemplatesUnknown(t *testing.T) {
	_, _, err := mail.Render(&backend.OutboxMail{Template: "registration_unknown", Locale: "de"})
	if !errors.Is(err, mail.ErrUnknownTemplate) {
		t.Fatalf("Render of an unknown template: %v, want ErrUnknownTemplate", err)
	}
	// The footer file holds shared parts only and is no mail of its own.
	if _, _, err := mail.Render(&backend.OutboxMail{Template: "footer", Locale: "de"}); !errors.Is(err, mail.ErrUnknownTemplate) {
		t.Fatalf("Render(footer): %v, want ErrUnknownTemplate", err)
	}
}

// TestTemplateFiles keeps the files and TemplateNames in step: every
// locale has every template and no stray file.
func TestTemplateFiles(t *testing.T) {
	want := []string{"footer.tmpl"}
	for _, name := range mail.TemplateNames {
		want = append(want, name+".tmpl")
	}
	slices.Sort(want)
	for _, loc := range mail.Locales {
		entries, err := os.ReadDir("templates/" + loc)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, e.Name())
		}
		if !slices.Equal(got, want) {
			t.Errorf("templates/%s holds %v, want %v", loc, got, want)
		}
	}
}

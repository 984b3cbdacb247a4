package searchtest

import (
	"fmt"
	"html"
	"strings"
	"testing"

	"ideenmarkt/backend"
)

// testHighlights: fragments are HTML with every character of the idea
// escaped and only <mark>…</mark> added, for title, body and comments.
func (s *suite) testHighlights(t *testing.T) {
	ix := s.fixtureIndex(t)
	tricky := backend.SearchDocument{
		ID: 20, ConferenceID: confA, Year: 2024, CreatedAt: day(7),
		Title:    `Sicher & schnell: "Radweg" <b>jetzt</b>`,
		Body:     `<script>alert(1)</script> Radweg`,
		Comments: []string{`Ich finde den Radweg <i>gut</i> & wichtig.`, "Ohne Treffer."},
	}
	long := backend.SearchDocument{
		ID: 21, ConferenceID: confA, Year: 2024, CreatedAt: day(8), Title: "Lange Beschreibung",
		Body: strings.Repeat("Dies ist ein Füllsatz über Parkbänke. ", 40) + "Hier steht das Wort Trinkbrunnen. " +
			strings.Repeat("Noch mehr Füllsätze über Parkbänke. ", 40),
	}
	MustIndex(t, ix, tricky, long)
	hit := func(t *testing.T, text string, id int64) backend.SearchHit {
		t.Helper()
		res := MustSearch(t, ix, backend.SearchQuery{Text: text, ConferenceIDs: []int64{confA}})
		for _, h := range res.Hits {
			if h.ID == id {
				return h
			}
		}
		t.Fatalf("%q: idea %d not among %v", text, id, IDs(res))
		return backend.SearchHit{}
	}

	t.Run("BodyEscaped", func(t *testing.T) {
		h := hit(t, "Radweg", 20)
		body := h.Highlights["body"]
		if len(body) == 0 {
			t.Fatalf("no body fragment: %v", h.Highlights)
		}
		checkFragments(t, body, tricky.Body)
		if !strings.Contains(body[0], "&lt;script&gt;") || !strings.Contains(body[0], "<mark>Radweg</mark>") {
			t.Errorf("body fragment %q: want &lt;script&gt; escaped and <mark>Radweg</mark>", body[0])
		}
	})
	t.Run("TitleEscaped", func(t *testing.T) {
		h := hit(t, "Radweg", 20)
		title := h.Highlights["title"]
		if len(title) == 0 {
			t.Fatalf("no title fragment: %v", h.Highlights)
		}
		checkFragments(t, title, tricky.Title)
		for _, want := range []string{"&amp;", "&lt;b&gt;", "<mark>Radweg</mark>"} {
			if !strings.Contains(title[0], want) {
				t.Errorf("title fragment %q lacks %q", title[0], want)
			}
		}
	})
	t.Run("Comments", func(t *testing.T) {
		h := hit(t, "Radweg", 20)
		comments := h.Highlights["comments"]
		if len(comments) != 1 {
			t.Fatalf("comment fragments %q: want exactly the one comment that matched", comments)
		}
		checkFragments(t, comments, tricky.Comments[0])
		if !strings.Contains(comments[0], "&lt;i&gt;") || !strings.Contains(comments[0], "<mark>Radweg</mark>") {
			t.Errorf("comment fragment %q", comments[0])
		}
		h = hit(t, "Kalenderexport", 6)
		if c := h.Highlights["comments"]; len(c) != 1 || !strings.Contains(c[0], "<mark>Kalenderexport</mark>") {
			t.Errorf("Kalenderexport: comment fragments %q", c)
		}
	})
	t.Run("InflectedWordMarked", func(t *testing.T) {
		h := hit(t, "Baum", 2)
		title := h.Highlights["title"]
		if len(title) == 0 || !strings.Contains(title[0], "<mark>Bäum") {
			t.Errorf(`"Baum": title fragments %q, want "Bäume" marked`, title)
		}
		checkFragments(t, title, "Mehr Bäume im Stadtpark")
	})
	t.Run("LongBodyFragment", func(t *testing.T) {
		h := hit(t, "Trinkbrunnen", 21)
		body := h.Highlights["body"]
		if len(body) == 0 {
			t.Fatalf("no body fragment")
		}
		checkFragments(t, body, long.Body)
		if !strings.Contains(body[0], "<mark>Trinkbrunnen</mark>") {
			t.Errorf("fragment %q lacks the match", body[0])
		}
		if len(body[0]) >= len(long.Body) {
			t.Errorf("fragment of %d bytes for a body of %d: want an excerpt", len(body[0]), len(long.Body))
		}
	})
	t.Run("NoneWithoutText", func(t *testing.T) {
		res := MustSearch(t, ix, backend.SearchQuery{ConferenceIDs: []int64{confA}})
		for _, h := range res.Hits {
			if len(h.Highlights) != 0 {
				t.Errorf("idea %d has highlights %v for an empty text", h.ID, h.Highlights)
			}
		}
	})
}

// checkFragments fails the test unless each fragment is escaped text of
// original with only <mark> and </mark> added, balanced and not nested.
func checkFragments(t *testing.T, frags []string, original string) {
	t.Helper()
	for _, f := range frags {
		if p := fragmentProblem(f, original); p != "" {
			t.Errorf("fragment %q: %s", f, p)
		}
	}
}

// fragmentProblem says what is wrong with a fragment of original, or "".
func fragmentProblem(frag, original string) string {
	if !strings.Contains(frag, "<mark>") {
		return "no <mark>"
	}
	depth := 0
	var plain strings.Builder
	for rest := frag; rest != ""; {
		switch {
		case strings.HasPrefix(rest, "<mark>"):
			depth++
			rest = rest[len("<mark>"):]
		case strings.HasPrefix(rest, "</mark>"):
			depth--
			rest = rest[len("</mark>"):]
		default:
			plain.WriteByte(rest[0])
			rest = rest[1:]
		}
		if depth < 0 || depth > 1 {
			return "unbalanced or nested <mark>"
		}
	}
	if depth != 0 {
		return "unclosed <mark>"
	}
	text := plain.String()
	if strings.ContainsAny(text, `<>"`) {
		return `unescaped <, > or " outside <mark>`
	}
	for i, c := range text {
		if c != '&' {
			continue
		}
		if j := strings.IndexByte(text[i:], ';'); j < 2 || j > 8 {
			return fmt.Sprintf("& at byte %d is no entity", i)
		}
	}
	words := strings.Fields(strings.Trim(html.UnescapeString(text), "… "))
	if !strings.Contains(strings.Join(strings.Fields(original), " "), strings.Join(words, " ")) {
		return fmt.Sprintf("not an excerpt of %q", original)
	}
	return ""
}

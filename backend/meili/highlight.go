package meili

import (
	"html"
	"strings"
)

// maxCommentFragments bounds the comment fragments of one hit.
const maxCommentFragments = 3

// highlights turns Meilisearch's marked (and cropped) fields into the
// contract's fragments; a field without a match has none.
func highlights(f formatted) map[string][]string {
	out := map[string][]string{}
	add := func(field, text string) {
		if frag := markedHTML(text); frag != "" {
			out[field] = append(out[field], frag)
		}
	}
	add(aTitle, f.Title)
	add(aBody, f.Body)
	for _, c := range f.Comments {
		if len(out[aComments]) == maxCommentFragments {
			break
		}
		add(aComments, c)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// markedHTML escapes text and turns the highlight markers into <mark> and
// </mark>; markers out of order are dropped, so the result is always
// balanced. It returns "" if nothing was marked.
func markedHTML(text string) string {
	if !strings.Contains(text, preTag) {
		return ""
	}
	var b strings.Builder
	open, marked := false, false
	for text != "" {
		i := strings.IndexAny(text, preTag+postTag)
		if i < 0 {
			b.WriteString(html.EscapeString(text))
			break
		}
		b.WriteString(html.EscapeString(text[:i]))
		switch {
		case strings.HasPrefix(text[i:], preTag):
			if !open {
				b.WriteString("<mark>")
				open = true
			}
			text = text[i+len(preTag):]
		default:
			if open {
				b.WriteString("</mark>")
				open, marked = false, true
			}
			text = text[i+len(postTag):]
		}
	}
	if open {
		b.WriteString("</mark>")
		marked = true
	}
	out := strings.ReplaceAll(b.String(), "<mark></mark>", "")
	if !marked || !strings.Contains(out, "<mark>") {
		return ""
	}
	return out
}

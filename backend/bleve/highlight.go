package bleve

import (
	"html"
	"slices"
	"strings"
	"unicode/utf8"
)

// Fragment sizes: a field up to fragmentBytes is shown whole, a longer one
// as an excerpt of about that size that starts a little before the densest
// run of matches.
const (
	fragmentBytes       = 220
	contextBefore       = 60
	maxCommentFragments = 3
)

// span is a match's byte range in a field's text.
type span struct{ start, end int }

// highlights builds the contract's fragments (escaped text, matches in
// <mark>) from the byte ranges of the matches, by field and array position
// (comments have several), and the stored text of the fields. bleve has an
// HTML highlighter, but we build the fragments ourselves so that escaping
// is ours to guarantee: every byte of the idea goes through
// html.EscapeString, and <mark> is the only markup added.
func highlights(matches map[string]map[int][]span, texts map[string][]string) map[string][]string {
	out := map[string][]string{}
	for _, field := range highlightFields() {
		byElem := matches[field]
		if len(byElem) == 0 {
			continue
		}
		positions := make([]int, 0, len(byElem))
		for p := range byElem {
			positions = append(positions, p)
		}
		slices.Sort(positions)
		var frags []string
		for _, p := range positions {
			if p >= len(texts[field]) || len(frags) == maxCommentFragments {
				continue
			}
			if f := fragment(texts[field][p], byElem[p]); f != "" {
				frags = append(frags, f)
			}
		}
		if len(frags) > 0 {
			out[field] = frags
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// fragment returns an escaped excerpt of text with the spans marked, or ""
// if no span fits the text.
func fragment(text string, spans []span) string {
	spans = cleanSpans(text, spans)
	if len(spans) == 0 {
		return ""
	}
	from, to := window(text, spans)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	cur := from
	for _, s := range spans {
		if s.start < from || s.end > to {
			continue
		}
		b.WriteString(html.EscapeString(text[cur:s.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString("</mark>")
		cur = s.end
	}
	b.WriteString(html.EscapeString(text[cur:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// cleanSpans sorts the spans, drops any that do not lie on rune boundaries
// inside text, and merges overlapping ones.
func cleanSpans(text string, spans []span) []span {
	var ok []span
	for _, s := range spans {
		if s.start >= 0 && s.start < s.end && s.end <= len(text) && runeStart(text, s.start) && runeStart(text, s.end) {
			ok = append(ok, s)
		}
	}
	slices.SortFunc(ok, func(a, b span) int { return a.start - b.start })
	var merged []span
	for _, s := range ok {
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

func runeStart(text string, i int) bool {
	return i == len(text) || utf8.RuneStart(text[i])
}

// window picks the excerpt [from, to): the whole text if it is short,
// otherwise fragmentBytes around the span whose window holds the most
// spans, widened to whole words where that is cheap.
func window(text string, spans []span) (from, to int) {
	if len(text) <= fragmentBytes {
		return 0, len(text)
	}
	best, bestCount := spans[0], 0
	for _, anchor := range spans {
		lo := max(anchor.start-contextBefore, 0)
		hi := lo + fragmentBytes
		n := 0
		for _, s := range spans {
			if s.start >= lo && s.end <= hi {
				n++
			}
		}
		if n > bestCount {
			best, bestCount = anchor, n
		}
	}
	from = max(best.start-contextBefore, 0)
	to = min(from+fragmentBytes, len(text))
	if to < best.end {
		to = best.end
	}
	// Start after a space if one is near, so that no word is cut.
	if from > 0 {
		if i := strings.IndexAny(text[from:best.start], " \n\t"); i >= 0 && i < 20 {
			from += i + 1
		}
		for !runeStart(text, from) {
			from++
		}
	}
	if to < len(text) {
		if i := strings.LastIndexAny(text[best.end:to], " \n\t"); i >= 0 {
			to = best.end + i
		}
		for !runeStart(text, to) {
			to--
		}
	}
	return from, to
}

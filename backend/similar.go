package backend

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
)

// Duplicate hints compare a title being typed with the titles of a
// conference's ideas. Staff type German the way they speak it, so two titles
// count as similar when their words share stems ("Obstbaum" and "Obstbäume",
// "Radweg" inside "Fahrradwege") or most of their letter trigrams (typos).
// This runs in memory over the titles of one conference per request; see
// docs/benchmarks.md for its cost at thousands of titles. Full-text search
// has its own engine.

// MaxSimilar is how many hints a participant sees at most.
const MaxSimilar = 5

// similarThreshold is the score from which a title counts as similar. It was
// chosen on the real Tempelhofer Feld titles (see similar_test.go): lower
// values start to hint unrelated ideas that merely share a common word.
const similarThreshold = 0.5

// SimilarIdea is a duplicate hint.
type SimilarIdea struct {
	ID           int64   `json:"id"`
	Title        string  `json:"title"`
	SupportCount int     `json:"supportCount"`
	Score        float64 `json:"-"`
}

// word is a normalized, stemmed content word with its letter trigrams,
// computed once per word rather than once per comparison.
type word struct {
	text  string
	grams []uint64 // sorted, distinct; three runes packed into one integer
}

// titleWords are a title's content words.
type titleWords []word

// Similar ranks titles by their similarity to query and returns at most limit
// of them above the threshold, best first (ties: more supports, then newer).
func Similar(query string, titles []IdeaTitle, limit int) []SimilarIdea {
	q := wordsOf(query)
	out := []SimilarIdea{}
	if len(q) == 0 {
		return out
	}
	for _, t := range titles {
		if s := similarity(q, titleCache.words(t.Title)); s >= similarThreshold {
			out = append(out, SimilarIdea{ID: t.ID, Title: t.Title, SupportCount: t.SupportCount, Score: s})
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Score != out[b].Score {
			return out[a].Score > out[b].Score
		}
		if out[a].SupportCount != out[b].SupportCount {
			return out[a].SupportCount > out[b].SupportCount
		}
		return out[a].ID > out[b].ID
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// similarity is the share of the query's words that find a match among the
// title's words, weighted so that a title with many more words scores lower.
// A word matches another when one stem contains the other (compounds) or
// their trigram overlap is high (typos).
func similarity(q, t titleWords) float64 {
	if len(q) == 0 || len(t) == 0 {
		return 0
	}
	var matched float64
	for _, w := range q {
		best := 0.0
		for _, v := range t {
			best = max(best, wordMatch(w, v))
			if best == 1 {
				break
			}
		}
		matched += best
	}
	// Dice-like: matched words relative to both lengths, so that "Bäume" is
	// not as similar to a ten-word title as to "Mehr Bäume".
	return 2 * matched / float64(len(q)+len(t))
}

func wordMatch(a, b word) float64 {
	if a.text == b.text {
		return 1
	}
	short, long := a.text, b.text
	if len(short) > len(long) {
		short, long = long, short
	}
	if len(short) >= 4 && strings.Contains(long, short) {
		return 0.9
	}
	// Dice cannot reach 0.5 when one set is less than a third of the other.
	na, nb := len(a.grams), len(b.grams)
	if na == 0 || nb == 0 || 3*min(na, nb) < max(na, nb) {
		return 0
	}
	if d := trigramDice(a.grams, b.grams); d >= 0.5 {
		return d
	}
	return 0
}

// trigramDice compares two sorted trigram sets.
func trigramDice(a, b []uint64) float64 {
	common := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

// trigrams returns the sorted, distinct trigrams of w padded with blanks,
// each packed into an integer (21 bits per rune).
func trigrams(w string) []uint64 {
	r := []rune(" " + w + " ")
	out := make([]uint64, 0, len(r))
	for i := 0; i+3 <= len(r); i++ {
		out = append(out, uint64(r[i])<<42|uint64(r[i+1])<<21|uint64(r[i+2]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// titleCache keeps the words of titles seen recently: hints are asked for at
// every pause in typing, over the same few thousand titles, and normalizing
// them is four fifths of the work. It holds at most maxCachedTitles entries
// (a few MiB) and starts over when full.
var titleCache = &wordCache{m: map[string]titleWords{}}

const maxCachedTitles = 20000

type wordCache struct {
	mu sync.Mutex
	m  map[string]titleWords
}

func (c *wordCache) words(title string) titleWords {
	c.mu.Lock()
	w, ok := c.m[title]
	c.mu.Unlock()
	if ok {
		return w
	}
	w = wordsOf(title)
	c.mu.Lock()
	if len(c.m) >= maxCachedTitles {
		clear(c.m)
	}
	c.m[title] = w
	c.mu.Unlock()
	return w
}

// wordsOf lowercases, folds umlauts and ß as Germans type them without
// (ä → ae), splits on everything that is not a letter or digit, drops stop
// words and short words, and stems.
func wordsOf(title string) titleWords {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		switch r {
		case 'ä':
			b.WriteString("ae")
		case 'ö':
			b.WriteString("oe")
		case 'ü':
			b.WriteString("ue")
		case 'ß':
			b.WriteString("ss")
		default:
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(r)
			} else {
				b.WriteByte(' ')
			}
		}
	}
	var out titleWords
	for _, w := range strings.Fields(b.String()) {
		if len([]rune(w)) < 3 || stopWords[w] {
			continue
		}
		st := stem(w)
		out = append(out, word{text: st, grams: trigrams(st)})
	}
	return out
}

// stem strips the common German plural and case endings, keeping at least
// four letters, and folds the umlaut of a plural (baeume → baum).
func stem(w string) string {
	for _, suffix := range []string{"ungen", "innen", "ern", "en", "er", "es", "e", "n", "s"} {
		if strings.HasSuffix(w, suffix) && len(w)-len(suffix) >= 4 {
			w = strings.TrimSuffix(w, suffix)
			break
		}
	}
	for _, pair := range [][2]string{{"aeu", "au"}, {"ae", "a"}, {"oe", "o"}, {"ue", "u"}} {
		w = strings.ReplaceAll(w, pair[0], pair[1])
	}
	return w
}

// stopWords are words too common in idea titles to make two titles similar.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`der die das den dem des ein eine einen einem einer eines und oder aber auch
		fuer mit von vom zum zur zu auf aus bei im in an am als wie nach ueber unter vor durch ohne gegen
		nicht kein keine mehr weniger sehr noch schon nur alle allen jeder jede jedes ist sind wird werden
		sollte sollen soll kann koennen muss muessen bitte neue neuer neues neuen the and for with`) {
		m[w] = true
	}
	return m
}()

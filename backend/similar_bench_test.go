package backend

import (
	"encoding/csv"
	"os"
	"testing"
	"time"
	"unicode/utf8"
)

// cimtTitles reads the 4,711 contributions of the CIMT corpus as an import
// would store their titles: rows without a title (about 1,400) get one made
// from the start of their text, as App.Import does.
func cimtTitles(tb testing.TB) []IdeaTitle {
	tb.Helper()
	f, err := os.Open("../testdata/proposals/cimt_proposals.csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]IdeaTitle, 0, len(recs)-1)
	for n, r := range recs[1:] { // document_id, title, text are columns 2, 3, 4
		title := r[3]
		if utf8.RuneCountInString(title) < 3 {
			title = shortenAtWord(title+" "+firstLine(r[4]), MaxTitleLen)
		}
		out = append(out, IdeaTitle{ID: int64(n + 1), Title: title, SupportCount: n % 51})
	}
	return out
}

// BenchmarkSimilar measures one duplicate-hint computation over the 4,711
// CIMT titles. The hints are recomputed while a participant types a title,
// so "keystrokes" cycles through the prefixes of a title being typed (from
// the third character on) and "full-title" is one complete title.
//
//	go test -run '^$' -bench Similar ./backend/
func BenchmarkSimilar(b *testing.B) {
	titles := cimtTitles(b)
	if len(titles) != 4711 {
		b.Fatalf("read %d titles, want 4711", len(titles))
	}
	typed := []rune("Sichere Radwege an der Hauptstraße statt Parkplätzen")
	var prefixes []string
	for n := 3; n <= len(typed); n++ {
		prefixes = append(prefixes, string(typed[:n]))
	}
	run := func(b *testing.B, query func(i int) string) {
		hints := 0
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			hints += len(Similar(query(i), titles, MaxSimilar))
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/call")
		b.ReportMetric(float64(hints)/float64(b.N), "hints/call")
	}
	b.Run("keystrokes", func(b *testing.B) {
		run(b, func(i int) string { return prefixes[i%len(prefixes)] })
	})
	b.Run("full-title", func(b *testing.B) {
		run(b, func(int) string { return string(typed) })
	})
}

package bleve_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/bleve"
	"ideenmarkt/backend/searchtest"
)

// Benchmarks on the real proposals (5,051 ideas) and on 100,000 ideas made
// from them by copying with new ids, a suffix in the title and a
// conference per copy. Figures are reported, never asserted:
//
//	go test -run '^$' -bench Index100k -benchtime 1x -count 3 ./backend/bleve/
//	go test -run '^$' -bench Search -benchtime 2000x ./backend/bleve/
//
// The searches start right after the last batch, while scorch may still be
// merging segments in the background, as on a server that just reindexed.

const benchDocs = 100_000

// benchQueries are typical staff queries: a word, a sentence with stop
// words, a typo, two words, an inflected compound.
func benchQueries() []string {
	return []string{"Radweg", "Bäume auf dem Feld", "Spielplaz", "Fahrradständer Bahnhof", "Hunde Leine", "Schlaglöcher"}
}

// multiply returns n documents made from docs: copy k of an idea has the id
// k*len(docs)+id, " (Kopie k)" after its title and conference conf+10k.
func multiply(docs []backend.SearchDocument, n int) []backend.SearchDocument {
	out := make([]backend.SearchDocument, 0, n)
	for k := 0; len(out) < n; k++ {
		for _, d := range docs {
			if len(out) == n {
				break
			}
			if k > 0 {
				d.ID += int64(k * len(docs))
				d.Title = fmt.Sprintf("%s (Kopie %d)", d.Title, k)
				d.ConferenceID += int64(10 * k)
			}
			out = append(out, d)
		}
	}
	return out
}

func conferencesOf(docs []backend.SearchDocument) []int64 {
	var ids []int64
	for _, d := range docs {
		if !slices.Contains(ids, d.ConferenceID) {
			ids = append(ids, d.ConferenceID)
		}
	}
	return ids
}

func indexAll(tb testing.TB, ix backend.SearchIndex, docs []backend.SearchDocument) {
	tb.Helper()
	for i := 0; i < len(docs); i += 1000 {
		if err := ix.Index(context.Background(), docs[i:min(i+1000, len(docs))]); err != nil {
			tb.Fatal(err)
		}
	}
}

func openBench(b *testing.B) *bleve.Index {
	b.Helper()
	ix := bleve.New(b.TempDir())
	if _, err := ix.Init(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	return ix
}

// BenchmarkIndex100k indexes 100,000 ideas in batches of 1,000 into a fresh
// index per iteration and reports documents per second.
func BenchmarkIndex100k(b *testing.B) {
	docs := multiply(searchtest.LoadRealData(b).Docs, benchDocs)
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		ix := openBench(b)
		b.StartTimer()
		start := time.Now()
		indexAll(b, ix, docs)
		total += time.Since(start)
	}
	b.ReportMetric(float64(benchDocs*b.N)/total.Seconds(), "docs/s")
}

// BenchmarkSearch runs the typical queries round-robin (with two facets and
// a page of 20, as the search page asks) and reports the latency
// percentiles of one query.
func BenchmarkSearch(b *testing.B) {
	realDocs := searchtest.LoadRealData(b).Docs
	for _, size := range []struct {
		name string
		docs []backend.SearchDocument
	}{{"real5k", realDocs}, {"copies100k", multiply(realDocs, benchDocs)}} {
		ix := openBench(b)
		indexAll(b, ix, size.docs)
		confs := conferencesOf(size.docs)
		b.Run(size.name, func(b *testing.B) {
			queries := benchQueries()
			var lat []time.Duration
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				_, err := ix.Search(context.Background(), backend.SearchQuery{
					Text: queries[i%len(queries)], ConferenceIDs: confs, Limit: 20,
					Facets: []string{backend.FacetConference, backend.FacetTopic},
				})
				lat = append(lat, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
			}
			slices.Sort(lat)
			b.ReportMetric(ms(lat[len(lat)*50/100]), "p50-ms")
			b.ReportMetric(ms(lat[min(len(lat)*95/100, len(lat)-1)]), "p95-ms")
		})
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

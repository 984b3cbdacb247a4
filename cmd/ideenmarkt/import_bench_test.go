package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/csvimport"
	"ideenmarkt/backend/postgres"
	"ideenmarkt/backend/postgres/pgtest"
	"ideenmarkt/backend/sqlite"
)

// TestMain stops the throwaway PostgreSQL cluster that BenchmarkImport starts.
func TestMain(m *testing.M) { pgtest.Main(m) }

// BenchmarkImport measures what an organiser waits for when importing the
// shared real files: csvimport.Read of the in-memory files plus App.Import,
// all rows in one transaction, each iteration into a fresh (draft) conference
// of the same database. Creating that conference is not timed. Reports ideas
// per second of that time, the time per import, and how many ideas and
// comments an import took (rows App.Import skips, e.g. without title and
// text, are not counted).
//
//	go test -run '^$' -bench Import -benchtime 3x ./cmd/ideenmarkt/
//
// Without PostgreSQL installed, the postgres half is skipped (see pgtest).
func BenchmarkImport(b *testing.B) {
	files := []struct {
		name, ideas, comments string
	}{
		{"thf", "thf_proposals.csv", "thf_comments.csv"},
		{"cimt", "cimt_proposals.csv", ""},
	}
	stores := []struct {
		name string
		open func(b *testing.B) backend.Store
	}{
		{"sqlite", func(b *testing.B) backend.Store {
			s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "import.db"))
			if err != nil {
				b.Fatalf("open sqlite: %v", err)
			}
			return s
		}},
		{"postgres", func(b *testing.B) backend.Store {
			s, err := postgres.Open(context.Background(), pgtest.DSN(b), postgres.Options{Migrate: true})
			if err != nil {
				b.Fatalf("open postgres: %v", err)
			}
			return s
		}},
	}
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			store := st.open(b)
			b.Cleanup(func() { store.Close() })
			app := backend.NewApp(store)
			conferences := 0
			for _, f := range files {
				ideas := readShared(b, f.ideas)
				var comments []byte
				if f.comments != "" {
					comments = readShared(b, f.comments)
				}
				b.Run(f.name, func(b *testing.B) {
					imported, importedComments := 0, 0
					b.ResetTimer()
					for range b.N {
						b.StopTimer()
						conferences++
						slug := fmt.Sprintf("import-%s-%d", f.name, conferences)
						if _, err := app.CreateConference(context.Background(), operator, backend.ConferenceInput{
							Slug: slug, Title: "Import " + f.name, Venue: "Rathaus",
							StartsAt: time.Date(2027, 3, 10, 9, 0, 0, 0, time.UTC), EndsAt: time.Date(2027, 3, 10, 17, 0, 0, 0, time.UTC),
						}); err != nil {
							b.Fatalf("create conference: %v", err)
						}
						b.StartTimer()
						var cr io.Reader
						if comments != nil {
							cr = bytes.NewReader(comments)
						}
						req, err := csvimport.Read(bytes.NewReader(ideas), cr)
						if err != nil {
							b.Fatalf("read %s: %v", f.name, err)
						}
						res, err := app.Import(context.Background(), operator, slug, req)
						if err != nil {
							b.Fatalf("import %s: %v", f.name, err)
						}
						if res.Ideas == 0 || (comments != nil && res.Comments == 0) {
							b.Fatalf("imported %d ideas and %d comments", res.Ideas, res.Comments)
						}
						imported += res.Ideas
						importedComments += res.Comments
					}
					b.StopTimer()
					b.ReportMetric(float64(imported)/b.Elapsed().Seconds(), "ideas/s")
					b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/import")
					b.ReportMetric(float64(imported)/float64(b.N), "ideas/import")
					b.ReportMetric(float64(importedComments)/float64(b.N), "comments/import")
				})
			}
		})
	}
}

// readShared reads one of the shared real proposal files.
func readShared(b *testing.B, name string) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "proposals", name))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

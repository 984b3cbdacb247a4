package web_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/bleve"
	"ideenmarkt/backend/csvimport"
	"ideenmarkt/backend/indexer"
	"ideenmarkt/backend/searchtest"
	"ideenmarkt/backend/sqlite"
	"ideenmarkt/migrations"
)

// BenchmarkSearchHTTP measures search as the search page asks for it:
// GET /api/v1/search over a kept-alive loopback connection to the real
// server (Fiber on a TCP listener), on SQLite with the embedded bleve index
// wired into the App as `ideenmarkt serve` does it, filled by the indexer's
// Rebuild (what a first start or `ideenmarkt reindex` runs).
//
//	go test -run '^$' -bench SearchHTTP -benchtime 980x -timeout 60m -v ./backend/web/
//
// (980 = 20 rounds of the 49 queries; the figures are in docs/benchmarks.md.)
// SEARCH_BENCH_DIR=dir keeps the store and index of each size in dir, so
// that a change to the engine can be measured again with
// -bench SearchHTTP/ideas100k/mix without importing 100,000 ideas.
//
// Two sizes:
//
//   - real5k: the real proposals of testdata/proposals, imported with
//     App.Import as an organiser would: the Tempelhofer Feld ideas with their
//     comments in one conference, the cycling dialogues in one conference per
//     process. App.Import skips the 14 rows without title and text, which
//     leaves 5,037 ideas (340 + 4,697) in 6 conferences.
//   - ideas100k: 100,000 ideas made from the same texts: copy k (k = 0…19)
//     of each of the 6 conferences, with every idea of it, until 100,000 are
//     reached (19 whole copies and 4,297 ideas of the 20th; 120 conferences).
//     Copy 0 is the real data; in copy k > 0 each idea keeps its title, its
//     body's sentences are rotated by k and one sentence of another idea is
//     appended, supports and creation times are drawn anew, and the copy's
//     conference starts in another year. The vocabulary stays that of the
//     real proposals.
//
// Every idea gets one of six departments at random (the files have none), so
// that the department facet has values. Sub-benchmarks:
//
//   - rebuild: a fresh index filled by indexer.Rebuild from the Store (all
//     ideas, batches of 100, as the server does); reports docs/s and the
//     seconds it took. It runs once, whatever -benchtime says; the index it
//     builds is the one searched (mix builds one if rebuild was not run).
//   - mix: the query mix of searchMix, round-robin, one request after
//     another; reports the nearest-rank p50, p95 and p99 of all requests and
//     logs the slowest queries.
//
// Setting up the store is not timed. Figures are reported, never asserted.
// The index is searched once its background merges have settled. With
// SEARCH_BENCH_CPUPROFILE=file, the timed requests of mix (not the set-up)
// are CPU-profiled into file (server and client share the process); with
// SEARCH_BENCH_ALL=1 the log lists every query, not just the slowest.
func BenchmarkSearchHTTP(b *testing.B) {
	for _, size := range []struct {
		name  string
		ideas int // 0: the real ideas once
	}{{"real5k", 0}, {"ideas100k", 100_000}} {
		b.Run(size.name, func(b *testing.B) {
			env := newSearchBench(b, size.name, size.ideas)
			b.Run("rebuild", func(b *testing.B) {
				// One rebuild per run, whatever -benchtime says (the framework
				// calls this again with a larger b.N); ns/op is meaningless here.
				if env.index == nil {
					env.rebuild(b)
				}
				b.ReportMetric(0, "ns/op")
				b.ReportMetric(env.lastRate, "docs/s")
				b.ReportMetric(env.lastTime.Seconds(), "s/rebuild")
			})
			b.Run("mix", func(b *testing.B) {
				if env.index == nil {
					env.openOrRebuild(b)
				}
				env.timeMix(b)
			})
		})
	}
}

// searchBench is one store with its server, and the index searched.
type searchBench struct {
	app      *backend.App
	store    backend.Store
	dir      string // of the store and the index
	reuse    bool   // the store was kept from an earlier run (SEARCH_BENCH_DIR)
	base     string
	client   *http.Client
	ideas    int
	mix      []searchCase
	index    *bleve.Index
	builds   int
	lastRate float64
	lastTime time.Duration
}

// searchCase is one request of the mix.
type searchCase struct {
	name  string // for the log
	query string // the query string after /api/v1/search?
}

// benchConf is a conference of the real data with its import rows.
type benchConf struct {
	title    string
	year     int
	ideas    []backend.ImportRow
	comments []backend.ImportCommentRow
}

func newSearchBench(b *testing.B, name string, ideas int) *searchBench {
	b.Helper()
	ctx := context.Background()
	// SEARCH_BENCH_DIR keeps the store and the index of each size between
	// runs, so that a change to the engine can be measured without setting
	// up 100,000 ideas again (the rebuild sub-benchmark still rebuilds).
	dir, keep := os.LookupEnv("SEARCH_BENCH_DIR")
	if keep {
		dir = filepath.Join(dir, name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			b.Fatal(err)
		}
	} else {
		dir = b.TempDir()
	}
	dbPath := filepath.Join(dir, "search.db")
	_, statErr := os.Stat(dbPath)
	reuse := keep && statErr == nil
	store, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		b.Fatalf("open sqlite: %v", err)
	}
	b.Cleanup(func() { store.Close() })
	app := backend.NewApp(store)
	env := &searchBench{app: app, store: store, dir: dir}
	start := time.Now()
	if reuse {
		env.ideas = countIdeas(b, store)
		env.reuse = true
		b.Logf("store: reusing %s with %d ideas", dbPath, env.ideas)
	} else {
		var ids []int64
		env.ideas, ids = importCopies(b, app, store, realConferences(b), ideas)
		b.Logf("store: %d ideas in %d conferences imported in %v", env.ideas, len(ids), time.Since(start).Round(time.Millisecond))
	}
	conf, err := store.FindConferenceBySlug(ctx, "suche-0-1") // the first Bonn Raddialog conference
	if err != nil {
		b.Fatal(err)
	}
	env.mix = searchMix(b, conf.ID)
	env.base = serveMarket(b, app, migrations.Latest(migrations.SQLite))
	env.client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	b.Cleanup(env.client.CloseIdleConnections)
	b.Cleanup(func() {
		if env.index != nil {
			env.index.Close()
		}
	})
	return env
}

// countIdeas counts the ideas of every conference in the store.
func countIdeas(b *testing.B, store backend.Store) int {
	b.Helper()
	ctx := context.Background()
	n := 0
	for offset := 0; ; offset += backend.MaxPageSize {
		cs, total, err := store.FindConferences(ctx, backend.ConferenceFilter{IncludeDrafts: true, Offset: offset, Limit: backend.MaxPageSize})
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range cs {
			titles, err := store.FindIdeaTitles(ctx, c.ID)
			if err != nil {
				b.Fatal(err)
			}
			n += len(titles)
		}
		if len(cs) == 0 || offset+len(cs) >= total {
			return n
		}
	}
}

// realConferences reads the proposal files into the six conferences of the
// real data, as App.Import rows.
func realConferences(b *testing.B) []*benchConf {
	b.Helper()
	thf := &benchConf{title: "Tempelhofer Feld", year: 2015}
	for _, i := range readCSV(b, "thf_proposals.csv", csvimport.ReadIdeas) {
		thf.ideas = append(thf.ideas, importRow(i))
	}
	for _, c := range readCSV(b, "thf_comments.csv", csvimport.ReadComments) {
		thf.comments = append(thf.comments, backend.ImportCommentRow{Line: c.Line, Ref: c.Ref, IdeaRef: c.IdeaRef,
			ParentRef: c.ParentRef, Body: c.Body, Author: c.Author, CreatedAt: c.CreatedAt})
	}
	confs := []*benchConf{thf}
	byProcess := map[string]*benchConf{}
	for _, i := range readCSV(b, "cimt_proposals.csv", csvimport.ReadIdeas) {
		c := byProcess[i.Topic]
		if c == nil {
			c = &benchConf{title: i.Topic, year: 2017}
			if n := strings.LastIndexAny(i.Topic, "0123456789"); n >= 3 {
				if y, err := strconv.Atoi(i.Topic[n-3 : n+1]); err == nil {
					c.year = y
				}
			}
			byProcess[i.Topic] = c
			confs = append(confs, c)
		}
		c.ideas = append(c.ideas, importRow(i))
	}
	return confs
}

func importRow(i csvimport.Idea) backend.ImportRow {
	return backend.ImportRow{Line: i.Line, Ref: i.Ref, Title: i.Title, Body: i.Body, Topic: i.Topic,
		Department: i.Department, Author: i.Author, Supports: i.Supports, CreatedAt: i.CreatedAt}
}

// importCopies imports copies of confs (see BenchmarkSearchHTTP) until n
// ideas are stored (n = 0: one copy), each conference with App.Import and
// then opened for ideas. It returns the number of ideas and the conference
// ids in order of creation.
func importCopies(b *testing.B, app *backend.App, store backend.Store, confs []*benchConf, n int) (int, []int64) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(2026, 1206))
	var all []backend.ImportRow // every real row, for the borrowed sentences
	for _, c := range confs {
		all = append(all, c.ideas...)
	}
	total := 0
	var ids []int64
	for k := 0; ; k++ {
		for ci, c := range confs {
			if n > 0 && total >= n || n == 0 && k > 0 {
				return total, ids
			}
			year := c.year
			if k > 0 {
				year = 2017 + k%10
			}
			rows := make([]backend.ImportRow, 0, len(c.ideas))
			for ri, r := range c.ideas {
				if strings.TrimSpace(r.Title) == "" && strings.TrimSpace(r.Body) == "" {
					continue // App.Import skips these; they must not count
				}
				if n > 0 && total+len(rows) >= n {
					break
				}
				r.Department = marketDepartments[rng.IntN(len(marketDepartments))]
				if k > 0 {
					other := all[(ri*31+k*977+ci*7)%len(all)]
					r.Body = varyBody(r.Body, other.Body, k)
					r.Supports = rng.IntN(60)
					r.CreatedAt = time.Time{}
				}
				if r.CreatedAt.IsZero() {
					r.CreatedAt = time.Date(year-1, 9, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.Int64N(int64(180 * 24 * time.Hour)))).Truncate(time.Second)
				}
				rows = append(rows, r)
			}
			slug := fmt.Sprintf("suche-%d-%d", k, ci)
			title := c.title
			if k > 0 {
				title = fmt.Sprintf("%s – Runde %d", c.title, k+1)
			}
			starts := time.Date(year, 3, 10, 9, 0, 0, 0, time.UTC)
			if _, err := app.CreateConference(ctx, marketOrganizer, backend.ConferenceInput{
				Slug: slug, Title: title, Venue: "Rathaus", StartsAt: starts, EndsAt: starts.Add(8 * time.Hour),
				Anonymity: backend.AnonymityAllowed,
			}); err != nil {
				b.Fatalf("create conference %s: %v", slug, err)
			}
			req := backend.ImportRequest{Ideas: rows}
			if len(c.comments) > 0 && (n == 0 || total+len(c.ideas) <= n) {
				req.Comments = c.comments
			}
			res, err := app.Import(ctx, marketOrganizer, slug, req)
			if err != nil {
				b.Fatalf("import into %s: %v", slug, err)
			}
			if _, err := app.SetPhase(ctx, marketOrganizer, slug, backend.PhaseIdeas, nil); err != nil {
				b.Fatalf("open %s: %v", slug, err)
			}
			conf, err := store.FindConferenceBySlug(ctx, slug)
			if err != nil {
				b.Fatal(err)
			}
			ids = append(ids, conf.ID)
			total += res.Ideas
		}
	}
}

// varyBody rotates body's sentences by k and appends the first sentence of
// other, so that copies of an idea are not the same document.
func varyBody(body, other string, k int) string {
	s := sentences(body)
	if len(s) > 1 {
		r := k % len(s)
		s = append(s[r:], s[:r]...)
	}
	if o := sentences(other); len(o) > 0 {
		s = append(s, o[0])
	}
	return strings.Join(s, " ")
}

// sentences splits text after ". ", "! ", "? " and line breaks.
func sentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		end := -1
		switch {
		case text[i] == '\n':
			end = i
		case (text[i] == '.' || text[i] == '!' || text[i] == '?') && i+1 < len(text) && text[i+1] == ' ':
			end = i + 1
		}
		if end < 0 {
			continue
		}
		if s := strings.TrimSpace(text[start:end]); s != "" {
			out = append(out, s)
		}
		start = end
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// searchMix is what staff and participants type: every query of
// testdata/search/quality.tsv (German words, inflections, spellings without
// umlauts, typos, sentences with stop words, compounds, several words), with
// relevance and the default page of 20, plus the page without text and
// queries with facet filters, other sorts and a second page.
func searchMix(b *testing.B, confID int64) []searchCase {
	b.Helper()
	var mix []searchCase
	for _, c := range searchtest.LoadQualityCases(b) {
		mix = append(mix, searchCase{name: c.Query, query: "q=" + url.QueryEscape(c.Query)})
	}
	raddialog := url.QueryEscape("Bonn (Raddialog 2017)")
	conf := strconv.FormatInt(confID, 10)
	for _, q := range []string{
		"",                       // the search page opened: everything, newest first
		"sort=supports",          // everything, most supported
		"year=2017",              // one year
		"topic=" + raddialog,     // one topic
		"conference=" + conf,     // one conference
		"department=Tiefbauamt",  // one department
		"q=Radweg&sort=supports", // a word, most supported
		"q=Radweg&sort=newest",   // a word, newest
		"q=Radweg&offset=20",     // a word, second page
		"q=Radweg&topic=" + raddialog,
		"q=Ampel&conference=" + conf,
		"q=Fahrrad+Parkplatz&year=2017&sort=newest",
		"q=Baustelle&department=Tiefbauamt&department=Ordnungsamt",
		"q=Spielplatz&sort=votes",
		"q=Bäume&year=2015&year=2018",
		"q=Hunde&topic=" + raddialog + "&department=Bürgeramt",
	} {
		mix = append(mix, searchCase{name: q, query: q})
	}
	return mix
}

// openOrRebuild opens the index a kept store has (SEARCH_BENCH_DIR), or
// rebuilds one.
func (env *searchBench) openOrRebuild(b *testing.B) {
	b.Helper()
	if path := filepath.Join(env.dir, "index"); env.reuse {
		if _, err := os.Stat(path); err == nil {
			ix := bleve.New(path)
			existed, err := ix.Init(context.Background())
			if err != nil {
				b.Fatalf("open kept index: %v", err)
			}
			if existed {
				env.index, env.app.Search = ix, ix
				b.Logf("index: reusing %s", path)
				return
			}
			ix.Close() // of another layout: made anew below
		}
	}
	env.rebuild(b)
}

// rebuild fills a fresh index with indexer.Rebuild and makes it the App's.
func (env *searchBench) rebuild(b *testing.B) {
	b.Helper()
	ctx := context.Background()
	b.StopTimer()
	if env.index != nil {
		env.app.Search = nil
		env.index.Close()
		env.index = nil
	}
	env.builds++
	path := filepath.Join(env.dir, "index")
	if err := os.RemoveAll(path); err != nil {
		b.Fatal(err)
	}
	ix := bleve.New(path)
	x := indexer.New(env.app, ix, indexer.Options{Name: fmt.Sprintf("bleve/ideas_v%d/bench-%d", backend.SearchSchemaVersion, env.builds)})
	b.StartTimer()
	start := time.Now()
	n, err := x.Rebuild(ctx, nil)
	elapsed := time.Since(start)
	b.StopTimer()
	if err != nil {
		b.Fatalf("rebuild: %v", err)
	}
	if n != env.ideas {
		b.Fatalf("rebuild indexed %d ideas, want %d", n, env.ideas)
	}
	env.index = ix
	env.app.Search = ix
	env.lastRate, env.lastTime = float64(n)/elapsed.Seconds(), elapsed
	// The searches measure the settled index, not the one still merging
	// the rebuild's small segments in the background.
	start = time.Now()
	if err := ix.WaitIdle(ctx, 50*time.Millisecond); err != nil {
		b.Fatalf("wait for merges: %v", err)
	}
	b.Logf("rebuild: %d ideas in %v (%.0f docs/s); merges settled %v later", n, elapsed.Round(time.Millisecond),
		env.lastRate, time.Since(start).Round(time.Millisecond))
	b.StartTimer()
}

// timeMix checks every query once (untimed, also warming the caches; the
// first request's time is logged, as it builds the index's per-segment
// columns), then times b.N requests round-robin over the mix.
func (env *searchBench) timeMix(b *testing.B) {
	b.Helper()
	for n, c := range env.mix {
		start := time.Now()
		status, body, err := get(env.client, env.base+"/api/v1/search?"+c.query, "")
		if n == 0 {
			b.Logf("first search after opening the index: %.1f ms", float64(time.Since(start).Microseconds())/1000)
		}
		if err != nil || status != http.StatusOK {
			b.Fatalf("GET search?%s: status %d, err %v, body %.300s", c.query, status, err, body)
		}
		var page struct {
			Items    []json.RawMessage `json:"items"`
			Total    int               `json:"total"`
			Degraded bool              `json:"degraded"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			b.Fatalf("GET search?%s: %v", c.query, err)
		}
		if page.Degraded || page.Total == 0 || len(page.Items) == 0 {
			b.Fatalf("GET search?%s: %d items of %d, degraded %v: the mix should find something", c.query, len(page.Items), page.Total, page.Degraded)
		}
	}
	all := make([]time.Duration, 0, b.N)
	per := make([][]time.Duration, len(env.mix))
	if path := os.Getenv("SEARCH_BENCH_CPUPROFILE"); path != "" && b.N >= 2*len(env.mix) {
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		n := i % len(env.mix)
		start := time.Now()
		status, _, err := get(env.client, env.base+"/api/v1/search?"+env.mix[n].query, "")
		d := time.Since(start)
		if err != nil || status != http.StatusOK {
			b.Fatalf("GET search?%s: status %d, err %v", env.mix[n].query, status, err)
		}
		all = append(all, d)
		per[n] = append(per[n], d)
	}
	b.StopTimer()
	if path := os.Getenv("SEARCH_BENCH_CPUPROFILE"); path != "" && b.N >= 2*len(env.mix) {
		pprof.StopCPUProfile()
	}
	slices.Sort(all)
	b.ReportMetric(percentileMS(all, 50), "p50-ms")
	b.ReportMetric(percentileMS(all, 95), "p95-ms")
	b.ReportMetric(percentileMS(all, 99), "p99-ms")
	if b.N < 2*len(env.mix) {
		return // the probe run: too few requests per query to say which are slow
	}
	type slow struct {
		name     string
		p50, max float64
	}
	var rows []slow
	for n, ds := range per {
		slices.Sort(ds)
		rows = append(rows, slow{env.mix[n].name, percentileMS(ds, 50), percentileMS(ds, 100)})
	}
	slices.SortFunc(rows, func(a, b slow) int { return cmp.Compare(b.p50, a.p50) })
	var log strings.Builder
	fmt.Fprintf(&log, "%d ideas, %d requests (%d queries × %d): slowest by median", env.ideas, b.N, len(env.mix), b.N/len(env.mix))
	for _, r := range rows[:min(8, len(rows))] {
		fmt.Fprintf(&log, "\n  %7.2f ms p50, %7.2f ms max  %s", r.p50, r.max, r.name)
	}
	if os.Getenv("SEARCH_BENCH_ALL") != "" {
		for _, r := range rows[min(8, len(rows)):] {
			fmt.Fprintf(&log, "\n  %7.2f ms p50, %7.2f ms max  %s", r.p50, r.max, r.name)
		}
	}
	b.Log(log.String())
}

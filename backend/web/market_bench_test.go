package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"ideenmarkt/backend"
	"ideenmarkt/backend/csvimport"
	"ideenmarkt/backend/postgres"
	"ideenmarkt/backend/postgres/pgtest"
	"ideenmarkt/backend/sqlite"
	"ideenmarkt/backend/web"
	"ideenmarkt/migrations"
)

// The market a benchmark lists: a conference in the ideas phase with
// marketIdeas imported ideas (the real CIMT texts, cycled), marketParticipants
// participants who each support marketSupportsEach ideas, and marketComments
// comments, more of them on some ideas than on others.
const (
	marketSlug         = "stadtkonferenz"
	marketIdeas        = 10000
	marketParticipants = 300
	marketSupportsEach = 10
	marketComments     = 1000
)

var (
	marketTopics = []string{"Radverkehr", "Fußverkehr", "ÖPNV", "Grünflächen", "Digitalisierung",
		"Arbeitsplatz", "Gebäude", "Bürgerservice"}
	marketDepartments = []string{"Ordnungsamt", "Tiefbauamt", "Stadtplanung", "Personalamt",
		"IT-Dienste", "Bürgeramt"}
	// marketOrganizer is who sets the market up, without an account (the
	// command-line tools act the same way).
	marketOrganizer = backend.Actor{Account: &backend.Account{Email: "bench@stadt.example", Role: backend.RoleOrganizer}}
)

// BenchmarkListIdeas measures the idea list as a participant's phone asks
// for it: HTTP GETs over a kept-alive loopback connection to a real server
// (Fiber on a TCP listener), with the participant and CSRF cookies a joined
// browser sends, against a market of 10,000 ideas, on SQLite and on
// PostgreSQL. Each sub-benchmark reports the median and 95th percentile of
// the per-request times. Setting the market up takes some seconds per store
// and is not timed.
//
//	go test -run '^$' -bench ListIdeas -benchtime 300x ./backend/web/
//
// Without PostgreSQL installed, the postgres half is skipped (see pgtest).
func BenchmarkListIdeas(b *testing.B) {
	stores := []struct {
		name string
		open func(b *testing.B) (backend.Store, int)
	}{
		{"sqlite", func(b *testing.B) (backend.Store, int) {
			s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "market.db"))
			if err != nil {
				b.Fatalf("open sqlite: %v", err)
			}
			return s, migrations.Latest(migrations.SQLite)
		}},
		{"postgres", func(b *testing.B) (backend.Store, int) {
			dsn := pgtest.DSN(b)
			s, err := postgres.Open(context.Background(), dsn, postgres.Options{Migrate: true})
			if err != nil {
				b.Fatalf("open postgres: %v", err)
			}
			return s, migrations.Latest(migrations.Postgres)
		}},
	}
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			store, schema := st.open(b)
			b.Cleanup(func() { store.Close() })
			app := backend.NewApp(store)
			start := time.Now()
			m := buildMarket(b, app, store)
			b.Logf("%s: market of %d ideas, %d participants, %d supports, %d comments set up in %v",
				st.name, marketIdeas, marketParticipants, marketParticipants*marketSupportsEach, marketComments,
				time.Since(start).Round(time.Millisecond))
			base := serveMarket(b, app, schema)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			b.Cleanup(client.CloseIdleConnections)
			cookies := "ideenmarkt_participant=" + m.key + "; ideenmarkt_csrf=" + backend.RandomToken()

			list := base + "/api/v1/conferences/" + marketSlug + "/ideas"
			topic, dept := marketTopics[0], marketDepartments[0]
			queries := []struct {
				name, query string
				total       int
			}{
				{"newest", "", marketIdeas},
				{"topic-by-supports", "?topic=" + url.QueryEscape(topic) + "&sort=supports", m.perTopic[topic]},
				{"department-by-comments", "?department=" + url.QueryEscape(dept) + "&sort=comments", m.perDepartment[dept]},
				{"random-seeded", "?sort=random&seed=20261125", marketIdeas},
				{"page-50", "?offset=2450", marketIdeas},
			}
			for _, q := range queries {
				b.Run(q.name, func(b *testing.B) {
					checkList(b, client, list+q.query, cookies, q.total)
					timeGets(b, client, list+q.query, cookies)
				})
			}
		})
	}
}

// market is what buildMarket made.
type market struct {
	key           string // participant cookie of the browser that lists
	perTopic      map[string]int
	perDepartment map[string]int
}

// buildMarket creates the conference, imports the ideas in one
// Store.ImportIdeas and adds participants, supports and comments through the
// Store, the way they would have accumulated over some weeks.
func buildMarket(b *testing.B, app *backend.App, store backend.Store) market {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(2026, 1125))
	if _, err := app.CreateConference(ctx, marketOrganizer, backend.ConferenceInput{
		Slug: marketSlug, Title: "Stadtkonferenz 2027", Venue: "Rathaus",
		StartsAt: time.Date(2027, 3, 10, 9, 0, 0, 0, time.UTC), EndsAt: time.Date(2027, 3, 10, 17, 0, 0, 0, time.UTC),
		Topics: marketTopics, Departments: marketDepartments, Anonymity: backend.AnonymityAllowed,
	}); err != nil {
		b.Fatalf("create conference: %v", err)
	}
	if _, err := app.SetPhase(ctx, marketOrganizer, marketSlug, backend.PhaseIdeas, nil); err != nil {
		b.Fatalf("open the idea market: %v", err)
	}
	conf, err := store.FindConferenceBySlug(ctx, marketSlug)
	if err != nil {
		b.Fatal(err)
	}

	m := market{perTopic: map[string]int{}, perDepartment: map[string]int{}}
	texts := readCSV(b, "cimt_proposals.csv", csvimport.ReadIdeas)
	authors := []string{"", "Anna K.", "Bernd", "Cem Yılmaz", "Dörte Schäfer", "E. Nowak", "Frieda", "Gül", "Hans-Peter M."}
	first := time.Date(2026, 9, 1, 7, 0, 0, 0, time.UTC)
	items := make([]backend.ImportIdea, marketIdeas)
	for n := range items {
		src := texts[n%len(texts)]
		topic, dept := marketTopics[rng.IntN(len(marketTopics))], marketDepartments[rng.IntN(len(marketDepartments))]
		m.perTopic[topic]++
		m.perDepartment[dept]++
		created := first.Add(time.Duration(rng.Int64N(int64(10 * 7 * 24 * time.Hour)))).Truncate(time.Microsecond)
		items[n] = backend.ImportIdea{Idea: &backend.Idea{
			ConferenceID: conf.ID, Title: ideaTitle(src.Title, src.Body), Body: src.Body, Topic: topic, Department: dept,
			AuthorName: authors[rng.IntN(len(authors))], Status: backend.IdeaNew, Tags: []string{}, Reviewed: true,
			ImportedSupports: rng.IntN(51), CreatedAt: created, UpdatedAt: created,
		}}
	}
	if err := store.ImportIdeas(ctx, conf, items, nil); err != nil {
		b.Fatalf("import ideas: %v", err)
	}
	titles, err := store.FindIdeaTitles(ctx, conf.ID)
	if err != nil {
		b.Fatal(err)
	}
	if len(titles) != marketIdeas {
		b.Fatalf("%d ideas stored, want %d", len(titles), marketIdeas)
	}
	ids := make([]int64, len(titles))
	for n, t := range titles {
		ids[n] = t.ID
	}
	// skewed picks some ideas far more often than others, as attention does.
	skewed := func() int64 { u := rng.Float64(); return ids[int(u*u*u*float64(len(ids)))] }

	now := first.Add(10 * 7 * 24 * time.Hour)
	participants := make([]*backend.Participant, marketParticipants)
	for n := range participants {
		key := backend.RandomToken()
		if n == 0 {
			m.key = key
		}
		p := &backend.Participant{ConferenceID: conf.ID, KeyHash: backend.HashToken(key), DisplayName: fmt.Sprintf("Teilnehmer %d", n+1),
			Department: marketDepartments[n%len(marketDepartments)], Role: backend.RoleParticipant, CreatedAt: now}
		if err := store.CreateParticipant(ctx, p, 0); err != nil {
			b.Fatalf("create participant: %v", err)
		}
		participants[n] = p
		for range marketSupportsEach {
			if _, err := store.SetSupport(ctx, skewed(), p.ID, true, now); err != nil {
				b.Fatalf("support: %v", err)
			}
		}
	}
	comments := readCSV(b, "thf_comments.csv", csvimport.ReadComments)
	for n := range marketComments {
		p := participants[rng.IntN(len(participants))]
		body := strings.TrimSpace(comments[n%len(comments)].Body)
		if body == "" {
			body = "Gute Idee!"
		}
		c := &backend.Comment{IdeaID: skewed(), AuthorID: &p.ID, AuthorName: p.DisplayName, Body: body, CreatedAt: now, UpdatedAt: now}
		if err := store.CreateComment(ctx, c); err != nil {
			b.Fatalf("create comment: %v", err)
		}
	}
	return m
}

// ideaTitle is about the title App.Import would give a row: its own, or for
// rows without one the first line of the text, cut to the maximum length.
func ideaTitle(title, body string) string {
	title = strings.Join(strings.Fields(title), " ")
	if utf8.RuneCountInString(title) < 3 {
		line, _, _ := strings.Cut(body, "\n")
		title = strings.Join(strings.Fields(title+" "+line), " ")
	}
	if r := []rune(title); len(r) > backend.MaxTitleLen {
		title = string(r[:backend.MaxTitleLen-1]) + "…"
	}
	return title
}

// readCSV reads one of the shared proposal files.
func readCSV[T any](b *testing.B, name string, read func(io.Reader) ([]T, error)) []T {
	b.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "proposals", name))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := read(f)
	if err != nil {
		b.Fatalf("read %s: %v", name, err)
	}
	return rows
}

// serveMarket starts the web server on a free loopback port and returns its URL.
func serveMarket(b *testing.B, app *backend.App, schema int) string {
	b.Helper()
	srv := web.New(app, web.Options{SchemaVersion: schema, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatalf("listen: %v", err)
	}
	go srv.Fiber().Listener(ln)
	b.Cleanup(func() { srv.Shutdown(context.Background()) })
	return "http://" + ln.Addr().String()
}

// get sends one GET with the browser's cookies and reads the whole answer.
func get(client *http.Client, u, cookies string) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Cookie", cookies)
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// checkList makes sure the query lists what the benchmark means it to: a
// full page of 50 and the expected total.
func checkList(b *testing.B, client *http.Client, u, cookies string, total int) {
	b.Helper()
	status, body, err := get(client, u, cookies)
	if err != nil || status != http.StatusOK {
		b.Fatalf("GET %s: status %d, err %v, body %.300s", u, status, err, body)
	}
	var list struct {
		Items []json.RawMessage `json:"items"`
		Total int               `json:"total"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		b.Fatalf("GET %s: %v", u, err)
	}
	if len(list.Items) != backend.DefaultPageSize || list.Total != total {
		b.Fatalf("GET %s: %d items of %d, want %d of %d", u, len(list.Items), list.Total, backend.DefaultPageSize, total)
	}
}

// timeGets times b.N GETs one after another and reports their median and
// 95th percentile in milliseconds.
func timeGets(b *testing.B, client *http.Client, u, cookies string) {
	b.Helper()
	durations := make([]time.Duration, 0, b.N)
	var bytes int
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		status, body, err := get(client, u, cookies)
		durations = append(durations, time.Since(start))
		if err != nil || status != http.StatusOK {
			b.Fatalf("GET %s: status %d, err %v", u, status, err)
		}
		bytes += len(body)
	}
	b.StopTimer()
	slices.Sort(durations)
	b.ReportMetric(percentileMS(durations, 50), "p50-ms")
	b.ReportMetric(percentileMS(durations, 95), "p95-ms")
	b.ReportMetric(float64(bytes)/float64(b.N), "B/response")
}

// percentileMS is the nearest-rank percentile of sorted durations, in ms.
func percentileMS(sorted []time.Duration, p int) float64 {
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 · n)
	return float64(sorted[max(rank, 1)-1].Microseconds()) / 1000
}

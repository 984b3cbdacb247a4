package indexer_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/bleve"
	"ideenmarkt/backend/indexer"
	"ideenmarkt/backend/postgres"
	"ideenmarkt/backend/postgres/pgtest"
	"ideenmarkt/backend/sqlite"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// cursorName is the cursor every test's indexer uses.
const cursorName = "bleve/ideas_v1/test"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// forEachStore runs fn against a fresh SQLite file and a fresh PostgreSQL
// database: the indexer only talks to the Store interface, and the feed's
// ordering guarantees differ in how each engine keeps them. Without
// PostgreSQL the second run is skipped, except under CI=true.
func forEachStore(t *testing.T, fn func(t *testing.T, app *backend.App)) {
	t.Run("sqlite", func(t *testing.T) {
		store, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "ideenmarkt.db"))
		if err != nil {
			t.Fatalf("open sqlite: %v", err)
		}
		t.Cleanup(func() { store.Close() })
		fn(t, backend.NewApp(store))
	})
	t.Run("postgres", func(t *testing.T) {
		store, err := postgres.Open(t.Context(), pgtest.DSN(t), postgres.Options{Migrate: true, Logger: quiet})
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		t.Cleanup(func() { store.Close() })
		fn(t, backend.NewApp(store))
	})
}

// flaky is a real index that can be switched off: while down, Init, Index
// and Delete fail with EUNAVAILABLE as an unreachable engine's would –
// except for the next grace calls, which still go through (an engine that
// fails half-way).
type flaky struct {
	backend.SearchIndex
	down    atomic.Bool
	grace   atomic.Int64
	refused atomic.Int64
}

func (f *flaky) failing() bool {
	if !f.down.Load() || f.grace.Add(-1) >= 0 {
		return false
	}
	f.refused.Add(1)
	return true
}

func (f *flaky) fail() error {
	return backend.Errorf(backend.EUNAVAILABLE, "The search engine is down (test).")
}

func (f *flaky) Init(ctx context.Context) (bool, error) {
	if f.failing() {
		return false, f.fail()
	}
	return f.SearchIndex.Init(ctx)
}

func (f *flaky) Index(ctx context.Context, docs []backend.SearchDocument) error {
	if f.failing() {
		return f.fail()
	}
	return f.SearchIndex.Index(ctx, docs)
}

func (f *flaky) Delete(ctx context.Context, ids []int64) error {
	if f.failing() {
		return f.fail()
	}
	return f.SearchIndex.Delete(ctx, ids)
}

// mustBleve returns a bleve index in dir, closed when the test ends.
func mustBleve(tb testing.TB, dir string) *bleve.Index {
	tb.Helper()
	ix := bleve.New(dir)
	tb.Cleanup(func() { ix.Close() })
	return ix
}

// running is an indexer whose Run goroutine Stop ends (and waits for).
type running struct {
	*indexer.Indexer
	Stop func()
}

// mustStart starts an indexer on idx; it stops when the test ends, before
// the index and store close (cleanups run last-in first-out).
func mustStart(tb testing.TB, app *backend.App, idx backend.SearchIndex) *running {
	tb.Helper()
	x := indexer.New(app, idx, indexer.Options{Name: cursorName, MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond, Log: quiet})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		x.Run(ctx)
		close(done)
	}()
	stop := sync.OnceFunc(func() { cancel(); <-done })
	tb.Cleanup(stop)
	return &running{Indexer: x, Stop: stop}
}

// eventually polls cond until it holds or 30 seconds passed. The deadline
// is a safety net against hangs, not a timing assertion.
func eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatalf("still not true after 30s: %s", what)
		}
	}
}

// hits returns the ids of ideas of the conferences that match text,
// hidden ones included, in ascending order.
func hits(tb testing.TB, idx backend.SearchIndex, text string, conferenceIDs ...int64) []int64 {
	tb.Helper()
	return query(tb, idx, backend.SearchQuery{Text: text, ConferenceIDs: conferenceIDs})
}

func query(tb testing.TB, idx backend.SearchIndex, q backend.SearchQuery) []int64 {
	tb.Helper()
	q.IncludeHidden, q.Limit = true, backend.SearchMaxLimit
	res, err := idx.Search(context.Background(), q)
	if err != nil {
		tb.Fatalf("search %+v: %v", q, err)
	}
	ids := []int64{}
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids
}

// eventuallyHits waits until a search for text finds exactly want.
func eventuallyHits(tb testing.TB, idx backend.SearchIndex, text string, conferenceID int64, want ...int64) {
	tb.Helper()
	want = slices.Sorted(slices.Values(want))
	if want == nil {
		want = []int64{}
	}
	var got []int64
	eventually(tb, fmt.Sprintf("search %q finds %v (last: %v)", text, want, &got), func() bool {
		// Before the indexer opened the index, searches fail; keep polling.
		res, err := idx.Search(context.Background(), backend.SearchQuery{Text: text, ConferenceIDs: []int64{conferenceID}, IncludeHidden: true, Limit: backend.SearchMaxLimit})
		if err != nil {
			return false
		}
		got = []int64{}
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		slices.Sort(got)
		return slices.Equal(got, want)
	})
}

// market is a conference in the ideas phase with two participants and a
// moderator.
type market struct {
	app              *backend.App
	orga             backend.Actor
	conf             backend.ConferenceView
	alice, bob, mod  backend.Actor
	aliceP, bobP, mP *backend.Participant
}

var start = time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)

func mustMarket(tb testing.TB, app *backend.App, slug string) *market {
	tb.Helper()
	ctx := tb.Context()
	m := &market{app: app}
	acc, err := app.CreateAccount(ctx, backend.AccountInput{Email: slug + "@stadt.example", Name: "Orga", Password: "korrekt-pferd-batterie", Role: backend.RoleOrganizer})
	if err != nil {
		tb.Fatalf("create organiser: %v", err)
	}
	m.orga = backend.Actor{Account: acc}
	if _, err := app.CreateConference(ctx, m.orga, backend.ConferenceInput{
		Slug: slug, Title: "Mitarbeiterkonferenz Herbst", Description: "Ideen für die Verwaltung.",
		StartsAt: start, EndsAt: start.Add(8 * time.Hour), Venue: "Rathaus", Capacity: 450,
		Topics: []string{"Mobilität", "Digitalisierung"}, Departments: []string{"Bauamt", "Ordnungsamt"},
		Anonymity: backend.AnonymityAllowed,
	}); err != nil {
		tb.Fatalf("create conference: %v", err)
	}
	if m.conf, err = app.SetPhase(ctx, m.orga, slug, backend.PhaseIdeas, nil); err != nil {
		tb.Fatalf("open the idea market: %v", err)
	}
	m.alice, m.aliceP = m.join(tb, "Zacharias Quastenflosser")
	m.bob, m.bobP = m.join(tb, "Bob Bussard")
	m.mod, m.mP = m.join(tb, "Mia Moderatorin")
	m.mP.Role = backend.RoleModerator
	if err := app.Store.UpdateParticipant(ctx, m.mP); err != nil {
		tb.Fatalf("make moderator: %v", err)
	}
	return m
}

func (m *market) join(tb testing.TB, name string) (backend.Actor, *backend.Participant) {
	tb.Helper()
	actor := backend.Actor{ParticipantKey: backend.RandomToken()}
	p, _, err := m.app.Join(tb.Context(), actor, m.conf.Slug, backend.JoinInput{Code: m.conf.JoinCode, DisplayName: name, Department: "Bauamt"})
	if err != nil {
		tb.Fatalf("join as %q: %v", name, err)
	}
	return actor, p
}

func (m *market) submit(tb testing.TB, who backend.Actor, title, body string) backend.IdeaView {
	tb.Helper()
	v, err := m.app.SubmitIdea(tb.Context(), who, m.conf.Slug, backend.IdeaInput{Title: title, Body: body, Topic: "Mobilität"})
	if err != nil {
		tb.Fatalf("submit %q: %v", title, err)
	}
	return v
}

func (m *market) comment(tb testing.TB, who backend.Actor, ideaID int64, body string) backend.CommentView {
	tb.Helper()
	c, err := m.app.AddComment(tb.Context(), who, ideaID, backend.CommentInput{Body: body})
	if err != nil {
		tb.Fatalf("comment %q: %v", body, err)
	}
	return c
}

func (m *market) retitle(tb testing.TB, who backend.Actor, id int64, title string) {
	tb.Helper()
	if _, err := m.app.UpdateIdea(tb.Context(), who, id, backend.IdeaUpdate{Title: &title}); err != nil {
		tb.Fatalf("retitle idea %d: %v", id, err)
	}
}

func mustCursor(tb testing.TB, app *backend.App) int64 {
	tb.Helper()
	seq, err := app.Store.SearchCursor(tb.Context(), cursorName)
	if err != nil {
		tb.Fatalf("read cursor: %v", err)
	}
	return seq
}

func mustLatest(tb testing.TB, app *backend.App) int64 {
	tb.Helper()
	seq, err := app.Store.LatestChangeSeq(tb.Context())
	if err != nil {
		tb.Fatalf("latest change: %v", err)
	}
	return seq
}

// caughtUp waits until the indexer has applied every change so far.
func caughtUp(tb testing.TB, app *backend.App, x *running) {
	tb.Helper()
	eventually(tb, "the indexer catches up with the feed", func() bool {
		st, err := x.Lag(context.Background())
		return err == nil && st.LagChanges == 0 && st.State == backend.IndexerFollowing
	})
}

package demo_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/demo"
	"ideenmarkt/backend/sqlite"
)

var operator = backend.Actor{Account: &backend.Account{Email: "test (command line)", Role: backend.RoleOrganizer}}

func mustApp(tb testing.TB) *backend.App {
	tb.Helper()
	store, err := sqlite.Open(tb.Context(), filepath.Join(tb.TempDir(), "demo.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	return backend.NewApp(store)
}

// counts returns the number of ideas, the sum of their supports and of
// their visible comments, as a visitor sees them.
func counts(tb testing.TB, app *backend.App) (ideas, supports, comments int) {
	tb.Helper()
	for offset := 0; ; offset += backend.MaxPageSize {
		page, total, err := app.ListIdeas(tb.Context(), backend.Actor{}, demo.Slug, backend.IdeaQuery{Offset: offset, Limit: backend.MaxPageSize})
		if err != nil {
			tb.Fatal(err)
		}
		for _, i := range page {
			ideas++
			supports += i.SupportCount
			comments += i.CommentCount
		}
		if ideas >= total || len(page) == 0 {
			return ideas, supports, comments
		}
	}
}

func TestSeed(t *testing.T) {
	app := mustApp(t)
	now := time.Date(2026, 5, 4, 15, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	created, err := demo.Seed(t.Context(), app, operator, now)
	if err != nil || !created {
		t.Fatalf("Seed = %v, %v; want created", created, err)
	}

	t.Run("a public conference in the ideas phase", func(t *testing.T) {
		c, err := app.GetConference(t.Context(), backend.Actor{}, demo.Slug)
		if err != nil {
			t.Fatalf("a visitor cannot see the demo: %v", err)
		}
		start := time.Date(2026, 6, 3, 8, 0, 0, 0, time.UTC) // 30 days after the day of now, 08:00 UTC
		if c.Phase != backend.PhaseIdeas || c.Title != "Markt der Ideen – Demo (Tempelhofer Feld)" || !c.StartsAt.Equal(start) ||
			!c.EndsAt.Equal(start.Add(8*time.Hour)) || c.Anonymity != backend.AnonymityAllowed || c.Capacity != 450 || c.Venue != "Tempelhofer Feld, Berlin" {
			t.Errorf("conference = %+v", *c.Conference)
		}
		if !strings.Contains(c.Description, "CC BY-SA 3.0") || !strings.Contains(c.Description, "Liebeck") {
			t.Errorf("description lacks the source and licence: %q", c.Description)
		}
		want := []string{"Erinnerung", "I ❤ THF", "Mitmachen", "Natur", "Bewirtschaftung", "Freizeit", "Was vergessen?"}
		if !slices.Equal(c.Topics, want) {
			t.Errorf("topics = %q, want %q", c.Topics, want)
		}
	})
	t.Run("every proposal and comment is there", func(t *testing.T) {
		// 340 proposals with 4,420 supports (rate_pro) and 1,389 comments,
		// one of them blank (kept as deleted, not counted).
		ideas, supports, comments := counts(t, app)
		if ideas != 340 || supports != 4420 || comments != 1388 {
			t.Errorf("%d ideas, %d supports, %d comments; want 340, 4420, 1388", ideas, supports, comments)
		}
	})
	t.Run("visitors can join with the code and take part", func(t *testing.T) {
		c, _ := app.GetConference(t.Context(), operator, demo.Slug)
		actor := backend.Actor{ParticipantKey: backend.RandomToken()}
		if _, _, err := app.Join(t.Context(), actor, demo.Slug, backend.JoinInput{Code: c.JoinCode, DisplayName: "Besucherin"}); err != nil {
			t.Fatal(err)
		}
		if _, err := app.SubmitIdea(t.Context(), actor, demo.Slug, backend.IdeaInput{Title: "Mehr Bänke am Rand", Topic: "Natur"}); err != nil {
			t.Fatal(err)
		}
		hints, err := app.SimilarIdeas(t.Context(), actor, demo.Slug, "Obstbäume")
		if err != nil || len(hints) == 0 {
			t.Errorf("hints for Obstbäume = %+v (%v), want the orchard proposals", hints, err)
		}
	})
	t.Run("a second run does nothing", func(t *testing.T) {
		before, _, _ := counts(t, app)
		created, err := demo.Seed(t.Context(), app, operator, now.Add(48*time.Hour))
		if err != nil || created {
			t.Fatalf("second Seed = %v, %v; want not created", created, err)
		}
		if after, _, _ := counts(t, app); after != before {
			t.Errorf("%d ideas after the second run, want %d", after, before)
		}
		if _, total, _ := app.ListConferences(t.Context(), operator, 0, 10); total != 1 {
			t.Errorf("%d conferences, want 1", total)
		}
	})
}

func TestSeedNeedsAnOrganiser(t *testing.T) {
	app := mustApp(t)
	created, err := demo.Seed(t.Context(), app, backend.Actor{}, time.Now())
	if err == nil || created || backend.ErrorCode(err) != backend.EUNAUTHORIZED {
		t.Fatalf("Seed as a visitor = %v, %v; want unauthorized", created, err)
	}
	if _, total, _ := app.ListConferences(t.Context(), operator, 0, 10); total != 0 {
		t.Errorf("%d conferences, want 0", total)
	}
}

// Two starts at once (two replicas, or make run twice) end with one demo.
func TestSeedConcurrently(t *testing.T) {
	app := mustApp(t)
	var wg sync.WaitGroup
	results := make([]bool, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Go(func() { results[i], errs[i] = demo.Seed(t.Context(), app, operator, time.Now()) })
	}
	wg.Wait()
	n := 0
	for i := range results {
		if results[i] {
			n++
		}
		if errs[i] != nil && backend.ErrorCode(errs[i]) != backend.ECONFLICT {
			t.Errorf("Seed %d: %v", i, errs[i])
		}
	}
	if n != 1 {
		t.Errorf("%d runs created the demo, want 1", n)
	}
	if ideas, _, _ := counts(t, app); ideas != 340 {
		t.Errorf("%d ideas, want 340", ideas)
	}
}

// The embedded data are the files of testdata/proposals, unchanged.
func TestEmbeddedDataIsTheTestData(t *testing.T) {
	for _, name := range []string{"thf_proposals.csv", "thf_comments.csv", "thf_LICENSE.txt", "thf_README.txt"} {
		a, err := os.ReadFile(filepath.Join("data", name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "proposals", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("data/%s differs from testdata/proposals/%s", name, name)
		}
	}
}

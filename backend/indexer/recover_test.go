package indexer_test

import (
	"context"
	"fmt"
	"testing"

	"ideenmarkt/backend"
	"ideenmarkt/backend/bleve"
	"ideenmarkt/backend/indexer"
)

// The search engine goes down: writes still succeed, the cursor stays where
// the engine last accepted a batch, and once the engine is back everything
// written meanwhile becomes searchable.
func TestSearchDownThenRecover(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App) {
		ctx := t.Context()
		idx := &flaky{SearchIndex: mustBleve(t, t.TempDir())}
		m := mustMarket(t, app, "ausfall")
		x := mustStart(t, app, idx)
		c := m.conf.ID
		first := m.submit(t, m.alice, "Wasserspender im Foyer", "Leitungswasser für alle.")
		eventuallyHits(t, idx, "Wasserspender", c, first.ID)
		caughtUp(t, app, x)
		before := mustCursor(t, app)

		idx.down.Store(true)
		var written []int64
		for k := range 5 {
			v, err := app.SubmitIdea(ctx, m.bob, m.conf.Slug, backend.IdeaInput{Title: fmt.Sprintf("Ausfallsichere Idee %d", k), Body: "Geschrieben, während die Suche fehlt.", Topic: "Mobilität"})
			if err != nil {
				t.Fatalf("a write while search is down failed: %v", err)
			}
			written = append(written, v.ID)
		}
		m.comment(t, m.bob, first.ID, "Bitte mit Sprudel.")
		m.retitle(t, m.alice, first.ID, "Trinkbrunnen im Foyer")

		failures := x.Stats().Failures
		eventually(t, "the indexer retries and fails a few times", func() bool {
			return x.Stats().Failures >= failures+3 && idx.refused.Load() >= 3
		})
		if got := mustCursor(t, app); got != before {
			t.Fatalf("stored cursor moved from %d to %d while the engine refused every batch", before, got)
		}
		st, err := x.Lag(ctx)
		if err != nil || st.State != backend.IndexerRetrying || st.LagChanges < 7 || st.LagSeconds < 0 || st.Error == "" {
			t.Fatalf("lag while down = %+v, %v; want retrying, at least 7 changes behind, with the error", st, err)
		}
		if got := hits(t, idx, "Ausfallsichere", c); len(got) != 0 {
			t.Fatalf("found %v while down, want nothing yet", got)
		}

		idx.down.Store(false)
		eventuallyHits(t, idx, "Ausfallsichere", c, written...)
		eventuallyHits(t, idx, "Sprudel", c, first.ID)
		eventuallyHits(t, idx, "Trinkbrunnen", c, first.ID)
		eventuallyHits(t, idx, "Wasserspender", c)
		caughtUp(t, app, x)
		if got, want := mustCursor(t, app), mustLatest(t, app); got != want {
			t.Errorf("stored cursor = %d after recovery, want %d", got, want)
		}
		if st, err := x.Lag(ctx); err != nil || st.Error != "" || st.LagSeconds != 0 {
			t.Errorf("lag after recovery = %+v, %v; want no error and no age", st, err)
		}
	})
}

// A restarted indexer resumes from the stored cursor: what was written while
// it was stopped is applied, and nothing is rebuilt.
func TestRestartResumesFromTheCursor(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App) {
		dir := t.TempDir()
		idx := bleve.New(dir)
		m := mustMarket(t, app, "neustart")
		c := m.conf.ID
		x := mustStart(t, app, idx)
		one := m.submit(t, m.alice, "Sitzbänke im Innenhof", "Für die Mittagspause.")
		eventuallyHits(t, idx, "Sitzbänke", c, one.ID)
		caughtUp(t, app, x)
		x.Stop()
		if err := idx.Close(); err != nil {
			t.Fatal(err)
		}
		stopped := mustCursor(t, app)

		two := m.submit(t, m.bob, "Sonnensegel im Innenhof", "Schatten im Sommer.")
		m.retitle(t, m.alice, one.ID, "Holzbänke im Innenhof")

		again := mustBleve(t, dir)
		y := mustStart(t, app, again)
		eventuallyHits(t, again, "Sonnensegel", c, two.ID)
		eventuallyHits(t, again, "Holzbänke", c, one.ID)
		eventuallyHits(t, again, "Innenhof", c, one.ID, two.ID)
		caughtUp(t, app, y)
		if st := y.Stats(); st.Rebuilds != 0 || st.Indexed != 2 {
			t.Errorf("restarted indexer stats = %+v, want no rebuild and exactly the 2 changed ideas indexed", st)
		}
		if got := mustCursor(t, app); got <= stopped {
			t.Errorf("cursor = %d after the restart, want beyond %d", got, stopped)
		}
	})
}

// A fresh index is filled from the Store before the feed is followed, and
// the cursor is the feed position read before the rebuild began.
func TestRebuild(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App) {
		ctx := t.Context()
		m := mustMarket(t, app, "altbestand")
		other := mustMarket(t, app, "andere")
		var want []int64
		for k := range 7 {
			want = append(want, m.submit(t, m.alice, fmt.Sprintf("Bestandsidee %d", k), "Aus der Zeit vor der Suche.").ID)
		}
		otherIdea := other.submit(t, other.bob, "Bestandsidee anderswo", "Zweite Konferenz.")
		hidden := want[5]
		hiddenIdea, err := app.Store.FindIdeaByID(ctx, hidden)
		if err != nil {
			t.Fatal(err)
		}
		hiddenIdea.Hidden = true
		if err := app.Store.UpdateIdea(ctx, hiddenIdea, false); err != nil {
			t.Fatal(err)
		}
		if _, err := app.MergeIdea(ctx, m.mod, want[6], backend.MergeInput{TargetID: want[0], Reason: "Doppelt"}); err != nil {
			t.Fatal(err)
		}
		want = want[:6] // the merged one stays out
		head := mustLatest(t, app)

		t.Run("the reindex command's way", func(t *testing.T) {
			idx := mustBleve(t, t.TempDir())
			x := indexer.New(app, idx, indexer.Options{Name: cursorName, BatchSize: 4, Log: quiet})
			var calls [][2]int
			n, err := x.Rebuild(ctx, func(done, total int) { calls = append(calls, [2]int{done, total}) })
			if err != nil || n != 7 {
				t.Fatalf("Rebuild = %d, %v; want 7 ideas (6 here, 1 there)", n, err)
			}
			if len(calls) < 3 || calls[0] != [2]int{0, 7} || calls[len(calls)-1] != [2]int{7, 7} {
				t.Errorf("progress calls = %v, want from 0/7 to 7/7 in batches", calls)
			}
			if got := hits(t, idx, "Bestandsidee", m.conf.ID); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("found %v, want %v (hidden included, merged left out)", got, want)
			}
			if got := hits(t, idx, "Bestandsidee", other.conf.ID); len(got) != 1 || got[0] != otherIdea.ID {
				t.Errorf("found %v in the other conference, want [%d]", got, otherIdea.ID)
			}
			if got := mustCursor(t, app); got != head {
				t.Errorf("cursor after rebuild = %d, want the position before it, %d", got, head)
			}
		})
		t.Run("a fresh index with a stored cursor is rebuilt anyway", func(t *testing.T) {
			if err := app.Store.SetSearchCursor(ctx, cursorName, head); err != nil {
				t.Fatal(err)
			}
			idx := mustBleve(t, t.TempDir()) // Init reports it did not exist
			x := mustStart(t, app, idx)
			eventuallyHits(t, idx, "Bestandsidee", m.conf.ID, want...)
			caughtUp(t, app, x)
			if st := x.Stats(); st.Rebuilds != 1 {
				t.Errorf("stats = %+v, want one rebuild", st)
			}
		})
		t.Run("an interrupted rebuild is started over", func(t *testing.T) {
			dir := t.TempDir()
			idx := &flaky{SearchIndex: bleve.New(dir)}
			x := indexer.New(app, idx, indexer.Options{Name: cursorName, BatchSize: 2, Log: quiet})
			if err := x.Init(ctx); err != nil {
				t.Fatal(err)
			}
			idx.grace.Store(2) // two batches of two go through, then the engine fails
			idx.down.Store(true)
			if n, err := x.Rebuild(ctx, nil); backend.ErrorCode(err) != backend.EUNAVAILABLE || n != 4 {
				t.Fatalf("Rebuild with the engine failing half-way = %d, %v; want 4 ideas done, EUNAVAILABLE", n, err)
			}
			if got := mustCursor(t, app); got != 0 {
				t.Fatalf("cursor after an interrupted rebuild = %d, want 0", got)
			}
			idx.Close()
			// The next start finds an index that exists, but no cursor.
			again := mustBleve(t, dir)
			y := mustStart(t, app, again)
			eventuallyHits(t, again, "Bestandsidee", m.conf.ID, want...)
			caughtUp(t, app, y)
			if st := y.Stats(); st.Rebuilds != 1 {
				t.Errorf("stats = %+v, want one rebuild", st)
			}
		})
	})
}

// An index that cannot be opened at start does not stop writes; the
// indexer keeps trying and builds it once it can.
func TestIndexUnavailableAtStart(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App) {
		idx := &flaky{SearchIndex: mustBleve(t, t.TempDir())}
		idx.down.Store(true)
		m := mustMarket(t, app, "spaet")
		x := mustStart(t, app, idx)
		one := m.submit(t, m.alice, "Fahrgemeinschaften vermitteln", "Über das Intranet.")
		eventually(t, "the indexer reports retrying", func() bool {
			st, err := x.Lag(context.Background())
			return err == nil && st.State == backend.IndexerRetrying && st.LagChanges > 0
		})
		idx.down.Store(false)
		eventuallyHits(t, idx, "Fahrgemeinschaften", m.conf.ID, one.ID)
		caughtUp(t, app, x)
		if st := x.Stats(); st.Rebuilds != 1 || st.Failures == 0 {
			t.Errorf("stats = %+v, want failures, then one rebuild", st)
		}
	})
}

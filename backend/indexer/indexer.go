// Package indexer keeps a backend.SearchIndex in step with the Store's
// change feed. It reads changes after a cursor persisted in the Store, turns
// them into the ideas they touch, reloads each idea (App.SearchUpdates:
// index if present, delete if gone or merged) and moves the cursor on only
// after the engine accepted the batch. An engine that is down makes it retry
// with exponential backoff; nothing is lost and no write to the Store ever
// waits for it, because writers only append to the feed.
//
// A fresh index (first start, another engine, a new SearchSchemaVersion) is
// filled by Rebuild before the feed is followed.
package indexer

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"ideenmarkt/backend"
)

var _ backend.SearchIndexer = (*Indexer)(nil)

// Options configure an Indexer. Name is required; zero values of the rest
// mean the defaults.
type Options struct {
	// Name is the cursor's name in the Store. It must name the engine and
	// the schema version ("bleve/ideas_v1/…"), so that another engine or a
	// new version starts from scratch instead of from a cursor that belongs
	// to a different index.
	Name string
	// BatchSize is how many ideas go to the engine in one Index call
	// (default 100); Rebuild reports progress per batch.
	BatchSize int
	// ChangeBatch is how many changes are read at a time; the cursor moves
	// once per such batch (default 1000).
	ChangeBatch int
	// MinBackoff and MaxBackoff bound the wait between failed attempts: it
	// starts at MinBackoff, doubles, stops growing at MaxBackoff and starts
	// over after a success (defaults 100ms and 30s).
	MinBackoff, MaxBackoff time.Duration
	// Poll is how often the feed is read without a wake-up from the Store,
	// in case one was missed (e.g. while PostgreSQL's LISTEN reconnected);
	// default 10s.
	Poll time.Duration
	Log  *slog.Logger
}

// Stats are the indexer's counters since New, for metrics.
type Stats struct {
	Indexed  int64 // documents added or replaced
	Deleted  int64 // documents removed (ideas gone or merged)
	Failures int64 // failed attempts (each one is retried)
	Rebuilds int64 // completed rebuilds
}

// Indexer follows the change feed into a SearchIndex. Run it once; Lag,
// Stats and Rebuild are safe to call from other goroutines.
type Indexer struct {
	app  *backend.App
	idx  backend.SearchIndex
	opts Options

	work sync.Mutex // serializes Init, Rebuild and Sync

	mu          sync.Mutex // guards the fields below
	inited      bool
	needRebuild bool
	cursor      int64
	state       string
	lastErr     error
	// known holds, per conference, the fields its ideas' documents copy
	// (slug, title, year) as last applied; a conference change that leaves
	// them alone touches no document. Unknown conferences count as changed.
	known map[int64]conferenceKey

	indexed, deleted, failures, rebuilds atomic.Int64
}

type conferenceKey struct {
	slug, title string
	year        int
}

// New returns an indexer that keeps idx in step with app.Store. Run (or
// Init and Sync) does the I/O.
func New(app *backend.App, idx backend.SearchIndex, opts Options) *Indexer {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 100
	}
	if opts.ChangeBatch <= 0 {
		opts.ChangeBatch = 1000
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 100 * time.Millisecond
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(30*time.Second, opts.MinBackoff)
	}
	if opts.Poll <= 0 {
		opts.Poll = 10 * time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	return &Indexer{app: app, idx: idx, opts: opts, state: backend.IndexerStarting, known: map[int64]conferenceKey{}}
}

// Name is the cursor's name.
func (x *Indexer) Name() string { return x.opts.Name }

// Init opens the index and reads the cursor. It decides whether a rebuild
// is due: when the index did not exist with this schema version, or when no
// cursor is stored (0: never completed, or a rebuild was interrupted). Once
// it succeeded, further calls do nothing; Init is not repeated on the engine
// because a second SearchIndex.Init reports the index it just created as
// existing, and the pending rebuild would be forgotten.
func (x *Indexer) Init(ctx context.Context) error {
	x.work.Lock()
	defer x.work.Unlock()
	return x.init(ctx)
}

func (x *Indexer) init(ctx context.Context) error {
	if x.opts.Name == "" {
		return backend.Errorf(backend.EINVALID, "The search indexer needs a cursor name.")
	}
	x.mu.Lock()
	inited := x.inited
	x.mu.Unlock()
	if inited {
		return nil
	}
	existed, err := x.idx.Init(ctx)
	if err != nil {
		return fmt.Errorf("open search index: %w", err)
	}
	// From here on the engine's answer must not be lost, whatever fails next.
	x.mu.Lock()
	x.inited, x.needRebuild = true, !existed
	x.mu.Unlock()
	cursor, err := x.app.Store.SearchCursor(ctx, x.opts.Name)
	if err != nil {
		x.mu.Lock()
		x.needRebuild = true // the cursor is unknown: the safe choice
		x.mu.Unlock()
		return fmt.Errorf("read search cursor: %w", err)
	}
	x.mu.Lock()
	x.cursor = cursor
	if cursor <= 0 {
		x.needRebuild = true
	}
	x.mu.Unlock()
	return nil
}

// Run keeps the index in step until ctx ends: it initialises the index,
// rebuilds it if needed, then applies new changes whenever the Store
// signals some (and every Poll). A failed attempt is retried after a
// backoff that doubles up to MaxBackoff and resets after a success.
func (x *Indexer) Run(ctx context.Context) {
	wake, unsubscribe := x.app.Store.Subscribe()
	defer unsubscribe()
	poll := time.NewTicker(x.opts.Poll)
	defer poll.Stop()
	var backoff time.Duration
	for {
		err := x.Sync(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			backoff = min(max(2*backoff, x.opts.MinBackoff), x.opts.MaxBackoff)
			x.failures.Add(1)
			x.setState(backend.IndexerRetrying, err)
			x.opts.Log.Warn("search index: update failed; retrying", slog.Any("err", err), slog.Duration("in", backoff))
			t := time.NewTimer(backoff)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			continue
		}
		if backoff > 0 {
			x.opts.Log.Info("search index: up to date again")
		}
		backoff = 0
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-poll.C:
		}
	}
}

// Sync brings the index up to date once: Init if not done, Rebuild if due,
// then every change committed so far. It returns nil when the index holds
// everything up to the feed position it last read.
func (x *Indexer) Sync(ctx context.Context) error {
	x.work.Lock()
	defer x.work.Unlock()
	if err := x.init(ctx); err != nil {
		return err
	}
	x.mu.Lock()
	rebuild := x.needRebuild
	x.mu.Unlock()
	if rebuild {
		x.opts.Log.Info("search index: building from scratch", slog.String("index", x.opts.Name))
		start := time.Now()
		n, err := x.rebuild(ctx, nil)
		if err != nil {
			return err
		}
		x.opts.Log.Info("search index: built", slog.Int("ideas", n), slog.Duration("took", time.Since(start)))
	}
	if err := x.catchUp(ctx); err != nil {
		return err
	}
	x.setState(backend.IndexerFollowing, nil)
	return nil
}

// catchUp applies changes after the cursor, a batch at a time, until none
// are left. The cursor moves (in the Store, then in memory) only after the
// engine accepted every document of the batch, so a failure anywhere means
// the batch is applied again: Index and Delete are idempotent.
func (x *Indexer) catchUp(ctx context.Context) error {
	for {
		x.mu.Lock()
		cursor := x.cursor
		x.mu.Unlock()
		cs, err := x.app.Store.ChangesSince(ctx, cursor, x.opts.ChangeBatch)
		if err != nil {
			return fmt.Errorf("read changes after %d: %w", cursor, err)
		}
		if len(cs) == 0 {
			return nil
		}
		ids, seen, err := x.affected(ctx, cs)
		if err != nil {
			return err
		}
		if err := x.apply(ctx, ids); err != nil {
			return err
		}
		last := cs[len(cs)-1].Seq
		if err := x.app.Store.SetSearchCursor(ctx, x.opts.Name, last); err != nil {
			return fmt.Errorf("save search cursor: %w", err)
		}
		x.mu.Lock()
		x.cursor = last
		for id, k := range seen {
			x.known[id] = k
		}
		x.mu.Unlock()
		if len(cs) < x.opts.ChangeBatch {
			return nil
		}
	}
}

// batchTimeout bounds one batch (reload from the Store, engine write), so
// that a connection that hangs turns into a retry instead of a stuck indexer.
const batchTimeout = 5 * time.Minute

// apply reloads ideas and hands them to the engine in batches.
func (x *Indexer) apply(ctx context.Context, ids []int64) error {
	for start := 0; start < len(ids); start += x.opts.BatchSize {
		chunk := ids[start:min(start+x.opts.BatchSize, len(ids))]
		if err := x.applyBatch(ctx, chunk); err != nil {
			return err
		}
	}
	return nil
}

func (x *Indexer) applyBatch(ctx context.Context, ids []int64) error {
	ctx, cancel := context.WithTimeout(ctx, batchTimeout)
	defer cancel()
	docs, gone, err := x.app.SearchUpdates(ctx, ids)
	if err != nil {
		return err
	}
	if len(docs) > 0 {
		if err := x.idx.Index(ctx, docs); err != nil {
			return fmt.Errorf("index %d ideas: %w", len(docs), err)
		}
		x.indexed.Add(int64(len(docs)))
	}
	if len(gone) > 0 {
		if err := x.idx.Delete(ctx, gone); err != nil {
			return fmt.Errorf("delete %d ideas from the index: %w", len(gone), err)
		}
		x.deleted.Add(int64(len(gone)))
	}
	return nil
}

// Lag reports how far the index trails the Store: changes not yet applied,
// the age of the oldest of them, and the indexer's state.
func (x *Indexer) Lag(ctx context.Context) (backend.SearchIndexStatus, error) {
	x.mu.Lock()
	st := backend.SearchIndexStatus{State: x.state, Cursor: x.cursor}
	if x.lastErr != nil {
		st.Error = backend.ErrorMessage(x.lastErr)
	}
	inited := x.inited
	x.mu.Unlock()
	var err error
	if !inited {
		if st.Cursor, err = x.app.Store.SearchCursor(ctx, x.opts.Name); err != nil {
			return st, err
		}
	}
	if st.Latest, err = x.app.Store.LatestChangeSeq(ctx); err != nil {
		return st, err
	}
	st.LagChanges = max(st.Latest-st.Cursor, 0)
	if st.LagChanges > 0 {
		cs, err := x.app.Store.ChangesSince(ctx, st.Cursor, 1)
		if err != nil {
			return st, err
		}
		if len(cs) > 0 {
			st.LagSeconds = max(time.Since(cs[0].CreatedAt).Seconds(), 0)
		}
	}
	return st, nil
}

// Stats returns the counters.
func (x *Indexer) Stats() Stats {
	return Stats{Indexed: x.indexed.Load(), Deleted: x.deleted.Load(), Failures: x.failures.Load(), Rebuilds: x.rebuilds.Load()}
}

// Cursor is the last change applied to the index, as this indexer knows it.
func (x *Indexer) Cursor() int64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.cursor
}

func (x *Indexer) setState(state string, err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.state, x.lastErr = state, err
}

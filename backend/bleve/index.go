// Package bleve is the embedded backend.SearchIndex: a bleve (scorch) index
// in a directory, with bleve's German analyser, typo-tolerant matching,
// facets and highlights. It needs no server, so it is the default.
package bleve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"ideenmarkt/backend"
)

var _ backend.SearchIndex = (*Index)(nil)

// Index is a bleve index of ideas under a directory. The index lives in a
// subdirectory named after backend.SearchSchemaVersion, so that a new
// version starts empty and Init reports existed=false.
//
// Index is safe for concurrent use: bleve serves searches from a snapshot
// while a batch is written; the lock only orders Init and Close against
// everything else.
type Index struct {
	dir     string
	version int

	mu     sync.RWMutex
	idx    bleve.Index // nil before Init and after Close
	closed bool

	cols  columnCache // per segment, see columns.go
	terms internTable // facet terms by number, for cols
}

// New returns an index under dir; Init opens or creates it.
func New(dir string) *Index {
	return &Index{dir: dir, version: backend.SearchSchemaVersion}
}

// Dir is the directory the index was given (the index is a subdirectory).
func (ix *Index) Dir() string { return ix.dir }

// storeConfig is passed to scorch. bolt_timeout makes a second process that
// opens the same index fail instead of waiting for the lock forever.
func storeConfig() map[string]any { return map[string]any{"bolt_timeout": "2s"} }

func (ix *Index) path() string {
	return filepath.Join(ix.dir, fmt.Sprintf("ideas_v%d.bleve", ix.version))
}

// Init opens the index of the current schema version or creates it.
// A directory left by an interrupted create (no metadata), or one whose
// layout marker (see mapping.go) is not this package's, is rebuilt: the
// Store is the truth and the caller reindexes when existed is false.
func (ix *Index) Init(ctx context.Context) (existed bool, err error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return false, backend.Errorf(backend.EUNAVAILABLE, "The search index is closed.")
	}
	if ix.idx != nil {
		return true, nil
	}
	if err := os.MkdirAll(ix.dir, 0o700); err != nil {
		return false, internal("create search index directory", err)
	}
	path := ix.path()
	idx, err := bleve.OpenUsing(path, storeConfig())
	switch {
	case err == nil:
		mark, err := idx.GetInternal(layoutKey)
		if err == nil && string(mark) == layout {
			ix.idx = idx
			return true, nil
		}
		// Made by an older version of this package with another mapping:
		// start over, and the caller reindexes.
		if err := idx.Close(); err != nil {
			return false, internal("close search index of an old layout", err)
		}
		if err := os.RemoveAll(path); err != nil {
			return false, internal("remove search index of an old layout", err)
		}
	case errors.Is(err, bleve.ErrorIndexMetaMissing):
		if err := os.RemoveAll(path); err != nil {
			return false, internal("remove incomplete search index", err)
		}
	case !errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		return false, internal("open search index "+path, err)
	}
	idx, err = bleve.NewUsing(path, newMapping(), scorch.Name, scorch.Name, storeConfig())
	if err != nil {
		return false, internal("create search index "+path, err)
	}
	if err := idx.SetInternal(layoutKey, []byte(layout)); err != nil {
		idx.Close()
		return false, internal("mark search index layout", err)
	}
	ix.idx = idx
	ix.removeOtherVersions()
	return false, nil
}

// layoutKey is where the index records the layout it was made with.
var layoutKey = []byte("ideenmarkt/layout")

var versionDir = regexp.MustCompile(`^ideas_v([0-9]+)\.bleve$`)

// removeOtherVersions deletes the indexes of other schema versions under
// dir once the current one exists; they would only take disk space. A
// failure is no reason to fail Init, so it is ignored.
func (ix *Index) removeOtherVersions() {
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		m := versionDir.FindStringSubmatch(e.Name())
		if m == nil || !e.IsDir() || m[1] == strconv.Itoa(ix.version) {
			continue
		}
		_ = os.RemoveAll(filepath.Join(ix.dir, e.Name()))
	}
}

// Ping reports whether the index is open.
func (ix *Index) Ping(ctx context.Context) error {
	_, release, err := ix.acquire()
	if err != nil {
		return err
	}
	release()
	return nil
}

// acquire returns the open index and a func to release it; Close waits for
// every acquired index to be released.
func (ix *Index) acquire() (bleve.Index, func(), error) {
	ix.mu.RLock()
	switch {
	case ix.closed:
		ix.mu.RUnlock()
		return nil, nil, backend.Errorf(backend.EUNAVAILABLE, "The search index is closed.")
	case ix.idx == nil:
		// Not opened yet: the server serves before Init succeeds (another
		// process may hold the index, and the indexer retries), so this is
		// "try later", and searches fall back to the database meanwhile.
		ix.mu.RUnlock()
		return nil, nil, backend.Errorf(backend.EUNAVAILABLE, "The search index is not open yet.")
	}
	return ix.idx, ix.mu.RUnlock, nil
}

// Index adds or replaces docs in one batch. bleve's scorch returns from a
// batch once it is persisted, so a returned Index is durable and visible.
func (ix *Index) Index(ctx context.Context, docs []backend.SearchDocument) error {
	if len(docs) == 0 {
		return nil
	}
	idx, release, err := ix.acquire()
	if err != nil {
		return err
	}
	defer release()
	if err := ctx.Err(); err != nil {
		return canceled("index ideas", err)
	}
	b := idx.NewBatch()
	for _, d := range docs {
		if err := b.Index(docID(d.ID), ideaDoc(d)); err != nil {
			return internal(fmt.Sprintf("index idea %d", d.ID), err)
		}
	}
	if err := idx.Batch(b); err != nil {
		return internal("write search batch", err)
	}
	return nil
}

// Delete removes ideas by id; bleve ignores ids it does not hold.
func (ix *Index) Delete(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	idx, release, err := ix.acquire()
	if err != nil {
		return err
	}
	defer release()
	if err := ctx.Err(); err != nil {
		return canceled("delete ideas", err)
	}
	b := idx.NewBatch()
	for _, id := range ids {
		b.Delete(docID(id))
	}
	if err := idx.Batch(b); err != nil {
		return internal("delete from search index", err)
	}
	return nil
}

// WaitIdle waits until scorch has persisted and merged everything written so
// far, polling every interval. Searches right after a rebuild run over the
// many small segments of its batches until the background merges are done;
// benchmarks use this to measure the index as it settles.
func (ix *Index) WaitIdle(ctx context.Context, interval time.Duration) error {
	for {
		idx, release, err := ix.acquire()
		if err != nil {
			return err
		}
		stats, _ := idx.StatsMap()["index"].(map[string]any)
		release()
		if active, ok := stats["index_bgthreads_active"].(bool); !ok || !active {
			return nil // idle, or an index that does not say
		}
		select {
		case <-ctx.Done():
			return canceled("wait for search index merges", ctx.Err())
		case <-time.After(interval):
		}
	}
}

// Close closes the index; it may be called more than once.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.closed = true
	if ix.idx == nil {
		return nil
	}
	err := ix.idx.Close()
	ix.idx = nil
	if err != nil {
		return internal("close search index", err)
	}
	return nil
}

// internal wraps err as EINTERNAL with a "verb object" message.
func internal(what string, err error) error {
	return &backend.Error{Code: backend.EINTERNAL, Message: "Search failed.", Err: fmt.Errorf("%s: %w", what, err)}
}

// canceled wraps a context error: the caller gave up or ran out of time,
// which for the indexer means "retry later".
func canceled(what string, err error) error {
	return &backend.Error{Code: backend.EUNAVAILABLE, Message: "Search timed out.", Err: fmt.Errorf("%s: %w", what, err)}
}

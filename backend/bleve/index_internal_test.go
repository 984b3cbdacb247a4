package bleve

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"ideenmarkt/backend"
)

func mustInit(t *testing.T, ix *Index, wantExisted bool) {
	t.Helper()
	existed, err := ix.Init(t.Context())
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	if existed != wantExisted {
		t.Fatalf("Init: existed = %v, want %v", existed, wantExisted)
	}
}

func idea(id int64, title string) backend.SearchDocument {
	return backend.SearchDocument{ID: id, ConferenceID: 1, Title: title}
}

func countAll(t *testing.T, ix *Index) int {
	t.Helper()
	res, err := ix.Search(t.Context(), backend.SearchQuery{ConferenceIDs: []int64{1}})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	return res.Total
}

// A new schema version starts from an empty index in its own directory and
// removes the old version's directory.
func TestSchemaVersionBumpStartsEmpty(t *testing.T) {
	dir := t.TempDir()
	old := New(dir)
	mustInit(t, old, false)
	if err := old.Index(t.Context(), []backend.SearchDocument{idea(1, "Radweg")}); err != nil {
		t.Fatal(err)
	}
	old.Close()

	next := New(dir)
	next.version = backend.SearchSchemaVersion + 1
	mustInit(t, next, false)
	defer next.Close()
	if n := countAll(t, next); n != 0 {
		t.Errorf("new version holds %d ideas, want 0", n)
	}
	if _, err := os.Stat(old.path()); !os.IsNotExist(err) {
		t.Errorf("old version directory %s still there (err %v)", old.path(), err)
	}
	if got, want := filepath.Base(next.path()), fmt.Sprintf("ideas_v%d.bleve", backend.SearchSchemaVersion+1); got != want {
		t.Errorf("index directory %s, want %s", got, want)
	}
}

// A directory without index metadata (a create that was interrupted) is
// rebuilt rather than refused.
func TestIncompleteIndexIsRebuilt(t *testing.T) {
	dir := t.TempDir()
	ix := New(dir)
	if err := os.MkdirAll(ix.path(), 0o700); err != nil {
		t.Fatal(err)
	}
	mustInit(t, ix, false)
	defer ix.Close()
	if err := ix.Index(t.Context(), []backend.SearchDocument{idea(1, "Radweg")}); err != nil {
		t.Fatal(err)
	}
	if n := countAll(t, ix); n != 1 {
		t.Errorf("%d ideas, want 1", n)
	}
}

// Use before Init (the server runs while the indexer retries opening an
// index that another process holds) and after Close (shutting down) are
// both EUNAVAILABLE: the App then searches the database, and the indexer
// retries later.
func TestUseOutsideInitAndClose(t *testing.T) {
	ix := New(t.TempDir())
	_, err := ix.Search(t.Context(), backend.SearchQuery{ConferenceIDs: []int64{1}})
	if code := backend.ErrorCode(err); code != backend.EUNAVAILABLE {
		t.Errorf("search before Init: code %q (%v), want %q", code, err, backend.EUNAVAILABLE)
	}
	mustInit(t, ix, false)
	if existed, err := ix.Init(t.Context()); err != nil || !existed {
		t.Errorf("second Init: existed %v, err %v; want true, nil", existed, err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	for name, err := range map[string]error{
		"Ping":   ix.Ping(t.Context()),
		"Index":  ix.Index(t.Context(), []backend.SearchDocument{idea(1, "x")}),
		"Delete": ix.Delete(t.Context(), []int64{1}),
	} {
		if code := backend.ErrorCode(err); code != backend.EUNAVAILABLE {
			t.Errorf("%s after Close: code %q (%v), want %q", name, code, err, backend.EUNAVAILABLE)
		}
	}
	if _, err := ix.Init(t.Context()); backend.ErrorCode(err) != backend.EUNAVAILABLE {
		t.Errorf("Init after Close: %v, want %s", err, backend.EUNAVAILABLE)
	}
}

// A second process (here: a second Index on the same directory) gets an
// error after bolt_timeout instead of waiting for the lock forever.
func TestSecondOpenFailsInsteadOfHanging(t *testing.T) {
	dir := t.TempDir()
	first := New(dir)
	mustInit(t, first, false)
	defer first.Close()
	second := New(dir)
	if _, err := second.Init(t.Context()); err == nil {
		second.Close()
		t.Fatal("a second open of a locked index succeeded")
	}
}

// An expired context is reported as EUNAVAILABLE (retry later), not as an
// internal error.
func TestCanceledContext(t *testing.T) {
	ix := New(t.TempDir())
	mustInit(t, ix, false)
	defer ix.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := ix.Index(ctx, []backend.SearchDocument{idea(1, "x")}); backend.ErrorCode(err) != backend.EUNAVAILABLE {
		t.Errorf("Index with a canceled context: %v", err)
	}
	if _, err := ix.Search(ctx, backend.SearchQuery{Text: "Radweg", ConferenceIDs: []int64{1}}); backend.ErrorCode(err) != backend.EUNAVAILABLE {
		t.Errorf("Search with a canceled context: %v", err)
	}
}

// An index made with another layout of the mapping (before layouts were
// marked, or an older one) is dropped and reported as new, so that the
// indexer fills it again; an index of the current layout is kept.
func TestOtherLayoutIsRebuilt(t *testing.T) {
	dir := t.TempDir()
	old := New(dir)
	mustInit(t, old, false)
	if err := old.Index(t.Context(), []backend.SearchDocument{idea(1, "Radweg")}); err != nil {
		t.Fatal(err)
	}
	if err := old.idx.DeleteInternal(layoutKey); err != nil { // as the first layout left it
		t.Fatal(err)
	}
	old.Close()

	next := New(dir)
	mustInit(t, next, false)
	if n := countAll(t, next); n != 0 {
		t.Errorf("the index of the old layout still holds %d ideas, want 0", n)
	}
	if err := next.Index(t.Context(), []backend.SearchDocument{idea(2, "Radweg")}); err != nil {
		t.Fatal(err)
	}
	next.Close()

	again := New(dir)
	mustInit(t, again, true)
	defer again.Close()
	if n := countAll(t, again); n != 1 {
		t.Errorf("%d ideas after reopening, want 1", n)
	}
}

package backend

import "context"

// SearchIndexer keeps a SearchIndex in step with the change feed
// (backend/indexer implements it). The App only asks it how far behind it
// is, for /readyz.
type SearchIndexer interface {
	Lag(ctx context.Context) (SearchIndexStatus, error)
}

// SearchIndexer states.
const (
	IndexerStarting   = "starting"   // the index has not been opened yet
	IndexerRebuilding = "rebuilding" // indexing every idea (fresh index or new schema version)
	IndexerFollowing  = "following"  // applying the change feed as it grows
	IndexerRetrying   = "retrying"   // the last attempt failed; retrying with backoff
)

// SearchIndexStatus is how far the search index trails the Store. A lag
// degrades search (new or edited ideas are found a little later), never the
// rest of the app.
type SearchIndexStatus struct {
	State  string `json:"state"`
	Cursor int64  `json:"cursor"` // last change applied to the index
	Latest int64  `json:"latest"` // newest change in the Store
	// LagChanges is Latest − Cursor: changes not yet applied (of every
	// entity, so also ones that touch no idea).
	LagChanges int64 `json:"lagChanges"`
	// LagSeconds is the age of the oldest change not yet applied; 0 when
	// caught up.
	LagSeconds float64 `json:"lagSeconds"`
	// Error is the last failure while State is retrying.
	Error string `json:"error,omitempty"`
}

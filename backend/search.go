package backend

import (
	"context"
	"time"
)

// SearchIndex finds ideas across conferences by text. It is implemented by
// backend/bleve (embedded default) and backend/meili (Meilisearch), and both
// must pass backend/searchtest. The index holds copies: the Store stays the
// truth, hits are ids that the App reloads from it.
//
// Error contract: an engine that cannot be reached is EUNAVAILABLE (the
// indexer retries; writes to the Store never wait for search); invalid
// queries are EINVALID; anything else EINTERNAL.
type SearchIndex interface {
	// Init creates or opens the index with its settings (analysers, facets,
	// sortable fields) and reports whether it already existed with the
	// current SchemaVersion; false means the caller must index everything.
	Init(ctx context.Context) (existed bool, err error)
	// Ping checks that the engine answers.
	Ping(ctx context.Context) error
	// Index adds or replaces documents by ID. It returns once the engine
	// accepted them durably (Meilisearch: the task succeeded), so an indexer
	// may advance its cursor.
	Index(ctx context.Context, docs []SearchDocument) error
	// Delete removes documents by idea id; unknown ids are no error.
	Delete(ctx context.Context, ids []int64) error
	// Search runs a query. Results are visible to a Search that starts after
	// Index or Delete returned.
	Search(ctx context.Context, q SearchQuery) (*SearchResult, error)
	Close() error
}

// SearchSchemaVersion is part of every index name; raising it (new fields,
// other analysers) makes the next start build a fresh index.
const SearchSchemaVersion = 1

// SearchDocument is an idea as the search engines see it: everything staff
// may search or filter by, flattened. Text fields are plain text (Markdown
// as written); highlighting escapes them.
type SearchDocument struct {
	ID              int64    `json:"id"` // the idea's id, stable across carry-over
	ConferenceID    int64    `json:"conferenceId"`
	ConferenceSlug  string   `json:"conferenceSlug"`
	ConferenceTitle string   `json:"conferenceTitle"`
	Year            int      `json:"year"` // of the conference's start
	Title           string   `json:"title"`
	Body            string   `json:"body"`
	Topic           string   `json:"topic"`
	Department      string   `json:"department"`
	Status          string   `json:"status"`
	OfficialAnswer  string   `json:"officialAnswer"`
	ResponsibleUnit string   `json:"responsibleUnit"`
	Sessions        []string `json:"sessions"` // titles of the sessions whose rounds it was in
	Results         string   `json:"results"`  // round results as a sentence ("Platz 2 von 8 in …")
	Comments        []string `json:"comments"` // visible comments' text
	Supports        int      `json:"supports"`
	Votes           int      `json:"votes"` // votes or points over its rounds
	// Lineage lists the conferences the idea passed through (carry-over),
	// oldest first; the current one is ConferenceID.
	Lineage   []int64   `json:"lineage"`
	Hidden    bool      `json:"hidden"` // hidden ideas are indexed but only moderators' queries include them
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// SearchSort orders hits: relevance (best first), supports or votes (most
// first) or newest (CreatedAt, latest first); ties by id, highest first.
type SearchSort string

const (
	SearchRelevance SearchSort = "relevance"
	SearchSupports  SearchSort = "supports"
	SearchVotes     SearchSort = "votes"
	SearchNewest    SearchSort = "newest"
)

// Facet names, the same in filters and in SearchResult.Facets.
const (
	FacetConference = "conference" // values: conference ids as decimal strings
	FacetYear       = "year"
	FacetTopic      = "topic"
	FacetDepartment = "department"
	FacetStatus     = "status"
	FacetSession    = "session"
)

// SearchQuery is one search. ConferenceIDs is not optional: the App always
// restricts a query to the conferences the actor may see, and an empty list
// matches nothing.
//
// Text is matched word by word (German analysis, typo tolerance); empty Text
// lists every allowed idea, and so does Text made of stop words only.
// Limit 0 means SearchDefaultLimit; a negative Offset or Limit, a Limit above
// SearchMaxLimit, an unknown Sort or facet name, or a conference or year
// filter value that is not a whole number is EINVALID.
type SearchQuery struct {
	Text          string
	ConferenceIDs []int64
	// Filters: facet name → accepted values (OR within a facet, AND across).
	// A facet with no values does not filter.
	Filters       map[string][]string
	IncludeHidden bool
	Facets        []string   // which facets to count
	Sort          SearchSort // "" means SearchRelevance
	Offset, Limit int
}

// Page sizes of SearchQuery.Limit.
const (
	SearchDefaultLimit = 20
	SearchMaxLimit     = 1000
)

// SearchResult is a page of hits with the total and the facet counts (over
// all matches, not just the page). Each facet lists at most 100 values, the
// most frequent first, ties by value; a requested facet without values is an
// empty list.
type SearchResult struct {
	Hits   []SearchHit             `json:"hits"`
	Total  int                     `json:"total"`
	Facets map[string][]FacetCount `json:"facets"`
}

// SearchHit is one matching idea. Highlights maps a field (title, body,
// comments) to fragments that are HTML: all text escaped, matches wrapped
// in <mark>…</mark>, nothing else.
type SearchHit struct {
	ID         int64               `json:"id"`
	Highlights map[string][]string `json:"highlights,omitempty"`
}

// FacetCount is one value of a facet and how many matches have it.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

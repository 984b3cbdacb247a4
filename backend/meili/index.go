// Package meili is the backend.SearchIndex on a Meilisearch server, for
// deployments that run one (compose.yaml): the server does the German
// tokenising, typo tolerance, facets and highlighting; this package declares
// the index settings, translates queries and waits for every write to be
// applied, so that the contract's "visible after Index returns" holds.
package meili

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"ideenmarkt/backend"
)

var _ backend.SearchIndex = (*Index)(nil)

// Options configure an Index. URL is required.
type Options struct {
	URL    string
	APIKey string
	// Prefix is put before the index uid so that several installations (or
	// tests) can share one server: "<Prefix>ideas_v<SearchSchemaVersion>".
	Prefix string
	// HTTPClient replaces the default client (timeouts, proxies, tests).
	HTTPClient *http.Client
	// TaskPoll is how often a write's task is polled (default 50ms);
	// TaskTimeout bounds the wait for one task (default 2 minutes).
	TaskPoll    time.Duration
	TaskTimeout time.Duration
	// MaxTotalHits bounds SearchResult.Total and the pages one can reach
	// (Meilisearch's pagination.maxTotalHits; default 100,000).
	MaxTotalHits int64
}

// Index is a Meilisearch index of ideas. It holds no state besides the
// client, so it is safe for concurrent use.
type Index struct {
	client meilisearch.ServiceManager
	uid    string
	opts   Options
}

var validPrefix = regexp.MustCompile(`^[A-Za-z0-9_-]*$`)

// New returns an index on the server at o.URL; Init creates it there.
func New(o Options) (*Index, error) {
	if o.URL == "" {
		return nil, backend.Errorf(backend.EINVALID, "The Meilisearch URL is missing.")
	}
	if !validPrefix.MatchString(o.Prefix) {
		return nil, backend.Errorf(backend.EINVALID, "The Meilisearch index prefix %q may only have letters, digits, - and _.", o.Prefix)
	}
	if o.TaskPoll <= 0 {
		o.TaskPoll = 50 * time.Millisecond
	}
	if o.TaskTimeout <= 0 {
		o.TaskTimeout = 2 * time.Minute
	}
	if o.MaxTotalHits <= 0 {
		o.MaxTotalHits = 100_000
	}
	var mo []meilisearch.Option
	if o.APIKey != "" {
		mo = append(mo, meilisearch.WithAPIKey(o.APIKey))
	}
	if o.HTTPClient != nil {
		mo = append(mo, meilisearch.WithCustomClient(o.HTTPClient))
	}
	return &Index{
		client: meilisearch.New(o.URL, mo...),
		uid:    fmt.Sprintf("%sideas_v%d", o.Prefix, backend.SearchSchemaVersion),
		opts:   o,
	}, nil
}

// UID is the Meilisearch index uid, which carries the schema version.
func (ix *Index) UID() string { return ix.uid }

// Options returns the options the index was made with (defaults applied).
func (ix *Index) Options() Options { return ix.opts }

// Init creates the index if it does not exist and applies the settings
// either way, so that a changed setting reaches an existing index (the
// server reindexes by itself). A new schema version has a new uid, so it
// starts empty and Init reports existed=false.
func (ix *Index) Init(ctx context.Context) (existed bool, err error) {
	_, err = ix.client.GetIndexWithContext(ctx, ix.uid)
	switch {
	case err == nil:
		existed = true
	case apiCode(err) == "index_not_found":
		task, err := ix.client.CreateIndexWithContext(ctx, &meilisearch.IndexConfig{Uid: ix.uid, PrimaryKey: "id"})
		if err != nil {
			return false, mapError("create search index", err)
		}
		if err := ix.wait(ctx, "create search index", task); err != nil {
			// Another instance created it between our look and our create.
			if apiCode(err) != "index_already_exists" {
				return false, err
			}
			existed = true
		}
	default:
		return false, mapError("look up search index", err)
	}
	task, err := ix.client.Index(ix.uid).UpdateSettingsWithContext(ctx, ix.settings())
	if err != nil {
		return false, mapError("update search settings", err)
	}
	if err := ix.wait(ctx, "update search settings", task); err != nil {
		return false, err
	}
	return existed, nil
}

// Ping asks the server's health endpoint.
func (ix *Index) Ping(ctx context.Context) error {
	h, err := ix.client.HealthWithContext(ctx)
	if err != nil {
		return mapError("ping Meilisearch", err)
	}
	if h.Status != "available" {
		return backend.Errorf(backend.EUNAVAILABLE, "Meilisearch reports %q.", h.Status)
	}
	return nil
}

// Close releases nothing: the client keeps no connections that need it.
func (ix *Index) Close() error { return nil }

// wait blocks until the task is done and fails unless it succeeded.
func (ix *Index) wait(ctx context.Context, what string, info *meilisearch.TaskInfo) error {
	ctx, cancel := context.WithTimeout(ctx, ix.opts.TaskTimeout)
	defer cancel()
	task, err := ix.client.WaitForTaskWithContext(ctx, info.TaskUID, ix.opts.TaskPoll)
	if err != nil {
		return mapError(what+": wait for task", err)
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return &backend.Error{Code: backend.EINTERNAL, Message: "Search index update failed.",
			Err: &taskError{what: what, uid: info.TaskUID, status: string(task.Status), code: task.Error.Code, message: task.Error.Message}}
	}
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"ideenmarkt/backend"
	"ideenmarkt/backend/bleve"
	"ideenmarkt/backend/indexer"
	"ideenmarkt/backend/meili"
)

// openSearch makes the configured SearchIndex (Meilisearch when MeiliURL is
// set, else bleve under DataDir/search) and names its cursor. Nothing is
// opened yet: the indexer's Init does that, and retries when it fails.
//
// The cursor name carries the engine and schema version, so that switching
// engines or raising backend.SearchSchemaVersion starts from scratch. A
// bleve index belongs to one instance's data directory, while the cursor
// lives in the database that several instances may share (PostgreSQL): its
// name also carries an id stored next to the index, so each instance's
// index has its own cursor, and a deleted index directory gets a new one.
func (m *Main) openSearch() (backend.SearchIndex, string, error) {
	if m.Config.MeiliURL != "" {
		ix, err := meili.New(meili.Options{URL: m.Config.MeiliURL, APIKey: m.Config.MeiliKey})
		if err != nil {
			return nil, "", err
		}
		host := m.Config.MeiliURL
		if u, err := url.Parse(host); err == nil {
			host = u.Host
		}
		return ix, "meili/" + host + "/" + ix.UID(), nil
	}
	dir := filepath.Join(m.Config.DataDir, "search")
	id, err := indexInstanceID(dir)
	if err != nil {
		// The index itself will not open either; the indexer says so and
		// retries. Until the id can be stored, the path stands in for it.
		m.Log.Warn("search index id not available", "err", err)
		abs, _ := filepath.Abs(dir)
		id = "path:" + abs
	}
	return bleve.New(dir), fmt.Sprintf("bleve/ideas_v%d/%s", backend.SearchSchemaVersion, id), nil
}

// indexInstanceID reads (or makes) the id of the bleve index directory dir.
func indexInstanceID(dir string) (string, error) {
	path := filepath.Join(dir, "instance-id")
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read search index id: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create search index directory: %w", err)
	}
	id := backend.RandomToken()[:16]
	if err := os.WriteFile(path, []byte(id+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write search index id: %w", err)
	}
	return id, nil
}

// startSearch wires the index and its indexer into m.App. The embedded
// index is opened here already (it is a local directory: quick, or a clear
// failure within seconds when another process holds it), so that searches
// work from the first request; Meilisearch is opened by the indexer in the
// background, because a slow or absent server must not delay the start.
// Either way a failure is logged and retried by the indexer: the app
// serves without search rather than not at all.
func (m *Main) startSearch(ctx context.Context, reg *prometheus.Registry) error {
	idx, name, err := m.openSearch()
	if err != nil {
		return err
	}
	m.Index = idx
	m.Indexer = indexer.New(m.App, idx, indexer.Options{Name: name, Log: m.Log})
	m.App.Search, m.App.Indexer = idx, m.Indexer
	if m.Config.MeiliURL == "" {
		if err := m.Indexer.Init(ctx); err != nil {
			m.Log.Warn("search index not available yet; retrying in the background", "err", err)
		}
	}
	reg.MustRegister(newSearchCollector(m.Indexer))
	return nil
}

// runReindex rebuilds the search index from the store with a progress bar,
// then applies what changed meanwhile. The embedded index can be open in one
// process only, so the server must be stopped first; Meilisearch can be
// rebuilt while the server runs.
func runReindex(ctx context.Context, args []string, out io.Writer) error {
	cfg, _, err := LoadConfig(args, environ, nil)
	if err != nil {
		return err
	}
	m := NewMain(cfg, out)
	store, _, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	idx, name, err := m.openSearch()
	if err != nil {
		return err
	}
	defer idx.Close()
	x := indexer.New(backend.NewApp(store), idx, indexer.Options{Name: name, Log: m.Log})
	if err := x.Init(ctx); err != nil {
		if cfg.MeiliURL == "" {
			return fmt.Errorf("%w (is ideenmarkt still running? stop it first: the embedded index can be open in one process only)", err)
		}
		return err
	}
	start := time.Now()
	bar := newProgressBar(out, "indexing")
	n, err := x.Rebuild(ctx, bar.update)
	bar.done()
	if err != nil {
		return err
	}
	if err := x.Sync(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "indexed %d ideas into %s in %s\n", n, name, time.Since(start).Round(time.Millisecond))
	return nil
}

// searchCollector exposes the indexer's lag and counters. The lag is read
// from the store at scrape time; when that fails the lag series are left
// out rather than reported as 0.
type searchCollector struct {
	x                                    *indexer.Indexer
	lag, age                             *prometheus.Desc
	indexed, deleted, failures, rebuilds *prometheus.Desc
}

func newSearchCollector(x *indexer.Indexer) *searchCollector {
	d := func(name, help string) *prometheus.Desc { return prometheus.NewDesc(name, help, nil, nil) }
	return &searchCollector{
		x:        x,
		lag:      d("ideenmarkt_search_index_lag_changes", "Changes in the feed not yet applied to the search index."),
		age:      d("ideenmarkt_search_index_lag_seconds", "Age of the oldest change not yet applied to the search index (0 when caught up)."),
		indexed:  d("ideenmarkt_search_indexed_total", "Idea documents added to or replaced in the search index."),
		deleted:  d("ideenmarkt_search_deleted_total", "Idea documents removed from the search index (ideas gone or merged)."),
		failures: d("ideenmarkt_search_index_failures_total", "Failed attempts to update the search index (each is retried)."),
		rebuilds: d("ideenmarkt_search_rebuilds_total", "Completed rebuilds of the search index."),
	}
}

func (c *searchCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.lag, c.age, c.indexed, c.deleted, c.failures, c.rebuilds} {
		ch <- d
	}
}

func (c *searchCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if st, err := c.x.Lag(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(c.lag, prometheus.GaugeValue, float64(st.LagChanges))
		ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, st.LagSeconds)
	}
	s := c.x.Stats()
	ch <- prometheus.MustNewConstMetric(c.indexed, prometheus.CounterValue, float64(s.Indexed))
	ch <- prometheus.MustNewConstMetric(c.deleted, prometheus.CounterValue, float64(s.Deleted))
	ch <- prometheus.MustNewConstMetric(c.failures, prometheus.CounterValue, float64(s.Failures))
	ch <- prometheus.MustNewConstMetric(c.rebuilds, prometheus.CounterValue, float64(s.Rebuilds))
}

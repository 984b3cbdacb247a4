package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/bleve"
)

// The server follows its writes into the embedded index and reports the
// indexer in /readyz and /metrics.
func TestServeKeepsTheSearchIndex(t *testing.T) {
	m := MustRun(t, MustConfig(t, t.TempDir(), map[string]string{"IDEENMARKT_ADMIN_EMAIL": adminEmail, "IDEENMARKT_ADMIN_PASSWORD": adminPassword}))
	b := newBrowser(t, m.URL())
	b.MustDo(t, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": adminEmail, "password": adminPassword}, http.StatusOK)
	var conf struct {
		ID       int64  `json:"id"`
		JoinCode string `json:"joinCode"`
	}
	mustJSON(t, b.MustDo(t, http.MethodPost, "/api/v1/conferences", map[string]any{
		"slug": "suche", "title": "Suchkonferenz", "startsAt": "2026-11-25T09:00:00+01:00", "endsAt": "2026-11-25T17:00:00+01:00", "capacity": 450,
	}, http.StatusCreated), &conf)
	mustJSON(t, b.MustDo(t, http.MethodPost, "/api/v1/conferences/suche/phase", map[string]string{"phase": "ideas"}, http.StatusOK), &conf)
	phone := newBrowser(t, m.URL())
	phone.MustDo(t, http.MethodPost, "/api/v1/conferences/suche/join", map[string]string{"code": conf.JoinCode, "displayName": "Petra"}, http.StatusOK)
	var idea struct{ ID int64 }
	mustJSON(t, phone.MustDo(t, http.MethodPost, "/api/v1/conferences/suche/ideas", map[string]any{"title": "Gemeinschaftsgarten am Amt", "body": "Mit Hochbeeten."}, http.StatusCreated), &idea)

	if m.App.Search == nil || m.App.Indexer == nil {
		t.Fatal("App.Search or App.Indexer not set by Run")
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		res, err := m.Index.Search(t.Context(), backend.SearchQuery{Text: "Gemeinschaftsgarten", ConferenceIDs: []int64{conf.ID}})
		if err == nil && len(res.Hits) == 1 && res.Hits[0].ID == idea.ID {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("idea %d not found in the index after 30s: %+v, %v", idea.ID, res, err)
		}
	}

	var ready struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
		Search *struct {
			State      string  `json:"state"`
			Cursor     int64   `json:"cursor"`
			Latest     int64   `json:"latest"`
			LagChanges int64   `json:"lagChanges"`
			LagSeconds float64 `json:"lagSeconds"`
		} `json:"search"`
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		mustJSON(t, b.MustDo(t, http.MethodGet, "/readyz", nil, http.StatusOK), &ready)
		if ready.Search != nil && ready.Search.LagChanges == 0 && ready.Checks["search"] == "ok" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("readyz never showed a caught-up index: %+v", ready)
		}
	}
	if ready.Status != "ready" || ready.Search.State != backend.IndexerFollowing || ready.Search.Cursor != ready.Search.Latest || ready.Search.Latest == 0 {
		t.Errorf("readyz = %+v, search %+v; want ready, following, cursor at the feed's head", ready, *ready.Search)
	}

	metrics := string(b.MustDo(t, http.MethodGet, "/metrics", nil, http.StatusOK))
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^ideenmarkt_search_index_lag_changes 0$`),
		regexp.MustCompile(`(?m)^ideenmarkt_search_index_lag_seconds 0$`),
		regexp.MustCompile(`(?m)^ideenmarkt_search_indexed_total [1-9]\d*$`),
		regexp.MustCompile(`(?m)^ideenmarkt_search_index_failures_total 0$`),
		regexp.MustCompile(`(?m)^ideenmarkt_search_deleted_total 0$`),
		regexp.MustCompile(`(?m)^ideenmarkt_search_rebuilds_total 1$`),
	} {
		if !want.MatchString(metrics) {
			t.Errorf("metrics lack %s:\n%s", want, grepLines(metrics, "ideenmarkt_search"))
		}
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestReindexCommand(t *testing.T) {
	dir := t.TempDir()
	mustCLIConference(t, dir, "rx")
	var csv strings.Builder
	csv.WriteString("title;body\n")
	for k := range 250 {
		fmt.Fprintf(&csv, "Vorschlag Nummer %d;Text %d\n", k, k)
	}
	csv.WriteString("Einzigartiger Sonderwunsch;Nur einmal.\n")
	if err := run(t.Context(), []string{"import", "-data-dir", dir, "-conference", "rx", writeFile(t, "ideen.csv", csv.String())}, io.Discard, io.Discard); err != nil {
		t.Fatalf("import: %v", err)
	}

	t.Run("rebuilds everything with progress and a summary", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"reindex", "-data-dir", dir}, &out, io.Discard); err != nil {
			t.Fatalf("reindex: %v\n%s", err, out.String())
		}
		got := out.String()
		// Written to a pipe, progress is a line per tenth reached (here per
		// batch of 100 ideas).
		progress := "indexing:   0% 0/251\nindexing:  39% 100/251\nindexing:  79% 200/251\nindexing: 100% 251/251\n"
		if !strings.HasPrefix(got, progress) {
			t.Errorf("output does not start with the progress lines:\n%s", got)
		}
		if !regexp.MustCompile(`(?m)^indexed 251 ideas into bleve/ideas_v1/\S+ in \d+(\.\d+)?m?s$`).MatchString(got) {
			t.Errorf("output lacks the summary line:\n%s", got)
		}
		idx := bleve.New(filepath.Join(dir, "search"))
		defer idx.Close()
		if existed, err := idx.Init(t.Context()); err != nil || !existed {
			t.Fatalf("the index after reindex: existed %v, %v", existed, err)
		}
		res, err := idx.Search(t.Context(), backend.SearchQuery{Text: "Sonderwunsch", ConferenceIDs: []int64{1}})
		if err != nil || res.Total != 1 {
			t.Fatalf("search after reindex = %+v, %v; want the one idea", res, err)
		}
	})
	t.Run("a running server's embedded index is refused with a hint", func(t *testing.T) {
		MustRun(t, MustConfig(t, dir, nil))
		var out bytes.Buffer
		err := run(t.Context(), []string{"reindex", "-data-dir", dir}, &out, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "stop it first") {
			t.Fatalf("reindex beside a running server = %v, want the hint to stop it", err)
		}
	})
	t.Run("the usage lists it", func(t *testing.T) {
		if !strings.Contains(usage, "ideenmarkt reindex") {
			t.Error("usage lacks reindex")
		}
	})
}

// The cursor name follows the engine, the schema version and, for the
// embedded index, the index directory's own id.
func TestSearchCursorNames(t *testing.T) {
	dir := t.TempDir()
	m := NewMain(MustConfig(t, dir, nil), io.Discard)
	_, first, err := m.openSearch()
	if err != nil {
		t.Fatal(err)
	}
	_, again, err := m.openSearch()
	if err != nil || again != first || !regexp.MustCompile(`^bleve/ideas_v1/[A-Za-z0-9_-]{16}$`).MatchString(first) {
		t.Fatalf("bleve cursor names %q then %q (%v); want one stable bleve/ideas_v1/<id>", first, again, err)
	}
	other := NewMain(MustConfig(t, t.TempDir(), nil), io.Discard)
	if _, name, _ := other.openSearch(); name == first {
		t.Errorf("two data directories share the cursor %q", name)
	}
	meili := NewMain(MustConfig(t, dir, map[string]string{"IDEENMARKT_MEILI_URL": "http://search:7700"}), io.Discard)
	idx, name, err := meili.openSearch()
	if err != nil || name != "meili/search:7700/ideas_v1" {
		t.Fatalf("meili cursor name = %q, %v", name, err)
	}
	idx.Close()
}

package searchtest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/csvimport"
)

// RealData is the real proposals of testdata/proposals as search documents:
// the Tempelhofer Feld ideas with their comments in one conference, and the
// cycling dialogues in one conference per process (city).
type RealData struct {
	Docs        []backend.SearchDocument
	Conferences []int64
	// ByRef finds a document by "thf:<id>" or "cimt:<document_id>", the
	// files' own ids, so that quality cases can name ideas.
	ByRef map[string]int64
}

// thfConference is the conference of the Tempelhofer Feld ideas; the
// cycling processes follow it.
const thfConference = 101

var yearInTopic = regexp.MustCompile(`(20\d\d)\)$`)

// LoadRealData reads the real proposals with csvimport, as an organiser's
// import would. Ids are dense from 1 in file order.
func LoadRealData(tb testing.TB) *RealData {
	tb.Helper()
	thf := readIdeas(tb, "testdata/proposals/thf_proposals.csv")
	cimt := readIdeas(tb, "testdata/proposals/cimt_proposals.csv")
	f, err := os.Open(RepoPath(tb, "testdata/proposals/thf_comments.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	comments, err := csvimport.ReadComments(f)
	if err != nil {
		tb.Fatalf("read thf_comments.csv: %v", err)
	}
	byIdea := map[string][]string{}
	for _, c := range comments {
		byIdea[c.IdeaRef] = append(byIdea[c.IdeaRef], c.Body)
	}

	rd := &RealData{ByRef: map[string]int64{}, Conferences: []int64{thfConference}}
	add := func(prefix string, conf int64, confTitle string, year int, i csvimport.Idea, comments []string) {
		id := int64(len(rd.Docs) + 1)
		created := i.CreatedAt
		if created.IsZero() {
			created = time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(id) * time.Minute)
		}
		rd.Docs = append(rd.Docs, backend.SearchDocument{
			ID: id, ConferenceID: conf, ConferenceSlug: fmt.Sprintf("konf-%d", conf), ConferenceTitle: confTitle,
			Year: year, Title: i.Title, Body: i.Body, Topic: i.Topic, Department: i.Department, Status: "open",
			Comments: comments, Supports: i.Supports, Lineage: []int64{conf}, CreatedAt: created, UpdatedAt: created,
		})
		rd.ByRef[prefix+":"+i.Ref] = id
	}
	for _, i := range thf {
		add("thf", thfConference, "Tempelhofer Feld", i.CreatedAt.Year(), i, byIdea[i.Ref])
	}
	processes := map[string]int64{}
	for _, i := range cimt {
		conf, ok := processes[i.Topic]
		if !ok {
			conf = thfConference + 1 + int64(len(processes))
			processes[i.Topic] = conf
			rd.Conferences = append(rd.Conferences, conf)
		}
		year := 2017
		if m := yearInTopic.FindStringSubmatch(i.Topic); m != nil {
			year, _ = strconv.Atoi(m[1])
		}
		add("cimt", conf, i.Topic, year, i, nil)
	}
	return rd
}

func readIdeas(tb testing.TB, rel string) []csvimport.Idea {
	tb.Helper()
	f, err := os.Open(RepoPath(tb, rel))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	ideas, err := csvimport.ReadIdeas(f)
	if err != nil {
		tb.Fatalf("read %s: %v", rel, err)
	}
	return ideas
}

// RepoPath returns the absolute path of rel, a path from the module root,
// found by walking up from the test's working directory to go.mod.
func RepoPath(tb testing.TB, rel string) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, filepath.FromSlash(rel))
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatalf("no go.mod above the working directory; cannot find %s", rel)
		}
		dir = parent
	}
}

// QualityCase is one line of testdata/search/quality.tsv: a query and an
// idea that must be among its first ten hits.
type QualityCase struct {
	Line   int
	Query  string
	Expect string // "thf:<id>", "cimt:<document_id>" or a fragment of exactly one title
	Why    string
}

// LoadQualityCases reads testdata/search/quality.tsv (tab-separated: query,
// expect, why; lines starting with # and blank lines are skipped).
func LoadQualityCases(tb testing.TB) []QualityCase {
	tb.Helper()
	f, err := os.Open(RepoPath(tb, "testdata/search/quality.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var cases []QualityCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			tb.Fatalf("quality.tsv:%d: %d columns, want query, expect, why", n, len(cols))
		}
		cases = append(cases, QualityCase{Line: n, Query: cols[0], Expect: cols[1], Why: cols[2]})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return cases
}

// Resolve returns the id the case expects, failing if a title fragment
// matches no idea or several.
func (rd *RealData) Resolve(tb testing.TB, c QualityCase) int64 {
	tb.Helper()
	if id, ok := rd.ByRef[c.Expect]; ok {
		return id
	}
	var found []int64
	for _, d := range rd.Docs {
		if strings.Contains(d.Title, c.Expect) {
			found = append(found, d.ID)
		}
	}
	if len(found) != 1 {
		tb.Fatalf("quality.tsv:%d: %q names %d ideas (ids %v), want a ref or a fragment of exactly one title", c.Line, c.Expect, len(found), found)
	}
	return found[0]
}

// testQuality: German queries on the real proposals find the idea a person
// would expect among the first ten hits.
func (s *suite) testQuality(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes the 5,051 real proposals; skipped with -short")
	}
	rd := LoadRealData(t)
	cases := LoadQualityCases(t)
	if len(cases) < 20 {
		t.Fatalf("quality.tsv has %d cases, want at least 20", len(cases))
	}
	ix := s.mustOpen(t)
	for i := 0; i < len(rd.Docs); i += 500 {
		MustIndex(t, ix, rd.Docs[i:min(i+500, len(rd.Docs))]...)
	}
	titles := map[int64]string{}
	for _, d := range rd.Docs {
		titles[d.ID] = d.Title
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", c.Line, c.Query), func(t *testing.T) {
			want := rd.Resolve(t, c)
			res := MustSearch(t, ix, backend.SearchQuery{Text: c.Query, ConferenceIDs: rd.Conferences, Limit: 10})
			for _, id := range IDs(res) {
				if id == want {
					return
				}
			}
			var top strings.Builder
			for i, id := range IDs(res) {
				fmt.Fprintf(&top, "\n  %2d. %d %q", i+1, id, titles[id])
			}
			t.Errorf("quality.tsv:%d %q: idea %d %q not in the top 10 (%s) of %d matches:%s",
				c.Line, c.Query, want, titles[want], c.Why, res.Total, top.String())
		})
	}
}

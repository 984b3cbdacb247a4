package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/demo"
)

const proposalsDir = "../../testdata/proposals/"

// mustCLIConference creates a conference in the ideas phase in dir's
// database, the way an organiser would have before importing.
func mustCLIConference(tb testing.TB, dir, slug string) {
	tb.Helper()
	m := NewMain(MustConfig(tb, dir, nil), io.Discard)
	store, _, err := m.openStore(tb.Context())
	if err != nil {
		tb.Fatal(err)
	}
	defer store.Close()
	app := backend.NewApp(store)
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	if _, err := app.CreateConference(tb.Context(), operator, backend.ConferenceInput{Slug: slug, Title: "Importkonferenz", StartsAt: start, EndsAt: start.Add(8 * time.Hour),
		Anonymity: backend.AnonymityAllowed, Topics: []string{"Natur"}}); err != nil {
		tb.Fatal(err)
	}
	if _, err := app.SetPhase(tb.Context(), operator, slug, backend.PhaseIdeas, nil); err != nil {
		tb.Fatal(err)
	}
}

// storedIdeas counts a conference's ideas and their comments in dir.
func storedIdeas(tb testing.TB, dir, slug string) (ideas, comments int) {
	tb.Helper()
	m := NewMain(MustConfig(tb, dir, nil), io.Discard)
	store, _, err := m.openStore(tb.Context())
	if err != nil {
		tb.Fatal(err)
	}
	defer store.Close()
	app := backend.NewApp(store)
	for offset := 0; ; offset += backend.MaxPageSize {
		page, total, err := app.ListIdeas(tb.Context(), operator, slug, backend.IdeaQuery{Offset: offset, Limit: backend.MaxPageSize})
		if err != nil {
			tb.Fatal(err)
		}
		for _, i := range page {
			ideas++
			comments += i.CommentCount
		}
		if ideas >= total || len(page) == 0 {
			return ideas, comments
		}
	}
}

func writeFile(tb testing.TB, name, content string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

var importedLine = regexp.MustCompile(`(?m)^imported 340 ideas and 1389 comments into "thf" in \d+(\.\d+)?m?s\n`)

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	mustCLIConference(t, dir, "thf")
	ideas, comments := proposalsDir+"thf_proposals.csv", proposalsDir+"thf_comments.csv"

	t.Run("a dry run reports and imports nothing", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"import", "-data-dir", dir, "-conference", "thf", "-comments", comments, "-dry-run", ideas}, &out, io.Discard); err != nil {
			t.Fatalf("import: %v\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), `checked (nothing imported) 340 ideas and 1389 comments into "thf"`) {
			t.Errorf("output:\n%s", out.String())
		}
		if n, _ := storedIdeas(t, dir, "thf"); n != 0 {
			t.Errorf("%d ideas after a dry run", n)
		}
	})
	t.Run("the Tempelhofer Feld files import with a summary", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"import", "-data-dir", dir, "-conference", "thf", "-comments", comments, ideas}, &out, io.Discard); err != nil {
			t.Fatalf("import: %v\n%s", err, out.String())
		}
		got := out.String()
		// Written to a pipe, progress is a line per tenth reached.
		progress := "importing:  29% 100/340\nimporting:  58% 200/340\nimporting:  88% 300/340\nimporting: 100% 340/340\n"
		if !strings.HasPrefix(got, progress) {
			t.Errorf("output does not start with the progress lines:\n%s", got)
		}
		if !importedLine.MatchString(got) {
			t.Errorf("output lacks the summary line:\n%s", got)
		}
		for _, want := range []string{
			"added topics: Erinnerung, I ❤ THF, Mitmachen, Bewirtschaftung, Freizeit, Was vergessen?\n",
			"  line 191: Empty comment taken as deleted.\n",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("output lacks %q:\n%s", want, got)
			}
		}
		if strings.Contains(got, "added departments") {
			t.Errorf("output mentions departments:\n%s", got)
		}
		if n, c := storedIdeas(t, dir, "thf"); n != 340 || c != 1388 {
			t.Errorf("stored %d ideas with %d comments, want 340 and 1388", n, c)
		}
	})
	t.Run("a bad file prints every line and imports nothing", func(t *testing.T) {
		bad := writeFile(t, "ideen.csv", "title;body\nEins;Text\n\"Zwei\x07\";Text\nDrei;Text\nab;\nFünf;Text\n")
		var out bytes.Buffer
		err := run(t.Context(), []string{"import", "-data-dir", dir, "-conference", "thf", bad}, &out, io.Discard)
		if err == nil || err.Error() != "nothing was imported: 2 problems" {
			t.Fatalf("err = %v, want nothing was imported: 2 problems", err)
		}
		want := []string{
			"line 3: ideas.title: The text contains control characters that are not allowed.",
			"line 5: ideas.title: The title is too short, and there is no text to make one from.",
		}
		for _, w := range want {
			if !strings.Contains(out.String(), w+"\n") {
				t.Errorf("output lacks %q:\n%s", w, out.String())
			}
		}
		if strings.Contains(out.String(), "imported") {
			t.Errorf("output claims an import:\n%s", out.String())
		}
		if n, _ := storedIdeas(t, dir, "thf"); n != 340 {
			t.Errorf("%d ideas, want still 340", n)
		}
	})
	t.Run("format problems are printed by line", func(t *testing.T) {
		bad := writeFile(t, "ideen.csv", "title,supports\nEins,3\nZwei,viele\n\"Drei,4\n")
		var out bytes.Buffer
		err := run(t.Context(), []string{"import", "-data-dir", dir, "-conference", "thf", bad}, &out, io.Discard)
		if err == nil || !strings.HasPrefix(err.Error(), "nothing was imported:") {
			t.Fatalf("err = %v", err)
		}
		for _, w := range []string{"line 3: ideas.supports: ", "line 4: ideas: "} {
			if !strings.Contains(out.String(), w) {
				t.Errorf("output lacks %q:\n%s", w, out.String())
			}
		}
	})
	t.Run("comments on ideas that are not in the file", func(t *testing.T) {
		i := writeFile(t, "i.csv", "id,title\n1,Erste Idee\n")
		c := writeFile(t, "c.csv", "comment_id,proposal_id,text\nc1,1,Gut\nc2,7,Wo?\n")
		var out bytes.Buffer
		err := run(t.Context(), []string{"import", "-data-dir", dir, "-conference", "thf", "-comments", c, i}, &out, io.Discard)
		if err == nil || out.String() != "line 3: comments.idea: The idea \"7\" is not in the ideas file.\n" {
			t.Fatalf("err = %v, output %q", err, out.String())
		}
	})
	t.Run("usage and missing things", func(t *testing.T) {
		for name, args := range map[string][]string{
			"no conference":         {"import", "-data-dir", dir, ideas},
			"no file":               {"import", "-data-dir", dir, "-conference", "thf"},
			"two files":             {"import", "-data-dir", dir, "-conference", "thf", ideas, comments},
			"a flag after the file": {"import", "-data-dir", dir, ideas, "-conference", "thf"},
		} {
			err := run(t.Context(), args, io.Discard, io.Discard)
			if err == nil || !strings.HasPrefix(err.Error(), "usage: ideenmarkt import") {
				t.Errorf("%s: err = %v, want the usage", name, err)
			}
		}
		err := run(t.Context(), []string{"import", "-data-dir", dir, "-conference", "thf", filepath.Join(dir, "gibt-es-nicht.csv")}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "gibt-es-nicht.csv") {
			t.Errorf("missing file: err = %v", err)
		}
		err = run(t.Context(), []string{"import", "-data-dir", dir, "-conference", "gibt-es-nicht", ideas}, io.Discard, io.Discard)
		if backend.ErrorCode(err) != backend.ENOTFOUND {
			t.Errorf("unknown conference: err = %v, want not found", err)
		}
		err = run(t.Context(), []string{"import", "-data-dir", dir, "-conference", "thf", "-unbekannt", ideas}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "unbekannt") {
			t.Errorf("unknown flag: err = %v", err)
		}
	})
}

func TestImportCommandReportsAdjustedRows(t *testing.T) {
	dir := t.TempDir()
	mustCLIConference(t, dir, "cimt")
	var out bytes.Buffer
	if err := run(t.Context(), []string{"import", "-data-dir", dir, "-conference", "cimt", proposalsDir + "cimt_proposals.csv"}, &out, io.Discard); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		`imported 4697 ideas and 0 comments into "cimt"`,
		"added topics: Bonn (Raddialog 2017), Köln-Ehrenfeld (Raddialog 2017), Moers (Raddialog 2017), Krefeld (Krefeld bewegen 2020), Bonn (Umfrage Leben in Bonn 2017)\n",
		"1423 rows were adjusted; the first 200:\n",
		"  line 134: Title shortened; the full title opens the text.\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%.2000s", want, got)
		}
	}
	if n := strings.Count(got, "\n  line "); n != 200 {
		t.Errorf("%d adjusted lines printed, want 200", n)
	}
	if n, _ := storedIdeas(t, dir, "cimt"); n != 4697 {
		t.Errorf("%d ideas stored, want 4697", n)
	}
}

func TestDemoCommand(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run(t.Context(), []string{"demo", "-data-dir", dir}, &out, io.Discard); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	if !regexp.MustCompile(`^created the demo conference with the Tempelhofer Feld proposals \(CC BY-SA 3\.0\) in \d+(\.\d+)?m?s: /conferences/demo-tempelhofer-feld\n$`).MatchString(out.String()) {
		t.Errorf("first run printed %q", out.String())
	}
	if n, c := storedIdeas(t, dir, demo.Slug); n != 340 || c != 1388 {
		t.Errorf("demo has %d ideas with %d comments, want 340 and 1388", n, c)
	}
	out.Reset()
	if err := run(t.Context(), []string{"demo", "-data-dir", dir}, &out, io.Discard); err != nil {
		t.Fatalf("second demo: %v", err)
	}
	if out.String() != "demo conference exists: /conferences/demo-tempelhofer-feld\n" {
		t.Errorf("second run printed %q", out.String())
	}
	if n, _ := storedIdeas(t, dir, demo.Slug); n != 340 {
		t.Errorf("%d ideas after the second run, want 340", n)
	}
	t.Run("the server shows the demo", func(t *testing.T) {
		m := MustRun(t, MustConfig(t, dir, nil))
		b := newBrowser(t, m.URL())
		l := mustList(t, b)
		if l.Total != 1 || l.Items[0].Slug != demo.Slug {
			t.Fatalf("list = %+v", l)
		}
		body := b.MustDo(t, "GET", "/api/v1/conferences/"+demo.Slug+"/ideas?limit=1", nil, 200)
		if !bytes.Contains(body, []byte(`"total":340`)) {
			t.Errorf("ideas: %.300s", body)
		}
	})
}

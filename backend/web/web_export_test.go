package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ideenmarkt/backend"
	"ideenmarkt/backend/web"
)

// exportHeader is the German header row of both export formats.
var exportHeader = []string{"ID", "Titel", "Beschreibung", "Thema", "Bereich", "Autor/in", "Status", "Statushinweis", "Ausgeblendet",
	"Unterstützungen", "Kommentare", "Abstimmungsergebnisse", "Offizielle Antwort", "Zuständige Stelle", "Fortschritt (%)",
	"Letzte Aktualisierung", "Erstellt", "Link"}

// Column indexes into exportHeader.
const (
	colID = iota
	colTitle
	colBody
	colTopic
	colDepartment
	colAuthor
	colStatus
	colStatusNote
	colHidden
	colSupports
	colComments
	colResults
	colAnswer
	colUnit
	colProgress
	colUpdated
	colCreated
	colLink
)

const exportBaseURL = "https://ideen.stadt.example"

// mustExport fetches an export as the client and checks the download headers.
func mustExport(tb testing.TB, c *client, slug, ext, contentType string) []byte {
	tb.Helper()
	before := time.Now()
	r := c.Do(tb, http.MethodGet, "/api/v1/conferences/"+slug+"/export."+ext, nil)
	if r.Status != http.StatusOK {
		tb.Fatalf("export.%s: status %d, body %s", ext, r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, contentType) {
		tb.Errorf("Content-Type = %q, want %q", ct, contentType)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		tb.Errorf("Cache-Control = %q, want no-store", cc)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, at := range []time.Time{before, time.Now()} {
		names = append(names, `attachment; filename="`+slug+"-ideen-"+at.In(berlin).Format("2006-01-02")+"."+ext+`"`)
	}
	if cd := r.Header.Get("Content-Disposition"); !slices.Contains(names, cd) {
		tb.Errorf("Content-Disposition = %q, want %q", cd, names[0])
	}
	return r.Body
}

// mustParseExportCSV checks the CSV's framing (BOM, ";", CRLF) and returns
// its records, header first.
func mustParseExportCSV(tb testing.TB, body []byte) [][]string {
	tb.Helper()
	data, ok := bytes.CutPrefix(body, []byte("\ufeff"))
	if !ok {
		tb.Fatalf("csv does not start with a BOM: %q", body[:min(10, len(body))])
	}
	if !bytes.HasPrefix(data, []byte(strings.Join(exportHeader, ";")+"\r\n")) {
		tb.Fatalf("csv does not start with the header and CRLF: %q", data[:min(300, len(data))])
	}
	rd := csv.NewReader(bytes.NewReader(data))
	rd.Comma = ';'
	records, err := rd.ReadAll()
	if err != nil {
		tb.Fatalf("csv: %v\n%s", err, data)
	}
	return records
}

// mustOpenExportXLSX opens the workbook and returns its sheet's cells as
// text, each row padded to the header's width.
func mustOpenExportXLSX(tb testing.TB, body []byte) (*excelize.File, [][]string) {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		tb.Fatalf("open xlsx: %v", err)
	}
	tb.Cleanup(func() { f.Close() })
	if sheets := f.GetSheetList(); !slices.Equal(sheets, []string{"Ideen"}) {
		tb.Fatalf("sheets = %v, want [Ideen]", sheets)
	}
	rows, err := f.GetRows("Ideen")
	if err != nil {
		tb.Fatalf("read xlsx rows: %v", err)
	}
	for n := range rows {
		for len(rows[n]) < len(exportHeader) {
			rows[n] = append(rows[n], "")
		}
	}
	return f, rows
}

func TestExportOverHTTP(t *testing.T) {
	e := MustNewEnv(t, func(o *web.Options) { o.BaseURL = exportBaseURL + "/" })
	orga, anna, ben, visitor := e.client(), e.client(), e.client(), e.client()
	orga.MustLogin(t)
	code := mustMarket(t, orga, "export")
	mustJoin(t, anna, "export", code, "Anna Amsel")
	mustJoin(t, ben, "export", code, "Ben Bussard")

	submit := func(c *client, body map[string]any) int64 {
		t.Helper()
		if body["topic"] == nil {
			body["topic"] = "Digitalisierung"
		}
		return mustJSON[ideaJSON](t, c.Do(t, http.MethodPost, "/api/v1/conferences/export/ideas", body), http.StatusCreated).ID
	}
	nasty := `<b>Dienst</b>räder; "schnell" & günstig`
	nastyBody := "<script>alert(1)</script>\nZweite Zeile; mit \"Anführungszeichen\", Ümlauten: äöüß ÄÖÜ\n\n€ und 😀"
	hyperlink := submit(anna, map[string]any{"title": `=HYPERLINK("http://evil.example","Klick")`, "body": "+1 aus dem Amt"})
	plus := submit(anna, map[string]any{"title": "+1 Parkplatz", "body": "-1 Stellplatz", "topic": "Mobilität"})
	minus := submit(anna, map[string]any{"title": "-1 weniger Papier"})
	at := submit(anna, map[string]any{"title": "@SUM(A1:A3)"})
	html := submit(ben, map[string]any{"title": nasty, "body": nastyBody})
	anon := submit(ben, map[string]any{"title": "Anonyme Idee", "anonymous": true})
	control := submit(ben, map[string]any{"title": "Wird per Speicher geändert"})
	// Tab and CR cannot come through the API (validation refuses control
	// characters), but an older import or the database might hold them.
	i, err := e.store.FindIdeaByID(t.Context(), control)
	if err != nil {
		t.Fatal(err)
	}
	i.Title, i.Body = "\t=1+1", "\r=2+2"
	if err := e.store.UpdateIdea(t.Context(), i, false); err != nil {
		t.Fatal(err)
	}
	if r := ben.Do(t, http.MethodPut, fmt.Sprintf("/api/v1/ideas/%d/support", html), nil); r.Status != http.StatusOK {
		t.Fatalf("support: %d %s", r.Status, r.Body)
	}
	if r := anna.Do(t, http.MethodPut, fmt.Sprintf("/api/v1/ideas/%d/support", html), nil); r.Status != http.StatusOK {
		t.Fatalf("support: %d %s", r.Status, r.Body)
	}
	if r := anna.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/ideas/%d/comments", html), map[string]any{"body": "Gern!"}); r.Status != http.StatusCreated {
		t.Fatalf("comment: %d %s", r.Status, r.Body)
	}

	// The conference day: one round over two ideas, closed.
	mustJSON[conferenceJSON](t, orga.Do(t, http.MethodPost, "/api/v1/conferences/export/phase", map[string]any{"phase": "live"}), http.StatusOK)
	s := mustJSON[sessionJSON](t, orga.Do(t, http.MethodPost, "/api/v1/conferences/export/sessions", sessionBody("Forum")), http.StatusCreated)
	round := mustJSON[roundJSON](t, orga.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/sessions/%d/rounds", s.ID),
		map[string]any{"title": "Was zuerst?", "method": "single", "ideaIds": []int64{html, hyperlink}}), http.StatusCreated)
	round = mustJSON[roundJSON](t, orga.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/rounds/%d/open", round.ID), map[string]any{"version": round.Version}), http.StatusOK)
	for n, c := range []*client{anna, ben} {
		if r := c.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/rounds/%d/ballots", round.ID), ballot(fmt.Sprint("b", n), map[string]int{"1": 1})); r.Status != http.StatusCreated {
			t.Fatalf("ballot: %d %s", r.Status, r.Body)
		}
	}
	mustJSON[roundJSON](t, orga.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/rounds/%d/close", round.ID), map[string]any{"version": round.Version}), http.StatusOK)

	// The follow-up, through the App: an answer and a unit that look like
	// formulas, and an idea carried into next year's conference.
	ctx := t.Context()
	acc, err := e.store.FindAccountByEmail(ctx, orgaEmail)
	if err != nil {
		t.Fatal(err)
	}
	orgaActor := backend.Actor{Account: acc}
	answer := "-Antwort; mit \"Zitat\"\nZweite Zeile"
	progress, status, unit := 50, backend.IdeaInProgress, "@Amt 61"
	version := mustJSON[ideaJSON](t, orga.Do(t, http.MethodGet, fmt.Sprintf("/api/v1/ideas/%d", html), nil), http.StatusOK).Version
	if _, err := e.app.RecordFollowUp(ctx, orgaActor, html, backend.FollowUpInput{Status: &status, OfficialAnswer: &answer,
		ResponsibleUnit: &unit, Progress: &progress, Version: &version}); err != nil {
		t.Fatal(err)
	}
	orga.MustCreate(t, "folge")
	if _, err := e.app.CarryOver(ctx, orgaActor, "export", backend.CarryOverInput{IdeaIDs: []int64{minus}, Target: "folge"}); err != nil {
		t.Fatal(err)
	}

	t.Run("organisers only", func(t *testing.T) {
		for _, ext := range []string{"csv", "xlsx"} {
			path := "/api/v1/conferences/export/export." + ext
			mustProblem(t, anna.Do(t, http.MethodGet, path, nil), http.StatusForbidden, "forbidden")
			mustProblem(t, visitor.Do(t, http.MethodGet, path, nil), http.StatusUnauthorized, "unauthorized")
			mustProblem(t, orga.Do(t, http.MethodGet, "/api/v1/conferences/gibt-es-nicht/export."+ext, nil), http.StatusNotFound, "not_found")
		}
	})

	var records [][]string
	t.Run("CSV: header, one row per idea, values survive the round trip", func(t *testing.T) {
		records = mustParseExportCSV(t, mustExport(t, orga, "export", "csv", "text/csv"))
		if !slices.Equal(records[0], exportHeader) {
			t.Fatalf("header = %q", records[0])
		}
		rows := records[1:]
		var ids []int64
		byID := map[int64][]string{}
		date := regexp.MustCompile(`^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$`)
		for _, row := range rows {
			if len(row) != len(exportHeader) {
				t.Fatalf("row %q has %d cells, want %d", row, len(row), len(exportHeader))
			}
			id, err := strconv.ParseInt(row[colID], 10, 64)
			if err != nil {
				t.Fatalf("id %q: %v", row[colID], err)
			}
			ids = append(ids, id)
			byID[id] = row
			if !date.MatchString(row[colCreated]) || !date.MatchString(row[colUpdated]) {
				t.Errorf("idea %d: dates %q, %q", id, row[colCreated], row[colUpdated])
			}
			if want := fmt.Sprintf("%s/ideas/%d", exportBaseURL, id); row[colLink] != want {
				t.Errorf("link = %q, want %q", row[colLink], want)
			}
		}
		if want := []int64{hyperlink, plus, minus, at, html, anon, control}; !slices.Equal(ids, want) {
			t.Fatalf("ids = %v, want %v", ids, want)
		}

		got := byID[html]
		want := []string{fmt.Sprint(html), nasty, nastyBody, "Digitalisierung", "Amt 10", "Ben Bussard", "In Umsetzung", "", "",
			"2", "1", "Was zuerst?: Platz 1 von 2, 2 Stimmen", "'" + answer, "'@Amt 61", "50", got[colUpdated], got[colCreated],
			fmt.Sprintf("%s/ideas/%d", exportBaseURL, html)}
		if !slices.Equal(got, want) {
			t.Errorf("row =\n%q, want\n%q", got, want)
		}
		if r := byID[hyperlink][colResults]; r != "Was zuerst?: Platz 2 von 2, 0 Stimmen" {
			t.Errorf("results of the second idea = %q", r)
		}
		if a := byID[anon]; a[colAuthor] != "" || a[colTitle] != "Anonyme Idee" {
			t.Errorf("anonymous idea = %q, want no author", a)
		}
		if a := byID[plus][colAuthor]; a != "Anna Amsel" {
			t.Errorf("author = %q", a)
		}
		if m := byID[minus]; m[colStatus] != "Übernommen" || m[colStatusNote] != "übernommen in „Mitarbeiterkonferenz 2026“ (folge); Status heute: Neu" {
			t.Errorf("carried-out idea = %q", m)
		}
	})

	t.Run("CSV: records end in CRLF, line breaks inside cells are LF", func(t *testing.T) {
		raw := mustExport(t, orga, "export", "csv", "text/csv")
		if n := bytes.Count(raw, []byte("\r\n")); n != len(records) {
			t.Errorf("csv has %d CRLFs, want one per record (%d): a line break inside a cell became CRLF", n, len(records))
		}
		if !bytes.Contains(raw, []byte("</script>\nZweite Zeile")) || !bytes.Contains(raw, []byte("'-Antwort; mit \"\"Zitat\"\"\nZweite Zeile")) {
			t.Errorf("multi-line cells are not written with LF:\n%q", raw)
		}
		if !bytes.HasSuffix(raw, []byte("\r\n")) || bytes.HasSuffix(raw, []byte("\r\n\r\n")) {
			t.Errorf("csv ends in %q, want one CRLF", raw[max(0, len(raw)-10):])
		}
	})
	t.Run("formulas are defused", func(t *testing.T) {
		for id, want := range map[int64][2]string{
			hyperlink: {`'=HYPERLINK("http://evil.example","Klick")`, "'+1 aus dem Amt"},
			plus:      {"'+1 Parkplatz", "'-1 Stellplatz"},
			minus:     {"'-1 weniger Papier", ""},
			at:        {"'@SUM(A1:A3)", ""},
			control:   {"'\t=1+1", "'\n=2+2"}, // line breaks are LF in both formats
		} {
			row := slices.IndexFunc(records, func(r []string) bool { return r[colID] == fmt.Sprint(id) })
			if row < 0 {
				t.Fatalf("no row for idea %d", id)
			}
			if got := records[row][colTitle]; got != want[0] {
				t.Errorf("title = %q, want %q", got, want[0])
			}
			if id != minus && id != at {
				if got := records[row][colBody]; got != want[1] {
					t.Errorf("body = %q, want %q", got, want[1])
				}
			}
		}
	})

	t.Run("XLSX: the same cells, typed and styled", func(t *testing.T) {
		f, rows := mustOpenExportXLSX(t, mustExport(t, orga, "export", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
		if len(rows) != len(records) {
			t.Fatalf("xlsx has %d rows, csv %d", len(rows), len(records))
		}
		for n := range rows {
			if !slices.Equal(rows[n], records[n]) {
				t.Errorf("xlsx row %d =\n%q, csv\n%q", n+1, rows[n], records[n])
			}
		}
		for r := 2; r <= len(rows); r++ {
			for _, col := range []int{colTitle, colBody} {
				cell, _ := excelize.CoordinatesToCellName(col+1, r)
				if fm, err := f.GetCellFormula("Ideen", cell); err != nil || fm != "" {
					t.Errorf("%s has formula %q (%v)", cell, fm, err)
				}
			}
			for _, col := range []int{colID, colSupports, colComments, colProgress, colCreated, colUpdated} {
				cell, _ := excelize.CoordinatesToCellName(col+1, r)
				raw, err := f.GetCellValue("Ideen", cell, excelize.Options{RawCellValue: true})
				if _, perr := strconv.ParseFloat(raw, 64); err != nil || perr != nil {
					t.Errorf("%s = %q, want a number (%v)", cell, raw, err)
				}
			}
		}
		st, err := f.GetCellStyle("Ideen", "A1")
		if err != nil {
			t.Fatal(err)
		}
		if style, err := f.GetStyle(st); err != nil || style.Font == nil || !style.Font.Bold {
			t.Errorf("header style = %+v (%v), want bold", style, err)
		}
		cell, _ := excelize.CoordinatesToCellName(colAnswer+1, 2)
		st, _ = f.GetCellStyle("Ideen", cell)
		if style, err := f.GetStyle(st); err != nil || style.Alignment == nil || !style.Alignment.WrapText {
			t.Errorf("answer style = %+v (%v), want wrapped text", style, err)
		}
		panes, err := f.GetPanes("Ideen")
		if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
			t.Errorf("panes = %+v (%v), want the header row frozen", panes, err)
		}
		last, _ := excelize.CoordinatesToCellName(len(exportHeader), len(rows))
		if tables, err := f.GetTables("Ideen"); err != nil || len(tables) != 1 || tables[0].Range != "A1:"+last {
			t.Errorf("tables = %+v (%v), want one over A1:%s (the header's filter)", tables, err, last)
		}
		if w, err := f.GetColWidth("Ideen", "C"); err != nil || w < 40 {
			t.Errorf("description column width = %v (%v)", w, err)
		}
	})
}

func TestExportLargeConference(t *testing.T) {
	e := MustNewEnv(t)
	orga := e.client()
	orga.MustLogin(t)
	mustMarket(t, orga, "gross")
	ctx := t.Context()
	conf, err := e.store.FindConferenceBySlug(ctx, "gross")
	if err != nil {
		t.Fatal(err)
	}
	const n = 2000
	created := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	items := make([]backend.ImportIdea, n)
	for k := range items {
		items[k] = backend.ImportIdea{Idea: &backend.Idea{ConferenceID: conf.ID, Title: fmt.Sprintf("Idee Nummer %d; „mit“ Zeichen", k+1),
			Body: strings.Repeat("Ein längerer Text über die Verwaltung. ", 20), Topic: "Digitalisierung", AuthorName: "Import",
			Status: backend.IdeaNew, Tags: []string{}, Reviewed: true, ImportedSupports: k % 17,
			CreatedAt: created.Add(time.Duration(k) * time.Minute), UpdatedAt: created.Add(time.Duration(k) * time.Minute)}}
	}
	if err := e.store.ImportIdeas(ctx, conf, items, nil); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	records := mustParseExportCSV(t, mustExport(t, orga, "gross", "csv", "text/csv"))
	t.Logf("csv of %d ideas in %v", n, time.Since(start))
	if len(records) != n+1 {
		t.Fatalf("csv has %d records, want %d", len(records), n+1)
	}
	seen := map[string]bool{}
	for _, r := range records[1:] {
		seen[r[colID]] = true
	}
	if len(seen) != n {
		t.Errorf("%d distinct ids, want %d", len(seen), n)
	}
	if r := records[1]; r[colTitle] != "Idee Nummer 1; „mit“ Zeichen" || r[colSupports] != "0" || r[colCreated] != "04.05.2026 12:00" {
		t.Errorf("first row = %q", r)
	}
	start = time.Now()
	_, rows := mustOpenExportXLSX(t, mustExport(t, orga, "gross", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
	t.Logf("xlsx of %d ideas in %v", n, time.Since(start))
	if len(rows) != n+1 || !slices.Equal(rows[n], records[n]) {
		t.Errorf("xlsx has %d rows; last %q, csv %q", len(rows), rows[len(rows)-1], records[n])
	}
}

package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"slices"
	"strings"
	"testing"

	"ideenmarkt/backend"
)

// part is one part of a multipart form: a file when filename is set, a
// plain field otherwise.
type part struct {
	name, filename string
	data           []byte
}

func file(name, filename string, data []byte) part { return part{name, filename, data} }
func field(name, value string) part                { return part{name: name, data: []byte(value)} }

func multipartBody(tb testing.TB, parts []part) ([]byte, string) {
	tb.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		var err error
		if p.filename != "" {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.name, p.filename))
			h.Set("Content-Type", "text/csv")
			var pw interface{ Write([]byte) (int, error) }
			if pw, err = w.CreatePart(h); err == nil {
				_, err = pw.Write(p.data)
			}
		} else {
			err = w.WriteField(p.name, string(p.data))
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}

// upload posts a multipart import as the SPA does (with the CSRF header).
func (c *client) upload(tb testing.TB, slug string, parts ...part) response {
	tb.Helper()
	body, ct := multipartBody(tb, parts)
	return c.DoWith(tb, http.MethodPost, "/api/v1/conferences/"+slug+"/import", body, func(r *http.Request) { r.Header.Set("Content-Type", ct) })
}

type importResultJSON struct {
	Ideas            int                  `json:"ideas"`
	Comments         int                  `json:"comments"`
	AddedTopics      []string             `json:"addedTopics"`
	AddedDepartments []string             `json:"addedDepartments"`
	Adjusted         []backend.FieldError `json:"adjusted"`
	AdjustedTotal    int                  `json:"adjustedTotal"`
	DryRun           bool                 `json:"dryRun"`
}

func readProposals(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile("../../testdata/proposals/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func ideaTotal(tb testing.TB, c *client, slug string) int {
	tb.Helper()
	return mustJSON[struct{ Total int }](tb, c.Do(tb, http.MethodGet, "/api/v1/conferences/"+slug+"/ideas?limit=1", nil), http.StatusOK).Total
}

// lines returns "line:field:code" of a problem's fields, in order.
func lines(p problem) []string {
	var out []string
	for _, f := range p.Fields {
		out = append(out, fmt.Sprintf("%d:%s:%s", f.Line, f.Field, f.Code))
	}
	return out
}

func TestImportOverHTTP(t *testing.T) {
	e := MustNewEnv(t)
	orga := e.client()
	orga.MustLogin(t)
	code := mustMarket(t, orga, "import")
	member, visitor := e.client(), e.client()
	mustJoin(t, member, "import", code, "Mitglied")
	ideas, comments := readProposals(t, "thf_proposals.csv"), readProposals(t, "thf_comments.csv")
	thf := []part{file("ideas", "thf_proposals.csv", ideas), file("comments", "thf_comments.csv", comments)}
	wantTopics := []string{"Erinnerung", "I ❤ THF", "Mitmachen", "Natur", "Bewirtschaftung", "Freizeit", "Was vergessen?"}

	t.Run("only organisers import", func(t *testing.T) {
		mustProblem(t, visitor.upload(t, "import", thf...), http.StatusUnauthorized, backend.EUNAUTHORIZED)
		mustProblem(t, member.upload(t, "import", thf...), http.StatusUnauthorized, backend.EUNAUTHORIZED)
		mustProblem(t, orga.upload(t, "gibt-es-nicht", thf...), http.StatusNotFound, backend.ENOTFOUND)
		broken := file("ideas", "kaputt.csv", []byte("title\n\"offen\n"))
		mustProblem(t, visitor.upload(t, "import", broken), http.StatusUnauthorized, backend.EUNAUTHORIZED)
		body, ct := multipartBody(t, thf)
		r := orga.DoWith(t, http.MethodPost, "/api/v1/conferences/import/import", body, func(r *http.Request) {
			r.Header.Set("Content-Type", ct)
			r.Header.Del("X-CSRF-Token")
		})
		mustProblem(t, r, http.StatusForbidden, backend.EFORBIDDEN)
		if n := ideaTotal(t, orga, "import"); n != 0 {
			t.Fatalf("%d ideas after refused imports", n)
		}
	})
	t.Run("a dry run checks and writes nothing", func(t *testing.T) {
		res := mustJSON[importResultJSON](t, orga.upload(t, "import", append(slices.Clone(thf), field("dryRun", "true"))...), http.StatusOK)
		if res.Ideas != 340 || res.Comments != 1389 || !res.DryRun || !slices.Equal(res.AddedTopics, wantTopics) {
			t.Fatalf("dry run = %+v", res)
		}
		if n := ideaTotal(t, orga, "import"); n != 0 {
			t.Fatalf("%d ideas after a dry run", n)
		}
		topics := mustJSON[struct{ Topics []string }](t, orga.Do(t, http.MethodGet, "/api/v1/conferences/import", nil), http.StatusOK).Topics
		if !slices.Equal(topics, []string{"Digitalisierung", "Mobilität"}) {
			t.Errorf("topics after a dry run = %q", topics)
		}
	})
	t.Run("form fields of the wrong type are refused, not taken as false", func(t *testing.T) {
		for _, v := range []string{"yes", "ja", "on", "2", "true "} {
			p := mustProblem(t, orga.upload(t, "import", append(slices.Clone(thf), field("dryRun", v))...), http.StatusBadRequest, backend.EINVALID)
			if got := fieldCodes(t, p); !slices.Equal(got, []string{"dryRun:type"}) {
				t.Errorf("dryRun=%q: fields = %v", v, got)
			}
		}
		if n := ideaTotal(t, orga, "import"); n != 0 {
			t.Fatalf("%d ideas imported by a request that asked for a dry run", n)
		}
		res := mustJSON[importResultJSON](t, orga.upload(t, "import", append(slices.Clone(thf), field("dryRun", "1"))...), http.StatusOK)
		if !res.DryRun {
			t.Errorf("dryRun=1: %+v", res)
		}
	})
	t.Run("missing files are a bad request", func(t *testing.T) {
		for name, parts := range map[string][]part{
			"nothing":                    {field("dryRun", "true")},
			"only a comments file":       {file("comments", "thf_comments.csv", comments)},
			"the ideas as a text field":  {field("ideas", "title\nEine Idee\n")},
			"the file under another key": {file("file", "thf_proposals.csv", ideas)},
		} {
			p := mustProblem(t, orga.upload(t, "import", parts...), http.StatusBadRequest, backend.EINVALID)
			if got := fieldCodes(t, p); !slices.Equal(got, []string{"ideas:required"}) {
				t.Errorf("%s: fields = %v", name, got)
			}
		}
		p := mustProblem(t, orga.Do(t, http.MethodPost, "/api/v1/conferences/import/import", map[string]any{"ideas": "title\nX"}), http.StatusBadRequest, backend.EINVALID)
		if got := fieldCodes(t, p); !slices.Equal(got, []string{"ideas:required"}) {
			t.Errorf("JSON body: fields = %v", got)
		}
	})
	t.Run("a file that is not CSV is 422, not 500", func(t *testing.T) {
		png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"), bytes.Repeat([]byte{0xff, 0x00, 0xfe, '"', ',', '\n'}, 2000)...)
		for name, data := range map[string][]byte{
			"a PNG":           png,
			"zeros":           make([]byte, 10000),
			"UTF-16":          []byte("\xff\xfet\x00i\x00t\x00l\x00e\x00\n\x00"),
			"an empty file":   {},
			"JSON":            []byte(`{"title": "Idee"}`),
			"only the header": []byte("title,body\n"),
		} {
			r := orga.upload(t, "import", file("ideas", "daten.csv", data))
			if r.Status >= 500 {
				t.Fatalf("%s: status %d %s", name, r.Status, r.Body)
			}
			p := mustProblem(t, r, http.StatusUnprocessableEntity, backend.EINVALID)
			if len(p.Fields) == 0 || !strings.HasPrefix(p.Fields[0].Field, "ideas") {
				t.Errorf("%s: fields = %v", name, lines(p))
			}
		}
		if n := ideaTotal(t, orga, "import"); n != 0 {
			t.Fatalf("%d ideas", n)
		}
	})
	t.Run("one bad row in the middle: nothing, and that line", func(t *testing.T) {
		csv := "title,body,topic\nEins,Text eins,Neu\n\"Zwei\x07\",\"Text\nüber zwei Zeilen\",Neu\nDrei,\"ab\"\"c\",Neu\nab,,Neu\nFünf,Text,Neu\n"
		p := mustProblem(t, orga.upload(t, "import", file("ideas", "ideen.csv", []byte(csv))), http.StatusUnprocessableEntity, backend.EINVALID)
		if got, want := lines(p), []string{"3:ideas.title:control_char", "6:ideas.title:too_short"}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		csv = "title;body\nEins;Text\nZwei;Text \"mit\" Anführung\nDrei;Text\n"
		p = mustProblem(t, orga.upload(t, "import", file("ideas", "ideen.csv", []byte(csv))), http.StatusUnprocessableEntity, backend.EINVALID)
		if got, want := lines(p), []string{"3:ideas:malformed"}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		// Format problems and rule violations come back together, by file and line.
		ideasCSV := "id,title,supports\n1,Eins,3\n2,Zwei,viele\n3,x,0\n4,\"Vier\x07\",1\n"
		commentsCSV := "comment_id,proposal_id,text,date\nc1,1,Gut,gestern\nc2,9,Wo?,\n"
		p = mustProblem(t, orga.upload(t, "import", file("ideas", "i.csv", []byte(ideasCSV)), file("comments", "c.csv", []byte(commentsCSV))),
			http.StatusUnprocessableEntity, backend.EINVALID)
		want := []string{"3:ideas.supports:not_a_number", "4:ideas.title:too_short", "5:ideas.title:control_char", "2:comments.date:bad_date", "3:comments.idea:unknown"}
		if got := lines(p); !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		if n := ideaTotal(t, orga, "import"); n != 0 {
			t.Fatalf("%d ideas", n)
		}
	})
	t.Run("comments on ideas that are not in the file, with their lines", func(t *testing.T) {
		ideasCSV := "id,title\n1,Erste Idee\n2,Zweite Idee\n"
		commentsCSV := "comment_id,proposal_id,parent_comment_id,text\nc1,1,,Gut\nc2,9,,Wo?\nc3,2,c1,Falsche Idee\nc4,2,fehlt,Ins Leere\n"
		p := mustProblem(t, orga.upload(t, "import", file("ideas", "i.csv", []byte(ideasCSV)), file("comments", "c.csv", []byte(commentsCSV))),
			http.StatusUnprocessableEntity, backend.EINVALID)
		if got, want := lines(p), []string{"3:comments.idea:unknown", "4:comments.parent:other_idea", "5:comments.parent:unknown"}; !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		p = mustProblem(t, orga.upload(t, "import", file("ideas", "i.csv", []byte(ideasCSV)), file("comments", "c.csv", []byte("text\nOhne Idee\n"))),
			http.StatusUnprocessableEntity, backend.EINVALID)
		if got, want := lines(p), []string{"1:comments.idea:missing_column"}; !slices.Equal(got, want) {
			t.Errorf("comments without an idea column: fields = %v, want %v", got, want)
		}
	})
	t.Run("the Tempelhofer Feld files import completely", func(t *testing.T) {
		res := mustJSON[importResultJSON](t, orga.upload(t, "import", thf...), http.StatusOK)
		if res.Ideas != 340 || res.Comments != 1389 || res.DryRun || !slices.Equal(res.AddedTopics, wantTopics) || len(res.AddedDepartments) != 0 ||
			res.AdjustedTotal != 1 || len(res.Adjusted) != 1 || res.Adjusted[0].Line != 191 || res.Adjusted[0].Code != "empty" {
			t.Fatalf("result = %+v", res)
		}
		if n := ideaTotal(t, visitor, "import"); n != 340 {
			t.Fatalf("%d ideas listed, want 340", n)
		}
		top := mustJSON[struct{ Items []ideaStateJSON }](t, visitor.Do(t, http.MethodGet, "/api/v1/conferences/import/ideas?sort=supports&limit=1", nil), http.StatusOK).Items[0]
		got := mustJSON[struct {
			ideaJSON
			CommentCount int    `json:"commentCount"`
			CreatedAt    string `json:"createdAt"`
			Reviewed     bool   `json:"reviewed"`
		}](t, visitor.Do(t, http.MethodGet, ideaPath(top.ID), nil), http.StatusOK)
		if got.Title != "Der Harald Juhnke Weg" || got.Topic != "Erinnerung" || got.SupportCount != 241 || got.CommentCount != 37 ||
			got.CreatedAt != "2015-01-20T21:13:40.531166Z" || got.AuthorName != "" || !got.Reviewed {
			t.Errorf("most supported idea = %+v", got)
		}
		if r := member.Do(t, http.MethodPut, ideaPath(top.ID)+"/support", nil); r.Status != http.StatusOK || mustJSON[struct{ SupportCount int }](t, r, http.StatusOK).SupportCount != 242 {
			t.Errorf("support on an imported idea: %d %s, want 242", r.Status, r.Body)
		}
	})
	t.Run("an archived conference takes no imports", func(t *testing.T) {
		for _, phase := range []string{"live", "closed", "archived"} {
			mustJSON[conferenceJSON](t, orga.Do(t, http.MethodPost, "/api/v1/conferences/import/phase", map[string]any{"phase": phase}), http.StatusOK)
		}
		mustProblem(t, orga.upload(t, "import", thf...), http.StatusConflict, backend.ECONFLICT)
		if n := ideaTotal(t, orga, "import"); n != 340 {
			t.Fatalf("%d ideas, want 340", n)
		}
	})
	t.Run("an upload over 32 MiB is refused before it is read", func(t *testing.T) {
		mustProblem(t, orga.DoTooLarge(t, http.MethodPost, "/api/v1/conferences/import/import", 33<<20), http.StatusRequestEntityTooLarge, backend.EINVALID)
	})
}

func TestImportCIMTOverHTTP(t *testing.T) {
	e := MustNewEnv(t)
	orga := e.client()
	orga.MustLogin(t)
	mustMarket(t, orga, "radverkehr")
	res := mustJSON[importResultJSON](t, orga.upload(t, "radverkehr", file("ideas", "cimt_proposals.csv", readProposals(t, "cimt_proposals.csv"))), http.StatusOK)
	// 4,711 rows: 14 without title and text are skipped, 1,387 titles made
	// from the text and 22 shortened.
	if res.Ideas != 4697 || res.Comments != 0 || res.AdjustedTotal != 1423 || len(res.Adjusted) != 200 || len(res.AddedTopics) != 5 {
		t.Fatalf("result: %d ideas, %d adjusted (%d listed), topics %q", res.Ideas, res.AdjustedTotal, len(res.Adjusted), res.AddedTopics)
	}
	if n := ideaTotal(t, orga, "radverkehr"); n != 4697 {
		t.Fatalf("%d ideas listed, want 4697", n)
	}
	list := mustJSON[struct{ Total int }](t, orga.Do(t, http.MethodGet, "/api/v1/conferences/radverkehr/ideas?limit=1&topic="+strings.ReplaceAll("Krefeld (Krefeld bewegen 2020)", " ", "%20"), nil), http.StatusOK)
	if list.Total != 337 {
		t.Errorf("Krefeld: %d ideas, want 337", list.Total)
	}
}

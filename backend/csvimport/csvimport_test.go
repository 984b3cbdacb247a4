package csvimport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func readAllCSV(t testing.TB, data []byte, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = comma
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func writeCSV(t testing.TB, w io.Writer, recs [][]string, comma rune) {
	t.Helper()
	cw := csv.NewWriter(w)
	cw.Comma = comma
	cw.UseCRLF = true
	if err := cw.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
}

// problems returns err's Errors, failing on any other error.
func problems(t *testing.T, err error) Errors {
	t.Helper()
	if err == nil {
		return nil
	}
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("error %v (%T) is not Errors", err, err)
	}
	for _, e := range es {
		if e.DE == "" || e.EN == "" || e.Line < 1 {
			t.Errorf("incomplete problem %+v", e)
		}
	}
	return es
}

// brief renders problems as "line:code:column" for comparison.
func brief(es Errors) string {
	var parts []string
	for _, e := range es {
		s := strconv.Itoa(e.Line) + ":" + e.Code
		if e.Column != "" {
			s += ":" + e.Column
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestReadIdeasFormats(t *testing.T) {
	d := func(s string) time.Time { return utc(s) }
	for _, c := range []struct {
		name, in string
		want     []Idea
		problems string // brief(Errors)
	}{
		{
			name: "minimal",
			in:   "title\nA\nB\n",
			want: []Idea{{Line: 2, Title: "A"}, {Line: 3, Title: "B"}},
		},
		{
			name: "BOM and CRLF",
			in:   "\uFEFFTitle,Body\r\nA,b\r\n\"C\",\"x\r\ny\"\r\n",
			want: []Idea{{Line: 2, Title: "A", Body: "b"}, {Line: 3, Title: "C", Body: "x\ny"}},
		},
		{
			name: "no final newline",
			in:   "title,supports\nA,3",
			want: []Idea{{Line: 2, Title: "A", Supports: 3}},
		},
		{
			name: "German Excel: semicolons, commas in text",
			in:   "\uFEFFTitel;Beschreibung;Thema;Amt;Autor;Unterstützungen;Datum\r\nRadweg, breiter;\"Text; mit \"\"Zitat\"\"\r\nund Zeilen\";Verkehr;Tiefbauamt;Erika;12;05.03.2015\r\nB;;;;;;\r\n",
			want: []Idea{
				{Line: 2, Title: "Radweg, breiter", Body: "Text; mit \"Zitat\"\nund Zeilen", Topic: "Verkehr", Department: "Tiefbauamt", Author: "Erika", Supports: 12, CreatedAt: d("2015-03-05T00:00:00Z")},
				{Line: 4, Title: "B"},
			},
		},
		{
			name: "tabs",
			in:   "ID\tTitle\tText\tCategory\n7\tA, b; c\t\"x \"\"quoted\"\"\ty\"\tT\n",
			want: []Idea{{Line: 2, Ref: "7", Title: "A, b; c", Body: "x \"quoted\"\ty", Topic: "T"}},
		},
		{
			name: "text kept as it is",
			in:   "title,body\n\"  A  \",\" b\t\"\n",
			want: []Idea{{Line: 2, Title: "  A  ", Body: " b\t"}},
		},
		{
			name: "header names trimmed and case-folded, unknown ignored",
			in:   " TITLE , Überschrift ,extra, Document_ID \nA,B,x,d1\n",
			want: []Idea{{Line: 2, Title: "A", Ref: "d1"}},
		},
		{
			name: "name is the title, not the author",
			in:   "name,autor\nA,Max\n",
			want: []Idea{{Line: 2, Title: "A", Author: "Max"}},
		},
		{
			name: "preferred alias wins",
			in:   "name,text,title,description,id,ref\nN,T,A,D,1,r\n",
			want: []Idea{{Line: 2, Title: "A", Body: "D", Ref: "1"}},
		},
		{
			name: "blank lines are skipped, line numbers stay right",
			in:   "title\n\nA\n\n\nB\n",
			want: []Idea{{Line: 3, Title: "A"}, {Line: 6, Title: "B"}},
		},
		{
			name: "header only",
			in:   "title,body\r\n",
		},
		{
			name:     "completely empty",
			in:       "",
			problems: "1:missing_column:title",
		},
		{
			name:     "only a BOM",
			in:       "\uFEFF",
			problems: "1:missing_column:title",
		},
		{
			name:     "broken quote in the header",
			in:       "title,\"body\nA,b\n",
			problems: "1:malformed",
		},
		{
			name:     "missing title column",
			in:       "id,body\n1,x\n",
			problems: "1:missing_column:title",
		},
		{
			name:     "title twice",
			in:       "Titel,titel\nA,B\n",
			problems: "1:duplicate_column:titel",
		},
		{
			name:     "ragged rows",
			in:       "title,body\nA,\"multi\nline\"\nB,b,extra\nC\nD,d\n",
			want:     []Idea{{Line: 2, Title: "A", Body: "multi\nline"}, {Line: 6, Title: "D", Body: "d"}},
			problems: "4:malformed 5:malformed",
		},
		{
			name:     "bare quote in unquoted field",
			in:       "title,body\nA,5\" screen\nB,b\n",
			want:     []Idea{{Line: 3, Title: "B", Body: "b"}},
			problems: "2:malformed",
		},
		{
			name:     "text after closing quote",
			in:       "title,body\n\"A\"x,b\nB,b\n",
			want:     []Idea{{Line: 3, Title: "B", Body: "b"}},
			problems: "2:malformed",
		},
		{
			name:     "unterminated quote",
			in:       "title,body\nA,\"never closed\nB,b\n",
			problems: "2:malformed",
		},
		{
			name:     "invalid UTF-8 (Windows-1252 from Excel)",
			in:       "title;body;extra\nA;Stra\xdfe;x\nB;b;\xff\n\"C\nc\";\xe4;x\n",
			want:     []Idea{{Line: 3, Title: "B", Body: "b"}}, // the ignored column does not matter
			problems: "2:bad_encoding:body 4:bad_encoding:body",
		},
		{
			name:     "invalid UTF-8 in the header",
			in:       "title,Unterst\xfctzungen\nA,1\n",
			problems: "1:bad_encoding",
		},
		{
			name:     "UTF-16",
			in:       "\xff\xfet\x00i\x00t\x00l\x00e\x00\n\x00",
			problems: "1:bad_encoding",
		},
		{
			name: "supports",
			in:   "title;votes\nA;0\nB;17\nC;\nD; 3 \nE;12.0\nF;12,00\nG;-1\nH;drei\nI;1.5\nJ;1.000\nK;99999999999999999999\nL;+3\n",
			want: []Idea{{Line: 2, Title: "A"}, {Line: 3, Title: "B", Supports: 17}, {Line: 4, Title: "C"},
				{Line: 5, Title: "D", Supports: 3}, {Line: 6, Title: "E", Supports: 12}, {Line: 7, Title: "F", Supports: 12}},
			problems: "8:not_a_number:votes 9:not_a_number:votes 10:not_a_number:votes 11:not_a_number:votes 12:not_a_number:votes 13:not_a_number:votes",
		},
		{
			name: "dates",
			in: "title;created_at\n" +
				"A;2015-03-05T07:13:40.613520\n" +
				"B;2015-03-05T07:13:40+01:00\n" +
				"C;2015-03-05T07:13:40Z\n" +
				"D;2015-03-05 07:13:40\n" +
				"E;2015-03-05\n" +
				"F;05.03.2015\n" +
				"G;5.3.2015 07:13\n" +
				"H;05.03.2015 07:13:40\n" +
				"I;2015-03-05 07:13:40.5+01\n" +
				"J;\n" +
				"K;2015-02-30\n" +
				"L;03/05/2015\n" +
				"M;05.03.15\n" +
				"N;gestern\n",
			want: []Idea{
				{Line: 2, Title: "A", CreatedAt: d("2015-03-05T07:13:40.61352Z")},
				{Line: 3, Title: "B", CreatedAt: d("2015-03-05T06:13:40Z")},
				{Line: 4, Title: "C", CreatedAt: d("2015-03-05T07:13:40Z")},
				{Line: 5, Title: "D", CreatedAt: d("2015-03-05T07:13:40Z")},
				{Line: 6, Title: "E", CreatedAt: d("2015-03-05T00:00:00Z")},
				{Line: 7, Title: "F", CreatedAt: d("2015-03-05T00:00:00Z")},
				{Line: 8, Title: "G", CreatedAt: d("2015-03-05T07:13:00Z")},
				{Line: 9, Title: "H", CreatedAt: d("2015-03-05T07:13:40Z")},
				{Line: 10, Title: "I", CreatedAt: d("2015-03-05T06:13:40.5Z")},
				{Line: 11, Title: "J"},
			},
			problems: "12:bad_date:created_at 13:bad_date:created_at 14:bad_date:created_at 15:bad_date:created_at",
		},
		{
			name:     "several problems in one row, row dropped",
			in:       "title,supports,date\nA,x,y\nB,1,2015-01-01\n",
			want:     []Idea{{Line: 3, Title: "B", Supports: 1, CreatedAt: d("2015-01-01T00:00:00Z")}},
			problems: "2:not_a_number:supports 2:bad_date:date",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ReadIdeas(strings.NewReader(c.in))
			es := problems(t, err)
			if b := brief(es); b != c.problems {
				t.Errorf("problems %q, want %q\n%v", b, c.problems, es)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %d ideas %+v, want %d", len(got), got, len(c.want))
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("idea %d\n got %+v\nwant %+v", i, got[i], c.want[i])
				}
			}
		})
	}
}

func TestReadComments(t *testing.T) {
	in := "Comment_ID;Idea_ID;Parent_ID;Kommentar;Autor;Datum\r\n" +
		"c1;i1;;Gut;Anna;01.02.2024\r\n" +
		"c2;i1;c1;\"Finde ich\r\nauch\";;\r\n" +
		"c3;i2;c2;;;kaputt\r\n"
	got, err := ReadComments(strings.NewReader(in))
	es := problems(t, err)
	if b := brief(es); b != "5:bad_date:Datum" {
		t.Errorf("problems %q", b)
	}
	want := []Comment{
		{Line: 2, Ref: "c1", IdeaRef: "i1", Body: "Gut", Author: "Anna", CreatedAt: utc("2024-02-01T00:00:00Z")},
		{Line: 3, Ref: "c2", IdeaRef: "i1", ParentRef: "c1", Body: "Finde ich\nauch"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("comment %d\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}

	_, err = ReadComments(strings.NewReader("id,author,date\n1,a,\n"))
	if b := brief(problems(t, err)); b != "1:missing_column:idea 1:missing_column:text" {
		t.Errorf("missing columns: %q", b)
	}
	// An ideas file given as comments is told apart by its columns.
	_, err = ReadComments(strings.NewReader("id,title,description\n1,a,b\n"))
	if b := brief(problems(t, err)); b != "1:missing_column:idea 1:missing_column:text" {
		t.Errorf("ideas as comments: %q", b)
	}
}

func TestTooManyRows(t *testing.T) {
	defer func(n int) { maxRows = n }(maxRows)
	maxRows = 3
	got, err := ReadIdeas(strings.NewReader("title\nA\nB\nC\n"))
	if err != nil || len(got) != 3 {
		t.Fatalf("at the limit: %d rows, %v", len(got), err)
	}
	got, err = ReadIdeas(strings.NewReader("title\nA\n\"B\nb\"\nC\nD\nE\n"))
	if b := brief(problems(t, err)); b != "6:too_many_rows" || got != nil {
		t.Errorf("over the limit: %q, %d rows", b, len(got))
	}
}

func TestTooManyErrors(t *testing.T) {
	defer func(n int) { maxErrors = n }(maxErrors)
	maxErrors = 2
	got, err := ReadIdeas(strings.NewReader("title,supports\nA,x\nB,y\nC,1\nD,z\nE,w\n"))
	if b := brief(problems(t, err)); b != "2:not_a_number:supports 3:not_a_number:supports 5:too_many_errors" {
		t.Errorf("problems %q", b)
	}
	if len(got) != 1 || got[0].Title != "C" {
		t.Errorf("rows %+v", got)
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	for _, r := range []io.Reader{
		iotest.ErrReader(boom),
		io.MultiReader(strings.NewReader("title\nA\n"), iotest.ErrReader(boom)),
		// The error after the first 64 KiB, i.e. after the header peek.
		io.MultiReader(strings.NewReader("title\n"+strings.Repeat("A\n", 40000)), iotest.ErrReader(boom)),
	} {
		if _, err := ReadIdeas(r); !errors.Is(err, boom) {
			t.Errorf("err = %v, want boom", err)
		}
	}
	// Readers that return little at a time (network) read the same.
	got, err := ReadIdeas(iotest.OneByteReader(strings.NewReader("titel;text\n\"A\n\";b\nB;c\n")))
	if err != nil || len(got) != 2 || got[0].Body != "b" || got[1].Line != 4 {
		t.Errorf("one byte at a time: %+v, %v", got, err)
	}
}

func TestSeparator(t *testing.T) {
	for in, want := range map[string]rune{
		"title":                  ',',
		"title,body":             ',',
		"title;body":             ';',
		"Titel;Text, kurz;Thema": ';',
		"title\tbody":            '\t',
		"a,b;c":                  ',', // a tie goes to the standard
		"a\tb;c;d":               ';',
	} {
		if got := separator([]byte(in)); got != want {
			t.Errorf("separator(%q) = %q, want %q", in, got, want)
		}
	}
}

// Each name must mean one field only, or a file's meaning would depend on
// the order of our tables.
func TestAliasesUnambiguous(t *testing.T) {
	for _, specs := range [][]column{ideaColumns, commentColumns} {
		seen := map[string]field{}
		for _, s := range specs {
			for _, a := range s.aliases {
				if a != strings.ToLower(strings.TrimSpace(a)) {
					t.Errorf("alias %q not normalised", a)
				}
				if f, ok := seen[a]; ok && f != s.field {
					t.Errorf("alias %q for two fields", a)
				}
				seen[a] = s.field
			}
		}
	}
}

func TestErrorsError(t *testing.T) {
	es := Errors{{Line: 3, Column: "votes", Code: CodeNotANumber, EN: "x is not a number."}, {Line: 4, Code: CodeMalformed, EN: "y"}}
	if got := es.Error(); got != `csvimport: 2 problems, the first: line 3, column "votes": x is not a number.` {
		t.Errorf("Error() = %q", got)
	}
	if got := es[1:].Error(); got != "csvimport: line 4: y" {
		t.Errorf("Error() = %q", got)
	}
}

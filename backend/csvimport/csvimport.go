// Package csvimport reads the CSV files organisers import into an idea market
// (ideas, and optionally their comments) into plain rows with line numbers.
//
// It only parses: it finds the columns by name, converts numbers and dates and
// reports format problems per line, in German and English, so that an
// organiser can fix the file in a spreadsheet. Whether a title is long enough
// or a topic is allowed is decided by the caller (package backend), which gets
// the rows that parsed cleanly even when other lines had problems, so it can
// check them too and report everything at once.
//
// The files come from spreadsheets and from other platforms' exports, so the
// reader accepts what those produce: UTF-8 with or without byte order mark,
// CRLF or LF line ends, fields quoted as in RFC 4180 (with embedded newlines,
// quotes and separators), and comma, semicolon (Excel with German settings) or
// tab as the separator, detected from the header line. Text is passed on as it
// is, untrimmed; the one change is that encoding/csv turns a CRLF inside a
// quoted field into LF, which is what the market stores anyway.
//
// Columns are matched by name, case-insensitively and ignoring surrounding
// spaces; unknown columns are ignored. Recognised names, in order of
// preference (when a file has two of them, the earlier one is used):
//
//	ideas
//	  Ref         id, document_id, ref
//	  Title       title, titel, überschrift, name   (required)
//	  Body        body, description, text, beschreibung, inhalt
//	  Topic       topic, category, process, thema, kategorie
//	  Department  department, bereich, abteilung, amt
//	  Author      author, autor
//	  Supports    supports, rate_pro, unterstützungen, likes, votes
//	  CreatedAt   create_time, created_at, created, datum, date
//	comments
//	  Ref         comment_id, id
//	  IdeaRef     proposal_id, idea_id, idea_ref   (required)
//	  ParentRef   parent_comment_id, parent_id
//	  Body        text, body, comment, kommentar   (required)
//	  Author      author, autor
//	  CreatedAt   create_time, created_at, created, datum, date
//
// "name" means the title and never the author: in the exports we know, an
// idea's "name" is what it is called, and guessing from the other columns
// would make the same header mean different things in different files.
package csvimport

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Idea is one row of an ideas file. Text fields are exactly as in the file.
type Idea struct {
	Line       int    // 1-based line in the file where the record starts (header = line 1)
	Ref        string // the file's own id column, if any (links comments to ideas)
	Title      string
	Body       string // empty when the file has no body column
	Topic      string
	Department string
	Author     string
	Supports   int       // 0 when the column is absent or empty
	CreatedAt  time.Time // zero when absent or empty; always UTC
}

// Comment is one row of a comments file. ParentRef is empty for a top-level
// comment; whether IdeaRef and ParentRef exist is for the caller to check.
type Comment struct {
	Line      int // 1-based line where the record starts (header = line 1)
	Ref       string
	IdeaRef   string
	ParentRef string
	Body      string
	Author    string
	CreatedAt time.Time // zero when absent or empty; always UTC
}

// Problem codes of LineError, stable for callers and clients to switch on.
const (
	CodeMalformed     = "malformed"        // broken quoting or wrong number of fields
	CodeMissingColumn = "missing_column"   // a required column is not in the header
	CodeDuplicate     = "duplicate_column" // the same column name twice
	CodeBadEncoding   = "bad_encoding"     // not UTF-8 (e.g. Excel's "CSV" = Windows-1252)
	CodeNotANumber    = "not_a_number"     // supports is not a whole number ≥ 0
	CodeBadDate       = "bad_date"         // a date in none of the accepted formats
	CodeTooManyRows   = "too_many_rows"    // more than the row limit; nothing was read
	CodeTooManyErrors = "too_many_errors"  // reading stopped after the error limit
)

// LineError is one format problem of a file. DE and EN are complete sentences
// for the organiser without the line number, which the caller shows with Line.
type LineError struct {
	Line   int    `json:"line"`   // 1-based; for a record, the line where it starts
	Column string `json:"column"` // the column's name as written in the file, if it is about one
	Code   string `json:"code"`
	DE     string `json:"de"`
	EN     string `json:"en"`
}

func (e LineError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("line %d, column %q: %s", e.Line, e.Column, e.EN)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.EN)
}

// Errors is every format problem found in a file, sorted by line. It is the
// error ReadIdeas and ReadComments return, so a caller tells it from an I/O
// error with errors.As.
type Errors []LineError

func (es Errors) Error() string {
	switch len(es) {
	case 0:
		return "csvimport: no problems"
	case 1:
		return "csvimport: " + es[0].Error()
	}
	return fmt.Sprintf("csvimport: %d problems, the first: %s", len(es), es[0].Error())
}

// Limits, variables so that tests can lower them. maxRows bounds the memory a
// single upload can take through the number of rows (the bytes per upload are
// bounded by the web layer's body limit); maxErrors keeps the answer about a
// file in a wrong format readable and small.
var (
	maxRows   = 100_000
	maxErrors = 1000
)

// ReadIdeas reads an ideas file. The error is Errors when the file has format
// problems; then the returned ideas are those of the lines without problems
// (none if the problem was with the file as a whole: header, row limit). Any
// other error is one of r.
func ReadIdeas(r io.Reader) ([]Idea, error) {
	return read(r, ideaColumns, func(rw *row) Idea {
		return Idea{
			Line:       rw.line,
			Ref:        rw.text(fRef),
			Title:      rw.text(fTitle),
			Body:       rw.text(fBody),
			Topic:      rw.text(fTopic),
			Department: rw.text(fDepartment),
			Author:     rw.text(fAuthor),
			Supports:   rw.count(fSupports),
			CreatedAt:  rw.date(fCreated),
		}
	})
}

// ReadComments reads a comments file; results and errors as for ReadIdeas.
func ReadComments(r io.Reader) ([]Comment, error) {
	return read(r, commentColumns, func(rw *row) Comment {
		return Comment{
			Line:      rw.line,
			Ref:       rw.text(fRef),
			IdeaRef:   rw.text(fIdeaRef),
			ParentRef: rw.text(fParentRef),
			Body:      rw.text(fBody),
			Author:    rw.text(fAuthor),
			CreatedAt: rw.date(fCreated),
		}
	})
}

// field is a value the rows carry; a column spec maps file columns to it.
type field int

const (
	fRef field = iota
	fTitle
	fBody
	fTopic
	fDepartment
	fAuthor
	fSupports
	fCreated
	fIdeaRef
	fParentRef
	nFields
)

type column struct {
	field    field
	de, en   string   // the field's name in messages
	aliases  []string // lower case, most preferred first
	required bool
}

var createdAliases = []string{"create_time", "created_at", "created", "datum", "date"}

var ideaColumns = []column{
	{fRef, "Kennung", "id", []string{"id", "document_id", "ref"}, false},
	{fTitle, "Titel", "title", []string{"title", "titel", "überschrift", "name"}, true},
	{fBody, "Beschreibung", "body", []string{"body", "description", "text", "beschreibung", "inhalt"}, false},
	{fTopic, "Thema", "topic", []string{"topic", "category", "process", "thema", "kategorie"}, false},
	{fDepartment, "Bereich", "department", []string{"department", "bereich", "abteilung", "amt"}, false},
	{fAuthor, "Autor", "author", []string{"author", "autor"}, false},
	{fSupports, "Unterstützungen", "supports", []string{"supports", "rate_pro", "unterstützungen", "likes", "votes"}, false},
	{fCreated, "Datum", "created", createdAliases, false},
}

var commentColumns = []column{
	{fRef, "Kennung", "id", []string{"comment_id", "id"}, false},
	{fIdeaRef, "Idee", "idea", []string{"proposal_id", "idea_id", "idea_ref"}, true},
	{fParentRef, "Antwort auf", "parent", []string{"parent_comment_id", "parent_id"}, false},
	{fBody, "Text", "text", []string{"text", "body", "comment", "kommentar"}, true},
	{fAuthor, "Autor", "author", []string{"author", "autor"}, false},
	{fCreated, "Datum", "created", createdAliases, false},
}

// importer collects the problems of one file.
type importer struct {
	errs Errors
	full bool // maxErrors reached: stop reading
}

func (im *importer) add(line int, col, code, de, en string) {
	if im.full {
		return
	}
	if len(im.errs) >= maxErrors {
		im.full = true
		im.errs = append(im.errs, LineError{Line: line, Code: CodeTooManyErrors,
			DE: fmt.Sprintf("Mehr als %d Probleme – das Lesen wurde hier abgebrochen. Stimmt das Dateiformat?", maxErrors),
			EN: fmt.Sprintf("More than %d problems – reading stopped here. Is the file format right?", maxErrors)})
		return
	}
	im.errs = append(im.errs, LineError{Line: line, Column: col, Code: code, DE: de, EN: en})
}

// result returns the problems as an error, sorted by line (the order of
// reading already is, except that a record's start line can be before that of
// a problem found earlier inside a long quoted field).
func (im *importer) result() error {
	if len(im.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(im.errs, func(a, b LineError) int { return a.Line - b.Line })
	return im.errs
}

// row is one record being converted; its accessors report problems.
type row struct {
	im     *importer
	line   int
	rec    []string
	header []string
	cols   *[nFields]int // record index of each field, -1 when absent
}

func (rw *row) text(f field) string {
	if i := rw.cols[f]; i >= 0 {
		return rw.rec[i]
	}
	return ""
}

func (rw *row) count(f field) int {
	i := rw.cols[f]
	if i < 0 {
		return 0
	}
	n, ok := parseCount(rw.rec[i])
	if !ok {
		v := excerpt(rw.rec[i])
		rw.im.add(rw.line, rw.header[i], CodeNotANumber,
			fmt.Sprintf("„%s“ ist keine ganze Zahl ab 0.", v),
			fmt.Sprintf("“%s” is not a whole number of 0 or more.", v))
	}
	return n
}

func (rw *row) date(f field) time.Time {
	i := rw.cols[f]
	if i < 0 {
		return time.Time{}
	}
	t, ok := parseDate(rw.rec[i])
	if !ok {
		v := excerpt(rw.rec[i])
		rw.im.add(rw.line, rw.header[i], CodeBadDate,
			fmt.Sprintf("„%s“ ist kein Datum. Möglich sind z. B. 05.03.2015, 05.03.2015 07:13, 2015-03-05 und 2015-03-05T07:13:40Z.", v),
			fmt.Sprintf("“%s” is not a date. Accepted are e.g. 05.03.2015, 05.03.2015 07:13, 2015-03-05 and 2015-03-05T07:13:40Z.", v))
	}
	return t
}

// read is the common part of ReadIdeas and ReadComments: it streams the
// records (nothing but the rows is kept) and calls build for each record
// with the header's number of fields.
func read[T any](r io.Reader, specs []column, build func(*row) T) ([]T, error) {
	var im importer
	// The header line decides the separator, so look at it before
	// encoding/csv does. csv.NewReader uses this bufio.Reader as it is.
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(br.Size())
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		head = head[3:]
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		// Excel's "Unicode Text" is UTF-16; say so rather than report
		// a missing column.
		im.add(1, "", CodeBadEncoding,
			"Die Datei ist UTF-16-kodiert. Bitte in Excel als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern.",
			"The file is encoded in UTF-16. Please save it from Excel as “CSV UTF-8 (comma delimited)”.")
		return nil, im.result()
	}
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}

	cr := csv.NewReader(br)
	cr.Comma = separator(head)
	cr.FieldsPerRecord = -1 // checked here, to report it in both languages
	cr.ReuseRecord = true   // field strings are still fresh per record

	rec, err := cr.Read()
	var pe *csv.ParseError
	switch {
	case err == io.EOF:
		rec = nil
	case errors.As(err, &pe):
		im.add(pe.StartLine, "", CodeMalformed, quoteDE(pe, pe.StartLine), quoteEN(pe, pe.StartLine))
		return nil, im.result()
	case err != nil:
		return nil, err
	}
	headerLine := 1
	if rec != nil {
		headerLine, _ = cr.FieldPos(0)
	}
	header := make([]string, len(rec))
	for i, h := range rec {
		if !utf8.ValidString(h) {
			im.add(headerLine, "", CodeBadEncoding, encodingDE, encodingEN)
			return nil, im.result()
		}
		header[i] = strings.TrimSpace(h)
	}
	cols, ok := mapColumns(&im, headerLine, header, specs)
	if !ok {
		return nil, im.result()
	}

	var rows []T
	rw := row{im: &im, header: header, cols: &cols}
	for n := 1; !im.full; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		line := 0
		switch {
		case errors.As(err, &pe):
			line = pe.StartLine
		case err != nil:
			return nil, err
		default:
			line, _ = cr.FieldPos(0)
		}
		if n > maxRows {
			im.add(line, "", CodeTooManyRows,
				fmt.Sprintf("Die Datei hat mehr als %d Zeilen. Bitte auf mehrere Dateien verteilen.", maxRows),
				fmt.Sprintf("The file has more than %d rows. Please split it into several files.", maxRows))
			return nil, im.result()
		}
		if pe != nil {
			im.add(line, "", CodeMalformed, quoteDE(pe, line), quoteEN(pe, line))
			continue
		}
		if len(rec) != len(header) {
			im.add(line, "", CodeMalformed,
				fmt.Sprintf("Die Zeile hat %s, die Kopfzeile aber %d. Fehlt ein Anführungszeichen um ein Feld mit %s oder Zeilenumbruch?", plural(len(rec), "Feld", "Felder"), len(header), sepDE(cr.Comma)),
				fmt.Sprintf("The line has %s but the header has %d. Is a quote missing around a field containing %s or a line break?", plural(len(rec), "field", "fields"), len(header), sepEN(cr.Comma)))
			continue
		}
		before := len(im.errs)
		for _, i := range cols {
			if i >= 0 && !utf8.ValidString(rec[i]) {
				im.add(line, header[i], CodeBadEncoding, encodingDE, encodingEN)
			}
		}
		rw.line, rw.rec = line, rec
		v := build(&rw)
		if len(im.errs) == before {
			rows = append(rows, v)
		}
	}
	if err := im.result(); err != nil {
		return rows, err
	}
	return rows, nil
}

// separator guesses the separator from the header line: Excel with German
// settings writes ';', "Unicode text" and some tools write tabs.
func separator(header []byte) rune {
	commas := bytes.Count(header, []byte{','})
	semis := bytes.Count(header, []byte{';'})
	tabs := bytes.Count(header, []byte{'\t'})
	switch {
	case tabs > commas && tabs > semis:
		return '\t'
	case semis > commas:
		return ';'
	}
	return ','
}

// mapColumns finds each spec's column in the header; it reports missing
// required columns and names that occur twice.
func mapColumns(im *importer, line int, header []string, specs []column) (cols [nFields]int, ok bool) {
	for i := range cols {
		cols[i] = -1
	}
	lower := make([]string, len(header))
	for i, h := range header {
		lower[i] = strings.ToLower(h)
	}
	ok = true
	for _, s := range specs {
	aliases:
		for _, a := range s.aliases {
			for i, h := range lower {
				if h != a {
					continue
				}
				if cols[s.field] >= 0 {
					im.add(line, header[i], CodeDuplicate,
						fmt.Sprintf("Die Spalte „%s“ kommt zweimal vor; es ist nicht klar, welche gilt.", header[i]),
						fmt.Sprintf("The column “%s” occurs twice; it is not clear which one counts.", header[i]))
					ok = false
					break aliases
				}
				cols[s.field] = i
			}
			if cols[s.field] >= 0 {
				break
			}
		}
		switch {
		case s.required && cols[s.field] < 0 && len(header) == 0:
			im.add(line, s.en, CodeMissingColumn, "Die Datei ist leer.", "The file is empty.")
			return cols, false
		case s.required && cols[s.field] < 0:
			names := strings.Join(s.aliases, ", ")
			im.add(line, s.en, CodeMissingColumn,
				fmt.Sprintf("Die Spalte „%s“ fehlt. Die erste Zeile muss die Spaltennamen enthalten; erkannt werden: %s.", s.de, names),
				fmt.Sprintf("The %s column is missing. The first line must hold the column names; recognised are: %s.", s.en, names))
			ok = false
		}
	}
	return cols, ok
}

const (
	encodingDE = "Der Text ist nicht UTF-8-kodiert. Bitte in Excel als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern, nicht als „CSV (Trennzeichen-getrennt)“."
	encodingEN = "The text is not encoded in UTF-8. Please save from Excel as “CSV UTF-8 (comma delimited)”, not as “CSV (comma delimited)”."
)

// quoteDE and quoteEN explain a csv.ParseError. line is the record's start;
// the error's own line is named when it differs (inside a multi-line field).
// ParseError's column is left out: it counts bytes, not characters, and
// would be wrong on lines with umlauts.
func quoteDE(pe *csv.ParseError, line int) string {
	where := ""
	if pe.Line != line {
		where = fmt.Sprintf(" (in Zeile %d)", pe.Line)
	}
	switch pe.Err {
	case csv.ErrBareQuote:
		return "Ein Anführungszeichen steht in einem Feld, das nicht in Anführungszeichen steht" + where + ". Solche Felder müssen ganz in \"…\" stehen, und \" darin wird verdoppelt (\"\")."
	case csv.ErrQuote:
		return "Ein Anführungszeichen ist nicht geschlossen oder steht an falscher Stelle" + where + ". Nach dem schließenden \" muss das Trennzeichen oder das Zeilenende folgen; \" im Text wird verdoppelt (\"\")."
	}
	return "Die Zeile ist nicht lesbar" + where + ": " + pe.Err.Error()
}

func quoteEN(pe *csv.ParseError, line int) string {
	where := ""
	if pe.Line != line {
		where = fmt.Sprintf(" (on line %d)", pe.Line)
	}
	switch pe.Err {
	case csv.ErrBareQuote:
		return "A quote appears in a field that is not quoted" + where + ". Such a field must be enclosed in \"…\" as a whole, with \" inside doubled (\"\")."
	case csv.ErrQuote:
		return "A quote is not closed or is in the wrong place" + where + ". A closing \" must be followed by the separator or the end of the line; \" inside the text is doubled (\"\")."
	}
	return "The line cannot be read" + where + ": " + pe.Err.Error()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func sepDE(r rune) string {
	switch r {
	case ';':
		return "Semikolon"
	case '\t':
		return "Tabulator"
	}
	return "Komma"
}

func sepEN(r rune) string {
	switch r {
	case ';':
		return "a semicolon"
	case '\t':
		return "a tab"
	}
	return "a comma"
}

// excerpt shortens a value for a message and makes it valid UTF-8.
func excerpt(s string) string {
	s = strings.ToValidUTF8(strings.TrimSpace(s), "\uFFFD")
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return s
}

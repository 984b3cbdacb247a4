package web

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the export's times are German local time, also where the system has no zone data

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"ideenmarkt/backend"
)

// The exports of a conference's ideas for staff (docs/follow-up.md, "Export
// columns"): the same cells as CSV for any spreadsheet program and as XLSX
// with real numbers and dates. Text cells that a spreadsheet could take for
// a formula get a leading apostrophe (csvSafe) in both formats.

// exportKind is how a column's cells are written.
type exportKind int

const (
	exportText exportKind = iota // short text
	exportWrap                   // long text, wrapped in XLSX
	exportInt                    // a whole number
	exportTime                   // a date and time
)

// exportColumn is one column: its German header, its XLSX width (in
// characters) and its kind.
type exportColumn struct {
	header string
	width  float64
	kind   exportKind
}

var exportColumns = []exportColumn{
	{"ID", 8, exportInt},
	{"Titel", 40, exportWrap},
	{"Beschreibung", 60, exportWrap},
	{"Thema", 18, exportText},
	{"Bereich", 18, exportText},
	{"Autor/in", 22, exportText},
	{"Status", 15, exportText},
	{"Statushinweis", 36, exportWrap},
	{"Ausgeblendet", 13, exportText},
	{"Unterstützungen", 16, exportInt},
	{"Kommentare", 12, exportInt},
	{"Abstimmungsergebnisse", 48, exportWrap},
	{"Offizielle Antwort", 60, exportWrap},
	{"Zuständige Stelle", 26, exportText},
	{"Fortschritt (%)", 14, exportInt},
	{"Letzte Aktualisierung", 20, exportTime},
	{"Erstellt", 18, exportTime},
	{"Link", 40, exportText},
}

// exportZone is where the staff reading the export are.
var exportZone = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.UTC
}()

// exportCells returns a row's values in column order: a string, an int, or
// a time.Time (zero: no value).
func (s *Server) exportCells(r *backend.ExportRow) []any {
	hidden := ""
	if r.Hidden {
		hidden = "ja"
	}
	return []any{
		int(r.IdeaID), r.Title, r.Body, r.Topic, r.Department, r.Author, r.StatusLabel, r.StatusNote, hidden,
		r.Supports, r.Comments, r.Results, r.OfficialAnswer, r.ResponsibleUnit, r.Progress,
		r.LastUpdate, r.CreatedAt, strings.TrimRight(s.opts.BaseURL, "/") + r.Path,
	}
}

// exportFilename is "<slug>-ideen-YYYY-MM-DD.<ext>", dated in local time.
func exportFilename(t *backend.ExportTable, ext string) string {
	return t.Conference.Slug + "-ideen-" + t.CreatedAt.In(exportZone).Format("2006-01-02") + "." + ext
}

func (s *Server) exportIdeasCSV(c *fiber.Ctx) error {
	t, err := s.app.ExportIdeas(c.UserContext(), actorOf(c), c.Params("slug"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+exportFilename(t, "csv")+`"`)
	c.Type("csv", "utf-8")
	return c.Send(s.exportCSV(t))
}

// exportCSV writes the table as German spreadsheet programs open it (see
// csvTable), dates as "02.03.2026 09:30".
func (s *Server) exportCSV(t *backend.ExportTable) []byte {
	rows := make([][]string, 0, len(t.Rows)+1)
	header := make([]string, len(exportColumns))
	for n, col := range exportColumns {
		header[n] = col.header
	}
	rows = append(rows, header)
	for i := range t.Rows {
		row := make([]string, len(exportColumns))
		for n, v := range s.exportCells(&t.Rows[i]) {
			switch v := v.(type) {
			case int:
				row[n] = strconv.Itoa(v)
			case time.Time:
				if !v.IsZero() {
					row[n] = v.In(exportZone).Format("02.01.2006 15:04")
				}
			case string:
				row[n] = exportString(v)
			}
		}
		rows = append(rows, row)
	}
	return csvTable(rows)
}

// csvTable writes rows as German spreadsheet programs open them: UTF-8
// with a byte order mark, ";" between cells, CRLF line ends. Line breaks
// inside a cell stay LF, as in the XLSX (encoding/csv's UseCRLF would turn
// them into CRLF too, so each record's end is written here instead).
// Cells must be formula-safe already (exportString).
func csvTable(rows [][]string) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.Comma = ';'
	for _, row := range rows {
		w.Write(row)
		w.Flush() // writes to a bytes.Buffer cannot fail; the record now ends in b with "\n"
		b.Truncate(b.Len() - 1)
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

func (s *Server) exportIdeasXLSX(c *fiber.Ctx) error {
	t, err := s.app.ExportIdeas(c.UserContext(), actorOf(c), c.Params("slug"))
	if err != nil {
		return err
	}
	data, err := s.exportXLSX(t)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+exportFilename(t, "xlsx")+`"`)
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	return c.Send(data)
}

// exportSheet is the name of the XLSX export's one sheet.
const exportSheet = "Ideen"

// exportXLSX writes the table as a workbook of one sheet: a bold, frozen
// header row with a filter, column widths to fit, long texts wrapped,
// numbers as numbers and times as dates. Every text is a string cell (never
// a formula), and defused like in the CSV, so that it stays harmless when
// someone saves the sheet as CSV again.
func (s *Server) exportXLSX(t *backend.ExportTable) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", exportSheet); err != nil {
		return nil, err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: "Ideen: " + t.Conference.Title, Creator: "ideenmarkt", Language: "de-DE"}); err != nil {
		return nil, err
	}
	top := &excelize.Alignment{Vertical: "top"}
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}}})
	if err != nil {
		return nil, err
	}
	dateFmt := "dd.mm.yyyy hh:mm"
	styles := map[exportKind]*excelize.Style{
		exportText: {Alignment: top},
		exportWrap: {Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}},
		exportInt:  {Alignment: top},
		exportTime: {Alignment: top, CustomNumFmt: &dateFmt},
	}
	styleIDs := map[exportKind]int{}
	for k, st := range styles {
		if styleIDs[k], err = f.NewStyle(st); err != nil {
			return nil, err
		}
	}
	sw, err := f.NewStreamWriter(exportSheet)
	if err != nil {
		return nil, err
	}
	for n, col := range exportColumns {
		if err := sw.SetColWidth(n+1, n+1, col.width); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return nil, err
	}
	row := make([]any, len(exportColumns))
	for n, col := range exportColumns {
		row[n] = excelize.Cell{StyleID: header, Value: col.header}
	}
	if err := sw.SetRow("A1", row, excelize.RowOpts{StyleID: header}); err != nil {
		return nil, err
	}
	for i := range t.Rows {
		for n, v := range s.exportCells(&t.Rows[i]) {
			cell := excelize.Cell{StyleID: styleIDs[exportColumns[n].kind]}
			switch v := v.(type) {
			case int:
				cell.Value = v
			case time.Time:
				if !v.IsZero() {
					cell.Value = excelTime(v)
				}
			case string:
				if v != "" {
					cell.Value = exportString(v) // excelize cuts it to the 32,767 characters a cell holds
				}
			}
			row[n] = cell
		}
		ref, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return nil, err
		}
		if err := sw.SetRow(ref, row); err != nil {
			return nil, err
		}
	}
	last, err := excelize.CoordinatesToCellName(len(exportColumns), len(t.Rows)+1)
	if err != nil {
		return nil, err
	}
	// A table gives the header row its filter buttons (and light stripes).
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "Ideenliste", StyleName: "TableStyleLight1"}); err != nil {
		return nil, err
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// exportString is a text cell's content in both formats: defused against
// formulas, then with every line break as LF (what a spreadsheet cell
// holds; a CSV with CRLF line ends would drop a lone CR).
func exportString(s string) string {
	s = csvSafe(s)
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	return s
}

// excelTime is t as German staff read it: spreadsheet times have no zone, so
// the local wall clock is written as is.
func excelTime(t time.Time) time.Time {
	l := t.In(exportZone)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
}

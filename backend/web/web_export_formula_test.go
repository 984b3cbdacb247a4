package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Every text column is defused, not only the ones the main export test
// fills with formulas: topic and department (the organisers' lists), the
// author's name, the rejection reason (Statushinweis), the round title that
// starts the results cell, the answer and the unit.
func TestExportDefusesEveryTextColumn(t *testing.T) {
	e := MustNewEnv(t)
	orga, anna := e.client(), e.client()
	orga.MustLogin(t)
	body := conferenceBody("formeln")
	body["topics"], body["departments"] = []string{"=Thema"}, []string{"@Amt"}
	conf := mustJSON[conferenceJSON](t, orga.Do(t, http.MethodPost, "/api/v1/conferences", body), http.StatusCreated)
	setPhase(t, orga, "formeln", "ideas")
	if r := anna.Do(t, http.MethodPost, "/api/v1/conferences/formeln/join",
		map[string]any{"code": *conf.JoinCode, "displayName": "-Anna Amsel", "department": "@Amt"}); r.Status != http.StatusOK && r.Status != http.StatusCreated {
		t.Fatalf("join: %d %s", r.Status, r.Body)
	}
	idea := mustJSON[ideaJSON](t, anna.Do(t, http.MethodPost, "/api/v1/conferences/formeln/ideas",
		map[string]any{"title": "Kantine", "body": "Länger offen", "topic": "=Thema", "department": "@Amt"}), http.StatusCreated)
	setPhase(t, orga, "formeln", "live")
	s := mustJSON[sessionJSON](t, orga.Do(t, http.MethodPost, "/api/v1/conferences/formeln/sessions", sessionBody("Forum")), http.StatusCreated)
	round := mustJSON[roundJSON](t, orga.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/sessions/%d/rounds", s.ID),
		map[string]any{"title": "+Runde", "method": "single", "ideaIds": []int64{idea.ID}, "labels": []string{"Nichts davon"}}), http.StatusCreated)
	round = mustJSON[roundJSON](t, orga.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/rounds/%d/open", round.ID), map[string]any{"version": round.Version}), http.StatusOK)
	mustJSON[roundJSON](t, orga.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/rounds/%d/close", round.ID), map[string]any{"version": round.Version}), http.StatusOK)
	setPhase(t, orga, "formeln", "closed")
	mustJSON[followUpIdeaJSON](t, orga.Do(t, http.MethodPost, ideaPath(idea.ID)+"/follow-up", map[string]any{"status": "rejected",
		"reason": "=Kein Geld", "officialAnswer": "+Antwort", "responsibleUnit": "-Amt 61", "version": getIdeaVersion(t, orga, idea.ID)}), http.StatusOK)

	csvRows := mustParseExportCSV(t, mustExport(t, orga, "formeln", "csv", "text/csv"))
	_, xlsxRows := mustOpenExportXLSX(t, mustExport(t, orga, "formeln", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
	for format, rows := range map[string][][]string{"csv": csvRows, "xlsx": xlsxRows} {
		if len(rows) != 2 {
			t.Fatalf("%s: %d rows, want header and one idea", format, len(rows))
		}
		row := rows[1]
		for col, want := range map[int]string{colTopic: "'=Thema", colDepartment: "'@Amt", colAuthor: "'-Anna Amsel", colStatusNote: "'=Kein Geld",
			colAnswer: "'+Antwort", colUnit: "'-Amt 61"} {
			if row[col] != want {
				t.Errorf("%s %s = %q, want %q", format, exportHeader[col], row[col], want)
			}
		}
		if !strings.HasPrefix(row[colResults], "'+Runde: Platz") {
			t.Errorf("%s results = %q, want the round title defused", format, row[colResults])
		}
		for col, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("%s %s = %q starts a formula", format, exportHeader[col], cell)
			}
		}
	}
}

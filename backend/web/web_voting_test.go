package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend"
)

type sessionJSON struct {
	ID             int64   `json:"id"`
	Title          string  `json:"title"`
	Room           string  `json:"room"`
	ModeratorIDs   []int64 `json:"moderatorIds"`
	ConferenceSlug string  `json:"conferenceSlug"`
	CanRun         bool    `json:"canRun"`
	Version        int     `json:"version"`
}

type optionJSON struct {
	ID     int    `json:"id"`
	IdeaID *int64 `json:"ideaId"`
	Label  string `json:"label"`
}

type resultsJSON struct {
	State   string `json:"state"`
	Ballots int    `json:"ballots"`
	Options []struct {
		OptionID int    `json:"optionId"`
		Label    string `json:"label"`
		Votes    int    `json:"votes"`
		Rank     int    `json:"rank"`
	} `json:"options"`
}

type roundJSON struct {
	ID       int64          `json:"id"`
	Title    string         `json:"title"`
	Method   string         `json:"method"`
	State    string         `json:"state"`
	Options  []optionJSON   `json:"options"`
	Version  int            `json:"version"`
	CanRun   bool           `json:"canRun"`
	CanVote  bool           `json:"canVote"`
	MyBallot map[string]int `json:"myBallot"`
	Ballots  int            `json:"ballots"`
	Eligible int            `json:"eligible"`
	Results  *resultsJSON   `json:"results"`
}

type receiptJSON struct {
	RoundID        int64          `json:"roundId"`
	ClientBallotID string         `json:"clientBallotId"`
	Outcome        string         `json:"outcome"`
	Values         map[string]int `json:"values"`
	CastAt         time.Time      `json:"castAt"`
}

// votingEnv is a conference on its day with Anna, Ben and the moderator Mia
// (listed in the session), an idea with a hostile title, and one session.
type votingEnv struct {
	e                        *env
	orga, anna, ben, mia     *client
	visitor                  *client
	slug                     string
	confID, ideaID, session  int64
	ideaTitle, sessionTitle  string
	roundPath, ballotsPath   func(id int64) string
	otherSession, otherRound int64 // of a draft conference
}

const hostile = `<img src=x onerror=alert(1)> Robert'); DROP TABLE rounds;--`

func MustVotingEnv(tb testing.TB, e *env) *votingEnv {
	tb.Helper()
	v := &votingEnv{e: e, orga: e.client(), anna: e.client(), ben: e.client(), mia: e.client(), visitor: e.client(), slug: "abstimmung"}
	v.roundPath = func(id int64) string { return fmt.Sprintf("/api/v1/rounds/%d", id) }
	v.ballotsPath = func(id int64) string { return fmt.Sprintf("/api/v1/rounds/%d/ballots", id) }
	v.orga.MustLogin(tb)
	code := mustMarket(tb, v.orga, v.slug)
	mustJoin(tb, v.anna, v.slug, code, "Anna")
	mustJoin(tb, v.ben, v.slug, code, "Ben")
	mustJoin(tb, v.mia, v.slug, code, "Mia")
	makeModerator(tb, v.orga, v.slug, "Mia")
	v.ideaTitle = "<b>Dienstfahrräder</b> & '; DROP TABLE ideas; --"
	v.ideaID = mustJSON[ideaJSON](tb, v.anna.Do(tb, http.MethodPost, "/api/v1/conferences/"+v.slug+"/ideas",
		map[string]any{"title": v.ideaTitle, "topic": "Mobilität"}), http.StatusCreated).ID
	conf := mustJSON[conferenceJSON](tb, v.orga.Do(tb, http.MethodPost, "/api/v1/conferences/"+v.slug+"/phase", map[string]any{"phase": "live"}), http.StatusOK)
	v.confID = conf.ID
	v.sessionTitle = hostile
	s := mustJSON[sessionJSON](tb, v.orga.Do(tb, http.MethodPost, "/api/v1/conferences/"+v.slug+"/sessions",
		sessionBody(v.sessionTitle, membership(tb, v.mia, v.slug).Participant.ID)), http.StatusCreated)
	v.session = s.ID

	v.orga.MustCreate(tb, "entwurf")
	v.otherSession = mustJSON[sessionJSON](tb, v.orga.Do(tb, http.MethodPost, "/api/v1/conferences/entwurf/sessions", sessionBody("Geheim")), http.StatusCreated).ID
	v.otherRound = mustJSON[roundJSON](tb, v.orga.Do(tb, http.MethodPost, fmt.Sprintf("/api/v1/sessions/%d/rounds", v.otherSession),
		map[string]any{"title": "Geheime Runde", "method": "single", "labels": []string{"Ja", "Nein"}}), http.StatusCreated).ID
	return v
}

func sessionBody(title string, moderators ...int64) map[string]any {
	if moderators == nil {
		moderators = []int64{}
	}
	return map[string]any{"title": title, "room": "Saal <1>", "description": "", "startsAt": "2026-11-25T09:00:00+01:00",
		"endsAt": "2026-11-25T10:30:00+01:00", "moderatorIds": moderators}
}

// MustOpenRound creates a round in the session as Mia and opens it.
func (v *votingEnv) MustOpenRound(tb testing.TB, body map[string]any) roundJSON {
	tb.Helper()
	r := mustJSON[roundJSON](tb, v.mia.Do(tb, http.MethodPost, fmt.Sprintf("/api/v1/sessions/%d/rounds", v.session), body), http.StatusCreated)
	return v.MustAct(tb, r, "open", nil)
}

// MustAct runs open, close, reveal or reset on r as Mia with r's version.
func (v *votingEnv) MustAct(tb testing.TB, r roundJSON, action string, extra map[string]any) roundJSON {
	tb.Helper()
	body := map[string]any{"version": r.Version}
	for k, x := range extra {
		body[k] = x
	}
	return mustJSON[roundJSON](tb, v.mia.Do(tb, http.MethodPost, v.roundPath(r.ID)+"/"+action, body), http.StatusOK)
}

func ballot(cid string, values any) map[string]any {
	return map[string]any{"clientBallotId": cid, "values": values}
}

func TestVotingOverHTTP(t *testing.T) {
	e := MustNewEnv(t)
	v := MustVotingEnv(t, e)

	t.Run("titles and labels are stored verbatim and returned as JSON text", func(t *testing.T) {
		r := v.visitor.Do(t, http.MethodGet, "/api/v1/conferences/"+v.slug+"/sessions", nil)
		ag := mustJSON[struct {
			Sessions []sessionJSON `json:"sessions"`
		}](t, r, http.StatusOK)
		if len(ag.Sessions) != 1 || ag.Sessions[0].Title != hostile || ag.Sessions[0].Room != "Saal <1>" || ag.Sessions[0].CanRun {
			t.Fatalf("agenda = %+v, want the session verbatim and not runnable by a visitor", ag.Sessions)
		}
		if r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Error("no nosniff header: a browser might sniff the JSON as HTML")
		}
		body := map[string]any{"title": hostile, "method": "single", "ideaIds": []int64{v.ideaID}, "labels": []string{`<script>alert("x")</script>`, "1; DELETE FROM ballots"}}
		created := mustJSON[roundJSON](t, v.mia.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/sessions/%d/rounds", v.session), body), http.StatusCreated)
		got := mustJSON[roundJSON](t, v.mia.Do(t, http.MethodGet, v.roundPath(created.ID), nil), http.StatusOK)
		labels := []string{got.Options[0].Label, got.Options[1].Label, got.Options[2].Label}
		if got.Title != hostile || !slices.Equal(labels, []string{v.ideaTitle, `<script>alert("x")</script>`, "1; DELETE FROM ballots"}) ||
			got.Options[0].IdeaID == nil || *got.Options[0].IdeaID != v.ideaID {
			t.Fatalf("round = %q %+v, want everything verbatim", got.Title, got.Options)
		}
	})
	t.Run("sessions: 201, 422 per field, 403, 404", func(t *testing.T) {
		r := v.orga.Do(t, http.MethodPost, "/api/v1/conferences/"+v.slug+"/sessions", sessionBody("Zweites Forum"))
		s := mustJSON[sessionJSON](t, r, http.StatusCreated)
		if r.Header.Get("Location") != fmt.Sprintf("/api/v1/sessions/%d", s.ID) || s.ConferenceSlug != v.slug || s.Version != 1 {
			t.Errorf("created %+v at %q", s, r.Header.Get("Location"))
		}
		bad := sessionBody("")
		bad["endsAt"] = "2026-11-25T08:00:00+01:00"
		bad["moderatorIds"] = []int64{membership(t, v.anna, v.slug).Participant.ID}
		p := mustProblem(t, v.orga.Do(t, http.MethodPost, "/api/v1/conferences/"+v.slug+"/sessions", bad), http.StatusUnprocessableEntity, "invalid")
		if got := fieldCodes(t, p); !slices.Equal(got, []string{"endsAt:before_start", "title:required"}) {
			t.Errorf("fields = %v", got)
		}
		mustProblem(t, v.mia.Do(t, http.MethodPost, "/api/v1/conferences/"+v.slug+"/sessions", sessionBody("Von Mia")), http.StatusForbidden, "forbidden")
		mustProblem(t, v.visitor.Do(t, http.MethodPost, "/api/v1/conferences/"+v.slug+"/sessions", sessionBody("Von Gast")), http.StatusUnauthorized, "unauthorized")
		upd := sessionBody("Umbenannt")
		upd["version"] = s.Version
		if got := mustJSON[sessionJSON](t, v.orga.Do(t, http.MethodPatch, fmt.Sprintf("/api/v1/sessions/%d", s.ID), upd), http.StatusOK); got.Version != 2 {
			t.Errorf("patched version = %d, want 2", got.Version)
		}
		mustProblem(t, v.orga.Do(t, http.MethodPatch, fmt.Sprintf("/api/v1/sessions/%d", s.ID), upd), http.StatusConflict, "conflict")
		if r := v.orga.Do(t, http.MethodDelete, fmt.Sprintf("/api/v1/sessions/%d", s.ID), nil); r.Status != http.StatusNoContent {
			t.Errorf("delete: %d %s", r.Status, r.Body)
		}
		mustProblem(t, v.orga.Do(t, http.MethodDelete, fmt.Sprintf("/api/v1/sessions/%d", v.session), nil), http.StatusConflict, "conflict")
	})
	t.Run("404 for ids that are not numbers, not there or of a hidden conference", func(t *testing.T) {
		for _, path := range []string{
			"/api/v1/rounds/abc", "/api/v1/rounds/0", "/api/v1/rounds/-1", "/api/v1/rounds/1.5", "/api/v1/rounds/99999999999999999999",
			"/api/v1/rounds/999999", "/api/v1/rounds/999999/results", "/api/v1/rounds/abc/results.csv",
			"/api/v1/sessions/abc", "/api/v1/sessions/999999/rounds", "/api/v1/ideas/abc/results",
			fmt.Sprintf("/api/v1/sessions/%d", v.otherSession), fmt.Sprintf("/api/v1/sessions/%d/rounds", v.otherSession),
			fmt.Sprintf("/api/v1/rounds/%d", v.otherRound), fmt.Sprintf("/api/v1/rounds/%d/results", v.otherRound),
			"/api/v1/conferences/entwurf/sessions",
		} {
			t.Run(path, func(t *testing.T) {
				mustProblem(t, v.anna.Do(t, http.MethodGet, path, nil), http.StatusNotFound, "not_found")
			})
		}
		for _, path := range []string{"/api/v1/rounds/abc/ballots", "/api/v1/rounds/abc/open", "/api/v1/rounds/999999/close",
			fmt.Sprintf("/api/v1/rounds/%d/ballots", v.otherRound), fmt.Sprintf("/api/v1/rounds/%d/explode", v.otherRound)} {
			t.Run("POST "+path, func(t *testing.T) {
				body := any(ballot("x", map[string]int{"1": 1}))
				if !strings.HasSuffix(path, "/ballots") {
					body = map[string]any{"version": 1}
				}
				mustProblem(t, v.anna.Do(t, http.MethodPost, path, body), http.StatusNotFound, "not_found")
			})
		}
	})

	round := v.MustOpenRound(t, map[string]any{"title": "Welche zuerst?", "method": "single", "labels": []string{"A", "B", "C"}})
	t.Run("ballots: 201 created, 200 same, 409 already voted, 401, 403", func(t *testing.T) {
		r := v.anna.Do(t, http.MethodPost, v.ballotsPath(round.ID), ballot("anna-1", map[string]int{"2": 1}))
		rc := mustJSON[receiptJSON](t, r, http.StatusCreated)
		if rc.Outcome != "created" || rc.ClientBallotID != "anna-1" || rc.Values["2"] != 1 || rc.RoundID != round.ID || rc.CastAt.IsZero() {
			t.Fatalf("receipt = %+v", rc)
		}
		again := mustJSON[receiptJSON](t, v.anna.Do(t, http.MethodPost, v.ballotsPath(round.ID), ballot("anna-1", map[string]int{"2": 1})), http.StatusOK)
		if again.Outcome != "same" || !again.CastAt.Equal(rc.CastAt) {
			t.Errorf("retry = %+v, want same", again)
		}
		p := mustProblem(t, v.anna.Do(t, http.MethodPost, v.ballotsPath(round.ID), ballot("anna-2", map[string]int{"1": 1})), http.StatusConflict, "conflict")
		if !strings.Contains(p.Detail, "already voted") {
			t.Errorf("detail = %q, want already voted", p.Detail)
		}
		mustProblem(t, v.visitor.Do(t, http.MethodPost, v.ballotsPath(round.ID), ballot("gast-1", map[string]int{"1": 1})), http.StatusUnauthorized, "unauthorized")
		mustProblem(t, v.orga.Do(t, http.MethodPost, v.ballotsPath(round.ID), ballot("orga-1", map[string]int{"1": 1})), http.StatusForbidden, "forbidden")
		mine := mustJSON[roundJSON](t, v.anna.Do(t, http.MethodGet, v.roundPath(round.ID), nil), http.StatusOK)
		if mine.MyBallot["2"] != 1 || mine.Ballots != 1 || mine.Eligible != 3 || mine.CanVote != true {
			t.Errorf("anna's view = %+v", mine)
		}
	})
	t.Run("changeable rounds answer 200 replaced", func(t *testing.T) {
		ch := v.MustOpenRound(t, map[string]any{"title": "Änderbar", "method": "single", "labels": []string{"A", "B"}, "changeable": true})
		mustJSON[receiptJSON](t, v.ben.Do(t, http.MethodPost, v.ballotsPath(ch.ID), ballot("ben-1", map[string]int{"1": 1})), http.StatusCreated)
		rc := mustJSON[receiptJSON](t, v.ben.Do(t, http.MethodPost, v.ballotsPath(ch.ID), ballot("ben-2", map[string]int{"2": 1})), http.StatusOK)
		if rc.Outcome != "replaced" || rc.Values["2"] != 1 || len(rc.Values) != 1 {
			t.Errorf("receipt = %+v, want replaced with {2:1}", rc)
		}
	})
	t.Run("bad ballots", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			body   any
			status int
			fields []string
		}{
			{"two choices in a single vote", ballot("b-1", map[string]int{"1": 1, "2": 1}), 422, []string{"values:choose_one"}},
			{"an option the round does not have", ballot("b-2", map[string]int{"4": 1}), 422, []string{"values:unknown_option"}},
			{"no client ballot id", ballot("", map[string]int{"1": 1}), 422, []string{"clientBallotId:required"}},
			{"a client ballot id of 65 characters", ballot(strings.Repeat("x", 65), map[string]int{"1": 1}), 422, []string{"clientBallotId:invalid"}},
			{"a non-ASCII client ballot id", ballot("stimmzettel-ü", map[string]int{"1": 1}), 422, []string{"clientBallotId:invalid"}},
			{"values null", `{"clientBallotId":"b-3","values":null}`, 422, []string{"values:choose_one"}},
			{"a text as value", `{"clientBallotId":"b-4","values":{"1":"x"}}`, 400, []string{"values:type"}},
			{"values as a list", `{"clientBallotId":"b-5","values":[1]}`, 400, []string{"values:type"}},
			{"an option id that is not a number", `{"clientBallotId":"b-6","values":{"eins":1}}`, 400, []string{"values:type"}},
			{"a fraction", `{"clientBallotId":"b-7","values":{"1":0.5}}`, 400, []string{"values:type"}},
			{"a huge option id", `{"clientBallotId":"b-8","values":{"99999999999999999999":1}}`, 400, []string{"values:type"}},
			{"a number as client ballot id", `{"clientBallotId":42,"values":{"1":1}}`, 400, []string{"clientBallotId:type"}},
			{"an unknown field", `{"clientBallotId":"b-9","values":{"1":1},"participantId":1}`, 400, []string{"participantId:unknown"}},
			{"malformed JSON", `{"clientBallotId":"b-10","values":{1:1}}`, 400, []string{"body:malformed"}},
			{"an array", `[]`, 400, []string{"body:malformed"}},
			{"empty", ``, 400, []string{"body:required"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				p := mustProblem(t, v.ben.Do(t, http.MethodPost, v.ballotsPath(round.ID), tt.body), tt.status, "invalid")
				if got := fieldCodes(t, p); !slices.Equal(got, tt.fields) {
					t.Errorf("fields = %v, want %v", got, tt.fields)
				}
			})
		}
		t.Run("a body over 2 MiB", func(t *testing.T) {
			mustProblem(t, v.ben.DoTooLarge(t, http.MethodPost, v.ballotsPath(round.ID), 2<<20+1), http.StatusRequestEntityTooLarge, "invalid")
		})
		if got := mustJSON[roundJSON](t, v.ben.Do(t, http.MethodGet, v.roundPath(round.ID), nil), http.StatusOK); got.Ballots != 1 || got.MyBallot != nil {
			t.Errorf("after bad ballots: %d ballots, ben's %v; want only anna's", got.Ballots, got.MyBallot)
		}
	})
	t.Run("rounds: 422 per field, 409 on illegal moves and stale versions", func(t *testing.T) {
		p := mustProblem(t, v.mia.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/sessions/%d/rounds", v.session),
			map[string]any{"title": "", "method": "lotto", "labels": []string{"nur eine"}}), http.StatusUnprocessableEntity, "invalid")
		if got := fieldCodes(t, p); !slices.Equal(got, []string{"method:invalid", "options:too_few", "title:required"}) {
			t.Errorf("fields = %v", got)
		}
		p = mustProblem(t, v.mia.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/sessions/%d/rounds", v.session),
			map[string]any{"title": "Mit fremder Idee", "method": "single", "ideaIds": []int64{999999}, "labels": []string{"x"}}), http.StatusUnprocessableEntity, "invalid")
		if got := fieldCodes(t, p); !slices.Equal(got, []string{"ideaIds:unknown_idea"}) {
			t.Errorf("fields = %v", got)
		}
		mustProblem(t, v.mia.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/sessions/%d/rounds", v.session),
			map[string]any{"title": "Falscher Typ", "method": "single", "labels": "A, B"}), http.StatusBadRequest, "invalid")
		mustProblem(t, v.anna.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/sessions/%d/rounds", v.session),
			map[string]any{"title": "Von Anna", "method": "single", "labels": []string{"A", "B"}}), http.StatusForbidden, "forbidden")
		mustProblem(t, v.mia.Do(t, http.MethodPost, v.roundPath(round.ID)+"/open", map[string]any{"version": round.Version}), http.StatusConflict, "conflict")
		mustProblem(t, v.mia.Do(t, http.MethodPost, v.roundPath(round.ID)+"/close", map[string]any{"version": round.Version - 1}), http.StatusConflict, "conflict")
		mustProblem(t, v.mia.Do(t, http.MethodPost, v.roundPath(round.ID)+"/reveal", map[string]any{"version": round.Version}), http.StatusConflict, "conflict")
		p = mustProblem(t, v.mia.Do(t, http.MethodPost, v.roundPath(round.ID)+"/reset", map[string]any{"version": round.Version}), http.StatusUnprocessableEntity, "invalid")
		if got := fieldCodes(t, p); !slices.Equal(got, []string{"reason:required"}) {
			t.Errorf("fields = %v", got)
		}
		p = mustProblem(t, v.mia.Do(t, http.MethodPost, v.roundPath(round.ID)+"/open", map[string]any{"version": round.Version, "closeInSeconds": "bald"}), http.StatusBadRequest, "invalid")
		if got := fieldCodes(t, p); !slices.Equal(got, []string{"closeInSeconds:type"}) {
			t.Errorf("fields = %v", got)
		}
		mustProblem(t, v.anna.Do(t, http.MethodPost, v.roundPath(round.ID)+"/close", map[string]any{"version": round.Version}), http.StatusForbidden, "forbidden")
	})
	t.Run("a closed round: 409 for new ballots, 200 same for the retry", func(t *testing.T) {
		round = v.MustAct(t, round, "close", nil)
		mustProblem(t, v.ben.Do(t, http.MethodPost, v.ballotsPath(round.ID), ballot("ben-spaet", map[string]int{"1": 1})), http.StatusConflict, "conflict")
		rc := mustJSON[receiptJSON](t, v.anna.Do(t, http.MethodPost, v.ballotsPath(round.ID), ballot("anna-1", map[string]int{"2": 1})), http.StatusOK)
		if rc.Outcome != "same" {
			t.Errorf("retry after close = %+v, want same", rc)
		}
	})
}

func TestVotingResultsOverHTTP(t *testing.T) {
	e := MustNewEnv(t)
	v := MustVotingEnv(t, e)
	dangerous := []string{`=HYPERLINK("http://evil.example","Klick")`, "+49 30 123", "-1+1", "@SUM(A1)", `Komma, "Zitat" und; Semikolon`}
	body := map[string]any{"title": "Verdeckt", "method": "single", "ideaIds": []int64{v.ideaID}, "labels": dangerous}
	round := v.MustOpenRound(t, body)
	mustJSON[receiptJSON](t, v.anna.Do(t, http.MethodPost, v.ballotsPath(round.ID), ballot("a", map[string]int{"1": 1})), http.StatusCreated)
	mustJSON[receiptJSON](t, v.ben.Do(t, http.MethodPost, v.ballotsPath(round.ID), ballot("b", map[string]int{"2": 1})), http.StatusCreated)
	mustJSON[receiptJSON](t, v.mia.Do(t, http.MethodPost, v.ballotsPath(round.ID), ballot("m", map[string]int{"1": 1})), http.StatusCreated)
	results := v.roundPath(round.ID) + "/results"

	t.Run("hidden: 403 for participants, the tallies for those who run it", func(t *testing.T) {
		for _, c := range []*client{v.anna, v.visitor} {
			mustProblem(t, c.Do(t, http.MethodGet, results, nil), http.StatusForbidden, "forbidden")
			mustProblem(t, c.Do(t, http.MethodGet, results+".csv", nil), http.StatusForbidden, "forbidden")
			if got := mustJSON[roundJSON](t, c.Do(t, http.MethodGet, v.roundPath(round.ID), nil), http.StatusOK); got.Results != nil || got.Ballots != 3 {
				t.Errorf("round view = %+v, want no results and 3 ballots", got)
			}
		}
		for _, c := range []*client{v.mia, v.orga} {
			res := mustJSON[resultsJSON](t, c.Do(t, http.MethodGet, results, nil), http.StatusOK)
			if res.Ballots != 3 || res.Options[0].Votes != 2 || res.Options[0].Rank != 1 {
				t.Errorf("results = %+v, want 3 ballots, 2 for the idea", res)
			}
		}
	})
	t.Run("CSV: BOM, one row per option, formulas defused", func(t *testing.T) {
		r := v.mia.Do(t, http.MethodGet, results+".csv", nil)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
			!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("csv: %d %q %q", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
		}
		data, ok := bytes.CutPrefix(r.Body, []byte("\ufeff"))
		if !ok {
			t.Fatalf("csv does not start with a BOM: %q", r.Body[:min(10, len(r.Body))])
		}
		rd := csv.NewReader(bytes.NewReader(data))
		rd.FieldsPerRecord = -1
		rows, err := rd.ReadAll()
		if err != nil {
			t.Fatalf("csv: %v\n%s", err, data)
		}
		if len(rows) < 2 || rows[0][0] != "rank" || rows[0][1] != "option" {
			t.Fatalf("header = %v", rows[0])
		}
		want := append([]string{v.ideaTitle}, `'=HYPERLINK("http://evil.example","Klick")`, "'+49 30 123", "'-1+1", "'@SUM(A1)", `Komma, "Zitat" und; Semikolon`)
		var got []string
		for _, row := range rows[1:] {
			if len(row) == 12 {
				got = append(got, row[1])
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("option rows = %q, want %q", got, want)
		}
		if rows[1][0] != "1" || rows[1][2] != fmt.Sprint(v.ideaID) || rows[1][3] != "2" {
			t.Errorf("first row = %v, want rank 1, the idea id and 2 votes", rows[1])
		}
		last := rows[len(rows)-1]
		if last[0] != "ballots" || last[1] != "3" {
			t.Errorf("summary row = %v, want the ballots", last)
		}
	})
	t.Run("revealed: results for everyone, also on the idea", func(t *testing.T) {
		round = v.MustAct(t, mustJSON[roundJSON](t, v.mia.Do(t, http.MethodGet, v.roundPath(round.ID), nil), http.StatusOK), "close", nil)
		ideaResults := fmt.Sprintf("/api/v1/ideas/%d/results", v.ideaID)
		if got := mustJSON[struct{ Items []any }](t, v.anna.Do(t, http.MethodGet, ideaResults, nil), http.StatusOK); len(got.Items) != 0 {
			t.Errorf("idea results before reveal = %v, want none", got.Items)
		}
		v.MustAct(t, round, "reveal", nil)
		res := mustJSON[resultsJSON](t, v.visitor.Do(t, http.MethodGet, results, nil), http.StatusOK)
		if res.State != "revealed" || res.Options[0].Votes != 2 {
			t.Errorf("results = %+v", res)
		}
		got := mustJSON[struct {
			Items []struct {
				RoundID int64 `json:"roundId"`
				Votes   int   `json:"votes"`
				Rank    int   `json:"rank"`
			}
		}](t, v.anna.Do(t, http.MethodGet, ideaResults, nil), http.StatusOK)
		if len(got.Items) != 1 || got.Items[0].RoundID != round.ID || got.Items[0].Votes != 2 || got.Items[0].Rank != 1 {
			t.Errorf("idea results = %+v", got.Items)
		}
	})
	t.Run("a reset needs a reason and is audited", func(t *testing.T) {
		cur := mustJSON[roundJSON](t, v.mia.Do(t, http.MethodGet, v.roundPath(round.ID), nil), http.StatusOK)
		got := v.MustAct(t, cur, "reset", map[string]any{"reason": "Falsche Optionen"})
		if got.State != "draft" || got.Ballots != 0 {
			t.Errorf("after reset: %s with %d ballots", got.State, got.Ballots)
		}
		audit := mustJSON[struct {
			Items []struct{ Action, Reason string }
		}](t, v.orga.Do(t, http.MethodGet, "/api/v1/conferences/"+v.slug+"/audit", nil), http.StatusOK)
		if len(audit.Items) == 0 || audit.Items[0].Action != backend.AuditResetVote || audit.Items[0].Reason != "Falsche Optionen" {
			t.Errorf("audit = %+v", audit.Items)
		}
		mustProblem(t, v.anna.Do(t, http.MethodGet, results, nil), http.StatusNotFound, "not_found")
	})
}

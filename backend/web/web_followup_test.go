package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"ideenmarkt/backend"
)

// followUpIdeaJSON is an idea with the follow-up fields.
type followUpIdeaJSON struct {
	ID              int64  `json:"id"`
	ConferenceID    int64  `json:"conferenceId"`
	ConferenceSlug  string `json:"conferenceSlug"`
	Title           string `json:"title"`
	Status          string `json:"status"`
	StatusReason    string `json:"statusReason"`
	OfficialAnswer  string `json:"officialAnswer"`
	ResponsibleUnit string `json:"responsibleUnit"`
	Progress        int    `json:"progress"`
	SupportCount    int    `json:"supportCount"`
	Mine            bool   `json:"mine"`
	Supported       bool   `json:"supported"`
	Version         int    `json:"version"`
}

type timelineJSON struct {
	Entries []struct {
		ID                    int64   `json:"id"`
		Kind                  string  `json:"kind"`
		AuthorName            string  `json:"authorName"`
		FromStatus            string  `json:"fromStatus"`
		ToStatus              string  `json:"toStatus"`
		Reason                string  `json:"reason"`
		OfficialAnswer        *string `json:"officialAnswer"`
		Progress              *int    `json:"progress"`
		Note                  string  `json:"note"`
		ConferenceSlug        string  `json:"conferenceSlug"`
		TargetConferenceSlug  string  `json:"targetConferenceSlug"`
		TargetConferenceTitle string  `json:"targetConferenceTitle"`
	} `json:"entries"`
	Stages []struct {
		ConferenceSlug       string `json:"conferenceSlug"`
		Status               string `json:"status"`
		Supports             int    `json:"supports"`
		TargetConferenceSlug string `json:"targetConferenceSlug"`
	} `json:"stages"`
}

type myIdeasJSON struct {
	Items []struct {
		followUpIdeaJSON
		ConferenceTitle string `json:"conferenceTitle"`
		Latest          *struct {
			Kind string `json:"kind"`
		} `json:"latest"`
	} `json:"items"`
}

type outcomesJSON struct {
	Conference conferenceJSON `json:"conference"`
	Groups     []struct {
		Status string             `json:"status"`
		Ideas  []followUpIdeaJSON `json:"ideas"`
	} `json:"groups"`
	CarriedOver []struct {
		followUpIdeaJSON
		Stage struct {
			Status   string `json:"status"`
			Supports int    `json:"supports"`
		} `json:"stage"`
		TargetConferenceSlug  string `json:"targetConferenceSlug"`
		TargetConferenceTitle string `json:"targetConferenceTitle"`
	} `json:"carriedOver"`
}

func setPhase(tb testing.TB, orga *client, slug string, phases ...string) {
	tb.Helper()
	for _, p := range phases {
		mustJSON[conferenceJSON](tb, orga.Do(tb, http.MethodPost, "/api/v1/conferences/"+slug+"/phase", map[string]any{"phase": p}), http.StatusOK)
	}
}

func getIdeaVersion(tb testing.TB, c *client, id int64) int {
	tb.Helper()
	return mustJSON[followUpIdeaJSON](tb, c.Do(tb, http.MethodGet, ideaPath(id), nil), http.StatusOK).Version
}

func TestFollowUpOverHTTP(t *testing.T) {
	e := MustNewEnv(t)
	orga := e.client()
	orga.MustLogin(t)
	code := mustMarket(t, orga, "alt")
	anna, ben, visitor := e.client(), e.client(), e.client()
	mustJoin(t, anna, "alt", code, "Anna")
	mustJoin(t, ben, "alt", code, "Ben")
	submit := func(c *client, slug, title string) ideaJSON {
		return mustJSON[ideaJSON](t, c.Do(t, http.MethodPost, "/api/v1/conferences/"+slug+"/ideas", map[string]any{"title": title, "topic": "Mobilität"}), http.StatusCreated)
	}
	idea := submit(anna, "alt", "Jobticket für alle")
	if r := ben.Do(t, http.MethodPut, ideaPath(idea.ID)+"/support", nil); r.Status != http.StatusOK {
		t.Fatalf("support: %d %s", r.Status, r.Body)
	}
	setPhase(t, orga, "alt", "live", "closed")
	path := ideaPath(idea.ID) + "/follow-up"

	t.Run("an organiser answers; markup and SQL are kept as text", func(t *testing.T) {
		answer := `<script>alert("x")</script> '; DROP TABLE ideas; -- **Wird geprüft**`
		got := mustJSON[followUpIdeaJSON](t, orga.Do(t, http.MethodPost, path, map[string]any{"status": "in_progress",
			"officialAnswer": answer, "responsibleUnit": " Amt 61 ", "progress": 40, "version": idea.Version}), http.StatusOK)
		if got.Status != "in_progress" || got.OfficialAnswer != answer || got.ResponsibleUnit != "Amt 61" || got.Progress != 40 || got.Version != idea.Version+1 {
			t.Fatalf("after follow-up: %+v", got)
		}
		again := mustJSON[followUpIdeaJSON](t, visitor.Do(t, http.MethodGet, ideaPath(idea.ID), nil), http.StatusOK)
		if again.OfficialAnswer != answer || again.Progress != 40 {
			t.Fatalf("GET idea after follow-up: %+v", again)
		}
	})
	t.Run("who may", func(t *testing.T) {
		v := getIdeaVersion(t, visitor, idea.ID)
		body := map[string]any{"status": "accepted", "version": v}
		mustProblem(t, anna.Do(t, http.MethodPost, path, body), http.StatusForbidden, backend.EFORBIDDEN)
		mustProblem(t, visitor.Do(t, http.MethodPost, path, body), http.StatusUnauthorized, backend.EUNAUTHORIZED)
		mustProblem(t, orga.Do(t, http.MethodPost, "/api/v1/ideas/987654/follow-up", body), http.StatusNotFound, backend.ENOTFOUND)
		mustProblem(t, orga.Do(t, http.MethodPost, "/api/v1/ideas/abc/follow-up", body), http.StatusNotFound, backend.ENOTFOUND)
		r := orga.DoWith(t, http.MethodPost, path, body, func(req *http.Request) { req.Header.Del("X-CSRF-Token") })
		mustProblem(t, r, http.StatusForbidden, backend.EFORBIDDEN)
	})
	t.Run("stale version is 409, missing version 422", func(t *testing.T) {
		p := mustProblem(t, orga.Do(t, http.MethodPost, path, map[string]any{"status": "accepted", "version": idea.Version}), http.StatusConflict, backend.ECONFLICT)
		if p.Detail == "" {
			t.Error("conflict without a detail")
		}
		p = mustProblem(t, orga.Do(t, http.MethodPost, path, map[string]any{"status": "accepted"}), http.StatusUnprocessableEntity, backend.EINVALID)
		if got := fieldCodes(t, p); !slices.Equal(got, []string{"version:required"}) {
			t.Fatalf("fields = %v, want version:required", got)
		}
	})
	t.Run("nasty bodies", func(t *testing.T) {
		v := getIdeaVersion(t, visitor, idea.ID)
		body := func(kv ...any) map[string]any {
			b := map[string]any{"version": v}
			for k := 0; k < len(kv); k += 2 {
				b[kv[k].(string)] = kv[k+1]
			}
			return b
		}
		cases := append(slices.Clone(bodyCases), []nasty{
			{"rejected without a reason", body("status", "rejected"), 422, []string{"reason:required"}},
			{"rejected with a blank reason", body("status", "rejected", "reason", " \n "), 422, []string{"reason:required"}},
			{"rejected with progress", body("status", "rejected", "reason", "Kein Geld", "progress", 10), 422, []string{"progress:not_allowed"}},
			{"merged is set by merging", body("status", "merged"), 422, []string{"status:not_allowed"}},
			{"an unknown status", body("status", "erledigt"), 422, []string{"status:invalid"}},
			{"SQL as status", body("status", "new'; DROP TABLE ideas; --"), 422, []string{"status:invalid"}},
			{"progress 101", body("progress", 101), 422, []string{"progress:out_of_range"}},
			{"progress as text", body("progress", "viel"), 400, []string{"progress:type"}},
			{"progress as fraction", body("progress", 12.5), 400, []string{"progress:type"}},
			{"version as text", `{"version":"3","status":"accepted"}`, 400, []string{"version:type"}},
			{"status as number", body("status", 3), 400, []string{"status:type"}},
			{"answer as object", body("officialAnswer", map[string]any{"de": "x"}), 400, []string{"officialAnswer:type"}},
			{"an unknown field", body("accountId", 1), 400, []string{"accountId:unknown"}},
			{"a 10,001-character answer", body("officialAnswer", strings.Repeat("ü", 10001)), 422, []string{"officialAnswer:too_long"}},
			{"1.9 MiB of answer is a validation error", body("officialAnswer", strings.Repeat("x", 1900<<10)), 422, []string{"officialAnswer:too_long"}},
			{"a 201-character unit", body("responsibleUnit", strings.Repeat("x", 201)), 422, []string{"responsibleUnit:too_long"}},
			{"a 2,001-character reason", body("status", "rejected", "reason", strings.Repeat("r", 2001)), 422, []string{"reason:too_long"}},
			{"a 2,001-character note", body("note", strings.Repeat("n", 2001)), 422, []string{"note:too_long"}},
			{"a NUL escape in the answer", body("officialAnswer", "a\u0000b"), 422, []string{"officialAnswer:control_char"}},
			{"a line break in the unit", body("responsibleUnit", "Amt\n61"), 422, []string{"responsibleUnit:control_char"}},
			{"nothing changes", body("status", "in_progress", "progress", 40), 422, []string{"body:unchanged"}},
			{"only a version", body(), 422, []string{"body:unchanged"}},
		}...)
		runNasty(t, orga, http.MethodPost, path, cases)
		if got := getIdeaVersion(t, visitor, idea.ID); got != v {
			t.Fatalf("version after refused requests = %d, want %d", got, v)
		}
	})
	t.Run("concurrent follow-ups: one wins, the rest are 409, no entry lost", func(t *testing.T) {
		v := getIdeaVersion(t, visitor, idea.ID)
		before := mustJSON[timelineJSON](t, visitor.Do(t, http.MethodGet, ideaPath(idea.ID)+"/timeline", nil), http.StatusOK)
		const n = 12
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for k := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := orga.try(http.MethodPost, path, map[string]any{"progress": 50 + k, "note": fmt.Sprint("Schritt ", k), "version": v}, nil)
				if err != nil {
					t.Error(err)
					return
				}
				statuses[k] = r.Status
			}()
		}
		wg.Wait()
		ok, conflicts := 0, 0
		for _, st := range statuses {
			switch st {
			case http.StatusOK:
				ok++
			case http.StatusConflict:
				conflicts++
			}
		}
		if ok != 1 || conflicts != n-1 {
			t.Fatalf("statuses %v: %d ok, %d conflicts; want 1 and %d", statuses, ok, conflicts, n-1)
		}
		after := mustJSON[timelineJSON](t, visitor.Do(t, http.MethodGet, ideaPath(idea.ID)+"/timeline", nil), http.StatusOK)
		if len(after.Entries) != len(before.Entries)+1 {
			t.Fatalf("timeline grew from %d to %d entries, want exactly one more", len(before.Entries), len(after.Entries))
		}
		won := mustJSON[followUpIdeaJSON](t, visitor.Do(t, http.MethodGet, ideaPath(idea.ID), nil), http.StatusOK)
		last := after.Entries[len(after.Entries)-1]
		if last.Progress == nil || *last.Progress != won.Progress || last.Note != fmt.Sprint("Schritt ", won.Progress-50) {
			t.Fatalf("last entry %+v does not match the idea's progress %d", last, won.Progress)
		}
	})
	t.Run("rejection with reason, then the timeline", func(t *testing.T) {
		v := getIdeaVersion(t, visitor, idea.ID)
		got := mustJSON[followUpIdeaJSON](t, orga.Do(t, http.MethodPost, path, map[string]any{"status": "rejected", "reason": "Kein Budget", "version": v}), http.StatusOK)
		if got.Status != "rejected" || got.StatusReason != "Kein Budget" {
			t.Fatalf("after rejection: %+v", got)
		}
		r := anna.Do(t, http.MethodGet, ideaPath(idea.ID)+"/timeline", nil)
		tl := mustJSON[timelineJSON](t, r, http.StatusOK)
		if strings.Contains(string(r.Body), "accountId") || strings.Contains(string(r.Body), orgaEmail) {
			t.Fatalf("timeline leaks the organiser's account: %s", r.Body)
		}
		first, last := tl.Entries[0], tl.Entries[len(tl.Entries)-1]
		if first.FromStatus != "new" || first.ToStatus != "in_progress" || first.AuthorName != "Orga" || first.ConferenceSlug != "alt" {
			t.Errorf("first entry = %+v", first)
		}
		if last.ToStatus != "rejected" || last.Reason != "Kein Budget" {
			t.Errorf("last entry = %+v", last)
		}
		if tl.Stages == nil {
			t.Error("stages = null, want []")
		}
		mustProblem(t, visitor.Do(t, http.MethodGet, "/api/v1/ideas/987654/timeline", nil), http.StatusNotFound, backend.ENOTFOUND)
	})
	t.Run("archived conferences refuse", func(t *testing.T) {
		setPhase(t, orga, "alt", "archived")
		defer setPhase(t, orga, "alt", "closed")
		v := getIdeaVersion(t, visitor, idea.ID)
		mustProblem(t, orga.Do(t, http.MethodPost, path, map[string]any{"note": "x", "version": v}), http.StatusConflict, backend.ECONFLICT)
	})
}

func TestCarryOverOverHTTP(t *testing.T) {
	e := MustNewEnv(t)
	orga := e.client()
	orga.MustLogin(t)
	code := mustMarket(t, orga, "alt")
	otherCode := mustMarket(t, orga, "andere")
	anna, ben, visitor := e.client(), e.client(), e.client()
	mustJoin(t, anna, "alt", code, "Anna")
	mustJoin(t, ben, "alt", code, "Ben")
	mustJoin(t, anna, "andere", otherCode, "Anna")
	submit := func(c *client, slug, title string) ideaJSON {
		return mustJSON[ideaJSON](t, c.Do(t, http.MethodPost, "/api/v1/conferences/"+slug+"/ideas", map[string]any{"title": title, "topic": "Mobilität"}), http.StatusCreated)
	}
	open := submit(anna, "alt", "Offene Idee zum Radverkehr")
	done := submit(ben, "alt", "Erledigte Idee")
	anon := mustJSON[ideaJSON](t, anna.Do(t, http.MethodPost, "/api/v1/conferences/alt/ideas",
		map[string]any{"title": "Anonymer Vorschlag", "topic": "Mobilität", "anonymous": true}), http.StatusCreated)
	foreign := submit(anna, "andere", "Idee in der anderen Konferenz")
	if r := anna.Do(t, http.MethodPut, ideaPath(done.ID)+"/support", nil); r.Status != http.StatusOK {
		t.Fatalf("support: %d %s", r.Status, r.Body)
	}
	setPhase(t, orga, "alt", "live", "closed")
	mustJSON[followUpIdeaJSON](t, orga.Do(t, http.MethodPost, ideaPath(done.ID)+"/follow-up",
		map[string]any{"status": "implemented", "officialAnswer": "Umgesetzt.", "version": getIdeaVersion(t, orga, done.ID)}), http.StatusOK)
	orga.MustCreate(t, "neu") // draft: the target
	mustMarket(t, orga, "laeuft")
	setPhase(t, orga, "laeuft", "live")
	mustMarket(t, orga, "vorbei")
	setPhase(t, orga, "vorbei", "live", "closed")
	path := "/api/v1/conferences/alt/carry-over"

	t.Run("who may", func(t *testing.T) {
		body := map[string]any{"ideaIds": []int64{open.ID}, "target": "neu"}
		mustProblem(t, anna.Do(t, http.MethodPost, path, body), http.StatusForbidden, backend.EFORBIDDEN)
		mustProblem(t, visitor.Do(t, http.MethodPost, path, body), http.StatusUnauthorized, backend.EUNAUTHORIZED)
		mustProblem(t, orga.Do(t, http.MethodPost, "/api/v1/conferences/gibt-es-nicht/carry-over", body), http.StatusNotFound, backend.ENOTFOUND)
		mustProblem(t, orga.Do(t, http.MethodPost, "/api/v1/conferences/neu/carry-over", map[string]any{"ideaIds": []int64{open.ID}, "target": "alt"}),
			http.StatusConflict, backend.ECONFLICT) // out of a draft
	})
	t.Run("nasty bodies", func(t *testing.T) {
		cases := append(slices.Clone(bodyCases), []nasty{
			{"into a live conference", map[string]any{"ideaIds": []int64{open.ID}, "target": "laeuft"}, 422, []string{"target:phase"}},
			{"into a closed conference", map[string]any{"ideaIds": []int64{open.ID}, "target": "vorbei"}, 422, []string{"target:phase"}},
			{"into itself", map[string]any{"ideaIds": []int64{open.ID}, "target": "alt"}, 422, []string{"target:same"}},
			{"into nowhere", map[string]any{"ideaIds": []int64{open.ID}, "target": "'; DROP TABLE conferences; --"}, 422, []string{"target:unknown"}},
			{"no target, no ideas", map[string]any{}, 422, []string{"ideaIds:required", "target:required"}},
			{"an empty list", map[string]any{"ideaIds": []int64{}, "target": "neu"}, 422, []string{"ideaIds:required"}},
			{"another conference's idea", map[string]any{"ideaIds": []int64{open.ID, foreign.ID}, "target": "neu"}, 422, []string{"ideaIds.1:unknown"}},
			{"unknown, negative and finished ideas", map[string]any{"ideaIds": []int64{987654, -1, done.ID, open.ID}, "target": "neu"}, 422,
				[]string{"ideaIds.0:unknown", "ideaIds.1:unknown", "ideaIds.2:finished"}},
			{"too many ideas", map[string]any{"ideaIds": make([]int64, 1001), "target": "neu"}, 422, []string{"ideaIds:too_many"}},
			{"ids as text", `{"ideaIds":"1,2","target":"neu"}`, 400, []string{"ideaIds:type"}},
			{"fractional ids", `{"ideaIds":[1.5],"target":"neu"}`, 400, []string{"ideaIds:type"}},
			{"target as number", map[string]any{"ideaIds": []int64{open.ID}, "target": 3}, 400, []string{"target:type"}},
			{"a 2,001-character note", map[string]any{"ideaIds": []int64{open.ID}, "target": "neu", "note": strings.Repeat("n", 2001)}, 422, []string{"note:too_long"}},
		}...)
		runNasty(t, orga, http.MethodPost, path, cases)
		if got := mustJSON[followUpIdeaJSON](t, orga.Do(t, http.MethodGet, ideaPath(open.ID), nil), http.StatusOK); got.ConferenceSlug != "alt" {
			t.Fatalf("after refused carry-overs the idea is in %q, want alt", got.ConferenceSlug)
		}
	})
	t.Run("carries over, duplicates once", func(t *testing.T) {
		got := mustJSON[struct {
			Carried int     `json:"carried"`
			Target  string  `json:"target"`
			IdeaIDs []int64 `json:"ideaIds"`
		}](t, orga.Do(t, http.MethodPost, path, map[string]any{"ideaIds": []int64{open.ID, anon.ID, open.ID}, "target": "neu", "note": "<b>Weiter</b>"}), http.StatusOK)
		if got.Carried != 2 || got.Target != "neu" || !slices.Equal(got.IdeaIDs, []int64{open.ID, anon.ID}) {
			t.Fatalf("carry-over = %+v", got)
		}
		p := mustProblem(t, orga.Do(t, http.MethodPost, path, map[string]any{"ideaIds": []int64{open.ID}, "target": "neu"}), http.StatusUnprocessableEntity, backend.EINVALID)
		if f := fieldCodes(t, p); !slices.Equal(f, []string{"ideaIds.0:unknown"}) {
			t.Fatalf("carrying a moved idea again: fields %v, want ideaIds.0:unknown", f)
		}
		tl := mustJSON[timelineJSON](t, anna.Do(t, http.MethodGet, ideaPath(open.ID)+"/timeline", nil), http.StatusOK)
		if len(tl.Entries) != 1 || tl.Entries[0].Kind != "carried_over" || tl.Entries[0].Note != "<b>Weiter</b>" || tl.Entries[0].TargetConferenceSlug != "" ||
			len(tl.Stages) != 1 || tl.Stages[0].ConferenceSlug != "alt" || tl.Stages[0].Status != "new" {
			t.Fatalf("participant's timeline (draft target unnamed) = %+v", tl)
		}
		tl = mustJSON[timelineJSON](t, orga.Do(t, http.MethodGet, ideaPath(open.ID)+"/timeline", nil), http.StatusOK)
		if tl.Entries[0].TargetConferenceSlug != "neu" || tl.Stages[0].TargetConferenceSlug != "neu" {
			t.Fatalf("organiser's timeline = %+v", tl)
		}
	})
	t.Run("outcomes", func(t *testing.T) {
		o := mustJSON[outcomesJSON](t, visitor.Do(t, http.MethodGet, "/api/v1/conferences/alt/outcomes", nil), http.StatusOK)
		var groups []string
		for _, g := range o.Groups {
			groups = append(groups, fmt.Sprintf("%s:%d", g.Status, len(g.Ideas)))
		}
		if want := []string{"new:0", "in_review:0", "accepted:0", "in_progress:0", "implemented:1", "rejected:0"}; !slices.Equal(groups, want) {
			t.Fatalf("groups %v, want %v", groups, want)
		}
		if o.Conference.Slug != "alt" || o.Conference.JoinCode != nil || o.Groups[4].Ideas[0].OfficialAnswer != "Umgesetzt." {
			t.Fatalf("outcomes = %+v", o)
		}
		if len(o.CarriedOver) != 2 || o.CarriedOver[0].Stage.Status != "new" || o.CarriedOver[0].TargetConferenceSlug != "" {
			t.Fatalf("carried over (visitor) = %+v", o.CarriedOver)
		}
		o = mustJSON[outcomesJSON](t, orga.Do(t, http.MethodGet, "/api/v1/conferences/alt/outcomes", nil), http.StatusOK)
		if o.CarriedOver[0].TargetConferenceSlug != "neu" || o.CarriedOver[0].ConferenceSlug != "neu" {
			t.Fatalf("carried over (organiser) = %+v", o.CarriedOver)
		}
		mustProblem(t, visitor.Do(t, http.MethodGet, "/api/v1/conferences/neu/outcomes", nil), http.StatusNotFound, backend.ENOTFOUND)
		mustProblem(t, visitor.Do(t, http.MethodGet, "/api/v1/conferences/gibt-es-nicht/outcomes", nil), http.StatusNotFound, backend.ENOTFOUND)
	})
	t.Run("my ideas across two conferences", func(t *testing.T) {
		r := anna.Do(t, http.MethodGet, "/api/v1/me/ideas", nil)
		mine := mustJSON[myIdeasJSON](t, r, http.StatusOK)
		var got []string
		for _, i := range mine.Items {
			latest := "-"
			if i.Latest != nil {
				latest = i.Latest.Kind
			}
			got = append(got, fmt.Sprintf("%s@%s mine=%v supported=%v latest=%s", i.Title, i.ConferenceSlug, i.Mine, i.Supported, latest))
			if i.ConferenceTitle == "" {
				t.Errorf("%s: no conference title", i.Title)
			}
		}
		slices.Sort(got)
		want := []string{
			"Anonymer Vorschlag@alt mine=true supported=false latest=carried_over",
			"Erledigte Idee@alt mine=false supported=true latest=update",
			"Idee in der anderen Konferenz@andere mine=true supported=false latest=-",
			"Offene Idee zum Radverkehr@alt mine=true supported=false latest=carried_over",
		}
		if !slices.Equal(got, want) {
			t.Fatalf("anna's ideas =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// Ben sees his own idea, not Anna's anonymous one.
		benIdeas := mustJSON[myIdeasJSON](t, ben.Do(t, http.MethodGet, "/api/v1/me/ideas", nil), http.StatusOK)
		if len(benIdeas.Items) != 1 || benIdeas.Items[0].ID != done.ID || !benIdeas.Items[0].Mine {
			t.Fatalf("ben's ideas = %+v", benIdeas.Items)
		}
		var raw map[string]json.RawMessage
		r = visitor.Do(t, http.MethodGet, "/api/v1/me/ideas", nil)
		if err := json.Unmarshal(r.Body, &raw); err != nil || string(raw["items"]) != "[]" {
			t.Fatalf("visitor's ideas = %s, want {\"items\":[]}", r.Body)
		}
	})
}

package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"ideenmarkt/backend"
)

type mergeJSON struct {
	ID              int64   `json:"id"`
	ConferenceID    int64   `json:"conferenceId"`
	SourceID        int64   `json:"sourceId"`
	TargetID        int64   `json:"targetId"`
	PreviousStatus  string  `json:"previousStatus"`
	MovedSupports   int     `json:"movedSupports"`
	DroppedSupports int     `json:"droppedSupports"`
	MovedComments   int     `json:"movedComments"`
	MovedImported   int     `json:"movedImported"`
	Actor           string  `json:"actor"`
	Reason          string  `json:"reason"`
	CreatedAt       string  `json:"createdAt"`
	UndoneAt        *string `json:"undoneAt"`
}

type ideaStateJSON struct {
	ID           int64  `json:"id"`
	Status       string `json:"status"`
	MergedIntoID *int64 `json:"mergedIntoId"`
	SupportCount int    `json:"supportCount"`
	CommentCount int    `json:"commentCount"`
	Supported    bool   `json:"supported"`
	CanEdit      bool   `json:"canEdit"`
}

type similarJSON struct {
	Items []map[string]any `json:"items"`
}

func ideaPath(id int64) string { return fmt.Sprintf("/api/v1/ideas/%d", id) }

func similarTitles(tb testing.TB, c *client, slug, title string) []string {
	tb.Helper()
	got := mustJSON[similarJSON](tb, c.Do(tb, http.MethodGet, "/api/v1/conferences/"+slug+"/ideas/similar?title="+url.QueryEscape(title), nil), http.StatusOK)
	if got.Items == nil {
		tb.Fatalf("items = null, want a list")
	}
	var out []string
	for _, h := range got.Items {
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range h {
				if !yield(k) {
					return
				}
			}
		})
		if !slices.Equal(keys, []string{"id", "supportCount", "title"}) {
			tb.Errorf("hint fields = %v, want id, supportCount, title", keys)
		}
		out = append(out, fmt.Sprintf("%s (%v)", h["title"], h["supportCount"]))
	}
	return out
}

func TestMergeOverHTTP(t *testing.T) {
	e := MustNewEnv(t)
	orga := e.client()
	orga.MustLogin(t)
	code := mustMarket(t, orga, "zusammen")
	otherCode := mustMarket(t, orga, "andere")
	anna, ben, mona, visitor := e.client(), e.client(), e.client(), e.client()
	mustJoin(t, anna, "zusammen", code, "Anna")
	mustJoin(t, ben, "zusammen", code, "Ben")
	mustJoin(t, mona, "zusammen", code, "Mona")
	makeModerator(t, orga, "zusammen", "Mona")
	mustJoin(t, anna, "andere", otherCode, "Anna")

	submit := func(c *client, slug, title string) ideaJSON {
		return mustJSON[ideaJSON](t, c.Do(t, http.MethodPost, "/api/v1/conferences/"+slug+"/ideas", map[string]any{"title": title, "topic": "Mobilität"}), http.StatusCreated)
	}
	target := submit(ben, "zusammen", "Dienstfahrrad für Dienstwege")
	source := submit(anna, "zusammen", "Dienstfahrräder für alle")
	foreign := submit(anna, "andere", "Dienstfahrräder für alle")
	for _, s := range []struct {
		c  *client
		id int64
	}{{ben, source.ID}, {mona, source.ID}, {ben, target.ID}, {anna, target.ID}} {
		if r := s.c.Do(t, http.MethodPut, ideaPath(s.id)+"/support", nil); r.Status != http.StatusOK {
			t.Fatalf("support: %d %s", r.Status, r.Body)
		}
	}
	top := mustJSON[commentJSON](t, ben.Do(t, http.MethodPost, ideaPath(source.ID)+"/comments", map[string]any{"body": "Doppelt?"}), http.StatusCreated)
	mustJSON[commentJSON](t, anna.Do(t, http.MethodPost, ideaPath(source.ID)+"/comments", map[string]any{"body": "Stimmt.", "parentId": top.ID}), http.StatusCreated)
	mergePath := ideaPath(source.ID) + "/merge"

	t.Run("duplicate hints while typing", func(t *testing.T) {
		if got, want := similarTitles(t, visitor, "zusammen", "Dienstfahrrad"), []string{"Dienstfahrräder für alle (2)", "Dienstfahrrad für Dienstwege (2)"}; !slices.Equal(got, want) {
			t.Errorf("hints = %v, want %v", got, want)
		}
		for _, title := range []string{"", "ab", "  ", "<script>", "'; DROP TABLE ideas; --", "%", strings.Repeat("x", 2000)} {
			if got := similarTitles(t, anna, "zusammen", title); len(got) != 0 {
				t.Errorf("%q: hints = %v, want none", title, got)
			}
		}
		r := visitor.Do(t, http.MethodGet, "/api/v1/conferences/zusammen/ideas/similar", nil)
		if got := mustJSON[similarJSON](t, r, http.StatusOK); got.Items == nil || len(got.Items) != 0 {
			t.Errorf("without a title: %s", r.Body)
		}
		mustProblem(t, visitor.Do(t, http.MethodGet, "/api/v1/conferences/gibt-es-nicht/ideas/similar?title=Dienstfahrrad", nil), http.StatusNotFound, backend.ENOTFOUND)
	})
	t.Run("a 2,000-character title is fine", func(t *testing.T) {
		if got, want := similarTitles(t, anna, "zusammen", strings.Repeat("Dienstfahrrad ", 143)), []string{"Dienstfahrräder für alle (2)", "Dienstfahrrad für Dienstwege (2)"}; !slices.Equal(got, want) {
			t.Errorf("hints = %v, want %v", got, want)
		}
	})
	t.Run("a 10,000-character title is refused cleanly, not with a server error", func(t *testing.T) {
		// The query string does not fit the server's 4 KiB header buffer;
		// over a real connection that is a 431, never a 5xx or a hang.
		if got := e.rawGetStatus(t, "/api/v1/conferences/zusammen/ideas/similar?title="+url.QueryEscape(strings.Repeat("Dienstfahrrad ", 715))); got != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("status %d, want 431", got)
		}
	})
	t.Run("only moderators merge", func(t *testing.T) {
		body := map[string]any{"targetId": target.ID}
		mustProblem(t, visitor.Do(t, http.MethodPost, mergePath, body), http.StatusUnauthorized, backend.EUNAUTHORIZED)
		mustProblem(t, ben.Do(t, http.MethodPost, mergePath, body), http.StatusForbidden, backend.EFORBIDDEN)
		mustProblem(t, anna.Do(t, http.MethodPost, mergePath, body), http.StatusForbidden, backend.EFORBIDDEN)
		mustProblem(t, ben.Do(t, http.MethodGet, mergePath, nil), http.StatusForbidden, backend.EFORBIDDEN)
		mustProblem(t, visitor.Do(t, http.MethodPost, "/api/v1/ideas/abc/merge", body), http.StatusNotFound, backend.ENOTFOUND)
		mustProblem(t, mona.Do(t, http.MethodPost, "/api/v1/ideas/999999/merge", body), http.StatusNotFound, backend.ENOTFOUND)
		mustProblem(t, mona.Do(t, http.MethodGet, mergePath, nil), http.StatusNotFound, backend.ENOTFOUND)
	})
	t.Run("nasty bodies", func(t *testing.T) {
		cases := append(slices.Clone(bodyCases), []nasty{
			{"targetId as a string", map[string]any{"targetId": fmt.Sprint(target.ID)}, 400, []string{"targetId:type"}},
			{"targetId as a fraction", map[string]any{"targetId": 1.5}, 400, []string{"targetId:type"}},
			{"targetId overflowing", `{"targetId": 99999999999999999999}`, 400, []string{"targetId:type"}},
			{"targetId as an object", map[string]any{"targetId": map[string]any{"id": target.ID}}, 400, []string{"targetId:type"}},
			{"a number for reason", map[string]any{"targetId": target.ID, "reason": 7}, 400, []string{"reason:type"}},
			{"an unknown field", map[string]any{"targetId": target.ID, "sourceId": foreign.ID}, 400, []string{"sourceId:unknown"}},
			{"no target", map[string]any{}, 422, []string{"targetId:required"}},
			{"null target", map[string]any{"targetId": nil}, 422, []string{"targetId:required"}},
			{"itself", map[string]any{"targetId": source.ID}, 422, []string{"targetId:same"}},
			{"an unknown idea", map[string]any{"targetId": 999999}, 422, []string{"targetId:unknown"}},
			{"a negative id", map[string]any{"targetId": -1}, 422, []string{"targetId:unknown"}},
			{"another conference's idea", map[string]any{"targetId": foreign.ID}, 422, []string{"targetId:unknown"}},
			{"a reason over 500 characters", map[string]any{"targetId": target.ID, "reason": strings.Repeat("ß", 501)}, 422, []string{"reason:too_long"}},
			{"an escape sequence in the reason", map[string]any{"targetId": target.ID, "reason": "\x1b[2J"}, 422, []string{"reason:control_char"}},
		}...)
		runNasty(t, mona, http.MethodPost, mergePath, cases)
		got := mustJSON[ideaStateJSON](t, mona.Do(t, http.MethodGet, ideaPath(source.ID), nil), http.StatusOK)
		if got.Status != "new" || got.MergedIntoID != nil || got.SupportCount != 2 {
			t.Fatalf("source after refused merges = %+v", got)
		}
	})

	reason := `<img src=x onerror=alert(1)> Doppelt'); DROP TABLE ideas; --`
	var merge mergeJSON
	t.Run("a moderator merges: supports and comments move", func(t *testing.T) {
		merge = mustJSON[mergeJSON](t, mona.Do(t, http.MethodPost, mergePath, map[string]any{"targetId": target.ID, "reason": reason}), http.StatusOK)
		if merge.ID == 0 || merge.SourceID != source.ID || merge.TargetID != target.ID || merge.PreviousStatus != "new" || merge.MovedSupports != 1 ||
			merge.DroppedSupports != 1 || merge.MovedComments != 2 || merge.MovedImported != 0 || merge.Actor != "Mona (Moderation)" || merge.Reason != reason || merge.UndoneAt != nil {
			t.Fatalf("merge = %+v", merge)
		}
		got := mustJSON[ideaStateJSON](t, ben.Do(t, http.MethodGet, ideaPath(target.ID), nil), http.StatusOK)
		if got.SupportCount != 3 || got.CommentCount != 2 || !got.Supported {
			t.Errorf("target for Ben = %+v, want 3 supports (his counted once), 2 comments", got)
		}
		if got := mustJSON[ideaStateJSON](t, mona.Do(t, http.MethodGet, ideaPath(target.ID), nil), http.StatusOK); !got.Supported {
			t.Errorf("Mona's support did not move: %+v", got)
		}
		comments := mustJSON[struct{ Items []commentJSON }](t, visitor.Do(t, http.MethodGet, ideaPath(target.ID)+"/comments", nil), http.StatusOK)
		if len(comments.Items) != 2 || comments.Items[0].ID != top.ID || comments.Items[1].ParentID == nil || *comments.Items[1].ParentID != top.ID {
			t.Errorf("target comments = %+v", comments.Items)
		}
	})
	t.Run("the same merge again is a conflict", func(t *testing.T) {
		mustProblem(t, mona.Do(t, http.MethodPost, mergePath, map[string]any{"targetId": target.ID}), http.StatusConflict, backend.ECONFLICT)
	})
	t.Run("the source shows where it went and refuses support, comments and edits", func(t *testing.T) {
		got := mustJSON[ideaStateJSON](t, anna.Do(t, http.MethodGet, ideaPath(source.ID), nil), http.StatusOK)
		if got.Status != "merged" || got.MergedIntoID == nil || *got.MergedIntoID != target.ID || got.SupportCount != 0 || got.CommentCount != 0 || got.CanEdit {
			t.Fatalf("source = %+v", got)
		}
		mustProblem(t, anna.Do(t, http.MethodPut, ideaPath(source.ID)+"/support", nil), http.StatusConflict, backend.ECONFLICT)
		mustProblem(t, ben.Do(t, http.MethodDelete, ideaPath(source.ID)+"/support", nil), http.StatusConflict, backend.ECONFLICT)
		mustProblem(t, ben.Do(t, http.MethodPost, ideaPath(source.ID)+"/comments", map[string]any{"body": "Noch da?"}), http.StatusConflict, backend.ECONFLICT)
		mustProblem(t, anna.Do(t, http.MethodPatch, ideaPath(source.ID), map[string]any{"title": "Gerettet"}), http.StatusConflict, backend.ECONFLICT)
		list := mustJSON[struct {
			Items []ideaJSON
			Total int
		}](t, visitor.Do(t, http.MethodGet, "/api/v1/conferences/zusammen/ideas", nil), http.StatusOK)
		if list.Total != 1 || len(list.Items) != 1 || list.Items[0].ID != target.ID {
			t.Errorf("list = %+v, want only the target", list)
		}
		if got, want := similarTitles(t, mona, "zusammen", "Dienstfahrrad"), []string{"Dienstfahrrad für Dienstwege (3)"}; !slices.Equal(got, want) {
			t.Errorf("hints after the merge = %v, want %v", got, want)
		}
	})
	t.Run("the active merge and the audit log", func(t *testing.T) {
		got := mustJSON[mergeJSON](t, orga.Do(t, http.MethodGet, mergePath, nil), http.StatusOK)
		if got.ID != merge.ID || got.MovedSupports != 1 || got.Reason != reason {
			t.Errorf("active merge = %+v", got)
		}
		mustProblem(t, mona.Do(t, http.MethodGet, ideaPath(target.ID)+"/merge", nil), http.StatusNotFound, backend.ENOTFOUND)
		log := mustJSON[struct {
			Items []struct {
				Action, Entity, Actor, Reason string
				EntityID                      int64
			}
		}](t, orga.Do(t, http.MethodGet, "/api/v1/conferences/zusammen/audit", nil), http.StatusOK)
		e := log.Items[0]
		if want := fmt.Sprintf("→ #%d „Dienstfahrrad für Dienstwege“: %s", target.ID, reason); e.Action != "merge" || e.Entity != "idea" ||
			e.EntityID != source.ID || e.Actor != "Mona (Moderation)" || e.Reason != want {
			t.Errorf("audit entry = %+v, want merge of %d with %q", e, source.ID, want)
		}
	})

	undo := fmt.Sprintf("/api/v1/merges/%d/undo", merge.ID)
	t.Run("undo: who and what", func(t *testing.T) {
		mustProblem(t, ben.Do(t, http.MethodPost, undo, nil), http.StatusForbidden, backend.EFORBIDDEN)
		mustProblem(t, visitor.Do(t, http.MethodPost, undo, nil), http.StatusUnauthorized, backend.EUNAUTHORIZED)
		for _, p := range []string{"/api/v1/merges/abc/undo", "/api/v1/merges/0/undo", "/api/v1/merges/-3/undo", "/api/v1/merges/999999/undo"} {
			mustProblem(t, mona.Do(t, http.MethodPost, p, nil), http.StatusNotFound, backend.ENOTFOUND)
		}
		for _, tt := range []struct {
			body   any
			status int
			fields []string
		}{
			{"{reason", 400, []string{"body:malformed"}},
			{"[]", 400, []string{"body:malformed"}},
			{map[string]any{"reason": 5}, 400, []string{"reason:type"}},
			{map[string]any{"why": "x"}, 400, []string{"why:unknown"}},
			{map[string]any{"reason": strings.Repeat("x", 501)}, 422, []string{"reason:too_long"}},
		} {
			p := mustProblem(t, mona.Do(t, http.MethodPost, undo, tt.body), tt.status, backend.EINVALID)
			if got := fieldCodes(t, p); !slices.Equal(got, tt.fields) {
				t.Errorf("body %v: fields = %v, want %v", tt.body, got, tt.fields)
			}
		}
		if got := mustJSON[ideaStateJSON](t, mona.Do(t, http.MethodGet, ideaPath(source.ID), nil), http.StatusOK); got.Status != "merged" {
			t.Fatalf("source after refused undos = %+v", got)
		}
	})
	t.Run("undo restores everything and is audited", func(t *testing.T) {
		got := mustJSON[mergeJSON](t, mona.Do(t, http.MethodPost, undo, map[string]any{"reason": "Doch verschieden <i>!</i>"}), http.StatusOK)
		if got.ID != merge.ID || got.UndoneAt == nil {
			t.Fatalf("undone = %+v", got)
		}
		src := mustJSON[ideaStateJSON](t, ben.Do(t, http.MethodGet, ideaPath(source.ID), nil), http.StatusOK)
		dst := mustJSON[ideaStateJSON](t, ben.Do(t, http.MethodGet, ideaPath(target.ID), nil), http.StatusOK)
		if src.Status != "new" || src.MergedIntoID != nil || src.SupportCount != 2 || src.CommentCount != 2 || !src.Supported {
			t.Errorf("source after undo = %+v", src)
		}
		if dst.SupportCount != 2 || dst.CommentCount != 0 || !dst.Supported {
			t.Errorf("target after undo = %+v", dst)
		}
		if m := mustJSON[ideaStateJSON](t, mona.Do(t, http.MethodGet, ideaPath(target.ID), nil), http.StatusOK); m.Supported {
			t.Error("Mona's support stayed on the target")
		}
		log := mustJSON[struct {
			Items []struct{ Action, Reason string }
		}](t, orga.Do(t, http.MethodGet, "/api/v1/conferences/zusammen/audit", nil), http.StatusOK)
		if e := log.Items[0]; e.Action != "undo_merge" || e.Reason != fmt.Sprintf("← #%d: Doch verschieden <i>!</i>", target.ID) {
			t.Errorf("audit entry = %+v", e)
		}
		mustProblem(t, mona.Do(t, http.MethodPost, undo, nil), http.StatusConflict, backend.ECONFLICT)
		mustProblem(t, mona.Do(t, http.MethodGet, mergePath, nil), http.StatusNotFound, backend.ENOTFOUND)
	})
	t.Run("an archived conference refuses merges", func(t *testing.T) {
		for _, phase := range []string{"live", "closed", "archived"} {
			mustJSON[conferenceJSON](t, orga.Do(t, http.MethodPost, "/api/v1/conferences/zusammen/phase", map[string]any{"phase": phase}), http.StatusOK)
		}
		mustProblem(t, orga.Do(t, http.MethodPost, mergePath, map[string]any{"targetId": target.ID}), http.StatusConflict, backend.ECONFLICT)
	})
}

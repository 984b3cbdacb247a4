package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

type commentJSON struct {
	ID         int64  `json:"id"`
	ParentID   *int64 `json:"parentId"`
	AuthorName string `json:"authorName"`
	Body       string `json:"body"`
	Deleted    bool   `json:"deleted"`
	Mine       bool   `json:"mine"`
	CanEdit    bool   `json:"canEdit"`
}

func TestCommentsOverHTTP(t *testing.T) {
	e := MustNewEnv(t)
	orga := e.client()
	orga.MustLogin(t)
	code := mustMarket(t, orga, "kommentare")
	anna, ben, visitor := e.client(), e.client(), e.client()
	mustJoin(t, anna, "kommentare", code, "Anna")
	mustJoin(t, ben, "kommentare", code, "Ben")
	idea := mustJSON[ideaJSON](t, anna.Do(t, http.MethodPost, "/api/v1/conferences/kommentare/ideas",
		map[string]any{"title": "Kantine länger öffnen", "topic": "Digitalisierung"}), http.StatusCreated)
	list := fmt.Sprintf("/api/v1/ideas/%d/comments", idea.ID)

	var top commentJSON
	t.Run("participants comment and reply one level deep", func(t *testing.T) {
		top = mustJSON[commentJSON](t, ben.Do(t, http.MethodPost, list, map[string]any{"body": "  Gute Idee! <b>fett</b>  "}), http.StatusCreated)
		if top.Body != "Gute Idee! <b>fett</b>" || top.AuthorName != "Ben" || !top.Mine {
			t.Fatalf("comment = %+v", top)
		}
		reply := mustJSON[commentJSON](t, anna.Do(t, http.MethodPost, list, map[string]any{"body": "Danke", "parentId": top.ID}), http.StatusCreated)
		p := mustProblem(t, ben.Do(t, http.MethodPost, list, map[string]any{"body": "Tiefer", "parentId": reply.ID}), http.StatusUnprocessableEntity, "invalid")
		if got := strings.Join(fieldCodes(t, p), ","); got != "parentId:too_deep" {
			t.Fatalf("fields = %s, want parentId:too_deep", got)
		}
		p = mustProblem(t, ben.Do(t, http.MethodPost, list, map[string]any{"body": "Wohin?", "parentId": 999999}), http.StatusUnprocessableEntity, "invalid")
		if got := strings.Join(fieldCodes(t, p), ","); got != "parentId:not_found" {
			t.Fatalf("fields = %s, want parentId:not_found", got)
		}
	})
	t.Run("bad comments are refused per field", func(t *testing.T) {
		for body, want := range map[string]string{"   ": "body:required", strings.Repeat("ü", 5001): "body:too_long", "a\x00b": "body:control_char"} {
			p := mustProblem(t, ben.Do(t, http.MethodPost, list, map[string]any{"body": body}), http.StatusUnprocessableEntity, "invalid")
			if got := strings.Join(fieldCodes(t, p), ","); got != want {
				t.Errorf("fields = %s, want %s", got, want)
			}
		}
		mustProblem(t, visitor.Do(t, http.MethodPost, list, map[string]any{"body": "Hallo"}), http.StatusUnauthorized, "unauthorized")
	})
	t.Run("only the author edits or deletes, and a deleted comment keeps its place", func(t *testing.T) {
		path := fmt.Sprintf("/api/v1/comments/%d", top.ID)
		mustProblem(t, anna.Do(t, http.MethodPatch, path, map[string]any{"body": "Fremd"}), http.StatusForbidden, "forbidden")
		edited := mustJSON[commentJSON](t, ben.Do(t, http.MethodPatch, path, map[string]any{"body": "Sehr gute Idee"}), http.StatusOK)
		if edited.Body != "Sehr gute Idee" {
			t.Fatalf("edited = %+v", edited)
		}
		if r := ben.Do(t, http.MethodDelete, path, nil); r.Status != http.StatusNoContent {
			t.Fatalf("delete: status %d, body %s", r.Status, r.Body)
		}
		items := mustJSON[struct{ Items []commentJSON }](t, visitor.Do(t, http.MethodGet, list, nil), http.StatusOK).Items
		if len(items) != 2 || !items[0].Deleted || items[0].Body != "" || items[0].AuthorName != "" || items[1].Body != "Danke" {
			t.Fatalf("comments after delete = %+v, want a blank deleted comment followed by its reply", items)
		}
		got := mustJSON[ideaJSON](t, visitor.Do(t, http.MethodGet, fmt.Sprintf("/api/v1/ideas/%d", idea.ID), nil), http.StatusOK)
		var counted struct{ CommentCount int }
		counted = mustJSON[struct{ CommentCount int }](t, visitor.Do(t, http.MethodGet, fmt.Sprintf("/api/v1/ideas/%d", idea.ID), nil), http.StatusOK)
		if counted.CommentCount != 1 || got.ID != idea.ID {
			t.Fatalf("comment count = %d, want 1 (the reply)", counted.CommentCount)
		}
		mustProblem(t, ben.Do(t, http.MethodPatch, path, map[string]any{"body": "Wieder da"}), http.StatusNotFound, "not_found")
	})
}

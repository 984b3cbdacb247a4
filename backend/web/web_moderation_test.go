package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestModerationOverHTTP(t *testing.T) {
	e := MustNewEnv(t)
	orga := e.client()
	orga.MustLogin(t)
	code := mustMarket(t, orga, "moderation")
	anna, ben, mona := e.client(), e.client(), e.client()
	mustJoin(t, anna, "moderation", code, "Anna")
	mustJoin(t, ben, "moderation", code, "Ben")
	mustJoin(t, mona, "moderation", code, "Mona")
	makeModerator(t, orga, "moderation", "Mona")

	idea := mustJSON[ideaJSON](t, anna.Do(t, http.MethodPost, "/api/v1/conferences/moderation/ideas",
		map[string]any{"title": "Werbung für meinen Laden", "topic": "Digitalisierung"}), http.StatusCreated)
	ideaPath := fmt.Sprintf("/api/v1/ideas/%d", idea.ID)

	t.Run("only organisers list participants and appoint moderators", func(t *testing.T) {
		mustProblem(t, ben.Do(t, http.MethodGet, "/api/v1/conferences/moderation/participants", nil), http.StatusUnauthorized, "unauthorized")
		p := mustProblem(t, orga.Do(t, http.MethodPatch, "/api/v1/conferences/moderation/participants/1", map[string]any{"role": "king"}), http.StatusUnprocessableEntity, "invalid")
		if got := strings.Join(fieldCodes(t, p), ","); got != "role:invalid" {
			t.Fatalf("fields = %s", got)
		}
		mustProblem(t, orga.Do(t, http.MethodPatch, "/api/v1/conferences/moderation/participants/999", map[string]any{"role": "moderator"}), http.StatusNotFound, "not_found")
	})
	t.Run("participants report; the report shows in the queue", func(t *testing.T) {
		for i := 0; i < 2; i++ { // the second report by the same person is absorbed
			if r := ben.Do(t, http.MethodPost, "/api/v1/reports", map[string]any{"entity": "idea", "entityId": idea.ID, "reason": "Werbung"}); r.Status != http.StatusNoContent {
				t.Fatalf("report: status %d, body %s", r.Status, r.Body)
			}
		}
		q := mustJSON[struct {
			Ideas   []ideaJSON
			Reports []struct{ EntityID int64 }
		}](t, mona.Do(t, http.MethodGet, "/api/v1/conferences/moderation/moderation", nil), http.StatusOK)
		if len(q.Reports) != 1 || q.Reports[0].EntityID != idea.ID || len(q.Ideas) != 1 {
			t.Fatalf("queue = %+v, want the idea and one report", q)
		}
		mustProblem(t, ben.Do(t, http.MethodGet, "/api/v1/conferences/moderation/moderation", nil), http.StatusForbidden, "forbidden")
	})
	t.Run("hiding needs a reason, which the author sees", func(t *testing.T) {
		p := mustProblem(t, mona.Do(t, http.MethodPost, ideaPath+"/moderation", map[string]any{"action": "hide"}), http.StatusUnprocessableEntity, "invalid")
		if got := strings.Join(fieldCodes(t, p), ","); got != "reason:required" {
			t.Fatalf("fields = %s", got)
		}
		mustProblem(t, ben.Do(t, http.MethodPost, ideaPath+"/moderation", map[string]any{"action": "hide", "reason": "x"}), http.StatusForbidden, "forbidden")
		mustJSON[ideaJSON](t, mona.Do(t, http.MethodPost, ideaPath+"/moderation", map[string]any{"action": "hide", "reason": "=Werbung ist nicht erlaubt"}), http.StatusOK)
		mustProblem(t, ben.Do(t, http.MethodGet, ideaPath, nil), http.StatusNotFound, "not_found")
		seen := mustJSON[struct{ HiddenReason string }](t, anna.Do(t, http.MethodGet, ideaPath, nil), http.StatusOK)
		if seen.HiddenReason != "=Werbung ist nicht erlaubt" {
			t.Fatalf("author sees reason %q", seen.HiddenReason)
		}
		q := mustJSON[struct {
			Ideas   []ideaJSON
			Reports []struct{ EntityID int64 }
		}](t, mona.Do(t, http.MethodGet, "/api/v1/conferences/moderation/moderation", nil), http.StatusOK)
		if len(q.Reports) != 0 || len(q.Ideas) != 0 {
			t.Fatalf("queue after hiding = %+v, want empty", q)
		}
	})
	t.Run("locked comments refuse participants", func(t *testing.T) {
		other := mustJSON[ideaJSON](t, anna.Do(t, http.MethodPost, "/api/v1/conferences/moderation/ideas",
			map[string]any{"title": "Jobticket", "topic": "Mobilität"}), http.StatusCreated)
		path := fmt.Sprintf("/api/v1/ideas/%d", other.ID)
		mustJSON[ideaJSON](t, mona.Do(t, http.MethodPost, path+"/moderation", map[string]any{"action": "lock_comments"}), http.StatusOK)
		mustProblem(t, ben.Do(t, http.MethodPost, path+"/comments", map[string]any{"body": "Hallo"}), http.StatusConflict, "conflict")
		tagged := mustJSON[struct{ Tags []string }](t, mona.Do(t, http.MethodPost, path+"/moderation", map[string]any{"action": "tag", "tags": []string{" ÖPNV ", "Mobilität", ""}}), http.StatusOK)
		if strings.Join(tagged.Tags, "|") != "ÖPNV|Mobilität" {
			t.Fatalf("tags = %q", tagged.Tags)
		}
		p := mustProblem(t, mona.Do(t, http.MethodPost, path+"/moderation", map[string]any{"action": "tag", "tags": []string{"Bus", "bus"}}), http.StatusUnprocessableEntity, "invalid")
		if got := strings.Join(fieldCodes(t, p), ","); got != "tags:duplicate" {
			t.Fatalf("duplicate tags: fields = %s, want tags:duplicate", got)
		}
	})
	t.Run("organisers read and export the audit log", func(t *testing.T) {
		log := mustJSON[struct {
			Items []struct{ Actor, Action, Reason string }
			Total int
		}](t, orga.Do(t, http.MethodGet, "/api/v1/conferences/moderation/audit", nil), http.StatusOK)
		if log.Total != 4 || log.Items[2].Action != "hide" || log.Items[2].Actor != "Mona (Moderation)" || log.Items[0].Action != "tag" ||
			log.Items[3].Action != "role:moderator" || log.Items[3].Actor != orgaEmail {
			t.Fatalf("audit log = %+v, want tag, lock, hide by Mona after the organiser appointed her (newest first)", log)
		}
		r := orga.Do(t, http.MethodGet, "/api/v1/conferences/moderation/audit?format=csv", nil)
		body := string(r.Body)
		if r.Status != http.StatusOK || !strings.HasPrefix(body, "\ufefftime,actor,action") || !strings.Contains(body, "'=Werbung ist nicht erlaubt") {
			t.Fatalf("csv export: status %d, body %q", r.Status, body)
		}
		mustProblem(t, mona.Do(t, http.MethodGet, "/api/v1/conferences/moderation/audit", nil), http.StatusUnauthorized, "unauthorized")
	})
}

// makeModerator appoints the participant called name through the organisers' API.
func makeModerator(tb testing.TB, orga *client, slug, name string) {
	tb.Helper()
	list := mustJSON[struct {
		Items []struct {
			ID          int64
			DisplayName string
		}
	}](tb, orga.Do(tb, http.MethodGet, "/api/v1/conferences/"+slug+"/participants", nil), http.StatusOK)
	for _, p := range list.Items {
		if p.DisplayName == name {
			got := mustJSON[struct{ Participant struct{ Role string } }](tb,
				orga.Do(tb, http.MethodPatch, fmt.Sprintf("/api/v1/conferences/%s/participants/%d", slug, p.ID), map[string]any{"role": "moderator"}), http.StatusOK)
			if got.Participant.Role != "moderator" {
				tb.Fatalf("role after appointment = %q", got.Participant.Role)
			}
			return
		}
	}
	tb.Fatalf("no participant %q in %+v", name, list.Items)
}

package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"ideenmarkt/backend"
	"ideenmarkt/backend/web"
)

type inviteJSON struct {
	ID            int64   `json:"id"`
	ConferenceID  int64   `json:"conferenceId"`
	Email         string  `json:"email"`
	CreatedAt     string  `json:"createdAt"`
	UsedAt        *string `json:"usedAt"`
	ParticipantID *int64  `json:"participantId"`
	Link          string  `json:"link"`
	Reissued      bool    `json:"reissued"`
}

type inviteList struct {
	Items []inviteJSON `json:"items"`
}

type membershipJSON struct {
	Participant *struct {
		ID          int64  `json:"id"`
		DisplayName string `json:"displayName"`
		Department  string `json:"department"`
	} `json:"participant"`
}

// tokenOf is the invite token in a link.
func tokenOf(tb testing.TB, link string) string {
	tb.Helper()
	u, err := url.Parse(link)
	if err != nil {
		tb.Fatalf("link %q: %v", link, err)
	}
	return u.Query().Get("invite")
}

// mustInvite posts a list and returns the issued invites by address.
func mustInvite(tb testing.TB, orga *client, slug, emails string) map[string]inviteJSON {
	tb.Helper()
	got := mustJSON[inviteList](tb, orga.Do(tb, http.MethodPost, "/api/v1/conferences/"+slug+"/invites", map[string]any{"emails": emails}), http.StatusCreated)
	out := map[string]inviteJSON{}
	for _, inv := range got.Items {
		out[inv.Email] = inv
	}
	return out
}

func membership(tb testing.TB, c *client, slug string) membershipJSON {
	tb.Helper()
	return mustJSON[membershipJSON](tb, c.Do(tb, http.MethodGet, "/api/v1/conferences/"+slug+"/membership", nil), http.StatusOK)
}

func joinPath(slug string) string { return "/api/v1/conferences/" + slug + "/join" }

func TestInvitesOverHTTP(t *testing.T) {
	e := MustNewEnv(t)
	orga := e.client()
	orga.MustLogin(t)
	code := mustMarket(t, orga, "einladung")
	member, visitor := e.client(), e.client()
	mustJoin(t, member, "einladung", code, "Mitglied")
	path := "/api/v1/conferences/einladung/invites"

	var issued []inviteJSON
	t.Run("organisers get a personal link per address, once", func(t *testing.T) {
		r := orga.Do(t, http.MethodPost, path, map[string]any{"emails": "email\nAnna Autorin <Anna@Stadt.de>\r\nben@stadt.de; anna@stadt.de"})
		issued = mustJSON[inviteList](t, r, http.StatusCreated).Items
		if len(issued) != 2 {
			t.Fatalf("items = %+v", issued)
		}
		for n, want := range []string{"anna@stadt.de", "ben@stadt.de"} {
			inv := issued[n]
			token := tokenOf(t, inv.Link)
			if inv.Email != want || inv.ID == 0 || inv.Reissued || inv.UsedAt != nil || len(token) < 40 ||
				inv.Link != "http://example.com/conferences/einladung/join?invite="+url.QueryEscape(token) {
				t.Errorf("invite %d = %+v", n, inv)
			}
		}
		if strings.Contains(string(r.Body), "tokenHash") || strings.Contains(string(r.Body), backend.HashToken(tokenOf(t, issued[0].Link))) {
			t.Errorf("the answer reveals the stored hash: %s", r.Body)
		}
	})
	t.Run("the list has no links", func(t *testing.T) {
		r := orga.Do(t, http.MethodGet, path, nil)
		list := mustJSON[inviteList](t, r, http.StatusOK)
		if len(list.Items) != 2 || list.Items[0].ID != issued[0].ID || list.Items[1].Email != "ben@stadt.de" {
			t.Fatalf("list = %+v", list)
		}
		for _, inv := range issued {
			if strings.Contains(string(r.Body), tokenOf(t, inv.Link)) || strings.Contains(string(r.Body), `"link"`) || strings.Contains(string(r.Body), "tokenHash") {
				t.Fatalf("the list shows a link or token: %s", r.Body)
			}
		}
	})
	t.Run("only organisers", func(t *testing.T) {
		// Every account is an organiser's, so a participant (a browser
		// without login) is asked to log in, like a visitor.
		for _, c := range []*client{member, visitor} {
			mustProblem(t, c.Do(t, http.MethodPost, path, map[string]any{"emails": "x@stadt.de"}), http.StatusUnauthorized, backend.EUNAUTHORIZED)
			mustProblem(t, c.Do(t, http.MethodGet, path, nil), http.StatusUnauthorized, backend.EUNAUTHORIZED)
		}
		mustProblem(t, orga.Do(t, http.MethodPost, "/api/v1/conferences/gibt-es-nicht/invites", map[string]any{"emails": "x@stadt.de"}), http.StatusNotFound, backend.ENOTFOUND)
		if list := mustJSON[inviteList](t, orga.Do(t, http.MethodGet, path, nil), http.StatusOK); len(list.Items) != 2 {
			t.Errorf("%d invites after refused requests, want 2", len(list.Items))
		}
	})
	t.Run("bad lists are refused per line", func(t *testing.T) {
		p := mustProblem(t, orga.Do(t, http.MethodPost, path, map[string]any{"emails": "ok@stadt.de\n<script>alert(1)</script>\nrobert'); DROP TABLE invites;--\nc@d"}),
			http.StatusUnprocessableEntity, backend.EINVALID)
		var lines []string
		for _, f := range p.Fields {
			lines = append(lines, fmt.Sprintf("%d:%s:%s", f.Line, f.Field, f.Code))
		}
		// "robert')" and "DROP TABLE invites" and "--" are three entries.
		want := []string{"2:emails:invalid", "2:emails:invalid", "3:emails:invalid", "3:emails:invalid", "3:emails:invalid", "4:emails:invalid"}
		if !slices.Equal(lines, want) {
			t.Errorf("fields = %v, want %v", lines, want)
		}
		if !strings.Contains(p.Fields[0].EN, "<script>") {
			t.Errorf("the message should quote the entry as text: %q", p.Fields[0].EN)
		}
		p = mustProblem(t, orga.Do(t, http.MethodPost, path, map[string]any{"emails": " \n "}), http.StatusUnprocessableEntity, backend.EINVALID)
		if got := fieldCodes(t, p); !slices.Equal(got, []string{"emails:required"}) {
			t.Errorf("fields = %v", got)
		}
		if list := mustJSON[inviteList](t, orga.Do(t, http.MethodGet, path, nil), http.StatusOK); len(list.Items) != 2 {
			t.Errorf("%d invites after refused lists, want 2", len(list.Items))
		}
	})
	t.Run("nasty bodies", func(t *testing.T) {
		cases := append(slices.Clone(bodyCases), []nasty{
			{"a number for emails", map[string]any{"emails": 42}, 400, []string{"emails:type"}},
			{"an array for emails", map[string]any{"emails": []string{"a@stadt.de"}}, 400, []string{"emails:type"}},
			{"an unknown field", map[string]any{"emails": "a@stadt.de", "conferenceId": 1}, 400, []string{"conferenceId:unknown"}},
			{"null emails", map[string]any{"emails": nil}, 422, []string{"emails:required"}},
			{"an empty object", map[string]any{}, 422, []string{"emails:required"}},
		}...)
		runNasty(t, orga, http.MethodPost, path, cases)
	})

	anna, annaToken := e.client(), tokenOf(t, issued[0].Link)
	var annaID int64
	t.Run("the link joins without the code", func(t *testing.T) {
		got := mustJSON[membershipJSON](t, anna.Do(t, http.MethodPost, joinPath("einladung"), map[string]any{"invite": annaToken, "displayName": "Anna"}), http.StatusOK)
		if got.Participant == nil || got.Participant.DisplayName != "Anna" || anna.cookie("ideenmarkt_participant") == "" {
			t.Fatalf("join = %+v", got.Participant)
		}
		annaID = got.Participant.ID
		if m := membership(t, anna, "einladung"); m.Participant == nil || m.Participant.ID != annaID {
			t.Fatalf("membership = %+v", m.Participant)
		}
		list := mustJSON[inviteList](t, orga.Do(t, http.MethodGet, path, nil), http.StatusOK)
		if list.Items[0].UsedAt == nil || list.Items[0].ParticipantID == nil || *list.Items[0].ParticipantID != annaID {
			t.Errorf("used invite = %+v", list.Items[0])
		}
	})
	t.Run("the same browser may open the link again", func(t *testing.T) {
		got := mustJSON[membershipJSON](t, anna.Do(t, http.MethodPost, joinPath("einladung"), map[string]any{"invite": annaToken, "displayName": "Anna A."}), http.StatusOK)
		if got.Participant.ID != annaID || got.Participant.DisplayName != "Anna A." {
			t.Fatalf("second join = %+v", got.Participant)
		}
	})
	t.Run("a second browser with the same link is refused", func(t *testing.T) {
		other := e.client()
		p := mustProblem(t, other.Do(t, http.MethodPost, joinPath("einladung"), map[string]any{"invite": annaToken, "displayName": "Mallory"}), http.StatusUnprocessableEntity, backend.EINVALID)
		if got := fieldCodes(t, p); !slices.Equal(got, []string{"invite:used"}) {
			t.Errorf("fields = %v", got)
		}
		if other.cookie("ideenmarkt_participant") != "" {
			t.Error("a refused join set the participant cookie")
		}
	})
	t.Run("reissuing replaces the link", func(t *testing.T) {
		oldBen := tokenOf(t, issued[1].Link)
		again := mustInvite(t, orga, "einladung", "ben@stadt.de")
		ben := again["ben@stadt.de"]
		if !ben.Reissued || ben.ID != issued[1].ID || tokenOf(t, ben.Link) == oldBen {
			t.Fatalf("reissued = %+v", ben)
		}
		p := mustProblem(t, e.client().Do(t, http.MethodPost, joinPath("einladung"), map[string]any{"invite": oldBen, "displayName": "Ben"}), http.StatusUnprocessableEntity, backend.EINVALID)
		if got := fieldCodes(t, p); !slices.Equal(got, []string{"invite:unknown"}) {
			t.Errorf("old link: fields = %v", got)
		}
		benBrowser := e.client()
		got := mustJSON[membershipJSON](t, benBrowser.Do(t, http.MethodPost, joinPath("einladung"), map[string]any{"invite": tokenOf(t, ben.Link), "displayName": "Ben"}), http.StatusOK)
		if got.Participant == nil || got.Participant.DisplayName != "Ben" {
			t.Fatalf("new link: %+v", got.Participant)
		}
	})
	t.Run("nasty join bodies", func(t *testing.T) {
		c := e.client()
		for _, tt := range []struct {
			body   any
			status int
			fields []string
		}{
			{map[string]any{"invite": 42, "displayName": "X"}, 400, []string{"invite:type"}},
			{map[string]any{"invite": "'; DROP TABLE invites; --", "displayName": "<b>X</b>"}, 422, []string{"invite:unknown"}},
			{map[string]any{"invite": strings.Repeat("a", 100000), "displayName": "X"}, 422, []string{"invite:unknown"}},
		} {
			p := mustProblem(t, c.Do(t, http.MethodPost, joinPath("einladung"), tt.body), tt.status, backend.EINVALID)
			if got := fieldCodes(t, p); !slices.Equal(got, tt.fields) {
				t.Errorf("body %.80v: fields = %v, want %v", tt.body, got, tt.fields)
			}
		}
	})
	t.Run("an archived conference takes no invites", func(t *testing.T) {
		for _, phase := range []string{"live", "closed", "archived"} {
			mustJSON[conferenceJSON](t, orga.Do(t, http.MethodPost, "/api/v1/conferences/einladung/phase", map[string]any{"phase": phase}), http.StatusOK)
		}
		mustProblem(t, orga.Do(t, http.MethodPost, path, map[string]any{"emails": "spaet@stadt.de"}), http.StatusConflict, backend.ECONFLICT)
	})
}

// The base URL decides the links' origin, not the request's Host header.
func TestInviteLinksUseTheBaseURL(t *testing.T) {
	e := MustNewEnv(t, func(o *web.Options) { o.BaseURL = "https://ideen.stadt.de/beteiligung/" })
	orga := e.client()
	orga.MustLogin(t)
	mustMarket(t, orga, "basis")
	got := mustInvite(t, orga, "basis", "a@stadt.de")["a@stadt.de"]
	token := tokenOf(t, got.Link)
	if want := "https://ideen.stadt.de/beteiligung/conferences/basis/join?invite=" + url.QueryEscape(token); got.Link != want || token == "" {
		t.Fatalf("link = %q, want %q", got.Link, want)
	}
}

// Wrong invite tokens count against the same limit as wrong join codes, so
// links cannot be guessed either.
func TestJoinRateLimitCountsInvites(t *testing.T) {
	e := MustNewEnv(t)
	orga := e.client()
	orga.MustLogin(t)
	mustMarket(t, orga, "grenze")
	right := tokenOf(t, mustInvite(t, orga, "grenze", "echt@stadt.de")["echt@stadt.de"].Link)
	guesser := e.client()
	for i := range 20 {
		p := mustProblem(t, guesser.Do(t, http.MethodPost, joinPath("grenze"), map[string]any{"invite": fmt.Sprintf("geraten-%d", i), "displayName": "Rater"}),
			http.StatusUnprocessableEntity, backend.EINVALID)
		if got := fieldCodes(t, p); !slices.Equal(got, []string{"invite:unknown"}) {
			t.Fatalf("attempt %d: fields = %v", i, got)
		}
	}
	r := guesser.Do(t, http.MethodPost, joinPath("grenze"), map[string]any{"invite": right, "displayName": "Rater"})
	mustProblem(t, r, http.StatusTooManyRequests, backend.ERATELIMIT)
	wantRetryAfter(t, r)
	if guesser.cookie("ideenmarkt_participant") != "" {
		t.Fatal("a blocked join set the participant cookie")
	}
}

func TestLeaveOverHTTP(t *testing.T) {
	e := MustNewEnv(t)
	orga := e.client()
	orga.MustLogin(t)
	code := mustMarket(t, orga, "gehen")
	anna, ben, visitor := e.client(), e.client(), e.client()
	mustJoin(t, anna, "gehen", code, "Anna Gehtweg")
	mustJoin(t, ben, "gehen", code, "Ben")
	before := membership(t, anna, "gehen").Participant.ID

	own := mustJSON[ideaJSON](t, anna.Do(t, http.MethodPost, "/api/v1/conferences/gehen/ideas", map[string]any{"title": "Annas Idee", "topic": "Mobilität"}), http.StatusCreated)
	bens := mustJSON[ideaJSON](t, ben.Do(t, http.MethodPost, "/api/v1/conferences/gehen/ideas", map[string]any{"title": "Bens Idee", "topic": "Mobilität"}), http.StatusCreated)
	comment := mustJSON[commentJSON](t, anna.Do(t, http.MethodPost, fmt.Sprintf("/api/v1/ideas/%d/comments", bens.ID), map[string]any{"body": "Anna meint: gut"}), http.StatusCreated)
	for _, step := range []struct {
		c  *client
		id int64
	}{{ben, own.ID}, {anna, own.ID}, {anna, bens.ID}} {
		if r := step.c.Do(t, http.MethodPut, fmt.Sprintf("/api/v1/ideas/%d/support", step.id), nil); r.Status != http.StatusOK {
			t.Fatalf("support: %d %s", r.Status, r.Body)
		}
	}
	leave := "/api/v1/conferences/gehen/membership"

	t.Run("not joined is 404", func(t *testing.T) {
		mustProblem(t, visitor.Do(t, http.MethodDelete, leave, nil), http.StatusNotFound, backend.ENOTFOUND)
		mustProblem(t, orga.Do(t, http.MethodDelete, leave, nil), http.StatusNotFound, backend.ENOTFOUND)
		mustProblem(t, anna.Do(t, http.MethodDelete, "/api/v1/conferences/gibt-es-nicht/membership", nil), http.StatusNotFound, backend.ENOTFOUND)
	})
	t.Run("leaving needs the CSRF token", func(t *testing.T) {
		r := anna.DoWith(t, http.MethodDelete, leave, nil, func(r *http.Request) { r.Header.Del("X-CSRF-Token") })
		mustProblem(t, r, http.StatusForbidden, backend.EFORBIDDEN)
	})
	t.Run("leave", func(t *testing.T) {
		r := anna.Do(t, http.MethodDelete, leave, nil)
		if r.Status != http.StatusNoContent || len(r.Body) != 0 {
			t.Fatalf("leave = %d %s, want 204", r.Status, r.Body)
		}
		if m := membership(t, anna, "gehen"); m.Participant != nil {
			t.Errorf("membership after leaving = %+v, want none", m.Participant)
		}
		mustProblem(t, anna.Do(t, http.MethodDelete, leave, nil), http.StatusNotFound, backend.ENOTFOUND)
	})
	t.Run("the name is gone from ideas and comments, which stay with their supports", func(t *testing.T) {
		for name, c := range map[string]*client{"colleague": ben, "visitor": visitor, "organiser": orga, "the leaver": anna} {
			r := c.Do(t, http.MethodGet, fmt.Sprintf("/api/v1/ideas/%d", own.ID), nil)
			got := mustJSON[ideaJSON](t, r, http.StatusOK)
			if got.AuthorName != "" || got.SupportCount != 2 || got.Title != "Annas Idee" || got.Mine {
				t.Errorf("%s sees %+v", name, got)
			}
			list := c.Do(t, http.MethodGet, "/api/v1/conferences/gehen/ideas", nil)
			comments := c.Do(t, http.MethodGet, fmt.Sprintf("/api/v1/ideas/%d/comments", bens.ID), nil)
			for _, body := range [][]byte{r.Body, list.Body, comments.Body} {
				if strings.Contains(string(body), "Gehtweg") {
					t.Errorf("%s still sees the name: %s", name, body)
				}
			}
			cs := mustJSON[struct{ Items []commentJSON }](t, comments, http.StatusOK)
			if len(cs.Items) != 1 || cs.Items[0].ID != comment.ID || cs.Items[0].Body != "Anna meint: gut" || cs.Items[0].AuthorName != "" {
				t.Errorf("%s sees comments %+v", name, cs.Items)
			}
		}
		if got := mustJSON[ideaJSON](t, ben.Do(t, http.MethodGet, fmt.Sprintf("/api/v1/ideas/%d", bens.ID), nil), http.StatusOK); got.SupportCount != 1 {
			t.Errorf("Ben's idea has %d supports, want 1 (Anna's stays)", got.SupportCount)
		}
		parts := mustJSON[struct {
			Items []struct{ DisplayName string }
		}](t, orga.Do(t, http.MethodGet, "/api/v1/conferences/gehen/participants", nil), http.StatusOK)
		if len(parts.Items) != 1 || parts.Items[0].DisplayName != "Ben" {
			t.Errorf("participants = %+v, want only Ben", parts.Items)
		}
	})
	t.Run("the same browser joins again as a new participant", func(t *testing.T) {
		mustJoin(t, anna, "gehen", code, "Anna Neu")
		if m := membership(t, anna, "gehen"); m.Participant == nil || m.Participant.ID == before {
			t.Fatalf("membership = %+v, want a new participant (was %d)", m.Participant, before)
		}
		if got := mustJSON[ideaJSON](t, anna.Do(t, http.MethodGet, fmt.Sprintf("/api/v1/ideas/%d", own.ID), nil), http.StatusOK); got.Mine || got.CanEdit || got.Supported {
			t.Errorf("the old idea belongs to the new membership: %+v", got)
		}
	})
	t.Run("leaving works in the closed phase", func(t *testing.T) {
		for _, phase := range []string{"live", "closed"} {
			mustJSON[conferenceJSON](t, orga.Do(t, http.MethodPost, "/api/v1/conferences/gehen/phase", map[string]any{"phase": phase}), http.StatusOK)
		}
		if r := ben.Do(t, http.MethodDelete, leave, nil); r.Status != http.StatusNoContent {
			t.Fatalf("leave when closed = %d %s", r.Status, r.Body)
		}
		if m := membership(t, ben, "gehen"); m.Participant != nil {
			t.Errorf("membership = %+v", m.Participant)
		}
	})
}

package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"ideenmarkt/backend"
	"ideenmarkt/backend/live"
	"ideenmarkt/backend/web"
)

// MustNewLiveEnv is MustNewEnv with the live channel wired as main wires it
// (cmd/ideenmarkt/serve.go): a hub loading payloads from the App, the App's
// feed publishing to it, both running until the test ends.
func MustNewLiveEnv(tb testing.TB) *env {
	tb.Helper()
	var app *backend.App
	hub := live.New(live.Options{Loader: func(topic, view string) ([]byte, error) {
		return app.LivePayload(context.Background(), topic, view)
	}})
	e := MustNewEnv(tb, func(o *web.Options) { o.Hub = hub })
	app = e.app
	feed := app.StartLive(hub)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); hub.Run(ctx) }()
	go func() { defer wg.Done(); feed.Run(ctx) }()
	tb.Cleanup(func() { cancel(); wg.Wait() })
	e.mustListen(tb)
	return e
}

// frame is one server message of the live channel.
type frame struct {
	Type    string          `json:"type"`
	Topic   string          `json:"topic"`
	View    string          `json:"view"`
	Seq     int64           `json:"seq"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// roundData is the data of a round:{id} message.
type roundData struct {
	Round *struct {
		ID    int64  `json:"id"`
		State string `json:"state"`
	} `json:"round"`
	Ballots int          `json:"ballots"`
	Results *resultsJSON `json:"results"`
}

// liveConn is a websocket client of the live channel.
type liveConn struct {
	conn *websocket.Conn
	raw  []string // every frame received, for failure messages
}

// dialLive opens /api/v1/live over the wire with c's cookies and origin.
func dialLive(tb testing.TB, e *env, c *client, origin string) (*liveConn, *http.Response, error) {
	tb.Helper()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	var cookies []string
	if c != nil {
		c.jar.mu.Lock()
		for k, v := range c.jar.m {
			cookies = append(cookies, k+"="+v)
		}
		c.jar.mu.Unlock()
	}
	if len(cookies) > 0 {
		h.Set("Cookie", strings.Join(cookies, "; "))
	}
	ctx, cancel := context.WithTimeout(tb.Context(), 10*time.Second)
	defer cancel()
	conn, resp, err := websocket.DefaultDialer.DialContext(ctx, "ws"+strings.TrimPrefix(e.baseURL, "http")+"/api/v1/live", h)
	if err != nil {
		return nil, resp, err
	}
	tb.Cleanup(func() { conn.Close() })
	return &liveConn{conn: conn}, resp, nil
}

func MustDialLive(tb testing.TB, e *env, c *client) *liveConn {
	tb.Helper()
	lc, resp, err := dialLive(tb, e, c, e.baseURL)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		tb.Fatalf("dial live: %v (status %d)", err, status)
	}
	return lc
}

func (lc *liveConn) send(tb testing.TB, msg string) {
	tb.Helper()
	if err := lc.conn.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		tb.Fatalf("send %s: %v", msg, err)
	}
}

// until reads frames until cond holds, passing each to check first. The
// deadline only bounds a broken run; nothing here measures time.
func (lc *liveConn) until(tb testing.TB, what string, check func(frame), cond func(frame) bool) frame {
	tb.Helper()
	lc.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		_, msg, err := lc.conn.ReadMessage()
		if err != nil {
			tb.Fatalf("waiting for %s: %v; frames so far:\n%s", what, err, strings.Join(lc.raw, "\n"))
		}
		lc.raw = append(lc.raw, string(msg))
		var f frame
		if err := json.Unmarshal(msg, &f); err != nil {
			tb.Fatalf("frame %s is not JSON: %v", msg, err)
		}
		if check != nil {
			check(f)
		}
		if cond(f) {
			return f
		}
	}
}

func decodeRound(tb testing.TB, f frame) roundData {
	tb.Helper()
	var d roundData
	if err := json.Unmarshal(f.Data, &d); err != nil {
		tb.Fatalf("round data %s: %v", f.Data, err)
	}
	return d
}

func TestVotingLiveOverWebsocket(t *testing.T) {
	e := MustNewLiveEnv(t)
	v := MustVotingEnv(t, e)
	round := v.MustOpenRound(t, map[string]any{"title": "Verdeckt live", "method": "single", "labels": []string{"A", "B"}})
	topic := fmt.Sprintf("round:%d", round.ID)

	t.Run("a cross-origin websocket is refused", func(t *testing.T) {
		_, resp, err := dialLive(t, e, v.anna, "http://evil.example")
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			status := 0
			if resp != nil {
				status = resp.StatusCode
			}
			t.Fatalf("dial from another origin: err %v, status %d; want 403", err, status)
		}
	})
	t.Run("a plain GET asks for an upgrade", func(t *testing.T) {
		mustProblem(t, v.anna.Do(t, http.MethodGet, "/api/v1/live", nil), http.StatusUpgradeRequired, "invalid")
	})

	anna := MustDialLive(t, e, v.anna)
	mia := MustDialLive(t, e, v.mia)
	// No frame Anna ever receives about the round may carry results before
	// the reveal; revealed flips when the test reveals it.
	var mu sync.Mutex
	revealed := false
	noHiddenResults := func(f frame) {
		if f.Topic != topic || f.Data == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if d := decodeRound(t, f); d.Results != nil && !revealed {
			t.Errorf("participant received results of a hidden round: %s", f.Data)
		}
	}

	t.Run("subscribe: the public snapshot has no results", func(t *testing.T) {
		anna.send(t, `{"type":"subscribe","topic":"`+topic+`"}`)
		f := anna.until(t, "the snapshot", noHiddenResults, func(f frame) bool { return f.Type == "snapshot" && f.Topic == topic })
		d := decodeRound(t, f)
		if f.View != backend.ViewPublic || d.Round == nil || d.Round.ID != round.ID || d.Results != nil {
			t.Fatalf("snapshot = %s, want the public view of the round without results", anna.raw[len(anna.raw)-1])
		}
	})
	t.Run("refused subscriptions answer an error", func(t *testing.T) {
		for _, tt := range []struct{ msg, topic, code string }{
			{`{"type":"subscribe","topic":"` + topic + `","view":"moderator"}`, topic, "forbidden"},
			{`{"type":"subscribe","topic":"round:abc"}`, "round:abc", "invalid"},
			{`{"type":"subscribe","topic":"weather:1"}`, "weather:1", "invalid"},
			{`{"type":"subscribe","topic":"round:999999"}`, "round:999999", "not_found"},
			{`{"type":"subscribe","topic":"session:999999","presenter":true}`, "session:999999", "not_found"},
			{`{"type":"dance","topic":"x"}`, "x", "invalid"},
			{`not json`, "", "invalid"},
		} {
			anna.send(t, tt.msg)
			f := anna.until(t, "an error for "+tt.msg, noHiddenResults, func(f frame) bool { return f.Type == "error" })
			if f.Topic != tt.topic || f.Code != tt.code || f.Message == "" {
				t.Errorf("%s: error = %+v, want topic %q code %q and a message", tt.msg, f, tt.topic, tt.code)
			}
		}
	})
	t.Run("the moderator view has the tallies", func(t *testing.T) {
		mia.send(t, `{"type":"subscribe","topic":"`+topic+`","view":"moderator","presenter":true}`)
		f := mia.until(t, "the moderator snapshot", nil, func(f frame) bool { return f.Type == "snapshot" && f.Topic == topic })
		if d := decodeRound(t, f); f.View != backend.ViewModerator || d.Results == nil {
			t.Fatalf("moderator snapshot = %s, want results", f.Data)
		}
	})
	t.Run("ballots reach the moderator's tallies, never the participant's", func(t *testing.T) {
		for _, b := range []struct {
			c      *client
			cid    string
			option string
		}{{v.anna, "a-1", "1"}, {v.ben, "b-1", "2"}, {v.mia, "m-1", "1"}} {
			mustJSON[receiptJSON](t, b.c.Do(t, http.MethodPost, v.ballotsPath(round.ID), ballot(b.cid, map[string]int{b.option: 1})), http.StatusCreated)
		}
		f := mia.until(t, "the moderator's count of 3", nil, func(f frame) bool {
			d := decodeRound(t, f)
			return f.Topic == topic && d.Results != nil && d.Results.Ballots == 3
		})
		if d := decodeRound(t, f); d.Results.Options[0].Votes != 2 || d.Results.Options[1].Votes != 1 {
			t.Errorf("moderator tallies = %s, want 2 and 1", f.Data)
		}
		anna.until(t, "the participant's count of 3", noHiddenResults, func(f frame) bool {
			return f.Topic == topic && decodeRound(t, f).Ballots == 3
		})
	})
	t.Run("closing keeps them hidden; the reveal shows them", func(t *testing.T) {
		cur := mustJSON[roundJSON](t, v.mia.Do(t, http.MethodGet, v.roundPath(round.ID), nil), http.StatusOK)
		closed := v.MustAct(t, cur, "close", nil)
		anna.until(t, "the closed state", noHiddenResults, func(f frame) bool {
			d := decodeRound(t, f)
			return f.Topic == topic && d.Round != nil && d.Round.State == "closed"
		})
		mu.Lock()
		revealed = true
		mu.Unlock()
		v.MustAct(t, closed, "reveal", nil)
		f := anna.until(t, "the revealed results", noHiddenResults, func(f frame) bool {
			return f.Topic == topic && decodeRound(t, f).Results != nil
		})
		if d := decodeRound(t, f); d.Round.State != "revealed" || d.Results.Options[0].Votes != 2 {
			t.Errorf("revealed frame = %s, want the results", f.Data)
		}
	})
	t.Run("visitors may follow the conference's open rounds", func(t *testing.T) {
		guest := MustDialLive(t, e, nil)
		next := v.MustOpenRound(t, map[string]any{"title": "Nächste Frage", "method": "single", "labels": []string{"Ja", "Nein"}})
		conf := fmt.Sprintf("conference:%d", v.confID)
		guest.send(t, `{"type":"subscribe","topic":"`+conf+`"}`)
		f := guest.until(t, "the conference snapshot", nil, func(f frame) bool { return f.Topic == conf && f.Type == "snapshot" })
		var d struct {
			OpenRounds []struct {
				ID int64 `json:"id"`
			} `json:"openRounds"`
		}
		if err := json.Unmarshal(f.Data, &d); err != nil || len(d.OpenRounds) != 1 || d.OpenRounds[0].ID != next.ID {
			t.Errorf("conference snapshot = %s (%v), want round %d open", f.Data, err, next.ID)
		}
		guest.send(t, `{"type":"subscribe","topic":"`+topic+`","view":"moderator"}`)
		if f := guest.until(t, "an error", nil, func(f frame) bool { return f.Type == "error" }); f.Code != "forbidden" {
			t.Errorf("visitor asking for the moderator view: %+v, want forbidden", f)
		}
	})
}

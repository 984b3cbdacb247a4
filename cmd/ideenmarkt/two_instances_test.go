package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"ideenmarkt/backend/postgres/pgtest"
)

// liveFrame is a message of the live channel (docs/live-voting.md).
type liveFrame struct {
	Type  string          `json:"type"`
	Topic string          `json:"topic"`
	View  string          `json:"view"`
	Seq   int64           `json:"seq"`
	Data  json.RawMessage `json:"data"`
}

type liveRoundData struct {
	Round *struct {
		State string `json:"state"`
	} `json:"round"`
	Ballots int `json:"ballots"`
	Results *struct {
		Ballots int `json:"ballots"`
		Options []struct {
			Label string `json:"label"`
			Votes int    `json:"votes"`
		} `json:"options"`
	} `json:"results"`
}

// dialLive opens the live channel of base with b's cookies, as a browser on
// that origin would.
func dialLive(tb testing.TB, b *browser) *websocket.Conn {
	tb.Helper()
	u, _ := url.Parse(b.base)
	var cookies []string
	for _, c := range b.hc.Jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	h := http.Header{"Origin": {b.base}, "Cookie": {strings.Join(cookies, "; ")}}
	ws, resp, err := websocket.DefaultDialer.DialContext(tb.Context(), "ws://"+u.Host+"/api/v1/live", h)
	if err != nil {
		tb.Fatalf("dial live on %s: %v (response %v)", b.base, err, resp)
	}
	tb.Cleanup(func() { ws.Close() })
	return ws
}

// TestTwoInstancesShareTallies runs two app processes' worth of Main against
// one PostgreSQL and nothing else in common: ballots cast through the first
// reach a presenter connected to the second. That is what lets a city put
// several instances behind a load balancer on the conference day.
func TestTwoInstancesShareTallies(t *testing.T) {
	dsn := pgtest.DSN(t)
	env := map[string]string{"IDEENMARKT_DATABASE_URL": dsn, "IDEENMARKT_ADMIN_EMAIL": adminEmail, "IDEENMARKT_ADMIN_PASSWORD": adminPassword}
	first := MustRun(t, MustConfig(t, t.TempDir(), env))
	second := MustRun(t, MustConfig(t, t.TempDir(), env))

	// The organiser prepares a live vote through the first instance.
	orga := newBrowser(t, first.URL())
	orga.MustDo(t, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": adminEmail, "password": adminPassword}, http.StatusOK)
	var conf struct {
		Slug     string `json:"slug"`
		JoinCode string `json:"joinCode"`
	}
	mustJSON(t, orga.MustDo(t, http.MethodPost, "/api/v1/conferences", map[string]any{
		"slug": "zwei-instanzen", "title": "Zwei Instanzen", "startsAt": "2026-09-10T09:00:00+02:00", "endsAt": "2026-09-10T17:00:00+02:00",
		"venue": "Rathaus", "capacity": 450,
	}, http.StatusCreated), &conf)
	for _, phase := range []string{"ideas", "live"} {
		mustJSON(t, orga.MustDo(t, http.MethodPost, "/api/v1/conferences/zwei-instanzen/phase", map[string]string{"phase": phase}, http.StatusOK), &conf)
	}
	var session struct{ ID int64 }
	mustJSON(t, orga.MustDo(t, http.MethodPost, "/api/v1/conferences/zwei-instanzen/sessions", map[string]any{
		"title": "Plenum", "room": "Saal", "startsAt": "2026-09-10T09:00:00+02:00", "endsAt": "2026-09-10T10:00:00+02:00",
	}, http.StatusCreated), &session)
	var round struct{ ID, Version int64 }
	mustJSON(t, orga.MustDo(t, http.MethodPost, fmt.Sprintf("/api/v1/sessions/%d/rounds", session.ID), map[string]any{
		"title": "Was zuerst?", "method": "single", "labels": []string{"Radwege", "Bänke", "Bäume"}, "liveResults": true,
	}, http.StatusCreated), &round)
	mustJSON(t, orga.MustDo(t, http.MethodPost, fmt.Sprintf("/api/v1/rounds/%d/open", round.ID), map[string]any{"version": round.Version}, http.StatusOK), &round)

	// The presenter watches through the second instance; the login is in the
	// shared database, so the same credentials work there.
	presenter := newBrowser(t, second.URL())
	presenter.MustDo(t, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": adminEmail, "password": adminPassword}, http.StatusOK)
	ws := dialLive(t, presenter)
	topic := fmt.Sprintf("round:%d", round.ID)
	if err := ws.WriteJSON(map[string]any{"type": "subscribe", "topic": topic, "presenter": true}); err != nil {
		t.Fatal(err)
	}
	if got := readRound(t, ws, topic, func(d liveRoundData) bool { return true }); got.Ballots != 0 {
		t.Fatalf("snapshot ballots = %d, want 0", got.Ballots)
	}

	// Five phones vote through the first instance.
	for i, choice := range []int{1, 2, 1, 3, 1} {
		phone := newBrowser(t, first.URL())
		phone.MustDo(t, http.MethodPost, "/api/v1/conferences/zwei-instanzen/join", map[string]string{"code": conf.JoinCode, "displayName": fmt.Sprintf("Person %d", i+1)}, http.StatusOK)
		phone.MustDo(t, http.MethodPost, fmt.Sprintf("/api/v1/rounds/%d/ballots", round.ID), map[string]any{
			"clientBallotId": fmt.Sprintf("ballot-%d", i), "values": map[string]int{fmt.Sprint(choice): 1},
		}, http.StatusCreated)
	}
	got := readRound(t, ws, topic, func(d liveRoundData) bool { return d.Ballots == 5 })
	if got.Results == nil {
		t.Fatal("the presenter got no results for a round with live results")
	}
	votes := map[string]int{}
	for _, o := range got.Results.Options {
		votes[o.Label] = o.Votes
	}
	if want := map[string]int{"Radwege": 3, "Bänke": 1, "Bäume": 1}; fmt.Sprint(votes) != fmt.Sprint(want) {
		t.Errorf("tallies on the second instance = %v, want %v", votes, want)
	}

	// Closing through the first instance shows on the second, too.
	orga.MustDo(t, http.MethodPost, fmt.Sprintf("/api/v1/rounds/%d/close", round.ID), map[string]any{"version": round.Version}, http.StatusOK)
	readRound(t, ws, topic, func(d liveRoundData) bool { return d.Round != nil && d.Round.State == "closed" })
}

// readRound reads frames of topic until one satisfies ok, or fails after 10 s.
func readRound(tb testing.TB, ws *websocket.Conn, topic string, ok func(liveRoundData) bool) liveRoundData {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var last liveRoundData
	for {
		ws.SetReadDeadline(deadline)
		var f liveFrame
		if err := ws.ReadJSON(&f); err != nil {
			tb.Fatalf("reading %s: %v (last state: %+v)", topic, err, last)
		}
		if f.Type == "error" {
			tb.Fatalf("live error: %+v", f)
		}
		if f.Topic != topic || (f.Type != "snapshot" && f.Type != "update") {
			continue
		}
		var d liveRoundData
		if err := json.Unmarshal(f.Data, &d); err != nil {
			tb.Fatalf("frame data: %v", err)
		}
		if last = d; ok(d) {
			return d
		}
	}
}

func mustJSON(tb testing.TB, data []byte, v any) {
	tb.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		tb.Fatalf("decode %s: %v", data, err)
	}
}

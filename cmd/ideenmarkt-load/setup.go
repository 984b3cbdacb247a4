package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// conference and round hold what the run needs of the API's answers.
type conference struct {
	ID       int64  `json:"id"`
	Slug     string `json:"slug"`
	JoinCode string `json:"joinCode"`
	Version  int    `json:"version"`
}

type round struct {
	ID           int64    `json:"id"`
	SessionID    int64    `json:"sessionId"`
	Method       string   `json:"method"`
	Options      []option `json:"options"`
	Points       int      `json:"points"`
	MaxPerOption int      `json:"maxPerOption"`
	State        string   `json:"state"`
	Version      int      `json:"version"`
}

type option struct {
	ID int `json:"id"`
}

// setupRound is the organiser's part: log in, create a conference, move it
// to ideas and then live, create a session and a round with live results,
// and open it. It leaves org logged in, for the presenter.
func setupRound(ctx context.Context, org *apiClient, o options) (conference, round, error) {
	var conf conference
	var r round
	if err := org.fetchCSRF(ctx); err != nil {
		return conf, r, err
	}
	if _, err := org.do(ctx, http.MethodPost, "/api/v1/auth/login", map[string]string{"email": o.AdminEmail, "password": o.AdminPassword}, nil); err != nil {
		return conf, r, fmt.Errorf("log in as organiser: %w", err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	slug := "last-" + strconv.FormatInt(now.UnixNano(), 36)
	in := map[string]any{
		"slug": slug, "title": "Lasttest " + now.Format(time.DateTime), "description": "ideenmarkt-load",
		"startsAt": now, "endsAt": now.Add(8 * time.Hour), "venue": "Saal 1", "capacity": min(o.Voters, 100000),
	}
	if _, err := org.do(ctx, http.MethodPost, "/api/v1/conferences", in, &conf); err != nil {
		return conf, r, fmt.Errorf("create conference: %w", err)
	}
	for _, phase := range []string{"ideas", "live"} {
		if _, err := org.do(ctx, http.MethodPost, "/api/v1/conferences/"+slug+"/phase", map[string]any{"phase": phase}, &conf); err != nil {
			return conf, r, fmt.Errorf("move conference to %s: %w", phase, err)
		}
	}
	var sess struct {
		ID int64 `json:"id"`
	}
	sin := map[string]any{"title": "Plenum", "room": "Saal 1", "startsAt": now, "endsAt": now.Add(2 * time.Hour)}
	if _, err := org.do(ctx, http.MethodPost, "/api/v1/conferences/"+slug+"/sessions", sin, &sess); err != nil {
		return conf, r, fmt.Errorf("create session: %w", err)
	}
	labels := make([]string, 8)
	for i := range labels {
		labels[i] = "Vorschlag " + strconv.Itoa(i+1)
	}
	rin := map[string]any{"title": "Welche Idee soll zuerst umgesetzt werden?", "method": o.Method, "labels": labels, "liveResults": true}
	if o.Method == "dots" {
		rin["points"], rin["maxPerOption"] = 5, 3
	}
	path := "/api/v1/sessions/" + strconv.FormatInt(sess.ID, 10) + "/rounds"
	if _, err := org.do(ctx, http.MethodPost, path, rin, &r); err != nil {
		return conf, r, fmt.Errorf("create round: %w", err)
	}
	path = "/api/v1/rounds/" + strconv.FormatInt(r.ID, 10) + "/open"
	if _, err := org.do(ctx, http.MethodPost, path, map[string]any{"version": r.Version}, &r); err != nil {
		return conf, r, fmt.Errorf("open round: %w", err)
	}
	if conf.JoinCode == "" {
		return conf, r, fmt.Errorf("conference %s has no join code in the organiser's view", slug)
	}
	return conf, r, nil
}

// results is what the run checks of GET /api/v1/rounds/{id}/results.
type results struct {
	Ballots  int `json:"ballots"`
	Eligible int `json:"eligible"`
}

func fetchResults(ctx context.Context, org *apiClient, roundID int64) (results, error) {
	var res results
	_, err := org.do(ctx, http.MethodGet, "/api/v1/rounds/"+strconv.FormatInt(roundID, 10)+"/results", nil, &res)
	return res, err
}

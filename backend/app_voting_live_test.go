package backend_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func TestVotingAuthorizeTopic(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App, clk *clock) {
		v := MustVoting(t, app, clk)
		ctx := t.Context()
		open := MustAdvance(t, app, v.mod, MustRound(t, app, v.mod, v.sess.ID, labels("Offen", backend.MethodSingle, "Ja", "Nein")), backend.RoundOpen)
		draft := MustRound(t, app, v.mod, v.sess.ID, labels("Entwurf", backend.MethodSingle, "Ja", "Nein"))
		MustCreateConference(t, app, v.orga, "entwurf")
		hiddenConf := mustConf(t, app, v.orga, "entwurf")
		round := func(id int64) string { return "round:" + strconv.FormatInt(id, 10) }
		session := "session:" + strconv.FormatInt(v.sess.ID, 10)
		conference := "conference:" + strconv.FormatInt(v.conf.ID, 10)

		const pub, modView = backend.ViewPublic, backend.ViewModerator
		for _, tt := range []struct {
			name      string
			actor     backend.Actor
			topic     string
			moderator bool
			want      string // error code
			view      string
			presenter bool
		}{
			{"visitor follows an open round", backend.Actor{}, round(open.ID), false, "", pub, false},
			{"participant follows an open round", v.alice, round(open.ID), false, "", pub, false},
			{"participant asks for the moderator view", v.alice, round(open.ID), true, backend.EFORBIDDEN, "", false},
			{"visitor asks for the moderator view", backend.Actor{}, round(open.ID), true, backend.EFORBIDDEN, "", false},
			{"unlisted moderator asks for the moderator view", v.modOther, round(open.ID), true, backend.EFORBIDDEN, "", false},
			{"unlisted moderator may present the public view", v.modOther, round(open.ID), false, "", pub, true},
			{"listed moderator gets the moderator view", v.mod, round(open.ID), true, "", modView, true},
			{"organiser gets the moderator view", v.orga, round(open.ID), true, "", modView, true},
			{"participant cannot follow a draft", v.alice, round(draft.ID), false, backend.ENOTFOUND, "", false},
			{"unlisted moderator cannot follow a draft", v.modOther, round(draft.ID), false, backend.ENOTFOUND, "", false},
			{"listed moderator follows a draft", v.mod, round(draft.ID), true, "", modView, true},
			{"participant follows the session", v.alice, session, false, "", pub, false},
			{"participant asks for the session's moderator view", v.alice, session, true, backend.EFORBIDDEN, "", false},
			{"listed moderator gets the session's moderator view", v.mod, session, true, "", modView, true},
			{"participant follows the conference", v.alice, conference, false, "", pub, false},
			{"nobody gets a moderator view of a conference", v.orga, conference, true, backend.EFORBIDDEN, "", false},
			{"a draft conference is not found", v.alice, "conference:" + strconv.FormatInt(hiddenConf.ID, 10), false, backend.ENOTFOUND, "", false},
			{"an unknown round", v.alice, "round:999999", false, backend.ENOTFOUND, "", false},
			{"an unknown session", v.alice, "session:999999", false, backend.ENOTFOUND, "", false},
			{"an unknown conference", v.alice, "conference:999999", false, backend.ENOTFOUND, "", false},
			{"an unknown kind", v.alice, "idea:1", false, backend.EINVALID, "", false},
			{"no id", v.alice, "round:", false, backend.EINVALID, "", false},
			{"id 0", v.alice, "round:0", false, backend.EINVALID, "", false},
			{"a negative id", v.alice, "round:-3", false, backend.EINVALID, "", false},
			{"not a number", v.alice, "round:12abc", false, backend.EINVALID, "", false},
			{"no colon", v.alice, "round", false, backend.EINVALID, "", false},
			{"empty", v.alice, "", false, backend.EINVALID, "", false},
		} {
			t.Run(tt.name, func(t *testing.T) {
				sub, err := app.AuthorizeTopic(ctx, tt.actor, tt.topic, tt.moderator)
				wantCode(t, err, tt.want)
				if err == nil && (sub.View != tt.view || sub.Presenter != tt.presenter) {
					t.Errorf("subscription = %+v, want view %q presenter %v", sub, tt.view, tt.presenter)
				}
			})
		}
	})
}

// liveRoundJSON is the round payload as a client decodes it.
type liveRoundJSON struct {
	Round    *struct{ ID int64 } `json:"round"`
	Ballots  int                 `json:"ballots"`
	Eligible int                 `json:"eligible"`
	Results  *backend.Results    `json:"results"`
}

func MustLivePayload(tb testing.TB, app *backend.App, topic, view string) []byte {
	tb.Helper()
	b, err := app.LivePayload(tb.Context(), topic, view)
	if err != nil {
		tb.Fatalf("payload %s/%s: %v", topic, view, err)
	}
	if !json.Valid(b) {
		tb.Fatalf("payload %s/%s is not JSON: %s", topic, view, b)
	}
	return b
}

func TestVotingLivePayload(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App, clk *clock) {
		v := MustVoting(t, app, clk)
		in := backend.RoundInput{Title: "Verdeckt live", Method: backend.MethodDots, IdeaIDs: []int64{v.akte.ID, v.chat.ID}}
		r := MustRound(t, app, v.mod, v.sess.ID, in)
		topic := "round:" + strconv.FormatInt(r.ID, 10)
		decode := func(t *testing.T, view string) (liveRoundJSON, string) {
			t.Helper()
			raw := MustLivePayload(t, app, topic, view)
			var p liveRoundJSON
			if err := json.Unmarshal(raw, &p); err != nil {
				t.Fatalf("decode %s: %v", raw, err)
			}
			return p, string(raw)
		}
		// A hidden tally must not travel in the public payload in any form:
		// only these four keys, and none of an option result's counts.
		// ("points" is also the dots budget of the round, so it is not
		// looked for.)
		wantNoTally := func(t *testing.T, raw string) {
			t.Helper()
			var top map[string]json.RawMessage
			if err := json.Unmarshal([]byte(raw), &top); err != nil {
				t.Fatal(err)
			}
			for k := range top {
				if k != "round" && k != "ballots" && k != "eligible" && k != "results" {
					t.Errorf("public payload has key %q: %s", k, raw)
				}
			}
			for _, key := range []string{`"votes"`, `"rank"`, `"distribution"`, `"mean"`, `"optionId"`} {
				if strings.Contains(raw, key) {
					t.Errorf("public payload contains %s: %s", key, raw)
				}
			}
		}

		t.Run("a draft is absent from the public view", func(t *testing.T) {
			p, raw := decode(t, backend.ViewPublic)
			if p.Round != nil || p.Results != nil || p.Ballots != 0 {
				t.Errorf("public payload of a draft = %s, want round and results null", raw)
			}
			if m, _ := decode(t, backend.ViewModerator); m.Round == nil || m.Round.ID != r.ID {
				t.Errorf("moderator payload of a draft has no round")
			}
		})
		r = MustAdvance(t, app, v.mod, r, backend.RoundOpen)
		MustCast(t, app, v.alice, r.ID, "p-alice", vals{1: 3, 2: 2})
		MustCast(t, app, v.bob, r.ID, "p-bob", vals{2: 1})
		for _, state := range []backend.RoundState{backend.RoundOpen, backend.RoundClosed} {
			t.Run("hidden results stay out of the public view while "+string(state), func(t *testing.T) {
				if state == backend.RoundClosed {
					r = MustAdvance(t, app, v.mod, MustRoundView(t, app, v.mod, r.ID), backend.RoundClosed)
				}
				p, raw := decode(t, backend.ViewPublic)
				if p.Round == nil || p.Results != nil || p.Ballots != 2 || p.Eligible != 4 {
					t.Errorf("public payload = %s, want the round, 2 of 4 ballots and results null", raw)
				}
				wantNoTally(t, raw)
				m, raw := decode(t, backend.ViewModerator)
				if m.Results == nil || m.Results.Options[0].Points != 3 || m.Results.Options[1].Points != 3 || m.Results.Options[1].Votes != 2 {
					t.Errorf("moderator payload = %s, want the tallies (3 and 3 points)", raw)
				}
			})
		}
		t.Run("after the reveal the public view has the results", func(t *testing.T) {
			MustAdvance(t, app, v.mod, r, backend.RoundRevealed)
			p, raw := decode(t, backend.ViewPublic)
			if p.Results == nil || p.Results.State != backend.RoundRevealed || p.Results.Options[0].Points != 3 {
				t.Errorf("public payload after reveal = %s, want the results", raw)
			}
		})
		t.Run("session and conference payloads", func(t *testing.T) {
			draft := MustRound(t, app, v.mod, v.sess.ID, labels("Noch nicht", backend.MethodSingle, "Ja", "Nein"))
			open := MustAdvance(t, app, v.mod, MustRound(t, app, v.mod, v.sess.ID, labels("Jetzt", backend.MethodSingle, "Ja", "Nein")), backend.RoundOpen)
			other := MustSession(t, app, v.orga, "andere", sessionIn("Anderswo", t0, time.Hour))
			MustAdvance(t, app, v.orga, MustRound(t, app, v.orga, other.ID, labels("Fremd", backend.MethodSingle, "Ja", "Nein")), backend.RoundOpen)

			var sess struct {
				Session struct{ ID int64 } `json:"session"`
				Rounds  []struct {
					ID    int64
					State backend.RoundState
				} `json:"rounds"`
			}
			ids := func(view string) map[int64]bool {
				raw := MustLivePayload(t, app, "session:"+strconv.FormatInt(v.sess.ID, 10), view)
				if err := json.Unmarshal(raw, &sess); err != nil {
					t.Fatal(err)
				}
				out := map[int64]bool{}
				for _, r := range sess.Rounds {
					out[r.ID] = true
				}
				return out
			}
			if pub := ids(backend.ViewPublic); pub[draft.ID] || !pub[open.ID] || !pub[r.ID] || sess.Session.ID != v.sess.ID {
				t.Errorf("public session payload rounds = %v, want no draft", pub)
			}
			if mod := ids(backend.ViewModerator); !mod[draft.ID] || !mod[open.ID] {
				t.Errorf("moderator session payload rounds = %v, want the draft too", mod)
			}

			var conf struct {
				OpenRounds []struct {
					ID           int64  `json:"id"`
					Title        string `json:"title"`
					SessionID    int64  `json:"sessionId"`
					SessionTitle string `json:"sessionTitle"`
				} `json:"openRounds"`
			}
			raw := MustLivePayload(t, app, "conference:"+strconv.FormatInt(v.conf.ID, 10), backend.ViewPublic)
			if err := json.Unmarshal(raw, &conf); err != nil {
				t.Fatal(err)
			}
			if len(conf.OpenRounds) != 1 || conf.OpenRounds[0].ID != open.ID || conf.OpenRounds[0].SessionTitle != v.sess.Title || conf.OpenRounds[0].Title != "Jetzt" {
				t.Errorf("conference payload = %s, want only round %d of this conference", raw, open.ID)
			}
		})
		t.Run("unknown topics", func(t *testing.T) {
			_, err := app.LivePayload(t.Context(), "round:999999", backend.ViewPublic)
			wantCode(t, err, backend.ENOTFOUND)
			_, err = app.LivePayload(t.Context(), "vote:1", backend.ViewPublic)
			wantCode(t, err, backend.EINVALID)
		})
	})
}

package backend_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"ideenmarkt/backend"
)

// vals is shorthand for ballot values.
type vals = map[int]int

func TestVotingBallotRules(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App, clk *clock) {
		v := MustVoting(t, app, clk)
		ctx := t.Context()
		four := []string{"Erstens", "Zweitens", "Drittens", "Viertens"}
		open := func(in backend.RoundInput) backend.RoundView {
			in.Changeable = true // so that one voter can try every valid ballot
			return MustAdvance(t, app, v.mod, MustRound(t, app, v.mod, v.sess.ID, in), backend.RoundOpen)
		}
		multiple := labels("Mehrfach", backend.MethodMultiple, four...)
		multiple.MaxChoices = 2
		rounds := map[backend.VoteMethod]backend.RoundView{
			backend.MethodSingle:   open(labels("Einfach", backend.MethodSingle, four...)),
			backend.MethodMultiple: open(multiple),
			backend.MethodDots:     open(labels("Punkte", backend.MethodDots, four...)), // 5 points, at most 3 on one
			backend.MethodApproval: open(labels("Zustimmung", backend.MethodApproval, four...)),
			backend.MethodRating:   open(labels("Sterne", backend.MethodRating, four...)),
			backend.MethodRanking:  open(labels("Reihenfolge", backend.MethodRanking, four...)),
		}
		short := open(labels("Nur zwei", backend.MethodSingle, "Ja", "Nein"))

		tests := []struct {
			name   string
			method backend.VoteMethod
			values vals
			want   string // "values:code", or "" for valid
			stored vals   // what is stored, if it differs from values
		}{
			{"one option", backend.MethodSingle, vals{3: 1}, "", nil},
			{"two options", backend.MethodSingle, vals{1: 1, 2: 1}, "values:choose_one", nil},
			{"a value other than 1", backend.MethodSingle, vals{1: 2}, "values:choose_one", nil},
			{"a zero", backend.MethodSingle, vals{1: 0}, "values:choose_one", nil},
			{"nothing", backend.MethodSingle, vals{}, "values:choose_one", nil},
			{"no values at all", backend.MethodSingle, nil, "values:choose_one", nil},
			{"an unknown option", backend.MethodSingle, vals{5: 1}, "values:unknown_option", nil},
			{"option 0", backend.MethodSingle, vals{0: 1}, "values:unknown_option", nil},
			{"a negative option", backend.MethodSingle, vals{-1: 1}, "values:unknown_option", nil},

			{"up to the maximum", backend.MethodMultiple, vals{1: 1, 4: 1}, "", nil},
			{"one is enough", backend.MethodMultiple, vals{2: 1}, "", nil},
			{"too many choices", backend.MethodMultiple, vals{1: 1, 2: 1, 3: 1}, "values:too_many", nil},
			{"nothing", backend.MethodMultiple, vals{}, "values:choose_some", nil},
			{"a value other than 1", backend.MethodMultiple, vals{1: 1, 2: 3}, "values:chosen_or_not", nil},
			{"a negative value", backend.MethodMultiple, vals{1: -1}, "values:chosen_or_not", nil},
			{"unchosen options as zeros, dropped", backend.MethodMultiple, vals{1: 1, 2: 0, 3: 0}, "", vals{1: 1}},
			{"only zeros", backend.MethodMultiple, vals{1: 0, 2: 0}, "values:choose_some", nil},

			{"the whole budget", backend.MethodDots, vals{1: 3, 2: 2}, "", nil},
			{"part of the budget, zeros dropped", backend.MethodDots, vals{1: 1, 2: 0, 4: 1}, "", vals{1: 1, 4: 1}},
			{"over the budget", backend.MethodDots, vals{1: 3, 2: 3}, "values:over_budget", nil},
			{"over the maximum per option", backend.MethodDots, vals{1: 4}, "values:too_many_on_one", nil},
			{"negative points", backend.MethodDots, vals{1: 3, 2: -1}, "values:negative", nil},
			{"no points", backend.MethodDots, vals{}, "values:no_points", nil},
			{"only zeros", backend.MethodDots, vals{1: 0, 2: 0}, "values:no_points", nil},

			{"yes and no", backend.MethodApproval, vals{1: 1, 2: 0}, "", nil},
			{"only a no", backend.MethodApproval, vals{3: 0}, "", nil},
			{"a 2", backend.MethodApproval, vals{1: 2}, "values:yes_no", nil},
			{"a -1", backend.MethodApproval, vals{1: -1}, "values:yes_no", nil},
			{"nothing", backend.MethodApproval, vals{}, "values:answer_one", nil},

			{"1 and 5 stars", backend.MethodRating, vals{1: 5, 2: 1}, "", nil},
			{"0 stars", backend.MethodRating, vals{1: 0}, "values:stars", nil},
			{"6 stars", backend.MethodRating, vals{1: 6}, "values:stars", nil},
			{"nothing", backend.MethodRating, vals{}, "values:rate_one", nil},

			{"a full order", backend.MethodRanking, vals{1: 2, 2: 4, 3: 1, 4: 3}, "", nil},
			{"only a favourite", backend.MethodRanking, vals{2: 1}, "", nil},
			{"a partial order", backend.MethodRanking, vals{4: 1, 1: 2}, "", nil},
			{"a gap", backend.MethodRanking, vals{1: 1, 2: 3}, "values:ranks", nil},
			{"not starting at 1", backend.MethodRanking, vals{1: 2}, "values:ranks", nil},
			{"a tie", backend.MethodRanking, vals{1: 1, 2: 1}, "values:ranks", nil},
			{"rank 0", backend.MethodRanking, vals{1: 0, 2: 1}, "values:ranks", nil},
			{"nothing", backend.MethodRanking, vals{}, "values:ranks", nil},
		}
		for n, tt := range tests {
			t.Run(string(tt.method)+"/"+tt.name, func(t *testing.T) {
				r := rounds[tt.method]
				before := MustRoundView(t, app, v.alice, r.ID).MyBallot
				var in vals
				if tt.values != nil {
					in = vals{}
					for k, x := range tt.values {
						in[k] = x
					}
				}
				rc, err := app.CastBallot(ctx, v.alice, r.ID, backend.BallotInput{ClientBallotID: fmt.Sprintf("b-%d", n), Values: in})
				after := MustRoundView(t, app, v.alice, r.ID).MyBallot
				if tt.want != "" {
					wantFields(t, err, tt.want)
					if !sameValues(after, before) {
						t.Errorf("my ballot after a refused one = %v, want unchanged %v", after, before)
					}
					return
				}
				want := tt.values
				if tt.stored != nil {
					want = tt.stored
				}
				if err != nil || (rc.Outcome != backend.CastCreated && rc.Outcome != backend.CastReplaced) || !sameValues(rc.Values, want) || rc.RoundID != r.ID {
					t.Fatalf("receipt = %+v (%v), want created or replaced with %v", rc, err, want)
				}
				if !sameValues(after, want) {
					t.Errorf("my ballot = %v, want %v", after, want)
				}
				if MustTally(t, app, r.ID).Ballots != 1 {
					t.Errorf("ballots = %d, want one per voter", MustTally(t, app, r.ID).Ballots)
				}
			})
		}
		t.Run("an option of another round", func(t *testing.T) {
			// Option ids are numbers within a round: 3 exists in the
			// four-option rounds, not in this one.
			_, err := app.CastBallot(ctx, v.alice, short.ID, backend.BallotInput{ClientBallotID: "kurz-1", Values: vals{3: 1}})
			wantFields(t, err, "values:unknown_option")
		})
		t.Run("the client ballot id", func(t *testing.T) {
			r := rounds[backend.MethodSingle]
			for _, tt := range []struct {
				name string
				cid  string
				want []string
			}{
				{"missing", "", []string{"clientBallotId:required"}},
				{"blank", " \t ", []string{"clientBallotId:required"}},
				{"65 characters", strings.Repeat("a", 65), []string{"clientBallotId:invalid"}},
				{"non-ASCII", "stimme-ä", []string{"clientBallotId:invalid"}},
				{"an inner space", "a b", []string{"clientBallotId:invalid"}},
				{"a control character", "a\x01b", []string{"clientBallotId:invalid"}},
				{"with a bad ballot too", "", []string{"clientBallotId:required", "values:choose_one"}},
				{"64 characters", strings.Repeat("a", 64), nil},
				{"a UUID with surrounding spaces", " 1b4e28ba-2fa1-11d2-883f-0016d3cca427 ", nil},
			} {
				t.Run(tt.name, func(t *testing.T) {
					values := vals{2: 1}
					if strings.Contains(tt.name, "bad ballot") {
						values = vals{}
					}
					rc, err := app.CastBallot(ctx, v.bob, r.ID, backend.BallotInput{ClientBallotID: tt.cid, Values: values})
					if tt.want != nil {
						wantFields(t, err, tt.want...)
						return
					}
					if err != nil || rc.ClientBallotID != strings.TrimSpace(tt.cid) {
						t.Fatalf("receipt = %+v (%v), want the trimmed id", rc, err)
					}
				})
			}
		})
	})
}

func TestVotingBallotIdempotency(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App, clk *clock) {
		v := MustVoting(t, app, clk)
		ctx := t.Context()
		fixed := MustAdvance(t, app, v.mod, MustRound(t, app, v.mod, v.sess.ID, labels("Endgültig", backend.MethodSingle, "Ja", "Nein")), backend.RoundOpen)
		in := labels("Änderbar", backend.MethodSingle, "Ja", "Nein")
		in.Changeable = true
		changeable := MustAdvance(t, app, v.mod, MustRound(t, app, v.mod, v.sess.ID, in), backend.RoundOpen)
		cast := func(a backend.Actor, id int64, cid string, values vals) (backend.BallotReceipt, error) {
			return app.CastBallot(ctx, a, id, backend.BallotInput{ClientBallotID: cid, Values: values})
		}
		wantTally := func(t *testing.T, id int64, want vals) {
			t.Helper()
			got := MustRoundView(t, app, v.mod, id)
			n := 0
			for _, x := range want {
				n += x
			}
			if got.Ballots != n || !sameValues(votesOf(got.Results), want) {
				t.Errorf("round %d: %d ballots, votes %v; want %d and %v", id, got.Ballots, votesOf(got.Results), n, want)
			}
		}

		t.Run("the same client ballot id is the same ballot", func(t *testing.T) {
			first := MustCast(t, app, v.alice, fixed.ID, "alice-1", vals{1: 1})
			if first.Outcome != backend.CastCreated || first.CastAt.IsZero() {
				t.Fatalf("first = %+v, want created", first)
			}
			for _, again := range []vals{{1: 1}, {2: 1}} { // a retry never changes the stored ballot
				rc, err := cast(v.alice, fixed.ID, "alice-1", again)
				if err != nil || rc.Outcome != backend.CastSame || !sameValues(rc.Values, vals{1: 1}) || !rc.CastAt.Equal(first.CastAt) {
					t.Errorf("retry with %v = %+v (%v), want same with the stored values and time", again, rc, err)
				}
			}
			wantTally(t, fixed.ID, vals{1: 1, 2: 0})
		})
		t.Run("a different ballot in a round that does not allow changes is refused", func(t *testing.T) {
			_, err := cast(v.alice, fixed.ID, "alice-2", vals{2: 1})
			wantCode(t, err, backend.ECONFLICT)
			if msg := backend.ErrorMessage(err); !strings.Contains(msg, "already voted") {
				t.Errorf("message = %q, want it to say already voted", msg)
			}
			wantTally(t, fixed.ID, vals{1: 1, 2: 0})
		})
		t.Run("a different ballot replaces the first where changes are allowed", func(t *testing.T) {
			if rc := MustCast(t, app, v.alice, changeable.ID, "c-1", vals{1: 1}); rc.Outcome != backend.CastCreated {
				t.Fatalf("first: %s, want created", rc.Outcome)
			}
			rc := MustCast(t, app, v.alice, changeable.ID, "c-2", vals{2: 1})
			if rc.Outcome != backend.CastReplaced || !sameValues(rc.Values, vals{2: 1}) {
				t.Fatalf("second = %+v, want replaced with {2:1}", rc)
			}
			if rc := MustCast(t, app, v.alice, changeable.ID, "c-2", vals{2: 1}); rc.Outcome != backend.CastSame {
				t.Errorf("retry of the second: %s, want same", rc.Outcome)
			}
			wantTally(t, changeable.ID, vals{1: 0, 2: 1})
			if got := MustRoundView(t, app, v.alice, changeable.ID).MyBallot; !sameValues(got, vals{2: 1}) {
				t.Errorf("my ballot = %v, want {2:1}", got)
			}
		})
		t.Run("after the close a retry of the stored ballot still succeeds", func(t *testing.T) {
			MustAdvance(t, app, v.mod, MustRoundView(t, app, v.mod, fixed.ID), backend.RoundClosed)
			MustAdvance(t, app, v.mod, MustRoundView(t, app, v.mod, changeable.ID), backend.RoundClosed)
			for _, tt := range []struct {
				name    string
				actor   backend.Actor
				round   int64
				cid     string
				values  vals
				outcome backend.CastOutcome // "" → ECONFLICT
			}{
				{"the stored ballot", v.alice, fixed.ID, "alice-1", vals{1: 1}, backend.CastSame},
				{"another ballot", v.alice, fixed.ID, "alice-2", vals{2: 1}, ""},
				{"the replacing ballot", v.alice, changeable.ID, "c-2", vals{2: 1}, backend.CastSame},
				{"the replaced ballot", v.alice, changeable.ID, "c-1", vals{1: 1}, ""},
				{"a first ballot", v.bob, fixed.ID, "bob-1", vals{1: 1}, ""},
			} {
				t.Run(tt.name, func(t *testing.T) {
					rc, err := cast(tt.actor, tt.round, tt.cid, tt.values)
					if tt.outcome == "" {
						wantCode(t, err, backend.ECONFLICT)
						return
					}
					if err != nil || rc.Outcome != tt.outcome || !sameValues(rc.Values, tt.values) {
						t.Errorf("receipt = %+v (%v), want %s with %v", rc, err, tt.outcome, tt.values)
					}
				})
			}
			wantTally(t, fixed.ID, vals{1: 1, 2: 0})
			wantTally(t, changeable.ID, vals{1: 0, 2: 1})
		})
		t.Run("who may vote", func(t *testing.T) {
			r := MustAdvance(t, app, v.mod, MustRound(t, app, v.mod, v.sess.ID, labels("Wer darf?", backend.MethodSingle, "Ja", "Nein")), backend.RoundOpen)
			orgaJoined := v.orga
			orgaJoined.ParticipantKey = backend.RandomToken()
			if _, _, err := app.Join(ctx, orgaJoined, "tag", backend.JoinInput{Code: v.conf.JoinCode, DisplayName: "Olga Orga"}); err != nil {
				t.Fatal(err)
			}
			leaver, _ := MustJoin(t, app, "tag", v.conf.JoinCode, "Lea Geht", "")
			if err := app.Leave(ctx, leaver, "tag"); err != nil {
				t.Fatal(err)
			}
			strangerActor, _ := MustJoin(t, app, "andere", mustConf(t, app, v.orga, "andere").JoinCode, "Sina Fremd", "")
			for n, tt := range []struct {
				name  string
				actor backend.Actor
				want  string
			}{
				{"a visitor must join", backend.Actor{}, backend.EUNAUTHORIZED},
				{"an unknown browser must join", backend.Actor{ParticipantKey: backend.RandomToken()}, backend.EUNAUTHORIZED},
				{"a participant of another conference must join this one", strangerActor, backend.EUNAUTHORIZED},
				{"a participant who left", leaver, backend.EUNAUTHORIZED},
				{"an organiser without participation is forbidden", v.orga, backend.EFORBIDDEN},
				{"an organiser who joined", orgaJoined, ""},
				{"a moderator", v.modOther, ""},
				{"a participant", v.bob, ""},
			} {
				t.Run(tt.name, func(t *testing.T) {
					before := MustTally(t, app, r.ID).Ballots
					_, err := cast(tt.actor, r.ID, "wer-"+strconv.Itoa(n), vals{1: 1})
					wantCode(t, err, tt.want)
					if want := before + map[bool]int{true: 1, false: 0}[tt.want == ""]; MustTally(t, app, r.ID).Ballots != want {
						t.Errorf("ballots = %d, want %d", MustTally(t, app, r.ID).Ballots, want)
					}
				})
			}
		})
		t.Run("not joined is said before anything is wrong with the ballot", func(t *testing.T) {
			// A phone that lost its participant cookie must learn to join
			// again, not be told that its (perhaps half-built) ballot is wrong.
			r := MustAdvance(t, app, v.mod, MustRound(t, app, v.mod, v.sess.ID, labels("Reihenfolge der Prüfung", backend.MethodSingle, "Ja", "Nein")), backend.RoundOpen)
			for _, in := range []backend.BallotInput{{}, {ClientBallotID: "x", Values: vals{9: 1}}, {ClientBallotID: "x", Values: vals{1: 1, 2: 1}}} {
				_, err := app.CastBallot(ctx, backend.Actor{}, r.ID, in)
				wantCode(t, err, backend.EUNAUTHORIZED)
				_, err = app.CastBallot(ctx, v.orga, r.ID, in)
				wantCode(t, err, backend.EFORBIDDEN)
			}
		})
		t.Run("rounds that take no ballots", func(t *testing.T) {
			draft := MustRound(t, app, v.mod, v.sess.ID, labels("Entwurf", backend.MethodSingle, "Ja", "Nein"))
			_, err := cast(v.alice, draft.ID, "entwurf-1", vals{1: 1})
			wantCode(t, err, backend.ENOTFOUND)
			_, err = cast(v.mod, draft.ID, "entwurf-1", vals{1: 1})
			wantCode(t, err, backend.ECONFLICT)
			_, err = cast(v.alice, 999999, "nirgends-1", vals{1: 1})
			wantCode(t, err, backend.ENOTFOUND)

			open := MustAdvance(t, app, v.mod, MustRound(t, app, v.mod, v.sess.ID, labels("Phase", backend.MethodSingle, "Ja", "Nein")), backend.RoundOpen)
			MustSetPhases(t, app, v.orga, "tag", backend.PhaseClosed)
			defer MustSetPhases(t, app, v.orga, "tag", backend.PhaseLive)
			_, err = cast(v.alice, open.ID, "phase-1", vals{1: 1})
			wantCode(t, err, backend.ECONFLICT)
			if n := MustTally(t, app, open.ID).Ballots; n != 0 {
				t.Errorf("ballots = %d after the conference day, want 0", n)
			}
		})
	})
}

func mustConf(tb testing.TB, app *backend.App, orga backend.Actor, slug string) backend.ConferenceView {
	tb.Helper()
	c, err := app.GetConference(tb.Context(), orga, slug)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// anonymousKey is the documented voter key of an anonymous round (see
// backend.Ballot): the hex HMAC-SHA256 of "round:participant" under the
// round's secret. Only a test that reads the secret from the store can
// compute it, and only while the round is open.
func anonymousKey(secret []byte, roundID, participantID int64) string {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "%d:%d", roundID, participantID)
	return hex.EncodeToString(m.Sum(nil))
}

func TestVotingAnonymous(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App, clk *clock) {
		v := MustVoting(t, app, clk)
		ctx := t.Context()
		in := labels("Geheim", backend.MethodSingle, "Ja", "Nein")
		in.Anonymous = true
		r := MustAdvance(t, app, v.mod, MustRound(t, app, v.mod, v.sess.ID, in), backend.RoundOpen)
		named := MustAdvance(t, app, v.mod, MustRound(t, app, v.mod, v.sess.ID, labels("Offen", backend.MethodSingle, "Ja", "Nein")), backend.RoundOpen)
		MustCast(t, app, v.alice, r.ID, "anon-alice", vals{1: 1})
		MustCast(t, app, v.bob, r.ID, "anon-bob", vals{2: 1})
		MustCast(t, app, v.alice, named.ID, "named-alice", vals{1: 1})

		t.Run("the stored ballot names no one", func(t *testing.T) {
			stored, err := app.Store.FindRoundByID(ctx, r.ID)
			if err != nil || len(stored.VoterKey) != 32 {
				t.Fatalf("round secret = %d bytes (%v), want 32 while open", len(stored.VoterKey), err)
			}
			if _, err := app.Store.FindBallot(ctx, r.ID, "p"+strconv.FormatInt(v.aliceP.ID, 10)); backend.ErrorCode(err) != backend.ENOTFOUND {
				t.Errorf("ballot under the participant's id: %v, want ENOTFOUND", err)
			}
			keyA, keyB := anonymousKey(stored.VoterKey, r.ID, v.aliceP.ID), anonymousKey(stored.VoterKey, r.ID, v.bobP.ID)
			b, err := app.Store.FindBallot(ctx, r.ID, keyA)
			if err != nil {
				t.Fatalf("ballot under the keyed hash: %v", err)
			}
			if b.ParticipantID != nil || b.VoterKey != keyA || strings.HasPrefix(b.VoterKey, "p") || len(b.VoterKey) != 64 || keyA == keyB {
				t.Errorf("stored ballot: participant %v, voter key %q; want no participant and a 64-hex keyed hash", b.ParticipantID, b.VoterKey)
			}
		})
		t.Run("a named ballot names its voter", func(t *testing.T) {
			b, err := app.Store.FindBallot(ctx, named.ID, "p"+strconv.FormatInt(v.aliceP.ID, 10))
			if err != nil || b.ParticipantID == nil || *b.ParticipantID != v.aliceP.ID {
				t.Fatalf("named ballot = %+v (%v), want participant %d", b, err, v.aliceP.ID)
			}
		})
		t.Run("while open, each voter sees their own ballot", func(t *testing.T) {
			if got := MustRoundView(t, app, v.alice, r.ID).MyBallot; !sameValues(got, vals{1: 1}) {
				t.Errorf("alice's ballot = %v, want {1:1}", got)
			}
			if got := MustRoundView(t, app, v.modOther, r.ID).MyBallot; got != nil {
				t.Errorf("a non-voter's ballot = %v, want none", got)
			}
			if rc := MustCast(t, app, v.alice, r.ID, "anon-alice", vals{1: 1}); rc.Outcome != backend.CastSame {
				t.Errorf("retry: %s, want same", rc.Outcome)
			}
			_, err := app.CastBallot(ctx, v.alice, r.ID, backend.BallotInput{ClientBallotID: "anon-alice-2", Values: vals{2: 1}})
			wantCode(t, err, backend.ECONFLICT)
		})
		t.Run("the key is per round", func(t *testing.T) {
			in.Title = "Noch geheimer"
			r2 := MustAdvance(t, app, v.mod, MustRound(t, app, v.mod, v.sess.ID, in), backend.RoundOpen)
			MustCast(t, app, v.alice, r2.ID, "anon-alice", vals{1: 1})
			s1, _ := app.Store.FindRoundByID(ctx, r.ID)
			s2, _ := app.Store.FindRoundByID(ctx, r2.ID)
			if string(s1.VoterKey) == string(s2.VoterKey) {
				t.Error("two anonymous rounds share their secret")
			}
			if _, err := app.Store.FindBallot(ctx, r2.ID, anonymousKey(s1.VoterKey, r2.ID, v.aliceP.ID)); backend.ErrorCode(err) != backend.ENOTFOUND {
				t.Errorf("one round's secret finds a ballot of another: %v", err)
			}
		})
		t.Run("after the close the secret is gone", func(t *testing.T) {
			closed := MustAdvance(t, app, v.mod, MustRoundView(t, app, v.mod, r.ID), backend.RoundClosed)
			stored, err := app.Store.FindRoundByID(ctx, r.ID)
			if err != nil || stored.VoterKey != nil {
				t.Fatalf("round secret after close = %x (%v), want nil", stored.VoterKey, err)
			}
			if got := MustRoundView(t, app, v.alice, r.ID); got.MyBallot != nil || got.Ballots != 2 {
				t.Errorf("alice after close: my ballot %v, %d ballots; want none and 2", got.MyBallot, got.Ballots)
			}
			// Nobody can tell the ballot is alice's any more, so neither can the retry.
			_, err = app.CastBallot(ctx, v.alice, r.ID, backend.BallotInput{ClientBallotID: "anon-alice", Values: vals{1: 1}})
			wantCode(t, err, backend.ECONFLICT)
			if res := closed.Results; res == nil || !sameValues(votesOf(res), vals{1: 1, 2: 1}) {
				t.Errorf("results = %+v, want 1:1 2:1", res)
			}
		})
	})
}

func TestVotingHiddenResults(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App, clk *clock) {
		v := MustVoting(t, app, clk)
		ctx := t.Context()
		in := backend.RoundInput{Title: "Verdeckt", Method: backend.MethodSingle, IdeaIDs: []int64{v.akte.ID, v.chat.ID}}
		r := MustAdvance(t, app, v.mod, MustRound(t, app, v.mod, v.sess.ID, in), backend.RoundOpen)
		MustCast(t, app, v.alice, r.ID, "h-alice", vals{1: 1})
		MustCast(t, app, v.bob, r.ID, "h-bob", vals{1: 1})
		MustCast(t, app, v.mod, r.ID, "h-mod", vals{2: 1})

		viewers := []struct {
			name   string
			actor  backend.Actor
			runner bool
		}{
			{"visitor", backend.Actor{}, false},
			{"participant who voted", v.alice, false},
			{"moderator not listed", v.modOther, false},
			{"listed moderator", v.mod, true},
			{"organiser", v.orga, true},
		}
		check := func(t *testing.T, public bool) {
			t.Helper()
			for _, vw := range viewers {
				sees := public || vw.runner
				got := MustRoundView(t, app, vw.actor, r.ID)
				if (got.Results != nil) != sees || got.Ballots != 3 {
					t.Errorf("%s: results %v, ballots %d; want results %v and 3 ballots", vw.name, got.Results, got.Ballots, sees)
				}
				if sees && got.Results != nil && !sameValues(votesOf(got.Results), vals{1: 2, 2: 1}) {
					t.Errorf("%s: votes %v, want 1:2 2:1", vw.name, votesOf(got.Results))
				}
				res, _, err := app.RoundResults(ctx, vw.actor, r.ID)
				wantCode(t, err, map[bool]string{true: "", false: backend.EFORBIDDEN}[sees])
				if sees && (res == nil || res.Ballots != 3) {
					t.Errorf("%s: RoundResults = %+v, want 3 ballots", vw.name, res)
				}
				list, err := app.ListRounds(ctx, vw.actor, v.sess.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range list {
					if l.ID == r.ID && (l.Results != nil) != sees {
						t.Errorf("%s: listed results %v, want %v", vw.name, l.Results != nil, sees)
					}
				}
			}
		}
		t.Run("while open only those who run it see the tallies", func(t *testing.T) { check(t, false) })
		t.Run("closed, still hidden", func(t *testing.T) {
			r = MustAdvance(t, app, v.mod, MustRoundView(t, app, v.mod, r.ID), backend.RoundClosed)
			check(t, false)
			if res, _ := app.IdeaResults(ctx, v.alice, v.akte.ID); len(res) != 0 {
				t.Errorf("participant sees idea results %+v before the reveal", res)
			}
			if res, _ := app.IdeaResults(ctx, v.mod, v.akte.ID); len(res) != 1 || res[0].Votes != 2 {
				t.Errorf("moderator sees idea results %+v, want 2 votes", res)
			}
		})
		t.Run("revealed, everyone sees them", func(t *testing.T) {
			MustAdvance(t, app, v.mod, r, backend.RoundRevealed)
			check(t, true)
			if res, _ := app.IdeaResults(ctx, v.alice, v.akte.ID); len(res) != 1 || res[0].State != backend.RoundRevealed || res[0].Rank != 1 {
				t.Errorf("participant sees idea results %+v, want the revealed round at rank 1", res)
			}
		})
		t.Run("live results are public while open", func(t *testing.T) {
			in.LiveResults, in.Title = true, "Offen sichtbar"
			l := MustAdvance(t, app, v.mod, MustRound(t, app, v.mod, v.sess.ID, in), backend.RoundOpen)
			MustCast(t, app, v.alice, l.ID, "l-alice", vals{2: 1})
			if got := MustRoundView(t, app, backend.Actor{}, l.ID); got.Results == nil || got.Results.Options[1].Votes != 1 {
				t.Errorf("visitor sees %+v, want live results", got.Results)
			}
		})
	})
}

// TestVotingConcurrentBallots: 200 participants vote at once while one of
// them re-sends the same ballot from 20 more goroutines (a phone retrying
// over bad Wi-Fi). Exactly 200 ballots are counted, on both stores.
func TestVotingConcurrentBallots(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App, clk *clock) {
		v := MustVoting(t, app, clk)
		const voters, retries = 200, 20
		actors := make([]backend.Actor, voters)
		for n := range actors {
			actors[n], _ = MustJoin(t, app, "tag", v.conf.JoinCode, fmt.Sprintf("Person %d", n), "")
		}
		r := MustAdvance(t, app, v.mod, MustRound(t, app, v.mod, v.sess.ID, labels("Alle zugleich", backend.MethodSingle, "Ja", "Nein")), backend.RoundOpen)

		var mu sync.Mutex
		outcomes := map[backend.CastOutcome]int{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		vote := func(n int) {
			defer wg.Done()
			<-start
			rc, err := app.CastBallot(t.Context(), actors[n], r.ID, backend.BallotInput{ClientBallotID: fmt.Sprintf("voter-%d", n), Values: vals{1 + n%2: 1}})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("voter %d: %v", n, err)
				return
			}
			outcomes[rc.Outcome]++
		}
		for n := range voters {
			wg.Add(1)
			go vote(n)
		}
		for range retries {
			wg.Add(1)
			go vote(0)
		}
		close(start)
		wg.Wait()

		if outcomes[backend.CastCreated] != voters || outcomes[backend.CastSame] != retries || len(outcomes) != 2 {
			t.Errorf("outcomes = %v, want %d created and %d same", outcomes, voters, retries)
		}
		got := MustRoundView(t, app, v.mod, r.ID)
		if got.Ballots != voters || !sameValues(votesOf(got.Results), vals{1: voters / 2, 2: voters / 2}) {
			t.Errorf("%d ballots, votes %v; want %d and %d each", got.Ballots, votesOf(got.Results), voters, voters/2)
		}
		if tl := MustTally(t, app, r.ID); tl.Ballots != voters {
			t.Errorf("stored ballots = %d, want %d", tl.Ballots, voters)
		}
	})
}

package backend_test

import (
	"fmt"
	"slices"
	"testing"

	"ideenmarkt/backend"
)

// The actors of the voting matrix. Conference 7 has two sessions: 20 lists
// moderator 3 ("listed"), 21 lists nobody, so every moderator runs it.
var (
	vParticipant = &backend.Participant{ID: 2, ConferenceID: 7, Role: backend.RoleParticipant}
	vModListed   = &backend.Participant{ID: 3, ConferenceID: 7, Role: backend.RoleModerator}
	vModOther    = &backend.Participant{ID: 4, ConferenceID: 7, Role: backend.RoleModerator}
	vOrgaJoined  = &backend.Participant{ID: 5, ConferenceID: 7, Role: backend.RoleParticipant}

	vSessionListed = &backend.AgendaSession{ID: 20, ConferenceID: 7, Title: "Forum A", ModeratorIDs: []int64{vModListed.ID}}
	vSessionNobody = &backend.AgendaSession{ID: 21, ConferenceID: 7, Title: "Forum B"}
)

// votingRole is one column of the matrix: an actor and the session it acts in.
type votingRole struct {
	name    string
	member  backend.Member
	session *backend.AgendaSession
}

var votingRoles = []votingRole{
	{"visitor", backend.Member{Role: backend.MemberVisitor}, vSessionListed},
	{"participant", backend.Member{Role: backend.MemberParticipant, Participant: vParticipant}, vSessionListed},
	{"moderator listed in the session", backend.Member{Role: backend.MemberModerator, Participant: vModListed}, vSessionListed},
	{"moderator not listed", backend.Member{Role: backend.MemberModerator, Participant: vModOther}, vSessionListed},
	{"moderator of a session listing nobody", backend.Member{Role: backend.MemberModerator, Participant: vModOther}, vSessionNobody},
	{"organiser", backend.Member{Role: backend.MemberOrganizer}, vSessionListed},
	{"organiser who joined", backend.Member{Role: backend.MemberOrganizer, Participant: vOrgaJoined}, vSessionListed},
}

// vwant lists the expected error code per role, in votingRoles order:
// visitor, participant, listed moderator, unlisted moderator, moderator of
// an open session, organiser, organiser who joined. "" means allowed.
type vwant [7]string

// Round states of the matrix; "none" is an action on the session alone.
const (
	stNone     = "none"
	stDraft    = "draft"
	stOpen     = "open"
	stClosed   = "closed"
	stRevealed = "revealed"
)

var (
	allStates   = []string{stNone, stDraft, stOpen, stClosed, stRevealed}
	roundStates = []string{stDraft, stOpen, stClosed, stRevealed}
	afterDraft  = []string{stOpen, stClosed, stRevealed}
	allPhases   = []backend.Phase{backend.PhaseDraft, backend.PhaseIdeas, backend.PhaseLive, backend.PhaseClosed, backend.PhaseArchived}
	publicPh    = []backend.Phase{backend.PhaseIdeas, backend.PhaseLive, backend.PhaseClosed, backend.PhaseArchived}
	beforeOver  = []backend.Phase{backend.PhaseIdeas, backend.PhaseLive}
	over        = []backend.Phase{backend.PhaseClosed, backend.PhaseArchived}
	notLive     = []backend.Phase{backend.PhaseIdeas, backend.PhaseClosed, backend.PhaseArchived}
)

// Results visibility of a round: tallies public while open, hidden until
// reveal, or either (the row's expectation holds for both).
const (
	resLive   = "live"
	resHidden = "hidden"
	resAny    = "any"
)

// TestPermitVotingMatrix walks every role × action × round state × results
// visibility × phase. The expectations are written out by hand; rows name
// several phases or states where the answer does not depend on them.
func TestPermitVotingMatrix(t *testing.T) {
	type row struct {
		phases  []backend.Phase
		act     backend.Action
		states  []string
		results string
		expect  vwant
	}
	// In a draft conference only organisers exist.
	draftConf := func(act backend.Action, orga, orgaJoined string) row {
		return row{[]backend.Phase{backend.PhaseDraft}, act, allStates, resAny, vwant{nf, nf, nf, nf, nf, orga, orgaJoined}}
	}
	rows := []row{
		draftConf(backend.ActManageAgenda, ok, ok),
		draftConf(backend.ActRunVote, ok, ok),
		draftConf(backend.ActViewRound, ok, ok),
		draftConf(backend.ActViewResults, ok, ok),
		// Draft rounds cannot be voted in; the organiser without a
		// participant is refused before that is even looked at.
		{[]backend.Phase{backend.PhaseDraft}, backend.ActVote, allStates, resAny, vwant{nf, nf, nf, nf, nf, forb, confl}},

		// The agenda is the organisers' — until the conference is over.
		// A draft round stays hidden from those who do not run it, whatever they ask.
		{beforeOver, backend.ActManageAgenda, []string{stNone, stOpen, stClosed, stRevealed}, resAny, vwant{unauth, forb, forb, forb, forb, ok, ok}},
		{beforeOver, backend.ActManageAgenda, []string{stDraft}, resAny, vwant{nf, nf, forb, nf, forb, ok, ok}},
		{over, backend.ActManageAgenda, []string{stNone, stOpen, stClosed, stRevealed}, resAny, vwant{unauth, forb, forb, forb, forb, confl, confl}},
		{over, backend.ActManageAgenda, []string{stDraft}, resAny, vwant{nf, nf, forb, nf, forb, confl, confl}},

		// Running votes: the listed moderator, any moderator where nobody is
		// listed, organisers. Drafts need no hiding from those who run them
		// (the App has already refused the others with ViewRound).
		{beforeOver, backend.ActRunVote, allStates, resAny, vwant{unauth, forb, ok, forb, ok, ok, ok}},
		{over, backend.ActRunVote, allStates, resAny, vwant{unauth, forb, confl, forb, confl, confl, confl}},

		// Seeing a round: everyone, except a draft, which is the secret of
		// those who run it, in every phase.
		{publicPh, backend.ActViewRound, []string{stNone}, resAny, vwant{ok, ok, ok, ok, ok, ok, ok}},
		{publicPh, backend.ActViewRound, []string{stDraft}, resAny, vwant{nf, nf, ok, nf, ok, ok, ok}},
		{publicPh, backend.ActViewRound, afterDraft, resAny, vwant{ok, ok, ok, ok, ok, ok, ok}},

		// Tallies: public with live results and after the reveal; hidden
		// ones only for those who run the round.
		{publicPh, backend.ActViewResults, []string{stNone}, resAny, vwant{forb, forb, ok, forb, ok, ok, ok}},
		{publicPh, backend.ActViewResults, []string{stDraft}, resAny, vwant{nf, nf, ok, nf, ok, ok, ok}},
		{publicPh, backend.ActViewResults, []string{stOpen, stClosed}, resLive, vwant{ok, ok, ok, ok, ok, ok, ok}},
		{publicPh, backend.ActViewResults, []string{stOpen, stClosed}, resHidden, vwant{forb, forb, ok, forb, ok, ok, ok}},
		{publicPh, backend.ActViewResults, []string{stRevealed}, resAny, vwant{ok, ok, ok, ok, ok, ok, ok}},

		// Voting: participants (moderators and joined organisers are
		// participants too) in an open round on the conference day.
		{[]backend.Phase{backend.PhaseLive}, backend.ActVote, []string{stOpen}, resAny, vwant{unauth, ok, ok, ok, ok, forb, ok}},
		{[]backend.Phase{backend.PhaseLive}, backend.ActVote, []string{stNone, stClosed, stRevealed}, resAny, vwant{unauth, confl, confl, confl, confl, forb, confl}},
		{[]backend.Phase{backend.PhaseLive}, backend.ActVote, []string{stDraft}, resAny, vwant{nf, nf, confl, nf, confl, forb, confl}},
		// A round left open when the phase moved on takes no more ballots.
		{notLive, backend.ActVote, []string{stNone, stOpen, stClosed, stRevealed}, resAny, vwant{unauth, confl, confl, confl, confl, forb, confl}},
		{notLive, backend.ActVote, []string{stDraft}, resAny, vwant{nf, nf, confl, nf, confl, forb, confl}},
	}

	// Every (phase, action, state, results) must be covered exactly once.
	covered := map[string]int{}
	for _, r := range rows {
		for _, ph := range r.phases {
			for _, st := range r.states {
				for _, res := range expand(r.results) {
					covered[fmt.Sprint(ph, r.act, st, res)]++
				}
			}
		}
	}
	for _, ph := range allPhases {
		for _, act := range []backend.Action{backend.ActManageAgenda, backend.ActRunVote, backend.ActViewRound, backend.ActViewResults, backend.ActVote} {
			for _, st := range allStates {
				for _, res := range []string{resLive, resHidden} {
					if n := covered[fmt.Sprint(ph, act, st, res)]; n != 1 {
						t.Errorf("matrix covers %s/%s/%s/%s %d times, want once", ph, act, st, res, n)
					}
				}
			}
		}
	}

	for _, r := range rows {
		for _, ph := range r.phases {
			for _, st := range r.states {
				for _, res := range expand(r.results) {
					for n, role := range votingRoles {
						name := fmt.Sprintf("%s/%s/%s-%s/%s", ph, r.act, st, res, role.name)
						t.Run(name, func(t *testing.T) {
							c := &backend.Conference{ID: 7, Phase: ph}
							round := matrixRound(st, res, role.session)
							got := backend.ErrorCode(backend.PermitVoting(role.member, c, r.act, role.session, round))
							if got != r.expect[n] {
								t.Fatalf("PermitVoting = %q, want %q", got, r.expect[n])
							}
						})
					}
				}
			}
		}
	}
}

func expand(results string) []string {
	if results == resAny {
		return []string{resLive, resHidden}
	}
	return []string{results}
}

// matrixRound is a round of session s in state st, or nil for "none".
func matrixRound(st, res string, s *backend.AgendaSession) *backend.Round {
	if st == stNone {
		return nil
	}
	return &backend.Round{ID: 30, ConferenceID: s.ConferenceID, SessionID: s.ID, Method: backend.MethodSingle,
		State: backend.RoundState(st), LiveResults: res == resLive}
}

// TestPermitVotingOtherConference: sessions and rounds of conference 8 used
// with conference 7 (ids from elsewhere in a URL) are not found, for every
// role, action, state and phase — the error reveals nothing.
func TestPermitVotingOtherConference(t *testing.T) {
	foreignSession := &backend.AgendaSession{ID: 40, ConferenceID: 8, Title: "Anderswo"}
	cases := []struct {
		name    string
		session func(own *backend.AgendaSession) *backend.AgendaSession
		round   func(own *backend.AgendaSession, st string) *backend.Round
	}{
		{"session of another conference", func(*backend.AgendaSession) *backend.AgendaSession { return foreignSession },
			func(_ *backend.AgendaSession, st string) *backend.Round {
				return matrixRound(st, resLive, foreignSession)
			}},
		{"round of another conference in an own session", func(own *backend.AgendaSession) *backend.AgendaSession { return own },
			func(own *backend.AgendaSession, st string) *backend.Round {
				r := matrixRound(st, resLive, own)
				if r != nil {
					r.ConferenceID = 8
				}
				return r
			}},
		{"round of another session", func(own *backend.AgendaSession) *backend.AgendaSession { return own },
			func(own *backend.AgendaSession, st string) *backend.Round {
				r := matrixRound(st, resLive, own)
				if r != nil {
					r.SessionID = own.ID + 100
				}
				return r
			}},
	}
	for _, tc := range cases {
		for _, ph := range allPhases {
			for _, act := range []backend.Action{backend.ActManageAgenda, backend.ActRunVote, backend.ActViewRound, backend.ActViewResults, backend.ActVote} {
				for _, st := range allStates {
					if st == stNone && tc.name != "session of another conference" {
						continue // only the session is foreign
					}
					for _, role := range votingRoles {
						t.Run(fmt.Sprintf("%s/%s/%s/%s/%s", tc.name, ph, act, st, role.name), func(t *testing.T) {
							c := &backend.Conference{ID: 7, Phase: ph}
							s := tc.session(role.session)
							got := backend.ErrorCode(backend.PermitVoting(role.member, c, act, s, tc.round(role.session, st)))
							if got != nf {
								t.Fatalf("PermitVoting = %q, want %q", got, nf)
							}
						})
					}
				}
			}
		}
	}
	t.Run("a round of another conference without a session", func(t *testing.T) {
		r := matrixRound(stOpen, resLive, foreignSession)
		for _, role := range votingRoles {
			c := &backend.Conference{ID: 7, Phase: backend.PhaseLive}
			if got := backend.ErrorCode(backend.PermitVoting(role.member, c, backend.ActViewRound, nil, r)); got != nf {
				t.Errorf("%s: PermitVoting = %q, want %q", role.name, got, nf)
			}
		}
	})
}

func TestPermitVotingEdges(t *testing.T) {
	live := &backend.Conference{ID: 7, Phase: backend.PhaseLive}
	t.Run("an unknown action is forbidden for everyone", func(t *testing.T) {
		for _, role := range votingRoles {
			if got := backend.ErrorCode(backend.PermitVoting(role.member, live, "bogus", role.session, nil)); got != forb {
				t.Errorf("%s: %q, want %q", role.name, got, forb)
			}
		}
	})
	t.Run("a moderator without a participant record is refused, not a crash", func(t *testing.T) {
		// The App never builds such a member, but PermitVoting must not
		// dereference what it does not have.
		m := backend.Member{Role: backend.MemberModerator}
		for _, act := range []backend.Action{backend.ActRunVote, backend.ActViewResults} {
			got := backend.ErrorCode(backend.PermitVoting(m, live, act, vSessionListed, matrixRound(stOpen, resHidden, vSessionListed)))
			if got != forb {
				t.Errorf("%s: %q, want %q", act, got, forb)
			}
		}
	})
	t.Run("moderators run every session only where none is listed", func(t *testing.T) {
		crowded := &backend.AgendaSession{ID: 22, ConferenceID: 7, ModeratorIDs: []int64{9, vModListed.ID, 11}}
		for _, tt := range []struct {
			p    *backend.Participant
			s    *backend.AgendaSession
			want string
		}{
			{vModListed, crowded, ok},
			{vModOther, crowded, forb},
			{vModOther, vSessionNobody, ok},
			{vModListed, vSessionNobody, ok},
		} {
			m := backend.Member{Role: backend.MemberModerator, Participant: tt.p}
			if got := backend.ErrorCode(backend.PermitVoting(m, live, backend.ActRunVote, tt.s, nil)); got != tt.want {
				t.Errorf("moderator %d in session listing %v: %q, want %q", tt.p.ID, tt.s.ModeratorIDs, got, tt.want)
			}
		}
	})
	t.Run("ResultsPublic follows state and live results", func(t *testing.T) {
		for _, st := range roundStates {
			for _, res := range []string{resLive, resHidden} {
				r := matrixRound(st, res, vSessionListed)
				want := st == stRevealed || (res == resLive && slices.Contains([]string{stOpen, stClosed}, st))
				if got := r.ResultsPublic(); got != want {
					t.Errorf("%s/%s: ResultsPublic = %v, want %v", st, res, got, want)
				}
			}
		}
	})
}

package backend

import "slices"

// Actions of the agenda and live voting.
const (
	ActManageAgenda Action = "manage_agenda" // create, edit, delete sessions
	ActRunVote      Action = "run_vote"      // create rounds, open, close, reveal, reset
	ActViewRound    Action = "view_round"    // see a round, its participation and, if public, its results
	ActViewResults  Action = "view_results"  // see tallies, also of a hidden round
	ActVote         Action = "vote"          // cast a ballot
)

// PermitVoting decides the agenda and voting actions, as Permit does for the
// idea market: m in conference c, on session s and round r where the action
// concerns them (nil otherwise). Moderators run the votes of the sessions
// that list them, or of every session that lists nobody; organisers run all.
func PermitVoting(m Member, c *Conference, act Action, s *AgendaSession, r *Round) error {
	if c.Phase == PhaseDraft && m.Role < MemberOrganizer {
		return Errorf(ENOTFOUND, "Conference not found.")
	}
	if s != nil && s.ConferenceID != c.ID {
		return Errorf(ENOTFOUND, "Session not found.")
	}
	if r != nil {
		if r.ConferenceID != c.ID || (s != nil && r.SessionID != s.ID) {
			return Errorf(ENOTFOUND, "Vote not found.")
		}
		// A draft is the moderators' secret until it opens.
		if r.State == RoundDraft && act != ActRunVote && runsSession(m, s) != nil {
			return Errorf(ENOTFOUND, "Vote not found.")
		}
	}
	switch act {
	case ActViewRound:
		return nil
	case ActManageAgenda:
		if m.Role < MemberOrganizer {
			return needRole(m, "Only organisers may change the agenda.")
		}
	case ActRunVote:
		if err := runsSession(m, s); err != nil {
			return err
		}
	case ActViewResults:
		if r != nil && r.ResultsPublic() {
			return nil
		}
		if runsSession(m, s) != nil {
			return Errorf(EFORBIDDEN, "The results are shown when the moderation reveals them.")
		}
		return nil
	case ActVote:
		if m.Participant == nil {
			if m.Role == MemberVisitor {
				return Errorf(EUNAUTHORIZED, "Please join the conference to vote.")
			}
			return Errorf(EFORBIDDEN, "Join the conference as a participant to vote.")
		}
		if c.Phase != PhaseLive {
			return Errorf(ECONFLICT, "Votes take place on the conference day.")
		}
		if r == nil || r.State != RoundOpen {
			return Errorf(ECONFLICT, "This vote is not open.")
		}
		return nil
	default:
		return Errorf(EFORBIDDEN, "Unknown action.")
	}
	if c.Phase == PhaseArchived || c.Phase == PhaseClosed {
		return Errorf(ECONFLICT, "The conference is over; its agenda and votes can no longer be changed.")
	}
	return nil
}

// runsSession says whether m may run the votes of session s.
func runsSession(m Member, s *AgendaSession) error {
	switch {
	case m.Role == MemberOrganizer:
		return nil
	case m.Role < MemberModerator:
		return needRole(m, "Only the session's moderators may run its votes.")
	case s == nil || len(s.ModeratorIDs) == 0 || (m.Participant != nil && slices.Contains(s.ModeratorIDs, m.Participant.ID)):
		return nil
	}
	return Errorf(EFORBIDDEN, "Only the session's moderators may run its votes.")
}

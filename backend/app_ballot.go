package backend

import (
	"context"
	"time"
)

// BallotReceipt confirms a stored ballot to the phone that cast it.
type BallotReceipt struct {
	RoundID        int64       `json:"roundId"`
	ClientBallotID string      `json:"clientBallotId"`
	Outcome        CastOutcome `json:"outcome"`
	Values         map[int]int `json:"values"`
	CastAt         time.Time   `json:"castAt"`
}

// CastBallot stores a participant's ballot in an open round. Sending the
// same ballot again (same client ballot id) is harmless; a different ballot
// replaces the first only where the round allows changes.
func (a *App) CastBallot(ctx context.Context, actor Actor, roundID int64, in BallotInput) (BallotReceipt, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rc, err := a.loadBallotRound(ctx, actor, roundID)
	if err != nil {
		return BallotReceipt{}, err
	}
	r, now := rc.round, a.now()
	// Who is not a participant learns that first, whatever the ballot says.
	if rc.member.Participant == nil {
		if err := PermitVoting(rc.member, rc.conf, ActVote, rc.session, r); err != nil {
			return BallotReceipt{}, err
		}
	}
	if err := validateBallot(r, &in); err != nil {
		return BallotReceipt{}, err
	}
	if err := PermitVoting(rc.member, rc.conf, ActVote, rc.session, r); err != nil || !r.AcceptsBallots(now) {
		// A retry of a ballot that made it before the close is still a success.
		if rc.member.Participant != nil && r.State != RoundDraft && !r.Anonymous {
			if b, ferr := a.Store.FindBallot(ctx, r.ID, voterKey(r, rc.member.Participant.ID)); ferr == nil && b.ClientID == in.ClientBallotID {
				return receipt(b, CastSame), nil
			}
		}
		if err != nil {
			return BallotReceipt{}, err
		}
		return BallotReceipt{}, Errorf(ECONFLICT, "This vote is closed.")
	}
	p := rc.member.Participant
	if rc.requireCheckIn {
		if err := a.checkedIn(ctx, p); err != nil {
			return BallotReceipt{}, err
		}
	}
	b := &Ballot{RoundID: r.ID, VoterKey: voterKey(r, p.ID), ClientID: in.ClientBallotID, Values: in.Values, CastAt: now, UpdatedAt: now}
	if !r.Anonymous {
		b.ParticipantID = &p.ID
	}
	outcome, err := a.Store.CastBallot(ctx, b, r.Changeable)
	switch {
	case ErrorCode(err) == ECONFLICT && r.State == RoundOpen:
		if cur, ferr := a.Store.FindRoundByID(ctx, r.ID); ferr == nil && cur.State != RoundOpen {
			return BallotReceipt{}, Errorf(ECONFLICT, "This vote is closed.")
		}
		return BallotReceipt{}, Errorf(ECONFLICT, "You have already voted in this vote; your ballot cannot be changed.")
	case err != nil:
		return BallotReceipt{}, err
	}
	if outcome != CastSame {
		a.ballotCast(r.ID)
	}
	return receipt(b, outcome), nil
}

// checkedIn is the eligibility rule of conferences that require check-in:
// the participant's browser is linked to a registration (from the ticket
// page) and that registration is checked in.
func (a *App) checkedIn(ctx context.Context, p *Participant) error {
	if p.RegistrationID == nil {
		return fieldError(EFORBIDDEN, "ballot", "not_linked", "Zum Abstimmen bitte dieses Gerät über die Ticket-Seite mit Ihrer Anmeldung verbinden.",
			"To vote, please link this device to your registration from your ticket page.")
	}
	r, err := a.Store.FindRegistrationByID(ctx, *p.RegistrationID)
	if err != nil {
		return err
	}
	if r.CheckedInAt == nil || r.Status != RegistrationConfirmed {
		return fieldError(EFORBIDDEN, "ballot", "not_checked_in", "Abstimmen können nur eingecheckte Teilnehmende. Bitte am Eingang einchecken.",
			"Only checked-in participants can vote. Please check in at the entrance.")
	}
	return nil
}

func receipt(b *Ballot, o CastOutcome) BallotReceipt {
	return BallotReceipt{RoundID: b.RoundID, ClientBallotID: b.ClientID, Outcome: o, Values: b.Values, CastAt: b.CastAt}
}

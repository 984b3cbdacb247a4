package backend

import (
	"context"
	"crypto/rand"
	"strings"
	"time"
	"unicode/utf8"
)

// RoundView is a round as one actor sees it: participation always, results
// only where the actor may see them, and the actor's own ballot.
type RoundView struct {
	*Round
	ConferenceSlug string `json:"conferenceSlug"`
	SessionTitle   string `json:"sessionTitle"`
	CanRun         bool   `json:"canRun"`
	CanVote        bool   `json:"canVote"`
	// CannotVote says why CanVote is false: "join" (not a participant),
	// "phase" (not the conference day), "closed" (not open, or the
	// countdown ran out); "" when the actor may vote.
	CannotVote string `json:"cannotVote"`
	// ServerTime lets phones with a wrong clock show the countdown right.
	ServerTime time.Time   `json:"serverTime"`
	MyBallot   map[int]int `json:"myBallot,omitempty"` // the actor's values, to show or change them
	Ballots    int         `json:"ballots"`
	Eligible   int         `json:"eligible"`
	Results    *Results    `json:"results"` // nil while hidden from this actor
}

// OpenInput opens a round, optionally with a countdown.
type OpenInput struct {
	CloseInSeconds int `json:"closeInSeconds"` // 0: no countdown
	Version        int `json:"version"`
}

// ResetInput returns a round to draft; the reason goes to the audit log.
type ResetInput struct {
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

// AuditResetVote is the audit action of a reset round.
const AuditResetVote = "reset_vote"

// roundContext is a round with everything decisions about it need.
type roundContext struct {
	conf    *Conference
	session *AgendaSession
	round   *Round
	member  Member
	// requireCheckIn: only checked-in participants may vote (registration
	// settings); set by loadBallotRound only.
	requireCheckIn bool
}

// loadRound loads a round, its session and conference, and the actor's
// standing; a round the actor may not see is ENOTFOUND.
func (a *App) loadRound(ctx context.Context, actor Actor, id int64) (*roundContext, error) {
	r, err := a.Store.FindRoundByID(ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "Vote not found.")
	}
	if err != nil {
		return nil, err
	}
	c, m, s, err := a.sessionMember(ctx, actor, r.SessionID)
	if err != nil {
		return nil, err
	}
	if err := PermitVoting(m, c, ActViewRound, s, r); err != nil {
		return nil, err
	}
	return &roundContext{conf: c, session: s, round: r, member: m}, nil
}

// loadBallotRound is loadRound for casting a ballot: the round, session and
// conference may come from the roundCache and must not be modified; the
// actor's standing is always read.
func (a *App) loadBallotRound(ctx context.Context, actor Actor, id int64) (*roundContext, error) {
	e, ok := a.rounds.get(id)
	if !ok {
		rc, err := a.loadRound(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		settings, err := a.registrationSettings(ctx, rc.conf)
		if err != nil {
			return nil, err
		}
		rc.requireCheckIn = settings.RequireCheckIn
		a.rounds.put(id, roundCacheEntry{round: rc.round, session: rc.session, conf: rc.conf, requireCheckIn: rc.requireCheckIn})
		return rc, nil
	}
	m, err := a.member(ctx, actor, e.conf)
	if err != nil {
		return nil, err
	}
	if err := PermitVoting(m, e.conf, ActViewRound, e.session, nil); err != nil {
		return nil, err
	}
	if err := PermitVoting(m, e.conf, ActViewRound, e.session, e.round); err != nil {
		return nil, err
	}
	return &roundContext{conf: e.conf, session: e.session, round: e.round, member: m, requireCheckIn: e.requireCheckIn}, nil
}

// viewRound builds the actor's view of a round, counting its ballots.
func (a *App) viewRound(ctx context.Context, rc *roundContext) (RoundView, error) {
	r := rc.round
	now := a.now()
	v := RoundView{Round: r, ConferenceSlug: rc.conf.Slug, SessionTitle: rc.session.Title, ServerTime: now,
		CanRun: PermitVoting(rc.member, rc.conf, ActRunVote, rc.session, r) == nil}
	switch err := PermitVoting(rc.member, rc.conf, ActVote, rc.session, r); {
	case ErrorCode(err) == EUNAUTHORIZED || ErrorCode(err) == EFORBIDDEN:
		v.CannotVote = "join"
	case rc.conf.Phase != PhaseLive:
		v.CannotVote = "phase"
	case err != nil || !r.AcceptsBallots(now):
		v.CannotVote = "closed"
	default:
		v.CanVote = true
	}
	t, err := a.Store.TallyRound(ctx, r.ID)
	if err != nil {
		return v, err
	}
	eligible, err := a.Store.CountActiveParticipants(ctx, rc.conf.ID)
	if err != nil {
		return v, err
	}
	v.Ballots, v.Eligible = t.Ballots, eligible
	if PermitVoting(rc.member, rc.conf, ActViewResults, rc.session, r) == nil {
		v.Results = ComputeResults(r, t, eligible)
	}
	if p := rc.member.Participant; p != nil && r.State != RoundDraft && (!r.Anonymous || r.VoterKey != nil) {
		b, err := a.Store.FindBallot(ctx, r.ID, voterKey(r, p.ID))
		switch {
		case err == nil:
			v.MyBallot = b.Values
		case ErrorCode(err) != ENOTFOUND:
			return v, err
		}
	}
	return v, nil
}

// GetRound returns one round as the actor sees it.
func (a *App) GetRound(ctx context.Context, actor Actor, id int64) (RoundView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rc, err := a.loadRound(ctx, actor, id)
	if err != nil {
		return RoundView{}, err
	}
	return a.viewRound(ctx, rc)
}

// ListRounds returns a session's rounds; drafts only for those who run it.
func (a *App) ListRounds(ctx context.Context, actor Actor, sessionID int64) ([]RoundView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, s, err := a.sessionMember(ctx, actor, sessionID)
	if err != nil {
		return nil, err
	}
	list, err := a.Store.FindRounds(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	out := []RoundView{}
	for _, r := range list {
		if PermitVoting(m, c, ActViewRound, s, r) != nil {
			continue
		}
		v, err := a.viewRound(ctx, &roundContext{conf: c, session: s, round: r, member: m})
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// CreateRound prepares a vote in a session, as a draft.
func (a *App) CreateRound(ctx context.Context, actor Actor, sessionID int64, in RoundInput) (RoundView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, s, err := a.sessionMember(ctx, actor, sessionID)
	if err != nil {
		return RoundView{}, err
	}
	if err := PermitVoting(m, c, ActRunVote, s, nil); err != nil {
		return RoundView{}, err
	}
	r := &Round{ConferenceID: c.ID, SessionID: s.ID, State: RoundDraft}
	if err := a.applyRoundInput(ctx, c, r, &in); err != nil {
		return RoundView{}, err
	}
	r.CreatedAt, r.UpdatedAt = a.now(), a.now()
	if err := a.Store.CreateRound(ctx, r); err != nil {
		return RoundView{}, err
	}
	return a.viewRound(ctx, &roundContext{conf: c, session: s, round: r, member: m})
}

// UpdateRound edits a draft round.
func (a *App) UpdateRound(ctx context.Context, actor Actor, id int64, in RoundInput) (RoundView, error) {
	return a.changeRound(ctx, actor, id, in.Version, func(rc *roundContext) error {
		if rc.round.State != RoundDraft {
			return Errorf(ECONFLICT, "Only a vote that has not been opened can be edited; reset it first.")
		}
		return a.applyRoundInput(ctx, rc.conf, rc.round, &in)
	})
}

// applyRoundInput validates in and writes it into r, turning idea ids,
// "top N of a topic" and free texts into options.
func (a *App) applyRoundInput(ctx context.Context, c *Conference, r *Round, in *RoundInput) error {
	if err := in.validate(); err != nil {
		return err
	}
	var opts []RoundOption
	seen := map[int64]bool{}
	addIdea := func(i *Idea) {
		if !seen[i.ID] {
			seen[i.ID] = true
			id := i.ID
			opts = append(opts, RoundOption{ID: len(opts) + 1, IdeaID: &id, Label: i.Title})
		}
	}
	var v Validation
	for _, id := range in.IdeaIDs {
		i, err := a.Store.FindIdeaByID(ctx, id)
		if ErrorCode(err) == ENOTFOUND || (err == nil && (i.ConferenceID != c.ID || i.Hidden || i.MergedIntoID != nil)) {
			v.Add("ideaIds", "unknown_idea", "Diese Idee gibt es in dieser Konferenz nicht (oder sie ist ausgeblendet).", "This idea does not exist in this conference (or it is hidden).")
			return v.Err()
		}
		if err != nil {
			return err
		}
		addIdea(i)
	}
	if in.TopN > 0 {
		if in.Topic != "" && !contains(c.Topics, in.Topic) {
			v.Add("topic", "unknown", "Bitte ein Thema aus der Liste wählen.", "Please choose a topic from the list.")
			return v.Err()
		}
		top, _, err := a.Store.FindIdeas(ctx, IdeaFilter{ConferenceID: c.ID, Topic: in.Topic, Sort: SortSupports, Limit: in.TopN})
		if err != nil {
			return err
		}
		for _, i := range top {
			addIdea(i)
		}
	}
	for _, l := range in.Labels {
		opts = append(opts, RoundOption{ID: len(opts) + 1, Label: l})
	}
	switch {
	case len(opts) < MinRoundOptions:
		v.Add("options", "too_few", "Eine Abstimmung braucht mindestens zwei Optionen (das Thema hat zu wenige Ideen?).", "A vote needs at least two options (does the topic have too few ideas?).")
	case len(opts) > MaxRoundOptions:
		v.Add("options", "too_many", "Höchstens 30 Optionen pro Abstimmung.", "At most 30 options per vote.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	r.Title, r.Method, r.Options = in.Title, in.Method, opts
	r.MaxChoices, r.Points, r.MaxPerOption = in.MaxChoices, in.Points, in.MaxPerOption
	r.LiveResults, r.Anonymous, r.Changeable, r.Eligibility = in.LiveResults, in.Anonymous, in.Changeable, in.Eligibility
	r.clampChoices()
	return nil
}

// DeleteRound removes a draft round (one never opened, or reset).
func (a *App) DeleteRound(ctx context.Context, actor Actor, id int64) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rc, err := a.loadRound(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := PermitVoting(rc.member, rc.conf, ActRunVote, rc.session, rc.round); err != nil {
		return err
	}
	if rc.round.State != RoundDraft {
		return Errorf(ECONFLICT, "Only a vote that is not open can be deleted; reset it first.")
	}
	if err := a.Store.DeleteRound(ctx, id); err != nil {
		return err
	}
	a.roundChanged(id)
	return nil
}

// OpenRound starts accepting ballots, on the conference day.
func (a *App) OpenRound(ctx context.Context, actor Actor, id int64, in OpenInput) (RoundView, error) {
	return a.changeRound(ctx, actor, id, in.Version, func(rc *roundContext) error {
		r := rc.round
		if r.State != RoundDraft {
			return Errorf(ECONFLICT, "This vote has already been opened.")
		}
		if rc.conf.Phase != PhaseLive {
			return Errorf(ECONFLICT, "Votes can be opened on the conference day (phase „live“).")
		}
		if in.CloseInSeconds < 0 || time.Duration(in.CloseInSeconds)*time.Second > MaxCountdown {
			var v Validation
			v.Add("closeInSeconds", "range", "Der Countdown darf höchstens 24 Stunden dauern.", "The countdown may last at most 24 hours.")
			return v.Err()
		}
		now := a.now()
		r.State, r.OpenedAt, r.ClosedAt, r.RevealedAt, r.ClosesAt = RoundOpen, &now, nil, nil, nil
		if in.CloseInSeconds > 0 {
			at := now.Add(time.Duration(in.CloseInSeconds) * time.Second)
			r.ClosesAt = &at
		}
		if r.Anonymous {
			r.VoterKey = make([]byte, 32)
			rand.Read(r.VoterKey)
		}
		return nil
	})
}

// CloseRound stops accepting ballots and writes the results back to the ideas.
func (a *App) CloseRound(ctx context.Context, actor Actor, id int64, version int) (RoundView, error) {
	v, err := a.changeRound(ctx, actor, id, version, func(rc *roundContext) error {
		if rc.round.State != RoundOpen {
			return Errorf(ECONFLICT, "Only an open vote can be closed.")
		}
		closeRound(rc.round, a.now())
		return nil
	})
	if err != nil {
		return v, err
	}
	return v, a.saveResults(ctx, v.Round)
}

// RevealRound makes a closed round's results public.
func (a *App) RevealRound(ctx context.Context, actor Actor, id int64, version int) (RoundView, error) {
	v, err := a.changeRound(ctx, actor, id, version, func(rc *roundContext) error {
		if rc.round.State != RoundClosed {
			return Errorf(ECONFLICT, "Only a closed vote can be revealed; close it first.")
		}
		now := a.now()
		rc.round.State, rc.round.RevealedAt = RoundRevealed, &now
		return nil
	})
	if err != nil {
		return v, err
	}
	return v, a.saveResults(ctx, v.Round)
}

// ResetRound discards a round's ballots and returns it to draft. It needs a
// reason, which the audit log keeps with the moderator's name.
func (a *App) ResetRound(ctx context.Context, actor Actor, id int64, in ResetInput) (RoundView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rc, err := a.loadRound(ctx, actor, id)
	if err != nil {
		return RoundView{}, err
	}
	r := rc.round
	if err := PermitVoting(rc.member, rc.conf, ActRunVote, rc.session, r); err != nil {
		return RoundView{}, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	var v Validation
	switch n := utf8.RuneCountInString(in.Reason); {
	case n == 0:
		v.Add("reason", "required", "Bitte einen Grund angeben.", "Please give a reason.")
	case n > MaxResetReasonLen:
		v.Add("reason", "too_long", "Der Grund darf höchstens 500 Zeichen lang sein.", "The reason may be at most 500 characters long.")
	default:
		validateText(&v, "reason", in.Reason, MaxResetReasonLen, false)
	}
	if err := v.Err(); err != nil {
		return RoundView{}, err
	}
	if r.State == RoundDraft {
		return RoundView{}, Errorf(ECONFLICT, "This vote has not been opened; there is nothing to reset.")
	}
	if in.Version != r.Version {
		return RoundView{}, ErrStaleVersion
	}
	now := a.now()
	r.State, r.OpenedAt, r.ClosedAt, r.RevealedAt, r.ClosesAt, r.VoterKey, r.UpdatedAt = RoundDraft, nil, nil, nil, nil, nil, now
	audit := &AuditEntry{ConferenceID: rc.conf.ID, Actor: actorLabel(actor, rc.member), Action: AuditResetVote, Entity: EntityRound, EntityID: r.ID, Reason: in.Reason, CreatedAt: now}
	if err := a.Store.UpdateRound(ctx, r, true, audit); err != nil {
		return RoundView{}, err
	}
	a.roundChanged(r.ID)
	return a.viewRound(ctx, rc)
}

// changeRound runs a moderator's state change on a round, version-checked.
func (a *App) changeRound(ctx context.Context, actor Actor, id int64, version int, change func(*roundContext) error) (RoundView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rc, err := a.loadRound(ctx, actor, id)
	if err != nil {
		return RoundView{}, err
	}
	if err := PermitVoting(rc.member, rc.conf, ActRunVote, rc.session, rc.round); err != nil {
		return RoundView{}, err
	}
	if err := change(rc); err != nil {
		return RoundView{}, err
	}
	if version != rc.round.Version {
		return RoundView{}, ErrStaleVersion
	}
	rc.round.UpdatedAt = a.now()
	if err := a.Store.UpdateRound(ctx, rc.round, false, nil); err != nil {
		return RoundView{}, err
	}
	a.roundChanged(rc.round.ID)
	return a.viewRound(ctx, rc)
}

// closeRound ends voting; the voter key of an anonymous round is destroyed,
// so its ballots can no longer be tied to anyone.
func closeRound(r *Round, now time.Time) {
	r.State, r.ClosedAt, r.VoterKey = RoundClosed, &now, nil
}

// saveResults writes a finished round's results back to its ideas.
func (a *App) saveResults(ctx context.Context, r *Round) error {
	t, err := a.Store.TallyRound(ctx, r.ID)
	if err != nil {
		return err
	}
	eligible, err := a.Store.CountActiveParticipants(ctx, r.ConferenceID)
	if err != nil {
		return err
	}
	return a.Store.SaveRoundResults(ctx, ComputeResults(r, t, eligible))
}

// CloseDueRounds closes the open rounds whose countdown has run out. The
// live feed calls it every second; ballots after the deadline are refused
// even before it runs.
func (a *App) CloseDueRounds(ctx context.Context) (int, error) {
	open, err := a.Store.FindOpenRounds(ctx)
	if err != nil {
		return 0, err
	}
	now, n := a.now(), 0
	for _, r := range open {
		if r.ClosesAt == nil || now.Before(*r.ClosesAt) {
			continue
		}
		closeRound(r, now)
		r.UpdatedAt = now
		switch err := a.Store.UpdateRound(ctx, r, false, nil); ErrorCode(err) {
		case "":
			n++
			a.roundChanged(r.ID)
			if err := a.saveResults(ctx, r); err != nil {
				return n, err
			}
		case ECONFLICT: // a moderator closed or reset it meanwhile
		default:
			return n, err
		}
	}
	return n, nil
}

// RoundResults returns a round's results for those who may see them.
func (a *App) RoundResults(ctx context.Context, actor Actor, id int64) (*Results, *Round, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	rc, err := a.loadRound(ctx, actor, id)
	if err != nil {
		return nil, nil, err
	}
	if err := PermitVoting(rc.member, rc.conf, ActViewResults, rc.session, rc.round); err != nil {
		return nil, nil, err
	}
	t, err := a.Store.TallyRound(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	eligible, err := a.Store.CountActiveParticipants(ctx, rc.conf.ID)
	if err != nil {
		return nil, nil, err
	}
	return ComputeResults(rc.round, t, eligible), rc.round, nil
}

// IdeaResults lists how an idea fared in the rounds it was part of, as far
// as the actor may see those results.
func (a *App) IdeaResults(ctx context.Context, actor Actor, ideaID int64) ([]IdeaRoundResult, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, i, err := a.ideaMember(ctx, actor, ideaID)
	if err != nil {
		return nil, err
	}
	if err := Permit(m, c, ActViewIdeas, i); err != nil {
		return nil, err
	}
	all, err := a.Store.FindIdeaRoundResults(ctx, i.ID)
	if err != nil {
		return nil, err
	}
	out := []IdeaRoundResult{}
	for _, res := range all {
		r := &Round{State: res.State, LiveResults: res.LiveResults}
		if r.ResultsPublic() || m.Role >= MemberModerator {
			out = append(out, res)
		}
	}
	return out, nil
}

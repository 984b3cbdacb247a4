package backend

import (
	"context"
	"slices"
)

// Agenda is a conference's sessions with the one running now and the next.
type Agenda struct {
	Sessions []SessionView `json:"sessions"`
	NowID    *int64        `json:"nowId"`
	NextID   *int64        `json:"nextId"`
}

// SessionView is a session as one actor sees it.
type SessionView struct {
	*AgendaSession
	ConferenceSlug string `json:"conferenceSlug"`
	CanRun         bool   `json:"canRun"` // the actor may run this session's votes
}

func viewSession(m Member, c *Conference, s *AgendaSession) SessionView {
	return SessionView{AgendaSession: s, ConferenceSlug: c.Slug, CanRun: PermitVoting(m, c, ActRunVote, s, nil) == nil}
}

// ListSessions returns a conference's agenda.
func (a *App) ListSessions(ctx context.Context, actor Actor, slug string) (Agenda, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, err := a.conferenceMember(ctx, actor, slug)
	if err != nil {
		return Agenda{}, err
	}
	if err := PermitVoting(m, c, ActViewRound, nil, nil); err != nil {
		return Agenda{}, err
	}
	list, err := a.Store.FindAgendaSessions(ctx, c.ID)
	if err != nil {
		return Agenda{}, err
	}
	ag := Agenda{Sessions: make([]SessionView, len(list))}
	for i, s := range list {
		ag.Sessions[i] = viewSession(m, c, s)
	}
	if cur, next := NowAndNext(list, a.now()); cur != nil || next != nil {
		if cur != nil {
			ag.NowID = &cur.ID
		}
		if next != nil {
			ag.NextID = &next.ID
		}
	}
	return ag, nil
}

// GetSession returns one session.
func (a *App) GetSession(ctx context.Context, actor Actor, id int64) (SessionView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, s, err := a.sessionMember(ctx, actor, id)
	if err != nil {
		return SessionView{}, err
	}
	return viewSession(m, c, s), nil
}

// CreateSession adds a session to a conference's agenda (organisers).
func (a *App) CreateSession(ctx context.Context, actor Actor, slug string, in AgendaInput) (SessionView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, err := a.conferenceMember(ctx, actor, slug)
	if err != nil {
		return SessionView{}, err
	}
	if err := PermitVoting(m, c, ActManageAgenda, nil, nil); err != nil {
		return SessionView{}, err
	}
	if err := a.validateAgenda(ctx, c, &in); err != nil {
		return SessionView{}, err
	}
	now := a.now()
	s := &AgendaSession{
		ConferenceID: c.ID, Title: in.Title, Room: in.Room, Description: in.Description,
		StartsAt: in.StartsAt.UTC(), EndsAt: in.EndsAt.UTC(), ModeratorIDs: in.ModeratorIDs,
		CreatedAt: now, UpdatedAt: now,
	}
	if err := a.Store.CreateAgendaSession(ctx, s); err != nil {
		return SessionView{}, err
	}
	return viewSession(m, c, s), nil
}

// UpdateSession replaces a session's fields (organisers), version-checked.
func (a *App) UpdateSession(ctx context.Context, actor Actor, id int64, in AgendaInput) (SessionView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, s, err := a.sessionMember(ctx, actor, id)
	if err != nil {
		return SessionView{}, err
	}
	if err := PermitVoting(m, c, ActManageAgenda, s, nil); err != nil {
		return SessionView{}, err
	}
	if err := a.validateAgenda(ctx, c, &in); err != nil {
		return SessionView{}, err
	}
	if in.Version != s.Version {
		return SessionView{}, ErrStaleVersion
	}
	s.Title, s.Room, s.Description = in.Title, in.Room, in.Description
	s.StartsAt, s.EndsAt, s.ModeratorIDs = in.StartsAt.UTC(), in.EndsAt.UTC(), in.ModeratorIDs
	s.UpdatedAt = a.now()
	if err := a.Store.UpdateAgendaSession(ctx, s); err != nil {
		return SessionView{}, err
	}
	a.rounds.clear()
	return viewSession(m, c, s), nil
}

// DeleteSession removes a session that holds no votes (organisers).
func (a *App) DeleteSession(ctx context.Context, actor Actor, id int64) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, s, err := a.sessionMember(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := PermitVoting(m, c, ActManageAgenda, s, nil); err != nil {
		return err
	}
	err = a.Store.DeleteAgendaSession(ctx, s.ID)
	a.rounds.clear()
	if ErrorCode(err) == ECONFLICT {
		return Errorf(ECONFLICT, "This session has votes; it cannot be deleted.")
	}
	return err
}

// validateAgenda checks the input and that every moderator is a moderator
// of this conference.
func (a *App) validateAgenda(ctx context.Context, c *Conference, in *AgendaInput) error {
	err := in.validate()
	if err != nil || len(in.ModeratorIDs) == 0 {
		return err
	}
	if in.ModeratorIDs = slices.Compact(slices.Sorted(slices.Values(in.ModeratorIDs))); len(in.ModeratorIDs) == 0 {
		return nil
	}
	for _, id := range in.ModeratorIDs {
		p, err := a.Store.FindParticipantByID(ctx, id)
		if ErrorCode(err) == ENOTFOUND || (err == nil && (p.ConferenceID != c.ID || p.Role != RoleModerator || p.LeftAt != nil)) {
			var v Validation
			v.Add("moderatorIds", "not_moderator", "Bitte nur Moderierende dieser Konferenz auswählen.", "Please choose only moderators of this conference.")
			return v.Err()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// sessionMember loads a session, its conference and the actor's standing.
func (a *App) sessionMember(ctx context.Context, actor Actor, id int64) (*Conference, Member, *AgendaSession, error) {
	s, err := a.Store.FindAgendaSessionByID(ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Member{}, nil, Errorf(ENOTFOUND, "Session not found.")
	}
	if err != nil {
		return nil, Member{}, nil, err
	}
	c, err := a.Store.FindConferenceByID(ctx, s.ConferenceID)
	if err != nil {
		return nil, Member{}, nil, err
	}
	m, err := a.member(ctx, actor, c)
	if err != nil {
		return nil, Member{}, nil, err
	}
	if err := PermitVoting(m, c, ActViewRound, s, nil); err != nil {
		return nil, Member{}, nil, err
	}
	return c, m, s, nil
}

package backend

import (
	"context"
	"strings"
)

// TimelineEntry is a timeline entry as the API shows it: with the
// conferences it names spelled out, so that clients can write "übernommen
// in Mitarbeiterkonferenz 2027" without further requests. Conferences the
// actor may not see (drafts, for everyone but organisers) stay unnamed. The
// organiser's account id is never shown; the display name is.
type TimelineEntry struct {
	FollowUpEntry
	ConferenceSlug        string `json:"conferenceSlug"`
	ConferenceTitle       string `json:"conferenceTitle"`
	TargetConferenceSlug  string `json:"targetConferenceSlug,omitempty"`
	TargetConferenceTitle string `json:"targetConferenceTitle,omitempty"`
}

// StageView is an idea's stage in a conference it left, with both
// conferences named as in TimelineEntry.
type StageView struct {
	IdeaStage
	ConferenceSlug        string `json:"conferenceSlug"`
	ConferenceTitle       string `json:"conferenceTitle"`
	TargetConferenceSlug  string `json:"targetConferenceSlug"`
	TargetConferenceTitle string `json:"targetConferenceTitle"`
}

// Timeline is what happened to an idea after it was submitted: every
// follow-up step and carry-over, and the stages it left behind, oldest first.
type Timeline struct {
	Entries []TimelineEntry `json:"entries"`
	Stages  []StageView     `json:"stages"`
}

// RecordFollowUp applies an organiser's follow-up to an idea: status (with
// a reason for rejections), official answer, responsible unit and progress,
// as docs/follow-up.md says, and keeps the step in the idea's timeline. The
// version is required, as the step is meant to build on what the organiser
// saw: a stale one is ECONFLICT.
func (a *App) RecordFollowUp(ctx context.Context, actor Actor, id int64, in FollowUpInput) (IdeaView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, i, err := a.ideaMember(ctx, actor, id)
	if err != nil {
		return IdeaView{}, err
	}
	if err := Permit(m, c, ActViewIdeas, i); err != nil {
		return IdeaView{}, err
	}
	if err := needOrganizer(actor, m); err != nil {
		return IdeaView{}, err
	}
	switch {
	case c.Phase == PhaseDraft:
		return IdeaView{}, Errorf(ECONFLICT, "Follow-up starts once the conference has opened.")
	case c.Phase == PhaseArchived:
		return IdeaView{}, Errorf(ECONFLICT, "The conference is archived.")
	case i.MergedIntoID != nil || i.Status == IdeaMerged:
		return IdeaView{}, Errorf(ECONFLICT, "This idea was merged into another one; follow up on that one.")
	}
	if in.Version == nil {
		var v Validation
		v.Add("version", "required", "Bitte die Version der Idee mitschicken, auf der die Änderung beruht.",
			"Please send the version of the idea the change is based on.")
		if _, _, err := applyFollowUp(i, in); err != nil {
			v.fields = append(v.fields, err.(*Error).Fields...)
		}
		return IdeaView{}, v.Err()
	}
	if *in.Version != i.Version {
		return IdeaView{}, ErrStaleVersion
	}
	next, entry, err := applyFollowUp(i, in)
	if err != nil {
		return IdeaView{}, err
	}
	now := a.now()
	next.UpdatedAt = now
	accountID := actor.Account.ID
	entry.AccountID, entry.AuthorName, entry.CreatedAt = &accountID, organiserName(actor.Account), now
	audit := &AuditEntry{ConferenceID: c.ID, Actor: actorLabel(actor, m), Action: AuditFollowUp, Entity: EntityIdea, EntityID: i.ID,
		Reason: followUpAuditReason(entry), CreatedAt: now}
	if err := a.Store.RecordFollowUp(ctx, next, entry, audit); err != nil {
		return IdeaView{}, err
	}
	supported, err := a.supported(ctx, m, []*Idea{next})
	if err != nil {
		return IdeaView{}, err
	}
	return viewIdea(m, c, next, supported[next.ID]), nil
}

// needOrganizer lets organisers pass and tells everyone else why not: a
// visitor with neither login nor membership is asked to log in (401), a
// participant or moderator is not allowed (403).
func needOrganizer(actor Actor, m Member) error {
	switch {
	case m.Role >= MemberOrganizer:
		return nil
	case actor.Account == nil && m.Participant == nil:
		return Errorf(EUNAUTHORIZED, "Please log in.")
	}
	return Errorf(EFORBIDDEN, "Only organisers may do this.")
}

// organiserName is how the timeline names an organiser: the display name,
// or a neutral label for accounts without one (never the e-mail address,
// which the timeline would show to everyone).
func organiserName(acc *Account) string {
	if acc != nil {
		if n := strings.TrimSpace(acc.Name); n != "" {
			return n
		}
	}
	return "Organisation"
}

// Timeline returns an idea's timeline and stages, to whoever may see the
// idea: in its conference, or, while that is still a draft, in a
// conference it was carried out of.
func (a *App) Timeline(ctx context.Context, actor Actor, id int64) (Timeline, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	i, stages, err := a.visibleIdea(ctx, actor, id)
	if err != nil {
		return Timeline{}, err
	}
	entries, err := a.Store.ListFollowUps(ctx, i.ID)
	if err != nil {
		return Timeline{}, err
	}
	names := newConferenceNames(a, actor)
	t := Timeline{Entries: make([]TimelineEntry, 0, len(entries)), Stages: make([]StageView, 0, len(stages))}
	for _, e := range entries {
		te, err := names.entry(ctx, e)
		if err != nil {
			return Timeline{}, err
		}
		t.Entries = append(t.Entries, te)
	}
	for _, st := range stages {
		sv := StageView{IdeaStage: st}
		if sv.ConferenceSlug, sv.ConferenceTitle, err = names.name(ctx, st.ConferenceID); err != nil {
			return Timeline{}, err
		}
		if sv.TargetConferenceSlug, sv.TargetConferenceTitle, err = names.name(ctx, st.TargetConferenceID); err != nil {
			return Timeline{}, err
		}
		t.Stages = append(t.Stages, sv)
	}
	return t, nil
}

// visibleIdea loads an idea and its stages if the actor may see it: where
// Permit allows it in the idea's conference, or, when that conference is a
// draft the actor cannot see, where the idea (neither hidden nor merged)
// left a conference the actor can see – its outcomes list it there, and
// "what happened to it" must not turn into "not found".
func (a *App) visibleIdea(ctx context.Context, actor Actor, id int64) (*Idea, []IdeaStage, error) {
	c, m, i, err := a.ideaMember(ctx, actor, id)
	if err != nil {
		return nil, nil, err
	}
	permitErr := Permit(m, c, ActViewIdeas, i)
	if permitErr != nil && (ErrorCode(permitErr) != ENOTFOUND || c.Phase != PhaseDraft || i.Hidden || i.MergedIntoID != nil) {
		return nil, nil, permitErr
	}
	stages, err := a.Store.ListIdeaStages(ctx, i.ID)
	if err != nil {
		return nil, nil, err
	}
	if permitErr == nil {
		return i, stages, nil
	}
	for _, st := range stages {
		if sc, err := a.Store.FindConferenceByID(ctx, st.ConferenceID); err == nil && sc.Phase != PhaseDraft {
			return i, stages, nil
		}
	}
	return nil, nil, permitErr
}

// conferenceNames resolves conference ids to slug and title for one actor,
// once per conference: drafts stay unnamed for all but organisers.
type conferenceNames struct {
	a     *App
	actor Actor
	byID  map[int64]*Conference
}

func newConferenceNames(a *App, actor Actor) *conferenceNames {
	return &conferenceNames{a: a, actor: actor, byID: map[int64]*Conference{}}
}

// conference returns the conference, or nil when the actor may not see it
// (or it is gone).
func (n *conferenceNames) conference(ctx context.Context, id int64) (*Conference, error) {
	c, ok := n.byID[id]
	if !ok {
		var err error
		c, err = n.a.Store.FindConferenceByID(ctx, id)
		if ErrorCode(err) == ENOTFOUND {
			c, err = nil, nil
		}
		if err != nil {
			return nil, err
		}
		n.byID[id] = c
	}
	if c == nil || (c.Phase == PhaseDraft && !n.actor.IsOrganizer()) {
		return nil, nil
	}
	return c, nil
}

// name returns a visible conference's slug and title, or two empty strings.
func (n *conferenceNames) name(ctx context.Context, id int64) (string, string, error) {
	c, err := n.conference(ctx, id)
	if err != nil || c == nil {
		return "", "", err
	}
	return c.Slug, c.Title, nil
}

// entry names the conferences of a timeline entry.
func (n *conferenceNames) entry(ctx context.Context, e FollowUpEntry) (TimelineEntry, error) {
	te := TimelineEntry{FollowUpEntry: e}
	var err error
	if te.ConferenceSlug, te.ConferenceTitle, err = n.name(ctx, e.ConferenceID); err != nil {
		return te, err
	}
	if e.TargetConferenceID != nil {
		if te.TargetConferenceSlug, te.TargetConferenceTitle, err = n.name(ctx, *e.TargetConferenceID); err != nil {
			return te, err
		}
	}
	return te, nil
}

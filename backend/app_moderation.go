package backend

import (
	"context"
	"strings"
)

// ModerationQueue is what moderators still have to look at: ideas and
// comments nobody reviewed yet, and open reports.
type ModerationQueue struct {
	Ideas    []IdeaView `json:"ideas"`
	Comments []*Comment `json:"comments"`
	Reports  []*Report  `json:"reports"`
}

// actorLabel names the moderator in the audit log.
func actorLabel(actor Actor, m Member) string {
	if m.Participant != nil && m.Role == MemberModerator {
		return m.Participant.DisplayName + " (Moderation)"
	}
	if actor.Account != nil {
		return actor.Account.Email
	}
	return "?"
}

// Queue returns a conference's moderation queue, oldest first.
func (a *App) Queue(ctx context.Context, actor Actor, slug string) (ModerationQueue, error) {
	c, m, err := a.conferenceMember(ctx, actor, slug)
	if err != nil {
		return ModerationQueue{}, err
	}
	if err := Permit(m, c, ActModerate, nil); err != nil {
		return ModerationQueue{}, err
	}
	ideas, _, err := a.Store.FindIdeas(ctx, IdeaFilter{ConferenceID: c.ID, IncludeHidden: true, Unreviewed: true, Limit: MaxPageSize})
	if err != nil {
		return ModerationQueue{}, err
	}
	q := ModerationQueue{Ideas: make([]IdeaView, len(ideas))}
	for n, i := range ideas {
		q.Ideas[n] = viewIdea(m, c, i, false)
	}
	if q.Comments, err = a.Store.FindUnreviewedComments(ctx, c.ID); err != nil {
		return ModerationQueue{}, err
	}
	if q.Reports, err = a.Store.FindReports(ctx, c.ID, true); err != nil {
		return ModerationQueue{}, err
	}
	return q, nil
}

// IdeaModeration is one moderator action on an idea.
type IdeaModeration struct {
	Action string   // AuditHide, AuditUnhide, AuditLock, AuditUnlock, AuditTag or AuditReview
	Reason string   // required for hide, optional otherwise
	Tags   []string // for AuditTag
}

// ModerateIdea hides, unhides, locks or unlocks comments, tags or marks an
// idea reviewed. Every action is written to the audit log together with the
// change, and takes the idea out of the queue.
func (a *App) ModerateIdea(ctx context.Context, actor Actor, id int64, mod IdeaModeration) (IdeaView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, i, err := a.ideaMember(ctx, actor, id)
	if err != nil {
		return IdeaView{}, err
	}
	if err := Permit(m, c, ActModerate, i); err != nil {
		return IdeaView{}, err
	}
	reason, err := validateReason(mod.Reason, mod.Action == AuditHide)
	if err != nil {
		return IdeaView{}, err
	}
	switch mod.Action {
	case AuditHide:
		i.Hidden, i.HiddenReason = true, reason
	case AuditUnhide:
		i.Hidden, i.HiddenReason = false, ""
	case AuditLock:
		i.CommentsLocked = true
	case AuditUnlock:
		i.CommentsLocked = false
	case AuditTag:
		tags := normalizeList(mod.Tags)
		var v Validation
		validateList(&v, "tags", tags)
		if err := v.Err(); err != nil {
			return IdeaView{}, err
		}
		i.Tags = tags
		reason = strings.Join(tags, ", ")
	case AuditReview:
	default:
		var v Validation
		v.Add("action", "invalid", "Unbekannte Aktion.", "Unknown action.")
		return IdeaView{}, v.Err()
	}
	i.Reviewed = true
	now := a.now()
	i.UpdatedAt = now
	err = a.Store.Moderate(ctx, &ModerationChange{Idea: i, ResolveReports: mod.Action != AuditUnhide, Audit: AuditEntry{
		ConferenceID: c.ID, Actor: actorLabel(actor, m), Action: mod.Action, Entity: EntityIdea, EntityID: i.ID, Reason: reason, CreatedAt: now}})
	if err != nil {
		return IdeaView{}, err
	}
	return viewIdea(m, c, i, false), nil
}

// ModerateComment hides, unhides or marks a comment reviewed.
func (a *App) ModerateComment(ctx context.Context, actor Actor, id int64, action, reason string) (*Comment, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	cm, err := a.Store.FindCommentByID(ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "Comment not found.")
	}
	if err != nil {
		return nil, err
	}
	c, m, i, err := a.ideaMember(ctx, actor, cm.IdeaID)
	if err != nil {
		return nil, err
	}
	if err := Permit(m, c, ActModerate, i); err != nil {
		return nil, err
	}
	if reason, err = validateReason(reason, action == AuditHide); err != nil {
		return nil, err
	}
	switch action {
	case AuditHide:
		cm.Hidden, cm.HiddenReason = true, reason
	case AuditUnhide:
		cm.Hidden, cm.HiddenReason = false, ""
	case AuditReview:
	default:
		var v Validation
		v.Add("action", "invalid", "Unbekannte Aktion.", "Unknown action.")
		return nil, v.Err()
	}
	cm.Reviewed = true
	now := a.now()
	cm.UpdatedAt = now
	err = a.Store.Moderate(ctx, &ModerationChange{Comment: cm, ResolveReports: action != AuditUnhide, Audit: AuditEntry{
		ConferenceID: c.ID, Actor: actorLabel(actor, m), Action: action, Entity: EntityComment, EntityID: cm.ID, Reason: reason, CreatedAt: now}})
	if err != nil {
		return nil, err
	}
	return cm, nil
}

// ReportInput is a participant's flag.
type ReportInput struct {
	Entity   string `json:"entity"` // idea or comment
	EntityID int64  `json:"entityId"`
	Reason   string `json:"reason"`
}

// Report flags an idea or comment for the moderators. Reporting the same
// thing twice is not an error: the first report stands.
func (a *App) Report(ctx context.Context, actor Actor, in ReportInput) error {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	ideaID := in.EntityID
	switch in.Entity {
	case EntityIdea:
	case EntityComment:
		cm, err := a.Store.FindCommentByID(ctx, in.EntityID)
		if ErrorCode(err) == ENOTFOUND || (err == nil && (cm.Hidden || cm.Deleted)) {
			return Errorf(ENOTFOUND, "Comment not found.")
		}
		if err != nil {
			return err
		}
		ideaID = cm.IdeaID
	default:
		var v Validation
		v.Add("entity", "invalid", "Bitte idea oder comment angeben.", "Entity must be idea or comment.")
		return v.Err()
	}
	c, m, i, err := a.ideaMember(ctx, actor, ideaID)
	if err != nil {
		return err
	}
	if err := Permit(m, c, ActViewIdeas, i); err != nil {
		return err
	}
	if m.Participant == nil {
		return Errorf(EUNAUTHORIZED, "Please join the conference first.")
	}
	reason, err := validateReason(in.Reason, true)
	if err != nil {
		return err
	}
	err = a.Store.CreateReport(ctx, &Report{ConferenceID: c.ID, Entity: in.Entity, EntityID: in.EntityID,
		ParticipantID: m.Participant.ID, Reason: reason, CreatedAt: a.now()})
	if ErrorCode(err) == ECONFLICT {
		return nil
	}
	return err
}

// AuditLog returns a conference's moderation history, newest first; for organisers.
func (a *App) AuditLog(ctx context.Context, actor Actor, slug string, offset, limit int) ([]*AuditEntry, int, error) {
	if err := requireOrganizer(actor); err != nil {
		return nil, 0, err
	}
	c, err := a.findVisibleConference(ctx, actor, slug)
	if err != nil {
		return nil, 0, err
	}
	return a.Store.FindAuditLog(ctx, c.ID, offset, limit)
}

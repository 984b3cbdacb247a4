package backend

import (
	"context"
	"fmt"
)

// MergeInput names the idea a duplicate is merged into.
type MergeInput struct {
	TargetID int64  `json:"targetId"`
	Reason   string `json:"reason"`
}

// MergeIdea merges idea id (the duplicate) into in.TargetID, for moderators:
// supports and comments move, one support per person survives, and the
// duplicate points to the target from then on. The audit log names both.
func (a *App) MergeIdea(ctx context.Context, actor Actor, id int64, in MergeInput) (*Merge, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, src, err := a.ideaMember(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := Permit(m, c, ActModerate, src); err != nil {
		return nil, err
	}
	reason, err := validateReason(in.Reason, false)
	if err != nil {
		return nil, err
	}
	if src.MergedIntoID != nil {
		return nil, Errorf(ECONFLICT, "This idea is already merged into another one.")
	}
	var v Validation
	target, err := a.Store.FindIdeaByID(ctx, in.TargetID)
	switch {
	case in.TargetID == 0:
		v.Add("targetId", "required", "Bitte die Idee wählen, in die zusammengeführt wird.", "Please choose the idea to merge into.")
	case ErrorCode(err) == ENOTFOUND || (err == nil && target.ConferenceID != c.ID):
		v.Add("targetId", "unknown", "Diese Idee gibt es in dieser Konferenz nicht.", "There is no such idea in this conference.")
	case err != nil:
		return nil, err
	case target.ID == src.ID:
		v.Add("targetId", "same", "Eine Idee kann nicht mit sich selbst zusammengeführt werden.", "An idea cannot be merged into itself.")
	case target.MergedIntoID != nil:
		v.Add("targetId", "merged", fmt.Sprintf("Diese Idee wurde selbst schon zusammengeführt (in #%d); bitte jene wählen.", *target.MergedIntoID),
			fmt.Sprintf("That idea was itself merged (into #%d); please choose that one.", *target.MergedIntoID))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := a.now()
	label := actorLabel(actor, m)
	merge := &Merge{ConferenceID: c.ID, SourceID: src.ID, TargetID: target.ID, Actor: label, Reason: reason, CreatedAt: now}
	audit := &AuditEntry{ConferenceID: c.ID, Actor: label, Action: AuditMerge, Entity: EntityIdea, EntityID: src.ID,
		Reason: mergeAuditReason(target, reason), CreatedAt: now}
	if err := a.Store.MergeIdeas(ctx, merge, audit); err != nil {
		return nil, err
	}
	return merge, nil
}

// mergeAuditReason names the target in the log, which lists one entity per
// entry.
func mergeAuditReason(target *Idea, reason string) string {
	s := fmt.Sprintf("→ #%d „%s“", target.ID, target.Title)
	if reason != "" {
		s += ": " + reason
	}
	return s
}

// ActiveMerge returns the merge that holds a merged idea, for moderators (to
// undo it).
func (a *App) ActiveMerge(ctx context.Context, actor Actor, id int64) (*Merge, error) {
	c, m, src, err := a.ideaMember(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := Permit(m, c, ActModerate, src); err != nil {
		return nil, err
	}
	merge, err := a.Store.FindActiveMerge(ctx, src.ID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "This idea is not merged.")
	}
	return merge, err
}

// UndoMerge reverses a merge, for moderators: the duplicate gets back its
// supports, comments and status, and the target loses what it gained.
func (a *App) UndoMerge(ctx context.Context, actor Actor, mergeID int64, reason string) (*Merge, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	merge, err := a.Store.FindMerge(ctx, mergeID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "Merge not found.")
	}
	if err != nil {
		return nil, err
	}
	c, m, src, err := a.ideaMember(ctx, actor, merge.SourceID)
	if err != nil {
		return nil, err
	}
	if err := Permit(m, c, ActModerate, src); err != nil {
		return nil, err
	}
	if reason, err = validateReason(reason, false); err != nil {
		return nil, err
	}
	if merge.UndoneAt != nil {
		return nil, Errorf(ECONFLICT, "This merge was already undone.")
	}
	label := actorLabel(actor, m)
	audit := &AuditEntry{ConferenceID: c.ID, Actor: label, Action: AuditUndoMerge, Entity: EntityIdea, EntityID: src.ID,
		Reason: fmt.Sprintf("← #%d", merge.TargetID), CreatedAt: a.now()}
	if reason != "" {
		audit.Reason += ": " + reason
	}
	if err := a.Store.UndoMerge(ctx, merge.ID, audit); err != nil {
		return nil, err
	}
	return a.Store.FindMerge(ctx, merge.ID)
}

// SimilarIdeas returns duplicate hints for a title being typed: ideas of the
// conference whose titles resemble it, that the actor can see.
func (a *App) SimilarIdeas(ctx context.Context, actor Actor, slug, title string) ([]SimilarIdea, error) {
	c, m, err := a.conferenceMember(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	if err := Permit(m, c, ActViewIdeas, nil); err != nil {
		return nil, err
	}
	if r := []rune(title); len(r) > 2*MaxTitleLen {
		title = string(r[:2*MaxTitleLen])
	}
	titles, err := a.Store.FindIdeaTitles(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	visible := titles[:0]
	for _, t := range titles {
		if !t.Hidden || m.Role >= MemberModerator {
			visible = append(visible, t)
		}
	}
	return Similar(title, visible, MaxSimilar), nil
}

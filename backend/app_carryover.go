package backend

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// CarryOverInput names the ideas an organiser carries out of a conference
// and the conference they go into (by slug).
type CarryOverInput struct {
	IdeaIDs []int64 `json:"ideaIds"`
	Target  string  `json:"target"`
	Note    string  `json:"note"`
}

// CarryOverResult says how many ideas moved, and where.
type CarryOverResult struct {
	Carried int     `json:"carried"`
	Target  string  `json:"target"`  // the target conference's slug
	IdeaIDs []int64 `json:"ideaIds"` // the ideas moved, duplicates removed, in request order
}

// MaxCarryOverIdeas bounds one carry-over; a conference rarely has more
// unfinished ideas, and one transaction should stay short.
const MaxCarryOverIdeas = 1000

// CarryOver moves unfinished ideas of a conference into a later one that
// has not started yet, for organisers (docs/follow-up.md). The source may be
// in any phase but draft; the target must be another conference in phase
// draft or ideas. Only visible, unmerged ideas of the source whose status
// is unfinished may go, and none into a conference it has been in before;
// every idea that may not is reported as its own field error ("ideaIds.3"
// for the fourth id of the request), and then nothing moves. Ids given
// twice move once. Ideas changed meanwhile make the whole carry-over a
// conflict, never a partial one.
func (a *App) CarryOver(ctx context.Context, actor Actor, slug string, in CarryOverInput) (CarryOverResult, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, err := a.conferenceMember(ctx, actor, slug)
	if err != nil {
		return CarryOverResult{}, err
	}
	if err := Permit(m, c, ActViewIdeas, nil); err != nil {
		return CarryOverResult{}, err
	}
	if err := needOrganizer(actor, m); err != nil {
		return CarryOverResult{}, err
	}
	if c.Phase == PhaseDraft {
		return CarryOverResult{}, Errorf(ECONFLICT, "Ideas cannot be carried out of a conference that has not opened yet.")
	}

	var v Validation
	note := strings.TrimSpace(in.Note)
	validateText(&v, "note", note, MaxFollowUpNoteLen, false)
	target, err := a.carryOverTarget(ctx, &v, c, in.Target)
	if err != nil {
		return CarryOverResult{}, err
	}
	var ideas []CarryOverIdea
	var ids []int64
	switch {
	case len(in.IdeaIDs) == 0:
		v.Add("ideaIds", "required", "Bitte mindestens eine Idee auswählen.", "Please select at least one idea.")
	case len(in.IdeaIDs) > MaxCarryOverIdeas:
		v.Add("ideaIds", "too_many", "Höchstens 1000 Ideen auf einmal.", "At most 1,000 ideas at a time.")
	case target != nil:
		if ideas, err = a.carryOverIdeas(ctx, &v, c, target, in.IdeaIDs); err != nil {
			return CarryOverResult{}, err
		}
	}
	if err := v.Err(); err != nil {
		return CarryOverResult{}, err
	}

	now := a.now()
	label := actorLabel(actor, m)
	reason := fmt.Sprintf("→ %s „%s“", target.Slug, target.Title)
	if note != "" {
		reason += ": " + clip(note, 300)
	}
	accountID := actor.Account.ID
	co := CarryOver{SourceConferenceID: c.ID, TargetConferenceID: target.ID, Ideas: ideas,
		Entry: FollowUpEntry{Kind: FollowUpKindCarriedOver, AccountID: &accountID, AuthorName: organiserName(actor.Account), Note: note, CreatedAt: now},
		Audit: AuditEntry{ConferenceID: c.ID, Actor: label, Action: AuditCarryOver, Entity: EntityIdea, Reason: reason, CreatedAt: now}}
	if err := a.Store.CarryOver(ctx, co); err != nil {
		if ErrorCode(err) == ECONFLICT || ErrorCode(err) == ENOTFOUND {
			return CarryOverResult{}, Errorf(ECONFLICT, "Some of these ideas were changed in the meantime. Please reload and try again.")
		}
		return CarryOverResult{}, err
	}
	for _, ci := range ideas {
		ids = append(ids, ci.ID)
	}
	return CarryOverResult{Carried: len(ideas), Target: target.Slug, IdeaIDs: ids}, nil
}

// carryOverTarget finds the target conference by slug and checks it: it
// exists (for this organiser: drafts included), is not the source, and has
// not started (draft or ideas). Problems go to v under "target"; nil means
// there is no usable target.
func (a *App) carryOverTarget(ctx context.Context, v *Validation, source *Conference, slug string) (*Conference, error) {
	slug = strings.ToLower(strings.TrimSpace(slug))
	if slug == "" {
		v.Add("target", "required", "Bitte die Konferenz wählen, in die die Ideen übernommen werden.", "Please choose the conference the ideas go into.")
		return nil, nil
	}
	unknown := func() { v.Add("target", "unknown", "Diese Konferenz gibt es nicht.", "There is no such conference.") }
	// Only a well-formed slug can name a conference. Checking that first
	// keeps anything else away from the Store: PostgreSQL refuses to even
	// compare a text with a NUL byte (EINTERNAL, a 500 for bad input).
	if !slugPattern.MatchString(slug) {
		unknown()
		return nil, nil
	}
	t, err := a.Store.FindConferenceBySlug(ctx, slug)
	switch {
	case ErrorCode(err) == ENOTFOUND:
		unknown()
		return nil, nil
	case err != nil:
		return nil, err
	case t.ID == source.ID:
		v.Add("target", "same", "Ideen können nicht in dieselbe Konferenz übernommen werden.", "Ideas cannot be carried over into the same conference.")
		return nil, nil
	case t.Phase != PhaseDraft && t.Phase != PhaseIdeas:
		v.Add("target", "phase", "Ideen können nur in eine Konferenz übernommen werden, die noch nicht begonnen hat (Entwurf oder Ideenphase).",
			"Ideas can only be carried over into a conference that has not started yet (draft or ideas phase).")
		return nil, nil
	}
	return t, nil
}

// carryOverIdeas checks each requested idea and returns them with the
// versions they were read at, duplicates removed. Each problem is a field
// error named after the id's position in the request.
func (a *App) carryOverIdeas(ctx context.Context, v *Validation, source, target *Conference, ids []int64) ([]CarryOverIdea, error) {
	stages, err := a.Store.ListConferenceStages(ctx, target.ID)
	if err != nil {
		return nil, err
	}
	wasThere := map[int64]bool{}
	for _, st := range stages {
		wasThere[st.IdeaID] = true
	}
	seen := map[int64]bool{}
	var out []CarryOverIdea
	for k, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		field := "ideaIds." + strconv.Itoa(k)
		i, err := a.Store.FindIdeaByID(ctx, id)
		switch {
		case ErrorCode(err) == ENOTFOUND || (err == nil && i.ConferenceID != source.ID):
			v.Add(field, "unknown", fmt.Sprintf("Die Idee #%d gibt es in dieser Konferenz nicht.", id), fmt.Sprintf("There is no idea #%d in this conference.", id))
		case err != nil:
			return nil, err
		case i.MergedIntoID != nil || i.Status == IdeaMerged:
			v.Add(field, "merged", fmt.Sprintf("Die Idee #%d wurde mit einer anderen zusammengeführt.", id), fmt.Sprintf("Idea #%d was merged into another one.", id))
		case i.Hidden:
			v.Add(field, "hidden", fmt.Sprintf("Die Idee #%d ist ausgeblendet.", id), fmt.Sprintf("Idea #%d is hidden.", id))
		case !i.Status.Unfinished():
			v.Add(field, "finished", fmt.Sprintf("Die Idee #%d ist abgeschlossen (umgesetzt oder abgelehnt) und wird nicht übernommen.", id),
				fmt.Sprintf("Idea #%d is finished (implemented or rejected) and is not carried over.", id))
		case wasThere[id]:
			v.Add(field, "already_there", fmt.Sprintf("Die Idee #%d war schon einmal in der Zielkonferenz.", id),
				fmt.Sprintf("Idea #%d has already been in the target conference.", id))
		default:
			out = append(out, CarryOverIdea{ID: i.ID, Version: i.Version})
		}
	}
	return out, nil
}

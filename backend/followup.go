package backend

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// FollowUpInput is an organiser's follow-up on an idea (POST
// /api/v1/ideas/{id}/follow-up); nil fields stay as they are. See
// docs/follow-up.md for the rules.
type FollowUpInput struct {
	Status          *IdeaStatus `json:"status"`
	Reason          *string     `json:"reason"` // required when Status is rejected
	OfficialAnswer  *string     `json:"officialAnswer"`
	ResponsibleUnit *string     `json:"responsibleUnit"`
	Progress        *int        `json:"progress"`
	Note            *string     `json:"note"` // goes into the timeline entry only
	Version         *int        `json:"version"`
}

// Timeline entry kinds.
const (
	FollowUpKindUpdate      = "update"       // an organiser's follow-up
	FollowUpKindCarriedOver = "carried_over" // the idea moved to another conference
)

// FollowUpEntry is one step of an idea's timeline: who changed what, when.
// Fields that did not change in this step are empty (or nil).
type FollowUpEntry struct {
	ID              int64      `json:"id"`
	IdeaID          int64      `json:"ideaId"`
	ConferenceID    int64      `json:"conferenceId"` // where the idea was at the time
	Kind            string     `json:"kind"`
	AccountID       *int64     `json:"-"`
	AuthorName      string     `json:"authorName"` // the organiser's display name
	FromStatus      IdeaStatus `json:"fromStatus,omitempty"`
	ToStatus        IdeaStatus `json:"toStatus,omitempty"`
	Reason          string     `json:"reason,omitempty"`
	OfficialAnswer  *string    `json:"officialAnswer,omitempty"`
	ResponsibleUnit *string    `json:"responsibleUnit,omitempty"`
	Progress        *int       `json:"progress,omitempty"`
	Note            string     `json:"note,omitempty"`
	// TargetConferenceID is where a carried_over entry moved the idea.
	TargetConferenceID *int64    `json:"targetConferenceId,omitempty"`
	CreatedAt          time.Time `json:"createdAt"`
}

// IdeaStage is an idea's standing in a conference it left by carry-over:
// what it had there when it moved on. The conference it is in now has no
// stage; the idea itself is that.
type IdeaStage struct {
	IdeaID             int64      `json:"ideaId"`
	ConferenceID       int64      `json:"conferenceId"`
	Status             IdeaStatus `json:"status"` // the idea's status when it left (the stage itself shows as carried_over)
	Supports           int        `json:"supports"`
	Comments           int        `json:"comments"`
	TargetConferenceID int64      `json:"targetConferenceId"`
	CarriedAt          time.Time  `json:"carriedAt"`
}

// CarryOver moves ideas from one conference into another in one transaction
// (Store.CarryOver). Each idea is named with the version it was read at, so
// that an idea changed, merged or moved in the meantime makes the whole
// carry-over fail (ECONFLICT) rather than move something nobody looked at.
type CarryOver struct {
	SourceConferenceID int64
	TargetConferenceID int64
	Ideas              []CarryOverIdea
	// Entry is the timeline entry written for every idea: Kind, AccountID,
	// AuthorName, Note and CreatedAt are copied; the store fills in IdeaID,
	// ConferenceID (the source) and TargetConferenceID.
	Entry FollowUpEntry
	// Audit is written once per idea in the source conference, with Entity
	// idea and EntityID set by the store.
	Audit AuditEntry
}

// CarryOverIdea is one idea of a CarryOver and the version it was read at.
type CarryOverIdea struct {
	ID      int64
	Version int
}

// KeyIdea is an idea that a browser's participant key is related to: one of
// the key's memberships wrote it, supports it, or both.
type KeyIdea struct {
	Idea      *Idea
	Authored  bool
	Supported bool
}

// Follow-up limits, in characters.
const (
	MaxOfficialAnswerLen  = 10000
	MaxResponsibleUnitLen = 200
	MaxFollowUpNoteLen    = 2000
	MaxStatusReasonLen    = 2000
)

// AuditFollowUp and AuditCarryOver are the audit actions of the follow-up.
const (
	AuditFollowUp  = "follow_up"
	AuditCarryOver = "carry_over"
)

// FollowUpStatuses are the statuses organisers may set, in lifecycle order.
// merged and carried_over are set by merging and carrying over only.
var FollowUpStatuses = []IdeaStatus{IdeaNew, IdeaInReview, IdeaAccepted, IdeaInProgress, IdeaImplemented, IdeaRejected}

// Unfinished reports whether an idea in status s may still be carried over
// into a later conference: it is neither done nor turned down.
func (s IdeaStatus) Unfinished() bool {
	switch s {
	case IdeaNew, IdeaInReview, IdeaAccepted, IdeaInProgress:
		return true
	}
	return false
}

// applyFollowUp checks in against the idea's current state and returns the
// idea as it will be and the timeline entry that records the step (Kind,
// the changed fields and the note; the caller adds who and when). Text is
// trimmed first. Every problem is reported at once; a request that neither
// changes a field nor carries a note is EINVALID too, so that the timeline
// holds no empty entries.
func applyFollowUp(cur *Idea, in FollowUpInput) (*Idea, *FollowUpEntry, error) {
	var v Validation
	next := *cur
	e := &FollowUpEntry{IdeaID: cur.ID, ConferenceID: cur.ConferenceID, Kind: FollowUpKindUpdate}
	trim := func(p *string) string {
		if p == nil {
			return ""
		}
		return strings.TrimSpace(*p)
	}

	if in.Status != nil {
		switch s := IdeaStatus(strings.TrimSpace(string(*in.Status))); {
		case contains(statusNames(FollowUpStatuses), string(s)):
			next.Status = s
		case s == IdeaMerged || s == IdeaCarriedOver:
			v.Add("status", "not_allowed", "Dieser Status entsteht nur durch Zusammenführen oder Übernehmen.",
				"This status is set only by merging or carrying over.")
		default:
			v.Add("status", "invalid", "Status: new, in_review, accepted, in_progress, implemented oder rejected.",
				"Status must be new, in_review, accepted, in_progress, implemented or rejected.")
		}
	}

	reason := trim(in.Reason)
	switch {
	case next.Status == IdeaRejected:
		if in.Reason != nil {
			next.StatusReason = reason
		} else if cur.Status != IdeaRejected {
			next.StatusReason = ""
		}
		if next.StatusReason == "" {
			v.Add("reason", "required", "Bitte einen Grund für die Ablehnung angeben; er wird mit dem Status gezeigt.",
				"Please give a reason for the rejection; it is shown with the status.")
		} else if utf8.RuneCountInString(next.StatusReason) > MaxStatusReasonLen {
			v.Add("reason", "too_long", "Der Grund darf höchstens 2000 Zeichen lang sein.", "The reason may be at most 2,000 characters long.")
		} else {
			validateText(&v, "reason", next.StatusReason, MaxStatusReasonLen, false)
		}
	case reason != "":
		v.Add("reason", "not_allowed", "Ein Grund wird nur bei einer Ablehnung angegeben.", "A reason is given only with a rejection.")
	default:
		next.StatusReason = ""
	}

	if in.OfficialAnswer != nil {
		next.OfficialAnswer = trim(in.OfficialAnswer)
		validateText(&v, "officialAnswer", next.OfficialAnswer, MaxOfficialAnswerLen, false)
	}
	if in.ResponsibleUnit != nil {
		next.ResponsibleUnit = trim(in.ResponsibleUnit)
		validateText(&v, "responsibleUnit", next.ResponsibleUnit, MaxResponsibleUnitLen, true)
	}

	switch p := in.Progress; {
	case p != nil && (*p < 0 || *p > 100):
		v.Add("progress", "out_of_range", "Der Fortschritt liegt zwischen 0 und 100 %.", "Progress is between 0 and 100 %.")
	case p != nil && next.Status == IdeaRejected:
		v.Add("progress", "not_allowed", "Abgelehnte Ideen haben keinen Fortschritt.", "Rejected ideas have no progress.")
	case p != nil && next.Status == IdeaImplemented && *p != 100:
		v.Add("progress", "implemented", "Umgesetzte Ideen stehen bei 100 %.", "Implemented ideas are at 100 %.")
	case p != nil:
		next.Progress = *p
	}
	if next.Status == IdeaImplemented {
		next.Progress = 100
	}

	note := trim(in.Note)
	validateText(&v, "note", note, MaxFollowUpNoteLen, false)
	e.Note = note

	if next.Status != cur.Status {
		e.FromStatus, e.ToStatus = cur.Status, next.Status
	}
	if next.Status == IdeaRejected && (next.Status != cur.Status || next.StatusReason != cur.StatusReason) {
		e.Reason = next.StatusReason
	}
	if next.OfficialAnswer != cur.OfficialAnswer {
		e.OfficialAnswer = &next.OfficialAnswer
	}
	if next.ResponsibleUnit != cur.ResponsibleUnit {
		e.ResponsibleUnit = &next.ResponsibleUnit
	}
	if next.Progress != cur.Progress {
		e.Progress = &next.Progress
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	changed := e.ToStatus != "" || e.Reason != "" || e.OfficialAnswer != nil || e.ResponsibleUnit != nil || e.Progress != nil
	if !changed && e.Note == "" {
		v.Add("body", "unchanged", "Es wurde nichts geändert. Bitte einen Wert ändern oder eine Notiz schreiben.",
			"Nothing was changed. Please change a value or write a note.")
		return nil, nil, v.Err()
	}
	return &next, e, nil
}

// statusNames returns the statuses as strings, for contains.
func statusNames(ss []IdeaStatus) []string {
	out := make([]string, len(ss))
	for k, s := range ss {
		out[k] = string(s)
	}
	return out
}

// followUpAuditReason sums a follow-up up for the audit log, which names one
// entity per entry and has no room for the full answer.
func followUpAuditReason(e *FollowUpEntry) string {
	var parts []string
	if e.ToStatus != "" {
		parts = append(parts, fmt.Sprintf("Status: %s → %s", e.FromStatus, e.ToStatus))
	}
	if e.OfficialAnswer != nil {
		parts = append(parts, "Antwort")
	}
	if e.ResponsibleUnit != nil {
		parts = append(parts, "Zuständig: "+clip(*e.ResponsibleUnit, 80))
	}
	if e.Progress != nil {
		parts = append(parts, fmt.Sprintf("Fortschritt: %d %%", *e.Progress))
	}
	if e.Reason != "" {
		parts = append(parts, "Grund: "+clip(e.Reason, 200))
	}
	if len(parts) == 0 {
		parts = append(parts, "Notiz")
	}
	return strings.Join(parts, "; ")
}

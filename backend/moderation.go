package backend

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Report is a participant's flag on an idea or comment for the moderators.
type Report struct {
	ID            int64      `json:"id"`
	ConferenceID  int64      `json:"conferenceId"`
	Entity        string     `json:"entity"` // EntityIdea or EntityComment
	EntityID      int64      `json:"entityId"`
	ParticipantID int64      `json:"-"` // who reported stays with the moderators' tools, not the API
	Reason        string     `json:"reason"`
	CreatedAt     time.Time  `json:"createdAt"`
	ResolvedAt    *time.Time `json:"resolvedAt,omitempty"`
}

// AuditEntry records one moderation action: who, when, what and why. Actor is
// a label frozen at the time (an organiser's e-mail or a moderator's name), so
// the log stays readable after people leave.
type AuditEntry struct {
	ID           int64     `json:"id"`
	ConferenceID int64     `json:"conferenceId"`
	Actor        string    `json:"actor"`
	Action       string    `json:"action"`
	Entity       string    `json:"entity"`
	EntityID     int64     `json:"entityId"`
	Reason       string    `json:"reason"`
	CreatedAt    time.Time `json:"createdAt"`
}

// Moderation actions as written to the audit log.
const (
	AuditHide     = "hide"
	AuditUnhide   = "unhide"
	AuditLock     = "lock_comments"
	AuditUnlock   = "unlock_comments"
	AuditTag      = "tag"
	AuditReview   = "review"
	AuditEditIdea = "edit"
)

// ModerationChange is one moderation action, applied atomically: the idea
// or comment as changed, the audit entry, and (optionally) the resolution of
// open reports on that entity.
type ModerationChange struct {
	Idea           *Idea    // written like UpdateIdea (version-checked, no IdeaVersion), or nil
	Comment        *Comment // written like UpdateComment, or nil
	Audit          AuditEntry
	ResolveReports bool // mark open reports on Audit.Entity/EntityID resolved at Audit.CreatedAt
}

// MaxReasonLen bounds moderation and report reasons.
const MaxReasonLen = 500

func validateReason(reason string, required bool) (string, error) {
	reason = strings.TrimSpace(reason)
	var v Validation
	switch {
	case reason == "" && required:
		v.Add("reason", "required", "Bitte einen Grund angeben; die Person sieht ihn.", "Please give a reason; the author will see it.")
	case utf8.RuneCountInString(reason) > MaxReasonLen:
		v.Add("reason", "too_long", "Der Grund darf höchstens 500 Zeichen lang sein.", "The reason may be at most 500 characters long.")
	default:
		validateText(&v, "reason", reason, MaxReasonLen, false)
	}
	return reason, v.Err()
}

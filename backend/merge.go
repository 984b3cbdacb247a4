package backend

import "time"

// Merge records that a moderator merged a duplicate idea (Source) into
// another (Target): the source's supports and comments moved to the target,
// keeping one support per person, and the source shows "merged into" and
// redirects. The record keeps what undoing needs.
type Merge struct {
	ID             int64      `json:"id"`
	ConferenceID   int64      `json:"conferenceId"`
	SourceID       int64      `json:"sourceId"`
	TargetID       int64      `json:"targetId"`
	PreviousStatus IdeaStatus `json:"previousStatus"` // the source's status before, restored by undo
	// Counts, filled by the store when merging and when reading.
	MovedSupports   int        `json:"movedSupports"`   // went to the target
	DroppedSupports int        `json:"droppedSupports"` // the person already supported the target
	MovedComments   int        `json:"movedComments"`
	MovedImported   int        `json:"movedImported"` // imported supports added to the target's
	Actor           string     `json:"actor"`
	Reason          string     `json:"reason"`
	CreatedAt       time.Time  `json:"createdAt"`
	UndoneAt        *time.Time `json:"undoneAt,omitempty"`
}

// Audit actions of merges.
const (
	AuditMerge     = "merge"
	AuditUndoMerge = "undo_merge"
)

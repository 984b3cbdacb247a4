package backend

import "time"

// Invite is a personal invitation to one conference for one e-mail address.
// Only the SHA-256 of its token is stored: the link is shown to the organiser
// once, when the invites are made (or made again). A used invite names the
// participant who joined with it; once that person leaves, Email is erased.
type Invite struct {
	ID            int64      `json:"id"`
	ConferenceID  int64      `json:"conferenceId"`
	Email         string     `json:"email"`
	TokenHash     string     `json:"-"`
	CreatedAt     time.Time  `json:"createdAt"`
	UsedAt        *time.Time `json:"usedAt,omitempty"`
	ParticipantID *int64     `json:"participantId,omitempty"`
}

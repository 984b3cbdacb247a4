package backend

import (
	"strings"
	"time"
)

// AgendaSession is one slot of a conference's agenda ("Session" in the UI and
// the API: /api/v1/sessions/{id}). The Go name avoids a clash with the login
// Session. Live votes happen in sessions.
type AgendaSession struct {
	ID           int64     `json:"id"`
	ConferenceID int64     `json:"conferenceId"`
	Title        string    `json:"title"`
	Room         string    `json:"room"`
	Description  string    `json:"description"`
	StartsAt     time.Time `json:"startsAt"`
	EndsAt       time.Time `json:"endsAt"`
	// ModeratorIDs are participants (of the conference, with the moderator
	// role) who run this session's votes. Empty: every moderator may.
	ModeratorIDs []int64   `json:"moderatorIds"`
	Version      int       `json:"version"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
}

// AgendaInput is what organisers enter for a session; PATCH sends it whole
// with the Version it was based on.
type AgendaInput struct {
	Title        string    `json:"title"`
	Room         string    `json:"room"`
	Description  string    `json:"description"`
	StartsAt     time.Time `json:"startsAt"`
	EndsAt       time.Time `json:"endsAt"`
	ModeratorIDs []int64   `json:"moderatorIds"`
	Version      int       `json:"version"`
}

// Text limits of sessions.
const (
	MaxRoomLen               = 80
	MaxSessionDescriptionLen = 2000
	MaxSessionModerators     = 20
)

// validate checks a session's fields; moderators are checked by the App,
// which can look them up.
func (in *AgendaInput) validate() error {
	in.Title = strings.TrimSpace(in.Title)
	in.Room = strings.TrimSpace(in.Room)
	in.Description = strings.TrimSpace(in.Description)
	var v Validation
	validateTitle(&v, in.Title)
	validateText(&v, "room", in.Room, MaxRoomLen, true)
	validateText(&v, "description", in.Description, MaxSessionDescriptionLen, false)
	validateSchedule(&v, in.StartsAt, in.EndsAt)
	if len(in.ModeratorIDs) > MaxSessionModerators {
		v.Add("moderatorIds", "too_many", "Höchstens 20 Moderierende pro Session.", "At most 20 moderators per session.")
	}
	return v.Err()
}

// NowAndNext picks the session running at now (the latest-starting one if
// several overlap) and the next one to start, from sessions sorted by start.
// Either may be nil.
func NowAndNext(sessions []*AgendaSession, now time.Time) (current, next *AgendaSession) {
	for _, s := range sessions {
		switch {
		case !now.Before(s.StartsAt) && now.Before(s.EndsAt):
			current = s
		case s.StartsAt.After(now) && next == nil:
			next = s
		}
	}
	return current, next
}

package backend

import (
	"strings"
	"time"
	"unicode/utf8"
)

// ConferenceRole is a participant's standing within one conference.
// Organisers are accounts (Role) and need no membership.
type ConferenceRole string

const (
	RoleParticipant ConferenceRole = "participant"
	RoleModerator   ConferenceRole = "moderator" // moderates ideas and comments, runs votes
)

// Participant is one person's membership in one conference, without an
// account: a long-lived random key in an HttpOnly cookie identifies the
// browser, and only its SHA-256 (KeyHash) is stored. After leaving, the
// personal data is erased (LeftAt set, DisplayName and KeyHash cleared) while
// the ideas stay, shown without a name.
type Participant struct {
	ID           int64          `json:"id"`
	ConferenceID int64          `json:"conferenceId"`
	KeyHash      string         `json:"-"`
	DisplayName  string         `json:"displayName"`
	Department   string         `json:"department"`
	Role         ConferenceRole `json:"role"`
	CreatedAt    time.Time      `json:"createdAt"`
	LeftAt       *time.Time     `json:"leftAt,omitempty"`
	// RegistrationID links the browser to a registration (from the ticket
	// page), so that voting can require check-in; nil if not linked.
	RegistrationID *int64 `json:"registrationId,omitempty"`
}

// JoinInput is what a person enters to join a conference.
type JoinInput struct {
	Code   string `json:"code"`
	Invite string `json:"invite"` // a personal invite token, instead of the code
	// Registration is the token of a registration's personal link, instead
	// of the code: joining from the ticket page links the browser to the
	// registration (for conferences that require check-in to vote).
	Registration string `json:"registration"`
	DisplayName  string `json:"displayName"`
	Department   string `json:"department"`
}

// MaxDisplayNameLen keeps names readable on a projector.
const MaxDisplayNameLen = 60

// validate checks a join against the conference's department list.
func (in *JoinInput) validate(c *Conference) error {
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	in.Department = strings.TrimSpace(in.Department)
	var v Validation
	switch n := utf8.RuneCountInString(in.DisplayName); {
	case n == 0:
		v.Add("displayName", "required", "Bitte einen Namen angeben.", "Please enter a name.")
	case n > MaxDisplayNameLen:
		v.Add("displayName", "too_long", "Der Name darf höchstens 60 Zeichen lang sein.", "The name may be at most 60 characters long.")
	default:
		validateText(&v, "displayName", in.DisplayName, MaxDisplayNameLen, true)
	}
	if in.Department != "" && !contains(c.Departments, in.Department) {
		v.Add("department", "unknown", "Bitte einen Bereich aus der Liste wählen.", "Please choose a department from the list.")
	}
	return v.Err()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

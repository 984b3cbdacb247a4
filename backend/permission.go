package backend

// Member is an actor's standing within one conference, the input of every
// permission decision.
type Member struct {
	Role        MemberRole
	Participant *Participant // nil unless the actor joined the conference
}

// MemberRole orders what one may do in a conference.
type MemberRole int

const (
	MemberVisitor     MemberRole = iota // not joined: may look, not act
	MemberParticipant                   // joined with the code or an invite
	MemberModerator                     // a participant the organisers made moderator
	MemberOrganizer                     // an organiser account: everything
)

// Action is something one may want to do in a conference.
type Action string

const (
	ActViewIdeas  Action = "view_ideas"
	ActSubmitIdea Action = "submit_idea"
	ActEditIdea   Action = "edit_idea" // one's own, or any for moderators
	ActSupport    Action = "support"
	ActModerate   Action = "moderate"
	ActComment    Action = "comment" // write, edit or delete one's own comments
)

// Permit decides whether m may perform act in conference c, on idea i where
// the action concerns one (nil otherwise). It is the one place where roles,
// phases and ownership meet; every use case calls it, and a test walks its
// whole matrix. The error says why not: log in/join first (EUNAUTHORIZED),
// not your role (EFORBIDDEN), not in this phase (ECONFLICT), or not visible
// (ENOTFOUND, so that hidden things do not reveal themselves).
func Permit(m Member, c *Conference, act Action, i *Idea) error {
	if c.Phase == PhaseDraft && m.Role < MemberOrganizer {
		return Errorf(ENOTFOUND, "Conference not found.")
	}
	if i != nil {
		if i.ConferenceID != c.ID {
			return Errorf(ENOTFOUND, "Idea not found.")
		}
		if i.Hidden && m.Role < MemberModerator && !m.isAuthor(i) {
			return Errorf(ENOTFOUND, "Idea not found.")
		}
	}
	switch act {
	case ActViewIdeas:
		return nil
	case ActModerate:
		if m.Role < MemberModerator {
			return needRole(m, "Only moderators and organisers may do this.")
		}
		if c.Phase == PhaseArchived {
			return Errorf(ECONFLICT, "The conference is archived.")
		}
		return nil
	}
	if m.Role < MemberParticipant || (m.Role < MemberOrganizer && m.Participant == nil) {
		return Errorf(EUNAUTHORIZED, "Please join the conference first.")
	}
	ideasOpen := c.Phase == PhaseIdeas || (c.LateIdeas && c.Phase == PhaseLive)
	switch act {
	case ActSubmitIdea:
		if m.Participant == nil {
			return Errorf(EFORBIDDEN, "Join the conference to submit ideas in your own name.")
		}
		if !ideasOpen {
			return Errorf(ECONFLICT, "Ideas cannot be submitted in this phase.")
		}
	case ActEditIdea:
		if m.Role < MemberModerator && !m.isAuthor(i) {
			return Errorf(EFORBIDDEN, "Only the author may edit this idea.")
		}
		if i.MergedIntoID != nil {
			return Errorf(ECONFLICT, "This idea was merged into another one.")
		}
		if m.Role < MemberModerator && !ideasOpen {
			return Errorf(ECONFLICT, "Ideas cannot be edited in this phase.")
		}
		if c.Phase == PhaseArchived {
			return Errorf(ECONFLICT, "The conference is archived.")
		}
	case ActSupport:
		if m.Participant == nil {
			return Errorf(EFORBIDDEN, "Join the conference to support ideas.")
		}
		if c.Phase != PhaseIdeas && c.Phase != PhaseLive {
			return Errorf(ECONFLICT, "Ideas cannot be supported in this phase.")
		}
		if i.MergedIntoID != nil {
			return Errorf(ECONFLICT, "This idea was merged into another one; support that one instead.")
		}
	case ActComment:
		if m.Participant == nil {
			return Errorf(EFORBIDDEN, "Join the conference to comment.")
		}
		if c.Phase != PhaseIdeas && c.Phase != PhaseLive {
			return Errorf(ECONFLICT, "Comments are closed in this phase.")
		}
		if i.MergedIntoID != nil {
			return Errorf(ECONFLICT, "This idea was merged into another one; comment there instead.")
		}
		if i.CommentsLocked && m.Role < MemberModerator {
			return Errorf(ECONFLICT, "Comments on this idea are locked.")
		}
	default:
		return Errorf(EFORBIDDEN, "Unknown action.")
	}
	return nil
}

func (m Member) isAuthor(i *Idea) bool {
	return i != nil && m.Participant != nil && i.AuthorID != nil && *i.AuthorID == m.Participant.ID
}

func needRole(m Member, msg string) error {
	if m.Role == MemberVisitor && m.Participant == nil {
		return Errorf(EUNAUTHORIZED, "Please log in or join the conference first.")
	}
	return Errorf(EFORBIDDEN, "%s", msg)
}

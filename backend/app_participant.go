package backend

import (
	"context"
	"crypto/subtle"
	"strings"
)

// member resolves what actor is within conference c.
func (a *App) member(ctx context.Context, actor Actor, c *Conference) (Member, error) {
	m := Member{Role: MemberVisitor}
	if actor.ParticipantKey != "" {
		p, err := a.Store.FindParticipantByKey(ctx, c.ID, HashToken(actor.ParticipantKey))
		switch {
		case err == nil:
			m.Participant, m.Role = p, MemberParticipant
			if p.Role == RoleModerator {
				m.Role = MemberModerator
			}
		case ErrorCode(err) != ENOTFOUND:
			return m, err
		}
	}
	if actor.IsOrganizer() {
		m.Role = MemberOrganizer
	}
	return m, nil
}

// Membership returns the actor's participant record in a conference, or
// ENOTFOUND when the browser has not joined it.
func (a *App) Membership(ctx context.Context, actor Actor, slug string) (*Participant, error) {
	c, err := a.findVisibleConference(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	m, err := a.member(ctx, actor, c)
	if err != nil {
		return nil, err
	}
	if m.Participant == nil {
		return nil, Errorf(ENOTFOUND, "You have not joined this conference.")
	}
	return m.Participant, nil
}

// Join makes the actor's browser a participant of a conference, given the
// right join code. It returns the participant and the browser key to keep in
// the cookie (a new one if the browser had none). Joining again with the same
// key updates name and department instead of creating a second membership.
func (a *App) Join(ctx context.Context, actor Actor, slug string, in JoinInput) (*Participant, string, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := a.findVisibleConference(ctx, actor, slug)
	if err != nil {
		return nil, "", err
	}
	if c.Phase == PhaseDraft || c.Phase == PhaseArchived {
		return nil, "", Errorf(ECONFLICT, "This conference cannot be joined in its current phase.")
	}
	var v Validation
	var invite *Invite
	var reg *Registration
	switch code := NormalizeJoinCode(in.Code); {
	case strings.TrimSpace(in.Registration) != "":
		r, _, err := a.registrationByToken(ctx, in.Registration)
		switch {
		case ErrorCode(err) == ENOTFOUND || (err == nil && r.ConferenceID != c.ID):
			v.Add("registration", "unknown", "Dieser Link gilt nicht (mehr). Bitte den Link aus der neuesten E-Mail verwenden.",
				"This link is not (or no longer) valid. Please use the link from the newest e-mail.")
		case err != nil:
			return nil, "", err
		case r.Status != RegistrationConfirmed:
			v.Add("registration", "not_confirmed", "Mit dem Gerät verbinden lässt sich nur eine bestätigte Anmeldung.",
				"Only a confirmed registration can be linked to a device.")
		default:
			reg = r
			if strings.TrimSpace(in.DisplayName) == "" {
				in.DisplayName = r.Name
			}
			if strings.TrimSpace(in.Department) == "" && contains(c.Departments, r.Department) {
				in.Department = r.Department
			}
		}
	case strings.TrimSpace(in.Invite) != "":
		invite, err = a.Store.FindInviteByToken(ctx, c.ID, HashToken(strings.TrimSpace(in.Invite)))
		if ErrorCode(err) == ENOTFOUND {
			v.Add("invite", "unknown", "Diese Einladung gilt nicht (mehr). Bitte den Zugangscode verwenden oder eine neue Einladung anfordern.",
				"This invitation is not (or no longer) valid. Please use the join code or ask for a new invitation.")
		} else if err != nil {
			return nil, "", err
		}
	case code == "":
		v.Add("code", "required", "Bitte den Zugangscode angeben.", "Please enter the join code.")
	case subtle.ConstantTimeCompare([]byte(code), []byte(c.JoinCode)) != 1:
		v.Add("code", "wrong", "Der Zugangscode stimmt nicht.", "The join code is not correct.")
	}
	if err := in.validate(c); err != nil {
		v.fields = append(v.fields, err.(*Error).Fields...)
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	key := actor.ParticipantKey
	if key == "" {
		key = RandomToken()
	}
	p, err := a.Store.FindParticipantByKey(ctx, c.ID, HashToken(key))
	switch {
	case err == nil:
		if invite != nil && invite.ParticipantID != nil && *invite.ParticipantID != p.ID {
			return nil, "", inviteUsed()
		}
		p.DisplayName, p.Department = in.DisplayName, in.Department
		if reg != nil {
			p.RegistrationID = &reg.ID
		}
		if err := a.Store.UpdateParticipant(ctx, p); err != nil {
			return nil, "", err
		}
		return p, key, nil
	case ErrorCode(err) != ENOTFOUND:
		return nil, "", err
	}
	var inviteID int64
	if invite != nil {
		if invite.UsedAt != nil {
			return nil, "", inviteUsed()
		}
		inviteID = invite.ID
	}
	p = &Participant{ConferenceID: c.ID, KeyHash: HashToken(key), DisplayName: in.DisplayName, Department: in.Department,
		Role: RoleParticipant, CreatedAt: a.now()}
	if reg != nil {
		p.RegistrationID = &reg.ID
	}
	if err := a.Store.CreateParticipant(ctx, p, inviteID); err != nil {
		if ErrorCode(err) != ECONFLICT {
			return nil, "", err
		}
		// A double submit raced us (the other one won), or someone else
		// used the invite in the meantime.
		if p, err := a.Store.FindParticipantByKey(ctx, c.ID, HashToken(key)); err == nil {
			return p, key, nil
		}
		return nil, "", inviteUsed()
	}
	return p, key, nil
}

// inviteUsed answers a second use of a personal invite from another browser:
// the link is personal, and whoever used it first is that person's membership.
func inviteUsed() error {
	var v Validation
	v.Add("invite", "used", "Diese Einladung wurde schon verwendet. Bitte den Zugangscode der Konferenz verwenden.",
		"This invitation has already been used. Please use the conference's join code.")
	return v.Err()
}

// ListParticipants returns a conference's current participants, for the
// organisers (who appoint moderators from this list).
func (a *App) ListParticipants(ctx context.Context, actor Actor, slug string) ([]*Participant, error) {
	if err := requireOrganizer(actor); err != nil {
		return nil, err
	}
	c, err := a.findVisibleConference(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	all, err := a.Store.FindParticipants(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out := []*Participant{}
	for _, p := range all {
		if p.LeftAt == nil {
			out = append(out, p)
		}
	}
	return out, nil
}

// SetParticipantRole makes a participant a moderator or back; organisers
// only, and written to the audit log.
func (a *App) SetParticipantRole(ctx context.Context, actor Actor, slug string, id int64, role ConferenceRole) (*Participant, error) {
	if err := requireOrganizer(actor); err != nil {
		return nil, err
	}
	if role != RoleParticipant && role != RoleModerator {
		var v Validation
		v.Add("role", "invalid", "Bitte participant oder moderator wählen.", "Role must be participant or moderator.")
		return nil, v.Err()
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := a.findVisibleConference(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	p, err := a.Store.FindParticipantByID(ctx, id)
	if ErrorCode(err) == ENOTFOUND || (err == nil && (p.ConferenceID != c.ID || p.LeftAt != nil)) {
		return nil, Errorf(ENOTFOUND, "Participant not found.")
	}
	if err != nil || p.Role == role {
		return p, err
	}
	p.Role = role
	if err := a.Store.UpdateParticipant(ctx, p); err != nil {
		return nil, err
	}
	// The role is set; the audit entry follows in its own transaction. Losing
	// it would leave a correct role unlogged, never a logged change undone.
	err = a.Store.Moderate(ctx, &ModerationChange{Audit: AuditEntry{ConferenceID: c.ID, Actor: actor.Account.Email,
		Action: "role:" + string(role), Entity: EntityParticipant, EntityID: p.ID, Reason: p.DisplayName, CreatedAt: a.now()}})
	return p, err
}

package backend

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Check-in on the day: door staff (organisers and the conference's
// moderators) scan or type a ticket code, or find a name, on as many
// devices as there are doors. Walk-ins are registered at the door. The
// headcount never exceeds the venue's safety limit; it is pushed live on
// the "door:<conference id>" topic.

// CheckInInput names the ticket: its code (typed or scanned) or, from the
// search by name, the registration's id.
type CheckInInput struct {
	Code           string `json:"code"`
	RegistrationID int64  `json:"registrationId"`
	Door           string `json:"door"` // which entrance, for the record ("Nord")
}

// CheckInResult is what the door's screen shows.
type CheckInResult struct {
	Registration     *Registration `json:"registration"`
	AlreadyCheckedIn bool          `json:"alreadyCheckedIn"` // at CheckedInAt, door CheckInDoor
	Headcount        int           `json:"headcount"`
	VenueLimit       int           `json:"venueLimit"`
	// Link is a walk-in's personal link, shown once at the door as a QR
	// code, so that the phone can join and vote.
	Link string `json:"link,omitempty"`
}

// doorConference lets organisers and the conference's moderators in.
func (a *App) doorConference(ctx context.Context, actor Actor, slug string) (*Conference, error) {
	c, err := a.findVisibleConference(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	m, err := a.member(ctx, actor, c)
	if err != nil {
		return nil, err
	}
	if m.Role < MemberModerator {
		if actor.Account == nil && m.Participant == nil {
			return nil, Errorf(EUNAUTHORIZED, "Please log in.")
		}
		return nil, Errorf(EFORBIDDEN, "Only organisers and moderators work at the door.")
	}
	return c, nil
}

// TicketCodeFromScan accepts what a scanner or a person produces: the bare
// code in any case, with spaces or hyphens, or a URL ending in it.
func TicketCodeFromScan(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "/"); i >= 0 {
		s = s[i+1:]
	}
	return NormalizeJoinCode(s)
}

// CheckIn admits a confirmed registration. Checking in twice is no error
// (two doors, a double scan): the answer says when and where it happened.
func (a *App) CheckIn(ctx context.Context, actor Actor, slug string, in CheckInInput) (*CheckInResult, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := a.doorConference(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	var v Validation
	code := TicketCodeFromScan(in.Code)
	switch {
	case code == "" && in.RegistrationID == 0:
		v.Add("code", "required", "Bitte den Ticket-Code eingeben oder scannen.", "Please type or scan the ticket code.")
	case code != "" && in.RegistrationID != 0:
		v.Add("code", "ambiguous", "Bitte entweder einen Code oder eine Anmeldung angeben.", "Please give either a code or a registration.")
	case code != "" && (utf8.RuneCountInString(code) > 40 || strings.ContainsFunc(code, func(r rune) bool { return !strings.ContainsRune(joinCodeAlphabet, r) })):
		v.Add("code", "unknown", "Dieses Ticket ist unbekannt.", "This ticket is unknown.")
	}
	door := validateDoor(&v, in.Door)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := checkInPhase(c); err != nil {
		return nil, err
	}
	var r *Registration
	if code != "" {
		r, err = a.Store.FindRegistrationByTicket(ctx, c.ID, code)
	} else {
		r, err = a.Store.FindRegistrationByID(ctx, in.RegistrationID)
		if err == nil && r.ConferenceID != c.ID {
			err = Errorf(ENOTFOUND, "not here")
		}
	}
	if ErrorCode(err) == ENOTFOUND {
		return nil, fieldError(ENOTFOUND, "code", "unknown", "Dieses Ticket ist unbekannt.", "This ticket is unknown.")
	}
	if err != nil {
		return nil, err
	}
	settings, err := a.registrationSettings(ctx, c)
	if err != nil {
		return nil, err
	}
	now := a.now()
	res := &CheckInResult{VenueLimit: settings.VenueLimit}
	err = a.Store.ChangeRegistrations(ctx, c.ID, func(tx RegistrationTx) error {
		cur, err := tx.Find(r.ID)
		if err != nil {
			return err
		}
		res.Registration = cur
		counts, err := tx.Counts()
		if err != nil {
			return err
		}
		res.Headcount = counts.CheckedIn
		if cur.CheckedInAt != nil {
			res.AlreadyCheckedIn = true
			return nil
		}
		if err := admissible(cur); err != nil {
			return err
		}
		if settings.VenueLimit > 0 && counts.CheckedIn >= settings.VenueLimit {
			return venueFull(settings.VenueLimit)
		}
		cur.CheckedInAt, cur.CheckInDoor, cur.UpdatedAt = &now, door, now
		res.Headcount++
		return tx.Update(cur)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// admissible explains why a registration cannot be checked in.
func admissible(r *Registration) error {
	switch r.Status {
	case RegistrationConfirmed:
		return nil
	case RegistrationCancelled:
		return fieldError(ECONFLICT, "code", "cancelled", "Diese Anmeldung wurde storniert.", "This registration was cancelled.")
	case RegistrationWaitlisted:
		return fieldError(ECONFLICT, "code", "waitlisted", "Diese Person steht noch auf der Warteliste.", "This person is still on the waitlist.")
	case RegistrationOffered:
		return fieldError(ECONFLICT, "code", "offered", "Das Platzangebot wurde noch nicht angenommen.", "The offered place has not been accepted yet.")
	case RegistrationPending:
		return fieldError(ECONFLICT, "code", "pending", "Die Anmeldung wurde per E-Mail noch nicht bestätigt.", "The registration was not confirmed by e-mail yet.")
	}
	return fieldError(ECONFLICT, "code", "lapsed", "Das Platzangebot ist abgelaufen.", "The offered place has lapsed.")
}

func venueFull(limit int) error {
	return &Error{Code: ECONFLICT, Message: "The venue is full.", Fields: []FieldError{{Field: "code", Code: "venue_full",
		DE: "Der Veranstaltungsort ist voll (Obergrenze " + strconv.Itoa(limit) + " Personen).", EN: "The venue is full (limit " + strconv.Itoa(limit) + " people)."}}}
}

func checkInPhase(c *Conference) error {
	if c.Phase != PhaseIdeas && c.Phase != PhaseLive {
		return Errorf(ECONFLICT, "Check-in is possible while the conference runs (phases ideas and live).")
	}
	return nil
}

func validateDoor(v *Validation, door string) string {
	door = strings.TrimSpace(door)
	validateText(v, "door", door, MaxCheckInDoorLen, true)
	return door
}

// fieldError is an error about one field with its messages.
func fieldError(code string, field, fieldCode, de, en string) error {
	return &Error{Code: code, Message: en, Fields: []FieldError{{Field: field, Code: fieldCode, DE: de, EN: en}}}
}

// WalkIn registers someone at the door and checks them in, if the venue
// has room. The e-mail address is optional; with one, the person gets the
// ticket mail, and an address that is already registered is refused (check
// that registration in instead).
func (a *App) WalkIn(ctx context.Context, actor Actor, slug string, in RegistrationInput, door string) (*CheckInResult, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := a.doorConference(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	var v Validation
	door = validateDoor(&v, door)
	if err := in.validate(c, true); err != nil {
		v.fields = append(v.fields, err.(*Error).Fields...)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := checkInPhase(c); err != nil {
		return nil, err
	}
	// A double submit first: its address is registered, by the first one.
	if in.RequestKey != "" {
		if r, err := a.Store.FindRegistrationByRequest(ctx, c.ID, in.RequestKey); err == nil {
			return a.repeatedWalkIn(ctx, c, r)
		} else if ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
	}
	if in.Email != "" {
		if _, err := a.Store.FindRegistrationByEmail(ctx, c.ID, in.Email); err == nil {
			return nil, fieldError(ECONFLICT, "email", "registered", "Diese Adresse ist schon angemeldet: bitte über den Namen einchecken.",
				"This address is already registered: please check in by name.")
		} else if ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
	}
	settings, err := a.registrationSettings(ctx, c)
	if err != nil {
		return nil, err
	}
	now := a.now()
	token := RandomToken()
	r := &Registration{ConferenceID: c.ID, TokenHash: HashToken(token), TicketCode: NewTicketCode(), RequestKey: in.RequestKey,
		Name: in.Name, Email: in.Email, Department: in.Department, Accessibility: in.Accessibility, Locale: in.Locale,
		Status: RegistrationConfirmed, WalkIn: true, CreatedAt: now, ConfirmedAt: &now, CheckedInAt: &now, CheckInDoor: door, UpdatedAt: now}
	res := &CheckInResult{Registration: r, VenueLimit: settings.VenueLimit, Link: strings.TrimRight(a.PublicURL, "/") + "/r/" + token}
	err = a.Store.ChangeRegistrations(ctx, c.ID, func(tx RegistrationTx) error {
		counts, err := tx.Counts()
		if err != nil {
			return err
		}
		if settings.VenueLimit > 0 && counts.CheckedIn >= settings.VenueLimit {
			return venueFull(settings.VenueLimit)
		}
		res.Headcount = counts.CheckedIn + 1
		if err := tx.Create(r); err != nil {
			return err
		}
		if r.Email == "" {
			return nil
		}
		return tx.Enqueue(a.registrationMail(c, r, "registration_confirmed", token, now))
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// repeatedWalkIn answers a walk-in form sent again: the first one's
// registration, already checked in (its link was shown once).
func (a *App) repeatedWalkIn(ctx context.Context, c *Conference, r *Registration) (*CheckInResult, error) {
	settings, err := a.registrationSettings(ctx, c)
	if err != nil {
		return nil, err
	}
	counts, err := a.Store.CountRegistrations(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	return &CheckInResult{Registration: r, AlreadyCheckedIn: true, Headcount: counts.CheckedIn, VenueLimit: settings.VenueLimit}, nil
}

// liveDoor is the door topic's payload: the live headcount.
type liveDoor struct {
	CheckedIn  int        `json:"checkedIn"`
	WalkIns    int        `json:"walkIns"`
	Confirmed  int        `json:"confirmed"` // registered and confirmed, walk-ins included
	VenueLimit int        `json:"venueLimit"`
	Expected   Attendance `json:"expected"`
}

// doorPayload is recomputed on every registration change while a door
// page follows the topic, so it reads only the settings and the counts.
func (a *App) doorPayload(ctx context.Context, conferenceID int64) (any, error) {
	c, err := a.Store.FindConferenceByID(ctx, conferenceID)
	if err != nil {
		return nil, err
	}
	settings, err := a.registrationSettings(ctx, c)
	if err != nil {
		return nil, err
	}
	counts, err := a.Store.CountRegistrations(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	return liveDoor{CheckedIn: counts.CheckedIn, WalkIns: counts.WalkIns, Confirmed: counts.Confirmed,
		VenueLimit: settings.VenueLimit, Expected: expectedAttendance(counts, settings.NoShowRate)}, nil
}

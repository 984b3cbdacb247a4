package backend

import (
	"context"
	"strings"
	"time"
	_ "time/tzdata" // mail dates in Europe/Berlin on hosts without zoneinfo
)

// Registration use cases of the registrant: register (double opt-in),
// then, with the personal link's token, see, confirm, change, cancel,
// accept a waitlist offer, download and erase. Every change that depends
// on counts runs inside Store.ChangeRegistrations, so that concurrent
// registrations never confirm more places than the limit allows.

// RegistrationAck answers a registration form. It is the same whether the
// address was new, already registered or a double submit, so that the
// form does not tell strangers who registered.
type RegistrationAck struct {
	Status string `json:"status"` // "check_inbox"
}

// RegistrationView is what the personal page shows.
type RegistrationView struct {
	Registration
	Conference RegistrationConference `json:"conference"`
	// WaitlistAhead is how many wait before this registration.
	WaitlistAhead *int `json:"waitlistAhead,omitempty"`
	// CanVoteHere is set when the conference requires check-in to vote.
	RequireCheckIn bool `json:"requireCheckIn"`
}

// RegistrationConference is the part of a conference the registrant sees.
type RegistrationConference struct {
	Slug     string    `json:"slug"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"startsAt"`
	EndsAt   time.Time `json:"endsAt"`
	Venue    string    `json:"venue"`
	Phase    Phase     `json:"phase"`
}

// registrationSettings returns the saved settings or the defaults.
func (a *App) registrationSettings(ctx context.Context, c *Conference) (*RegistrationSettings, error) {
	s, err := a.Store.FindRegistrationSettings(ctx, c.ID)
	if ErrorCode(err) == ENOTFOUND {
		return defaultRegistrationSettings(c), nil
	}
	return s, err
}

// Register records a registration and sends the confirmation link. An
// address that is already registered gets its personal link again (at most
// once an hour) instead; a double submit (same RequestKey) does nothing
// more. The answer is the same in every case.
func (a *App) Register(ctx context.Context, actor Actor, slug string, in RegistrationInput) (RegistrationAck, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	ack := RegistrationAck{Status: "check_inbox"}
	c, err := a.findVisibleConference(ctx, actor, slug)
	if err != nil {
		return ack, err
	}
	settings, err := a.registrationSettings(ctx, c)
	if err != nil {
		return ack, err
	}
	if !settings.Open || c.Phase == PhaseDraft || c.Phase == PhaseClosed || c.Phase == PhaseArchived {
		return ack, Errorf(ECONFLICT, "Registration for this conference is not open.")
	}
	if err := in.validate(c, false); err != nil {
		return ack, err
	}
	if in.RequestKey != "" {
		if _, err := a.Store.FindRegistrationByRequest(ctx, c.ID, in.RequestKey); err == nil {
			return ack, nil // a double submit: the first one sent the mail
		} else if ErrorCode(err) != ENOTFOUND {
			return ack, err
		}
	}
	if existing, err := a.Store.FindRegistrationByEmail(ctx, c.ID, in.Email); err == nil {
		return ack, a.resendLink(ctx, c, existing)
	} else if ErrorCode(err) != ENOTFOUND {
		return ack, err
	}
	now := a.now()
	token := RandomToken()
	r := &Registration{ConferenceID: c.ID, TokenHash: HashToken(token), TicketCode: NewTicketCode(), RequestKey: in.RequestKey,
		Name: in.Name, Email: in.Email, Department: in.Department, Accessibility: in.Accessibility, Locale: in.Locale,
		Status: RegistrationPending, CreatedAt: now, UpdatedAt: now}
	for attempt := 0; ; attempt++ {
		err = a.Store.ChangeRegistrations(ctx, c.ID, func(tx RegistrationTx) error {
			if err := tx.Create(r); err != nil {
				return err
			}
			return tx.Enqueue(a.registrationMail(c, r, "registration_confirm", token, now))
		})
		if ErrorCode(err) != ECONFLICT {
			return ack, err
		}
		// A concurrent submit of the same form or address won the race
		// (it sent the mail), or, very rarely, the random ticket code was
		// taken: then draw again.
		if _, ferr := a.Store.FindRegistrationByEmail(ctx, c.ID, in.Email); ferr == nil {
			return ack, nil
		}
		if attempt == 3 {
			return ack, err
		}
		r.ID, r.TicketCode = 0, NewTicketCode()
	}
}

// resendLink sends an existing registration a new personal link (the old
// one stops working: only a hash of it is stored), unless one was sent in
// the last hour.
func (a *App) resendLink(ctx context.Context, c *Conference, r *Registration) error {
	now := a.now()
	mails, err := a.Store.FindMails(ctx, r.ID)
	if err != nil {
		return err
	}
	for _, m := range mails {
		if (m.Template == "registration_link" || m.Template == "registration_confirm") && now.Sub(m.CreatedAt) < time.Hour {
			return nil
		}
	}
	token := RandomToken()
	template := "registration_link"
	if r.Status == RegistrationPending {
		template = "registration_confirm"
	}
	return a.Store.ChangeRegistrations(ctx, c.ID, func(tx RegistrationTx) error {
		cur, err := tx.Find(r.ID)
		if err != nil {
			return err
		}
		cur.TokenHash, cur.UpdatedAt = HashToken(token), now
		if err := tx.Update(cur); err != nil {
			return err
		}
		return tx.Enqueue(a.registrationMail(c, cur, template, token, now))
	})
}

// registrationByToken finds the registration of a personal link and its
// conference. An unknown token and an erased registration are the same
// "link not valid" to the caller.
func (a *App) registrationByToken(ctx context.Context, token string) (*Registration, *Conference, error) {
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 100 {
		return nil, nil, linkNotValid()
	}
	r, err := a.Store.FindRegistrationByToken(ctx, HashToken(token))
	if ErrorCode(err) == ENOTFOUND || (err == nil && r.ErasedAt != nil) {
		return nil, nil, linkNotValid()
	}
	if err != nil {
		return nil, nil, err
	}
	c, err := a.Store.FindConferenceByID(ctx, r.ConferenceID)
	if err != nil {
		return nil, nil, err
	}
	return r, c, nil
}

func linkNotValid() error {
	return Errorf(ENOTFOUND, "This personal link is not (or no longer) valid. If you asked for a new link, please use the newest e-mail.")
}

// MyRegistration shows the registration of a personal link.
func (a *App) MyRegistration(ctx context.Context, token string) (*RegistrationView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	r, c, err := a.registrationByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	return a.registrationView(ctx, c, r)
}

func (a *App) registrationView(ctx context.Context, c *Conference, r *Registration) (*RegistrationView, error) {
	settings, err := a.registrationSettings(ctx, c)
	if err != nil {
		return nil, err
	}
	v := &RegistrationView{Registration: *r, RequireCheckIn: settings.RequireCheckIn, Conference: RegistrationConference{
		Slug: c.Slug, Title: c.Title, StartsAt: c.StartsAt, EndsAt: c.EndsAt, Venue: c.Venue, Phase: c.Phase}}
	if r.Status != RegistrationConfirmed {
		v.TicketCode = "" // a ticket only for a confirmed place
	}
	if r.Status == RegistrationWaitlisted {
		// The whole waitlist, page by page: a page holds the oldest
		// registrations, not the longest waiting, and waitlists grow past one.
		ahead := 0
		for offset := 0; ; offset += MaxPageSize {
			waiting, total, err := a.Store.FindRegistrations(ctx, RegistrationFilter{ConferenceID: c.ID, Statuses: []RegistrationStatus{RegistrationWaitlisted}, Offset: offset, Limit: MaxPageSize})
			if err != nil {
				return nil, err
			}
			for _, w := range waiting {
				if w.WaitlistedAt != nil && r.WaitlistedAt != nil && (w.WaitlistedAt.Before(*r.WaitlistedAt) || w.WaitlistedAt.Equal(*r.WaitlistedAt) && w.ID < r.ID) {
					ahead++
				}
			}
			if len(waiting) == 0 || offset+len(waiting) >= total {
				break
			}
		}
		v.WaitlistAhead = &ahead
	}
	return v, nil
}

// ConfirmRegistration is the double opt-in: a pending registration gets a
// place if one is free and nobody waits, else a place on the waitlist.
// Confirming again changes nothing; a cancelled or lapsed registration
// cannot be confirmed.
func (a *App) ConfirmRegistration(ctx context.Context, token string) (*RegistrationView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	r, c, err := a.registrationByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	switch r.Status {
	case RegistrationCancelled, RegistrationLapsed:
		return nil, Errorf(ECONFLICT, "This registration was cancelled. Please register again.")
	case RegistrationPending:
	default:
		return a.registrationView(ctx, c, r) // confirmed before
	}
	settings, err := a.registrationSettings(ctx, c)
	if err != nil {
		return nil, err
	}
	now := a.now()
	err = a.Store.ChangeRegistrations(ctx, c.ID, func(tx RegistrationTx) error {
		cur, err := tx.Find(r.ID)
		if err != nil {
			return err
		}
		if cur.Status != RegistrationPending {
			r = cur
			return nil // a concurrent click confirmed it
		}
		counts, err := tx.Counts()
		if err != nil {
			return err
		}
		cur.ConfirmedAt, cur.UpdatedAt = &now, now
		template := "registration_confirmed"
		if counts.Waitlisted == 0 && counts.Held() < ConfirmLimit(c.Capacity, settings.VenueLimit, settings.NoShowRate) {
			cur.Status = RegistrationConfirmed
		} else {
			cur.Status, cur.WaitlistedAt, template = RegistrationWaitlisted, &now, "registration_waitlisted"
		}
		if err := tx.Update(cur); err != nil {
			return err
		}
		r = cur
		return tx.Enqueue(a.registrationMail(c, cur, template, token, now))
	})
	if err != nil {
		return nil, err
	}
	return a.registrationView(ctx, c, r)
}

// CancelMyRegistration cancels with the personal link. A place it held is
// offered to the next on the waitlist. Cancelling again changes nothing.
func (a *App) CancelMyRegistration(ctx context.Context, token string) (*RegistrationView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	r, c, err := a.registrationByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if r, err = a.cancelRegistration(ctx, c, r.ID, token); err != nil {
		return nil, err
	}
	return a.registrationView(ctx, c, r)
}

// cancelRegistration cancels registration id (if still active), sends the
// confirmation (with a link only if token is known) and fills the freed
// place from the waitlist, all in one transaction.
func (a *App) cancelRegistration(ctx context.Context, c *Conference, id int64, token string) (*Registration, error) {
	settings, err := a.registrationSettings(ctx, c)
	if err != nil {
		return nil, err
	}
	if c.Phase == PhaseArchived {
		return nil, Errorf(ECONFLICT, "This conference is archived.")
	}
	now := a.now()
	var out *Registration
	err = a.Store.ChangeRegistrations(ctx, c.ID, func(tx RegistrationTx) error {
		cur, err := tx.Find(id)
		if err != nil {
			return err
		}
		out = cur
		if !cur.Status.Active() {
			return nil
		}
		if cur.CheckedInAt != nil {
			return Errorf(ECONFLICT, "This registration is checked in and can no longer be cancelled.")
		}
		cur.Status, cur.CancelledAt, cur.UpdatedAt = RegistrationCancelled, &now, now
		cur.OfferExpires = nil
		if err := tx.Update(cur); err != nil {
			return err
		}
		if cur.Email != "" {
			if err := tx.Enqueue(a.registrationMail(c, cur, "registration_cancelled", token, now)); err != nil {
				return err
			}
		}
		return a.fillPlaces(tx, c, settings, now)
	})
	return out, err
}

// fillPlaces offers free places to the waitlist, longest waiting first,
// each offer holding for the settings' hours.
func (a *App) fillPlaces(tx RegistrationTx, c *Conference, settings *RegistrationSettings, now time.Time) error {
	limit := ConfirmLimit(c.Capacity, settings.VenueLimit, settings.NoShowRate)
	for {
		counts, err := tx.Counts()
		if err != nil {
			return err
		}
		if counts.Held() >= limit || c.Phase == PhaseClosed || c.Phase == PhaseArchived {
			return nil
		}
		next, err := tx.NextWaitlisted()
		if ErrorCode(err) == ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		// The offer links to the personal page; its token is not known
		// here (only a hash is stored), so the mail carries a new one.
		token := RandomToken()
		expires := now.Add(time.Duration(settings.OfferHours) * time.Hour)
		next.Status, next.OfferedAt, next.OfferExpires, next.UpdatedAt = RegistrationOffered, &now, &expires, now
		next.TokenHash = HashToken(token)
		if err := tx.Update(next); err != nil {
			return err
		}
		if err := tx.Enqueue(a.registrationMail(c, next, "waitlist_offer", token, now)); err != nil {
			return err
		}
	}
}

// AcceptOffer takes the place a waitlist offer holds. An offer that has
// run out is lapsed here (and passed on) if the sweep has not done so yet.
func (a *App) AcceptOffer(ctx context.Context, token string) (*RegistrationView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	r, c, err := a.registrationByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	settings, err := a.registrationSettings(ctx, c)
	if err != nil {
		return nil, err
	}
	now := a.now()
	expired := false
	err = a.Store.ChangeRegistrations(ctx, c.ID, func(tx RegistrationTx) error {
		cur, err := tx.Find(r.ID)
		if err != nil {
			return err
		}
		r = cur
		switch {
		case cur.Status == RegistrationConfirmed:
			return nil // accepted before
		case cur.Status == RegistrationLapsed:
			expired = true
			return nil
		case cur.Status != RegistrationOffered:
			return Errorf(ECONFLICT, "There is no offer to accept for this registration.")
		case cur.OfferExpires != nil && !now.Before(*cur.OfferExpires):
			expired = true
			if err := a.lapseOffer(tx, c, cur, now); err != nil {
				return err
			}
			return a.fillPlaces(tx, c, settings, now)
		}
		cur.Status, cur.Promoted, cur.OfferExpires, cur.UpdatedAt = RegistrationConfirmed, true, nil, now
		if err := tx.Update(cur); err != nil {
			return err
		}
		return tx.Enqueue(a.registrationMail(c, cur, "registration_confirmed", token, now))
	})
	if err != nil {
		return nil, err
	}
	if expired {
		return nil, &Error{Code: ECONFLICT, Message: "This offer has expired and was passed on.", Fields: []FieldError{{Field: "offer", Code: "expired",
			DE: "Das Angebot ist abgelaufen und wurde weitergegeben.", EN: "The offer has expired and was passed on."}}}
	}
	return a.registrationView(ctx, c, r)
}

// lapseOffer ends an offer that ran out.
func (a *App) lapseOffer(tx RegistrationTx, c *Conference, r *Registration, now time.Time) error {
	r.Status, r.UpdatedAt = RegistrationLapsed, now
	if err := tx.Update(r); err != nil {
		return err
	}
	return tx.Enqueue(a.registrationMail(c, r, "offer_expired", "", now))
}

// RegistrationUpdate is what a registrant may change: the address is the
// identity of a registration (cancel and register again to change it).
type RegistrationUpdate struct {
	Name          string `json:"name"`
	Department    string `json:"department"`
	Accessibility string `json:"accessibility"`
	Locale        string `json:"locale"`
}

// UpdateMyRegistration changes name, department, accessibility needs and
// language.
func (a *App) UpdateMyRegistration(ctx context.Context, token string, upd RegistrationUpdate) (*RegistrationView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	r, c, err := a.registrationByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	in := RegistrationInput{Name: upd.Name, Email: r.Email, Department: upd.Department, Accessibility: upd.Accessibility, Locale: upd.Locale}
	if err := in.validate(c, r.Email == ""); err != nil {
		return nil, err
	}
	if !r.Status.Active() {
		return nil, Errorf(ECONFLICT, "This registration was cancelled.")
	}
	now := a.now()
	err = a.Store.ChangeRegistrations(ctx, c.ID, func(tx RegistrationTx) error {
		cur, err := tx.Find(r.ID)
		if err != nil {
			return err
		}
		cur.Name, cur.Department, cur.Accessibility, cur.Locale, cur.UpdatedAt = in.Name, in.Department, in.Accessibility, in.Locale, now
		r = cur
		return tx.Update(cur)
	})
	if err != nil {
		return nil, err
	}
	return a.registrationView(ctx, c, r)
}

// registrationMail is a mail to the registrant in their language; token,
// if given, makes the personal link.
func (a *App) registrationMail(c *Conference, r *Registration, template, token string, now time.Time) *OutboxMail {
	data := map[string]string{
		"name": r.Name, "conference": c.Title, "date": formatDate(c.StartsAt, r.Locale), "venue": c.Venue,
	}
	if token != "" {
		data["link"] = strings.TrimRight(a.PublicURL, "/") + "/r/" + token
	}
	if r.Status == RegistrationConfirmed {
		data["ticketCode"] = r.TicketCode
	}
	if r.OfferExpires != nil {
		data["expires"] = formatDateTime(*r.OfferExpires, r.Locale)
	}
	return &OutboxMail{ConferenceID: c.ID, RegistrationID: r.ID, To: r.Email, Locale: r.Locale, Template: template, Data: data,
		CreatedAt: now, NextAttemptAt: now}
}

// Dates in mails are in the administration's time zone.
var mailZone = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.UTC
}()

var germanMonths = []string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}

func formatDate(t time.Time, locale string) string {
	t = t.In(mailZone)
	if locale == "en" {
		return t.Format("2 January 2006")
	}
	return t.Format("2.") + " " + germanMonths[t.Month()-1] + " " + t.Format("2006")
}

func formatDateTime(t time.Time, locale string) string {
	t = t.In(mailZone)
	if locale == "en" {
		return formatDate(t, locale) + ", " + t.Format("15:04")
	}
	return formatDate(t, locale) + ", " + t.Format("15:04") + " Uhr"
}

package backend

import (
	"context"
	"strings"
)

// Registration use cases of the organisers: settings with the limit they
// imply, the dashboard, the list, cancelling on someone's behalf.

// RegistrationSettingsView is the settings with what follows from them.
type RegistrationSettingsView struct {
	RegistrationSettings
	Capacity int `json:"capacity"` // the conference's
	// ConfirmLimit is how many places may be confirmed (offers included).
	ConfirmLimit int `json:"confirmLimit"`
	// SuggestedNoShowRate is measured at earlier conferences; nil if none.
	SuggestedNoShowRate *float64 `json:"suggestedNoShowRate,omitempty"`
}

// RegistrationDashboard is the organisers' overview.
type RegistrationDashboard struct {
	Settings   RegistrationSettingsView `json:"settings"`
	Counts     RegistrationCounts       `json:"counts"`
	Attendance Attendance               `json:"attendance"` // expected on the day, with a range
	// FreePlaces is what may still be confirmed before the waitlist starts.
	FreePlaces int `json:"freePlaces"`
	// NoShows are confirmed registrants (not walk-ins) not checked in; it
	// is only meaningful once the conference is over.
	NoShows int `json:"noShows"`
}

// organizerConference checks that the actor is an organiser and finds the
// conference.
func (a *App) organizerConference(ctx context.Context, actor Actor, slug string) (*Conference, error) {
	if err := requireOrganizer(actor); err != nil {
		return nil, err
	}
	return a.findVisibleConference(ctx, actor, slug)
}

// GetRegistrationSettings returns the settings (defaults if none were
// saved) with the limit and the suggested no-show rate.
func (a *App) GetRegistrationSettings(ctx context.Context, actor Actor, slug string) (*RegistrationSettingsView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := a.organizerConference(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	return a.settingsView(ctx, c)
}

func (a *App) settingsView(ctx context.Context, c *Conference) (*RegistrationSettingsView, error) {
	s, err := a.registrationSettings(ctx, c)
	if err != nil {
		return nil, err
	}
	measured, err := a.Store.ListMeasuredNoShowRates(ctx)
	if err != nil {
		return nil, err
	}
	return &RegistrationSettingsView{RegistrationSettings: *s, Capacity: c.Capacity,
		ConfirmLimit:        ConfirmLimit(c.Capacity, s.VenueLimit, s.NoShowRate),
		SuggestedNoShowRate: SuggestNoShowRate(measured, c.ID)}, nil
}

// SaveRegistrationSettings stores the settings. Raising the limit (more
// capacity, a higher no-show rate) offers the new places to the waitlist at
// once; lowering it confirms nobody new but takes no place away.
func (a *App) SaveRegistrationSettings(ctx context.Context, actor Actor, slug string, in RegistrationSettingsInput) (*RegistrationSettingsView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := a.organizerConference(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	if c.Phase == PhaseArchived {
		return nil, Errorf(ECONFLICT, "This conference is archived.")
	}
	if err := in.validate(c); err != nil {
		return nil, err
	}
	cur, err := a.registrationSettings(ctx, c)
	if err != nil {
		return nil, err
	}
	if in.Version != cur.Version {
		return nil, ErrStaleVersion
	}
	s := *cur
	s.Open, s.VenueLimit, s.NoShowRate, s.OfferHours = in.Open, in.VenueLimit, in.NoShowRate, in.OfferHours
	s.RequireCheckIn, s.RetentionDays, s.UpdatedAt = in.RequireCheckIn, in.RetentionDays, a.now()
	if err := a.Store.SaveRegistrationSettings(ctx, &s); err != nil {
		return nil, err
	}
	a.rounds.clear() // voting eligibility may have changed
	if err := a.Store.ChangeRegistrations(ctx, c.ID, func(tx RegistrationTx) error {
		return a.fillPlaces(tx, c, &s, a.now())
	}); err != nil {
		return nil, err
	}
	return a.settingsView(ctx, c)
}

// GetRegistrationDashboard returns counts, the expected attendance and the
// places left.
func (a *App) GetRegistrationDashboard(ctx context.Context, actor Actor, slug string) (*RegistrationDashboard, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := a.organizerConference(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	return a.dashboard(ctx, c)
}

func (a *App) dashboard(ctx context.Context, c *Conference) (*RegistrationDashboard, error) {
	sv, err := a.settingsView(ctx, c)
	if err != nil {
		return nil, err
	}
	counts, err := a.Store.CountRegistrations(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	booked := counts.Confirmed - counts.WalkIns
	d := &RegistrationDashboard{Settings: *sv, Counts: counts,
		Attendance: expectedAttendance(counts, sv.NoShowRate),
		FreePlaces: max(0, sv.ConfirmLimit-counts.Held()),
		NoShows:    max(0, booked-(counts.CheckedIn-counts.WalkIns)),
	}
	return d, nil
}

// expectedAttendance is ExpectedAttendance of a conference's counts:
// walk-ins are confirmed and checked in, so certain, not expected.
func expectedAttendance(counts RegistrationCounts, rate float64) Attendance {
	return ExpectedAttendance(counts.Confirmed-counts.WalkIns, counts.WalkIns, rate)
}

// ListRegistrations returns registrations for the organisers' list, or for
// the door's search by name (moderators may search at the door too, see
// CheckIn).
func (a *App) ListRegistrations(ctx context.Context, actor Actor, slug string, f RegistrationFilter) ([]*Registration, int, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := a.doorConference(ctx, actor, slug)
	if err != nil {
		return nil, 0, err
	}
	f.ConferenceID = c.ID
	f.Query = strings.TrimSpace(f.Query)
	var v Validation
	validateText(&v, "q", f.Query, MaxRegistrationNameLen, true)
	for _, s := range f.Statuses {
		if !validRegistrationStatus(s) {
			v.Add("status", "unknown", "Unbekannter Status.", "Unknown status.")
			break
		}
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	return a.Store.FindRegistrations(ctx, f)
}

func validRegistrationStatus(s RegistrationStatus) bool {
	switch s {
	case RegistrationPending, RegistrationConfirmed, RegistrationWaitlisted, RegistrationOffered, RegistrationCancelled, RegistrationLapsed:
		return true
	}
	return false
}

// CancelRegistrationFor lets an organiser cancel a registration (someone
// phoned); the place goes to the waitlist.
func (a *App) CancelRegistrationFor(ctx context.Context, actor Actor, slug string, id int64) (*Registration, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := a.organizerConference(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	r, err := a.Store.FindRegistrationByID(ctx, id)
	if ErrorCode(err) == ENOTFOUND || (err == nil && r.ConferenceID != c.ID) {
		return nil, Errorf(ENOTFOUND, "Registration not found.")
	}
	if err != nil {
		return nil, err
	}
	return a.cancelRegistration(ctx, c, id, "")
}

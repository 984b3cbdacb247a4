package backend

import (
	"context"
	"errors"
	"reflect"
	"time"
)

// ConferenceView is a conference as one actor may see it: organisers get the
// join code and the phases they may move to; everyone else gets neither, since
// the join code admits people to the conference.
type ConferenceView struct {
	*Conference
	NextPhases []Phase `json:"nextPhases,omitempty"`
}

func viewConference(actor Actor, c *Conference) ConferenceView {
	if actor.IsOrganizer() {
		return ConferenceView{Conference: c, NextPhases: c.Phase.NextPhases()}
	}
	cc := *c
	cc.JoinCode = ""
	return ConferenceView{Conference: &cc}
}

// ListConferences lists the conferences the actor may see; drafts only for organisers.
func (a *App) ListConferences(ctx context.Context, actor Actor, offset, limit int) ([]ConferenceView, int, error) {
	cs, total, err := a.Store.FindConferences(ctx, ConferenceFilter{IncludeDrafts: actor.IsOrganizer(), Offset: offset, Limit: limit})
	if err != nil {
		return nil, 0, err
	}
	out := make([]ConferenceView, len(cs))
	for i, c := range cs {
		out[i] = viewConference(actor, c)
	}
	return out, total, nil
}

// GetConference returns one conference; a draft is not found for non-organisers,
// so that its existence does not leak.
func (a *App) GetConference(ctx context.Context, actor Actor, slug string) (ConferenceView, error) {
	c, err := a.findVisibleConference(ctx, actor, slug)
	if err != nil {
		return ConferenceView{}, err
	}
	return viewConference(actor, c), nil
}

func (a *App) findVisibleConference(ctx context.Context, actor Actor, slug string) (*Conference, error) {
	c, err := a.Store.FindConferenceBySlug(ctx, slug)
	if ErrorCode(err) == ENOTFOUND || (err == nil && c.Phase == PhaseDraft && !actor.IsOrganizer()) {
		return nil, Errorf(ENOTFOUND, "Conference not found.")
	}
	return c, err
}

// CreateConference creates a draft conference with a fresh join code.
func (a *App) CreateConference(ctx context.Context, actor Actor, in ConferenceInput) (ConferenceView, error) {
	if err := requireOrganizer(actor); err != nil {
		return ConferenceView{}, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return ConferenceView{}, err
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	now := a.now()
	c := &Conference{
		Slug: in.Slug, Title: in.Title, Description: in.Description,
		StartsAt: in.StartsAt.UTC().Truncate(time.Microsecond), EndsAt: in.EndsAt.UTC().Truncate(time.Microsecond),
		Venue: in.Venue, Capacity: in.Capacity, Phase: PhaseDraft, CreatedAt: now, UpdatedAt: now,
		Topics: in.Topics, Departments: in.Departments, Anonymity: in.Anonymity, LateIdeas: in.LateIdeas,
	}
	// A conflict is either the slug (tell the user) or, very rarely, the random
	// join code (draw again).
	for attempt := 0; ; attempt++ {
		c.JoinCode = NewJoinCode()
		err := a.Store.CreateConference(ctx, c)
		a.conferences.clear()
		if ErrorCode(err) != ECONFLICT {
			if err != nil {
				return ConferenceView{}, err
			}
			return viewConference(actor, c), nil
		}
		if _, ferr := a.Store.FindConferenceBySlug(ctx, c.Slug); ferr == nil {
			return ConferenceView{}, slugTaken()
		}
		if attempt == 4 {
			return ConferenceView{}, err
		}
	}
}

func slugTaken() error {
	return &Error{Code: ECONFLICT, Message: "A conference with this slug already exists.", Fields: []FieldError{{
		Field: "slug", Code: "taken",
		DE: "Diese Kurzbezeichnung ist bereits vergeben.", EN: "This slug is already taken.",
	}}}
}

// UpdateConference applies an organiser's edit. Archived conferences are
// read-only, so the record of what was decided stays as it was.
func (a *App) UpdateConference(ctx context.Context, actor Actor, slug string, upd ConferenceUpdate) (ConferenceView, error) {
	return a.changeConference(ctx, actor, slug, upd.Version, func(c *Conference) error {
		if c.Phase == PhaseArchived {
			return Errorf(ECONFLICT, "Archived conferences cannot be edited. Move it back to closed first.")
		}
		return upd.Apply(c)
	})
}

// SetPhase moves a conference to another phase if the move is legal.
func (a *App) SetPhase(ctx context.Context, actor Actor, slug string, phase Phase, version *int) (ConferenceView, error) {
	if !phase.Valid() {
		var v Validation
		v.Add("phase", "invalid", "Unbekannte Phase.", "Unknown phase.")
		return ConferenceView{}, v.Err()
	}
	return a.changeConference(ctx, actor, slug, version, func(c *Conference) error {
		if c.Phase == phase {
			return nil // idempotent: a double click is not an error
		}
		if !c.Phase.CanMoveTo(phase) {
			return &Error{Code: ECONFLICT, Message: "A conference in phase " + string(c.Phase) + " cannot move to " + string(phase) + "."}
		}
		c.Phase = phase
		return nil
	})
}

// RegenerateJoinCode replaces the join code, e.g. after it leaked; the old code
// stops working at once.
func (a *App) RegenerateJoinCode(ctx context.Context, actor Actor, slug string) (ConferenceView, error) {
	var err error
	for range 5 {
		var view ConferenceView
		view, err = a.changeConference(ctx, actor, slug, nil, func(c *Conference) error {
			c.JoinCode = NewJoinCode()
			return nil
		})
		if ErrorCode(err) != ECONFLICT || errors.Is(err, ErrStaleVersion) {
			return view, err
		}
	}
	return ConferenceView{}, err
}

// changeConference loads, checks the organiser and the expected version,
// applies change and stores the result with optimistic locking.
func (a *App) changeConference(ctx context.Context, actor Actor, slug string, version *int, change func(*Conference) error) (ConferenceView, error) {
	if err := requireOrganizer(actor); err != nil {
		return ConferenceView{}, err
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := a.findVisibleConference(ctx, actor, slug)
	if err != nil {
		return ConferenceView{}, err
	}
	if version != nil && *version != c.Version {
		return ConferenceView{}, ErrStaleVersion
	}
	before := *c
	if err := change(c); err != nil {
		return ConferenceView{}, err
	}
	if reflect.DeepEqual(*c, before) {
		return viewConference(actor, c), nil // nothing changed: no write, no change-feed entry
	}
	c.UpdatedAt = a.now()
	if err := a.Store.UpdateConference(ctx, c); err != nil {
		return ConferenceView{}, err
	}
	a.rounds.clear() // phase and voting rules of cached rounds
	a.conferences.clear()
	return viewConference(actor, c), nil
}

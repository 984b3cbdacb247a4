package backend

import (
	"context"
	"log/slog"
	"time"
)

// The registration sweep does what time alone decides: offers that ran
// out pass on to the next on the waitlist, a conference that is over gets
// its measured no-show rate, and personal data is removed when the
// retention period after a conference has passed. It is idempotent, so
// several instances may run it.

// SweepRegistrations runs the sweep once over every conference with
// registration settings.
func (a *App) SweepRegistrations(ctx context.Context) error {
	all, err := a.conferences.all(ctx, a.Store)
	if err != nil {
		return err
	}
	for _, c := range all {
		s, err := a.Store.FindRegistrationSettings(ctx, c.ID)
		if ErrorCode(err) == ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		if err := a.expireOffers(ctx, c, s); err != nil {
			return err
		}
		if err := a.measureNoShows(ctx, c, s); err != nil {
			return err
		}
		if err := a.applyRetention(ctx, c, s); err != nil {
			return err
		}
	}
	return nil
}

// RunRegistrationSweep sweeps every interval until ctx ends.
func (a *App) RunRegistrationSweep(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := a.SweepRegistrations(ctx); err != nil && ctx.Err() == nil {
			log.Warn("registration sweep", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (a *App) expireOffers(ctx context.Context, c *Conference, s *RegistrationSettings) error {
	// A read first: most conferences have no open offer most minutes, and
	// a write transaction per conference per minute would take the write
	// lock for nothing.
	counts, err := a.Store.CountRegistrations(ctx, c.ID)
	if err != nil || counts.Offered == 0 {
		return err
	}
	now := a.now()
	return a.Store.ChangeRegistrations(ctx, c.ID, func(tx RegistrationTx) error {
		expired, err := tx.ExpiredOffers(now)
		if err != nil || len(expired) == 0 {
			return err
		}
		for _, r := range expired {
			if err := a.lapseOffer(tx, c, r, now); err != nil {
				return err
			}
		}
		return a.fillPlaces(tx, c, s, now)
	})
}

// measureNoShows stores, once a conference is closed and over, the share of
// confirmed registrants (walk-ins aside) who did not check in. A conference
// without check-ins measured nothing (nobody scanned tickets) and is left
// out, so that it does not suggest a no-show rate of 100 %.
func (a *App) measureNoShows(ctx context.Context, c *Conference, s *RegistrationSettings) error {
	if s.MeasuredNoShowRate != nil || (c.Phase != PhaseClosed && c.Phase != PhaseArchived) || a.now().Before(c.EndsAt) {
		return nil
	}
	counts, err := a.Store.CountRegistrations(ctx, c.ID)
	if err != nil {
		return err
	}
	booked := counts.Confirmed - counts.WalkIns
	arrived := counts.CheckedIn - counts.WalkIns
	if booked <= 0 || arrived <= 0 {
		return nil
	}
	rate := float64(booked-arrived) / float64(booked)
	cur := *s
	cur.MeasuredNoShowRate, cur.UpdatedAt = &rate, a.now()
	err = a.Store.SaveRegistrationSettings(ctx, &cur)
	if ErrorCode(err) == ECONFLICT {
		return nil // another instance (or an organiser) saved meanwhile; the next sweep measures
	}
	return err
}

// applyRetention erases the registrations' personal data, and the names of
// the conference's participants (their ideas stay, without a name), once
// RetentionDays have passed since the conference ended.
func (a *App) applyRetention(ctx context.Context, c *Conference, s *RegistrationSettings) error {
	if s.RetentionDays <= 0 || a.now().Before(c.EndsAt.AddDate(0, 0, s.RetentionDays)) {
		return nil
	}
	// Erasing keeps the rows, so paging through them is stable.
	for offset := 0; ; offset += MaxPageSize {
		regs, total, err := a.Store.FindRegistrations(ctx, RegistrationFilter{ConferenceID: c.ID, Offset: offset, Limit: MaxPageSize})
		if err != nil {
			return err
		}
		for _, r := range regs {
			if r.ErasedAt == nil {
				if err := a.eraseRegistration(ctx, c, r.ID); err != nil {
					return err
				}
			}
		}
		if len(regs) == 0 || offset+len(regs) >= total {
			break
		}
	}
	ps, err := a.Store.FindParticipants(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.LeftAt == nil {
			if err := a.Store.EraseParticipant(ctx, p.ID, a.now()); err != nil {
				return err
			}
		}
	}
	return nil
}

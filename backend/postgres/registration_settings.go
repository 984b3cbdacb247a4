package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

// FindRegistrationSettings returns a conference's settings, or ENOTFOUND if
// they were never saved.
func (s *Store) FindRegistrationSettings(ctx context.Context, conferenceID int64) (*backend.RegistrationSettings, error) {
	var r backend.RegistrationSettings
	err := s.pool.QueryRow(ctx, `SELECT conference_id, open, venue_limit, no_show_rate, offer_hours, require_check_in,
		retention_days, measured_no_show_rate, version, updated_at FROM registration_settings WHERE conference_id = $1`, conferenceID).
		Scan(&r.ConferenceID, &r.Open, &r.VenueLimit, &r.NoShowRate, &r.OfferHours, &r.RequireCheckIn, &r.RetentionDays,
			&r.MeasuredNoShowRate, &r.Version, &r.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, backend.Errorf(backend.ENOTFOUND, "Registration settings not found.")
	}
	if err != nil {
		return nil, wrap(err, "find registration settings")
	}
	r.UpdatedAt = r.UpdatedAt.UTC()
	return &r, nil
}

// SaveRegistrationSettings inserts the settings at Version 0 and updates
// them at the stored Version, bumping it either way. Settings that exist at
// Version 0, or a Version that is not the stored one, are stale. The
// settings are configuration, not an entity of the change feed: no change
// is recorded.
func (s *Store) SaveRegistrationSettings(ctx context.Context, r *backend.RegistrationSettings) error {
	var version int
	var err error
	if r.Version == 0 {
		err = s.pool.QueryRow(ctx, `INSERT INTO registration_settings (conference_id, open, venue_limit, no_show_rate, offer_hours,
			require_check_in, retention_days, measured_no_show_rate, version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)
			ON CONFLICT (conference_id) DO NOTHING RETURNING version`,
			r.ConferenceID, r.Open, r.VenueLimit, r.NoShowRate, r.OfferHours, r.RequireCheckIn, r.RetentionDays,
			r.MeasuredNoShowRate, r.UpdatedAt).Scan(&version)
	} else {
		err = s.pool.QueryRow(ctx, `UPDATE registration_settings SET open = $1, venue_limit = $2, no_show_rate = $3, offer_hours = $4,
			require_check_in = $5, retention_days = $6, measured_no_show_rate = $7, version = version + 1, updated_at = $8
			WHERE conference_id = $9 AND version = $10 RETURNING version`,
			r.Open, r.VenueLimit, r.NoShowRate, r.OfferHours, r.RequireCheckIn, r.RetentionDays, r.MeasuredNoShowRate,
			r.UpdatedAt, r.ConferenceID, r.Version).Scan(&version)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return backend.ErrStaleVersion
	}
	if err != nil {
		return wrap(err, "save registration settings")
	}
	r.Version = version
	return nil
}

// ListMeasuredNoShowRates returns every conference with a measured no-show
// rate, with its end and its confirmed registrations, by end.
func (s *Store) ListMeasuredNoShowRates(ctx context.Context) ([]backend.MeasuredNoShow, error) {
	rows, err := s.pool.Query(ctx, `SELECT s.conference_id, c.ends_at, s.measured_no_show_rate,
		(SELECT COUNT(*) FROM registrations r WHERE r.conference_id = s.conference_id AND r.status = 'confirmed')
		FROM registration_settings s JOIN conferences c ON c.id = s.conference_id
		WHERE s.measured_no_show_rate IS NOT NULL ORDER BY c.ends_at, s.conference_id`)
	if err != nil {
		return nil, wrap(err, "list measured no-show rates")
	}
	return collect(rows, func(row pgx.Row) (backend.MeasuredNoShow, error) {
		var m backend.MeasuredNoShow
		err := row.Scan(&m.ConferenceID, &m.EndsAt, &m.Rate, &m.Confirmed)
		m.EndsAt = m.EndsAt.UTC()
		return m, err
	}, "list measured no-show rates", "scan measured no-show rate")
}

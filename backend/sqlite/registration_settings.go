package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"ideenmarkt/backend"
)

// FindRegistrationSettings returns a conference's settings, or ENOTFOUND if
// they were never saved.
func (s *Store) FindRegistrationSettings(ctx context.Context, conferenceID int64) (*backend.RegistrationSettings, error) {
	var r backend.RegistrationSettings
	var measured sql.NullFloat64
	var updated string
	err := s.read.QueryRowContext(ctx, `SELECT conference_id, open, venue_limit, no_show_rate, offer_hours, require_check_in,
		retention_days, measured_no_show_rate, version, updated_at FROM registration_settings WHERE conference_id = ?`, conferenceID).
		Scan(&r.ConferenceID, &r.Open, &r.VenueLimit, &r.NoShowRate, &r.OfferHours, &r.RequireCheckIn, &r.RetentionDays,
			&measured, &r.Version, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, backend.Errorf(backend.ENOTFOUND, "Registration settings not found.")
	}
	if err != nil {
		return nil, wrap(err, "find registration settings")
	}
	if measured.Valid {
		r.MeasuredNoShowRate = &measured.Float64
	}
	if r.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, wrap(err, "parse registration settings")
	}
	return &r, nil
}

// SaveRegistrationSettings inserts the settings at Version 0 and updates
// them at the stored Version, bumping it either way. Settings that exist at
// Version 0, or a Version that is not the stored one, are stale. The
// settings are configuration, not an entity of the change feed: no change
// is recorded.
func (s *Store) SaveRegistrationSettings(ctx context.Context, r *backend.RegistrationSettings) error {
	var measured sql.NullFloat64
	if r.MeasuredNoShowRate != nil {
		measured = sql.NullFloat64{Float64: *r.MeasuredNoShowRate, Valid: true}
	}
	var version int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if r.Version == 0 {
			err = tx.QueryRowContext(ctx, `INSERT INTO registration_settings (conference_id, open, venue_limit, no_show_rate, offer_hours,
				require_check_in, retention_days, measured_no_show_rate, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
				ON CONFLICT (conference_id) DO NOTHING RETURNING version`,
				r.ConferenceID, boolInt(r.Open), r.VenueLimit, r.NoShowRate, r.OfferHours, boolInt(r.RequireCheckIn), r.RetentionDays,
				measured, fmtTime(r.UpdatedAt)).Scan(&version)
		} else {
			err = tx.QueryRowContext(ctx, `UPDATE registration_settings SET open = ?, venue_limit = ?, no_show_rate = ?, offer_hours = ?,
				require_check_in = ?, retention_days = ?, measured_no_show_rate = ?, version = version + 1, updated_at = ?
				WHERE conference_id = ? AND version = ? RETURNING version`,
				boolInt(r.Open), r.VenueLimit, r.NoShowRate, r.OfferHours, boolInt(r.RequireCheckIn), r.RetentionDays, measured,
				fmtTime(r.UpdatedAt), r.ConferenceID, r.Version).Scan(&version)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return backend.ErrStaleVersion
		}
		return wrap(err, "save registration settings")
	})
	if err != nil {
		return err
	}
	r.Version = version
	return nil
}

// ListMeasuredNoShowRates returns every conference with a measured no-show
// rate, with its end and its confirmed registrations, by end.
func (s *Store) ListMeasuredNoShowRates(ctx context.Context) ([]backend.MeasuredNoShow, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT s.conference_id, c.ends_at, s.measured_no_show_rate,
		(SELECT COUNT(*) FROM registrations r WHERE r.conference_id = s.conference_id AND r.status = 'confirmed')
		FROM registration_settings s JOIN conferences c ON c.id = s.conference_id
		WHERE s.measured_no_show_rate IS NOT NULL ORDER BY c.ends_at, s.conference_id`)
	if err != nil {
		return nil, wrap(err, "list measured no-show rates")
	}
	return collect(rows, func(r rowScanner) (backend.MeasuredNoShow, error) {
		var m backend.MeasuredNoShow
		var ends string
		if err := r.Scan(&m.ConferenceID, &ends, &m.Rate, &m.Confirmed); err != nil {
			return m, err
		}
		var err error
		m.EndsAt, err = parseTime(ends)
		return m, err
	}, "list measured no-show rates", "scan measured no-show rate")
}

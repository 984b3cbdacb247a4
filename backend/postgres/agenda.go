package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

const agendaColumns = `id, conference_id, title, room, description, starts_at, ends_at, moderator_ids, version, created_at, updated_at`

// scanAgendaSession reads agendaColumns; the times are UTC and the JSONB
// moderator list is never nil.
func scanAgendaSession(row pgx.Row) (*backend.AgendaSession, error) {
	var a backend.AgendaSession
	if err := row.Scan(&a.ID, &a.ConferenceID, &a.Title, &a.Room, &a.Description, &a.StartsAt, &a.EndsAt, &a.ModeratorIDs,
		&a.Version, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return nil, err
	}
	a.ModeratorIDs = ids(a.ModeratorIDs)
	a.StartsAt, a.EndsAt = a.StartsAt.UTC(), a.EndsAt.UTC()
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, nil
}

// ids returns l, or an empty slice for nil: a JSONB id list holds [] and
// never null, and the domain never sees a nil list.
func ids(l []int64) []int64 {
	if l == nil {
		return []int64{}
	}
	return l
}

// CreateAgendaSession inserts a with Version 1 and records the change.
// CreatedAt and UpdatedAt are stored as given; an unknown conference is
// ENOTFOUND (foreign key).
func (s *Store) CreateAgendaSession(ctx context.Context, a *backend.AgendaSession) error {
	var id int64
	err := s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		err := tx.QueryRow(ctx, `INSERT INTO agenda_sessions (conference_id, title, room, description, starts_at, ends_at,
			moderator_ids, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9) RETURNING id`,
			a.ConferenceID, a.Title, a.Room, a.Description, a.StartsAt, a.EndsAt, ids(a.ModeratorIDs), a.CreatedAt, a.UpdatedAt).Scan(&id)
		if err != nil {
			return backend.Change{}, wrap(err, "insert session")
		}
		return backend.Change{Entity: backend.EntitySession, EntityID: id, Op: backend.OpCreate, ConferenceID: a.ConferenceID}, nil
	})
	if err != nil {
		return err
	}
	a.ID, a.Version, a.ModeratorIDs = id, 1, ids(a.ModeratorIDs)
	return nil
}

// FindAgendaSessionByID returns the session or ENOTFOUND.
func (s *Store) FindAgendaSessionByID(ctx context.Context, id int64) (*backend.AgendaSession, error) {
	a, err := scanAgendaSession(s.pool.QueryRow(ctx, `SELECT `+agendaColumns+` FROM agenda_sessions WHERE id = $1`, id))
	if err != nil {
		return nil, wrap(err, "find session")
	}
	return a, nil
}

// FindAgendaSessions lists a conference's sessions by start, then id.
func (s *Store) FindAgendaSessions(ctx context.Context, conferenceID int64) ([]*backend.AgendaSession, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+agendaColumns+` FROM agenda_sessions WHERE conference_id = $1 ORDER BY starts_at, id`, conferenceID)
	if err != nil {
		return nil, wrap(err, "list sessions")
	}
	return collect(rows, scanAgendaSession, "list sessions", "scan session")
}

// UpdateAgendaSession writes the mutable fields of a if its version is
// current, then increments a.Version. A stale version is ECONFLICT, a missing
// id ENOTFOUND.
func (s *Store) UpdateAgendaSession(ctx context.Context, a *backend.AgendaSession) error {
	var version int
	err := s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		var conferenceID int64
		err := tx.QueryRow(ctx, `UPDATE agenda_sessions SET title = $1, room = $2, description = $3, starts_at = $4, ends_at = $5,
			moderator_ids = $6, version = version + 1, updated_at = $7
			WHERE id = $8 AND version = $9 RETURNING version, conference_id`,
			a.Title, a.Room, a.Description, a.StartsAt, a.EndsAt, ids(a.ModeratorIDs), a.UpdatedAt, a.ID, a.Version).Scan(&version, &conferenceID)
		if errors.Is(err, pgx.ErrNoRows) {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM agenda_sessions WHERE id = $1)`, a.ID).Scan(&exists); err != nil {
				return backend.Change{}, wrap(err, "check session")
			}
			if !exists {
				return backend.Change{}, errSessionNotFound
			}
			return backend.Change{}, backend.ErrStaleVersion
		}
		if err != nil {
			return backend.Change{}, wrap(err, "update session")
		}
		return backend.Change{Entity: backend.EntitySession, EntityID: a.ID, Op: backend.OpUpdate, ConferenceID: conferenceID}, nil
	})
	if err != nil {
		return err
	}
	a.Version, a.ModeratorIDs = version, ids(a.ModeratorIDs)
	return nil
}

// errSessionNotFound answers an unknown agenda session.
var errSessionNotFound = backend.Errorf(backend.ENOTFOUND, "Session not found.")

// DeleteAgendaSession removes a session without rounds and records the
// change. A session with rounds is ECONFLICT, a missing one ENOTFOUND. The
// session's row lock (FOR UPDATE) waits for a round being added, whose
// foreign key check holds a key-share lock on it, and keeps later ones out
// until the delete commits.
func (s *Store) DeleteAgendaSession(ctx context.Context, id int64) error {
	return s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		var conferenceID int64
		err := tx.QueryRow(ctx, `SELECT conference_id FROM agenda_sessions WHERE id = $1 FOR UPDATE`, id).Scan(&conferenceID)
		if errors.Is(err, pgx.ErrNoRows) {
			return backend.Change{}, errSessionNotFound
		}
		if err != nil {
			return backend.Change{}, wrap(err, "lock session")
		}
		var hasRounds bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM rounds WHERE session_id = $1)`, id).Scan(&hasRounds); err != nil {
			return backend.Change{}, wrap(err, "check rounds")
		}
		if hasRounds {
			return backend.Change{}, backend.Errorf(backend.ECONFLICT, "This session has votes; it cannot be deleted.")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM agenda_sessions WHERE id = $1`, id); err != nil {
			return backend.Change{}, wrap(err, "delete session")
		}
		return backend.Change{Entity: backend.EntitySession, EntityID: id, Op: backend.OpDelete, ConferenceID: conferenceID}, nil
	})
}

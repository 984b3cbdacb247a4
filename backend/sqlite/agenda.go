package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"ideenmarkt/backend"
)

const agendaColumns = `id, conference_id, title, room, description, starts_at, ends_at, moderator_ids, version, created_at, updated_at`

func scanAgendaSession(r rowScanner) (*backend.AgendaSession, error) {
	var a backend.AgendaSession
	var starts, ends, moderators, created, updated string
	if err := r.Scan(&a.ID, &a.ConferenceID, &a.Title, &a.Room, &a.Description, &starts, &ends, &moderators,
		&a.Version, &created, &updated); err != nil {
		return nil, err
	}
	var err error
	if a.ModeratorIDs, err = parseIDs(moderators); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		dst *time.Time
		src string
	}{{&a.StartsAt, starts}, {&a.EndsAt, ends}, {&a.CreatedAt, created}, {&a.UpdatedAt, updated}} {
		if *p.dst, err = parseTime(p.src); err != nil {
			return nil, err
		}
	}
	return &a, nil
}

// fmtIDs stores a list of ids as a JSON array; nil is stored as [].
func fmtIDs(ids []int64) string {
	if len(ids) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ids) // an []int64 always marshals
	return string(b)
}

// parseIDs reads a JSON array of ids; it never returns nil.
func parseIDs(s string) ([]int64, error) {
	ids := []int64{}
	if err := json.Unmarshal([]byte(s), &ids); err != nil {
		return nil, fmt.Errorf("parse ids %q: %w", s, err)
	}
	if ids == nil { // the text was null
		ids = []int64{}
	}
	return ids, nil
}

// nonNilIDs returns ids, or an empty slice for nil, so that the caller's
// struct equals what a later read returns.
func nonNilIDs(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

// CreateAgendaSession inserts a with Version 1 and records the change.
// CreatedAt and UpdatedAt are stored as given; an unknown conference is
// ENOTFOUND (foreign key).
func (s *Store) CreateAgendaSession(ctx context.Context, a *backend.AgendaSession) error {
	var id int64
	err := s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		err := tx.QueryRowContext(ctx, `INSERT INTO agenda_sessions (conference_id, title, room, description, starts_at, ends_at,
			moderator_ids, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
			a.ConferenceID, a.Title, a.Room, a.Description, fmtTime(a.StartsAt), fmtTime(a.EndsAt),
			fmtIDs(a.ModeratorIDs), fmtTime(a.CreatedAt), fmtTime(a.UpdatedAt)).Scan(&id)
		if err != nil {
			return backend.Change{}, wrap(err, "insert session")
		}
		return backend.Change{Entity: backend.EntitySession, EntityID: id, Op: backend.OpCreate, ConferenceID: a.ConferenceID}, nil
	})
	if err != nil {
		return err
	}
	a.ID, a.Version, a.ModeratorIDs = id, 1, nonNilIDs(a.ModeratorIDs)
	return nil
}

// FindAgendaSessionByID returns the session or ENOTFOUND.
func (s *Store) FindAgendaSessionByID(ctx context.Context, id int64) (*backend.AgendaSession, error) {
	a, err := scanAgendaSession(s.read.QueryRowContext(ctx, `SELECT `+agendaColumns+` FROM agenda_sessions WHERE id = ?`, id))
	return a, wrap(err, "find session")
}

// FindAgendaSessions lists a conference's sessions by start, then id.
func (s *Store) FindAgendaSessions(ctx context.Context, conferenceID int64) ([]*backend.AgendaSession, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+agendaColumns+` FROM agenda_sessions WHERE conference_id = ? ORDER BY starts_at, id`, conferenceID)
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
	err := s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		var conferenceID int64
		err := tx.QueryRowContext(ctx, `UPDATE agenda_sessions SET title = ?, room = ?, description = ?, starts_at = ?, ends_at = ?,
			moderator_ids = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ? RETURNING version, conference_id`,
			a.Title, a.Room, a.Description, fmtTime(a.StartsAt), fmtTime(a.EndsAt), fmtIDs(a.ModeratorIDs),
			fmtTime(a.UpdatedAt), a.ID, a.Version).Scan(&version, &conferenceID)
		if err == sql.ErrNoRows {
			var exists bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM agenda_sessions WHERE id = ?)`, a.ID).Scan(&exists); err != nil {
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
	a.Version, a.ModeratorIDs = version, nonNilIDs(a.ModeratorIDs)
	return nil
}

// errSessionNotFound answers an unknown agenda session.
var errSessionNotFound = backend.Errorf(backend.ENOTFOUND, "Session not found.")

// DeleteAgendaSession removes a session without rounds and records the
// change. A session with rounds is ECONFLICT, a missing one ENOTFOUND. The
// single write connection keeps a round from being added in between.
func (s *Store) DeleteAgendaSession(ctx context.Context, id int64) error {
	return s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		var conferenceID int64
		var hasRounds bool
		err := tx.QueryRowContext(ctx, `SELECT conference_id, EXISTS (SELECT 1 FROM rounds WHERE session_id = agenda_sessions.id)
			FROM agenda_sessions WHERE id = ?`, id).Scan(&conferenceID, &hasRounds)
		if err == sql.ErrNoRows {
			return backend.Change{}, errSessionNotFound
		}
		if err != nil {
			return backend.Change{}, wrap(err, "find session")
		}
		if hasRounds {
			return backend.Change{}, backend.Errorf(backend.ECONFLICT, "This session has votes; it cannot be deleted.")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM agenda_sessions WHERE id = ?`, id); err != nil {
			return backend.Change{}, wrap(err, "delete session")
		}
		return backend.Change{Entity: backend.EntitySession, EntityID: id, Op: backend.OpDelete, ConferenceID: conferenceID}, nil
	})
}

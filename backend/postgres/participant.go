package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

const participantColumns = `id, conference_id, key_hash, display_name, department, role, created_at, left_at`

// scanParticipant reads participantColumns. A NULL key_hash (after leaving)
// is "", and the times are UTC.
func scanParticipant(row pgx.Row) (*backend.Participant, error) {
	var p backend.Participant
	var keyHash *string
	if err := row.Scan(&p.ID, &p.ConferenceID, &keyHash, &p.DisplayName, &p.Department, &p.Role, &p.CreatedAt, &p.LeftAt); err != nil {
		return nil, err
	}
	if keyHash != nil {
		p.KeyHash = *keyHash
	}
	p.CreatedAt = p.CreatedAt.UTC()
	p.LeftAt = utcPtr(p.LeftAt)
	return &p, nil
}

// CreateParticipant inserts p, sets its ID and records the change. A KeyHash
// already used in the conference is ECONFLICT (participants_key); an unknown
// conference is ENOTFOUND (foreign key).
func (s *Store) CreateParticipant(ctx context.Context, p *backend.Participant) error {
	var id int64
	err := s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		err := tx.QueryRow(ctx, `INSERT INTO participants (conference_id, key_hash, display_name, department, role, created_at, left_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			p.ConferenceID, nullString(p.KeyHash), p.DisplayName, p.Department, p.Role, p.CreatedAt, p.LeftAt).Scan(&id)
		if err != nil {
			return backend.Change{}, wrap(err, "insert participant")
		}
		return backend.Change{Entity: backend.EntityParticipant, EntityID: id, Op: backend.OpCreate, ConferenceID: p.ConferenceID}, nil
	})
	if err != nil {
		return err
	}
	p.ID = id
	return nil
}

// FindParticipantByID returns the participant or ENOTFOUND.
func (s *Store) FindParticipantByID(ctx context.Context, id int64) (*backend.Participant, error) {
	p, err := scanParticipant(s.pool.QueryRow(ctx, `SELECT `+participantColumns+` FROM participants WHERE id = $1`, id))
	if err != nil {
		return nil, wrap(err, "find participant")
	}
	return p, nil
}

// FindParticipants lists a conference's participants by id.
func (s *Store) FindParticipants(ctx context.Context, conferenceID int64) ([]*backend.Participant, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+participantColumns+` FROM participants WHERE conference_id = $1 ORDER BY id`, conferenceID)
	if err != nil {
		return nil, wrap(err, "list participants")
	}
	return collect(rows, scanParticipant, "list participants", "scan participant")
}

// FindParticipantByKey returns the membership of a browser key in a
// conference, or ENOTFOUND. An empty key matches nothing: it is stored as
// NULL for those who left.
func (s *Store) FindParticipantByKey(ctx context.Context, conferenceID int64, keyHash string) (*backend.Participant, error) {
	if keyHash == "" {
		return nil, backend.Errorf(backend.ENOTFOUND, "Participant not found.")
	}
	p, err := scanParticipant(s.pool.QueryRow(ctx, `SELECT `+participantColumns+` FROM participants WHERE conference_id = $1 AND key_hash = $2`,
		conferenceID, keyHash))
	if err != nil {
		return nil, wrap(err, "find participant")
	}
	return p, nil
}

// UpdateParticipant writes DisplayName, Department, Role, KeyHash ("" as
// NULL) and LeftAt, and records the change under the stored conference. A
// missing id is ENOTFOUND; a KeyHash taken in the conference is ECONFLICT.
func (s *Store) UpdateParticipant(ctx context.Context, p *backend.Participant) error {
	return s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		var conferenceID int64
		err := tx.QueryRow(ctx, `UPDATE participants SET display_name = $1, department = $2, role = $3, key_hash = $4, left_at = $5
			WHERE id = $6 RETURNING conference_id`,
			p.DisplayName, p.Department, p.Role, nullString(p.KeyHash), p.LeftAt, p.ID).Scan(&conferenceID)
		if err != nil {
			return backend.Change{}, wrap(err, "update participant")
		}
		return backend.Change{Entity: backend.EntityParticipant, EntityID: p.ID, Op: backend.OpUpdate, ConferenceID: conferenceID}, nil
	})
}

// nullString stores "" as NULL, for nullable text columns whose empty value
// means "none" (a NULL never collides with another in a unique index).
func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// utcPtr returns a nullable time in UTC.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

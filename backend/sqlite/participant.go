package sqlite

import (
	"context"
	"database/sql"

	"ideenmarkt/backend"
)

const participantColumns = `id, conference_id, key_hash, display_name, department, role, created_at, left_at`

func scanParticipant(r rowScanner) (*backend.Participant, error) {
	var p backend.Participant
	var keyHash, left sql.NullString
	var created string
	if err := r.Scan(&p.ID, &p.ConferenceID, &keyHash, &p.DisplayName, &p.Department, &p.Role, &created, &left); err != nil {
		return nil, err
	}
	p.KeyHash = keyHash.String
	var err error
	if p.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if p.LeftAt, err = timePtr(left); err != nil {
		return nil, err
	}
	return &p, nil
}

// CreateParticipant inserts p and records the change. A KeyHash taken in the
// conference is ECONFLICT; an unknown conference is ENOTFOUND.
func (s *Store) CreateParticipant(ctx context.Context, p *backend.Participant) error {
	return s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		err := tx.QueryRowContext(ctx, `INSERT INTO participants (conference_id, key_hash, display_name, department, role, created_at, left_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.ConferenceID, nullString(p.KeyHash), p.DisplayName, p.Department, p.Role, fmtTime(p.CreatedAt), nullTime(p.LeftAt)).Scan(&p.ID)
		if err != nil {
			return backend.Change{}, wrap(err, "insert participant")
		}
		return backend.Change{Entity: backend.EntityParticipant, EntityID: p.ID, Op: backend.OpCreate, ConferenceID: p.ConferenceID}, nil
	})
}

// FindParticipantByID returns the participant or ENOTFOUND.
func (s *Store) FindParticipantByID(ctx context.Context, id int64) (*backend.Participant, error) {
	p, err := scanParticipant(s.read.QueryRowContext(ctx, `SELECT `+participantColumns+` FROM participants WHERE id = ?`, id))
	return p, wrap(err, "find participant")
}

// FindParticipants lists a conference's participants by id.
func (s *Store) FindParticipants(ctx context.Context, conferenceID int64) ([]*backend.Participant, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+participantColumns+` FROM participants WHERE conference_id = ? ORDER BY id`, conferenceID)
	if err != nil {
		return nil, wrap(err, "list participants")
	}
	return collect(rows, scanParticipant, "list participants", "scan participant")
}

// FindParticipantByKey returns the membership of a browser key in a conference
// or ENOTFOUND. An empty key matches nobody (left participants have none).
func (s *Store) FindParticipantByKey(ctx context.Context, conferenceID int64, keyHash string) (*backend.Participant, error) {
	p, err := scanParticipant(s.read.QueryRowContext(ctx, `SELECT `+participantColumns+` FROM participants WHERE conference_id = ? AND key_hash = ?`,
		conferenceID, keyHash))
	return p, wrap(err, "find participant")
}

// UpdateParticipant writes DisplayName, Department, Role, KeyHash and LeftAt.
func (s *Store) UpdateParticipant(ctx context.Context, p *backend.Participant) error {
	return s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		var conferenceID int64
		err := tx.QueryRowContext(ctx, `UPDATE participants SET display_name = ?, department = ?, role = ?, key_hash = ?, left_at = ?
			WHERE id = ? RETURNING conference_id`,
			p.DisplayName, p.Department, p.Role, nullString(p.KeyHash), nullTime(p.LeftAt), p.ID).Scan(&conferenceID)
		if err != nil {
			return backend.Change{}, wrap(err, "update participant")
		}
		p.ConferenceID = conferenceID
		return backend.Change{Entity: backend.EntityParticipant, EntityID: p.ID, Op: backend.OpUpdate, ConferenceID: conferenceID}, nil
	})
}

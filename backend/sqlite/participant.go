package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"ideenmarkt/backend"
)

const participantColumns = `id, conference_id, key_hash, display_name, department, role, created_at, left_at, registration_id`

func scanParticipant(r rowScanner) (*backend.Participant, error) {
	var p backend.Participant
	var keyHash, left sql.NullString
	var created string
	var registration sql.NullInt64
	if err := r.Scan(&p.ID, &p.ConferenceID, &keyHash, &p.DisplayName, &p.Department, &p.Role, &created, &left, &registration); err != nil {
		return nil, err
	}
	p.KeyHash, p.RegistrationID = keyHash.String, int64Ptr(registration)
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
// conference is ECONFLICT; an unknown conference is ENOTFOUND. With inviteID >
// 0 the invite is marked used by p in the same transaction (and an invite
// change recorded); an invite already used or of another conference is
// ECONFLICT, an unknown one ENOTFOUND, and then nothing is written. The single
// write connection serializes concurrent uses of one invite.
func (s *Store) CreateParticipant(ctx context.Context, p *backend.Participant, inviteID int64) error {
	var id int64
	err := s.inChangesTx(ctx, func(tx *sql.Tx) ([]backend.Change, error) {
		if inviteID > 0 {
			if err := checkInvite(ctx, tx, inviteID, p.ConferenceID); err != nil {
				return nil, err
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO participants (conference_id, key_hash, display_name, department, role, created_at, left_at,
			registration_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.ConferenceID, nullString(p.KeyHash), p.DisplayName, p.Department, p.Role, fmtTime(p.CreatedAt), nullTime(p.LeftAt),
			nullInt64(p.RegistrationID)).Scan(&id)
		if err != nil {
			return nil, wrap(err, "insert participant")
		}
		chs := []backend.Change{{Entity: backend.EntityParticipant, EntityID: id, Op: backend.OpCreate, ConferenceID: p.ConferenceID}}
		if inviteID > 0 {
			res, err := tx.ExecContext(ctx, `UPDATE invites SET used_at = ?, participant_id = ? WHERE id = ? AND used_at IS NULL`,
				fmtTime(p.CreatedAt), id, inviteID)
			if err != nil {
				return nil, wrap(err, "use invite")
			}
			n, err := res.RowsAffected()
			if err != nil {
				return nil, wrap(err, "use invite")
			}
			if n != 1 { // checked above; kept as a guard
				return nil, errInviteUsed
			}
			chs = append(chs, backend.Change{Entity: backend.EntityInvite, EntityID: inviteID, Op: backend.OpUpdate, ConferenceID: p.ConferenceID})
		}
		return chs, nil
	})
	if err != nil {
		return err
	}
	p.ID = id
	return nil
}

// errInviteUsed answers a second use of an invite.
var errInviteUsed = backend.Errorf(backend.ECONFLICT, "This invitation has already been used.")

// checkInvite fails unless invite id exists (ENOTFOUND), belongs to the
// conference and is unused (ECONFLICT otherwise).
func checkInvite(ctx context.Context, tx *sql.Tx, id, conferenceID int64) error {
	var conf int64
	var used sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT conference_id, used_at FROM invites WHERE id = ?`, id).Scan(&conf, &used)
	if err == sql.ErrNoRows {
		return backend.Errorf(backend.ENOTFOUND, "Invitation not found.")
	}
	if err != nil {
		return wrap(err, "find invite")
	}
	if conf != conferenceID {
		return backend.Errorf(backend.ECONFLICT, "This invitation is for another conference.")
	}
	if used.Valid {
		return errInviteUsed
	}
	return nil
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

// UpdateParticipant writes DisplayName, Department, Role, KeyHash, LeftAt and
// RegistrationID.
func (s *Store) UpdateParticipant(ctx context.Context, p *backend.Participant) error {
	return s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		var conferenceID int64
		err := tx.QueryRowContext(ctx, `UPDATE participants SET display_name = ?, department = ?, role = ?, key_hash = ?, left_at = ?,
			registration_id = ? WHERE id = ? RETURNING conference_id`,
			p.DisplayName, p.Department, p.Role, nullString(p.KeyHash), nullTime(p.LeftAt), nullInt64(p.RegistrationID), p.ID).Scan(&conferenceID)
		if err != nil {
			return backend.Change{}, wrap(err, "update participant")
		}
		p.ConferenceID = conferenceID
		return backend.Change{Entity: backend.EntityParticipant, EntityID: p.ID, Op: backend.OpUpdate, ConferenceID: conferenceID}, nil
	})
}

// EraseParticipant removes a participant's personal data in one transaction:
// name, department and key of the participant, the author name of their ideas
// and comments, and the e-mail of the invite they joined with. It records a
// change for the participant and one for each idea whose author name was
// cleared. An unknown id is ENOTFOUND.
func (s *Store) EraseParticipant(ctx context.Context, id int64, at time.Time) error {
	return s.inChangesTx(ctx, func(tx *sql.Tx) ([]backend.Change, error) {
		var conferenceID int64
		err := tx.QueryRowContext(ctx, `UPDATE participants SET display_name = '', department = '', key_hash = NULL, left_at = ?
			WHERE id = ? RETURNING conference_id`, fmtTime(at), id).Scan(&conferenceID)
		if err == sql.ErrNoRows {
			return nil, backend.Errorf(backend.ENOTFOUND, "Participant not found.")
		}
		if err != nil {
			return nil, wrap(err, "erase participant")
		}
		chs := []backend.Change{{Entity: backend.EntityParticipant, EntityID: id, Op: backend.OpUpdate, ConferenceID: conferenceID}}
		rows, err := tx.QueryContext(ctx, `UPDATE ideas SET author_name = '' WHERE author_id = ? AND author_name <> '' RETURNING id`, id)
		if err != nil {
			return nil, wrap(err, "erase idea authors")
		}
		ideaIDs, err := collect(rows, scanID, "erase idea authors", "scan idea id")
		if err != nil {
			return nil, err
		}
		slices.Sort(ideaIDs) // RETURNING has no order
		for _, ideaID := range ideaIDs {
			chs = append(chs, backend.Change{Entity: backend.EntityIdea, EntityID: ideaID, Op: backend.OpUpdate, ConferenceID: conferenceID})
		}
		if _, err := tx.ExecContext(ctx, `UPDATE comments SET author_name = '' WHERE author_id = ? AND author_name <> ''`, id); err != nil {
			return nil, wrap(err, "erase comment authors")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invites SET email = NULL WHERE participant_id = ?`, id); err != nil {
			return nil, wrap(err, "erase invite e-mail")
		}
		return chs, nil
	})
}

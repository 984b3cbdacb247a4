package postgres

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

const participantColumns = `id, conference_id, key_hash, display_name, department, role, created_at, left_at, registration_id`

// scanParticipant reads participantColumns. A NULL key_hash (after leaving)
// is "", and the times are UTC.
func scanParticipant(row pgx.Row) (*backend.Participant, error) {
	var p backend.Participant
	var keyHash *string
	if err := row.Scan(&p.ID, &p.ConferenceID, &keyHash, &p.DisplayName, &p.Department, &p.Role, &p.CreatedAt, &p.LeftAt, &p.RegistrationID); err != nil {
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
// conference is ENOTFOUND (foreign key). With inviteID > 0 the invite row is
// locked first and then marked used by p in the same transaction (with an
// invite change): concurrent joins with one invite take turns, and all but the
// first find it used. An invite already used or of another conference is
// ECONFLICT, an unknown one ENOTFOUND, and then nothing is written.
func (s *Store) CreateParticipant(ctx context.Context, p *backend.Participant, inviteID int64) error {
	var id int64
	err := s.inChangesTx(ctx, func(tx pgx.Tx) ([]backend.Change, error) {
		if inviteID > 0 {
			if err := lockInvite(ctx, tx, inviteID, p.ConferenceID); err != nil {
				return nil, err
			}
		}
		err := tx.QueryRow(ctx, `INSERT INTO participants (conference_id, key_hash, display_name, department, role, created_at, left_at,
			registration_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			p.ConferenceID, nullString(p.KeyHash), p.DisplayName, p.Department, p.Role, p.CreatedAt, p.LeftAt, p.RegistrationID).Scan(&id)
		if err != nil {
			return nil, wrap(err, "insert participant")
		}
		chs := []backend.Change{{Entity: backend.EntityParticipant, EntityID: id, Op: backend.OpCreate, ConferenceID: p.ConferenceID}}
		if inviteID > 0 {
			tag, err := tx.Exec(ctx, `UPDATE invites SET used_at = $1, participant_id = $2 WHERE id = $3 AND used_at IS NULL`,
				p.CreatedAt, id, inviteID)
			if err != nil {
				return nil, wrap(err, "use invite")
			}
			if tag.RowsAffected() != 1 { // the row is locked and was unused; kept as a guard
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

// lockInvite locks invite id until commit and fails unless it exists
// (ENOTFOUND), belongs to the conference and is unused (ECONFLICT otherwise).
func lockInvite(ctx context.Context, tx pgx.Tx, id, conferenceID int64) error {
	var conf int64
	var used *time.Time
	err := tx.QueryRow(ctx, `SELECT conference_id, used_at FROM invites WHERE id = $1 FOR NO KEY UPDATE`, id).Scan(&conf, &used)
	if errors.Is(err, pgx.ErrNoRows) {
		return backend.Errorf(backend.ENOTFOUND, "Invitation not found.")
	}
	if err != nil {
		return wrap(err, "lock invite")
	}
	if conf != conferenceID {
		return backend.Errorf(backend.ECONFLICT, "This invitation is for another conference.")
	}
	if used != nil {
		return errInviteUsed
	}
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
// NULL), LeftAt and RegistrationID, and records the change under the stored
// conference. A missing id is ENOTFOUND; a KeyHash taken in the conference
// is ECONFLICT.
func (s *Store) UpdateParticipant(ctx context.Context, p *backend.Participant) error {
	return s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		var conferenceID int64
		err := tx.QueryRow(ctx, `UPDATE participants SET display_name = $1, department = $2, role = $3, key_hash = $4, left_at = $5,
			registration_id = $6 WHERE id = $7 RETURNING conference_id`,
			p.DisplayName, p.Department, p.Role, nullString(p.KeyHash), p.LeftAt, p.RegistrationID, p.ID).Scan(&conferenceID)
		if err != nil {
			return backend.Change{}, wrap(err, "update participant")
		}
		return backend.Change{Entity: backend.EntityParticipant, EntityID: p.ID, Op: backend.OpUpdate, ConferenceID: conferenceID}, nil
	})
}

// EraseParticipant removes a participant's personal data in one transaction:
// name, department and key of the participant, the author name of their ideas
// and comments, and the e-mail of the invite they joined with. It records a
// change for the participant and one for each idea whose author name was
// cleared, by id. An unknown id is ENOTFOUND.
func (s *Store) EraseParticipant(ctx context.Context, id int64, at time.Time) error {
	return s.inChangesTx(ctx, func(tx pgx.Tx) ([]backend.Change, error) {
		var conferenceID int64
		err := tx.QueryRow(ctx, `UPDATE participants SET display_name = '', department = '', key_hash = NULL, left_at = $1
			WHERE id = $2 RETURNING conference_id`, at, id).Scan(&conferenceID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, backend.Errorf(backend.ENOTFOUND, "Participant not found.")
		}
		if err != nil {
			return nil, wrap(err, "erase participant")
		}
		chs := []backend.Change{{Entity: backend.EntityParticipant, EntityID: id, Op: backend.OpUpdate, ConferenceID: conferenceID}}
		rows, err := tx.Query(ctx, `UPDATE ideas SET author_name = '' WHERE author_id = $1 AND author_name <> '' RETURNING id`, id)
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
		if _, err := tx.Exec(ctx, `UPDATE comments SET author_name = '' WHERE author_id = $1 AND author_name <> ''`, id); err != nil {
			return nil, wrap(err, "erase comment authors")
		}
		if _, err := tx.Exec(ctx, `UPDATE invites SET email = NULL WHERE participant_id = $1`, id); err != nil {
			return nil, wrap(err, "erase invite e-mail")
		}
		return chs, nil
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

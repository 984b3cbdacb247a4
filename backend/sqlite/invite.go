package sqlite

import (
	"context"
	"database/sql"
	"time"

	"ideenmarkt/backend"
)

const inviteColumns = `id, conference_id, email, token_hash, created_at, used_at, participant_id`

// scanInvite reads inviteColumns; an erased (NULL) e-mail is "".
func scanInvite(r rowScanner) (*backend.Invite, error) {
	var inv backend.Invite
	var email, used sql.NullString
	var participant sql.NullInt64
	var created string
	if err := r.Scan(&inv.ID, &inv.ConferenceID, &email, &inv.TokenHash, &created, &used, &participant); err != nil {
		return nil, err
	}
	inv.Email, inv.ParticipantID = email.String, int64Ptr(participant)
	var err error
	if inv.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if inv.UsedAt, err = timePtr(used); err != nil {
		return nil, err
	}
	return &inv, nil
}

// savedInvite is what SaveInvites learns about one invite, set on the
// caller's struct only after commit.
type savedInvite struct {
	id          int64
	usedAt      *time.Time
	participant *int64
}

// SaveInvites creates the invites or, for an e-mail already invited to the
// conference, gives the existing invite the new TokenHash and CreatedAt while
// its UsedAt and ParticipantID stay. One transaction, one change per invite;
// the invites' fields are set only when it committed. An unknown conference
// is ENOTFOUND; a token hash taken in the conference is ECONFLICT.
func (s *Store) SaveInvites(ctx context.Context, conferenceID int64, invites []*backend.Invite) error {
	saved := make([]savedInvite, len(invites))
	err := s.inChangesTx(ctx, func(tx *sql.Tx) ([]backend.Change, error) {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM conferences WHERE id = ?)`, conferenceID).Scan(&exists); err != nil {
			return nil, wrap(err, "check conference")
		}
		if !exists {
			return nil, backend.Errorf(backend.ENOTFOUND, "Conference not found.")
		}
		insert, err := tx.PrepareContext(ctx, `INSERT INTO invites (conference_id, email, token_hash, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (conference_id, email) DO NOTHING RETURNING id`)
		if err != nil {
			return nil, wrap(err, "prepare insert invite")
		}
		defer insert.Close()
		update, err := tx.PrepareContext(ctx, `UPDATE invites SET token_hash = ?, created_at = ? WHERE conference_id = ? AND email = ?
			RETURNING id, used_at, participant_id`)
		if err != nil {
			return nil, wrap(err, "prepare update invite")
		}
		defer update.Close()
		chs := make([]backend.Change, 0, len(invites))
		for k, inv := range invites {
			created := fmtTime(inv.CreatedAt)
			op := backend.OpCreate
			err := insert.QueryRowContext(ctx, conferenceID, nullString(inv.Email), inv.TokenHash, created).Scan(&saved[k].id)
			if err == sql.ErrNoRows { // invited before: a new link for the same invite
				op = backend.OpUpdate
				var used sql.NullString
				var participant sql.NullInt64
				err = update.QueryRowContext(ctx, inv.TokenHash, created, conferenceID, inv.Email).Scan(&saved[k].id, &used, &participant)
				if err == nil {
					saved[k].participant = int64Ptr(participant)
					saved[k].usedAt, err = timePtr(used)
				}
			}
			if err != nil {
				return nil, wrap(err, "save invite")
			}
			chs = append(chs, backend.Change{Entity: backend.EntityInvite, EntityID: saved[k].id, Op: op, ConferenceID: conferenceID})
		}
		return chs, nil
	})
	if err != nil {
		return err
	}
	for k, inv := range invites {
		inv.ID, inv.ConferenceID, inv.UsedAt, inv.ParticipantID = saved[k].id, conferenceID, saved[k].usedAt, saved[k].participant
	}
	return nil
}

// FindInvites lists a conference's invites by id; never nil.
func (s *Store) FindInvites(ctx context.Context, conferenceID int64) ([]*backend.Invite, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+inviteColumns+` FROM invites WHERE conference_id = ? ORDER BY id`, conferenceID)
	if err != nil {
		return nil, wrap(err, "list invites")
	}
	return collect(rows, scanInvite, "list invites", "scan invite")
}

// FindInviteByToken returns the invite of a conference with the token hash,
// or ENOTFOUND.
func (s *Store) FindInviteByToken(ctx context.Context, conferenceID int64, tokenHash string) (*backend.Invite, error) {
	inv, err := scanInvite(s.read.QueryRowContext(ctx, `SELECT `+inviteColumns+` FROM invites WHERE conference_id = ? AND token_hash = ?`,
		conferenceID, tokenHash))
	if err != nil {
		return nil, wrap(err, "find invite")
	}
	return inv, nil
}

package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

const inviteColumns = `id, conference_id, email, token_hash, created_at, used_at, participant_id`

// scanInvite reads inviteColumns; an erased (NULL) e-mail is "", the times are UTC.
func scanInvite(row pgx.Row) (*backend.Invite, error) {
	var inv backend.Invite
	var email *string
	if err := row.Scan(&inv.ID, &inv.ConferenceID, &email, &inv.TokenHash, &inv.CreatedAt, &inv.UsedAt, &inv.ParticipantID); err != nil {
		return nil, err
	}
	if email != nil {
		inv.Email = *email
	}
	inv.CreatedAt = inv.CreatedAt.UTC()
	inv.UsedAt = utcPtr(inv.UsedAt)
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
// the invites' fields are set only when it committed. An insert that meets
// the same address waits for a concurrent one to commit and then does
// nothing, and the update that follows sees the committed row. An unknown
// conference is ENOTFOUND; a token hash taken in the conference is ECONFLICT.
func (s *Store) SaveInvites(ctx context.Context, conferenceID int64, invites []*backend.Invite) error {
	saved := make([]savedInvite, len(invites))
	err := s.inChangesTx(ctx, func(tx pgx.Tx) ([]backend.Change, error) {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM conferences WHERE id = $1)`, conferenceID).Scan(&exists); err != nil {
			return nil, wrap(err, "check conference")
		}
		if !exists {
			return nil, backend.Errorf(backend.ENOTFOUND, "Conference not found.")
		}
		chs := make([]backend.Change, 0, len(invites))
		for k, inv := range invites {
			op := backend.OpCreate
			err := tx.QueryRow(ctx, `INSERT INTO invites (conference_id, email, token_hash, created_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (conference_id, email) DO NOTHING RETURNING id`,
				conferenceID, nullString(inv.Email), inv.TokenHash, inv.CreatedAt).Scan(&saved[k].id)
			if errors.Is(err, pgx.ErrNoRows) { // invited before: a new link for the same invite
				op = backend.OpUpdate
				err = tx.QueryRow(ctx, `UPDATE invites SET token_hash = $1, created_at = $2 WHERE conference_id = $3 AND email = $4
					RETURNING id, used_at, participant_id`,
					inv.TokenHash, inv.CreatedAt, conferenceID, inv.Email).Scan(&saved[k].id, &saved[k].usedAt, &saved[k].participant)
				saved[k].usedAt = utcPtr(saved[k].usedAt)
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
	rows, err := s.pool.Query(ctx, `SELECT `+inviteColumns+` FROM invites WHERE conference_id = $1 ORDER BY id`, conferenceID)
	if err != nil {
		return nil, wrap(err, "list invites")
	}
	return collect(rows, scanInvite, "list invites", "scan invite")
}

// FindInviteByToken returns the invite of a conference with the token hash,
// or ENOTFOUND.
func (s *Store) FindInviteByToken(ctx context.Context, conferenceID int64, tokenHash string) (*backend.Invite, error) {
	inv, err := scanInvite(s.pool.QueryRow(ctx, `SELECT `+inviteColumns+` FROM invites WHERE conference_id = $1 AND token_hash = $2`,
		conferenceID, tokenHash))
	if err != nil {
		return nil, wrap(err, "find invite")
	}
	return inv, nil
}

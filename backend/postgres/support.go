package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"ideenmarkt/backend"
)

// SetSupport adds (on) or removes a participant's support for an idea and
// returns the new support count. The idea row is locked first, so that
// concurrent toggles of one idea take turns and each recounts what the
// previous one committed: the count always equals the idea's imported
// supports plus the number of supports.
// A toggle that changed something recounts and records an idea change (the
// idea's Version stays: support is not an edit); a repeated one only reads
// the count and records no change. An unknown idea or participant is
// ENOTFOUND.
func (s *Store) SetSupport(ctx context.Context, ideaID, participantID int64, on bool, at time.Time) (int, error) {
	var count int
	err := s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		var conferenceID int64
		err := tx.QueryRow(ctx, `SELECT conference_id, support_count FROM ideas WHERE id = $1 FOR NO KEY UPDATE`, ideaID).
			Scan(&conferenceID, &count)
		if err != nil {
			return backend.Change{}, wrap(err, "lock idea")
		}
		var tag pgconn.CommandTag
		if on {
			// An unknown participant violates the foreign key: ENOTFOUND.
			tag, err = tx.Exec(ctx, `INSERT INTO supports (idea_id, participant_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
				ideaID, participantID, at)
		} else {
			tag, err = tx.Exec(ctx, `DELETE FROM supports WHERE idea_id = $1 AND participant_id = $2`, ideaID, participantID)
		}
		if err != nil {
			return backend.Change{}, wrap(err, "set support")
		}
		if tag.RowsAffected() == 0 {
			if !on {
				var exists bool
				if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM participants WHERE id = $1)`, participantID).Scan(&exists); err != nil {
					return backend.Change{}, wrap(err, "check participant")
				}
				if !exists {
					return backend.Change{}, backend.Errorf(backend.ENOTFOUND, "Participant not found.")
				}
			}
			return backend.Change{}, nil // nothing changed: the locked row's count is current
		}
		err = tx.QueryRow(ctx, `UPDATE ideas SET support_count = imported_supports + (SELECT COUNT(*) FROM supports WHERE idea_id = $1)
			WHERE id = $1 RETURNING support_count`,
			ideaID).Scan(&count)
		if err != nil {
			return backend.Change{}, wrap(err, "count supports")
		}
		return backend.Change{Entity: backend.EntityIdea, EntityID: ideaID, Op: backend.OpUpdate, ConferenceID: conferenceID}, nil
	})
	if err != nil {
		return 0, err
	}
	return count, nil
}

// SupportedBy returns which of ideaIDs the participant supports; ideas
// without support are absent from the map.
func (s *Store) SupportedBy(ctx context.Context, participantID int64, ideaIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ideaIDs) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT idea_id FROM supports WHERE participant_id = $1 AND idea_id = ANY($2::bigint[])`, participantID, ideaIDs)
	if err != nil {
		return nil, wrap(err, "find supports")
	}
	ids, err := collect(rows, scanID, "find supports", "scan support")
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// scanID reads a row of one integer column.
func scanID(row pgx.Row) (int64, error) {
	var id int64
	err := row.Scan(&id)
	return id, err
}

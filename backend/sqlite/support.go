package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"ideenmarkt/backend"
)

// SetSupport adds or removes a participant's support for an idea, idempotently,
// and keeps ideas.support_count (imported supports plus the participants'
// supports) in step in the same transaction. A change is
// recorded only when a support was actually added or removed. The single write
// connection serializes concurrent calls.
func (s *Store) SetSupport(ctx context.Context, ideaID, participantID int64, on bool, at time.Time) (int, error) {
	var count int
	err := s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		var conferenceID int64
		if err := tx.QueryRowContext(ctx, `SELECT conference_id, support_count FROM ideas WHERE id = ?`, ideaID).Scan(&conferenceID, &count); err != nil {
			return backend.Change{}, wrap(err, "find idea")
		}
		var res sql.Result
		var err error
		if on {
			res, err = tx.ExecContext(ctx, `INSERT INTO supports (idea_id, participant_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
				ideaID, participantID, fmtTime(at))
		} else {
			// Removing needs no foreign key, so check the participant here to
			// answer ENOTFOUND as adding does.
			var exists bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM participants WHERE id = ?)`, participantID).Scan(&exists); err != nil {
				return backend.Change{}, wrap(err, "check participant")
			}
			if !exists {
				return backend.Change{}, backend.Errorf(backend.ENOTFOUND, "Participant not found.")
			}
			res, err = tx.ExecContext(ctx, `DELETE FROM supports WHERE idea_id = ? AND participant_id = ?`, ideaID, participantID)
		}
		if err != nil {
			return backend.Change{}, wrap(err, "set support")
		}
		n, err := res.RowsAffected()
		if err != nil {
			return backend.Change{}, wrap(err, "set support")
		}
		if n == 0 {
			return backend.Change{}, nil // nothing changed: no change row
		}
		err = tx.QueryRowContext(ctx, `UPDATE ideas SET support_count = imported_supports + (SELECT COUNT(*) FROM supports WHERE idea_id = ?)
			WHERE id = ? RETURNING support_count`,
			ideaID, ideaID).Scan(&count)
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

// supportChunk keeps IN lists well below SQLite's limit on bound parameters.
const supportChunk = 500

// SupportedBy returns which of ideaIDs the participant supports; only
// supported ideas are in the map.
func (s *Store) SupportedBy(ctx context.Context, participantID int64, ideaIDs []int64) (map[int64]bool, error) {
	out := make(map[int64]bool)
	for len(ideaIDs) > 0 {
		chunk := ideaIDs[:min(len(ideaIDs), supportChunk)]
		ideaIDs = ideaIDs[len(chunk):]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, participantID)
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := s.read.QueryContext(ctx, `SELECT idea_id FROM supports WHERE participant_id = ? AND idea_id IN (?`+strings.Repeat(`, ?`, len(chunk)-1)+`)`, args...)
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
	}
	return out, nil
}

// scanID reads a row of one integer column.
func scanID(r rowScanner) (int64, error) {
	var id int64
	err := r.Scan(&id)
	return id, err
}

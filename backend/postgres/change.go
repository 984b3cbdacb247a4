package postgres

import (
	"context"

	"ideenmarkt/backend"
)

// Change feed page sizes: a reader that passes no limit gets a batch big
// enough to catch up quickly, and no reader can ask for an unbounded one.
const (
	defaultChangeBatch = 1000
	maxChangeBatch     = 10000
)

// ChangesSince returns up to limit changes after seq in seq order. Seq order
// is commit order because change writers serialize on an advisory lock (see
// inChangeTx), so a reader that resumes after the last seq it saw misses
// nothing.
func (s *Store) ChangesSince(ctx context.Context, seq int64, limit int) ([]backend.Change, error) {
	if limit <= 0 {
		limit = defaultChangeBatch
	}
	limit = min(limit, maxChangeBatch)
	rows, err := s.pool.Query(ctx, `SELECT seq, entity, entity_id, op, conference_id, created_at FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2`, seq, limit)
	if err != nil {
		return nil, wrap(err, "read changes")
	}
	defer rows.Close()
	out := []backend.Change{}
	for rows.Next() {
		var c backend.Change
		if err := rows.Scan(&c.Seq, &c.Entity, &c.EntityID, &c.Op, &c.ConferenceID, &c.CreatedAt); err != nil {
			return nil, wrap(err, "scan change")
		}
		c.CreatedAt = c.CreatedAt.UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "read changes")
	}
	return out, nil
}

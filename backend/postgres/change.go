package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

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
	return collect(rows, scanChange, "read changes", "scan change")
}

// scanChange reads one row of ChangesSince; the time is UTC.
func scanChange(row pgx.Row) (backend.Change, error) {
	var c backend.Change
	err := row.Scan(&c.Seq, &c.Entity, &c.EntityID, &c.Op, &c.ConferenceID, &c.CreatedAt)
	c.CreatedAt = c.CreatedAt.UTC()
	return c, err
}

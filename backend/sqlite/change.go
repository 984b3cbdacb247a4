package sqlite

import (
	"context"

	"ideenmarkt/backend"
)

// ChangesSince returns changes after seq. SQLite has a single writer, so seq
// order is commit order without further care.
func (s *Store) ChangesSince(ctx context.Context, seq int64, limit int) ([]backend.Change, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.read.QueryContext(ctx, `SELECT seq, entity, entity_id, op, conference_id, created_at FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`, seq, limit)
	if err != nil {
		return nil, wrap(err, "read changes")
	}
	return collect(rows, scanChange, "read changes", "scan change")
}

// scanChange reads one row of ChangesSince.
func scanChange(r rowScanner) (backend.Change, error) {
	var c backend.Change
	var created string
	if err := r.Scan(&c.Seq, &c.Entity, &c.EntityID, &c.Op, &c.ConferenceID, &created); err != nil {
		return c, err
	}
	var err error
	if c.CreatedAt, err = parseTime(created); err != nil {
		return c, wrap(err, "parse change")
	}
	return c, nil
}

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
	defer rows.Close()
	out := []backend.Change{}
	for rows.Next() {
		var c backend.Change
		var created string
		if err := rows.Scan(&c.Seq, &c.Entity, &c.EntityID, &c.Op, &c.ConferenceID, &created); err != nil {
			return nil, wrap(err, "scan change")
		}
		if c.CreatedAt, err = parseTime(created); err != nil {
			return nil, wrap(err, "parse change")
		}
		out = append(out, c)
	}
	return out, wrap(rows.Err(), "read changes")
}

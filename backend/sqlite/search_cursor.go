package sqlite

import (
	"context"
	"database/sql"
	"time"

	"ideenmarkt/backend"
)

// LatestChangeSeq returns the newest change's seq, 0 without changes.
func (s *Store) LatestChangeSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM changes`).Scan(&seq); err != nil {
		return 0, wrap(err, "read latest change")
	}
	return seq, nil
}

// SearchCursor returns the position stored under name, 0 when none is.
func (s *Store) SearchCursor(ctx context.Context, name string) (int64, error) {
	if name == "" {
		return 0, errCursorName
	}
	var seq int64
	err := s.read.QueryRowContext(ctx, `SELECT seq FROM search_cursors WHERE name = ?`, name).Scan(&seq)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, wrap(err, "read search cursor")
	}
	return seq, nil
}

// SetSearchCursor stores seq under name. It writes outside inChangeTx on
// purpose: the cursor is plumbing and must not appear in the change feed.
func (s *Store) SetSearchCursor(ctx context.Context, name string, seq int64) error {
	if name == "" {
		return errCursorName
	}
	_, err := s.write.ExecContext(ctx, `INSERT INTO search_cursors (name, seq, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at`, name, seq, fmtTime(time.Now()))
	return wrap(err, "write search cursor")
}

var errCursorName = backend.Errorf(backend.EINVALID, "A search cursor needs a name.")

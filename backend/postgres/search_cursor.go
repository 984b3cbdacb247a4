package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

// LatestChangeSeq returns the newest committed change's seq, 0 without
// changes. Change writers serialize on an advisory lock (see inChangeTx), so
// no change with a smaller seq can commit after this one is visible.
func (s *Store) LatestChangeSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.pool.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM changes`).Scan(&seq); err != nil {
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
	err := s.pool.QueryRow(ctx, `SELECT seq FROM search_cursors WHERE name = $1`, name).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, wrap(err, "read search cursor")
	}
	return seq, nil
}

// SetSearchCursor stores seq under name, without a change row or NOTIFY:
// the cursor is plumbing, not part of the change feed.
func (s *Store) SetSearchCursor(ctx context.Context, name string, seq int64) error {
	if name == "" {
		return errCursorName
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO search_cursors (name, seq, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at`, name, seq, time.Now().UTC())
	return wrap(err, "write search cursor")
}

var errCursorName = backend.Errorf(backend.EINVALID, "A search cursor needs a name.")

package postgres

import (
	"context"
	"time"

	"ideenmarkt/backend"
)

// Sessions are login plumbing, not domain data: they write no change row and
// wake no subscriber.

// CreateSession stores a login; an unknown account is ENOTFOUND.
func (s *Store) CreateSession(ctx context.Context, sess *backend.Session) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		sess.TokenHash, sess.AccountID, sess.CreatedAt, sess.ExpiresAt)
	return wrap(err, "insert session")
}

// FindSession returns the session if it has not expired at now (a session
// expiring exactly at now has), or ENOTFOUND.
func (s *Store) FindSession(ctx context.Context, tokenHash string, now time.Time) (*backend.Session, error) {
	var sess backend.Session
	err := s.pool.QueryRow(ctx, `SELECT token_hash, account_id, created_at, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2`,
		tokenHash, now).Scan(&sess.TokenHash, &sess.AccountID, &sess.CreatedAt, &sess.ExpiresAt)
	if err != nil {
		return nil, wrap(err, "find session")
	}
	sess.CreatedAt, sess.ExpiresAt = sess.CreatedAt.UTC(), sess.ExpiresAt.UTC()
	return &sess, nil
}

// DeleteSession removes a login; deleting a missing session is not an error,
// so that logging out twice is harmless.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	return wrap(err, "delete session")
}

// DeleteExpiredSessions removes the sessions FindSession no longer returns at
// now and reports how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now)
	if err != nil {
		return 0, wrap(err, "delete expired sessions")
	}
	return int(tag.RowsAffected()), nil
}

package sqlite

import (
	"context"
	"time"

	"ideenmarkt/backend"
)

// CreateSession stores a login.
func (s *Store) CreateSession(ctx context.Context, sess *backend.Session) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		sess.TokenHash, sess.AccountID, fmtTime(sess.CreatedAt), fmtTime(sess.ExpiresAt))
	return wrap(err, "insert session")
}

// FindSession returns an unexpired session or ENOTFOUND.
func (s *Store) FindSession(ctx context.Context, tokenHash string, now time.Time) (*backend.Session, error) {
	var sess backend.Session
	var created, expires string
	err := s.read.QueryRowContext(ctx, `SELECT token_hash, account_id, created_at, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?`,
		tokenHash, fmtTime(now)).Scan(&sess.TokenHash, &sess.AccountID, &created, &expires)
	if err != nil {
		return nil, wrap(err, "find session")
	}
	if sess.CreatedAt, err = parseTime(created); err != nil {
		return nil, wrap(err, "parse session")
	}
	if sess.ExpiresAt, err = parseTime(expires); err != nil {
		return nil, wrap(err, "parse session")
	}
	return &sess, nil
}

// DeleteSession removes a login; deleting a missing session is not an error,
// so that logging out twice is harmless.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return wrap(err, "delete session")
}

// DeleteExpiredSessions removes sessions that expired before now.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	res, err := s.write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, fmtTime(now))
	if err != nil {
		return 0, wrap(err, "delete expired sessions")
	}
	n, err := res.RowsAffected()
	return int(n), wrap(err, "delete expired sessions")
}

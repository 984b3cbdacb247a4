// Package sqlite implements backend.Store on modernc.org/sqlite, the embedded
// default: one file under the data directory, no server to run.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/migrations"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

var _ backend.Store = (*Store)(nil)

// Store is the SQLite Store. Writes go through a pool of one connection, so
// they queue in Go instead of failing with SQLITE_BUSY; reads use a separate
// pool and, thanks to WAL, never wait for writers.
type Store struct {
	write   *sql.DB
	read    *sql.DB
	signal  backend.Signal
	ballots *ballotBatcher // writes ballots in shared transactions on write
}

// Open opens (creating if needed) the database file at path and applies pending
// migrations. A schema newer than this binary is refused.
func Open(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(FULL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()
	write, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	read, err := sql.Open("sqlite", dsn)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read.SetMaxOpenConns(8)
	s := &Store{write: write, read: read, ballots: newBallotBatcher(write)}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close stops the ballot batcher, letting the batch it is writing commit,
// and then closes both pools; ballots cast meanwhile are refused.
func (s *Store) Close() error {
	s.ballots.stop()
	return errors.Join(s.write.Close(), s.read.Close())
}

// Ping checks that the database file can be read.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return wrap(err, "ping database")
	}
	return nil
}

// Subscribe wakes the caller after each committed change of this process; a
// SQLite file has only one process writing to it.
func (s *Store) Subscribe() (<-chan struct{}, func()) { return s.signal.Subscribe() }

// SchemaVersion returns the highest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, wrap(err, "read schema version")
	}
	return v, nil
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	current, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	pending, err := migrations.Pending(migrations.SQLite, current)
	if err != nil {
		return err
	}
	for _, m := range pending {
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("apply migration %04d_%s: %w", m.Version, m.Name, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, m.Version, fmtTime(time.Now()))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// inTx runs fn in a write transaction and commits it, or rolls back on error.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return wrap(err, "begin transaction")
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return wrap(err, "commit")
	}
	return nil
}

// inChangeTx is inTx for domain writes: fn returns the change it made, which is
// recorded in the same transaction, and subscribers are woken after commit.
// A zero Change means nothing changed: no change is recorded and nobody is woken.
func (s *Store) inChangeTx(ctx context.Context, fn func(tx *sql.Tx) (backend.Change, error)) error {
	return s.inChangesTx(ctx, func(tx *sql.Tx) ([]backend.Change, error) {
		ch, err := fn(tx)
		if err != nil || ch == (backend.Change{}) {
			return nil, err
		}
		return []backend.Change{ch}, nil
	})
}

// inChangesTx is inChangeTx for transactions that change several entities:
// every change fn returns is recorded in the same transaction, and
// subscribers are woken once after commit. An empty slice means nothing
// changed; zero Changes in it are skipped.
func (s *Store) inChangesTx(ctx context.Context, fn func(tx *sql.Tx) ([]backend.Change, error)) error {
	changed := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		chs, err := fn(tx)
		if err != nil {
			return err
		}
		now := fmtTime(time.Now())
		for _, ch := range chs {
			if ch == (backend.Change{}) {
				continue
			}
			changed = true
			_, err = tx.ExecContext(ctx, `INSERT INTO changes (entity, entity_id, op, conference_id, created_at) VALUES (?, ?, ?, ?, ?)`,
				ch.Entity, ch.EntityID, ch.Op, ch.ConferenceID, now)
			if err != nil {
				return wrap(err, "record change")
			}
		}
		return nil
	})
	if err == nil && changed {
		s.signal.Notify()
	}
	return err
}

// timeLayout is fixed width so that stored times sort as strings.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) { return time.Parse(timeLayout, s) }

// wrap translates driver errors into backend errors; nil stays nil.
func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var be *backend.Error
	if errors.As(err, &be) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &backend.Error{Code: backend.ENOTFOUND, Message: "not found", Err: fmt.Errorf("%s: %w", what, err)}
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &backend.Error{Code: backend.ECONFLICT, Message: conflictMessage(se.Error()), Err: fmt.Errorf("%s: %w", what, err)}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &backend.Error{Code: backend.ENOTFOUND, Message: "A referenced entry does not exist.", Err: fmt.Errorf("%s: %w", what, err)}
		case sqlite3.SQLITE_CONSTRAINT_CHECK: // a value out of its column's range; the App validates before
			return &backend.Error{Code: backend.EINVALID, Message: "A value is out of range.", Err: fmt.Errorf("%s: %w", what, err)}
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &backend.Error{Code: backend.EUNAVAILABLE, Message: "The request took too long.", Err: fmt.Errorf("%s: %w", what, err)}
	}
	return &backend.Error{Code: backend.EINTERNAL, Message: "database error", Err: fmt.Errorf("%s: %w", what, err)}
}

// conflictMessage names the taken value from SQLite's "UNIQUE constraint failed: table.column".
func conflictMessage(msg string) string {
	switch {
	case strings.Contains(msg, "conferences.slug"):
		return "A conference with this slug already exists."
	case strings.Contains(msg, "conferences.join_code"):
		return "This join code is already in use."
	case strings.Contains(msg, "accounts.email"):
		return "An account with this e-mail address already exists."
	case strings.Contains(msg, "participants.key_hash"):
		return "This browser has already joined the conference."
	case strings.Contains(msg, "reports.entity"):
		return "You have already reported this."
	}
	return "This entry already exists."
}

// rowScanner is what *sql.Row and *sql.Rows have in common.
type rowScanner interface{ Scan(dest ...any) error }

// collect reads every row of a list query with scan, in order, and closes
// rows. The slice is never nil, so that JSON shows [] rather than null. A row
// that does not scan is wrapped as scanWhat; an error ending the iteration is
// wrapped as what, the query's own context.
func collect[T any](rows *sql.Rows, scan func(rowScanner) (T, error), what, scanWhat string) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, wrap(err, scanWhat)
		}
		out = append(out, v)
	}
	return out, wrap(rows.Err(), what)
}

// nullString stores "" as NULL.
func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// nullInt64 stores nil as NULL.
func nullInt64(p *int64) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *p, Valid: true}
}

// nullTime stores nil as NULL and a time in the fixed layout otherwise.
func nullTime(t *time.Time) sql.NullString {
	if t == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: fmtTime(*t), Valid: true}
}

// int64Ptr reads a nullable integer column.
func int64Ptr(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

// timePtr reads a nullable time column.
func timePtr(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := parseTime(s.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// boolInt stores a bool as 0 or 1.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

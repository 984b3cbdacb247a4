package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"ideenmarkt/migrations"
)

// SchemaVersion returns the highest applied migration, 0 for a database that
// was never migrated.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	return schemaVersion(ctx, s.pool)
}

// querier is what a pool and a single connection have in common.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func schemaVersion(ctx context.Context, q querier) (int, error) {
	var v int
	err := q.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P01" { // undefined_table: a fresh database
		return 0, nil
	}
	return v, wrap(err, "read schema version")
}

// checkSchema refuses a database that is behind or ahead of this binary.
func (s *Store) checkSchema(ctx context.Context) error {
	current, err := s.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("check schema: %w", err)
	}
	pending, err := migrations.Pending(migrations.Postgres, current)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return fmt.Errorf("the database schema is at version %d, but this ideenmarkt binary needs version %d: run `ideenmarkt migrate` first",
			current, pending[len(pending)-1].Version)
	}
	return nil
}

// Migrate applies pending migrations, each in its own transaction together
// with its schema_migrations row, so that a failed migration leaves the
// database at the previous version. A session advisory lock makes instances
// that start at the same time take turns; the second one finds nothing left
// to do. A schema newer than this binary is refused.
func (s *Store) Migrate(ctx context.Context) (err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", wrap(err, "acquire connection"))
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLockKey); err != nil {
		conn.Release()
		return fmt.Errorf("migrate: %w", wrap(err, "take migration lock"))
	}
	defer releaseLocked(conn)

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", wrap(err, "create schema_migrations"))
	}
	current, err := schemaVersion(ctx, conn)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	pending, err := migrations.Pending(migrations.Postgres, current)
	if err != nil {
		return err
	}
	for _, m := range pending {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			// Without arguments pgx uses the simple protocol, which runs a
			// script of several statements.
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, m.Version, time.Now().UTC())
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %04d_%s: %w", m.Version, m.Name, wrap(err, "run script"))
		}
	}
	return nil
}

// releaseLocked gives back a connection that holds the migration lock. If the
// unlock fails (the caller's context may be cancelled), the connection is
// closed instead, so that no pooled connection keeps holding the lock.
func releaseLocked(conn *pgxpool.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, migrateLockKey); err != nil {
		_ = conn.Conn().Close(ctx) // the pool drops closed connections on release
	}
	conn.Release()
}

// Package postgres implements backend.Store on PostgreSQL with pgx/v5, for
// installations that run several app instances or want a managed database.
//
// Every domain write records a change row and sends NOTIFY in the same
// transaction; a dedicated LISTEN connection per Store turns the notifications
// of every instance into Subscribe wake-ups, so instances behind a load
// balancer follow one another's writes.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"ideenmarkt/backend"
)

var _ backend.Store = (*Store)(nil)

// Advisory lock keys. They only have to differ from each other and from locks
// other software takes in the same database; the values spell "idm" + a number.
const (
	migrateLockKey int64 = 0x69646d_0001 // session lock: one instance migrates at a time
	changeLockKey  int64 = 0x69646d_0002 // transaction lock: seq order is commit order
)

// notifyChannel is the LISTEN/NOTIFY channel of the change feed.
const notifyChannel = "ideenmarkt_changes"

// Options configure Open.
type Options struct {
	// Migrate applies pending migrations. When false, Open refuses a database
	// that is behind this binary, so that the operator migrates deliberately
	// (ideenmarkt migrate) instead of as a side effect of a deploy.
	Migrate bool
	// Logger receives the change listener's reconnects; nil means slog.Default.
	Logger *slog.Logger
}

// Store is the PostgreSQL Store. It is safe for concurrent use.
type Store struct {
	pool   *pgxpool.Pool
	log    *slog.Logger
	signal backend.Signal

	stopListen context.CancelFunc
	listenDone chan struct{}
	closeOnce  sync.Once
}

// defaultMaxConns is the pool size unless the DSN sets pool_max_conns. pgx
// defaults to max(4, CPUs), but ballots wait on the disk, not the CPU: with
// fsync on, 4 connections let only 4 ballots commit together, and at the
// height of a vote the rest queue for a connection. 4 per CPU, at least 16,
// stays far below PostgreSQL's default max_connections of 100 for two or
// three instances.
func defaultMaxConns() int32 {
	return int32(max(16, 4*runtime.NumCPU()))
}

// Open connects to the database at dsn (a postgres:// URL or key=value
// string), checks or applies migrations and starts the change listener. A
// schema newer than this binary is always refused.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The message may echo the DSN; pgx redacts the password.
		return nil, fmt.Errorf("parse postgres dsn: %w", err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns()
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	s := &Store{pool: pool, log: opts.Logger}
	if s.log == nil {
		s.log = slog.Default()
	}
	if err := s.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if opts.Migrate {
		err = s.Migrate(ctx)
	} else {
		err = s.checkSchema(ctx)
	}
	if err != nil {
		pool.Close()
		return nil, err
	}
	// LISTEN before Open returns, so that no change committed after Open can
	// go unnoticed.
	conn, err := s.connectListener(ctx)
	if err != nil {
		pool.Close()
		return nil, err
	}
	listenCtx, stop := context.WithCancel(context.Background())
	s.stopListen, s.listenDone = stop, make(chan struct{})
	go s.listen(listenCtx, conn)
	return s, nil
}

// Close stops the listener and closes every connection. It waits for
// connections in use to be returned, and it is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.stopListen()
		<-s.listenDone
		s.pool.Close()
	})
	return nil
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return wrap(s.pool.Ping(ctx), "ping database")
}

// Subscribe wakes the caller after changes committed by any instance that
// shares the database (through LISTEN), and at once after this instance's own.
func (s *Store) Subscribe() (<-chan struct{}, func()) { return s.signal.Subscribe() }

// inChangeTx runs fn in a transaction, records the change fn reports and
// commits. Before the change row draws its seq, the transaction takes an
// exclusive advisory lock held until commit: otherwise seq 11 could commit
// before seq 10, and a reader that already moved past 11 would never see 10.
// The lock is taken last, so it is held only for the insert and the commit.
// A zero Change from fn means that nothing changed: the transaction commits
// without a change row and nobody is notified.
func (s *Store) inChangeTx(ctx context.Context, fn func(tx pgx.Tx) (backend.Change, error)) error {
	return s.inChangesTx(ctx, func(tx pgx.Tx) ([]backend.Change, error) {
		ch, err := fn(tx)
		if err != nil || ch == (backend.Change{}) {
			return nil, err
		}
		return []backend.Change{ch}, nil
	})
}

// inChangesTx is inChangeTx for transactions that change several entities:
// every change fn returns is recorded under one advisory lock, with one
// NOTIFY, and local subscribers are woken once after commit. An empty slice
// means nothing changed; zero Changes in it are skipped.
func (s *Store) inChangesTx(ctx context.Context, fn func(tx pgx.Tx) ([]backend.Change, error)) error {
	recorded := false
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		chs, err := fn(tx)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		now := time.Now().UTC().Truncate(time.Microsecond)
		for _, ch := range chs {
			if ch == (backend.Change{}) {
				continue
			}
			if b.Len() == 0 {
				b.Queue(`SELECT pg_advisory_xact_lock($1)`, changeLockKey)
			}
			b.Queue(`INSERT INTO changes (entity, entity_id, op, conference_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
				ch.Entity, ch.EntityID, ch.Op, ch.ConferenceID, now)
		}
		if b.Len() == 0 {
			return nil
		}
		recorded = true
		// Delivered to every listener at commit, and not at all on rollback.
		b.Queue(`SELECT pg_notify($1, '')`, notifyChannel)
		return wrap(tx.SendBatch(ctx, b).Close(), "record change")
	})
	if err != nil {
		return wrap(err, "commit change")
	}
	if recorded {
		s.signal.Notify()
	}
	return nil
}

// collect reads every row of a list query with scan, in order, and closes
// rows. The slice is never nil, so that JSON shows [] rather than null. A row
// that does not scan is wrapped as scanWhat; an error ending the iteration is
// wrapped as what, the query's own context.
func collect[T any](rows pgx.Rows, scan func(pgx.Row) (T, error), what, scanWhat string) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, wrap(err, scanWhat)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, what)
	}
	return out, nil
}

// wrap translates a driver error into a *backend.Error; nil stays nil and a
// *backend.Error passes through. The driver error is kept as text only, so
// that no caller can come to depend on pgx types; context errors stay
// recognisable with errors.Is.
func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var be *backend.Error
	if errors.As(err, &be) {
		return err
	}
	cause := detach(err, what)
	var pgErr *pgconn.PgError
	isPg := errors.As(err, &pgErr)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return &backend.Error{Code: backend.ENOTFOUND, Message: "not found", Err: cause}
	case isPg && pgErr.Code == "23505": // unique_violation
		return &backend.Error{Code: backend.ECONFLICT, Message: conflictMessage(pgErr.ConstraintName), Err: cause}
	case isPg && pgErr.Code == "23503": // foreign_key_violation: the row referred to is gone
		return &backend.Error{Code: backend.ENOTFOUND, Message: "A referenced entry does not exist.", Err: cause}
	case isPg && pgErr.Code == "23514": // check_violation: a value out of range; the App validates before
		return &backend.Error{Code: backend.EINVALID, Message: "A value is out of range.", Err: cause}
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return &backend.Error{Code: backend.EUNAVAILABLE, Message: "The request took too long.", Err: cause}
	case unreachable(err, pgErr):
		return &backend.Error{Code: backend.EUNAVAILABLE, Message: "The database is not reachable.", Err: cause}
	}
	return &backend.Error{Code: backend.EINTERNAL, Message: "database error", Err: cause}
}

// detach returns "what: err" without err's types in the chain, except the
// context errors.
func detach(err error, what string) error {
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("%s: %w (%s)", what, context.Canceled, err)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w (%s)", what, context.DeadlineExceeded, err)
	}
	return fmt.Errorf("%s: %s", what, err)
}

// unreachable reports connection failures and server shutdowns, which are
// worth retrying later, unlike a bad query.
func unreachable(err error, pgErr *pgconn.PgError) bool {
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	if errors.As(err, &connectErr) || errors.As(err, &netErr) {
		return true
	}
	// Class 08: connection exception; 57P01-57P03: shutting down, cannot connect now.
	return pgErr != nil && (strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03")
}

// conflictMessage names what is taken, from the constraint names PostgreSQL
// gives the UNIQUE columns of migrations/postgres.
func conflictMessage(constraint string) string {
	switch constraint {
	case "conferences_slug_key":
		return "A conference with this slug already exists."
	case "conferences_join_code_key":
		return "This join code is already in use."
	case "accounts_email_key":
		return "An account with this e-mail address already exists."
	case "participants_key":
		return "This browser has already joined this conference."
	case "reports_once":
		return "You have already reported this."
	}
	return "This entry already exists."
}

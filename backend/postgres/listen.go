package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// Listener timing. A quiet connection is pinged now and then, because a
// half-open TCP connection (a NAT or failover dropping it without a reset)
// would otherwise leave the listener deaf without any error.
const (
	listenHealthInterval = 30 * time.Second
	listenPingTimeout    = 10 * time.Second
	reconnectMinBackoff  = 100 * time.Millisecond
	reconnectMaxBackoff  = 10 * time.Second
)

// connectListener opens a connection outside the pool, so that the pool's
// health checks and idle timeouts never close it, and subscribes it.
func (s *Store) connectListener(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig)
	if err != nil {
		return nil, wrap(err, "connect change listener")
	}
	if _, err := conn.Exec(ctx, `LISTEN `+notifyChannel); err != nil {
		_ = conn.Close(context.Background())
		return nil, wrap(err, "listen for changes")
	}
	return conn, nil
}

// listen turns notifications into wake-ups until ctx ends. When the
// connection is lost it reconnects with backoff and then wakes subscribers
// once, because changes committed while nobody listened sent no notification
// that will ever arrive; consumers re-read ChangesSince and miss nothing.
func (s *Store) listen(ctx context.Context, conn *pgx.Conn) {
	defer close(s.listenDone)
	for {
		err := s.waitLoop(ctx, conn)
		closeQuietly(conn)
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("postgres: change listener lost its connection; reconnecting", "err", err)
		if conn = s.reconnect(ctx); conn == nil {
			return
		}
		s.log.Info("postgres: change listener reconnected")
		s.signal.Notify()
	}
}

// waitLoop wakes subscribers for each notification and returns the error that
// ended the connection's usefulness.
func (s *Store) waitLoop(ctx context.Context, conn *pgx.Conn) error {
	for {
		waitCtx, cancel := context.WithTimeout(ctx, listenHealthInterval)
		n, err := conn.WaitForNotification(waitCtx)
		cancel()
		if n != nil {
			s.signal.Notify()
		}
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded) && !conn.IsClosed():
			// Quiet for a while: prove the connection still works. A
			// notification arriving during the ping is buffered by pgx and
			// returned by the next wait.
			pingCtx, cancel := context.WithTimeout(ctx, listenPingTimeout)
			err := conn.Ping(pingCtx)
			cancel()
			if err != nil {
				return err
			}
		default:
			return err
		}
	}
}

// reconnect retries with exponential backoff until it is listening again, or
// returns nil when ctx ends.
func (s *Store) reconnect(ctx context.Context) *pgx.Conn {
	backoff := reconnectMinBackoff
	for {
		timer := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C:
		}
		connectCtx, cancel := context.WithTimeout(ctx, listenPingTimeout)
		conn, err := s.connectListener(connectCtx)
		cancel()
		if err == nil {
			return conn
		}
		if ctx.Err() != nil {
			return nil
		}
		backoff = min(2*backoff, reconnectMaxBackoff)
		s.log.Warn("postgres: change listener cannot reconnect", "err", err, "retry_in", backoff)
	}
}

func closeQuietly(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = conn.Close(ctx)
}

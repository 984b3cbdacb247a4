package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"ideenmarkt/backend"
	"ideenmarkt/backend/indexer"
	"ideenmarkt/backend/live"
	"ideenmarkt/backend/mail"
	"ideenmarkt/backend/postgres"
	"ideenmarkt/backend/sqlite"
	"ideenmarkt/backend/web"
	"ideenmarkt/frontend"
	"ideenmarkt/migrations"
)

// Main is the running program: the wiring of store, rules and web server.
// End-to-end tests start it on 127.0.0.1:0 with a temporary data directory.
type Main struct {
	Config Config
	Log    *slog.Logger
	Out    io.Writer // where the start banner goes

	Store  backend.Store
	App    *backend.App
	Server *web.Server
	Hub    *live.Hub

	// Index is the search engine; Indexer keeps it in step with the store
	// (see startSearch).
	Index   backend.SearchIndex
	Indexer *indexer.Indexer

	firstLogin string // set when Run created the first organiser
	listener   net.Listener
	served     chan error
	cancel     context.CancelFunc

	indexerDone chan struct{} // closed when the indexer's Run returned
}

// NewMain returns a Main for cfg that writes its banner to out.
func NewMain(cfg Config, out io.Writer) *Main {
	level, _ := cfg.slogLevel()
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(out, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(out, opts)
	}
	return &Main{Config: cfg, Log: slog.New(h), Out: out}
}

// Open connects the store, applying migrations as configured.
func (m *Main) openStore(ctx context.Context) (backend.Store, int, error) {
	if m.Config.DatabaseURL != "" {
		s, err := postgres.Open(ctx, m.Config.DatabaseURL, postgres.Options{Migrate: m.Config.Migrate})
		return s, migrations.Latest(migrations.Postgres), err
	}
	if err := os.MkdirAll(m.Config.DataDir, 0o750); err != nil {
		return nil, 0, fmt.Errorf("create data directory: %w", err)
	}
	s, err := sqlite.Open(ctx, filepath.Join(m.Config.DataDir, "ideenmarkt.db"))
	return s, migrations.Latest(migrations.SQLite), err
}

// Run opens everything, starts serving and returns once the server accepts
// connections. Background work stops when Close is called.
func (m *Main) Run(ctx context.Context) error {
	store, schema, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	m.Store = store
	m.App = backend.NewApp(store)
	m.App.SessionTTL = m.Config.SessionTTL
	if err := m.ensureOrganizer(ctx); err != nil {
		return err
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	dist, _ := fs.Sub(frontend.Dist, "dist")
	m.Hub = live.New(live.Options{Loader: func(topic, view string) ([]byte, error) {
		p, err := m.App.LivePayload(context.Background(), topic, view)
		if err != nil {
			return nil, &live.LoadError{Code: backend.ErrorCode(err), Message: backend.ErrorMessage(err)}
		}
		return p, nil
	}})
	registerLiveMetrics(reg, m.Hub)
	if err := m.startSearch(ctx, reg); err != nil {
		return err
	}
	feed := m.App.StartLive(m.Hub)
	m.Server = web.New(m.App, web.Options{
		Log: m.Log, BaseURL: m.Config.BaseURL, ProxyHeader: m.Config.ProxyHeader,
		Frontend: dist, Registry: reg, SchemaVersion: schema, Version: version, Hub: m.Hub,
	})

	ln, err := net.Listen("tcp", m.Config.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Config.HTTPAddr, err)
	}
	m.listener = ln
	m.App.PublicURL = m.Config.BaseURL
	if m.App.PublicURL == "" {
		m.App.PublicURL = m.URL() // local use: links in mails point here
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.Server.Fiber().Listener(ln) }()

	bg, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	go m.cleanSessions(bg)
	go m.Hub.Run(bg)
	go feed.Run(bg)
	go m.App.RunRegistrationSweep(bg, time.Minute, m.Log)
	if err := m.startMail(bg); err != nil {
		return err
	}
	m.indexerDone = make(chan struct{})
	go func() {
		defer close(m.indexerDone)
		m.Indexer.Run(bg)
	}()
	return nil
}

// URL is where the server can be reached from this machine.
func (m *Main) URL() string {
	addr := m.listener.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s", net.JoinHostPort(host, fmt.Sprint(addr.Port)))
}

// Close shuts down gracefully: in-flight requests may finish within the
// configured timeout, then the store is closed.
func (m *Main) Close() error {
	if m.cancel != nil {
		m.cancel()
	}
	var errs []error
	if m.Server != nil && m.listener != nil {
		ctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeout)
		defer cancel()
		errs = append(errs, m.Server.Shutdown(ctx))
		// Shutdown may run before the serving goroutine registered the
		// listener; closing it ourselves makes that goroutine return either way.
		if err := m.listener.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
		if err := <-m.served; err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
		m.listener = nil // a second Close has nothing left to wait for
	}
	if m.indexerDone != nil {
		<-m.indexerDone // it reads the store and writes the index until it returns
	}
	if m.Index != nil {
		errs = append(errs, m.Index.Close())
	}
	if m.Store != nil {
		errs = append(errs, m.Store.Close())
	}
	return errors.Join(errs...)
}

// ensureOrganizer creates the first organiser from the configuration, or —
// on a first start without one — with a generated password that is printed
// once, so that `make run` always ends with a usable login.
func (m *Main) ensureOrganizer(ctx context.Context) error {
	in := backend.AccountInput{Email: m.Config.AdminEmail, Password: m.Config.AdminPassword, Name: "Organisation"}
	generated := in.Email == ""
	if generated {
		in.Email, in.Password = "admin@ideenmarkt.local", backend.RandomToken()[:20]
	}
	created, err := m.App.EnsureFirstOrganizer(ctx, in)
	if err != nil {
		return fmt.Errorf("create first organiser: %w", err)
	}
	if created {
		m.Log.Info("created first organiser", slog.String("email", in.Email))
		if generated {
			m.firstLogin = in.Email + " / " + in.Password
		} else {
			m.firstLogin = in.Email + " / (the password from IDEENMARKT_ADMIN_PASSWORD)"
		}
	}
	return nil
}

func (m *Main) cleanSessions(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := m.Store.DeleteExpiredSessions(ctx, time.Now()); err != nil && ctx.Err() == nil {
			m.Log.Warn("delete expired sessions", slog.Any("err", err))
		} else if n > 0 {
			m.Log.Debug("deleted expired sessions", slog.Int("count", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func runServe(ctx context.Context, args []string, out io.Writer) error {
	cfg, _, err := LoadConfig(args, environ, nil)
	if err != nil {
		return err
	}
	m := NewMain(cfg, out)
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	m.printBanner()
	select {
	case <-ctx.Done():
		m.Log.Info("shutting down")
	case err := <-m.served:
		m.served <- err // Close reads it again
	}
	return m.Close()
}

func (m *Main) printBanner() {
	lines := []string{"ideenmarkt " + version + " is running at " + m.URL()}
	if m.firstLogin != "" {
		lines = append(lines, "First organiser login (shown only now): "+m.firstLogin)
	}
	if m.Config.DatabaseURL == "" {
		lines = append(lines, "Data: "+m.Config.DataDir+" (embedded SQLite)")
	}
	bar := strings.Repeat("─", 72)
	fmt.Fprintf(m.Out, "\n%s\n  %s\n%s\n\n", bar, strings.Join(lines, "\n  "), bar)
}

// registerLiveMetrics exposes the hub's counters: connections, subscriptions,
// messages pushed and slow clients dropped.
func registerLiveMetrics(reg *prometheus.Registry, hub *live.Hub) {
	gauge := func(name, help string, f func(live.Stats) float64) {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return f(hub.Stats()) }))
	}
	counter := func(name, help string, f func(live.Stats) float64) {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return f(hub.Stats()) }))
	}
	gauge("ideenmarkt_live_connections", "Open websocket connections.", func(s live.Stats) float64 { return float64(s.Clients) })
	gauge("ideenmarkt_live_subscriptions", "Topic subscriptions over all connections.", func(s live.Stats) float64 { return float64(s.Subscriptions) })
	counter("ideenmarkt_live_messages_total", "Messages pushed to clients (snapshots, updates, heartbeats).", func(s live.Stats) float64 { return float64(s.MessagesSent) })
	counter("ideenmarkt_live_slow_disconnects_total", "Clients disconnected for falling behind.", func(s live.Stats) float64 { return float64(s.SlowDisconnects) })
	counter("ideenmarkt_live_publishes_total", "Topic states published to the hub.", func(s live.Stats) float64 { return float64(s.Publishes) })
}

// startMail runs the mail worker when a mail server is configured; without
// one, registration mails wait in the outbox and the log says so once.
func (m *Main) startMail(ctx context.Context) error {
	cfg, ok, err := m.Config.MailConfig()
	if err != nil {
		return err
	}
	if !ok {
		m.Log.Warn("no mail server configured (IDEENMARKT_SMTP_HOST): registration e-mails wait in the database until one is set")
		return nil
	}
	sender, err := mail.NewSender(cfg)
	if err != nil {
		return err
	}
	w := &mail.Worker{Store: m.Store, Sender: sender, Log: m.Log}
	// Every registration change that queues a mail is a change-feed entry,
	// so the feed's notifications wake the worker.
	wake, cancel := m.Store.Subscribe()
	go func() {
		defer cancel()
		w.Run(ctx, wake)
	}()
	return nil
}

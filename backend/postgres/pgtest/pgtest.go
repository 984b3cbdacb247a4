// Package pgtest gives tests a throwaway PostgreSQL: one cluster per test
// binary, started lazily from the local installation (initdb + postgres on a
// free loopback port, durability off), and a brand-new database per test cloned
// from an empty template. Tests need no running server and no credentials, and
// they never touch a database anybody cares about.
//
// A package that uses DSN should stop the cluster when its tests are done:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// When PostgreSQL is not installed, DSN skips the test, except under CI=true,
// where it fails it: a CI run must not pass by testing nothing.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// NotInstalled is the message of the skip (or, under CI=true, the failure)
// when no PostgreSQL binaries are found.
const NotInstalled = "PostgreSQL not installed: apt-get install -y postgresql (tests use a throwaway cluster)"

// templateDB is created once per cluster and cloned for every test. It allows
// no connections, because PostgreSQL refuses to copy a template that someone
// is connected to.
const templateDB = "ideenmarkt_tmpl"

var (
	errNotInstalled = errors.New(NotInstalled)
	errStopped      = errors.New("pgtest: the cluster was already stopped (DSN called after Main or Stop)")
)

// shared is this test binary's one cluster. It is the package's only mutable
// global: the point is to start PostgreSQL once, not once per test.
var shared struct {
	once sync.Once
	mu   sync.Mutex // serializes Stop
	c    *cluster
	err  error
}

// DSN returns the connection string of a new, empty database that exists for
// the duration of tb; tb.Cleanup drops it (see cluster.drop). The first call
// starts the cluster.
func DSN(tb testing.TB) string {
	tb.Helper()
	c := get(tb)
	name := c.nextName(tb.Name())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	create := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() + " TEMPLATE " + templateDB
	if _, err := c.admin.Exec(ctx, create); err != nil {
		tb.Fatalf("pgtest: create database %s: %v", name, err)
	}
	tb.Cleanup(func() { c.drop(name) })
	return c.dsn(name)
}

// get starts the cluster on first use and turns a missing installation into a
// skip, or into a failure under CI=true.
func get(tb testing.TB) *cluster {
	tb.Helper()
	shared.once.Do(func() {
		start := time.Now()
		shared.c, shared.err = startCluster()
		if shared.err == nil {
			tb.Logf("pgtest: PostgreSQL %s started in %v", shared.c.version, time.Since(start).Round(time.Millisecond))
		}
	})
	switch {
	case errors.Is(shared.err, errNotInstalled):
		if os.Getenv("CI") == "true" {
			tb.Fatal(NotInstalled)
		}
		tb.Skip(NotInstalled)
	case shared.err != nil:
		tb.Fatalf("pgtest: %v", shared.err)
	}
	return shared.c
}

// Main runs the tests, stops the cluster, removes its files and exits with
// the tests' status. Use it as the whole body of TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if err := Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// Stop shuts the cluster down and removes its directory. It is safe to call
// when no cluster was started, and more than once; DSN fails after it.
//
// If the test binary dies without calling Stop (a panic in a test, a timeout),
// postgres still goes down, because it is started with a parent-death signal;
// its directory is then removed by the next test binary that starts a cluster.
func Stop() error {
	shared.once.Do(func() { shared.err = errStopped })
	shared.mu.Lock()
	defer shared.mu.Unlock()
	c := shared.c
	shared.c, shared.err = nil, errStopped
	if c == nil {
		return nil
	}
	return c.stop()
}

// sanitizeName turns a test name into the tail of a database name: lower case
// letters, digits and underscores, short enough for PostgreSQL's 63 bytes.
func sanitizeName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 40 {
			break
		}
	}
	return b.String()
}

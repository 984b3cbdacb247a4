// Command ideenmarkt-load measures live voting the way a conference day
// stresses it: N phones join a conference, each holds one websocket
// subscribed to an open round, and every phone casts one ballot at a
// uniformly random moment of a short window, while a presenter screen
// follows the tally. It reports what the goals in docs/benchmarks.md are
// about: ballots lost, ballot acknowledgement latency, vote-to-presenter
// latency, server memory per idle connection and CPU seconds spent by the
// server and by the load generator itself (both run on the same machine, so
// the second is part of the picture).
//
// Usage:
//
//	ideenmarkt-load [flags]
//	ideenmarkt-load -table FILE...   print a Markdown table of -out files
//
// Target (one of):
//
//	-url http://127.0.0.1:8080   a running server; its organiser must exist
//	-spawn ./bin/ideenmarkt      start the binary as a child process on a free
//	                             loopback port and stop it (SIGTERM) at the end
//	-store sqlite|postgres       with -spawn: SQLite in a temporary data directory,
//	                             or a throwaway PostgreSQL cluster (initdb +
//	                             postgres, fsync on) in a temporary directory on
//	                             disk, run as the postgres user when root
//
// Load:
//
//	-voters 450                  phones
//	-window 30s                  ballots are cast at uniformly random moments
//	                             within this window, after all phones are connected
//	-method single|dots          the round's method (8 free-text options)
//	-connect-rate 500            phones started per second while ramping up
//	-http-conns 128              bound of the HTTP connection pool shared by all
//	                             phones (a venue's NAT looks like one client too)
//	-timeout 15s                 a phone waits this long for an answer; then (and
//	                             after a network error) it sends the ballot again
//	                             with the same clientBallotId, at most 5 times more
//	-admin-email, -admin-password  the organiser (with -spawn: created at start)
//	-out results.json            machine-readable figures
//
// With -spawn the server's CPU time and RSS come from /proc/<pid> (and
// PostgreSQL's from its postmaster and children); with -url from /metrics
// (process_cpu_seconds_total, process_resident_memory_bytes). Memory per
// idle connection compares the Go heap and stacks (/metrics) before the
// phones connect and after they idled; a spawned server runs with
// GODEBUG=gctrace=1 and is made to collect garbage first (by requesting
// /metrics until its log shows new collections), so that both readings are
// taken just after a collection, and the gctrace figures stand in when
// /metrics fails. The exit status is 1 when a ballot was lost or a phone
// could not connect, 2 when the run could not be set up.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// options are the command line, validated once.
type options struct {
	URL           string
	Spawn         string
	Store         string
	Voters        int
	Window        time.Duration
	Method        string
	AdminEmail    string
	AdminPassword string
	Out           string
	ConnectRate   float64
	HTTPConns     int
	Timeout       time.Duration
	Table         bool
}

func parseFlags(args []string, stderr io.Writer) (options, []string, error) {
	var o options
	fs := flag.NewFlagSet("ideenmarkt-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.URL, "url", "http://127.0.0.1:8080", "base URL of a running server (ignored with -spawn)")
	fs.StringVar(&o.Spawn, "spawn", "", "path of the ideenmarkt binary to start as a separate process (instead of -url)")
	fs.StringVar(&o.Store, "store", "sqlite", "with -spawn: sqlite (temporary data dir) or postgres (throwaway cluster, fsync on)")
	fs.IntVar(&o.Voters, "voters", 450, "number of simulated phones")
	fs.DurationVar(&o.Window, "window", 30*time.Second, "ballots are cast at uniformly random moments within this window")
	fs.StringVar(&o.Method, "method", "single", "round method: single or dots (8 free-text options)")
	fs.StringVar(&o.AdminEmail, "admin-email", "load@example.org", "organiser e-mail (with -spawn: created at start)")
	fs.StringVar(&o.AdminPassword, "admin-password", "load-test-password-1234", "organiser password (at least 12 characters)")
	fs.StringVar(&o.Out, "out", "", "write the figures as JSON to this file")
	fs.Float64Var(&o.ConnectRate, "connect-rate", 500, "phones started per second while ramping up")
	fs.IntVar(&o.HTTPConns, "http-conns", 128, "HTTP connections shared by all phones (bounded pool)")
	fs.DurationVar(&o.Timeout, "timeout", 15*time.Second, "a phone gives up waiting for an answer after this long and retries (same clientBallotId)")
	fs.BoolVar(&o.Table, "table", false, "print a Markdown table of the -out files given as arguments, then exit")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: ideenmarkt-load [flags]          run N phones + a presenter against a server")
		fmt.Fprintln(stderr, "       ideenmarkt-load -table FILE...   summarise -out files as a Markdown table")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, nil, err
	}
	switch {
	case o.Table:
		if fs.NArg() == 0 {
			return o, nil, errors.New("-table needs result files as arguments")
		}
	case o.Voters < 1:
		return o, nil, errors.New("-voters must be at least 1")
	case o.Window <= 0:
		return o, nil, errors.New("-window must be positive")
	case o.Method != "single" && o.Method != "dots":
		return o, nil, fmt.Errorf("-method %q: want single or dots", o.Method)
	case o.Spawn != "" && o.Store != "sqlite" && o.Store != "postgres":
		return o, nil, fmt.Errorf("-store %q: want sqlite or postgres", o.Store)
	case o.ConnectRate <= 0:
		return o, nil, errors.New("-connect-rate must be positive")
	case o.HTTPConns < 1:
		return o, nil, errors.New("-http-conns must be at least 1")
	case o.Timeout <= 0:
		return o, nil, errors.New("-timeout must be positive")
	case len(o.AdminPassword) < 12:
		return o, nil, errors.New("-admin-password needs at least 12 characters")
	}
	return o, fs.Args(), nil
}

func main() {
	o, args, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ideenmarkt-load:", err)
		os.Exit(2)
	}
	if o.Table {
		if err := printTable(os.Stdout, args); err != nil {
			fmt.Fprintln(os.Stderr, "ideenmarkt-load:", err)
			os.Exit(2)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ideenmarkt-load:", err)
		os.Exit(2)
	}
	printSummary(os.Stdout, res)
	if o.Out != "" {
		if err := writeJSON(o.Out, res); err != nil {
			fmt.Fprintln(os.Stderr, "ideenmarkt-load:", err)
			os.Exit(2)
		}
	}
	if res.Ballots.Lost > 0 || res.Ramp.Failed > 0 {
		os.Exit(1)
	}
}

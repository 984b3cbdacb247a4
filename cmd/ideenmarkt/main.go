// Command ideenmarkt runs the participation platform: `serve` (the default)
// starts the web server; the other subcommands are operator tools.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `ideenmarkt — ideas, live votes and follow-up for staff conferences

Usage:
  ideenmarkt [serve] [flags]        start the web server (default)
  ideenmarkt migrate [flags]        apply database migrations and exit
  ideenmarkt config [-markdown]     print every setting with default and description
  ideenmarkt admin create -email E [-name N] [-password P]
                                    create an organiser account (password generated if omitted)
  ideenmarkt import -conference SLUG [-comments FILE] [-dry-run] IDEAS.csv
                                    import ideas (and comments) from CSV, all rows or none
  ideenmarkt reindex [flags]        rebuild the search index from the database (stop the server
                                    first when the index is the embedded one)
  ideenmarkt demo [flags]           create a demo conference with real proposals (once)
  ideenmarkt healthcheck [flags]    exit 0 if the local server answers /healthz (for containers)
  ideenmarkt version                print the version

Settings come from defaults, an optional -config file, IDEENMARKT_* environment
variables and flags, in that order; see 'ideenmarkt config'.
`

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "ideenmarkt:", err)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, args, stderr)
	case "migrate":
		return runMigrate(ctx, args, stderr)
	case "config":
		return runConfig(args, stdout)
	case "admin":
		return runAdmin(ctx, args, stdout)
	case "import":
		return runImport(ctx, args, stdout)
	case "reindex":
		return runReindex(ctx, args, stdout)
	case "demo":
		return runDemo(ctx, args, stdout)
	case "healthcheck":
		return runHealthcheck(ctx, args)
	case "version":
		fmt.Fprintln(stdout, "ideenmarkt", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
	return errUsage
}

func environ(key string) (string, bool) { return os.LookupEnv(key) }

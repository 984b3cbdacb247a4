package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"ideenmarkt/backend"
)

// runMigrate applies migrations and exits: for PostgreSQL deployments that set
// IDEENMARKT_MIGRATE=false and migrate as a separate release step.
func runMigrate(ctx context.Context, args []string, out io.Writer) error {
	cfg, _, err := LoadConfig(args, environ, nil)
	if err != nil {
		return err
	}
	cfg.Migrate = true
	m := NewMain(cfg, out)
	store, _, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	v, err := store.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "database schema is at version %d\n", v)
	return nil
}

func runConfig(args []string, out io.Writer) error {
	var markdown *bool
	cfg, _, err := LoadConfig(args, environ, func(fs *flag.FlagSet) {
		markdown = fs.Bool("markdown", false, "print the README's Markdown table")
	})
	if err != nil {
		return err
	}
	cfg.PrintSettings(out, *markdown)
	return nil
}

// runAdmin creates an organiser account from the shell, e.g. when the first
// login was lost or a colleague joins the organising team.
func runAdmin(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("usage: ideenmarkt admin create -email E [-name N] [-password P]")
	}
	var email, name, password *string
	cfg, _, err := LoadConfig(args[1:], environ, func(fs *flag.FlagSet) {
		email = fs.String("email", "", "e-mail address (required)")
		name = fs.String("name", "", "display name")
		password = fs.String("password", "", "password (at least 12 characters); generated and printed when empty")
	})
	if err != nil {
		return err
	}
	generated := *password == ""
	if generated {
		*password = backend.RandomToken()[:20]
	}
	m := NewMain(cfg, out)
	store, _, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	acc, err := backend.NewApp(store).CreateAccount(ctx, backend.AccountInput{Email: *email, Name: *name, Password: *password, Role: backend.RoleOrganizer})
	if err != nil {
		var be *backend.Error
		if errors.As(err, &be) {
			for _, f := range be.Fields {
				fmt.Fprintf(out, "%s: %s\n", f.Field, f.EN)
			}
		}
		return err
	}
	fmt.Fprintf(out, "created organiser %s\n", acc.Email)
	if generated {
		fmt.Fprintf(out, "password (shown only now): %s\n", *password)
	}
	return nil
}

// runHealthcheck asks the local server's /healthz; containers use it because
// the runtime image has no curl.
func runHealthcheck(ctx context.Context, args []string) error {
	cfg, _, err := LoadConfig(args, environ, nil)
	if err != nil {
		return err
	}
	_, port, err := net.SplitHostPort(cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("parse IDEENMARKT_HTTP_ADDR: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+port+"/healthz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: status %d", resp.StatusCode)
	}
	return nil
}

package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/demo"
)

// runDemo creates the demo conference once; `make run` calls it before
// serving, so a fresh start shows a living market.
func runDemo(ctx context.Context, args []string, out io.Writer) error {
	cfg, _, err := LoadConfig(args, environ, nil)
	if err != nil {
		return err
	}
	m := NewMain(cfg, out)
	store, _, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	created, err := demo.Seed(ctx, backend.NewApp(store), operator, time.Now())
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	path := "/conferences/" + demo.Slug
	if !created {
		fmt.Fprintf(out, "demo conference exists: %s\n", path)
		return nil
	}
	fmt.Fprintf(out, "created the demo conference with the Tempelhofer Feld proposals (CC BY-SA 3.0) in %s: %s\n",
		time.Since(start).Round(time.Millisecond), strings.TrimSpace(path))
	return nil
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/csvimport"
)

// operator is who the command-line tools act as: the person at the server's
// shell, who may do what organisers may.
var operator = backend.Actor{Account: &backend.Account{Email: "ideenmarkt (command line)", Role: backend.RoleOrganizer}}

// runImport imports a CSV file of ideas (and optionally one of comments)
// into a conference, all rows or none, with a progress bar on out.
func runImport(ctx context.Context, args []string, out io.Writer) error {
	var slug, comments *string
	var dry *bool
	cfg, rest, err := LoadConfig(args, environ, func(fs *flag.FlagSet) {
		slug = fs.String("conference", "", "the conference's slug (required)")
		comments = fs.String("comments", "", "a CSV file of comments on the ideas (optional)")
		dry = fs.Bool("dry-run", false, "check the files and report, but import nothing")
	})
	if err != nil {
		return err
	}
	if *slug == "" || len(rest) != 1 {
		return fmt.Errorf("usage: ideenmarkt import -conference SLUG [-comments FILE] [-dry-run] IDEAS.csv")
	}
	req, err := readImportFiles(rest[0], *comments)
	if err != nil {
		return reportImportError(out, err)
	}
	req.DryRun = *dry
	bar := newProgressBar(out, "importing")
	req.Progress = bar.update
	m := NewMain(cfg, out)
	store, _, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	res, err := backend.NewApp(store).Import(ctx, operator, *slug, req)
	bar.done()
	if err != nil {
		return reportImportError(out, err)
	}
	verb := "imported"
	if res.DryRun {
		verb = "checked (nothing imported)"
	}
	fmt.Fprintf(out, "%s %d ideas and %d comments into %q in %s\n", verb, res.Ideas, res.Comments, *slug, time.Since(start).Round(time.Millisecond))
	if len(res.AddedTopics) > 0 {
		fmt.Fprintf(out, "added topics: %s\n", strings.Join(res.AddedTopics, ", "))
	}
	if len(res.AddedDepartments) > 0 {
		fmt.Fprintf(out, "added departments: %s\n", strings.Join(res.AddedDepartments, ", "))
	}
	if len(res.Adjusted) > 0 {
		if res.AdjustedTotal > len(res.Adjusted) {
			fmt.Fprintf(out, "%d rows were adjusted; the first %d:\n", res.AdjustedTotal, len(res.Adjusted))
		} else {
			fmt.Fprintf(out, "rows adjusted: %d\n", res.AdjustedTotal)
		}
		for _, f := range res.Adjusted {
			fmt.Fprintf(out, "  line %d: %s\n", f.Line, f.EN)
		}
	}
	return nil
}

func readImportFiles(ideasPath, commentsPath string) (backend.ImportRequest, error) {
	f, err := os.Open(ideasPath)
	if err != nil {
		return backend.ImportRequest{}, err
	}
	defer f.Close()
	if commentsPath == "" {
		return csvimport.Read(f, nil)
	}
	cf, err := os.Open(commentsPath)
	if err != nil {
		return backend.ImportRequest{}, err
	}
	defer cf.Close()
	return csvimport.Read(f, cf)
}

// reportImportError lists every rejected line, so that the file can be fixed
// in one go.
func reportImportError(out io.Writer, err error) error {
	var be *backend.Error
	if !errors.As(err, &be) || len(be.Fields) == 0 {
		return err
	}
	for _, f := range be.Fields {
		if f.Line > 0 {
			fmt.Fprintf(out, "line %d: %s: %s\n", f.Line, f.Field, f.EN)
		} else {
			fmt.Fprintf(out, "%s: %s\n", f.Field, f.EN)
		}
	}
	return fmt.Errorf("nothing was imported: %d problems", len(be.Fields))
}

// progressBar draws "[#####-----]  50% 2355/4711" on a terminal, rewriting one
// line; written to a file or pipe it prints a line per tenth instead.
type progressBar struct {
	out      io.Writer
	label    string
	terminal bool
	shown    int // last tenth printed (pipes) or -1
	drawn    bool
}

func newProgressBar(out io.Writer, label string) *progressBar {
	b := &progressBar{out: out, label: label, shown: -1}
	if f, ok := out.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			b.terminal = true
		}
	}
	return b
}

func (b *progressBar) update(done, total int) {
	if total <= 0 {
		return
	}
	pct := done * 100 / total
	if !b.terminal {
		if tenth := pct / 10; tenth > b.shown {
			b.shown = tenth
			fmt.Fprintf(b.out, "%s: %3d%% %d/%d\n", b.label, pct, done, total)
		}
		return
	}
	const width = 30
	filled := done * width / total
	fmt.Fprintf(b.out, "\r%s [%s%s] %3d%% %d/%d", b.label, strings.Repeat("#", filled), strings.Repeat("-", width-filled), pct, done, total)
	b.drawn = true
}

func (b *progressBar) done() {
	if b.drawn {
		fmt.Fprintln(b.out)
		b.drawn = false
	}
}

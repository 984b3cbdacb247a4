// Package migrations embeds the plain-SQL schema of both storage engines. Each
// dialect has its own folder with the same version numbers, so that a database
// of either kind at version N has the same tables.
package migrations

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// Migration is one numbered SQL script.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Dialects with migration folders.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Load returns the migrations of a dialect in version order. File names are
// NNNN_name.sql; gaps and duplicate numbers are errors.
func Load(dialect string) ([]Migration, error) {
	entries, err := fs.ReadDir(files, dialect)
	if err != nil {
		return nil, fmt.Errorf("read migrations %s: %w", dialect, err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s/%s: name must be NNNN_name.sql", dialect, name)
		}
		b, err := files.ReadFile(path.Join(dialect, name))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		out = append(out, Migration{Version: v, Name: rest, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations %s: expected version %d, found %d", dialect, i+1, m.Version)
		}
	}
	return out, nil
}

// Latest returns the highest version of a dialect.
func Latest(dialect string) int {
	ms, err := Load(dialect)
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// Pending returns the migrations after current, or an error when the database
// is newer than this binary: running old code on a newer schema could corrupt
// data, so the operator must upgrade the binary instead.
func Pending(dialect string, current int) ([]Migration, error) {
	ms, err := Load(dialect)
	if err != nil {
		return nil, err
	}
	if current > len(ms) {
		return nil, fmt.Errorf("the database schema is at version %d, but this ideenmarkt binary knows only up to version %d: install the newer ideenmarkt release that created it", current, len(ms))
	}
	return ms[current:], nil
}

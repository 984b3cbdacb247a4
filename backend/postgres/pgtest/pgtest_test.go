package pgtest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

func TestDSNGivesEachTestItsOwnEmptyDatabase(t *testing.T) {
	seen := map[string]bool{}
	for range 2 {
		conn, err := pgx.Connect(t.Context(), DSN(t))
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		defer conn.Close(context.Background())
		var name, encoding string
		var tables int
		err = conn.QueryRow(t.Context(), `SELECT current_database(), pg_encoding_to_char(encoding),
			(SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public')
			FROM pg_database WHERE datname = current_database()`).Scan(&name, &encoding, &tables)
		if err != nil {
			t.Fatalf("query: %v", err)
		}
		if seen[name] || tables != 0 || encoding != "UTF8" {
			t.Fatalf("database %q (seen before: %v) has %d tables and encoding %s, want a new empty UTF8 database", name, seen[name], tables, encoding)
		}
		seen[name] = true
	}
}

// TestCrashLeavesNothingRunning runs this test binary again with a test that
// starts a cluster and panics, so that Main never stops it: postgres must die
// with the binary, and the next cluster start must sweep the directory away.
func TestCrashLeavesNothingRunning(t *testing.T) {
	if os.Getenv("PGTEST_CRASH_CHILD") == "1" {
		conn, err := pgx.Connect(t.Context(), DSN(t))
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		var dir string
		if err := conn.QueryRow(t.Context(), `SHOW data_directory`).Scan(&dir); err != nil {
			t.Fatalf("query data directory: %v", err)
		}
		t.Logf("DATADIR=%s", dir)
		panic("simulated crash of a test binary")
	}
	DSN(t) // skips, or fails under CI, when PostgreSQL is missing

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashLeavesNothingRunning$", "-test.v")
	cmd.Env = append(os.Environ(), "PGTEST_CRASH_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "simulated crash") {
		t.Fatalf("child run: err = %v, want the simulated panic; output:\n%s", err, out)
	}
	m := regexp.MustCompile(`DATADIR=(\S+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("child did not report its data directory; output:\n%s", out)
	}
	dataDir := string(m[1])
	pidFile, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		t.Fatalf("read postmaster.pid of the crashed run: %v", err)
	}
	line, _, _ := strings.Cut(string(pidFile), "\n")
	pid, _ := strconv.Atoi(line)
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("postmaster %d still running 10s after its test binary crashed", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}

	clusterDir := filepath.Dir(dataDir)
	sweepStale(filepath.Dir(clusterDir))
	if _, err := os.Stat(clusterDir); !os.IsNotExist(err) {
		t.Fatalf("cluster dir %s of the crashed run still there after a sweep (stat: %v)", clusterDir, err)
	}
}

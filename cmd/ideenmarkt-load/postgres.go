package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgCluster is a throwaway PostgreSQL for one run. Unlike the test clusters
// of backend/postgres/pgtest it keeps PostgreSQL's durability settings
// (fsync, synchronous_commit, full_page_writes on) and lives on disk, not in
// /dev/shm: a ballot is acknowledged only after its commit reached the disk,
// as in production.
type pgCluster struct {
	dir  string
	port int
	proc *child
}

// startCluster runs initdb and postgres from the local installation as the
// postgres user when we are root (PostgreSQL refuses to run as root), the
// same way pgtest does, and creates the database "ideenmarkt".
func startCluster() (_ *pgCluster, err error) {
	bin, err := pgBinaries()
	if err != nil {
		return nil, err
	}
	cred, err := pgCredential()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "ideenmarkt-load-pg-")
	if err != nil {
		return nil, fmt.Errorf("create cluster dir: %w", err)
	}
	c := &pgCluster{dir: dir}
	defer func() {
		if err != nil {
			c.stop()
		}
	}()
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, fmt.Errorf("chown cluster dir: %w", err)
		}
	}
	data := filepath.Join(dir, "data")
	var out []byte
	for _, locale := range []string{"--locale=C.UTF-8", "--no-locale"} {
		cmd := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "--auth=trust", "-U", "postgres", "--encoding=UTF8", locale)
		pgPrepare(cmd, dir, cred)
		if out, err = cmd.CombinedOutput(); err == nil {
			break
		}
		_ = os.RemoveAll(data)
	}
	if err != nil {
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	if c.port, err = freePort(); err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		return nil, fmt.Errorf("create postgres log: %w", err)
	}
	defer logFile.Close()
	if cred != nil {
		_ = logFile.Chown(int(cred.Uid), int(cred.Gid))
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(c.port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1",
		// Stated, not assumed: these are PostgreSQL's defaults and the point of the run.
		"-c", "fsync=on", "-c", "synchronous_commit=on", "-c", "full_page_writes=on")
	pgPrepare(cmd, dir, cred)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if c.proc, err = startChild(cmd); err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	if err := c.createDatabase(30 * time.Second); err != nil {
		return nil, fmt.Errorf("%w\n%s", err, tail(filepath.Join(dir, "postgres.log")))
	}
	return c, nil
}

// createDatabase waits until postgres accepts connections and creates the
// application's database.
func (c *pgCluster) createDatabase(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, c.dsn("postgres"))
		if err == nil {
			_, err = conn.Exec(ctx, "CREATE DATABASE ideenmarkt TEMPLATE template0 ENCODING 'UTF8'")
			conn.Close(ctx)
			cancel()
			if err != nil {
				return fmt.Errorf("create database: %w", err)
			}
			return nil
		}
		cancel()
		select {
		case <-c.proc.exited:
			return errors.New("postgres exited during start-up")
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres not ready after %v: %w", timeout, err)
		}
	}
}

func (c *pgCluster) dsn(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// pids lists the postmaster, first, and its children (backends,
// checkpointer, WAL writer, …).
func (c *pgCluster) pids() []int {
	if c.proc == nil || c.proc.cmd.Process == nil {
		return nil
	}
	return processTree(c.proc.cmd.Process.Pid)
}

// stop ends postgres with an immediate shutdown (the data is thrown away)
// and removes the directory.
func (c *pgCluster) stop() {
	if c.proc != nil {
		c.proc.terminate(syscall.SIGQUIT, 10*time.Second)
	}
	_ = os.RemoveAll(c.dir)
}

// pgBinaries finds initdb and postgres: pg_config's bindir, the newest
// /usr/lib/postgresql/*/bin (Debian), or PATH.
func pgBinaries() (string, error) {
	has := func(dir string) bool {
		for _, name := range []string{"initdb", "postgres"} {
			if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.IsDir() {
				return false
			}
		}
		return true
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); has(dir) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	best, bestVersion := "", -1
	for _, dir := range dirs {
		v, err := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
		if err == nil && v > bestVersion && has(dir) {
			best, bestVersion = dir, v
		}
	}
	if best != "" {
		return best, nil
	}
	if p, err := exec.LookPath("initdb"); err == nil && has(filepath.Dir(p)) {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL not found: install it (apt-get install postgresql) or put initdb and postgres on PATH")
}

// pgCredential is the postgres system user when we run as root, else nil.
func pgCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, so PostgreSQL must run as the postgres system user, which was not found: %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("parse ids of user postgres: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil // no supplementary groups: drop root's
}

// pgPrepare sets the working directory, a PG*-free environment (a PGDATA or
// PGPORT of the caller must not redirect anything) and the credential.
func pgPrepare(cmd *exec.Cmd, dir string, cred *syscall.Credential) {
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
}

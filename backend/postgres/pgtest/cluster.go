package pgtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// dirPrefix names cluster directories (see parentDir), so that directories
// left behind by a crashed test binary can be found and removed.
const dirPrefix = "ideenmarkt-pgtest-"

// cluster is one running postmaster with its data directory.
type cluster struct {
	dir     string // holds data/, the socket, the log and owner.pid
	port    int
	version string
	cmd     *exec.Cmd
	exited  chan struct{} // closed when postgres has exited
	admin   *pgxpool.Pool // connected to the "postgres" database
	seq     atomic.Int64  // makes database names unique within the cluster
	drops   sync.WaitGroup
}

// startCluster finds the binaries, runs initdb, starts postgres and creates
// the template database. On error it leaves nothing running or on disk.
func startCluster() (_ *cluster, err error) {
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	parent := parentDir()
	sweepStale(parent)
	dir, err := os.MkdirTemp(parent, dirPrefix)
	if err != nil {
		return nil, fmt.Errorf("create cluster dir: %w", err)
	}
	c := &cluster{dir: dir, exited: make(chan struct{})}
	defer func() {
		if err != nil {
			_ = c.stop()
		}
	}()
	if err := os.WriteFile(filepath.Join(dir, "owner.pid"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return nil, fmt.Errorf("write owner.pid: %w", err)
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, fmt.Errorf("chown cluster dir: %w", err)
		}
	}
	if err := c.initdb(bin, cred); err != nil {
		return nil, err
	}
	// A free port can be taken by someone else before postgres binds it;
	// that is rare, so a few attempts are enough.
	for attempt := 1; ; attempt++ {
		err = c.startPostgres(bin, cred)
		if err == nil || attempt == 3 || !strings.Contains(c.logTail(), "already in use") {
			break
		}
		c.exited = make(chan struct{})
	}
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c.admin, err = pgxpool.New(ctx, c.dsn("postgres")+"&pool_max_conns=8")
	if err != nil {
		return nil, fmt.Errorf("connect admin pool: %w", err)
	}
	if err := c.admin.QueryRow(ctx, "SHOW server_version").Scan(&c.version); err != nil {
		return nil, fmt.Errorf("query server version: %w", err)
	}
	tmpl := pgx.Identifier{templateDB}.Sanitize()
	if _, err := c.admin.Exec(ctx, "CREATE DATABASE "+tmpl+" TEMPLATE template0 ENCODING 'UTF8'"); err != nil {
		return nil, fmt.Errorf("create template database: %w", err)
	}
	if _, err := c.admin.Exec(ctx, "ALTER DATABASE "+tmpl+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"); err != nil {
		return nil, fmt.Errorf("configure template database: %w", err)
	}
	return c, nil
}

// initdb creates the data directory, with the C.UTF-8 locale if the system
// has it and without locale support otherwise.
func (c *cluster) initdb(bin string, cred *syscall.Credential) error {
	data := filepath.Join(c.dir, "data")
	base := []string{"-D", data, "--auth=trust", "-U", "postgres", "--encoding=UTF8", "--no-sync"}
	var out []byte
	var err error
	for _, locale := range []string{"--locale=C.UTF-8", "--no-locale"} {
		cmd := exec.Command(filepath.Join(bin, "initdb"), append(base, locale)...)
		c.prepare(cmd, cred)
		if out, err = cmd.CombinedOutput(); err == nil {
			return nil
		}
		if rmErr := os.RemoveAll(data); rmErr != nil {
			return fmt.Errorf("remove failed data dir: %w", rmErr)
		}
	}
	return fmt.Errorf("initdb: %w\n%s", err, out)
}

// startPostgres starts the postmaster and waits until it accepts connections.
//
// The postmaster gets SIGKILL when the thread that started it exits
// (Pdeathsig), which is how it dies with a test binary that panics. Go may
// retire threads, so the starting goroutine stays locked to its thread until
// postgres exits.
func (c *cluster) startPostgres(bin string, cred *syscall.Credential) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	c.port = port
	logFile, err := os.Create(filepath.Join(c.dir, "postgres.log"))
	if err != nil {
		return fmt.Errorf("create postgres log: %w", err)
	}
	defer logFile.Close() // the child has its own descriptor
	cmd := exec.Command(filepath.Join(bin, "postgres"),
		"-D", filepath.Join(c.dir, "data"), "-p", strconv.Itoa(port), "-k", c.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=300", "-c", "shared_buffers=32MB",
		// In the data directory, not /dev/shm, so that a crash leaves nothing behind outside it.
		"-c", "dynamic_shared_memory_type=mmap",
	)
	c.prepare(cmd, cred)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	started := make(chan error, 1)
	exited := c.exited
	go func() {
		runtime.LockOSThread() // never unlocked: see above
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(exited)
	}()
	if err := <-started; err != nil {
		close(exited)
		return fmt.Errorf("start postgres: %w", err)
	}
	c.cmd = cmd
	return c.waitReady(30 * time.Second)
}

// waitReady polls until a connection succeeds, postgres exits, or the timeout.
func (c *cluster) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, c.dsn("postgres"))
		cancel()
		if err == nil {
			return conn.Close(context.Background())
		}
		select {
		case <-c.exited:
			return fmt.Errorf("postgres exited during start-up:\n%s", c.logTail())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres not ready after %v: %v\n%s", timeout, err, c.logTail())
		}
	}
}

// drop removes a test's database in the background. DROP DATABASE waits, in
// steps of 100 ms, for the backends of connections the test just closed to
// exit; the test need not wait with it. FORCE ends connections a test forgot
// to close. stop waits for drops in flight.
func (c *cluster) drop(name string) {
	c.drops.Add(1)
	go func() {
		defer c.drops.Done()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		drop := "DROP DATABASE IF EXISTS " + pgx.Identifier{name}.Sanitize() + " WITH (FORCE)"
		if _, err := c.admin.Exec(ctx, drop); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: drop database %s: %v\n", name, err)
		}
	}()
}

// stop ends postgres with an immediate shutdown (the data is thrown away, so
// there is nothing to flush), waits for it and removes the directory.
func (c *cluster) stop() error {
	if c.admin != nil {
		c.drops.Wait()
		c.admin.Close()
	}
	if c.cmd != nil && c.cmd.Process != nil {
		_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGQUIT)
		select {
		case <-c.exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
			<-c.exited
		}
	}
	if err := os.RemoveAll(c.dir); err != nil {
		return fmt.Errorf("pgtest: remove cluster dir: %w", err)
	}
	return nil
}

// prepare sets the working directory, a PG*-free environment (so a PGDATA or
// PGPORT of the developer cannot redirect anything) and the credential.
func (c *cluster) prepare(cmd *exec.Cmd, cred *syscall.Credential) {
	cmd.Dir = c.dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
}

func (c *cluster) dsn(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// nextName returns a database name that is unique in the cluster and still
// says which test it belongs to, for anyone looking at a stuck run.
func (c *cluster) nextName(testName string) string {
	return fmt.Sprintf("t%d_%s", c.seq.Add(1), sanitizeName(testName))
}

// logTail returns the end of the postgres log, for error messages.
func (c *cluster) logTail() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

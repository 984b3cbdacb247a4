package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// target is the server under load: its base URL and, when this program
// started it, its process (for CPU and RSS from /proc) and a PostgreSQL
// cluster whose processes are measured too.
type target struct {
	base    string
	store   string // "sqlite", "postgres" or "" (unknown, -url)
	server  *child
	cluster *pgCluster
	dir     string // temporary directory with the data and logs
}

// serverLog is the spawned server's stdout and stderr ("" with -url).
func (t *target) serverLog() string {
	if t.dir == "" {
		return ""
	}
	return filepath.Join(t.dir, "server.log")
}

// pid is the server's process id, or 0 when it was not spawned.
func (t *target) pid() int {
	if t.server == nil {
		return 0
	}
	return t.server.cmd.Process.Pid
}

// startTarget spawns the server (and its database) or just names -url.
func startTarget(ctx context.Context, o options) (*target, error) {
	if o.Spawn == "" {
		return &target{base: strings.TrimRight(o.URL, "/")}, nil
	}
	bin, err := filepath.Abs(o.Spawn)
	if err != nil {
		return nil, fmt.Errorf("resolve -spawn: %w", err)
	}
	// On disk (os.TempDir, not /dev/shm): fsync must reach a real device for
	// the figures to mean what "fsync on" promises.
	dir, err := os.MkdirTemp("", "ideenmarkt-load-")
	if err != nil {
		return nil, fmt.Errorf("create temp dir: %w", err)
	}
	t := &target{store: o.Store, dir: dir}
	ok := false
	defer func() {
		if !ok {
			t.stop()
		}
	}()
	env := serverEnv(o)
	if o.Store == "postgres" {
		if t.cluster, err = startCluster(); err != nil {
			return nil, err
		}
		env = append(env, "IDEENMARKT_DATABASE_URL="+t.cluster.dsn("ideenmarkt"))
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	env = append(env, "IDEENMARKT_HTTP_ADDR="+addr, "IDEENMARKT_DATA_DIR="+filepath.Join(dir, "data"))
	cmd := exec.Command(bin, "serve")
	cmd.Env, cmd.Dir = env, dir
	logFile, err := os.Create(t.serverLog())
	if err != nil {
		return nil, fmt.Errorf("create server log: %w", err)
	}
	defer logFile.Close() // the child has its own descriptor
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if t.server, err = startChild(cmd); err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}
	t.base = "http://" + addr
	if err := waitReady(ctx, t.base, t.server, 60*time.Second); err != nil {
		return nil, fmt.Errorf("%w\n%s", err, tail(t.serverLog()))
	}
	ok = true
	return t, nil
}

// serverEnv is our environment without IDEENMARKT_* settings (a developer's
// DATABASE_URL must not redirect the run), except the log settings, plus the
// organiser to create at start and gctrace (see gctrace.go).
func serverEnv(o options) []string {
	var env []string
	godebug := "gctrace=1"
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "IDEENMARKT_") && !strings.HasPrefix(kv, "IDEENMARKT_LOG_") {
			continue
		}
		if v, ok := strings.CutPrefix(kv, "GODEBUG="); ok {
			godebug = v + ",gctrace=1"
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GODEBUG="+godebug, "IDEENMARKT_ADMIN_EMAIL="+o.AdminEmail, "IDEENMARKT_ADMIN_PASSWORD="+o.AdminPassword)
}

// stop ends the server with SIGTERM (its graceful shutdown), then the
// cluster, and removes the temporary directory.
func (t *target) stop() {
	if t.server != nil {
		t.server.terminate(syscall.SIGTERM, 30*time.Second)
	}
	if t.cluster != nil {
		t.cluster.stop()
	}
	if t.dir != "" {
		_ = os.RemoveAll(t.dir)
	}
}

// waitReady polls /readyz until it answers 200, the process exits or the
// timeout passes.
func waitReady(ctx context.Context, base string, c *child, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-c.exited:
			return fmt.Errorf("server exited during start-up")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server not ready after %v (last: %v)", timeout, err)
		}
	}
}

// child is a started process that dies with us: Pdeathsig sends it SIGKILL
// when the thread that started it ends, so the starting goroutine stays
// locked to its thread until the child exits (Go may retire threads).
type child struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

func startChild(cmd *exec.Cmd) (*child, error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	c := &child{cmd: cmd, exited: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: see the type's comment
		if err := cmd.Start(); err != nil {
			started <- err
			close(c.exited)
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(c.exited)
	}()
	return c, <-started
}

// terminate sends sig to the child's process group and waits up to grace
// before killing it.
func (c *child) terminate(sig syscall.Signal, grace time.Duration) {
	if c.cmd.Process == nil {
		return
	}
	pgid := c.cmd.Process.Pid
	_ = syscall.Kill(-pgid, sig)
	select {
	case <-c.exited:
	case <-time.After(grace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-c.exited
	}
}

// freePort asks the kernel for an unused loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail returns the end of a log file, for error messages.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

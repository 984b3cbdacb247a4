package pgtest

// This file holds what pgtest needs from the host: the binaries, the user to
// run them as, a port and a place for the files.

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// findBinaries returns the directory holding initdb and postgres: the one
// pg_config names, else the newest Debian-style /usr/lib/postgresql/N/bin,
// else wherever PATH finds initdb (Debian keeps it out of PATH).
func findBinaries() (string, error) {
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
	if p, err := exec.LookPath("initdb"); err == nil {
		if dir := filepath.Dir(p); has(dir) {
			return dir, nil
		}
	}
	return "", errNotInstalled
}

// credential returns whom to run PostgreSQL as: nil for the current user, or
// the postgres system user when running as root, which initdb and postgres
// refuse to run as.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	uid, gid, err := lookupPostgresUser()
	if err != nil {
		return nil, fmt.Errorf("running as root, so PostgreSQL must run as the \"postgres\" system user, which was not found (%v): create it (useradd --system postgres) or run the tests as an ordinary user", err)
	}
	return &syscall.Credential{Uid: uid, Gid: gid}, nil // no supplementary groups: drop root's
}

// lookupPostgresUser returns the ids of the postgres system user.
func lookupPostgresUser() (uid, gid uint32, err error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return 0, 0, err
	}
	uid64, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return 0, 0, fmt.Errorf("parse uid %q: %w", u.Uid, err)
	}
	gid64, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return 0, 0, fmt.Errorf("parse gid %q: %w", u.Gid, err)
	}
	return uint32(uid64), uint32(gid64), nil
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

// parentDir prefers the RAM-backed /dev/shm when it has room: initdb and
// CREATE DATABASE create about a thousand files, and on an ordinary disk that
// alone takes about a second. Containers often give /dev/shm only 64 MB, too
// little for a cluster plus a few concurrent test databases.
func parentDir() string {
	const shm, need = "/dev/shm", 1 << 30
	var st syscall.Statfs_t
	if err := syscall.Statfs(shm, &st); err == nil && st.Bavail*uint64(st.Bsize) >= need && syscall.Access(shm, 2) == nil {
		return shm
	}
	return os.TempDir()
}

// sweepStale removes cluster directories of test binaries that died without
// calling Stop, once their postmaster is gone too.
func sweepStale(parent string) {
	dirs, _ := filepath.Glob(filepath.Join(parent, dirPrefix+"*"))
	for _, dir := range dirs {
		if alive(filepath.Join(dir, "owner.pid")) || alive(filepath.Join(dir, "data", "postmaster.pid")) {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, "owner.pid")); err == nil {
			_ = os.RemoveAll(dir)
		}
	}
}

// alive reports whether the process whose id is the first line of pidFile runs.
func alive(pidFile string) bool {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || pid <= 0 {
		return false
	}
	err = syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

package main

import (
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkStartToReady measures the time from start to the first 200 of
// /readyz, polled every 2 ms. With IDEENMARKT_BIN pointing to a built binary it
// execs `$IDEENMARKT_BIN serve` (what an operator or an orchestrator sees);
// without, it starts the in-process Main (no exec, no binary loading). Both on
// a fresh data directory (migrations and the first organiser included) and on
// one that already holds a database (a restart).
//
//	go test -run '^$' -bench StartToReady ./cmd/ideenmarkt
//	make go-build && IDEENMARKT_BIN=$PWD/bin/ideenmarkt go test -run '^$' -bench StartToReady ./cmd/ideenmarkt
func BenchmarkStartToReady(b *testing.B) {
	bin := os.Getenv("IDEENMARKT_BIN")
	start := startInProcess
	if bin != "" {
		b.Logf("exec %s serve", bin)
		start = func(b *testing.B, dir string) func() { return startBinary(b, bin, dir) }
	} else {
		b.Logf("IDEENMARKT_BIN not set: measuring the in-process Main (no exec, no binary loading); set IDEENMARKT_BIN to a built binary to measure `ideenmarkt serve`")
	}
	b.Run("fresh-data-dir", func(b *testing.B) {
		benchStarts(b, start, func(b *testing.B) string { return b.TempDir() })
	})
	b.Run("existing-data-dir", func(b *testing.B) {
		dir := b.TempDir()
		start(b, dir)() // create the database and the first organiser once
		benchStarts(b, start, func(*testing.B) string { return dir })
	})
}

// benchStarts times b.N starts; stop (called with the timer off) ends each.
func benchStarts(b *testing.B, start func(*testing.B, string) func(), dir func(*testing.B) string) {
	var total time.Duration
	for range b.N {
		b.StopTimer()
		d := dir(b)
		b.StartTimer()
		t0 := time.Now()
		stop := start(b, d)
		total += time.Since(t0)
		b.StopTimer()
		stop()
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/start")
}

// startInProcess runs Main on a free port and returns once /readyz is 200.
func startInProcess(b *testing.B, dir string) func() {
	cfg, _, err := LoadConfig(nil, fakeEnv(map[string]string{
		"IDEENMARKT_HTTP_ADDR": "127.0.0.1:0", "IDEENMARKT_DATA_DIR": dir, "IDEENMARKT_LOG_LEVEL": "warn",
	}), nil)
	if err != nil {
		b.Fatal(err)
	}
	m := NewMain(cfg, io.Discard)
	if err := m.Run(b.Context()); err != nil {
		b.Fatal(err)
	}
	waitReady(b, m.URL())
	return func() {
		if err := m.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// startBinary execs `bin serve` on a free port and returns once /readyz is 200.
func startBinary(b *testing.B, bin, dir string) func() {
	port := freePort(b)
	cmd := exec.Command(bin, "serve")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "IDEENMARKT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "IDEENMARKT_HTTP_ADDR=127.0.0.1:"+port, "IDEENMARKT_DATA_DIR="+dir, "IDEENMARKT_LOG_LEVEL=warn")
	if err := cmd.Start(); err != nil {
		b.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	waitReadyOrExit(b, "http://127.0.0.1:"+port, exited)
	return func() {
		cmd.Process.Signal(syscall.SIGTERM)
		if err := <-exited; err != nil {
			b.Fatalf("%s serve after SIGTERM: %v", bin, err)
		}
	}
}

func waitReady(b *testing.B, base string) { waitReadyOrExit(b, base, nil) }

// waitReadyOrExit polls base/readyz every 2 ms until it answers 200; it fails
// if exited (the child process) reports first or after a minute.
func waitReadyOrExit(b *testing.B, base string, exited <-chan error) {
	hc := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(time.Minute)
	for {
		if resp, err := hc.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case err := <-exited:
			b.Fatalf("server exited before it was ready: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			b.Fatalf("%s/readyz not 200 after a minute", base)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

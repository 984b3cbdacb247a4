package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"time"
)

// The spawned server runs with GODEBUG=gctrace=1, so its log holds one line
// per garbage collection with the live heap and the stacks it found. That is
// the fallback for the Go memory figures when /metrics cannot be read: it
// needs nothing in the server, but has a resolution of 1 MiB.

// gcRecord is one gctrace line: collection N started At after the process
// started and left LiveMiB of marked heap; StacksMiB is the scannable stack.
type gcRecord struct {
	N         int     `json:"n"`
	At        float64 `json:"atSeconds"` // since the server process started
	LiveMiB   int     `json:"liveHeapMiB"`
	StacksMiB int     `json:"stacksMiB"`
}

// gcLine matches e.g. "gc 12 @3.456s 2%: …, 4->5->2 MB, 5 MB goal, 0 MB stacks, …".
var gcLine = regexp.MustCompile(`^gc (\d+) @([\d.]+)s .*, \d+->\d+->(\d+) MB, \d+ MB goal, (\d+) MB stacks`)

// lastGC returns the last collection logged in path, if any.
func lastGC(path string) (gcRecord, bool) {
	f, err := os.Open(path)
	if err != nil {
		return gcRecord{}, false
	}
	defer f.Close()
	var last gcRecord
	found := false
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		m := gcLine.FindSubmatch(sc.Bytes())
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(string(m[1]))
		at, _ := strconv.ParseFloat(string(m[2]), 64)
		live, _ := strconv.Atoi(string(m[3]))
		stacks, _ := strconv.Atoi(string(m[4]))
		last, found = gcRecord{N: n, At: at, LiveMiB: live, StacksMiB: stacks}, true
	}
	return last, found
}

// provokeGC makes the server collect garbage from outside: it requests
// /metrics (whose answer is built anew each time) until the log shows new
// collections and the server's RSS has stopped falling from one collection
// to the next, or the timeout passes. The garbage is not live, so the last
// collection's live heap is what the server holds; and the runtime returns
// freed memory (an argon2id login alone takes 64 MiB) to the system a
// little with every collection, so RSS needs several of them to settle.
func provokeGC(ctx context.Context, client *http.Client, t *target, timeout time.Duration) (gcRecord, bool) {
	const minRounds, steady = 3, 256 << 10
	first, _ := lastGC(t.serverLog())
	last, lastRSS := first, int64(-1)
	deadline := time.Now().Add(timeout)
	for i := 1; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
		if resp, err := client.Get(t.base + "/metrics"); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if i%10 != 0 {
			continue
		}
		g, ok := lastGC(t.serverLog())
		if !ok || g.N == last.N {
			continue
		}
		rss, err := procRSS(t.pid())
		if err != nil {
			return g, true
		}
		if g.N >= first.N+minRounds && lastRSS >= 0 && lastRSS-rss < steady {
			return g, true
		}
		last, lastRSS = g, rss
	}
	return last, last.N > first.N
}

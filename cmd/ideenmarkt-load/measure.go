package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat.
// It is 100 on every Linux architecture Go supports (reading it properly
// needs sysconf, i.e. cgo).
const clockTicks = 100

// sample is the server's resource use at one moment. Fields from /proc are
// zero when the server was not spawned; metric fields are zero when
// /metrics lacks them.
type sample struct {
	HeapInuse  float64 `json:"heapInuseBytes"`  // go_memstats_heap_inuse_bytes
	StackInuse float64 `json:"stackInuseBytes"` // go_memstats_stack_inuse_bytes
	MetricsRSS float64 `json:"metricsRssBytes"` // process_resident_memory_bytes
	MetricsCPU float64 `json:"metricsCpuSeconds"`
	ProcRSS    int64   `json:"procRssBytes,omitempty"` // VmRSS of /proc/<pid>/status
	ProcCPU    float64 `json:"procCpuSeconds,omitempty"`
	PGCPU      float64 `json:"postgresCpuSeconds,omitempty"` // all processes of the cluster
	SelfCPU    float64 `json:"loadgenCpuSeconds"`            // this program's rusage
	// MachineCPU is the CPU seconds all processes of the machine spent so
	// far (/proc/stat), to tell how much of the window others used.
	MachineCPU float64 `json:"machineCpuSeconds"`
	LoadAvg    string  `json:"loadavg"` // first three fields of /proc/loadavg
	// MetricsError is why /metrics could not be read; the metric fields
	// are then zero and not used.
	MetricsError string `json:"metricsError,omitempty"`
}

// heapStack is the Go heap and stack in use, if /metrics answered.
func (s sample) heapStack() (float64, bool) {
	return s.HeapInuse + s.StackInuse, s.MetricsError == ""
}

// serverCPU is the best CPU figure available: /proc when spawned.
func (s sample) serverCPU() float64 {
	if s.ProcCPU > 0 {
		return s.ProcCPU
	}
	return s.MetricsCPU
}

// rss prefers /proc when spawned.
func (s sample) rss() float64 {
	if s.ProcRSS > 0 {
		return float64(s.ProcRSS)
	}
	return s.MetricsRSS
}

// takeSample reads /metrics, /proc and our own rusage. A failing /metrics
// is recorded in the sample, not returned: with -spawn, /proc still gives
// CPU and RSS, and the run's other figures do not depend on it.
func takeSample(ctx context.Context, client *http.Client, t *target) (sample, error) {
	var s sample
	m, err := scrapeMetrics(ctx, client, t.base)
	if err != nil {
		if ctx.Err() != nil {
			return s, ctx.Err()
		}
		s.MetricsError = err.Error()
	}
	s.HeapInuse, s.StackInuse = m["go_memstats_heap_inuse_bytes"], m["go_memstats_stack_inuse_bytes"]
	s.MetricsRSS, s.MetricsCPU = m["process_resident_memory_bytes"], m["process_cpu_seconds_total"]
	if pid := t.pid(); pid != 0 {
		if s.ProcCPU, err = procCPU(pid); err != nil {
			return s, err
		}
		if s.ProcRSS, err = procRSS(pid); err != nil {
			return s, err
		}
	}
	if t.cluster != nil {
		// The postmaster with the backends it has reaped, and the live ones.
		for i, pid := range t.cluster.pids() {
			cpu, err := readCPU(pid, i == 0)
			if err == nil { // a backend may have exited meanwhile
				s.PGCPU += cpu
			}
		}
	}
	s.SelfCPU = selfCPU()
	s.MachineCPU = machineCPU()
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			s.LoadAvg = strings.Join(f[:3], " ")
		}
	}
	return s, nil
}

// machineCPU is the busy time of all CPUs since boot: the first line of
// /proc/stat without idle and iowait.
func machineCPU() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	var busy uint64
	for i, v := range f[1:min(len(f), 9)] { // user nice system idle iowait irq softirq steal
		if i == 3 || i == 4 {
			continue
		}
		n, _ := strconv.ParseUint(v, 10, 64)
		busy += n
	}
	return float64(busy) / clockTicks
}

// scrapeMetrics returns the unlabelled series of the Prometheus text format.
func scrapeMetrics(ctx context.Context, client *http.Client, base string) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("get /metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return nil, fmt.Errorf("get /metrics: %s: %s", resp.Status, strings.Join(strings.Fields(string(b)), " "))
	}
	return parseMetrics(resp.Body)
}

func parseMetrics(r io.Reader) (map[string]float64, error) {
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || strings.ContainsRune(line, '{') {
			continue
		}
		name, val, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if f, err := strconv.ParseFloat(strings.Fields(val)[0], 64); err == nil {
			out[name] = f
		}
	}
	return out, sc.Err()
}

// procCPU is a process's user + system CPU seconds so far.
func procCPU(pid int) (float64, error) { return readCPU(pid, false) }

// readCPU reads utime + stime, and with children also the times of the
// children the process has waited for (cutime + cstime).
func readCPU(pid int, children bool) (float64, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; the fields after its ')'
	// start with field 3, so utime (14) and stime (15) are at 11 and 12.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 15 {
		return 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	fields := f[11:13]
	if children {
		fields = f[11:15]
	}
	var ticks uint64
	for _, v := range fields {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse /proc/%d/stat", pid)
		}
		ticks += n
	}
	return float64(ticks) / clockTicks, nil
}

// procParent is a process's parent id (field 4 of /proc/<pid>/stat).
func procParent(pid int) (int, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, err
	}
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	if i < 0 || len(f) < 2 {
		return 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	return strconv.Atoi(f[1])
}

// processTree lists pid and its direct children. (PostgreSQL's backends
// are children of the postmaster, each in its own process group.)
func processTree(pid int) []int {
	out := []int{pid}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		c, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if pp, err := procParent(c); err == nil && pp == pid {
			out = append(out, c)
		}
	}
	return out
}

// procRSS is a process's resident set size (VmRSS) in bytes.
func procRSS(pid int) (int64, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			kb, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return 0, err
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// selfCPU is this program's user + system CPU seconds so far.
func selfCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

// idleMemory samples twice, a second apart, and keeps the lower of each
// figure: the server cannot be made to collect garbage from outside, so the
// lower reading is the closer one to the live heap.
func idleMemory(ctx context.Context, client *http.Client, t *target) (sample, error) {
	a, err := takeSample(ctx, client, t)
	if err != nil {
		return a, err
	}
	select {
	case <-ctx.Done():
		return a, ctx.Err()
	case <-time.After(time.Second):
	}
	b, err := takeSample(ctx, client, t)
	if err != nil {
		return a, err
	}
	bh, bok := b.heapStack()
	if ah, aok := a.heapStack(); bok && (!aok || bh < ah) {
		a.HeapInuse, a.StackInuse, a.MetricsRSS, a.MetricsError = b.HeapInuse, b.StackInuse, b.MetricsRSS, ""
	} else if aok && bok {
		a.MetricsRSS = min(a.MetricsRSS, b.MetricsRSS)
	}
	if b.ProcRSS > 0 {
		a.ProcRSS = min(a.ProcRSS, b.ProcRSS)
	}
	return a, nil
}

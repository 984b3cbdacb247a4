package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
	"time"
)

// result is everything a run measured; -out writes it as JSON and -table
// reads it back.
type result struct {
	StartedAt   time.Time `json:"startedAt"`
	Target      string    `json:"target"`
	Store       string    `json:"store"` // "" when not spawned
	Spawned     bool      `json:"spawned"`
	Voters      int       `json:"voters"`
	Method      string    `json:"method"`
	Window      string    `json:"window"`
	ConnectRate float64   `json:"connectRatePerSecond"`
	HTTPConns   int       `json:"httpConns"`
	Timeout     string    `json:"timeout"`
	Machine     machine   `json:"machine"`

	Ramp       ramp       `json:"ramp"`
	Memory     memory     `json:"memory"`
	Ballots    ballots    `json:"ballots"`
	AckLatency latency    `json:"ackLatency"`
	ToScreen   latency    `json:"voteToPresenter"`
	Presenter  screen     `json:"presenter"`
	Phones     phoneStats `json:"phones"`
	CPU        cpu        `json:"cpu"`
}

type machine struct {
	CPUs     int    `json:"nproc"`
	CPUModel string `json:"cpuModel"`
	Kernel   string `json:"kernel"`
}

type ramp struct {
	Seconds   float64 `json:"seconds"`
	Connected int     `json:"connected"`
	Failed    int     `json:"failed"`
	// Errors: the first few reasons, with how many phones each.
	Errors  map[string]int `json:"errors,omitempty"`
	Connect latency        `json:"connectLatency"` // per phone: /me → join → websocket → snapshot
}

type memory struct {
	Before           sample   `json:"before"`
	After            sample   `json:"after"`
	Connections      int      `json:"connections"`
	HeapStackPerConn *float64 `json:"heapStackBytesPerConnection"` // null: not measured
	// HeapStackSource says where HeapStackPerConn comes from: "metrics"
	// (heap_inuse + stack_inuse) or "gctrace" (live heap + stacks of a
	// provoked collection before the phones came and after they were all
	// idle), used when /metrics fails.
	HeapStackSource string `json:"heapStackSource,omitempty"`
	// HeapStackResolution is the uncertainty of a gctrace figure: 1 MiB
	// (gctrace rounds down to whole MiB) divided by the connections.
	HeapStackResolution float64   `json:"heapStackResolutionBytes,omitempty"`
	GCBefore            *gcRecord `json:"gcBefore,omitempty"`
	GCAfter             *gcRecord `json:"gcAfter,omitempty"`
	RSSPerConn          *float64  `json:"rssBytesPerConnection"`
	RSSSource           string    `json:"rssSource"` // proc or metrics
	IdleBeforeSeconds   float64   `json:"idleBeforeSeconds"`
}

type ballots struct {
	Sent     int            `json:"sent"`
	Accepted int            `json:"accepted"` // acknowledged with 200/201
	Lost     int            `json:"lost"`     // sent − accepted, plus any the results do not count
	Retried  int            `json:"retried"`  // ballots that needed more than one attempt
	Outcomes map[string]int `json:"outcomes"`
	Errors   map[string]int `json:"errors,omitempty"`
	// ResultsBallots is results.ballots of GET /rounds/{id}/results after
	// the presenter caught up (or 10 s passed).
	ResultsBallots    int     `json:"resultsBallots"`
	PresenterBallots  int     `json:"presenterBallots"`
	PresenterCaughtUp bool    `json:"presenterCaughtUp"`
	CatchUpSeconds    float64 `json:"catchUpSeconds"` // after the last ack
}

type screen struct {
	Frames          int     `json:"frames"`
	FramesPerSecond float64 `json:"framesPerSecond"` // during the cast window
	Closed          string  `json:"closed,omitempty"`
}

type phoneStats struct {
	Frames                  int64          `json:"frames"` // all phones, whole run
	Bytes                   int64          `json:"bytes"`
	FramesInWindow          int64          `json:"framesInWindow"`
	FramesPerPhonePerSecond float64        `json:"framesPerPhonePerSecond"` // during the cast window
	Disconnects             map[string]int `json:"disconnects"`             // close code → phones, excluding ours at the end
}

type cpu struct {
	WindowSeconds   float64 `json:"windowSeconds"` // from the first planned ballot until ballots settled
	ServerSeconds   float64 `json:"serverSeconds"`
	PostgresSeconds float64 `json:"postgresSeconds,omitempty"`
	LoadgenSeconds  float64 `json:"loadgenSeconds"`
	Source          string  `json:"source"` // proc or metrics
	RampServer      float64 `json:"rampServerSeconds"`
	RampPostgres    float64 `json:"rampPostgresSeconds,omitempty"`
	RampLoadgen     float64 `json:"rampLoadgenSeconds"`
	// MachineSeconds is what all processes used in the window; Others is
	// that minus the server, PostgreSQL and the load generator: work of
	// other processes that competed for the same CPUs.
	MachineSeconds float64 `json:"machineSeconds"`
	OthersSeconds  float64 `json:"othersSeconds"`
	LoadAvgBefore  string  `json:"loadavgBefore"`
	LoadAvgAfter   string  `json:"loadavgAfter"`
}

func writeJSON(path string, r *result) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}

func kib(b float64) string { return fmt.Sprintf("%.1f KiB", b/1024) }

// kibOf prints a figure that may not have been measured.
func kibOf(b *float64) string {
	if b == nil {
		return "n/a"
	}
	return kib(*b)
}

// printSummary is the human summary of one run.
func printSummary(w io.Writer, r *result) {
	store := r.Store
	if store == "" {
		store = "(external server)"
	}
	fmt.Fprintf(w, "\nideenmarkt-load: %d phones, method %s, window %s, store %s, %s\n", r.Voters, r.Method, r.Window, store, r.Target)
	fmt.Fprintf(w, "machine:    %d × %s, %s\n", r.Machine.CPUs, r.Machine.CPUModel, r.Machine.Kernel)
	fmt.Fprintf(w, "ramp:       %d connected, %d failed in %.1f s (%.0f/s asked); connect p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
		r.Ramp.Connected, r.Ramp.Failed, r.Ramp.Seconds, r.ConnectRate, r.Ramp.Connect.P50, r.Ramp.Connect.P99, r.Ramp.Connect.Max)
	for e, n := range r.Ramp.Errors {
		fmt.Fprintf(w, "            %d× %s\n", n, e)
	}
	m := r.Memory
	fmt.Fprintf(w, "memory:     heap+stack %s → %s, RSS %s → %s (%s): per idle connection %s heap+stack (%s), %s RSS\n",
		kib(m.Before.HeapInuse+m.Before.StackInuse), kib(m.After.HeapInuse+m.After.StackInuse),
		kib(m.Before.rss()), kib(m.After.rss()), m.RSSSource, kibOf(m.HeapStackPerConn), m.HeapStackSource, kibOf(m.RSSPerConn))
	if m.HeapStackSource == "gctrace" {
		fmt.Fprintf(w, "            gctrace: gc %d @%.1fs %d MiB live + %d MiB stacks → gc %d @%.1fs %d MiB live + %d MiB stacks (± %s per connection)\n",
			m.GCBefore.N, m.GCBefore.At, m.GCBefore.LiveMiB, m.GCBefore.StacksMiB, m.GCAfter.N, m.GCAfter.At, m.GCAfter.LiveMiB, m.GCAfter.StacksMiB, kib(m.HeapStackResolution))
	}
	for _, s := range []sample{m.Before, m.After} {
		if s.MetricsError != "" {
			fmt.Fprintf(w, "            /metrics failed: %.300s\n", s.MetricsError)
		}
	}
	b := r.Ballots
	fmt.Fprintf(w, "ballots:    %d sent, %d accepted, %d lost, %d retried; outcomes %v; results.ballots %d, presenter %d (caught up %v, %.2f s after the last ack)\n",
		b.Sent, b.Accepted, b.Lost, b.Retried, b.Outcomes, b.ResultsBallots, b.PresenterBallots, b.PresenterCaughtUp, b.CatchUpSeconds)
	for e, n := range b.Errors {
		fmt.Fprintf(w, "            %d× %s\n", n, e)
	}
	fmt.Fprintf(w, "ack:        p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)\n", r.AckLatency.P50, r.AckLatency.P95, r.AckLatency.P99, r.AckLatency.Max, r.AckLatency.N)
	fmt.Fprintf(w, "presenter:  vote-to-screen p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d, on screen before the ack %d, never shown %d); %d frames, %.1f/s in the window\n",
		r.ToScreen.P50, r.ToScreen.P95, r.ToScreen.P99, r.ToScreen.Max, r.ToScreen.N, r.ToScreen.Early, r.ToScreen.Missing, r.Presenter.Frames, r.Presenter.FramesPerSecond)
	if r.Presenter.Closed != "" {
		fmt.Fprintf(w, "            presenter socket closed: %s\n", r.Presenter.Closed)
	}
	fmt.Fprintf(w, "phones:     %d frames (%.1f MiB) in all; %.2f frames per phone per second in the window; disconnects %v\n",
		r.Phones.Frames, float64(r.Phones.Bytes)/(1<<20), r.Phones.FramesPerPhonePerSecond, r.Phones.Disconnects)
	c := r.CPU
	pg := ""
	if r.Store == "postgres" {
		pg = fmt.Sprintf(", postgres %.2f s", c.PostgresSeconds)
	}
	fmt.Fprintf(w, "cpu:        cast window %.1f s: server %.2f s (%s)%s, load generator %.2f s, other processes %.2f s (of %d × %.1f s); ramp: server %.2f s, load generator %.2f s\n",
		c.WindowSeconds, c.ServerSeconds, c.Source, pg, c.LoadgenSeconds, c.OthersSeconds, r.Machine.CPUs, c.WindowSeconds, c.RampServer, c.RampLoadgen)
	fmt.Fprintf(w, "load:       before the window %s, after %s\n", c.LoadAvgBefore, c.LoadAvgAfter)
}

// printTable reads -out files and prints one Markdown row per run, ordered
// by store and number of voters.
func printTable(w io.Writer, files []string) error {
	var rs []*result
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var r result
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("read %s: %w", f, err)
		}
		rs = append(rs, &r)
	}
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Store != rs[j].Store {
			return rs[i].Store > rs[j].Store // sqlite before postgres
		}
		return rs[i].Voters < rs[j].Voters
	})
	head := []string{"Store", "Voters", "Sent", "Accepted", "Lost", "Ack p50/p95/p99 ms", "Vote→presenter p50/p95/p99 ms",
		"Per idle conn heap+stack", "Per idle conn RSS", "Server CPU s", "Postgres CPU s", "Load gen CPU s", "Phone frames/s", "Disconnects"}
	fmt.Fprintln(w, "| "+strings.Join(head, " | ")+" |")
	fmt.Fprintln(w, strings.Repeat("| --- ", len(head))+"|")
	for _, r := range rs {
		disc := 0
		for _, n := range r.Phones.Disconnects {
			disc += n
		}
		pg := "–"
		if r.Store == "postgres" {
			pg = fmt.Sprintf("%.2f", r.CPU.PostgresSeconds)
		}
		store := r.Store
		if store == "" {
			store = r.Target
		}
		row := []string{store, fmt.Sprint(r.Voters), fmt.Sprint(r.Ballots.Sent), fmt.Sprint(r.Ballots.Accepted), fmt.Sprint(r.Ballots.Lost),
			fmt.Sprintf("%s / %s / %s", num(r.AckLatency.P50), num(r.AckLatency.P95), num(r.AckLatency.P99)),
			fmt.Sprintf("%s / %s / %s", num(r.ToScreen.P50), num(r.ToScreen.P95), num(r.ToScreen.P99)),
			kibOf(r.Memory.HeapStackPerConn), kibOf(r.Memory.RSSPerConn),
			fmt.Sprintf("%.2f", r.CPU.ServerSeconds), pg, fmt.Sprintf("%.2f", r.CPU.LoadgenSeconds),
			fmt.Sprintf("%.2f", r.Phones.FramesPerPhonePerSecond), fmt.Sprint(disc)}
		fmt.Fprintln(w, "| "+strings.Join(row, " | ")+" |")
	}
	return nil
}

// num prints milliseconds with three significant digits.
func num(v float64) string {
	switch {
	case v == 0:
		return "0"
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

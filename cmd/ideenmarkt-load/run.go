package main

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Pauses of the run: how long phones sit idle before memory is read, and
// how long the presenter may take to catch up after the last ballot.
const (
	idleBeforeMemory = 2 * time.Second
	catchUpTimeout   = 10 * time.Second
	maxRampInFlight  = 1000 // phones between their first request and their snapshot
)

// run is the whole measurement: start or name the server, set up an open
// round, connect the presenter and N phones, measure idle memory, cast the
// ballots across the window and check that every acknowledged one counts.
func run(ctx context.Context, o options) (*result, error) {
	res := &result{StartedAt: time.Now().UTC(), Voters: o.Voters, Method: o.Method, Window: o.Window.String(),
		ConnectRate: o.ConnectRate, HTTPConns: o.HTTPConns, Timeout: o.Timeout.String(), Machine: describeMachine()}
	t, err := startTarget(ctx, o)
	if err != nil {
		return nil, err
	}
	defer t.stop()
	res.Target, res.Store, res.Spawned = t.base, t.store, t.server != nil
	tr := newTransport(o.HTTPConns)
	defer tr.CloseIdleConnections()
	org, err := newAPIClient(t.base, tr, o.Timeout)
	if err != nil {
		return nil, err
	}
	conf, rnd, err := setupRound(ctx, org, o)
	if err != nil {
		return nil, err
	}
	f := newFleet(t.base, tr, o.Timeout, time.Now(), conf, rnd.ID)
	progress("server %s ready (pid %d); round %d open in conference %s", t.base, t.pid(), rnd.ID, conf.Slug)
	pres, err := startPresenter(ctx, f, org)
	if err != nil {
		return nil, fmt.Errorf("connect presenter: %w", err)
	}
	// /metrics goes over its own connection, so that a queue in the phones'
	// pool cannot delay a sample.
	m := &measurement{o: o, t: t, side: &http.Client{Timeout: 10 * time.Second}, f: f, pres: pres, org: org, rnd: rnd, res: res}
	defer m.hangUp()
	if err := m.rampAndIdle(ctx); err != nil {
		return nil, err
	}
	if err := m.cast(ctx); err != nil {
		return nil, err
	}
	return res, nil
}

// measurement is one run in progress.
type measurement struct {
	o      options
	t      *target
	side   *http.Client
	f      *fleet
	pres   *presenter
	org    *apiClient
	rnd    round
	phones []*phone
	res    *result
}

// hangUp closes every socket; disconnects from now on are ours.
func (m *measurement) hangUp() {
	m.f.closing.Store(true)
	for _, p := range m.phones {
		if p.conn != nil {
			p.conn.Close()
		}
	}
	m.pres.close()
}

// rampAndIdle connects the phones and measures the memory they hold.
func (m *measurement) rampAndIdle(ctx context.Context) error {
	before, gcBefore, err := measureIdle(ctx, m.side, m.t)
	if err != nil {
		return fmt.Errorf("measure memory before: %w", err)
	}
	from, err := takeSample(ctx, m.side, m.t)
	if err != nil {
		return err
	}
	start := m.f.now()
	progress("ramp: %d phones at %.0f/s", m.o.Voters, m.o.ConnectRate)
	m.phones = rampUp(ctx, m.f, m.o)
	r := summarizeRamp(m.phones)
	r.Seconds = (m.f.now() - start).Seconds()
	m.res.Ramp = r
	progress("ramp done in %.1f s: %d connected, %d failed", r.Seconds, r.Connected, r.Failed)
	if err := ctx.Err(); err != nil {
		return err
	}
	to, err := takeSample(ctx, m.side, m.t)
	if err != nil {
		return err
	}
	m.res.CPU.RampServer = to.serverCPU() - from.serverCPU()
	m.res.CPU.RampPostgres = to.PGCPU - from.PGCPU
	m.res.CPU.RampLoadgen = to.SelfCPU - from.SelfCPU

	sleep(ctx, idleBeforeMemory)
	after, gcAfter, err := measureIdle(ctx, m.side, m.t)
	if err != nil {
		return fmt.Errorf("measure memory after: %w", err)
	}
	m.res.Memory = perConnection(before, after, gcBefore, gcAfter, r.Connected)
	return nil
}

// cast runs the cast window, waits for the presenter to catch up, checks
// the results and computes the latencies.
func (m *measurement) cast(ctx context.Context) error {
	res, f := m.res, m.f
	from, err := takeSample(ctx, m.side, m.t)
	if err != nil {
		return err
	}
	framesFrom, windowFrom := f.frames.Load(), f.now()
	progress("cast: %d ballots within %s", res.Ramp.Connected, m.o.Window)
	castAll(ctx, f, m.phones, m.rnd, m.o.Window)
	progress("cast done")
	res.Ballots = countBallots(m.phones)
	var acks, acked []time.Duration // latencies; moments
	var lastAck time.Duration
	for _, p := range m.phones {
		if p.ballot.Outcome != "" {
			acks = append(acks, p.ballot.Acked-p.ballot.Sent)
			acked = append(acked, p.ballot.Acked)
			lastAck = max(lastAck, p.ballot.Acked)
		}
	}
	res.AckLatency = summarize(acks)
	res.Ballots.PresenterCaughtUp = m.pres.waitBallots(res.Ballots.Accepted, catchUpTimeout)
	settled := f.now()
	res.Ballots.CatchUpSeconds = max(settled-lastAck, 0).Seconds()
	res.Ballots.PresenterBallots = int(m.pres.ballots.Load())
	progress("settled: presenter shows %d ballots", m.pres.ballots.Load())
	to, err := takeSample(ctx, m.side, m.t)
	if err != nil {
		return err
	}
	framesTo, window := f.frames.Load(), settled-windowFrom
	c := &res.CPU
	c.WindowSeconds, c.Source = window.Seconds(), "metrics"
	if to.ProcCPU > 0 {
		c.Source = "proc"
	}
	c.ServerSeconds, c.PostgresSeconds, c.LoadgenSeconds = to.serverCPU()-from.serverCPU(), to.PGCPU-from.PGCPU, to.SelfCPU-from.SelfCPU
	c.MachineSeconds = to.MachineCPU - from.MachineCPU
	c.OthersSeconds = max(c.MachineSeconds-c.ServerSeconds-c.PostgresSeconds-c.LoadgenSeconds, 0)
	c.LoadAvgBefore, c.LoadAvgAfter = from.LoadAvg, to.LoadAvg

	final, err := fetchResults(ctx, m.org, m.rnd.ID)
	if err != nil {
		return fmt.Errorf("fetch results: %w", err)
	}
	res.Ballots.ResultsBallots = final.Ballots
	if final.Ballots < res.Ballots.Accepted {
		res.Ballots.Lost += res.Ballots.Accepted - final.Ballots
	}

	frames, closed := m.pres.recorded()
	lat, early, missing := voteToPresenter(acked, frames)
	res.ToScreen = summarize(lat)
	res.ToScreen.Early, res.ToScreen.Missing = early, missing
	inWindow := 0
	for _, fr := range frames {
		if fr.At >= windowFrom && fr.At <= settled {
			inWindow++
		}
	}
	res.Presenter = screen{Frames: len(frames), FramesPerSecond: perSecond(float64(inWindow), window), Closed: closed}
	f.mu.Lock()
	disc := make(map[string]int, len(f.disconnects))
	for k, v := range f.disconnects {
		disc[k] = v
	}
	f.mu.Unlock()
	res.Phones = phoneStats{Frames: f.frames.Load(), Bytes: f.bytes.Load(), FramesInWindow: framesTo - framesFrom, Disconnects: disc}
	if n := res.Ramp.Connected; n > 0 {
		res.Phones.FramesPerPhonePerSecond = perSecond(float64(framesTo-framesFrom)/float64(n), window)
	}
	return nil
}

// measureIdle samples the server's memory while nothing happens. A spawned
// server is made to collect garbage first (see provokeGC), so that before
// and after are alike: right after a collection.
func measureIdle(ctx context.Context, side *http.Client, t *target) (sample, *gcRecord, error) {
	var gc *gcRecord
	if t.server != nil {
		if g, ok := provokeGC(ctx, side, t, 30*time.Second); ok {
			gc = &g
		}
	}
	s, err := idleMemory(ctx, side, t)
	return s, gc, err
}

// perConnection divides the growth of the server's memory by the phones
// connected in between: Go heap + stacks from /metrics, or from the gctrace
// collections when /metrics failed, and RSS.
func perConnection(before, after sample, gcBefore, gcAfter *gcRecord, conns int) memory {
	m := memory{Before: before, After: after, Connections: conns, IdleBeforeSeconds: idleBeforeMemory.Seconds(), RSSSource: "metrics"}
	if after.ProcRSS > 0 {
		m.RSSSource = "proc"
	}
	n := float64(conns)
	if n == 0 {
		return m
	}
	bh, bok := before.heapStack()
	ah, aok := after.heapStack()
	switch {
	case bok && aok:
		per := (ah - bh) / n
		m.HeapStackPerConn, m.HeapStackSource = &per, "metrics"
	case gcBefore != nil && gcAfter != nil:
		per := float64((gcAfter.LiveMiB+gcAfter.StacksMiB)-(gcBefore.LiveMiB+gcBefore.StacksMiB)) * (1 << 20) / n
		m.HeapStackPerConn, m.HeapStackSource, m.HeapStackResolution = &per, "gctrace", (1<<20)/n
	}
	m.GCBefore, m.GCAfter = gcBefore, gcAfter
	if before.rss() > 0 && after.rss() > 0 {
		per := (after.rss() - before.rss()) / n
		m.RSSPerConn = &per
	}
	return m
}

// rampUp starts the phones at the connect rate and waits until each one is
// subscribed or has given up. It returns every phone; those with err set
// did not make it.
func rampUp(ctx context.Context, f *fleet, o options) []*phone {
	phones := make([]*phone, o.Voters)
	interval := time.Duration(float64(time.Second) / o.ConnectRate)
	sem := make(chan struct{}, maxRampInFlight)
	var wg sync.WaitGroup
	t0 := time.Now()
	for i := range phones {
		p := &phone{idx: i}
		phones[i] = p
		if ctx.Err() != nil {
			p.err = ctx.Err()
			continue
		}
		sleep(ctx, time.Until(t0.Add(time.Duration(i)*interval)))
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			p.err = p.dial(ctx, f)
		}()
	}
	wg.Wait()
	return phones
}

// summarizeRamp counts the phones that made it and why the others did not.
func summarizeRamp(phones []*phone) ramp {
	r := ramp{Errors: map[string]int{}}
	var times []time.Duration
	for _, p := range phones {
		if p.err != nil {
			r.Failed++
			msg := p.err.Error()
			if len(r.Errors) < 10 || r.Errors[msg] > 0 {
				r.Errors[msg]++
			}
			continue
		}
		r.Connected++
		times = append(times, p.connect)
	}
	r.Connect = summarize(times)
	return r
}

// castAll lets every connected phone vote once at a uniformly random moment
// of the window and waits until each ballot is acknowledged or given up.
func castAll(ctx context.Context, f *fleet, phones []*phone, r round, window time.Duration) {
	from := time.Now()
	var wg sync.WaitGroup
	for _, p := range phones {
		if p.err != nil {
			continue
		}
		at := from.Add(mrand.N(window))
		wg.Add(1)
		go func() {
			defer wg.Done()
			sleep(ctx, time.Until(at))
			if ctx.Err() == nil {
				p.cast(ctx, f, r)
			}
		}()
	}
	wg.Wait()
}

// countBallots tallies what the phones saw.
func countBallots(phones []*phone) ballots {
	b := ballots{Outcomes: map[string]int{}, Errors: map[string]int{}}
	for _, p := range phones {
		if p.err != nil || p.ballot.Attempts == 0 {
			continue
		}
		b.Sent++
		if p.ballot.Attempts > 1 {
			b.Retried++
		}
		if p.ballot.Outcome != "" {
			b.Accepted++
			b.Outcomes[p.ballot.Outcome]++
			continue
		}
		b.Errors[p.ballot.Err]++
	}
	b.Lost = b.Sent - b.Accepted
	return b
}

// progress tells the operator on stderr where a run of minutes stands.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05.000")+" "+format+"\n", args...)
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// describeMachine names the CPU for the record: nproc and the model from
// /proc/cpuinfo.
func describeMachine() machine {
	m := machine{CPUs: runtime.NumCPU()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	return m
}

package live

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// nopConn accepts every write; the count proves the fan-out happened.
type nopConn struct{ n *atomic.Int64 }

func (c nopConn) Write([]byte, time.Time) error { c.n.Add(1); return nil }
func (nopConn) Close(int, string)               {}

const benchClients = 10_000

// BenchmarkPublishFanout measures one publish reaching 10,000 phones: the
// Publish, the tick that queues them and the writers' flushes (no-op
// writes), i.e. the hub's own cost per push cycle.
func BenchmarkPublishFanout(b *testing.B) {
	// Long heartbeat and MaxBehind: the benchmark's clock runs ahead of the
	// wall clock, and neither may add writes.
	h := New(Options{Heartbeat: 24 * time.Hour, MaxBehind: 24 * time.Hour})
	var wg sync.WaitGroup
	h.startWriters(&wg)
	defer func() { h.shutdown(); wg.Wait() }()
	var writes atomic.Int64
	for range benchClients {
		h.Register(nopConn{&writes}, RatePhone).Subscribe("round:1", "public")
	}
	payload := []byte(`{"round":{"id":1,"state":"open"},"ballots":1234,"eligible":2000,"results":{"options":[{"id":1,"votes":600},{"id":2,"votes":634}]}}`)
	now := h.elapsed()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		h.Publish("round:1", "public", payload)
		now += int64(h.o.PhoneInterval) // every phone is due again
		h.tickAt(now)
		h.waitIdle()
	}
	b.StopTimer()
	if got, want := writes.Load(), int64(b.N)*benchClients; got != want {
		b.Fatalf("%d writes, want %d (one per client per cycle)", got, want)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchClients, "ns/client")
}

// BenchmarkIdleClientMemory reports the hub's heap per idle client: 10,000
// registered clients with one subscription each (spread over 10 topics).
// The transport's own cost (socket, buffers) comes on top; nothing is
// asserted, the figure goes to docs/benchmarks.md.
func BenchmarkIdleClientMemory(b *testing.B) {
	topics := make([]string, 10)
	for i := range topics {
		topics[i] = fmt.Sprintf("round:%d", i+1)
	}
	var perClient float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		h := New(Options{})
		var writes atomic.Int64
		for i := range benchClients {
			h.Register(nopConn{&writes}, RatePhone).Subscribe(topics[i%len(topics)], "public")
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perClient = float64(after.HeapAlloc-before.HeapAlloc) / benchClients
		runtime.KeepAlive(h)
	}
	b.ReportMetric(perClient, "bytes/client")
}

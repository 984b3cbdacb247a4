package live

import (
	"sync/atomic"
	"testing"
	"time"
)

// countConn counts writes; the 1,000 fast clients of the slow-client test.
type countConn struct {
	n      atomic.Int64
	closed atomic.Int64 // close code
}

func (c *countConn) Write([]byte, time.Time) error { c.n.Add(1); return nil }
func (c *countConn) Close(code int, _ string)      { c.closed.Store(int64(code)) }

func TestSlowClient(t *testing.T) {
	const maxBehind = 300 * time.Millisecond
	h := startHub(t, Options{MaxBehind: maxBehind, WriteTimeout: 10 * time.Second})
	slow := newFakeConn()
	slow.block = true
	h.Register(slow, RatePresenter).Subscribe("round:1", "public")
	fast := make([]*countConn, 1000)
	for i := range fast {
		fast[i] = &countConn{}
		h.Register(fast[i], RatePresenter).Subscribe("round:1", "public")
	}

	publish := func(d time.Duration) {
		for end := time.Now().Add(d); time.Now().Before(end); {
			h.Publish("round:1", "public", []byte(`{}`))
			time.Sleep(10 * time.Millisecond)
		}
	}
	// Until the slow client's first write hangs, then for as long as the hub
	// may take to notice: the fast clients must keep getting updates.
	h.Publish("round:1", "public", []byte(`{}`))
	waitFor(t, 2*time.Second, "the slow client's first write", slow.writing.Load)
	start := make([]int64, len(fast))
	for i, c := range fast {
		start[i] = c.n.Load()
	}
	began := time.Now()
	publish(maxBehind + 500*time.Millisecond)

	if code := slow.code(); code != CloseSlow {
		t.Fatalf("slow client closed with %d, want %d (CloseSlow) after MaxBehind %v", code, CloseSlow, maxBehind)
	}
	elapsed := time.Since(began)
	minUpdates := int64(elapsed / (100 * time.Millisecond) / 3) // a third of the presenter rate
	least := int64(1 << 62)
	for i, c := range fast {
		got := c.n.Load() - start[i]
		least = min(least, got)
		if got < minUpdates {
			t.Fatalf("fast client %d got %d updates in %v while the slow client hung, want ≥ %d", i, got, elapsed, minUpdates)
		}
		if c.closed.Load() != 0 {
			t.Fatalf("fast client %d was closed with %d", i, c.closed.Load())
		}
	}
	t.Logf("in %v while the slow client hung, every fast client got ≥ %d updates", elapsed.Round(time.Millisecond), least)
	s := h.Stats()
	if s.SlowDisconnects != 1 {
		t.Errorf("SlowDisconnects = %d, want 1", s.SlowDisconnects)
	}
	if s.Clients != len(fast) {
		t.Errorf("Clients = %d, want %d: the slow one unregistered", s.Clients, len(fast))
	}
}

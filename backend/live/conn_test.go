package live

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// message is a decoded hub message, as a client sees it.
type message struct {
	Type    string          `json:"type"`
	Topic   string          `json:"topic"`
	View    string          `json:"view"`
	Seq     uint64          `json:"seq"`
	Data    json.RawMessage `json:"data"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
}

// fakeConn records what the hub writes. With block set, Write blocks until
// Close, like a socket whose peer stopped reading.
type fakeConn struct {
	block bool
	fail  atomic.Bool // Write fails, as on a socket whose peer is gone

	mu        sync.Mutex
	raw       [][]byte
	closeCode int
	closed    chan struct{}
	writing   atomic.Bool // a Write is in progress (for block)
}

func newFakeConn() *fakeConn { return &fakeConn{closed: make(chan struct{})} }

func (c *fakeConn) Write(msg []byte, deadline time.Time) error {
	if c.fail.Load() {
		return errors.New("broken pipe")
	}
	if c.block {
		c.writing.Store(true)
		select {
		case <-c.closed:
			return errors.New("use of closed connection")
		case <-time.After(time.Until(deadline)):
			return errors.New("i/o timeout")
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.closed:
		return errors.New("use of closed connection")
	default:
	}
	c.raw = append(c.raw, msg)
	return nil
}

func (c *fakeConn) Close(code int, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closeCode == 0 {
		c.closeCode = code
		close(c.closed)
	}
}

// messages decodes everything written so far.
func (c *fakeConn) messages(tb testing.TB) []message {
	tb.Helper()
	c.mu.Lock()
	raw := append([][]byte(nil), c.raw...)
	c.mu.Unlock()
	out := make([]message, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r, &out[i]); err != nil {
			tb.Fatalf("message %d is not JSON: %v: %s", i, err, r)
		}
	}
	return out
}

func (c *fakeConn) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.raw)
}

func (c *fakeConn) code() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeCode
}

// only returns the messages of one type.
func only(msgs []message, typ string) []message {
	var out []message
	for _, m := range msgs {
		if m.Type == typ {
			out = append(out, m)
		}
	}
	return out
}

// startHub runs a hub until the test ends.
func startHub(t *testing.T, o Options) *Hub {
	t.Helper()
	h := New(o)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { h.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return h
}

// steppedHub has writers but no ticker: step delivers everything due, so
// tests of what is delivered need no sleeps. Its rates are so short that
// every client is always due.
func steppedHub(t *testing.T, o Options) *Hub {
	t.Helper()
	o.PhoneInterval, o.PresenterInterval = time.Nanosecond, time.Nanosecond
	h := New(o)
	var wg sync.WaitGroup
	h.startWriters(&wg)
	t.Cleanup(func() {
		h.shutdown()
		wg.Wait()
	})
	return h
}

func (h *Hub) step() {
	h.tickAt(h.elapsed())
	h.waitIdle()
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(within)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

package live

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// These tests run the real ticker with the default rates. They assert loose
// bounds only: timings are never asserted tightly.

func TestCoalescing(t *testing.T) {
	h := startHub(t, Options{})
	phone, presenter := newFakeConn(), newFakeConn()
	h.Register(phone, RatePhone).Subscribe("round:1", "public")
	h.Register(presenter, RatePresenter).Subscribe("round:1", "public")

	last := ""
	for i := range 100 { // 100 publishes within about 50 ms
		last = fmt.Sprintf(`{"n":%d}`, i)
		h.Publish("round:1", "public", []byte(last))
		time.Sleep(500 * time.Microsecond)
	}
	time.Sleep(700 * time.Millisecond) // more than a phone interval: all settled

	for _, tc := range []struct {
		name string
		conn *fakeConn
		max  int
	}{{"phone", phone, 2}, {"presenter", presenter, 3}} {
		got := tc.conn.messages(t)
		if len(got) == 0 || len(got) > tc.max {
			t.Fatalf("%s got %d messages for 100 publishes, want 1..%d", tc.name, len(got), tc.max)
		}
		if m := got[len(got)-1]; string(m.Data) != last || m.Seq != 100 {
			t.Errorf("%s's last message is seq %d %s, want seq 100 %s", tc.name, m.Seq, m.Data, last)
		}
		if got[0].Type != "snapshot" {
			t.Errorf("%s's first message is %q, want snapshot", tc.name, got[0].Type)
		}
		for i := 1; i < len(got); i++ {
			if got[i].Seq <= got[i-1].Seq || got[i].Type != "update" {
				t.Errorf("%s's message %d is %s seq %d after seq %d", tc.name, i, got[i].Type, got[i].Seq, got[i-1].Seq)
			}
		}
	}
}

func TestRate(t *testing.T) {
	h := startHub(t, Options{})
	phone, presenter := newFakeConn(), newFakeConn()
	h.Register(phone, RatePhone).Subscribe("round:1", "public")
	h.Register(presenter, RatePresenter).Subscribe("round:1", "public")

	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); {
		h.Publish("round:1", "public", []byte(`{}`))
		time.Sleep(10 * time.Millisecond)
	}
	p, s := phone.count(), presenter.count()
	t.Logf("over 2 s of publishing every 10 ms: phone got %d messages, presenter %d", p, s)
	if p < 2 || p > 6 {
		t.Errorf("phone got %d messages, want about 4-5 (2..6)", p)
	}
	if s < 10 || s > 25 {
		t.Errorf("presenter got %d messages, want about 20 (10..25)", s)
	}

	t.Run("SetRate switches a phone to presenter rate", func(t *testing.T) {
		c := newFakeConn()
		cl := h.Register(c, RatePhone)
		cl.Subscribe("round:1", "public")
		cl.SetRate(RatePresenter)
		for end := time.Now().Add(time.Second); time.Now().Before(end); {
			h.Publish("round:1", "public", []byte(`{}`))
			time.Sleep(10 * time.Millisecond)
		}
		if n := c.count(); n < 5 {
			t.Errorf("got %d messages in 1 s at presenter rate, want about 10 (≥ 5)", n)
		}
	})
}

func TestHeartbeat(t *testing.T) {
	h := startHub(t, Options{Heartbeat: 100 * time.Millisecond, PresenterInterval: 20 * time.Millisecond})
	idle, busy := newFakeConn(), newFakeConn()
	h.Register(idle, RatePhone)
	h.Register(busy, RatePresenter).Subscribe("round:1", "public")

	for end := time.Now().Add(500 * time.Millisecond); time.Now().Before(end); {
		h.Publish("round:1", "public", []byte(`{}`))
		time.Sleep(10 * time.Millisecond)
	}
	hbs := only(idle.messages(t), "hb")
	if len(hbs) < 2 || len(hbs) > 6 {
		t.Errorf("idle client got %d heartbeats in 500 ms at a 100 ms heartbeat, want about 4 (2..6)", len(hbs))
	}
	if n := len(only(busy.messages(t), "hb")); n != 0 {
		t.Errorf("busy client got %d heartbeats, want none: it had traffic", n)
	}
}

func TestShutdown(t *testing.T) {
	h := New(Options{})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan struct{})
	go func() { h.Run(ctx); close(done) }()
	conns := make([]*fakeConn, 50)
	for i := range conns {
		conns[i] = newFakeConn()
		h.Register(conns[i], Rate(i%2)).Subscribe("round:1", "public")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	for i, c := range conns {
		if code := c.code(); code != CloseShutdown {
			t.Fatalf("conn %d closed with %d, want %d", i, code, CloseShutdown)
		}
	}
	if s := h.Stats(); s.Clients != 0 || s.Subscriptions != 0 {
		t.Errorf("Stats() = %+v after shutdown, want no clients", s)
	}
	late := newFakeConn()
	h.Register(late, RatePhone).Subscribe("round:1", "public")
	if code := late.code(); code != CloseShutdown {
		t.Errorf("a client registering after shutdown was closed with %d, want %d", code, CloseShutdown)
	}
}

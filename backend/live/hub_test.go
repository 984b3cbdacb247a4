package live

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestSnapshot(t *testing.T) {
	t.Run("of an already published payload, then updates with increasing seq", func(t *testing.T) {
		h := steppedHub(t, Options{})
		h.Publish("round:1", "public", []byte(`{"n":1}`))
		c := newFakeConn()
		cl := h.Register(c, RatePhone)
		cl.Subscribe("round:1", "public")
		h.step()
		h.Publish("round:1", "public", []byte(`{"n":2}`))
		h.step()
		h.Publish("round:1", "public", []byte(`{"n":3}`))
		h.step()

		got := c.messages(t)
		want := []message{
			{Type: "snapshot", Topic: "round:1", View: "public", Seq: 1, Data: []byte(`{"n":1}`)},
			{Type: "update", Topic: "round:1", View: "public", Seq: 2, Data: []byte(`{"n":2}`)},
			{Type: "update", Topic: "round:1", View: "public", Seq: 3, Data: []byte(`{"n":3}`)},
		}
		if !slices.EqualFunc(got, want, equalMessage) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})

	t.Run("from the loader, called once for concurrent subscribers", func(t *testing.T) {
		var calls atomic.Int32
		called, release := make(chan struct{}), make(chan struct{})
		h := steppedHub(t, Options{Loader: func(topic, view string) ([]byte, error) {
			if calls.Add(1) == 1 {
				close(called)
			}
			<-release
			return []byte(`{"from":"loader","topic":"` + topic + `","view":"` + view + `"}`), nil
		}})
		c1, c2 := newFakeConn(), newFakeConn()
		subscribed := make(chan struct{})
		go func() { h.Register(c1, RatePhone).Subscribe("round:2", "moderator"); close(subscribed) }()
		<-called
		h.Register(c2, RatePhone).Subscribe("round:2", "moderator") // returns at once: a load is running
		close(release)
		<-subscribed
		h.step()
		for _, c := range []*fakeConn{c1, c2} {
			got := c.messages(t)
			if len(got) != 1 || got[0].Type != "snapshot" || got[0].Seq != 1 || string(got[0].Data) != `{"from":"loader","topic":"round:2","view":"moderator"}` {
				t.Fatalf("got %+v, want one snapshot from the loader", got)
			}
		}
		if n := calls.Load(); n != 1 {
			t.Errorf("loader called %d times, want 1", n)
		}
	})

	t.Run("loader error reaches the client as an error message", func(t *testing.T) {
		h := steppedHub(t, Options{Loader: func(topic, view string) ([]byte, error) {
			if topic == "round:404" {
				return nil, fmt.Errorf("load: %w", &LoadError{Code: "not_found", Message: "Round not found."})
			}
			return nil, errors.New("database on fire")
		}})
		c := newFakeConn()
		cl := h.Register(c, RatePhone)
		cl.Subscribe("round:404", "public")
		cl.Subscribe("round:500", "public")
		h.step()
		got := c.messages(t)
		want := []message{
			{Type: "error", Topic: "round:404", Code: "not_found", Message: "Round not found."},
			{Type: "error", Topic: "round:500", Code: "unavailable", Message: "Could not load the current state."},
		}
		if !slices.EqualFunc(got, want, equalMessage) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})

	t.Run("without payload or loader, the first publish is the snapshot", func(t *testing.T) {
		h := steppedHub(t, Options{})
		c := newFakeConn()
		h.Register(c, RatePhone).Subscribe("round:3", "public")
		h.step()
		if n := c.count(); n != 0 {
			t.Fatalf("got %d messages before any payload, want 0", n)
		}
		h.Publish("round:3", "public", []byte(`[]`))
		h.step()
		if got := c.messages(t); len(got) != 1 || got[0].Type != "snapshot" || string(got[0].Data) != `[]` {
			t.Fatalf("got %+v, want one snapshot", got)
		}
	})
}

func TestViewsAreSeparate(t *testing.T) {
	h := steppedHub(t, Options{})
	pub, mod := newFakeConn(), newFakeConn()
	h.Register(pub, RatePhone).Subscribe("round:1", "public")
	h.Register(mod, RatePresenter).Subscribe("round:1", "moderator")
	for i := range 5 {
		h.Publish("round:1", "public", []byte(`{"results":null}`))
		h.Publish("round:1", "moderator", []byte(fmt.Sprintf(`{"results":[%d]}`, i)))
		h.step()
	}
	for _, m := range pub.messages(t) {
		if m.View != "public" || string(m.Data) != `{"results":null}` {
			t.Fatalf("public subscriber got %+v", m)
		}
	}
	got := mod.messages(t)
	if len(got) != 5 {
		t.Fatalf("moderator got %d messages, want 5", len(got))
	}
	for _, m := range got {
		if m.View != "moderator" {
			t.Fatalf("moderator subscriber got %+v", m)
		}
	}

	t.Run("resubscribing with another view replaces the view", func(t *testing.T) {
		c := newFakeConn()
		cl := h.Register(c, RatePhone)
		cl.Subscribe("round:1", "moderator")
		cl.Subscribe("round:1", "public")
		h.step()
		h.Publish("round:1", "moderator", []byte(`{"secret":true}`))
		h.step()
		got := c.messages(t)
		if len(got) != 1 || got[0].View != "public" || got[0].Type != "snapshot" {
			t.Fatalf("got %+v, want one public snapshot", got)
		}
		if s := h.Stats(); s.Subscriptions != 3 {
			t.Errorf("Subscriptions = %d, want 3", s.Subscriptions)
		}
	})
}

func TestUnsubscribe(t *testing.T) {
	h := steppedHub(t, Options{})
	c := newFakeConn()
	cl := h.Register(c, RatePhone)
	cl.Subscribe("round:1", "public")
	h.Publish("round:1", "public", []byte(`1`))
	h.step()
	cl.Unsubscribe("round:1")
	h.Publish("round:1", "public", []byte(`2`))
	h.step()
	if got := c.messages(t); len(got) != 1 {
		t.Fatalf("got %d messages after unsubscribe, want only the first: %+v", len(got), got)
	}
	if got := h.Subscribed(); len(got) != 0 {
		t.Errorf("Subscribed() = %v, want none", got)
	}

	cl.Subscribe("round:1", "public")
	h.step()
	got := c.messages(t)
	if len(got) != 2 || got[1].Type != "snapshot" || got[1].Seq != 2 || string(got[1].Data) != `2` {
		t.Fatalf("got %+v, want a snapshot of seq 2 after resubscribe", got)
	}
}

func TestSubscribedAndForget(t *testing.T) {
	h := steppedHub(t, Options{})
	a, b := h.Register(newFakeConn(), RatePhone), h.Register(newFakeConn(), RatePresenter)
	a.Subscribe("round:2", "public")
	a.Subscribe("session:1", "public")
	b.Subscribe("round:2", "moderator")
	h.Publish("round:9", "public", []byte(`{}`)) // stored, nobody listens
	if got, want := h.Subscribed(), []string{"round:2", "session:1"}; !slices.Equal(got, want) {
		t.Errorf("Subscribed() = %v, want %v", got, want)
	}

	h.Forget("round:9")
	h.mu.Lock()
	_, kept := h.topics["round:9"]
	h.mu.Unlock()
	if kept {
		t.Error("Forget kept a topic nobody subscribes to")
	}

	// A forgotten topic with subscribers keeps counting seq upwards.
	c := newFakeConn()
	h.Register(c, RatePhone).Subscribe("round:2", "public")
	h.Publish("round:2", "public", []byte(`1`))
	h.Forget("round:2")
	h.Publish("round:2", "public", []byte(`2`))
	h.step()
	if got := c.messages(t); len(got) != 1 || got[0].Seq != 2 || string(got[0].Data) != `2` {
		t.Errorf("got %+v after Forget and Publish, want one snapshot of seq 2", got)
	}
	h.Forget("round:2")
	h.step()
	if n := c.count(); n != 1 {
		t.Errorf("got %d messages after Forget, want no more", n)
	}

	h.Unregister(a)
	h.Unregister(a) // idempotent
	if s := h.Stats(); s.Clients != 2 || s.Subscriptions != 2 || s.Publishes != 3 || s.MessagesSent != 2 {
		t.Errorf("Stats() = %+v, want 2 clients, 2 subscriptions, 3 publishes, 2 messages sent (a and c)", s)
	}
}

func TestSendError(t *testing.T) {
	h := steppedHub(t, Options{})
	c := newFakeConn()
	cl := h.Register(c, RatePhone)
	cl.SendError("round:1", "forbidden", `Nur "Moderatoren".`)
	h.step()
	want := []message{{Type: "error", Topic: "round:1", Code: "forbidden", Message: `Nur "Moderatoren".`}}
	if got := c.messages(t); !slices.EqualFunc(got, want, equalMessage) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestWriteErrorUnregisters(t *testing.T) {
	h := steppedHub(t, Options{})
	c := newFakeConn()
	cl := h.Register(c, RatePhone)
	cl.Subscribe("round:1", "public")
	c.fail.Store(true)
	h.Publish("round:1", "public", []byte(`1`))
	h.step()
	if s := h.Stats(); s.Clients != 0 || s.Subscriptions != 0 {
		t.Errorf("Stats() = %+v after a failed write, want no clients", s)
	}
	if code := c.code(); code != CloseSlow {
		t.Errorf("close code = %d, want %d", code, CloseSlow)
	}
}

func equalMessage(a, b message) bool {
	return a.Type == b.Type && a.Topic == b.Topic && a.View == b.View && a.Seq == b.Seq &&
		string(a.Data) == string(b.Data) && a.Code == b.Code && a.Message == b.Message
}

// The phones of a hub share PhoneBudget messages per second: below
// PhoneBudget × PhoneInterval clients nothing changes, above it each phone's
// interval grows with the number of clients; presenters keep their rate.
func TestPhoneBudget(t *testing.T) {
	h := New(Options{PhoneBudget: 4})
	phone := h.Register(newFakeConn(), RatePhone)
	presenter := h.Register(newFakeConn(), RatePresenter)
	interval := func(cl *Client) time.Duration {
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.interval(cl)
	}
	if got := interval(phone); got != 500*time.Millisecond {
		t.Errorf("2 clients, budget 4/s: phone interval %v, want 500ms", got)
	}
	for range 6 {
		h.Register(newFakeConn(), RatePhone)
	}
	if got := interval(phone); got != 2*time.Second {
		t.Errorf("8 clients, budget 4/s: phone interval %v, want 2s", got)
	}
	if got := interval(presenter); got != 100*time.Millisecond {
		t.Errorf("presenter interval %v, want 100ms whatever the number of phones", got)
	}
}

// After a quiet moment, a change reaches the phones spread over one
// interval, not all in one tick (a burst of writes that would starve ballot
// casting), and each phone within one interval; a presenter gets it at once.
func TestPhonesSpreadOverInterval(t *testing.T) {
	h := New(Options{Heartbeat: 24 * time.Hour, MaxBehind: 24 * time.Hour})
	var wg sync.WaitGroup
	h.startWriters(&wg)
	defer func() { h.shutdown(); wg.Wait() }()
	h.Publish("round:1", "public", []byte(`{"n":1}`))
	const phones = 200
	conns := make([]*fakeConn, phones)
	for i := range conns {
		conns[i] = newFakeConn()
		h.Register(conns[i], RatePhone).Subscribe("round:1", "public")
	}
	presenter := newFakeConn()
	h.Register(presenter, RatePresenter).Subscribe("round:1", "public")
	now := h.elapsed()
	h.tickAt(now) // the snapshots, which go out at once
	h.waitIdle()
	delivered := func() (n int) {
		for _, c := range conns {
			c.mu.Lock()
			n += len(c.raw)
			c.mu.Unlock()
		}
		return n - phones // minus the snapshots
	}
	if got := delivered(); got != 0 {
		t.Fatalf("%d updates before any publish", got)
	}

	now += int64(10 * time.Second) // quiet
	h.Publish("round:1", "public", []byte(`{"n":2}`))
	most := 0
	for tick := int64(0); tick <= int64(h.o.PhoneInterval/h.tick); tick++ {
		before := delivered()
		h.tickAt(now + tick*int64(h.tick))
		h.waitIdle()
		most = max(most, delivered()-before)
		if tick == 0 && len(presenter.messages(t)) != 2 {
			t.Fatalf("presenter has %d messages after the first tick, want snapshot and update", len(presenter.messages(t)))
		}
	}
	if got := delivered(); got != phones {
		t.Fatalf("%d of %d phones got the update within one interval", got, phones)
	}
	// 10 ticks per interval: an even spread gives 20 per tick.
	if most > phones/5 {
		t.Fatalf("%d of %d phones were written in one tick, want them spread over the interval", most, phones)
	}
}

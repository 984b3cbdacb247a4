package live

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Hub fans the latest payload of each (topic, view) out to its subscribers.
//
// Publish only stores the payload and marks the view dirty; the tick walks
// dirty views' subscribers and queues the clients that are due; a fixed pool
// of writers drains the queue. So publishing costs the same with 0 or 10,000
// subscribers, each client gets at most one flush per rate interval with the
// newest version of each subscription, and a client whose writes hang holds
// one writer, never the publisher or the other clients.
type Hub struct {
	o     Options
	tick  time.Duration // scheduling granularity: half the shortest interval
	sweep time.Duration // how often heartbeats and slow clients are checked
	start time.Time     // origin of the hub's clock (see now)

	mu        sync.Mutex
	work      sync.Cond // writers wait here for the queue or shutdown
	idle      sync.Cond // broadcast when busy drops to 0 (waitIdle)
	topics    map[string]*topic
	dirty     []*viewState // views published since the last tick
	clients   []*Client    // every registered client; Client.idx is its position
	phases    float64      // the last phone phase handed out (see Register)
	pending   []*Client    // clients with data that are not due yet (Client.listed)
	queue     []*Client    // due clients waiting for a writer (Client.queued)
	qhead     int
	busy      int // clients queued or being written
	nextSweep int64
	clock     int64 // see now; guarded by mu
	subs      int
	stopped   bool

	sent, slow, publishes atomic.Uint64
}

// topic groups the views of one topic, so that Forget and Subscribed work
// per topic.
type topic struct {
	name  string
	views []*viewState
}

// viewState is one (topic, view): its latest version and its subscribers.
type viewState struct {
	t       *topic
	view    string
	head    []byte
	seq     uint64
	cur     *version // nil: nothing published (or forgotten)
	subs    []*Client
	dirty   bool // in Hub.dirty
	loading bool // a Subscribe is running the Loader; others wait for its result
}

// New returns a hub; Run makes it deliver.
func New(o Options) *Hub {
	o = o.withDefaults()
	h := &Hub{o: o, start: time.Now(), clock: 1, topics: map[string]*topic{}}
	h.work.L, h.idle.L = &h.mu, &h.mu
	h.tick = max(min(o.PresenterInterval, o.PhoneInterval)/2, time.Millisecond)
	h.sweep = min(max(min(o.Heartbeat, o.MaxBehind)/10, h.tick), time.Second)
	return h
}

// elapsed reads the monotonic clock as nanoseconds since New, never 0, so
// that 0 can mean "unset" in the per-client timestamps (8 bytes each, not a
// time.Time).
func (h *Hub) elapsed() int64 { return int64(time.Since(h.start)) + 1 }

// now is the hub's clock as of the last tick. Per-client times need no more
// precision than a tick, and reading the system clock several times per
// flush showed up as the fan-out's largest cost on virtual machines.
func (h *Hub) now() int64 { return h.clock }

// Publish stores payload as the latest state of (topic, view) and increments
// its seq. It never blocks on clients and costs the same with or without
// subscribers. The payload must be JSON and must not be modified afterwards:
// writers send it to many clients as is.
func (h *Hub) Publish(topic, view string, payload []byte) {
	h.publishes.Add(1)
	v := &version{payload: payload}
	h.mu.Lock()
	h.store(h.viewState(topic, view), v)
	h.mu.Unlock()
}

// store makes v the current version; the next tick tells the subscribers.
func (h *Hub) store(vs *viewState, v *version) {
	vs.seq++
	v.seq, v.head = vs.seq, vs.head
	vs.cur = v
	if len(vs.subs) > 0 && !vs.dirty {
		vs.dirty = true
		h.dirty = append(h.dirty, vs)
	}
}

// viewState finds or creates (topic, view).
func (h *Hub) viewState(name, view string) *viewState {
	t := h.topics[name]
	if t == nil {
		t = &topic{name: name}
		h.topics[name] = t
	}
	for _, vs := range t.views {
		if vs.view == view {
			return vs
		}
	}
	vs := &viewState{t: t, view: view, head: encodeHead(name, view)}
	t.views = append(t.views, vs)
	return vs
}

// prune drops the views of t that hold nothing and serve no one, and t when
// no view is left, so that topics come and go without leaking.
func (h *Hub) prune(t *topic) {
	t.views = slices.DeleteFunc(t.views, func(vs *viewState) bool {
		return vs.cur == nil && len(vs.subs) == 0 && !vs.loading
	})
	if len(t.views) == 0 && h.topics[t.name] == t {
		delete(h.topics, t.name)
	}
}

// Forget drops the stored payloads of a topic (e.g. a deleted round).
// Subscribers stay subscribed; seq keeps counting for them if the topic is
// published again.
func (h *Hub) Forget(topic string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if t := h.topics[topic]; t != nil {
		for _, vs := range t.views {
			vs.cur = nil
		}
		h.prune(t)
	}
}

// Subscribed lists, sorted, the topics with at least one subscriber: the
// producer refreshes only these.
func (h *Hub) Subscribed() []string {
	h.mu.Lock()
	var names []string
	for name, t := range h.topics {
		for _, vs := range t.views {
			if len(vs.subs) > 0 {
				names = append(names, name)
				break
			}
		}
	}
	h.mu.Unlock()
	slices.Sort(names)
	return names
}

// Stats reports the gauges and counters for /metrics.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	s := Stats{Clients: len(h.clients), Subscriptions: h.subs}
	h.mu.Unlock()
	s.MessagesSent, s.SlowDisconnects, s.Publishes = h.sent.Load(), h.slow.Load(), h.publishes.Load()
	return s
}

// Stats are the hub's gauges and counters, for /metrics.
type Stats struct {
	Clients         int    // registered connections
	Subscriptions   int    // (connection, topic) pairs
	MessagesSent    uint64 // messages written: snapshots, updates, errors, heartbeats
	SlowDisconnects uint64 // connections closed for falling behind or timing out
	Publishes       uint64 // Publish calls
}

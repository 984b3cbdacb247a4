package live

import (
	"errors"
	"time"
)

// maxQueuedErrors bounds the error messages waiting for one client, so a
// client that provokes errors faster than it reads cannot grow the heap.
const maxQueuedErrors = 16

// Client is the hub's state for one connection. It is deliberately small (no
// payload copies: subscriptions point at the shared latest version) because
// there may be 10,000 of them. All fields are guarded by Hub.mu.
type Client struct {
	h    *Hub
	conn Conn
	subs []sub
	errs [][]byte // error messages waiting to be written
	idx  int      // position in Hub.clients

	// Hub clock readings (see Hub.now); 0 means unset.
	lastFlush int64   // start of the last flush: the rate limit counts from here
	nextAt    int64   // phones: the earliest next flush, on the client's own grid (see slot)
	phase     float64 // phones: where in the interval the client's grid lies, 0 ≤ phase < 1
	lastWrite int64   // end of the last flush: heartbeats count from here
	behind    int64   // since when data has waited that no flush has taken yet
	since     int64   // start of the write in flight

	rate     Rate
	listed   bool // in Hub.pending
	queued   bool // in Hub.queue
	inflight bool // a writer is writing to conn
	urgent   bool // a snapshot or error is waiting: deliver at the next tick, whatever the rate
	hb       bool // a heartbeat is due
	closed   bool // unregistered; the hub forgets it lazily in its lists
}

// sub is one subscription: the view and the last seq written to the client.
type sub struct {
	vs   *viewState
	sent uint64
	idx  int32 // position in vs.subs
	snap bool  // the next delivery is a snapshot
}

// Register adds a connection. After Run has stopped, the connection is
// closed with CloseShutdown at once and the returned client does nothing.
func (h *Hub) Register(c Conn, rate Rate) *Client {
	cl := &Client{h: h, conn: c, rate: rate}
	h.mu.Lock()
	if h.stopped {
		cl.closed = true
		h.mu.Unlock()
		c.Close(CloseShutdown, "server stopping")
		return cl
	}
	cl.lastWrite = h.now()
	// The golden ratio spreads any number of phones evenly over the interval.
	h.phases += 0.6180339887498949
	h.phases -= float64(int(h.phases))
	cl.phase = h.phases
	cl.idx = len(h.clients)
	h.clients = append(h.clients, cl)
	h.mu.Unlock()
	return cl
}

// Unregister removes a client; it is idempotent. The adapter calls it when
// the read loop ends; it does not close the connection.
func (h *Hub) Unregister(cl *Client) {
	h.mu.Lock()
	h.drop(cl)
	h.mu.Unlock()
}

// drop forgets cl everywhere except the pending list and the queue, which
// skip closed clients when they meet them. It reports whether cl was live.
func (h *Hub) drop(cl *Client) bool {
	if cl.closed {
		return false
	}
	cl.closed = true
	for len(cl.subs) > 0 {
		h.detach(cl, len(cl.subs)-1)
	}
	last := h.clients[len(h.clients)-1]
	h.clients[cl.idx], last.idx = last, cl.idx
	h.clients[len(h.clients)-1] = nil
	h.clients = h.clients[:len(h.clients)-1]
	cl.errs = nil
	return true
}

// Subscribe follows topic in view, replacing an existing subscription's
// view. A snapshot follows within one tick, not waiting for the rate
// interval; if the hub holds no payload yet, the Loader provides it (called
// here, outside locks, by one subscriber at a time per view).
func (cl *Client) Subscribe(topic, view string) {
	h := cl.h
	h.mu.Lock()
	if cl.closed {
		h.mu.Unlock()
		return
	}
	vs := h.viewState(topic, view)
	i := cl.find(topic)
	switch {
	case i < 0:
		cl.subs = append(cl.subs, sub{vs: vs})
		i = len(cl.subs) - 1
		h.attach(cl, i)
		h.subs++
	case cl.subs[i].vs != vs:
		old := cl.subs[i].vs
		h.detachFrom(cl, old, int(cl.subs[i].idx))
		cl.subs[i].vs = vs
		h.attach(cl, i)
		h.prune(old.t)
	}
	cl.subs[i].sent, cl.subs[i].snap = 0, true
	if vs.cur != nil {
		h.mark(cl, h.now(), true)
	}
	load := vs.cur == nil && !vs.loading && h.o.Loader != nil
	if load {
		vs.loading = true
	}
	h.mu.Unlock()
	if load {
		h.load(vs, topic, view)
	}
}

// load runs the Loader for vs and stores its payload unless a Publish came
// first. On failure every subscriber still waiting for its first payload of
// vs gets the error.
func (h *Hub) load(vs *viewState, topic, view string) {
	payload, err := h.o.Loader(topic, view)
	h.mu.Lock()
	defer h.mu.Unlock()
	vs.loading = false
	switch {
	case err != nil:
		code, msg := "unavailable", "Could not load the current state."
		if le := (*LoadError)(nil); errors.As(err, &le) {
			code, msg = le.Code, le.Message
		}
		e := encodeError(topic, code, msg)
		now := h.now()
		for _, cl := range vs.subs {
			if s := &cl.subs[cl.subIndex(vs)]; s.snap && vs.cur == nil {
				h.queueError(cl, e, now)
			}
		}
	case payload != nil && vs.cur == nil:
		h.store(vs, &version{payload: payload})
	}
	h.prune(vs.t)
}

// Unsubscribe stops delivery of topic.
func (cl *Client) Unsubscribe(topic string) {
	h := cl.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if i := cl.find(topic); i >= 0 && !cl.closed {
		h.detach(cl, i)
	}
}

// SetRate changes how often the client may be flushed, e.g. when a
// moderator's phone turns into a presenter screen.
func (cl *Client) SetRate(r Rate) {
	cl.h.mu.Lock()
	cl.rate = r
	cl.h.mu.Unlock()
}

// SendError queues an error message; it goes out with the next flush, at
// the next tick whatever the rate, since it answers something the client did.
func (cl *Client) SendError(topic, code, message string) {
	e := encodeError(topic, code, message)
	h := cl.h
	h.mu.Lock()
	if !cl.closed {
		h.queueError(cl, e, h.now())
	}
	h.mu.Unlock()
}

func (h *Hub) queueError(cl *Client, e []byte, now int64) {
	if len(cl.errs) < maxQueuedErrors {
		cl.errs = append(cl.errs, e)
	}
	h.mark(cl, now, true)
}

// mark notes that cl has something to deliver. A queued client needs
// nothing more: its writer collects everything when it starts.
func (h *Hub) mark(cl *Client, now int64, urgent bool) {
	cl.urgent = cl.urgent || urgent
	if cl.queued || cl.listed {
		return
	}
	if cl.rate == RatePhone && cl.nextAt < now {
		cl.nextAt = h.slot(cl, now) // idle until now: wait for the client's own slot
	}
	cl.listed = true
	if cl.behind == 0 {
		cl.behind = now
	}
	h.pending = append(h.pending, cl)
}

// find returns the index of cl's subscription to topic, or -1.
func (cl *Client) find(topic string) int {
	for i := range cl.subs {
		if cl.subs[i].vs.t.name == topic {
			return i
		}
	}
	return -1
}

// subIndex returns the index of cl's subscription to vs; vs.subs holds only
// subscribed clients, so it exists.
func (cl *Client) subIndex(vs *viewState) int {
	for i := range cl.subs {
		if cl.subs[i].vs == vs {
			return i
		}
	}
	panic("live: subscriber without subscription")
}

// attach adds cl to the subscribers of its i-th subscription's view.
func (h *Hub) attach(cl *Client, i int) {
	vs := cl.subs[i].vs
	cl.subs[i].idx = int32(len(vs.subs))
	vs.subs = append(vs.subs, cl)
}

// detach ends cl's i-th subscription.
func (h *Hub) detach(cl *Client, i int) {
	s := cl.subs[i]
	h.detachFrom(cl, s.vs, int(s.idx))
	cl.subs[i] = cl.subs[len(cl.subs)-1]
	cl.subs[len(cl.subs)-1] = sub{}
	cl.subs = cl.subs[:len(cl.subs)-1]
	h.subs--
	h.prune(s.vs.t)
}

// detachFrom removes cl from vs.subs at position at (swap with the last).
func (h *Hub) detachFrom(cl *Client, vs *viewState, at int) {
	last := len(vs.subs) - 1
	if moved := vs.subs[last]; at != last {
		vs.subs[at] = moved
		moved.subs[moved.subIndex(vs)].idx = int32(at)
	}
	vs.subs[last] = nil
	vs.subs = vs.subs[:last]
}

// slot returns the first time ≥ t on cl's grid: the instants k·interval −
// phase·interval. Phones are flushed only on their grid. Without it, the
// first change after a quiet moment reaches every phone in the same tick,
// and they then stay in step: 10,000 writes every interval in one burst,
// during which ballots wait for the CPU. On the grid the writes spread
// evenly over the interval, at the cost of at most one interval's delay
// for a phone (which its rate allows anyway). Called with h.mu held.
func (h *Hub) slot(cl *Client, t int64) int64 {
	iv := int64(h.interval(cl))
	ph := int64(cl.phase * float64(iv))
	k := (t + ph + iv - 1) / iv
	return k*iv - ph
}

// interval is the shortest time between two flushes at cl's rate. Phones
// share PhoneBudget: with more clients than PhoneBudget × PhoneInterval
// (5,000 by default) each phone's interval stretches, so that the fan-out
// stays near PhoneBudget writes per second however many phones connect and
// the CPU it would take is left to casting ballots. Called with h.mu held.
func (h *Hub) interval(cl *Client) time.Duration {
	if cl.rate == RatePresenter {
		return h.o.PresenterInterval
	}
	return max(h.o.PhoneInterval, time.Duration(len(h.clients))*time.Second/time.Duration(h.o.PhoneBudget))
}

package live

import (
	"errors"
	"time"
)

// writer serves the queue until shutdown. Each client is written by one
// writer at a time (queued and inflight exclude each other), and what it
// writes is chosen when it starts, so newer versions published meanwhile
// simply wait for the next flush. Finishing one client and taking the next
// share one lock acquisition: the lock, not the writing, is the hub's cost.
func (h *Hub) writer() {
	var (
		batch []out
		cl    *Client
		err   error
	)
	for {
		h.mu.Lock()
		if cl != nil && h.finish(cl, err) {
			h.mu.Unlock()
			if isTimeout(err) {
				h.slow.Add(1)
			}
			cl.conn.Close(CloseSlow, "write failed, reconnect")
			h.mu.Lock()
		}
		cl, batch = h.next(batch[:0])
		deadline := h.deadline()
		h.mu.Unlock()
		if cl == nil {
			return
		}
		err = h.flush(cl, batch, deadline)
		clear(batch) // do not pin old versions
	}
}

// next waits for a client with something to write and gathers its batch; it
// returns nil once the hub stops.
func (h *Hub) next(batch []out) (*Client, []out) {
	for {
		for h.qhead == len(h.queue) && !h.stopped {
			h.work.Wait()
		}
		if h.stopped {
			return nil, batch
		}
		cl := h.dequeue()
		if !cl.closed {
			if batch = h.gather(cl, batch); len(batch) > 0 {
				return cl, batch
			}
		}
		h.done()
	}
}

func (h *Hub) dequeue() *Client {
	cl := h.queue[h.qhead]
	h.queue[h.qhead] = nil
	h.qhead++
	switch {
	case h.qhead == len(h.queue):
		h.queue, h.qhead = h.queue[:0], 0
	case h.qhead > 1024 && h.qhead > len(h.queue)/2:
		n := copy(h.queue, h.queue[h.qhead:])
		clear(h.queue[n:])
		h.queue, h.qhead = h.queue[:n], 0
	}
	cl.queued = false
	return cl
}

// gather picks what cl gets in this flush: queued errors, then the newest
// version of every subscription it has not seen, or else a heartbeat. A
// non-empty batch makes cl in flight.
func (h *Hub) gather(cl *Client, batch []out) []out {
	for _, e := range cl.errs {
		batch = append(batch, out{raw: e})
	}
	cl.errs = nil
	for i := range cl.subs {
		s := &cl.subs[i]
		if v := s.vs.cur; v != nil && v.seq != s.sent {
			batch = append(batch, out{v: v, snap: s.snap})
			s.sent, s.snap = v.seq, false
		}
	}
	if len(batch) == 0 && cl.hb {
		batch = append(batch, out{raw: heartbeat})
	}
	cl.hb, cl.urgent, cl.behind = false, false, 0
	if len(batch) > 0 {
		now := h.now()
		cl.inflight, cl.since, cl.lastFlush = true, now, now
		if cl.rate == RatePhone {
			cl.nextAt = h.slot(cl, now+int64(h.interval(cl))/2) // the next grid point after this one
		}
	}
	return batch
}

// deadline is when a write starting now must be done: WriteTimeout from
// the hub's clock, plus a tick since that clock may be a tick old.
func (h *Hub) deadline() time.Time {
	return h.start.Add(time.Duration(h.clock) + h.o.WriteTimeout + h.tick)
}

// flush writes the batch as separate messages under one deadline.
func (h *Hub) flush(cl *Client, batch []out, deadline time.Time) error {
	for i, o := range batch {
		if err := cl.conn.Write(o.bytes(), deadline); err != nil {
			h.sent.Add(uint64(i))
			return err
		}
	}
	h.sent.Add(uint64(len(batch)))
	return nil
}

// finish ends a flush. A failed write ends the client: finish unregisters
// it and reports that the caller must close it.
func (h *Hub) finish(cl *Client, err error) bool {
	cl.inflight, cl.since, cl.lastWrite = false, 0, h.now()
	dropped := err != nil && h.drop(cl)
	h.done()
	return dropped
}

// done ends a client's turn at a writer.
func (h *Hub) done() {
	if h.busy--; h.busy == 0 {
		h.idle.Broadcast()
	}
}

// waitIdle waits until no client is queued or being written; tests and
// benchmarks use it to step the hub deterministically.
func (h *Hub) waitIdle() {
	h.mu.Lock()
	for h.busy > 0 && !h.stopped {
		h.idle.Wait()
	}
	h.mu.Unlock()
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

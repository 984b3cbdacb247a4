package live

// tickAt turns published versions into due clients: it marks the
// subscribers of dirty views, queues the pending clients that are due, and
// now and then sweeps all clients for heartbeats and slowness.
func (h *Hub) tickAt(now int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.clock = max(h.clock, now)
	// Wake the writers once, when the lock is about to be free for them,
	// rather than per queued client.
	defer func(queued int) {
		if len(h.queue) > queued {
			h.work.Broadcast()
		}
	}(len(h.queue))
	for i, vs := range h.dirty {
		vs.dirty = false
		for _, cl := range vs.subs {
			h.mark(cl, now, cl.subs[cl.subIndex(vs)].snap)
		}
		h.dirty[i] = nil
	}
	h.dirty = h.dirty[:0]

	keep := h.pending[:0]
	for _, cl := range h.pending {
		switch {
		case cl.closed:
			cl.listed = false
		case cl.inflight || !(cl.urgent || h.due(cl, now)):
			keep = append(keep, cl)
		default:
			cl.listed = false
			h.enqueue(cl)
		}
	}
	clear(h.pending[len(keep):])
	h.pending = keep

	if now >= h.nextSweep {
		h.nextSweep = now + int64(h.sweep)
		h.sweepAt(now)
	}
}

// due reports whether cl's rate allows a flush now. Half a tick of slack
// keeps ticker jitter from making a presenter skip every other tick.
func (h *Hub) due(cl *Client, now int64) bool {
	if cl.rate == RatePhone {
		return now >= cl.nextAt-int64(h.tick/2)
	}
	return cl.lastFlush == 0 || now-cl.lastFlush >= int64(h.interval(cl)-h.tick/2)
}

// sweepAt closes clients that fell behind and queues heartbeats for idle
// ones.
func (h *Hub) sweepAt(now int64) {
	var slow []*Client
	hb := int64(h.o.Heartbeat)
	for _, cl := range h.clients {
		switch {
		case h.isSlow(cl, now):
			slow = append(slow, cl)
		case !cl.inflight && !cl.queued && !cl.listed && now-cl.lastWrite >= hb:
			cl.hb = true
			h.enqueue(cl)
		}
	}
	for _, cl := range slow {
		h.drop(cl)
		h.slow.Add(1)
		go cl.conn.Close(CloseSlow, "too slow, reconnect")
	}
}

// isSlow: a write has been in flight for longer than MaxBehind, or data has
// waited longer than MaxBehind beyond what the client's rate explains.
func (h *Hub) isSlow(cl *Client, now int64) bool {
	limit := int64(h.o.MaxBehind)
	return cl.inflight && now-cl.since > limit ||
		cl.behind != 0 && now-cl.behind > limit+int64(h.interval(cl))
}

func (h *Hub) enqueue(cl *Client) {
	cl.queued = true
	h.busy++
	h.queue = append(h.queue, cl)
}

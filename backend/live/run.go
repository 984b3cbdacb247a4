package live

import (
	"context"
	"sync"
	"time"
)

// Run ticks and writes until ctx is done; then it closes all clients with
// CloseShutdown and returns once the writers have stopped. Call it once.
func (h *Hub) Run(ctx context.Context) {
	var wg sync.WaitGroup
	h.startWriters(&wg)
	t := time.NewTicker(h.tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			h.shutdown()
			wg.Wait()
			return
		case <-t.C:
			h.tickAt(h.elapsed())
		}
	}
}

func (h *Hub) startWriters(wg *sync.WaitGroup) {
	for range h.o.Workers {
		wg.Go(h.writer)
	}
}

// shutdown stops the writers and closes every client with CloseShutdown,
// Workers at a time, so that 10,000 close frames do not take one by one.
func (h *Hub) shutdown() {
	h.mu.Lock()
	h.stopped = true
	h.work.Broadcast()
	cls := append([]*Client(nil), h.clients...)
	for _, cl := range cls {
		h.drop(cl)
	}
	h.pending, h.queue, h.qhead, h.dirty = nil, nil, 0, nil
	h.idle.Broadcast()
	h.mu.Unlock()

	ch := make(chan *Client)
	var wg sync.WaitGroup
	for range min(h.o.Workers, len(cls)) {
		wg.Go(func() {
			for cl := range ch {
				cl.conn.Close(CloseShutdown, "server stopping")
			}
		})
	}
	for _, cl := range cls {
		ch <- cl
	}
	close(ch)
	wg.Wait()
}

package web

import (
	"strconv"
	"sync"
	"time"
)

// rateLimiter counts failures per key in a fixed window. It is in memory, per
// instance: enough to make password guessing futile (10 tries per 10 minutes
// per address and per account) without a shared cache.
type rateLimiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string]*window
	now    func() time.Time
}

type window struct {
	start time.Time
	count int
}

func newRateLimiter(max int, per time.Duration) *rateLimiter {
	return &rateLimiter{max: max, window: per, hits: map[string]*window{}, now: time.Now}
}

// blocked reports how long key must wait, or 0 if it may try.
func (r *rateLimiter) blocked(key string) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.hits[key]
	now := r.now()
	if w == nil || now.Sub(w.start) >= r.window || w.count < r.max {
		return 0
	}
	return w.start.Add(r.window).Sub(now)
}

// fail counts one failure for key.
func (r *rateLimiter) fail(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if len(r.hits) > 100000 { // bound memory under a spray of keys
		for k, w := range r.hits {
			if now.Sub(w.start) >= r.window {
				delete(r.hits, k)
			}
		}
	}
	w := r.hits[key]
	if w == nil || now.Sub(w.start) >= r.window {
		w = &window{start: now}
		r.hits[key] = w
	}
	w.count++
}

// retryAfter formats a wait for the Retry-After header, rounded up to whole seconds.
func retryAfter(wait time.Duration) string {
	return strconv.Itoa(int((wait + time.Second - 1) / time.Second))
}

// reset forgets key, after a successful login.
func (r *rateLimiter) reset(key string) {
	r.mu.Lock()
	delete(r.hits, key)
	r.mu.Unlock()
}

package backend

import (
	"sync"
	"time"
)

// roundCache keeps the round, session and conference that ballots refer to.
// Casting a ballot needs all three to check the ballot, and at the height of
// a vote thousands of phones ask for the same round within seconds: reading
// them once per ballot was a fifth of the server's CPU. Only CastBallot uses
// the cache, and the Store still checks inside the ballot's transaction that
// the round is open, so a stale entry can at worst reject a ballot the phone
// then sends again, never store one in a closed round.
//
// Entries live for roundCacheTTL. This process forgets them at once when it
// changes a round, session or conference; the live feed forgets them when the
// change feed shows another instance did.
type roundCache struct {
	mu sync.Mutex
	m  map[int64]roundCacheEntry
}

// roundCacheTTL bounds how long another instance's change to a session or
// conference (a phase change, say) may go unseen by a ballot here when no
// live feed is running.
const roundCacheTTL = time.Second

type roundCacheEntry struct {
	round   *Round // shared by concurrent ballots: read only
	session *AgendaSession
	conf    *Conference
	// requireCheckIn is the conference's registration setting.
	requireCheckIn bool
	expires        time.Time
}

func (c *roundCache) get(id int64) (roundCacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || time.Now().After(e.expires) {
		return roundCacheEntry{}, false
	}
	return e, true
}

func (c *roundCache) put(id int64, e roundCacheEntry) {
	e.expires = time.Now().Add(roundCacheTTL)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 1000 {
		c.m = map[int64]roundCacheEntry{}
	}
	c.m[id] = e
}

// clear forgets everything; rounds, sessions and conferences change rarely
// compared to ballots, so finer invalidation is not worth its bugs.
func (c *roundCache) clear() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

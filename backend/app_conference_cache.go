package backend

import (
	"context"
	"sync"
	"time"
)

// conferenceCache keeps the list of all conferences (drafts included) that
// every search needs to know what the reader may see. Search as you type
// asks many times a second, and the list changes a few times a year; on a
// large installation reading it was a seventh of a search's CPU.
//
// Entries live for conferenceCacheTTL. This process forgets the list at once
// when it writes a conference; the live feed forgets it when the change
// feed shows another instance did. The hits of a search are still checked
// against the list, so a stale list can only show or hide a conference that
// another instance changed during the last second.
type conferenceCache struct {
	mu      sync.Mutex
	list    []*Conference // read only once cached
	expires time.Time
	gen     int // counts clears, so that a list read before a clear is not kept
}

// conferenceCacheTTL bounds how long another instance's change to a
// conference may go unseen by search here when no live feed is running.
const conferenceCacheTTL = time.Second

// all returns every conference, from the cache when it is fresh.
func (c *conferenceCache) all(ctx context.Context, store Store) ([]*Conference, error) {
	c.mu.Lock()
	if c.list != nil && time.Now().Before(c.expires) {
		list := c.list
		c.mu.Unlock()
		return list, nil
	}
	gen := c.gen
	c.mu.Unlock()
	var list []*Conference
	for offset := 0; ; offset += MaxPageSize {
		cs, total, err := store.FindConferences(ctx, ConferenceFilter{IncludeDrafts: true, Offset: offset, Limit: MaxPageSize})
		if err != nil {
			return nil, err
		}
		list = append(list, cs...)
		if len(cs) == 0 || offset+len(cs) >= total {
			break
		}
	}
	if list == nil {
		list = []*Conference{}
	}
	c.mu.Lock()
	if c.gen == gen {
		c.list, c.expires = list, time.Now().Add(conferenceCacheTTL)
	}
	c.mu.Unlock()
	return list, nil
}

// clear forgets the list.
func (c *conferenceCache) clear() {
	c.mu.Lock()
	c.list = nil
	c.gen++
	c.mu.Unlock()
}

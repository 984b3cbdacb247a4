package bleve

import (
	"errors"
	"strconv"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// errNoDocValues: a segment without doc values cannot give columns; every
// segment scorch writes has them.
var errNoDocValues = errors.New("segment has no doc values")

// columns hold, for every document of one index segment (by its number in
// the segment), what filtering, facet counting and sorting need: the idea
// id, the sort values and the facet values as interned numbers. A search
// reads them from memory instead of decoding bleve's doc values for every
// match; on 100,000 ideas that decoding was a quarter of a query's time.
//
// Segments never change once written (scorch writes new ones and merges
// old ones into new ones), so a segment's columns are built once, the first
// time a search meets the segment, and dropped when the segment leaves the
// index (see columnCache).
type columns struct {
	id, supports, votes, created []int64
	// facetAt[d]:facetAt[d+1] is document d's range in facets, the ids of
	// its fFacet terms in the Index's internTable.
	facetAt []uint32
	facets  []uint32
	hidden  *roaring.Bitmap
}

// facetsOf lists document d's interned facet terms.
func (c *columns) facetsOf(d uint32) []uint32 { return c.facets[c.facetAt[d]:c.facetAt[d+1]] }

// buildColumns reads every document of seg (deleted ones too: their numbers
// stay in use until a merge drops them).
func buildColumns(seg segment.Segment, terms *internTable) (*columns, error) {
	n := int(seg.Count())
	c := &columns{
		id: make([]int64, n), supports: make([]int64, n), votes: make([]int64, n), created: make([]int64, n),
		facetAt: make([]uint32, n+1), facets: make([]uint32, 0, 6*n), hidden: roaring.New(),
	}
	if dv, ok := seg.(segment.DocValueVisitable); ok {
		fields := []string{fFacet, fID, fSupports, fVotes, fCreatedAt}
		var state segment.DocVisitState
		for d := range n {
			var err error
			state, err = dv.VisitDocValues(uint64(d), fields, func(field string, term []byte) {
				switch field {
				case fFacet:
					c.facets = append(c.facets, terms.id(term))
				case fID:
					c.id[d] = unsortable(term)
				case fSupports:
					c.supports[d] = unsortable(term)
				case fVotes:
					c.votes[d] = unsortable(term)
				case fCreatedAt:
					c.created[d] = unsortable(term)
				}
			}, state)
			if err != nil {
				return nil, err
			}
			c.facetAt[d+1] = uint32(len(c.facets))
		}
	} else if n > 0 {
		return nil, errNoDocValues
	}
	dict, err := seg.Dictionary(fHidden)
	if err != nil {
		return nil, err
	}
	pl, err := dict.PostingsList([]byte("T"), nil, nil)
	if err != nil {
		return nil, err
	}
	it := pl.Iterator(false, false, false, nil)
	for {
		p, err := it.Next()
		if err != nil {
			return nil, err
		}
		if p == nil {
			break
		}
		c.hidden.Add(uint32(p.Number()))
	}
	return c, nil
}

// unsortable decodes the leading value of a sortable key (see sortable).
func unsortable(key []byte) int64 {
	if len(key) < 16 {
		return 0
	}
	u, err := strconv.ParseUint(string(key[:16]), 16, 64)
	if err != nil {
		return 0
	}
	return int64(u ^ 1<<63)
}

// columnCache keeps the columns of the segments searches have met. Entries
// are keyed by the segment itself; a segment that a search no longer sees
// (merged away) is dropped by the next search.
type columnCache struct {
	mu sync.Mutex
	m  map[segment.Segment]*columnEntry
}

type columnEntry struct {
	once sync.Once
	cols *columns
	err  error
}

// get returns the columns of segs, building those not cached yet, and
// forgets the segments that are not in segs.
func (cc *columnCache) get(segs []segment.Segment, terms *internTable) ([]*columns, error) {
	cc.mu.Lock()
	if cc.m == nil {
		cc.m = map[segment.Segment]*columnEntry{}
	}
	entries := make([]*columnEntry, len(segs))
	current := make(map[segment.Segment]bool, len(segs))
	for i, s := range segs {
		current[s] = true
		e := cc.m[s]
		if e == nil {
			e = &columnEntry{}
			cc.m[s] = e
		}
		entries[i] = e
	}
	for s := range cc.m {
		if !current[s] {
			delete(cc.m, s)
		}
	}
	cc.mu.Unlock()

	out := make([]*columns, len(segs))
	for i, e := range entries {
		e.once.Do(func() { e.cols, e.err = buildColumns(segs[i], terms) })
		if e.err != nil {
			cc.mu.Lock()
			if cc.m[segs[i]] == e {
				delete(cc.m, segs[i]) // try again next time
			}
			cc.mu.Unlock()
			return nil, e.err
		}
		out[i] = e.cols
	}
	return out, nil
}

// internTable numbers the fFacet terms (facet code + value) so that columns
// and counts deal in small integers. It only grows: the distinct facet
// values of an installation (conferences, years, topics, departments,
// statuses, sessions) are few.
type internTable struct {
	mu    sync.RWMutex
	ids   map[string]uint32
	names []string
}

// id returns term's number, adding it if it is new.
func (t *internTable) id(term []byte) uint32 {
	t.mu.RLock()
	id, ok := t.ids[string(term)]
	t.mu.RUnlock()
	if ok {
		return id
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.ids[string(term)]; ok {
		return id
	}
	if t.ids == nil {
		t.ids = map[string]uint32{}
	}
	id = uint32(len(t.names))
	t.names = append(t.names, string(term))
	t.ids[string(term)] = id
	return id
}

// lookup returns term's number without adding it.
func (t *internTable) lookup(term string) (uint32, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	id, ok := t.ids[term]
	return id, ok
}

// snapshot returns the terms numbered so far (index = id).
func (t *internTable) snapshot() []string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.names[:len(t.names):len(t.names)]
}

package bleve

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"ideenmarkt/backend"
)

// collector filters the matches of a search, counts their facet values and
// keeps the best offset+limit of them in a heap. It works on columns (see
// columns.go), so a match costs a few array reads, whatever the index size.
type collector struct {
	// role[t] has bit 0 set if facet term t is one of the query's
	// conferences, and bit 1+i if it is a value that filter i accepts; a
	// match must have every bit of need.
	role []uint8
	need uint8
	// asked[t]: term t is a value of a facet to count; counts[t] its matches.
	asked         []bool
	counts        []int32
	includeHidden bool

	sort  backend.SearchSort
	k     int   // offset + limit
	heap  []hit // min-heap: heap[0] is the worst kept hit
	total int
}

// hit is a match on its way to the page.
type hit struct {
	score float32 // relevance; 0 without text
	key   int64   // the sort value of a field sort
	id    int64
	seg   int32  // where it is: segment (index in the search's list)
	doc   uint32 // and document number in it
}

// newCollector prepares the filters of q over the facet terms named so
// far (names[t] is term t); a filter value no document has matches nothing.
func newCollector(q backend.SearchQuery, names []string, offset, limit int) (*collector, error) {
	c := &collector{
		role: make([]uint8, len(names)), need: 1,
		asked: make([]bool, len(names)), counts: make([]int32, len(names)),
		includeHidden: q.IncludeHidden, sort: q.Sort, k: offset + limit,
	}
	index := make(map[string]int, len(names))
	for i, n := range names {
		index[n] = i
	}
	mark := func(term string, bit uint8) {
		if i, ok := index[term]; ok {
			c.role[i] |= bit
		}
	}
	for _, id := range q.ConferenceIDs {
		mark(facetTerm(backend.FacetConference, strconv.FormatInt(id, 10)), 1)
	}
	bit := uint8(2)
	for _, facet := range sortedKeys(q.Filters) {
		values := q.Filters[facet]
		if !isFacet(facet) {
			return nil, backend.Errorf(backend.EINVALID, "Unknown filter %q.", facet)
		}
		if len(values) == 0 {
			continue
		}
		for _, v := range values {
			if facet == backend.FacetConference || facet == backend.FacetYear {
				n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				if err != nil {
					return nil, backend.Errorf(backend.EINVALID, "Filter %s: %q is not a number.", facet, v)
				}
				v = strconv.FormatInt(n, 10)
			}
			mark(facetTerm(facet, v), bit)
		}
		c.need |= bit
		bit <<= 1
	}
	for _, f := range q.Facets {
		code := facetCodes[f]
		for i, n := range names {
			if n[0] == code {
				c.asked[i] = true
			}
		}
	}
	return c, nil
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// add offers document d of segment seg with its columns cols.
func (c *collector) add(seg int, cols *columns, hidden bool, d uint32, score float32) {
	if hidden && !c.includeHidden {
		return
	}
	terms := cols.facetsOf(d)
	var have uint8
	for _, t := range terms {
		have |= c.role[t]
	}
	if have&c.need != c.need {
		return
	}
	for _, t := range terms {
		if c.asked[t] {
			c.counts[t]++
		}
	}
	c.total++
	h := hit{id: cols.id[d], seg: int32(seg), doc: d}
	switch c.sort {
	case "", backend.SearchRelevance:
		h.score = score
	case backend.SearchSupports:
		h.key = cols.supports[d]
	case backend.SearchVotes:
		h.key = cols.votes[d]
	case backend.SearchNewest:
		h.key = cols.created[d]
	}
	c.push(h)
}

// addSegment offers every document of a segment that is not deleted (a
// search without text).
func (c *collector) addSegment(seg int, cols *columns, deleted *roaring.Bitmap) {
	checkHidden := !cols.hidden.IsEmpty()
	for d := range uint32(len(cols.id)) {
		if deleted != nil && deleted.Contains(d) {
			continue
		}
		c.add(seg, cols, checkHidden && cols.hidden.Contains(d), d, 0)
	}
}

// better orders hits best first: by score or the sort's key, ties by id,
// highest first.
func (c *collector) better(a, b hit) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if a.key != b.key {
		return a.key > b.key
	}
	return a.id > b.id
}

func (c *collector) push(h hit) {
	if c.k == 0 {
		return
	}
	if len(c.heap) < c.k {
		c.heap = append(c.heap, h)
		for i := len(c.heap) - 1; i > 0; { // sift up: the worst rises to the root
			p := (i - 1) / 2
			if !c.better(c.heap[p], c.heap[i]) {
				break
			}
			c.heap[p], c.heap[i] = c.heap[i], c.heap[p]
			i = p
		}
		return
	}
	if !c.better(h, c.heap[0]) {
		return
	}
	c.heap[0] = h
	for i := 0; ; { // sift down
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(c.heap) && c.better(c.heap[worst], c.heap[l]) {
			worst = l
		}
		if r < len(c.heap) && c.better(c.heap[worst], c.heap[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		c.heap[i], c.heap[worst] = c.heap[worst], c.heap[i]
		i = worst
	}
}

// page returns the hits from offset on, best first.
func (c *collector) page(offset int) []hit {
	slices.SortFunc(c.heap, func(a, b hit) int {
		if c.better(a, b) {
			return -1
		}
		if c.better(b, a) {
			return 1
		}
		return 0
	})
	if offset >= len(c.heap) {
		return nil
	}
	return c.heap[offset:]
}

// reset forgets what was collected (the any-word fallback starts again).
func (c *collector) reset() {
	clear(c.counts)
	c.heap, c.total = c.heap[:0], 0
}

// facetCounts returns the counts of the facets asked for, each list most
// frequent first, ties by value, cut to maxFacetValues; names[t] is term t.
func (c *collector) facetCounts(facets []string, names []string) map[string][]backend.FacetCount {
	out := make(map[string][]backend.FacetCount, len(facets))
	for _, f := range facets {
		out[f] = []backend.FacetCount{}
	}
	for t, n := range c.counts {
		if n == 0 {
			continue
		}
		facet, value, ok := parseFacetTerm(names[t])
		if counts, want := out[facet]; ok && want {
			out[facet] = append(counts, backend.FacetCount{Value: value, Count: int(n)})
		}
	}
	for f, counts := range out {
		slices.SortFunc(counts, func(a, b backend.FacetCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
		})
		out[f] = counts[:min(len(counts), maxFacetValues)]
	}
	return out
}

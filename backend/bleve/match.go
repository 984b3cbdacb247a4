package bleve

import (
	"context"
	"math"
	"slices"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// clause is one way a query word matches a document: term in field, with
// weight (the field's boost times the kind of match, see termClauses);
// marked clauses are on a field that is highlighted.
type clause struct {
	field  string
	term   []byte
	weight float64
	marked bool
}

// segmentRef is a segment of the index as one search sees it.
type segmentRef struct {
	seg     segment.Segment
	deleted *roaring.Bitmap // nil: none
	cols    *columns
	dicts   map[string]segment.TermDictionary
}

// dict returns the segment's term dictionary of field, opened once per
// search.
func (s *segmentRef) dict(field string) (segment.TermDictionary, error) {
	if d, ok := s.dicts[field]; ok {
		return d, nil
	}
	d, err := s.seg.Dictionary(field)
	if err != nil {
		return nil, err
	}
	if s.dicts == nil {
		s.dicts = map[string]segment.TermDictionary{}
	}
	s.dicts[field] = d
	return d, nil
}

// textMatch is a text query over the segments of one search: the clauses
// of each word, their postings in every segment and their idf.
type textMatch struct {
	segs  []segmentRef
	words [][]clause
	lists [][][]segment.PostingsList // [word][clause][segment]
	idf   [][]float64                // [word][clause]
}

// newTextMatch looks up the postings of every clause. idf is taken over
// the whole index: 1 + ln((live+1)/(df+1)).
func newTextMatch(segs []segmentRef, words [][]clause) (*textMatch, error) {
	var live uint64
	for _, s := range segs {
		live += s.seg.Count()
		if s.deleted != nil {
			live -= s.deleted.GetCardinality()
		}
	}
	m := &textMatch{segs: segs, words: words, lists: make([][][]segment.PostingsList, len(words)), idf: make([][]float64, len(words))}
	for w, clauses := range words {
		m.lists[w] = make([][]segment.PostingsList, len(clauses))
		m.idf[w] = make([]float64, len(clauses))
		for ci, cl := range clauses {
			lists := make([]segment.PostingsList, len(segs))
			var df uint64
			for si := range segs {
				dict, err := segs[si].dict(cl.field)
				if err != nil {
					return nil, err
				}
				if lists[si], err = dict.PostingsList(cl.term, segs[si].deleted, nil); err != nil {
					return nil, err
				}
				df += lists[si].Count()
			}
			m.lists[w][ci] = lists
			m.idf[w][ci] = 1 + math.Log(float64(live+1)/float64(df+1))
		}
	}
	return m, nil
}

// scores are the per-document sums of one segment during a text search,
// indexed by document number; touched lists the documents any word
// reached, so that only they are read and reset.
type scores struct {
	score   []float32
	words   []uint8 // how many of the query's words the document has
	last    []uint8 // 1 + the last word that reached it
	touched []uint32
}

// scoresPool keeps the arrays between searches: they are as long as a
// segment has documents, so fresh ones would cost allocation and zeroing in
// proportion to the index, not to the matches; reused ones are reset only
// where a search touched them.
var scoresPool = sync.Pool{New: func() any { return new(scores) }}

func getScores(n int) *scores {
	s := scoresPool.Get().(*scores)
	if len(s.score) < n {
		s.score, s.words, s.last = make([]float32, n), make([]uint8, n), make([]uint8, n)
	}
	return s
}

func (s *scores) release() {
	for _, d := range s.touched {
		s.score[d], s.words[d], s.last[d] = 0, 0, 0
	}
	s.touched = s.touched[:0]
	scoresPool.Put(s)
}

// collect scores the documents that have any of the words and offers them
// to c: those with every word, or, if no document passes c with every word
// and there are several words, those with any of them, scaled by the share
// of the words they have. A document's score is the sum over the clauses
// it matches of weight × idf × √tf × norm (the classic TF-IDF of Lucene,
// norm = 1/√(words in the field)).
//
// It scores term at a time, walking each clause's postings once per
// segment into flat arrays, rather than through bleve's searchers, which
// merge the postings document at a time through a heap per disjunction and
// then decode doc values for every match: on 100,000 ideas, where a common
// word matches half of them, that was most of a query's time.
func (m *textMatch) collect(ctx context.Context, c *collector) error {
	all := make([]*scores, len(m.segs))
	defer func() {
		for _, s := range all {
			if s != nil {
				s.release()
			}
		}
	}()
	var it segment.PostingsIterator
	for si, s := range m.segs {
		if err := ctx.Err(); err != nil {
			return err
		}
		sc := getScores(len(s.cols.id))
		all[si] = sc
		for w, clauses := range m.words {
			for ci, cl := range clauses {
				weight := cl.weight * m.idf[w][ci]
				it = m.lists[w][ci][si].Iterator(true, true, false, it)
				for {
					p, err := it.Next()
					if err != nil {
						return err
					}
					if p == nil {
						break
					}
					d := uint32(p.Number())
					sc.score[d] += float32(weight * math.Sqrt(float64(p.Frequency())) * p.Norm())
					if sc.last[d] != uint8(w+1) {
						if sc.last[d] == 0 {
							sc.touched = append(sc.touched, d)
						}
						sc.last[d] = uint8(w + 1)
						sc.words[d]++
					}
				}
			}
		}
	}

	offer := func(anyWord bool) {
		n := uint8(len(m.words))
		for si, s := range m.segs {
			sc, cols := all[si], s.cols
			checkHidden := !cols.hidden.IsEmpty()
			for _, d := range sc.touched {
				score := sc.score[d]
				if sc.words[d] != n {
					if !anyWord {
						continue
					}
					score *= float32(sc.words[d]) / float32(n)
				}
				c.add(si, cols, checkHidden && cols.hidden.Contains(d), d, score)
			}
		}
	}
	offer(false)
	if c.total == 0 && len(m.words) > 1 {
		c.reset()
		offer(true)
	}
	return nil
}

// highlights returns the fragments of the hits (by idea id): where the
// marked clauses of any word match in the highlighted fields, read from
// the postings' locations and cut from the stored text.
func (m *textMatch) highlights(hits []hit) (map[int64]map[string][]string, error) {
	order := slices.Clone(hits)
	slices.SortFunc(order, func(a, b hit) int {
		if a.seg != b.seg {
			return int(a.seg) - int(b.seg)
		}
		return int(a.doc) - int(b.doc)
	})
	spans := make([]map[string]map[int][]span, len(order)) // by field, array position
	var it segment.PostingsIterator
	for w, clauses := range m.words {
		for ci, cl := range clauses {
			if !cl.marked {
				continue
			}
			for i := 0; i < len(order); {
				si := order[i].seg
				// One iterator per segment, advanced through its hits in order.
				it = m.lists[w][ci][si].Iterator(false, false, true, it)
				for ; i < len(order) && order[i].seg == si; i++ {
					p, err := it.Advance(uint64(order[i].doc))
					if err != nil {
						return nil, err
					}
					if p == nil {
						i = nextSegment(order, i)
						break
					}
					if p.Number() != uint64(order[i].doc) {
						continue
					}
					for _, l := range p.Locations() {
						pos := 0
						if ap := l.ArrayPositions(); len(ap) > 0 {
							pos = int(ap[0])
						}
						if spans[i] == nil {
							spans[i] = map[string]map[int][]span{}
						}
						if spans[i][cl.field] == nil {
							spans[i][cl.field] = map[int][]span{}
						}
						spans[i][cl.field][pos] = append(spans[i][cl.field][pos], span{int(l.Start()), int(l.End())})
					}
				}
			}
		}
	}
	out := map[int64]map[string][]string{}
	for i, h := range order {
		if spans[i] == nil {
			continue
		}
		texts, err := storedTexts(m.segs[h.seg].seg, h.doc)
		if err != nil {
			return nil, err
		}
		if frags := highlights(spans[i], texts); frags != nil {
			out[h.id] = frags
		}
	}
	return out, nil
}

// nextSegment returns the index of the first hit after i in another segment.
func nextSegment(order []hit, i int) int {
	si := order[i].seg
	for i < len(order) && order[i].seg == si {
		i++
	}
	return i
}

// storedTexts reads the highlighted fields of document d: a field's values
// by array position (comments have several).
func storedTexts(seg segment.Segment, d uint32) (map[string][]string, error) {
	out := map[string][]string{}
	err := seg.VisitStoredFields(uint64(d), func(field string, _ byte, value []byte, pos []uint64) bool {
		if !slices.Contains(highlightFields(), field) {
			return true
		}
		at := len(out[field])
		if len(pos) > 0 {
			at = int(pos[0])
		}
		for len(out[field]) <= at {
			out[field] = append(out[field], "")
		}
		out[field][at] = string(value)
		return true
	})
	return out, err
}

package bleve

import (
	"context"
	"math"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// clause is one way a query word matches a document: term in field, with
// weight (the field's boost times the kind of match, see termClauses).
type clause struct {
	field  string
	term   []byte
	weight float64
}

// segmentRef is a segment of the index as one search sees it.
type segmentRef struct {
	seg     segment.Segment
	deleted *roaring.Bitmap // nil: none
	cols    *columns
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

// matchWords scores the documents of segs that have any of the words
// (each word a list of clauses, see termClauses) and offers them to c:
// those with every word, or, if no document passes c with every word and
// there are several words, those with any of them, scaled by the share of
// the words they have. The score of a document is the sum over the clauses
// it matches of weight × idf × √tf × norm (the classic TF-IDF of Lucene,
// norm = 1/√(words in the field)); idf is taken over the whole index.
//
// It scores term at a time, walking each clause's postings once per
// segment into flat arrays, rather than asking bleve's searchers, which
// merge the postings document at a time through a heap per disjunction and
// then decode doc values for every match: on 100,000 ideas, where a common
// word matches half of them, that is the difference between about 5 and
// 80 ms.
func matchWords(ctx context.Context, segs []segmentRef, words [][]clause, c *collector) error {
	var live uint64
	for _, s := range segs {
		live += s.seg.Count()
		if s.deleted != nil {
			live -= s.deleted.GetCardinality()
		}
	}
	// The postings of every clause in every segment, and each clause's idf.
	type clausePostings struct {
		lists []segment.PostingsList // by segment
		idf   float64
	}
	postings := make([][]clausePostings, len(words))
	dicts := make([]map[string]segment.TermDictionary, len(segs))
	for i := range dicts {
		dicts[i] = map[string]segment.TermDictionary{}
	}
	for w, clauses := range words {
		postings[w] = make([]clausePostings, len(clauses))
		for ci, cl := range clauses {
			cp := &postings[w][ci]
			cp.lists = make([]segment.PostingsList, len(segs))
			var df uint64
			for si, s := range segs {
				dict, ok := dicts[si][cl.field]
				if !ok {
					var err error
					if dict, err = s.seg.Dictionary(cl.field); err != nil {
						return err
					}
					dicts[si][cl.field] = dict
				}
				pl, err := dict.PostingsList(cl.term, s.deleted, nil)
				if err != nil {
					return err
				}
				cp.lists[si] = pl
				df += pl.Count()
			}
			cp.idf = 1 + math.Log(float64(live+1)/float64(df+1))
		}
	}

	all := make([]*scores, len(segs))
	defer func() {
		for _, s := range all {
			if s != nil {
				s.release()
			}
		}
	}()
	var it segment.PostingsIterator
	for si, s := range segs {
		if err := ctx.Err(); err != nil {
			return err
		}
		sc := getScores(len(s.cols.id))
		all[si] = sc
		for w, clauses := range words {
			for ci, cl := range clauses {
				weight := cl.weight * postings[w][ci].idf
				it = postings[w][ci].lists[si].Iterator(true, true, false, it)
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
		n := uint8(len(words))
		for si, s := range segs {
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
				c.add(cols, checkHidden && cols.hidden.Contains(d), d, score)
			}
		}
	}
	offer(false)
	if c.total == 0 && len(words) > 1 {
		c.reset()
		offer(true)
	}
	return nil
}

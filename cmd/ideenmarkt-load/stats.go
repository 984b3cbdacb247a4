package main

import (
	"math"
	"slices"
	"time"
)

// latency summarises a set of durations in milliseconds. Percentiles are
// nearest-rank (the smallest value with at least p % of the values at or
// below it), as elsewhere in docs/benchmarks.md: every figure is one that
// was actually observed.
type latency struct {
	N       int     `json:"n"`
	P50     float64 `json:"p50Ms"`
	P95     float64 `json:"p95Ms"`
	P99     float64 `json:"p99Ms"`
	Max     float64 `json:"maxMs"`
	Missing int     `json:"missing,omitempty"` // events that never got a value (not in N)
	Early   int     `json:"early,omitempty"`   // vote-to-presenter: already on screen when acknowledged (0 ms, in N)
}

// percentile returns the nearest-rank p-th percentile of sorted values
// (0 < p ≤ 100), or 0 for none.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func summarize(ds []time.Duration) latency {
	s := slices.Clone(ds)
	slices.Sort(s)
	ms := func(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }
	l := latency{N: len(s)}
	if len(s) > 0 {
		l.P50, l.P95, l.P99, l.Max = ms(percentile(s, 50)), ms(percentile(s, 95)), ms(percentile(s, 99)), ms(s[len(s)-1])
	}
	return l
}

// voteToPresenter measures how long each acknowledged ballot took to show
// on the presenter. Acknowledgements are taken in time order; the k-th
// (time A_k) is on screen with the first frame received after A_k that
// shows at least k ballots. Its latency is that frame's receive time − A_k.
// A frame received before A_k may already count the ballot (the commit
// precedes the answer), but the phone cannot know that yet, so it does not
// count — with one exception: when no frame follows A_k at all because the
// screen already showed k ballots and nothing changed afterwards (late
// acknowledgements after slow answers or retries), the ballot was on screen
// when it was acknowledged, so its latency is 0 (counted in early).
// missing is the number of acknowledgements the screen never reached.
func voteToPresenter(acks []time.Duration, frames []frame) (lat []time.Duration, early, missing int) {
	a := slices.Clone(acks)
	slices.Sort(a)
	lat = make([]time.Duration, 0, len(a))
	shown := -1 // most ballots any frame showed
	for _, f := range frames {
		shown = max(shown, f.Ballots)
	}
	for k, ack := range a {
		// Frames are in receive order; the first one after ack:
		i, _ := slices.BinarySearchFunc(frames, ack, func(f frame, t time.Duration) int {
			if f.At <= t {
				return -1
			}
			return 1
		})
		for ; i < len(frames) && frames[i].Ballots < k+1; i++ {
		}
		switch {
		case i < len(frames):
			lat = append(lat, frames[i].At-ack)
		case shown >= k+1:
			lat = append(lat, 0)
			early++
		default:
			missing++
		}
	}
	return lat, early, missing
}

// perSecond divides n by a duration, or 0 for an empty one.
func perSecond(n float64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return n / d.Seconds()
}

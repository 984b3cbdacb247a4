package main

import (
	"testing"
	"time"
)

func ms(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = ms(float64(i + 1)) // 1 … 100 ms
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"none", nil, 50, 0},
		{"one value is every percentile", []time.Duration{ms(7)}, 99, ms(7)},
		{"p50 of 1…100", hundred, 50, ms(50)},
		{"p95 of 1…100", hundred, 95, ms(95)},
		{"p99 of 1…100", hundred, 99, ms(99)},
		{"p100 is the maximum", hundred, 100, ms(100)},
		{"nearest rank rounds up", []time.Duration{ms(1), ms(2), ms(3)}, 50, ms(2)},
		{"p99 of few values is the maximum", []time.Duration{ms(1), ms(2), ms(3), ms(4)}, 99, ms(4)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := percentile(tc.sorted, tc.p); got != tc.want {
				t.Errorf("percentile(p%v) = %v, want %v", tc.p, got, tc.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	got := summarize([]time.Duration{ms(30), ms(10), ms(20), ms(40)}) // unsorted on purpose
	want := latency{N: 4, P50: 20, P95: 40, P99: 40, Max: 40}
	if got != want {
		t.Errorf("summarize = %+v, want %+v", got, want)
	}
	if got := summarize(nil); got != (latency{}) {
		t.Errorf("summarize(nil) = %+v, want zero", got)
	}
}

func TestVoteToPresenter(t *testing.T) {
	frames := []frame{
		{At: ms(0), Type: "snapshot", Ballots: 0},
		{At: ms(100), Type: "update", Ballots: 2}, // shows ballots 1 and 2
		{At: ms(150), Type: "hb", Ballots: -1},
		{At: ms(200), Type: "update", Ballots: 3},
		{At: ms(300), Type: "update", Ballots: 3},
	}
	t.Run("first later frame that counts the ballot", func(t *testing.T) {
		lat, _, missing := voteToPresenter([]time.Duration{ms(90), ms(95), ms(180)}, frames)
		want := []time.Duration{ms(10), ms(5), ms(20)}
		if missing != 0 || !equal(lat, want) {
			t.Errorf("got %v (missing %d), want %v (missing 0)", lat, missing, want)
		}
	})
	t.Run("acknowledgements are taken in time order", func(t *testing.T) {
		lat, _, _ := voteToPresenter([]time.Duration{ms(180), ms(90), ms(95)}, frames)
		if want := []time.Duration{ms(10), ms(5), ms(20)}; !equal(lat, want) {
			t.Errorf("got %v, want %v", lat, want)
		}
	})
	t.Run("a frame received before the ack does not count", func(t *testing.T) {
		// The 2nd ack comes at 120 ms, after the frame showing 2 ballots:
		// the next frame with ≥ 2 is at 200 ms.
		lat, _, _ := voteToPresenter([]time.Duration{ms(90), ms(120)}, frames)
		if want := []time.Duration{ms(10), ms(80)}; !equal(lat, want) {
			t.Errorf("got %v, want %v", lat, want)
		}
	})
	t.Run("a frame at the very moment of the ack does not count", func(t *testing.T) {
		lat, _, _ := voteToPresenter([]time.Duration{ms(100)}, frames)
		if want := []time.Duration{ms(100)}; !equal(lat, want) {
			t.Errorf("got %v, want %v", lat, want)
		}
	})
	t.Run("a ballot on screen before a late ack, with no later frame, is 0", func(t *testing.T) {
		lat, early, missing := voteToPresenter([]time.Duration{ms(10), ms(20), ms(310)}, frames)
		if want := []time.Duration{ms(90), ms(80), 0}; early != 1 || missing != 0 || !equal(lat, want) {
			t.Errorf("got %v (early %d, missing %d), want %v (early 1, missing 0)", lat, early, missing, want)
		}
	})
	t.Run("ballots never shown are missing", func(t *testing.T) {
		lat, early, missing := voteToPresenter([]time.Duration{ms(10), ms(20), ms(30), ms(40)}, frames)
		if want := []time.Duration{ms(90), ms(80), ms(170)}; early != 0 || missing != 1 || !equal(lat, want) {
			t.Errorf("got %v (early %d, missing %d), want %v (early 0, missing 1)", lat, early, missing, want)
		}
	})
	t.Run("no frames: every ballot is missing", func(t *testing.T) {
		lat, early, missing := voteToPresenter([]time.Duration{ms(10), ms(20)}, nil)
		if len(lat) != 0 || early != 0 || missing != 2 {
			t.Errorf("got %v (early %d, missing %d), want none (early 0, missing 2)", lat, early, missing)
		}
	})
}

func equal(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

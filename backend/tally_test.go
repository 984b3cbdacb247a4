package backend_test

import (
	"fmt"
	"slices"
	"testing"

	"ideenmarkt/backend"
)

// tallyRound is a round of four options: two ideas and two free texts.
func tallyRound(m backend.VoteMethod) *backend.Round {
	i12, i15 := int64(12), int64(15)
	return &backend.Round{
		ID: 7, ConferenceID: 1, SessionID: 2, Title: "Was zuerst?", Method: m, State: backend.RoundClosed,
		Options: []backend.RoundOption{
			{ID: 1, IdeaID: &i12, Label: "Digitale Akte"},
			{ID: 2, IdeaID: &i15, Label: "Dienstfahrräder"},
			{ID: 3, Label: "Etwas anderes"},
			{ID: 4, Label: "Nichts davon"},
		},
	}
}

// vc builds a tally row: cnt ballots gave option opt the value val.
func vc(opt, val, cnt int) backend.ValueCount {
	return backend.ValueCount{OptionID: opt, Value: val, Count: cnt}
}

// optWant is what one option's result must be; in option order.
type optWant struct {
	votes, no, points int
	mean              float64
	dist              []int // rating only
	rank              int
}

func (w optWant) String() string {
	return fmt.Sprintf("votes %d no %d points %d mean %.2f dist %v rank %d", w.votes, w.no, w.points, w.mean, w.dist, w.rank)
}

func TestComputeResults(t *testing.T) {
	tests := []struct {
		name   string
		method backend.VoteMethod
		tally  backend.Tally
		want   [4]optWant
	}{
		{"single: most votes first, ties share a rank (1, 2, 2, 4)", backend.MethodSingle,
			backend.Tally{Ballots: 12, Rows: []backend.ValueCount{vc(2, 1, 3), vc(1, 1, 6), vc(3, 1, 3)}},
			[4]optWant{{votes: 6, rank: 1}, {votes: 3, rank: 2}, {votes: 3, rank: 2}, {votes: 0, rank: 4}}},
		{"single: no ballots at all is a four-way tie", backend.MethodSingle,
			backend.Tally{},
			[4]optWant{{rank: 1}, {rank: 1}, {rank: 1}, {rank: 1}}},
		{"single: the last option can win", backend.MethodSingle,
			backend.Tally{Ballots: 3, Rows: []backend.ValueCount{vc(4, 1, 2), vc(1, 1, 1)}},
			[4]optWant{{votes: 1, rank: 2}, {rank: 3}, {rank: 3}, {votes: 2, rank: 1}}},
		{"multiple: each chosen option counts once per ballot", backend.MethodMultiple,
			backend.Tally{Ballots: 4, Rows: []backend.ValueCount{vc(1, 1, 4), vc(2, 1, 2), vc(3, 1, 2), vc(4, 1, 1)}},
			[4]optWant{{votes: 4, rank: 1}, {votes: 2, rank: 2}, {votes: 2, rank: 2}, {votes: 1, rank: 4}}},
		{"dots: points are summed, votes are the ballots that gave points", backend.MethodDots,
			backend.Tally{Ballots: 3, Rows: []backend.ValueCount{vc(1, 3, 2), vc(1, 1, 1), vc(2, 2, 3), vc(3, 5, 1), vc(4, 1, 1)}},
			[4]optWant{{votes: 3, points: 7, rank: 1}, {votes: 3, points: 6, rank: 2}, {votes: 1, points: 5, rank: 3}, {votes: 1, points: 1, rank: 4}}},
		{"dots: rank goes by points, not by how many gave them", backend.MethodDots,
			backend.Tally{Ballots: 4, Rows: []backend.ValueCount{vc(1, 1, 4), vc(2, 5, 1), vc(3, 2, 2), vc(4, 4, 1)}},
			[4]optWant{{votes: 4, points: 4, rank: 2}, {votes: 1, points: 5, rank: 1}, {votes: 2, points: 4, rank: 2}, {votes: 1, points: 4, rank: 2}}},
		{"approval: yes first, then fewer no; equal yes and no share a rank", backend.MethodApproval,
			backend.Tally{Ballots: 5, Rows: []backend.ValueCount{vc(1, 1, 3), vc(2, 1, 3), vc(2, 0, 2), vc(3, 1, 3), vc(3, 0, 2), vc(4, 1, 1)}},
			[4]optWant{{votes: 3, rank: 1}, {votes: 3, no: 2, rank: 2}, {votes: 3, no: 2, rank: 2}, {votes: 1, rank: 4}}},
		{"approval: many no never beats one more yes", backend.MethodApproval,
			backend.Tally{Ballots: 9, Rows: []backend.ValueCount{vc(1, 1, 2), vc(1, 0, 7), vc(2, 1, 1), vc(3, 0, 1)}},
			[4]optWant{{votes: 2, no: 7, rank: 1}, {votes: 1, rank: 2}, {no: 1, rank: 4}, {rank: 3}}},
		{"rating: mean with two decimals and the distribution 1★…5★", backend.MethodRating,
			backend.Tally{Ballots: 4, Rows: []backend.ValueCount{vc(1, 5, 2), vc(1, 4, 1), vc(2, 1, 1), vc(2, 2, 1), vc(3, 3, 3), vc(4, 4, 1), vc(4, 5, 1), vc(4, 3, 1)}},
			[4]optWant{
				{votes: 3, mean: 4.67, dist: []int{0, 0, 0, 1, 2}, rank: 1},
				{votes: 2, mean: 1.5, dist: []int{1, 1, 0, 0, 0}, rank: 4},
				{votes: 3, mean: 3, dist: []int{0, 0, 3, 0, 0}, rank: 3},
				{votes: 3, mean: 4, dist: []int{0, 0, 1, 1, 1}, rank: 2},
			}},
		{"rating: an unrated option has no mean and ranks last", backend.MethodRating,
			backend.Tally{Ballots: 2, Rows: []backend.ValueCount{vc(1, 2, 1), vc(2, 2, 2), vc(3, 1, 1)}},
			[4]optWant{
				{votes: 1, mean: 2, dist: []int{0, 1, 0, 0, 0}, rank: 1},
				{votes: 2, mean: 2, dist: []int{0, 2, 0, 0, 0}, rank: 1},
				{votes: 1, mean: 1, dist: []int{1, 0, 0, 0, 0}, rank: 3},
				{dist: []int{0, 0, 0, 0, 0}, rank: 4},
			}},
		{"rating: values outside 1…5 are not counted", backend.MethodRating,
			backend.Tally{Ballots: 1, Rows: []backend.ValueCount{vc(1, 0, 1), vc(1, 6, 1), vc(2, 3, 1)}},
			[4]optWant{{dist: []int{0, 0, 0, 0, 0}, rank: 2}, {votes: 1, mean: 3, dist: []int{0, 0, 1, 0, 0}, rank: 1}, {dist: []int{0, 0, 0, 0, 0}, rank: 2}, {dist: []int{0, 0, 0, 0, 0}, rank: 2}}},
		// Ballots: A ranks 1→opt1, 2→opt2; B ranks only opt2 first; C ranks
		// all: opt3, opt1, opt2, opt4. With n = 4, rank r earns 4−r points.
		{"ranking: Borda count over partial rankings", backend.MethodRanking,
			backend.Tally{Ballots: 3, Rows: []backend.ValueCount{vc(1, 1, 1), vc(2, 2, 1), vc(2, 1, 1), vc(3, 1, 1), vc(1, 2, 1), vc(2, 3, 1), vc(4, 4, 1)}},
			[4]optWant{{votes: 2, points: 5, rank: 2}, {votes: 3, points: 6, rank: 1}, {votes: 1, points: 3, rank: 3}, {votes: 1, points: 0, rank: 4}}},
		{"ranking: last place earns nothing but still counts as ranked; ties share a rank", backend.MethodRanking,
			backend.Tally{Ballots: 2, Rows: []backend.ValueCount{vc(1, 1, 1), vc(2, 2, 1), vc(3, 3, 1), vc(4, 4, 1), vc(2, 1, 1), vc(1, 2, 1)}},
			[4]optWant{{votes: 2, points: 5, rank: 1}, {votes: 2, points: 5, rank: 1}, {votes: 1, points: 1, rank: 3}, {votes: 1, points: 0, rank: 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tallyRound(tt.method)
			got := backend.ComputeResults(r, tt.tally, 450)
			if got.RoundID != r.ID || got.Method != tt.method || got.State != backend.RoundClosed || got.Ballots != tt.tally.Ballots || got.Eligible != 450 {
				t.Errorf("header = round %d method %s state %s ballots %d eligible %d, want %d %s closed %d 450",
					got.RoundID, got.Method, got.State, got.Ballots, got.Eligible, r.ID, tt.method, tt.tally.Ballots)
			}
			if len(got.Options) != len(r.Options) {
				t.Fatalf("%d options, want %d", len(got.Options), len(r.Options))
			}
			for n, o := range got.Options {
				ro := r.Options[n]
				if o.OptionID != ro.ID || o.Label != ro.Label || !samePtr(o.IdeaID, ro.IdeaID) {
					t.Errorf("option %d = id %d label %q idea %v, want the round's option order (%d %q %v)", n, o.OptionID, o.Label, o.IdeaID, ro.ID, ro.Label, ro.IdeaID)
				}
				gotW := optWant{votes: o.Votes, no: o.No, points: o.Points, mean: o.Mean, dist: o.Distribution, rank: o.Rank}
				if w := tt.want[n]; gotW.String() != w.String() {
					t.Errorf("option %d:\n got  %v\n want %v", o.OptionID, gotW, w)
				}
			}
		})
	}
}

func samePtr(a, b *int64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func TestComputeResultsIgnoresUnknownOptions(t *testing.T) {
	for _, m := range []backend.VoteMethod{backend.MethodSingle, backend.MethodMultiple, backend.MethodDots, backend.MethodApproval, backend.MethodRating, backend.MethodRanking} {
		t.Run(string(m), func(t *testing.T) {
			r := tallyRound(m)
			known := []backend.ValueCount{vc(2, 1, 3)}
			want := backend.ComputeResults(r, backend.Tally{Ballots: 3, Rows: known}, 10)
			// Values of options the round does not have (an option removed
			// from a draft, a corrupt row) change nothing.
			withUnknown := append(slices.Clone(known), vc(0, 1, 9), vc(5, 1, 9), vc(-1, 3, 9), vc(99, 2, 9))
			got := backend.ComputeResults(r, backend.Tally{Ballots: 3, Rows: withUnknown}, 10)
			if fmt.Sprint(got.Options) != fmt.Sprint(want.Options) {
				t.Errorf("with unknown options:\n got  %v\n want %v", got.Options, want.Options)
			}
			if len(got.Options) != 4 {
				t.Errorf("%d options, want the round's 4", len(got.Options))
			}
		})
	}
}

func TestComputeResultsDoesNotShareDistributions(t *testing.T) {
	r := tallyRound(backend.MethodRating)
	res := backend.ComputeResults(r, backend.Tally{Ballots: 1, Rows: []backend.ValueCount{vc(1, 5, 1)}}, 1)
	res.Options[1].Distribution[0] = 42
	if res.Options[0].Distribution[0] != 0 || res.Options[2].Distribution[0] != 0 {
		t.Fatalf("distributions share memory: %v", res.Options)
	}
	again := backend.ComputeResults(r, backend.Tally{Ballots: 1, Rows: []backend.ValueCount{vc(1, 5, 1)}}, 1)
	if again.Options[1].Distribution[0] != 0 {
		t.Fatalf("a second computation sees an earlier result's distribution: %v", again.Options[1])
	}
}

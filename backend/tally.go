package backend

import (
	"math"
	"sort"
	"time"
)

// ValueCount is one row of a round's distribution: how many ballots gave
// option OptionID the value Value. Every method's result follows from these
// rows, which one GROUP BY over the ballot values yields.
type ValueCount struct {
	OptionID int
	Value    int
	Count    int
}

// Tally is a round's distribution as the store counts it.
type Tally struct {
	Ballots int          // ballots cast
	Rows    []ValueCount // in any order
}

// Results are a round's tallies as shown on phones, the projector and the
// idea page.
type Results struct {
	RoundID  int64          `json:"roundId"`
	Method   VoteMethod     `json:"method"`
	State    RoundState     `json:"state"`
	Ballots  int            `json:"ballots"`  // ballots cast
	Eligible int            `json:"eligible"` // who may vote ("312 of 450 have voted")
	Options  []OptionResult `json:"options"`  // in the round's option order
}

// OptionResult is one option's share of the vote. Which numbers matter
// depends on the method: Votes (single, multiple; the yes of approval; how
// many rated or ranked it), No (approval), Points (dots; the Borda score of
// ranking), Mean and Distribution (rating: Distribution[0] is one star).
type OptionResult struct {
	OptionID     int     `json:"optionId"`
	IdeaID       *int64  `json:"ideaId,omitempty"`
	Label        string  `json:"label"`
	Votes        int     `json:"votes"`
	No           int     `json:"no,omitempty"`
	Points       int     `json:"points,omitempty"`
	Mean         float64 `json:"mean,omitempty"`
	Distribution []int   `json:"distribution,omitempty"`
	Rank         int     `json:"rank"` // 1 is best; equal scores share a rank (1, 2, 2, 4)
}

// ComputeResults turns a distribution into results. It is the one place
// where the counting rules of the methods live.
func ComputeResults(r *Round, t Tally, eligible int) *Results {
	res := &Results{RoundID: r.ID, Method: r.Method, State: r.State, Ballots: t.Ballots, Eligible: eligible}
	byID := make(map[int]*OptionResult, len(r.Options))
	res.Options = make([]OptionResult, len(r.Options))
	for i, o := range r.Options {
		res.Options[i] = OptionResult{OptionID: o.ID, IdeaID: o.IdeaID, Label: o.Label}
		if r.Method == MethodRating {
			res.Options[i].Distribution = make([]int, 5)
		}
		byID[o.ID] = &res.Options[i]
	}
	n := len(r.Options)
	sums := make(map[int]int, n)
	for _, row := range t.Rows {
		o := byID[row.OptionID]
		if o == nil {
			continue // an option removed from a draft; its values no longer count
		}
		switch r.Method {
		case MethodSingle, MethodMultiple:
			o.Votes += row.Count
		case MethodDots:
			o.Votes += row.Count
			o.Points += row.Value * row.Count
		case MethodApproval:
			if row.Value == 1 {
				o.Votes += row.Count
			} else {
				o.No += row.Count
			}
		case MethodRating:
			if row.Value >= 1 && row.Value <= 5 {
				o.Votes += row.Count
				o.Distribution[row.Value-1] += row.Count
				sums[row.OptionID] += row.Value * row.Count
			}
		case MethodRanking:
			// Borda count: first place earns n-1 points, last n-rank; unranked none.
			o.Votes += row.Count
			if row.Value >= 1 && row.Value <= n {
				o.Points += (n - row.Value) * row.Count
			}
		}
	}
	if r.Method == MethodRating {
		for i := range res.Options {
			if o := &res.Options[i]; o.Votes > 0 {
				o.Mean = math.Round(float64(sums[o.OptionID])/float64(o.Votes)*100) / 100
			}
		}
	}
	rank(r.Method, res.Options)
	return res
}

// score orders options for ranking: higher is better; the second key breaks
// ties only where it means something (approval: fewer no).
func score(m VoteMethod, o *OptionResult) (float64, float64) {
	switch m {
	case MethodDots, MethodRanking:
		return float64(o.Points), 0
	case MethodApproval:
		return float64(o.Votes), -float64(o.No)
	case MethodRating:
		return o.Mean, 0
	}
	return float64(o.Votes), 0
}

func rank(m VoteMethod, opts []OptionResult) {
	idx := make([]int, len(opts))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		a1, a2 := score(m, &opts[idx[a]])
		b1, b2 := score(m, &opts[idx[b]])
		if a1 != b1 {
			return a1 > b1
		}
		return a2 > b2
	})
	for pos, i := range idx {
		if pos > 0 {
			p1, p2 := score(m, &opts[idx[pos-1]])
			c1, c2 := score(m, &opts[i])
			if p1 == c1 && p2 == c2 {
				opts[i].Rank = opts[idx[pos-1]].Rank
				continue
			}
		}
		opts[i].Rank = pos + 1
	}
}

// IdeaRoundResult is how an idea fared in one round, as written back to the
// idea when the round closed.
type IdeaRoundResult struct {
	IdeaID       int64      `json:"ideaId"`
	RoundID      int64      `json:"roundId"`
	RoundTitle   string     `json:"roundTitle"`
	SessionID    int64      `json:"sessionId"`
	SessionTitle string     `json:"sessionTitle"`
	Method       VoteMethod `json:"method"`
	State        RoundState `json:"state"`
	LiveResults  bool       `json:"-"` // with State: whether participants may see this
	Ballots      int        `json:"ballots"`
	Votes        int        `json:"votes"`
	No           int        `json:"no,omitempty"`
	Points       int        `json:"points,omitempty"`
	Mean         float64    `json:"mean,omitempty"`
	Rank         int        `json:"rank"`
	Options      int        `json:"options"` // how many options the round had ("rank 2 of 8")
	ClosedAt     time.Time  `json:"closedAt"`
}

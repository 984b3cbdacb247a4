package backend

import (
	"strings"
	"time"
)

// IdeaStatus is where an idea stands in the follow-up lifecycle (see
// followup.go and docs/follow-up.md).
type IdeaStatus string

const (
	IdeaNew         IdeaStatus = "new"
	IdeaInReview    IdeaStatus = "in_review"
	IdeaAccepted    IdeaStatus = "accepted"
	IdeaInProgress  IdeaStatus = "in_progress"
	IdeaImplemented IdeaStatus = "implemented"
	IdeaRejected    IdeaStatus = "rejected"
	IdeaMerged      IdeaStatus = "merged"
	// IdeaCarriedOver is the status of an idea's stage in a conference it
	// left (IdeaStage), never of an idea itself.
	IdeaCarriedOver IdeaStatus = "carried_over"
)

// Idea is a proposal in a conference's idea market.
type Idea struct {
	ID             int64      `json:"id"`
	ConferenceID   int64      `json:"conferenceId"`
	Title          string     `json:"title"`
	Body           string     `json:"body"` // Markdown subset, rendered safely by the client
	Topic          string     `json:"topic"`
	Department     string     `json:"department"`
	AuthorID       *int64     `json:"-"`          // the participant; never exposed for anonymous ideas
	AuthorName     string     `json:"authorName"` // display name at submission, or the import's author
	Anonymous      bool       `json:"anonymous"`
	Status         IdeaStatus `json:"status"`
	Hidden         bool       `json:"hidden"`
	HiddenReason   string     `json:"hiddenReason,omitempty"`
	MergedIntoID   *int64     `json:"mergedIntoId,omitempty"`
	CommentsLocked bool       `json:"commentsLocked"`
	Tags           []string   `json:"tags"`         // set by moderators; never nil when read from a store
	Reviewed       bool       `json:"reviewed"`     // a moderator has looked at it (leaves the queue)
	SupportCount   int        `json:"supportCount"` // ImportedSupports plus one per supporting participant
	// ImportedSupports were counted by an earlier platform an import came
	// from; they are tied to no participant.
	ImportedSupports int `json:"importedSupports"`
	CommentCount     int `json:"commentCount"`
	// Follow-up, recorded by organisers (see followup.go).
	StatusReason    string    `json:"statusReason,omitempty"` // why it was rejected
	OfficialAnswer  string    `json:"officialAnswer"`         // Markdown subset
	ResponsibleUnit string    `json:"responsibleUnit"`
	Progress        int       `json:"progress"` // percent, 0–100
	Version         int       `json:"version"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
}

// IdeaVersion is an idea's text before an edit; moderators can read them.
type IdeaVersion struct {
	ID         int64     `json:"id"`
	IdeaID     int64     `json:"ideaId"`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	Topic      string    `json:"topic"`
	Department string    `json:"department"`
	CreatedAt  time.Time `json:"createdAt"`
}

// IdeaSort orders idea listings.
type IdeaSort string

const (
	SortSupports IdeaSort = "supports" // most supported first
	SortNewest   IdeaSort = "newest"
	SortComments IdeaSort = "comments" // most discussed first
	SortRandom   IdeaSort = "random"   // stable per Seed, for fair exposure
)

// IdeaFilter selects ideas for listings. Ties in every sort are broken by id
// (descending), so pages never overlap or skip.
type IdeaFilter struct {
	ConferenceID  int64
	Topic         string
	Department    string
	Status        IdeaStatus
	IncludeHidden bool // moderators see hidden ideas
	Unreviewed    bool // only ideas no moderator has reviewed yet (the queue)
	Sort          IdeaSort
	Seed          int64 // for SortRandom: the same seed gives the same order
	Offset, Limit int
}

// IdeaInput is what a participant submits.
type IdeaInput struct {
	Title      string `json:"title"`
	Body       string `json:"body"`
	Topic      string `json:"topic"`
	Department string `json:"department"`
	Anonymous  bool   `json:"anonymous"`
}

// MaxIdeaBodyLen bounds the body in characters.
const MaxIdeaBodyLen = 10000

// validate checks an idea against the conference's topic and department lists.
func (in *IdeaInput) validate(c *Conference) error {
	in.Title = strings.TrimSpace(in.Title)
	in.Body = strings.TrimSpace(in.Body)
	in.Topic = strings.TrimSpace(in.Topic)
	in.Department = strings.TrimSpace(in.Department)
	var v Validation
	validateTitle(&v, in.Title)
	validateText(&v, "body", in.Body, MaxIdeaBodyLen, false)
	if in.Topic != "" && !contains(c.Topics, in.Topic) {
		v.Add("topic", "unknown", "Bitte ein Thema aus der Liste wählen.", "Please choose a topic from the list.")
	}
	if in.Topic == "" && len(c.Topics) > 0 {
		v.Add("topic", "required", "Bitte ein Thema wählen.", "Please choose a topic.")
	}
	if in.Department != "" && !contains(c.Departments, in.Department) {
		v.Add("department", "unknown", "Bitte einen Bereich aus der Liste wählen.", "Please choose a department from the list.")
	}
	return v.Err()
}

// SortRandom orders by (id * k) mod p, with p the largest prime below 2^32 and
// k in [1, p-1] drawn from the seed by Knuth's multiplicative hash. Multiplying
// by a k that is not a multiple of p permutes the residues, so ids below p
// never tie and each seed gives its own permutation. (Adding the seed instead,
// (id * 2654435761 + seed) mod p, only rotates one fixed cyclic order, and
// nearby seeds give the same list.) With ids below 2^31 the product fits in
// 64 bits. Both store adapters use these, so both list the same order.
const RandomOrderModulus = 4294967291

// RandomOrderFactor returns k for a seed: any int64, taken mod 2^31.
func RandomOrderFactor(seed int64) int64 {
	s := seed % (1 << 31)
	if s < 0 {
		s += 1 << 31
	}
	return ((s+1)*2654435761)%(RandomOrderModulus-1) + 1
}

// IdeaTitle is the little that duplicate hints compare.
type IdeaTitle struct {
	ID           int64
	Title        string
	SupportCount int
	Hidden       bool
}

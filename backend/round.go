package backend

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// VoteMethod is how a round's ballots are filled in and counted.
type VoteMethod string

const (
	MethodSingle   VoteMethod = "single"   // one option
	MethodMultiple VoteMethod = "multiple" // up to MaxChoices options
	MethodDots     VoteMethod = "dots"     // Points to spread, at most MaxPerOption on one option
	MethodApproval VoteMethod = "approval" // yes or no per option (unanswered: abstain)
	MethodRating   VoteMethod = "rating"   // 1–5 per option (unanswered: abstain); mean and distribution
	MethodRanking  VoteMethod = "ranking"  // an order of the options; Borda count
)

// Valid reports whether m is a known method.
func (m VoteMethod) Valid() bool {
	switch m {
	case MethodSingle, MethodMultiple, MethodDots, MethodApproval, MethodRating, MethodRanking:
		return true
	}
	return false
}

// RoundState is the lifecycle draft → open → closed → revealed. A reset
// (with a reason, audited) returns a round to draft and discards its ballots.
type RoundState string

const (
	RoundDraft    RoundState = "draft"    // being prepared; participants do not see it
	RoundOpen     RoundState = "open"     // ballots are accepted
	RoundClosed   RoundState = "closed"   // no more ballots; results final
	RoundRevealed RoundState = "revealed" // results public, also of a hidden round
)

// Eligibility says who may vote in a round.
type Eligibility string

const (
	EligibleJoined Eligibility = "joined" // everyone who joined the conference and has not left
	// EligibleCheckedIn (only checked-in participants) comes with registration.
)

// RoundOption is one choice of a round: an idea, or a free text. ID is the
// option's number within its round (1, 2, …); ballots refer to it.
type RoundOption struct {
	ID     int    `json:"id"`
	IdeaID *int64 `json:"ideaId,omitempty"`
	Label  string `json:"label"` // the idea's title when the round was made, or the free text
}

// Round is one live vote in a session.
type Round struct {
	ID           int64         `json:"id"`
	ConferenceID int64         `json:"conferenceId"`
	SessionID    int64         `json:"sessionId"`
	Title        string        `json:"title"` // the question on the projector
	Method       VoteMethod    `json:"method"`
	Options      []RoundOption `json:"options"`
	MaxChoices   int           `json:"maxChoices,omitempty"`   // multiple: at most this many
	Points       int           `json:"points,omitempty"`       // dots: the budget K
	MaxPerOption int           `json:"maxPerOption,omitempty"` // dots: at most M on one option
	LiveResults  bool          `json:"liveResults"`            // tallies public while open; else hidden until reveal
	Anonymous    bool          `json:"anonymous"`              // only a keyed per-round hash of the voter is stored
	Changeable   bool          `json:"changeable"`             // a ballot may be replaced until close
	Eligibility  Eligibility   `json:"eligibility"`
	State        RoundState    `json:"state"`
	// ClosesAt is the countdown's end while open (nil: no countdown).
	ClosesAt   *time.Time `json:"closesAt,omitempty"`
	OpenedAt   *time.Time `json:"openedAt,omitempty"`
	ClosedAt   *time.Time `json:"closedAt,omitempty"`
	RevealedAt *time.Time `json:"revealedAt,omitempty"`
	// VoterKey is the secret of an anonymous round's voter hashes. It is made
	// when the round opens and destroyed when it closes, so that after the
	// vote no one – not even with the database – can tell whose ballot is whose.
	VoterKey  []byte    `json:"-"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// ResultsPublic reports whether everyone may see the tallies now.
func (r *Round) ResultsPublic() bool {
	return r.State == RoundRevealed || (r.LiveResults && (r.State == RoundOpen || r.State == RoundClosed))
}

// AcceptsBallots reports whether a ballot cast at now may be stored.
func (r *Round) AcceptsBallots(now time.Time) bool {
	return r.State == RoundOpen && (r.ClosesAt == nil || now.Before(*r.ClosesAt))
}

// RoundInput creates or (while a draft) edits a round. Options are ideas
// (IdeaIDs, in order) and free texts (Labels), or "the top N ideas of topic
// X by supports" (TopN, Topic); the App turns them into RoundOptions.
type RoundInput struct {
	Title        string      `json:"title"`
	Method       VoteMethod  `json:"method"`
	IdeaIDs      []int64     `json:"ideaIds"`
	Labels       []string    `json:"labels"`
	TopN         int         `json:"topN"`
	Topic        string      `json:"topic"`
	MaxChoices   int         `json:"maxChoices"`
	Points       int         `json:"points"`
	MaxPerOption int         `json:"maxPerOption"`
	LiveResults  bool        `json:"liveResults"`
	Anonymous    bool        `json:"anonymous"`
	Changeable   bool        `json:"changeable"`
	Eligibility  Eligibility `json:"eligibility"`
	Version      int         `json:"version"` // for edits
}

// Round limits: a phone screen and a projector hold about this much.
const (
	MinRoundOptions    = 2
	MaxRoundOptions    = 30
	MaxOptionLabelLen  = 140
	MaxDotPoints       = 100
	MaxCountdown       = 24 * time.Hour
	MaxResetReasonLen  = 500
	defaultDotPoints   = 5
	defaultMaxPerDot   = 3
	defaultMaxMultiple = 3
)

// validate checks the fields that do not need the store and fills defaults.
// It returns the trimmed free-text labels.
func (in *RoundInput) validate() error {
	in.Title = strings.TrimSpace(in.Title)
	in.Topic = strings.TrimSpace(in.Topic)
	var v Validation
	validateTitle(&v, in.Title)
	if !in.Method.Valid() {
		v.Add("method", "invalid", "Bitte ein Abstimmungsverfahren wählen.", "Please choose a voting method.")
	}
	if in.Eligibility == "" {
		in.Eligibility = EligibleJoined
	}
	if in.Eligibility != EligibleJoined {
		v.Add("eligibility", "invalid", "Abstimmen dürfen alle, die der Konferenz beigetreten sind.", "Everyone who joined the conference may vote.")
	}
	for i, l := range in.Labels {
		in.Labels[i] = strings.TrimSpace(l)
		field := "labels." + strconv.Itoa(i)
		switch n := utf8.RuneCountInString(in.Labels[i]); {
		case n == 0:
			v.Add(field, "required", "Bitte einen Text für die Option angeben.", "Please enter a text for the option.")
		case n > MaxOptionLabelLen:
			v.Add(field, "too_long", "Eine Option darf höchstens 140 Zeichen lang sein.", "An option may be at most 140 characters long.")
		default:
			validateText(&v, field, in.Labels[i], MaxOptionLabelLen, true)
		}
	}
	if in.TopN < 0 || in.TopN > MaxRoundOptions {
		v.Add("topN", "range", "Bitte eine Zahl von 1 bis 30.", "Please enter a number from 1 to 30.")
	}
	n := len(in.IdeaIDs) + len(in.Labels) + in.TopN
	if in.TopN == 0 && n < MinRoundOptions {
		v.Add("options", "too_few", "Eine Abstimmung braucht mindestens zwei Optionen.", "A vote needs at least two options.")
	}
	if n > MaxRoundOptions {
		v.Add("options", "too_many", "Höchstens 30 Optionen pro Abstimmung.", "At most 30 options per vote.")
	}
	switch in.Method {
	case MethodMultiple:
		if in.MaxChoices == 0 {
			in.MaxChoices = defaultMaxMultiple
		}
		if in.MaxChoices < 1 || in.MaxChoices > MaxRoundOptions {
			v.Add("maxChoices", "range", "Bitte eine Zahl von 1 bis 30.", "Please enter a number from 1 to 30.")
		}
	case MethodDots:
		if in.Points == 0 {
			in.Points = defaultDotPoints
		}
		if in.MaxPerOption == 0 {
			in.MaxPerOption = min(defaultMaxPerDot, in.Points)
		}
		if in.Points < 1 || in.Points > MaxDotPoints {
			v.Add("points", "range", "Bitte eine Zahl von 1 bis 100.", "Please enter a number from 1 to 100.")
		} else if in.MaxPerOption < 1 || in.MaxPerOption > in.Points {
			v.Add("maxPerOption", "range", "Höchstens so viele Punkte pro Option, wie es insgesamt gibt.", "At most as many points per option as there are in all.")
		}
	}
	if in.Method != MethodMultiple {
		in.MaxChoices = 0
	}
	if in.Method != MethodDots {
		in.Points, in.MaxPerOption = 0, 0
	}
	return v.Err()
}

// clampChoices keeps "at most N" meaningful once the number of options is known.
func (r *Round) clampChoices() {
	if r.Method == MethodMultiple && r.MaxChoices > len(r.Options) {
		r.MaxChoices = len(r.Options)
	}
}

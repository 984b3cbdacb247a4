package backend

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Ballot is one voter's vote in one round. (RoundID, VoterKey) is unique in
// the database: one person, one ballot, as a fact of the schema.
type Ballot struct {
	ID      int64 `json:"-"`
	RoundID int64 `json:"roundId"`
	// VoterKey is "p<participant id>" in a named round and, in an anonymous
	// one, the hex HMAC-SHA256 of the participant id under the round's
	// VoterKey: unique per person and round, but not traceable to anyone
	// once the round's key is destroyed at close.
	VoterKey string `json:"-"`
	// ParticipantID is set in named rounds only.
	ParticipantID *int64 `json:"-"`
	// ClientID is the id the client made for this ballot; sending the same
	// ballot again (a retry over bad Wi-Fi) changes nothing.
	ClientID string `json:"clientBallotId"`
	// Values maps option ids to what the voter gave them: 1 for a chosen
	// option (single, multiple), points (dots), 1 yes / 0 no (approval),
	// 1–5 stars (rating), or the rank 1, 2, … (ranking). Options not in the
	// map were not chosen (abstained, unranked).
	Values    map[int]int `json:"values"`
	CastAt    time.Time   `json:"castAt"`
	UpdatedAt time.Time   `json:"updatedAt"`
}

// BallotInput is what a phone sends.
type BallotInput struct {
	ClientBallotID string      `json:"clientBallotId"`
	Values         map[int]int `json:"values"`
}

// MaxClientBallotIDLen bounds the idempotency key (a UUID has 36 characters).
const MaxClientBallotIDLen = 64

// CastOutcome says what storing a ballot did.
type CastOutcome string

const (
	CastCreated  CastOutcome = "created"  // a first ballot
	CastReplaced CastOutcome = "replaced" // a changed ballot (changeable rounds)
	CastSame     CastOutcome = "same"     // a retry of a ballot already stored
)

// voterKey returns the key under which participant id's ballot in r is stored.
func voterKey(r *Round, participantID int64) string {
	if !r.Anonymous {
		return "p" + strconv.FormatInt(participantID, 10)
	}
	m := hmac.New(sha256.New, r.VoterKey)
	m.Write([]byte(strconv.FormatInt(r.ID, 10) + ":" + strconv.FormatInt(participantID, 10)))
	return hex.EncodeToString(m.Sum(nil))
}

// validateBallot checks a ballot against its round's method and options.
// The messages say what is wrong in the voter's terms.
func validateBallot(r *Round, in *BallotInput) error {
	var v Validation
	in.ClientBallotID = strings.TrimSpace(in.ClientBallotID)
	switch n := len(in.ClientBallotID); {
	case n == 0:
		v.Add("clientBallotId", "required", "Die Stimmabgabe hat keine Kennung.", "The ballot has no id.")
	case n > MaxClientBallotIDLen || !printableASCII(in.ClientBallotID):
		v.Add("clientBallotId", "invalid", "Die Kennung der Stimmabgabe ist ungültig.", "The ballot id is not valid.")
	}
	valid := make(map[int]bool, len(r.Options))
	for _, o := range r.Options {
		valid[o.ID] = true
	}
	for id := range in.Values {
		if !valid[id] {
			v.Add("values", "unknown_option", "Diese Option gehört nicht zu dieser Abstimmung.", "This option does not belong to this vote.")
			return v.Err()
		}
	}
	values := make(map[int]int, len(in.Values)) // a copy: dots drop zeros below
	for id, x := range in.Values {
		values[id] = x
	}
	in.Values = values
	switch r.Method {
	case MethodSingle:
		if len(values) != 1 || !allEqual(values, 1) {
			v.Add("values", "choose_one", "Bitte genau eine Option wählen.", "Please choose exactly one option.")
		}
	case MethodMultiple:
		// 0 marks an option left unchosen, as a form naturally sends it.
		for id, x := range values {
			if x == 0 {
				delete(values, id)
			}
		}
		switch {
		case !allEqual(values, 1):
			v.Add("values", "chosen_or_not", "Eine Option ist gewählt (1) oder nicht (0).", "An option is either chosen (1) or not (0).")
		case len(values) == 0:
			v.Add("values", "choose_some", "Bitte mindestens eine Option wählen.", "Please choose at least one option.")
		case len(values) > r.MaxChoices:
			v.Add("values", "too_many", "Bitte höchstens "+strconv.Itoa(r.MaxChoices)+" Optionen wählen.", "Please choose at most "+strconv.Itoa(r.MaxChoices)+" options.")
		}
	case MethodDots:
		sum := 0
		for id, p := range values {
			switch {
			case p < 0:
				v.Add("values", "negative", "Punkte können nicht negativ sein.", "Points cannot be negative.")
				return v.Err()
			case p > r.MaxPerOption:
				v.Add("values", "too_many_on_one", "Höchstens "+strconv.Itoa(r.MaxPerOption)+" Punkte auf eine Option.", "At most "+strconv.Itoa(r.MaxPerOption)+" points on one option.")
				return v.Err()
			case p == 0:
				delete(values, id)
			}
			sum += p
		}
		switch {
		case sum == 0:
			v.Add("values", "no_points", "Bitte mindestens einen Punkt vergeben.", "Please give at least one point.")
		case sum > r.Points:
			v.Add("values", "over_budget", "Sie haben nur "+strconv.Itoa(r.Points)+" Punkte.", "You have only "+strconv.Itoa(r.Points)+" points.")
		}
	case MethodApproval:
		if len(values) == 0 {
			v.Add("values", "answer_one", "Bitte mindestens eine Option mit Ja oder Nein beantworten.", "Please answer at least one option with yes or no.")
		} else if !allIn(values, 0, 1) {
			v.Add("values", "yes_no", "Nur Ja (1) oder Nein (0) sind möglich.", "Only yes (1) or no (0) are possible.")
		}
	case MethodRating:
		if len(values) == 0 {
			v.Add("values", "rate_one", "Bitte mindestens eine Option bewerten.", "Please rate at least one option.")
		} else if !allIn(values, 1, 5) {
			v.Add("values", "stars", "Bewertungen gehen von 1 bis 5 Sternen.", "Ratings go from 1 to 5 stars.")
		}
	case MethodRanking:
		// Ranks must be 1..k without gaps or ties; unranked options come last.
		seen := make([]bool, len(values)+1)
		ok := len(values) > 0
		for _, rank := range values {
			if rank < 1 || rank > len(values) || seen[rank] {
				ok = false
				break
			}
			seen[rank] = true
		}
		if !ok {
			v.Add("values", "ranks", "Bitte die Optionen in eine Reihenfolge ohne Lücken und Gleichstände bringen.", "Please put the options in an order without gaps or ties.")
		}
	}
	return v.Err()
}

func allEqual(m map[int]int, want int) bool { return allIn(m, want, want) }

func allIn(m map[int]int, lo, hi int) bool {
	for _, x := range m {
		if x < lo || x > hi {
			return false
		}
	}
	return true
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

package backend

import (
	"crypto/rand"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Phase is where a conference stands in its yearly cycle.
type Phase string

const (
	PhaseDraft    Phase = "draft"    // being prepared; only organisers see it
	PhaseIdeas    Phase = "ideas"    // the idea market is open
	PhaseLive     Phase = "live"     // the conference day: sessions and live votes
	PhaseClosed   Phase = "closed"   // over; follow-up happens
	PhaseArchived Phase = "archived" // kept for search and history, read-only
)

// phaseTransitions lists the legal next phases. Going back one step is allowed
// (a market opened too early can be closed again), skipping ahead is not, except
// that a draft may go straight to live for conferences without an idea market.
var phaseTransitions = map[Phase][]Phase{
	PhaseDraft:    {PhaseIdeas, PhaseLive},
	PhaseIdeas:    {PhaseDraft, PhaseLive},
	PhaseLive:     {PhaseIdeas, PhaseClosed},
	PhaseClosed:   {PhaseLive, PhaseArchived},
	PhaseArchived: {PhaseClosed},
}

// Valid reports whether p is a known phase.
func (p Phase) Valid() bool { _, ok := phaseTransitions[p]; return ok }

// CanMoveTo reports whether the transition p → next is allowed.
func (p Phase) CanMoveTo(next Phase) bool {
	for _, q := range phaseTransitions[p] {
		if q == next {
			return true
		}
	}
	return false
}

// NextPhases returns the phases reachable from p, for UIs that offer only legal moves.
func (p Phase) NextPhases() []Phase { return append([]Phase(nil), phaseTransitions[p]...) }

// Conference is one staff conference with its idea market.
type Conference struct {
	ID          int64     `json:"id"`
	Slug        string    `json:"slug"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	StartsAt    time.Time `json:"startsAt"`
	EndsAt      time.Time `json:"endsAt"`
	Venue       string    `json:"venue"`
	Capacity    int       `json:"capacity"`
	Phase       Phase     `json:"phase"`
	JoinCode    string    `json:"joinCode,omitempty"`
	Topics      []string  `json:"topics"`      // the idea market's topics, managed by organisers
	Departments []string  `json:"departments"` // the administration's departments, for participants and ideas
	Anonymity   Anonymity `json:"anonymity"`   // whether ideas may or must be posted without a name
	LateIdeas   bool      `json:"lateIdeas"`   // accept ideas after the ideas phase
	Version     int       `json:"version"`     // optimistic lock: bumped by every update
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

// Anonymity is a conference's policy for anonymous ideas.
type Anonymity string

const (
	AnonymityNever   Anonymity = "never"
	AnonymityAllowed Anonymity = "allowed"
	AnonymityAlways  Anonymity = "always"
)

// ConferenceInput is what an organiser may set when creating a conference.
type ConferenceInput struct {
	Slug        string    `json:"slug"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	StartsAt    time.Time `json:"startsAt"`
	EndsAt      time.Time `json:"endsAt"`
	Venue       string    `json:"venue"`
	Capacity    int       `json:"capacity"`
	Topics      []string  `json:"topics"`
	Departments []string  `json:"departments"`
	Anonymity   Anonymity `json:"anonymity"` // empty means allowed
	LateIdeas   bool      `json:"lateIdeas"`
}

// ConferenceUpdate carries the fields of a PATCH; nil means "leave unchanged".
type ConferenceUpdate struct {
	Title       *string    `json:"title"`
	Description *string    `json:"description"`
	StartsAt    *time.Time `json:"startsAt"`
	EndsAt      *time.Time `json:"endsAt"`
	Venue       *string    `json:"venue"`
	Capacity    *int       `json:"capacity"`
	Topics      *[]string  `json:"topics"`
	Departments *[]string  `json:"departments"`
	Anonymity   *Anonymity `json:"anonymity"`
	LateIdeas   *bool      `json:"lateIdeas"`
	Version     *int       `json:"version"` // when set, the update fails with ECONFLICT if stale
}

// ConferenceFilter selects conferences for listings.
type ConferenceFilter struct {
	IncludeDrafts bool // only organisers see drafts
	Offset, Limit int
}

// Limits of conference fields, shared by validation and the UI's hints.
const (
	MaxSlugLen        = 60
	MaxTitleLen       = 140
	MaxDescriptionLen = 10000
	MaxVenueLen       = 200
	MaxCapacity       = 100000
)

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Normalize trims surrounding white space from the text fields.
func (in *ConferenceInput) Normalize() {
	in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	in.Venue = strings.TrimSpace(in.Venue)
	in.Topics = normalizeList(in.Topics)
	in.Departments = normalizeList(in.Departments)
	if in.Anonymity == "" {
		in.Anonymity = AnonymityAllowed
	}
}

// normalizeList trims entries and drops empty ones; it never returns nil, so
// that JSON shows [] rather than null.
func normalizeList(list []string) []string {
	out := []string{}
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Limits of the topic and department lists.
const (
	MaxListEntries  = 100
	MaxListEntryLen = 80
)

// validateList checks a list of names (topics, departments, tags): at most
// MaxListEntries, each at most MaxListEntryLen characters, single-line, and
// no entry twice (ignoring case). Problems are reported on field.
func validateList(v *Validation, field string, list []string) {
	if len(list) > MaxListEntries {
		v.Add(field, "too_many", "Höchstens 100 Einträge.", "At most 100 entries.")
		return
	}
	seen := map[string]bool{}
	for _, s := range list {
		if utf8.RuneCountInString(s) > MaxListEntryLen {
			v.Add(field, "too_long", "Ein Eintrag darf höchstens 80 Zeichen lang sein.", "An entry may be at most 80 characters long.")
			return
		}
		if seen[strings.ToLower(s)] {
			v.Add(field, "duplicate", "Jeder Eintrag darf nur einmal vorkommen: "+s, "Each entry may occur only once: "+s)
			return
		}
		seen[strings.ToLower(s)] = true
		before := len(v.fields)
		validateText(v, field, s, MaxListEntryLen, true)
		if len(v.fields) > before {
			return
		}
	}
}

// validateSettings checks the idea-market settings shared by create and update.
func validateSettings(v *Validation, topics, departments []string, anon Anonymity) {
	validateList(v, "topics", topics)
	validateList(v, "departments", departments)
	switch anon {
	case AnonymityNever, AnonymityAllowed, AnonymityAlways:
	default:
		v.Add("anonymity", "invalid", "Bitte never, allowed oder always wählen.", "Please choose never, allowed or always.")
	}
}

// Validate checks every field and reports all problems at once.
func (in ConferenceInput) Validate() error {
	var v Validation
	switch {
	case in.Slug == "":
		v.Add("slug", "required", "Bitte eine Kurzbezeichnung angeben.", "Please enter a slug.")
	case len(in.Slug) > MaxSlugLen:
		v.Add("slug", "too_long", "Die Kurzbezeichnung darf höchstens 60 Zeichen lang sein.", "The slug may be at most 60 characters long.")
	case !slugPattern.MatchString(in.Slug):
		v.Add("slug", "format", "Nur Kleinbuchstaben a–z, Ziffern und einzelne Bindestriche.", "Only lower-case letters a–z, digits and single hyphens.")
	}
	validateTitle(&v, in.Title)
	validateText(&v, "description", in.Description, MaxDescriptionLen, false)
	validateText(&v, "venue", in.Venue, MaxVenueLen, true)
	validateSchedule(&v, in.StartsAt, in.EndsAt)
	validateCapacity(&v, in.Capacity)
	validateSettings(&v, in.Topics, in.Departments, in.Anonymity)
	return v.Err()
}

// Apply merges upd into c after validating the result; c is left unchanged on error.
func (upd ConferenceUpdate) Apply(c *Conference) error {
	next := *c
	if upd.Title != nil {
		next.Title = strings.TrimSpace(*upd.Title)
	}
	if upd.Description != nil {
		next.Description = strings.TrimSpace(*upd.Description)
	}
	if upd.Venue != nil {
		next.Venue = strings.TrimSpace(*upd.Venue)
	}
	if upd.StartsAt != nil {
		next.StartsAt = upd.StartsAt.UTC().Truncate(time.Microsecond)
	}
	if upd.EndsAt != nil {
		next.EndsAt = upd.EndsAt.UTC().Truncate(time.Microsecond)
	}
	if upd.Capacity != nil {
		next.Capacity = *upd.Capacity
	}
	if upd.Topics != nil {
		next.Topics = normalizeList(*upd.Topics)
	}
	if upd.Departments != nil {
		next.Departments = normalizeList(*upd.Departments)
	}
	if upd.Anonymity != nil {
		next.Anonymity = *upd.Anonymity
	}
	if upd.LateIdeas != nil {
		next.LateIdeas = *upd.LateIdeas
	}
	var v Validation
	validateTitle(&v, next.Title)
	validateText(&v, "description", next.Description, MaxDescriptionLen, false)
	validateText(&v, "venue", next.Venue, MaxVenueLen, true)
	validateSchedule(&v, next.StartsAt, next.EndsAt)
	validateCapacity(&v, next.Capacity)
	validateSettings(&v, next.Topics, next.Departments, next.Anonymity)
	if err := v.Err(); err != nil {
		return err
	}
	*c = next
	return nil
}

func validateTitle(v *Validation, title string) {
	n := utf8.RuneCountInString(title)
	switch {
	case n == 0:
		v.Add("title", "required", "Bitte einen Titel angeben.", "Please enter a title.")
	case n < 3:
		v.Add("title", "too_short", "Der Titel muss mindestens 3 Zeichen lang sein.", "The title must be at least 3 characters long.")
	case n > MaxTitleLen:
		v.Add("title", "too_long", "Der Titel darf höchstens 140 Zeichen lang sein.", "The title may be at most 140 characters long.")
	}
	if n > 0 {
		validateText(v, "title", title, MaxTitleLen, true)
	}
}

// validateText rejects invalid UTF-8, control characters (except line breaks and
// tabs in multi-line fields) and over-long text. Length counts characters, not bytes.
func validateText(v *Validation, field, s string, max int, singleLine bool) {
	if !utf8.ValidString(s) {
		v.Add(field, "encoding", "Der Text enthält ungültige Zeichen.", "The text contains invalid characters.")
		return
	}
	for _, r := range s {
		if r == 0 || (r < 0x20 && (singleLine || (r != '\n' && r != '\r' && r != '\t'))) || (r >= 0x7f && r <= 0x9f) {
			v.Add(field, "control_char", "Der Text enthält unzulässige Steuerzeichen.", "The text contains control characters that are not allowed.")
			return
		}
	}
	if field != "title" && utf8.RuneCountInString(s) > max {
		v.Add(field, "too_long", "Der Text ist zu lang (höchstens "+strconv.Itoa(max)+" Zeichen).", "The text is too long (at most "+strconv.Itoa(max)+" characters).")
	}
}

func validateSchedule(v *Validation, start, end time.Time) {
	if start.IsZero() {
		v.Add("startsAt", "required", "Bitte einen Beginn angeben.", "Please enter a start time.")
	}
	if end.IsZero() {
		v.Add("endsAt", "required", "Bitte ein Ende angeben.", "Please enter an end time.")
	}
	if !start.IsZero() && !end.IsZero() && !end.After(start) {
		v.Add("endsAt", "before_start", "Das Ende muss nach dem Beginn liegen.", "The end must be after the start.")
	}
	if !start.IsZero() && (start.Year() < 2000 || start.Year() > 2200) {
		v.Add("startsAt", "out_of_range", "Das Datum liegt außerhalb des gültigen Bereichs.", "The date is out of range.")
	}
}

func validateCapacity(v *Validation, c int) {
	if c < 0 || c > MaxCapacity {
		v.Add("capacity", "out_of_range", "Die Kapazität muss zwischen 0 und 100000 liegen.", "The capacity must be between 0 and 100000.")
	}
}

// joinCodeAlphabet leaves out characters that are easily confused when read from
// a projector or typed on a phone: 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V.
const joinCodeAlphabet = "ACDEFGHJKMNPQRTWXY34679"

// JoinCodeLength gives 23^6 ≈ 148 million codes: plenty for guessing to be futile
// under rate limiting, short enough to read aloud.
const JoinCodeLength = 6

// NewJoinCode returns a random join code from the unambiguous alphabet.
func NewJoinCode() string {
	b := make([]byte, JoinCodeLength)
	max := byte(256 - 256%len(joinCodeAlphabet)) // reject bytes that would bias the modulo
	for i := 0; i < len(b); {
		var r [1]byte
		if _, err := rand.Read(r[:]); err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		if r[0] >= max {
			continue
		}
		b[i] = joinCodeAlphabet[int(r[0])%len(joinCodeAlphabet)]
		i++
	}
	return string(b)
}

// NormalizeJoinCode upper-cases and strips spaces and hyphens people add when typing.
func NormalizeJoinCode(s string) string {
	s = strings.ToUpper(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
}

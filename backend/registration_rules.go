package backend

import (
	"math"
	"net/mail"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of registration input and settings.
const (
	MaxRegistrationNameLen = 100
	MaxEmailLen            = 254 // RFC 5321's path limit
	MaxAccessibilityLen    = 1000
	MaxNoShowRate          = 0.5 // beyond this, over-booking is guessing
	MaxOfferHours          = 14 * 24
	MaxRetentionDays       = 10 * 365
	DefaultOfferHours      = 48
	DefaultRetentionDays   = 90
	MaxCheckInDoorLen      = 40
)

// ConfirmLimit is how many places may be confirmed (offers included):
// the capacity over-booked by the expected no-show rate, capacity / (1 −
// rate) rounded down, and never more than the venue's safety limit. The
// rate is taken in basis points, so that 450 places at 10 % give exactly
// 500, not 499 from a floating-point 499.99….
func ConfirmLimit(capacity, venueLimit int, noShowRate float64) int {
	bp := int(math.Round(noShowRate * 10000))
	bp = min(max(bp, 0), 10000*MaxNoShowRate)
	limit := capacity * 10000 / (10000 - bp)
	if venueLimit > 0 {
		limit = min(limit, venueLimit)
	}
	return limit
}

// Attendance is the expected number of people on the day with a range.
type Attendance struct {
	Expected int `json:"expected"`
	Low      int `json:"low"`
	High     int `json:"high"`
}

// ExpectedAttendance treats each of the confirmed registrants as coming
// independently with probability 1 − rate; the range is the expectation
// ± two standard deviations of that binomial (about 95 %), within 0 and
// confirmed. Walk-ins already checked in come on top, certainly.
func ExpectedAttendance(confirmed, walkIns int, rate float64) Attendance {
	p := 1 - min(max(rate, 0), 1)
	n := float64(confirmed)
	mean := n * p
	sd := math.Sqrt(n * p * (1 - p))
	return Attendance{
		Expected: int(math.Round(mean)) + walkIns,
		Low:      int(math.Max(0, math.Floor(mean-2*sd))) + walkIns,
		High:     int(math.Min(n, math.Ceil(mean+2*sd))) + walkIns,
	}
}

// SuggestNoShowRate is the no-show rate measured at earlier conferences,
// weighted by how many were confirmed there, rounded to whole percent;
// nil when none was measured.
func SuggestNoShowRate(measured []MeasuredNoShow, except int64) *float64 {
	var sum, weight float64
	for _, m := range measured {
		if m.ConferenceID == except || m.Confirmed <= 0 {
			continue
		}
		sum += m.Rate * float64(m.Confirmed)
		weight += float64(m.Confirmed)
	}
	if weight == 0 {
		return nil
	}
	r := math.Round(sum/weight*100) / 100
	r = min(r, MaxNoShowRate)
	return &r
}

// normalizeEmail trims an address and checks it is one plain address
// (no display name, no list); it returns the address as given (trimmed)
// and a problem for the form, if any.
func validateEmail(v *Validation, field, email string, required bool) string {
	email = strings.TrimSpace(email)
	if email == "" {
		if required {
			v.Add(field, "required", "Bitte eine E-Mail-Adresse angeben.", "Please enter an e-mail address.")
		}
		return ""
	}
	if utf8.RuneCountInString(email) > MaxEmailLen {
		v.Add(field, "too_long", "Die E-Mail-Adresse ist zu lang.", "The e-mail address is too long.")
		return email
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" || !strings.Contains(email[strings.LastIndex(email, "@")+1:], ".") {
		v.Add(field, "invalid", "Bitte eine gültige E-Mail-Adresse angeben (name@stadt.de).", "Please enter a valid e-mail address (name@city.example).")
	}
	return email
}

// RegistrationInput is what a person enters to register.
type RegistrationInput struct {
	Name          string `json:"name"`
	Email         string `json:"email"`
	Department    string `json:"department"`
	Accessibility string `json:"accessibility"`
	Locale        string `json:"locale"`
	// RequestKey is made by the form once per registration attempt; a double
	// submit with the same key gets the first one's answer.
	RequestKey string `json:"requestKey"`
}

// validate checks the input against the conference's department list and
// normalises it in place. Walk-ins may come without an e-mail address.
func (in *RegistrationInput) validate(c *Conference, walkIn bool) error {
	var v Validation
	in.Name = strings.TrimSpace(in.Name)
	in.Department = strings.TrimSpace(in.Department)
	in.Accessibility = strings.TrimSpace(in.Accessibility)
	in.RequestKey = strings.TrimSpace(in.RequestKey)
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		v.Add("name", "required", "Bitte Ihren Namen angeben.", "Please enter your name.")
	case n > MaxRegistrationNameLen:
		v.Add("name", "too_long", "Der Name darf höchstens "+strconv.Itoa(MaxRegistrationNameLen)+" Zeichen lang sein.",
			"The name may be at most "+strconv.Itoa(MaxRegistrationNameLen)+" characters long.")
	default:
		validateText(&v, "name", in.Name, MaxRegistrationNameLen, true)
	}
	in.Email = validateEmail(&v, "email", in.Email, !walkIn)
	if in.Department != "" && len(c.Departments) > 0 && !contains(c.Departments, in.Department) {
		v.Add("department", "unknown", "Bitte einen Bereich aus der Liste wählen.", "Please choose a department from the list.")
	} else if in.Department != "" {
		validateText(&v, "department", in.Department, MaxDisplayNameLen, true)
	}
	validateText(&v, "accessibility", in.Accessibility, MaxAccessibilityLen, false)
	switch in.Locale {
	case "":
		in.Locale = "de"
	case "de", "en":
	default:
		v.Add("locale", "unknown", "Sprache: de oder en.", "Language: de or en.")
	}
	if utf8.RuneCountInString(in.RequestKey) > 100 {
		v.Add("requestKey", "too_long", "Der Schlüssel ist zu lang.", "The key is too long.")
	} else {
		validateText(&v, "requestKey", in.RequestKey, 100, true)
	}
	return v.Err()
}

// RegistrationSettingsInput is what organisers set; Capacity is the
// conference's and is changed with the conference.
type RegistrationSettingsInput struct {
	Open           bool    `json:"open"`
	VenueLimit     int     `json:"venueLimit"`
	NoShowRate     float64 `json:"noShowRate"`
	OfferHours     int     `json:"offerHours"`
	RequireCheckIn bool    `json:"requireCheckIn"`
	RetentionDays  int     `json:"retentionDays"`
	Version        int     `json:"version"` // of the settings read; 0 when there were none
}

func (in RegistrationSettingsInput) validate(c *Conference) error {
	var v Validation
	if in.Open && c.Capacity <= 0 {
		v.Add("open", "no_capacity", "Bitte zuerst eine Kapazität für die Konferenz angeben.", "Please set the conference's capacity first.")
	}
	switch {
	case in.VenueLimit < 0 || in.VenueLimit > MaxCapacity:
		v.Add("venueLimit", "out_of_range", "Die Obergrenze muss zwischen 0 und 100000 liegen.", "The limit must be between 0 and 100000.")
	case in.VenueLimit > 0 && in.VenueLimit < c.Capacity:
		v.Add("venueLimit", "below_capacity", "Die Obergrenze des Veranstaltungsorts darf nicht unter der Kapazität ("+strconv.Itoa(c.Capacity)+") liegen.",
			"The venue's limit must not be below the capacity ("+strconv.Itoa(c.Capacity)+").")
	}
	if math.IsNaN(in.NoShowRate) || in.NoShowRate < 0 || in.NoShowRate > MaxNoShowRate {
		v.Add("noShowRate", "out_of_range", "Die erwartete Ausfallquote muss zwischen 0 und 50 % liegen.", "The expected no-show rate must be between 0 and 50 %.")
	}
	if in.OfferHours < 1 || in.OfferHours > MaxOfferHours {
		v.Add("offerHours", "out_of_range", "Ein Angebot gilt zwischen 1 Stunde und 14 Tagen.", "An offer holds between 1 hour and 14 days.")
	}
	if in.RetentionDays < 0 || in.RetentionDays > MaxRetentionDays {
		v.Add("retentionDays", "out_of_range", "Die Aufbewahrung liegt zwischen 0 und 3650 Tagen.", "Retention is between 0 and 3650 days.")
	}
	return v.Err()
}

// defaultRegistrationSettings are a conference's settings before an
// organiser saved any: closed, the venue limit equal to the capacity, no
// over-booking, offers for 48 hours, personal data kept 90 days.
func defaultRegistrationSettings(c *Conference) *RegistrationSettings {
	return &RegistrationSettings{ConferenceID: c.ID, VenueLimit: c.Capacity, OfferHours: DefaultOfferHours, RetentionDays: DefaultRetentionDays}
}

// NewTicketCode is a short code for the door: the join code's alphabet
// (nothing easily confused when read aloud or typed), eight characters.
func NewTicketCode() string { return NewJoinCode() + NewJoinCode()[:2] }

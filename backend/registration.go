package backend

import (
	"context"
	"time"
)

// Registration is one person's sign-up for a conference's places. It is
// separate from Participant (the browser that joined to submit ideas and
// vote): registering needs an e-mail address and confirms it (double
// opt-in); a registrant links a phone to the registration from the ticket
// page, which is how check-in can decide who may vote.
//
// The personal link carries a random token of which only the SHA-256
// (TokenHash) is stored; TicketCode is short, shown as text and as a QR
// code on the ticket, and typed or scanned at the door.
type Registration struct {
	ID            int64              `json:"id"`
	ConferenceID  int64              `json:"conferenceId"`
	TokenHash     string             `json:"-"`
	TicketCode    string             `json:"ticketCode"`
	RequestKey    string             `json:"-"` // the form's idempotency key: a double submit finds the first registration
	Name          string             `json:"name"`
	Email         string             `json:"email"`
	Department    string             `json:"department"`
	Accessibility string             `json:"accessibility"` // needs, in the registrant's words
	Locale        string             `json:"locale"`        // "de" or "en": the language of its e-mails
	Status        RegistrationStatus `json:"status"`
	WalkIn        bool               `json:"walkIn"`   // registered at the door on the day
	Promoted      bool               `json:"promoted"` // got its place from the waitlist
	CreatedAt     time.Time          `json:"createdAt"`
	ConfirmedAt   *time.Time         `json:"confirmedAt,omitempty"` // e-mail confirmed
	WaitlistedAt  *time.Time         `json:"waitlistedAt,omitempty"`
	OfferedAt     *time.Time         `json:"offeredAt,omitempty"`
	OfferExpires  *time.Time         `json:"offerExpires,omitempty"`
	CancelledAt   *time.Time         `json:"cancelledAt,omitempty"`
	CheckedInAt   *time.Time         `json:"checkedInAt,omitempty"`
	CheckInDoor   string             `json:"checkInDoor,omitempty"`
	ErasedAt      *time.Time         `json:"erasedAt,omitempty"` // personal data removed (by request or retention)
	Version       int                `json:"version"`
	UpdatedAt     time.Time          `json:"updatedAt"`
}

// RegistrationStatus is where a registration stands.
//
//	pending ──confirm e-mail──▶ confirmed (a place is free) or waitlisted
//	waitlisted ──a place frees──▶ offered ──accept──▶ confirmed
//	                                      └─expires─▶ lapsed (the offer passes on)
//	pending, confirmed, waitlisted, offered ──cancel──▶ cancelled
type RegistrationStatus string

const (
	RegistrationPending    RegistrationStatus = "pending"
	RegistrationConfirmed  RegistrationStatus = "confirmed"
	RegistrationWaitlisted RegistrationStatus = "waitlisted"
	RegistrationOffered    RegistrationStatus = "offered"
	RegistrationCancelled  RegistrationStatus = "cancelled"
	RegistrationLapsed     RegistrationStatus = "lapsed"
)

// Active reports whether the registration still counts: not cancelled or
// lapsed. An e-mail address has at most one active registration per
// conference.
func (s RegistrationStatus) Active() bool {
	return s != RegistrationCancelled && s != RegistrationLapsed
}

// RegistrationSettings are a conference's rules for registration. The
// capacity itself is Conference.Capacity.
type RegistrationSettings struct {
	ConferenceID int64 `json:"conferenceId"`
	Open         bool  `json:"open"` // accepting registrations
	// VenueLimit is the safety limit of the venue: confirmed places never
	// exceed it, and neither do the people checked in (walk-ins included).
	VenueLimit int `json:"venueLimit"`
	// NoShowRate is the share of confirmed registrants expected not to
	// come (0 ≤ rate ≤ 0.5); places may then be confirmed up to
	// Capacity / (1 − rate), rounded down, never above VenueLimit.
	NoShowRate     float64 `json:"noShowRate"`
	OfferHours     int     `json:"offerHours"`     // how long a waitlist offer holds
	RequireCheckIn bool    `json:"requireCheckIn"` // only checked-in participants may vote
	RetentionDays  int     `json:"retentionDays"`  // personal data is removed this many days after the conference ends; 0 keeps it
	// MeasuredNoShowRate is stored once the conference is over (no-shows /
	// confirmed), and suggested to the next conference.
	MeasuredNoShowRate *float64  `json:"measuredNoShowRate,omitempty"`
	Version            int       `json:"version"`
	UpdatedAt          time.Time `json:"updatedAt"`
}

// RegistrationCounts are a conference's registrations by status, and how
// many are checked in. Offered places are held, so they count against the
// limit like confirmed ones.
type RegistrationCounts struct {
	Pending    int `json:"pending"`
	Confirmed  int `json:"confirmed"`
	Waitlisted int `json:"waitlisted"`
	Offered    int `json:"offered"`
	Cancelled  int `json:"cancelled"`
	Lapsed     int `json:"lapsed"`
	Promoted   int `json:"promoted"`  // active or not, ever promoted from the waitlist
	WalkIns    int `json:"walkIns"`   // registered at the door
	CheckedIn  int `json:"checkedIn"` // the headcount
}

// Held is the places registrations hold against the confirm limit:
// confirmed and offered ones. Walk-ins are confirmed on the day and count
// against the venue limit instead (see CheckIn).
func (c RegistrationCounts) Held() int { return c.Confirmed - c.WalkIns + c.Offered }

// RegistrationFilter selects registrations for the organisers' list and
// the door's search by name.
type RegistrationFilter struct {
	ConferenceID int64
	Statuses     []RegistrationStatus // none: all
	Query        string               // part of the name or e-mail, case-insensitive
	Offset       int
	Limit        int
}

// OutboxMail is an e-mail waiting to be sent, stored in the same transaction
// as the change that causes it, so that a registration and its confirmation
// mail are written together or not at all. A worker claims due mails for a
// lease, sends them and marks them sent; a mail is never claimed by two
// workers at once, and its Message-ID is derived from its id, so that a
// resend after a crash between sending and marking is recognisable.
type OutboxMail struct {
	ID             int64             `json:"id"`
	ConferenceID   int64             `json:"conferenceId"`   // 0: none
	RegistrationID int64             `json:"registrationId"` // 0: none
	To             string            `json:"to"`
	Locale         string            `json:"locale"`
	Template       string            `json:"template"` // see backend/mail
	Data           map[string]string `json:"data"`     // the template's values (names, links, dates as text)
	// DedupeKey, if set, is unique: enqueueing a second mail with the same
	// key does nothing (a double submit sends one mail).
	DedupeKey     string     `json:"-"`
	CreatedAt     time.Time  `json:"createdAt"`
	NextAttemptAt time.Time  `json:"nextAttemptAt"`
	Attempts      int        `json:"attempts"`
	ClaimedUntil  *time.Time `json:"claimedUntil,omitempty"`
	SentAt        *time.Time `json:"sentAt,omitempty"`
	FailedAt      *time.Time `json:"failedAt,omitempty"` // given up after too many attempts
	LastError     string     `json:"lastError,omitempty"`
}

// RegistrationTx is a conference's registrations inside one transaction of
// Store.ChangeRegistrations. Every rule that depends on counts (is a place
// free? who is next on the waitlist?) runs in App against this view, and
// the Store makes sure no other change to the same conference's
// registrations interleaves.
type RegistrationTx interface {
	Counts() (RegistrationCounts, error)
	Find(id int64) (*Registration, error)
	// NextWaitlisted returns the registration waiting longest (by
	// WaitlistedAt, then id); ENOTFOUND if the waitlist is empty.
	NextWaitlisted() (*Registration, error)
	// ExpiredOffers lists offers whose OfferExpires is before now.
	ExpiredOffers(now time.Time) ([]*Registration, error)
	// Create inserts r (setting ID and Version 1); a second active
	// registration of the same e-mail (case-insensitive), a taken ticket
	// code or RequestKey is ECONFLICT.
	Create(r *Registration) error
	// Update writes r if its Version is current (then bumps it), else
	// ECONFLICT.
	Update(r *Registration) error
	// Enqueue stores a mail (setting ID); an existing DedupeKey makes it a
	// no-op.
	Enqueue(m *OutboxMail) error
}

// RegistrationStore is the part of Store that keeps registrations and the
// mail outbox. Each ChangeRegistrations call records one Change (entity
// "registration", the conference's id as ConferenceID) if fn changed
// anything.
type RegistrationStore interface {
	// FindRegistrationSettings returns the conference's settings;
	// ENOTFOUND if they were never saved.
	FindRegistrationSettings(ctx context.Context, conferenceID int64) (*RegistrationSettings, error)
	// SaveRegistrationSettings creates (Version 0 → 1) or updates (Version
	// current → +1) the settings; a stale Version is ECONFLICT.
	SaveRegistrationSettings(ctx context.Context, s *RegistrationSettings) error
	// ListMeasuredNoShowRates returns the measured rates of all conferences
	// that have one, with their confirmed counts, for the suggestion.
	ListMeasuredNoShowRates(ctx context.Context) ([]MeasuredNoShow, error)

	// ChangeRegistrations runs fn in one transaction that no other
	// ChangeRegistrations of the same conference interleaves with; an error
	// from fn rolls everything back.
	ChangeRegistrations(ctx context.Context, conferenceID int64, fn func(tx RegistrationTx) error) error
	FindRegistrationByID(ctx context.Context, id int64) (*Registration, error)
	FindRegistrationByToken(ctx context.Context, tokenHash string) (*Registration, error)
	FindRegistrationByTicket(ctx context.Context, conferenceID int64, ticketCode string) (*Registration, error)
	// FindRegistrationByEmail returns the active registration of an
	// address (case-insensitive); ENOTFOUND if there is none.
	FindRegistrationByEmail(ctx context.Context, conferenceID int64, email string) (*Registration, error)
	FindRegistrationByRequest(ctx context.Context, conferenceID int64, requestKey string) (*Registration, error)
	// FindRegistrations lists by filter, oldest first, with the total.
	FindRegistrations(ctx context.Context, f RegistrationFilter) ([]*Registration, int, error)
	CountRegistrations(ctx context.Context, conferenceID int64) (RegistrationCounts, error)

	// EnqueueMail stores a mail outside a registration change (a link sent
	// again); an existing DedupeKey makes it a no-op.
	EnqueueMail(ctx context.Context, m *OutboxMail) error
	// ClaimMails returns up to limit mails that are due (NextAttemptAt ≤
	// now), neither sent nor given up, and not claimed (or whose claim ran
	// out), and claims them until now+lease. Two concurrent claims never
	// return the same mail.
	ClaimMails(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*OutboxMail, error)
	// MarkMailSent records a successful send; it also clears the claim.
	MarkMailSent(ctx context.Context, id int64, at time.Time) error
	// MarkMailFailed records a failed attempt: Attempts+1, LastError, the
	// next attempt, or FailedAt if giveUp.
	MarkMailFailed(ctx context.Context, id int64, errText string, next time.Time, giveUp bool) error
	// FindMails lists a registration's mails, oldest first (for the
	// registrant's data export and tests).
	FindMails(ctx context.Context, registrationID int64) ([]*OutboxMail, error)
	// DeleteMails removes a registration's mails (erasure).
	DeleteMails(ctx context.Context, registrationID int64) error
}

// MeasuredNoShow is one earlier conference's measured no-show rate.
type MeasuredNoShow struct {
	ConferenceID int64     `json:"conferenceId"`
	EndsAt       time.Time `json:"endsAt"`
	Rate         float64   `json:"rate"`
	Confirmed    int       `json:"confirmed"`
}

// EntityRegistration is the change-feed entity of registrations.
const EntityRegistration = "registration"

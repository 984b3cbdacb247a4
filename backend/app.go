package backend

import (
	"context"
	"time"
)

// App holds ideenmarkt's use cases. Every rule (who may do what, legal phase
// moves, validation) is enforced here, once, above whichever Store is plugged in.
type App struct {
	Store      Store
	Now        func() time.Time // injectable clock for tests
	SessionTTL time.Duration
	// Search finds ideas by text; nil until the wiring sets one, and then
	// App.Search lists from the Store instead.
	Search SearchIndex
	// Indexer reports how far Search trails the Store (for /readyz); nil
	// when no indexer runs.
	Indexer SearchIndexer
	// PublicURL is where people reach the app (https://ideen.stadt.example),
	// for the links in e-mails.
	PublicURL string

	live        *LiveFeed       // set by StartLive; nil when nothing listens
	rounds      roundCache      // rounds of recent ballots (see roundCache)
	conferences conferenceCache // every conference, for search (see conferenceCache)
}

// NewApp returns an App with the real clock and a 12-hour session lifetime:
// long enough for a conference day, short enough for shared devices.
func NewApp(store Store) *App {
	return &App{Store: store, Now: time.Now, SessionTTL: 12 * time.Hour}
}

// now returns the current time in UTC with the microsecond precision both
// storage engines keep, so a value reads back exactly as it was written.
func (a *App) now() time.Time { return a.Now().UTC().Truncate(time.Microsecond) }

// Actor is who performs a use case: an organiser account, a browser that
// joined conferences as a participant, both, or neither (a visitor).
type Actor struct {
	Account *Account
	// ParticipantKey is the raw participant cookie: the browser's key to its
	// memberships. Only its hash is stored.
	ParticipantKey string
}

// IsOrganizer reports whether the actor is a logged-in organiser.
func (a Actor) IsOrganizer() bool { return a.Account != nil && a.Account.Role == RoleOrganizer }

// requireOrganizer distinguishes "log in first" from "not allowed".
func requireOrganizer(actor Actor) error {
	if actor.Account == nil {
		return Errorf(EUNAUTHORIZED, "Please log in.")
	}
	if !actor.IsOrganizer() {
		return Errorf(EFORBIDDEN, "Only organisers may do this.")
	}
	return nil
}

// withTimeout bounds a use case's storage work so that a stuck database turns
// into a clear error instead of a hanging request.
func withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, 15*time.Second)
}

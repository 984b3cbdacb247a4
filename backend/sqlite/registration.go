package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"ideenmarkt/backend"
)

const registrationColumns = `id, conference_id, token_hash, ticket_code, request_key, name, email, department, accessibility, locale,
	status, walk_in, promoted, created_at, confirmed_at, waitlisted_at, offered_at, offer_expires, cancelled_at, checked_in_at,
	check_in_door, erased_at, version, updated_at`

// registrationQueryer is what the read pool and a write transaction have in
// common, so that one set of finders serves the Store and RegistrationTx.
type registrationQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// scanRegistration reads registrationColumns.
func scanRegistration(r rowScanner) (*backend.Registration, error) {
	var g backend.Registration
	var created, updated string
	var confirmed, waitlisted, offered, expires, cancelled, checkedIn, erased sql.NullString
	if err := r.Scan(&g.ID, &g.ConferenceID, &g.TokenHash, &g.TicketCode, &g.RequestKey, &g.Name, &g.Email, &g.Department,
		&g.Accessibility, &g.Locale, &g.Status, &g.WalkIn, &g.Promoted, &created, &confirmed, &waitlisted, &offered, &expires,
		&cancelled, &checkedIn, &g.CheckInDoor, &erased, &g.Version, &updated); err != nil {
		return nil, err
	}
	var err error
	if g.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if g.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	for _, t := range []struct {
		dst **time.Time
		src sql.NullString
	}{{&g.ConfirmedAt, confirmed}, {&g.WaitlistedAt, waitlisted}, {&g.OfferedAt, offered}, {&g.OfferExpires, expires},
		{&g.CancelledAt, cancelled}, {&g.CheckedInAt, checkedIn}, {&g.ErasedAt, erased}} {
		if *t.dst, err = timePtr(t.src); err != nil {
			return nil, err
		}
	}
	return &g, nil
}

// normEmail is the form of an address that "one active registration per
// address" compares: trimmed and lower-cased.
func normEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// normSearch is the lower-cased form of a name or query. Folding in Go,
// not with SQL's lower(), makes "Özdemir" match "özdemir": SQLite's lower()
// and LIKE fold ASCII only.
func normSearch(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// likeContains is a LIKE pattern (with ESCAPE '\') for "contains s", with
// s's own wildcards taken literally.
func likeContains(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// findRegistration reads the one registration that where selects, or ENOTFOUND.
func findRegistration(ctx context.Context, q registrationQueryer, where string, args ...any) (*backend.Registration, error) {
	g, err := scanRegistration(q.QueryRowContext(ctx, `SELECT `+registrationColumns+` FROM registrations WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errRegistrationNotFound
	}
	return g, wrap(err, "find registration")
}

var errRegistrationNotFound = backend.Errorf(backend.ENOTFOUND, "Registration not found.")

// FindRegistrationByID returns the registration or ENOTFOUND.
func (s *Store) FindRegistrationByID(ctx context.Context, id int64) (*backend.Registration, error) {
	return findRegistration(ctx, s.read, `id = ?`, id)
}

// FindRegistrationByToken finds a registration by its link's token hash; ""
// (an erased registration's) matches nothing.
func (s *Store) FindRegistrationByToken(ctx context.Context, tokenHash string) (*backend.Registration, error) {
	if tokenHash == "" {
		return nil, errRegistrationNotFound
	}
	return findRegistration(ctx, s.read, `token_hash = ?`, tokenHash)
}

// FindRegistrationByTicket finds a registration of a conference by its
// ticket code, as typed or scanned at the door.
func (s *Store) FindRegistrationByTicket(ctx context.Context, conferenceID int64, ticketCode string) (*backend.Registration, error) {
	if ticketCode == "" {
		return nil, errRegistrationNotFound
	}
	return findRegistration(ctx, s.read, `conference_id = ? AND ticket_code = ?`, conferenceID, ticketCode)
}

// FindRegistrationByEmail returns the active registration of an address,
// compared trimmed and case-insensitively.
func (s *Store) FindRegistrationByEmail(ctx context.Context, conferenceID int64, email string) (*backend.Registration, error) {
	norm := normEmail(email)
	if norm == "" {
		return nil, errRegistrationNotFound
	}
	return findRegistration(ctx, s.read, `conference_id = ? AND email_norm = ? AND status NOT IN ('cancelled', 'lapsed') AND erased_at IS NULL`,
		conferenceID, norm)
}

// FindRegistrationByRequest finds the registration a form submit with this
// idempotency key created.
func (s *Store) FindRegistrationByRequest(ctx context.Context, conferenceID int64, requestKey string) (*backend.Registration, error) {
	if requestKey == "" {
		return nil, errRegistrationNotFound
	}
	return findRegistration(ctx, s.read, `conference_id = ? AND request_key = ?`, conferenceID, requestKey)
}

// FindRegistrations lists a conference's registrations by filter, oldest
// first, and the total before paging. The query matches part of the name
// or the e-mail address, case-insensitively, its % and _ taken literally.
func (s *Store) FindRegistrations(ctx context.Context, f backend.RegistrationFilter) ([]*backend.Registration, int, error) {
	where, args := `conference_id = ?`, []any{f.ConferenceID}
	if len(f.Statuses) > 0 {
		where += ` AND status IN (?` + strings.Repeat(`, ?`, len(f.Statuses)-1) + `)`
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	if q := normSearch(f.Query); q != "" {
		where += ` AND (name_norm LIKE ? ESCAPE '\' OR email_norm LIKE ? ESCAPE '\')`
		args = append(args, likeContains(q), likeContains(q))
	}
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM registrations WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, wrap(err, "count registrations")
	}
	offset, limit := backend.Page(f.Offset, f.Limit)
	rows, err := s.read.QueryContext(ctx, `SELECT `+registrationColumns+` FROM registrations WHERE `+where+
		` ORDER BY created_at, id LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, wrap(err, "list registrations")
	}
	out, err := collect(rows, scanRegistration, "list registrations", "scan registration")
	return out, total, err
}

// CountRegistrations returns a conference's registrations by status.
func (s *Store) CountRegistrations(ctx context.Context, conferenceID int64) (backend.RegistrationCounts, error) {
	return countRegistrations(ctx, s.read, conferenceID)
}

// countRegistrations counts in one statement, so that the numbers are of
// one moment.
func countRegistrations(ctx context.Context, q registrationQueryer, conferenceID int64) (backend.RegistrationCounts, error) {
	var c backend.RegistrationCounts
	err := q.QueryRowContext(ctx, `SELECT
		COUNT(*) FILTER (WHERE status = 'pending'),
		COUNT(*) FILTER (WHERE status = 'confirmed'),
		COUNT(*) FILTER (WHERE status = 'waitlisted'),
		COUNT(*) FILTER (WHERE status = 'offered'),
		COUNT(*) FILTER (WHERE status = 'cancelled'),
		COUNT(*) FILTER (WHERE status = 'lapsed'),
		COUNT(*) FILTER (WHERE promoted <> 0),
		COUNT(*) FILTER (WHERE walk_in <> 0),
		COUNT(*) FILTER (WHERE checked_in_at IS NOT NULL AND status = 'confirmed')
		FROM registrations WHERE conference_id = ?`, conferenceID).
		Scan(&c.Pending, &c.Confirmed, &c.Waitlisted, &c.Offered, &c.Cancelled, &c.Lapsed, &c.Promoted, &c.WalkIns, &c.CheckedIn)
	return c, wrap(err, "count registrations")
}

// registrationWriteError wraps a failed insert or update, naming what is
// taken when a unique index refused it. SQLite names the index's columns:
// "UNIQUE constraint failed: registrations.conference_id, registrations.email_norm".
func registrationWriteError(err error, what string) error {
	err = wrap(err, what)
	var be *backend.Error
	if !errors.As(err, &be) || be.Code != backend.ECONFLICT || be.Err == nil {
		return err
	}
	named := *be // a copy: err may be a shared *backend.Error passed through
	msg := be.Err.Error()
	switch {
	case strings.Contains(msg, "registrations.email_norm"):
		named.Message = "This e-mail address is already registered for this conference."
	case strings.Contains(msg, "registrations.ticket_code"):
		named.Message = "This ticket code is already in use."
	case strings.Contains(msg, "registrations.request_key"):
		named.Message = "This registration has already been submitted."
	case strings.Contains(msg, "registrations.token_hash"):
		named.Message = "This link is already in use."
	default:
		return err
	}
	return &named
}

package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"ideenmarkt/backend"
)

const registrationColumns = `id, conference_id, token_hash, ticket_code, request_key, name, email, department, accessibility, locale,
	status, walk_in, promoted, created_at, confirmed_at, waitlisted_at, offered_at, offer_expires, cancelled_at, checked_in_at,
	check_in_door, erased_at, version, updated_at`

// registrationQueryer is what the pool and a transaction have in common,
// so that one set of finders serves the Store and RegistrationTx.
type registrationQueryer interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// scanRegistration reads registrationColumns, with every time in UTC.
func scanRegistration(row pgx.Row) (*backend.Registration, error) {
	var g backend.Registration
	if err := row.Scan(&g.ID, &g.ConferenceID, &g.TokenHash, &g.TicketCode, &g.RequestKey, &g.Name, &g.Email, &g.Department,
		&g.Accessibility, &g.Locale, &g.Status, &g.WalkIn, &g.Promoted, &g.CreatedAt, &g.ConfirmedAt, &g.WaitlistedAt, &g.OfferedAt,
		&g.OfferExpires, &g.CancelledAt, &g.CheckedInAt, &g.CheckInDoor, &g.ErasedAt, &g.Version, &g.UpdatedAt); err != nil {
		return nil, err
	}
	g.CreatedAt, g.UpdatedAt = g.CreatedAt.UTC(), g.UpdatedAt.UTC()
	for _, t := range []**time.Time{&g.ConfirmedAt, &g.WaitlistedAt, &g.OfferedAt, &g.OfferExpires, &g.CancelledAt, &g.CheckedInAt, &g.ErasedAt} {
		*t = utcPtr(*t)
	}
	return &g, nil
}

// normEmail is the form of an address that "one active registration per
// address" compares: trimmed and lower-cased.
func normEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// normSearch is the lower-cased form of a name or query. Folding in Go,
// not with SQL's lower(), makes the search behave as in SQLite, whatever
// the database's locale.
func normSearch(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// likeContains is a LIKE pattern (with ESCAPE '\') for "contains s", with
// s's own wildcards taken literally.
func likeContains(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

var errRegistrationNotFound = backend.Errorf(backend.ENOTFOUND, "Registration not found.")

// findRegistration reads the one registration that where selects, or ENOTFOUND.
func findRegistration(ctx context.Context, q registrationQueryer, where string, args ...any) (*backend.Registration, error) {
	g, err := scanRegistration(q.QueryRow(ctx, `SELECT `+registrationColumns+` FROM registrations WHERE `+where, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errRegistrationNotFound
	}
	if err != nil {
		return nil, wrap(err, "find registration")
	}
	return g, nil
}

// FindRegistrationByID returns the registration or ENOTFOUND.
func (s *Store) FindRegistrationByID(ctx context.Context, id int64) (*backend.Registration, error) {
	return findRegistration(ctx, s.pool, `id = $1`, id)
}

// FindRegistrationByToken finds a registration by its link's token hash; ""
// (an erased registration's) matches nothing.
func (s *Store) FindRegistrationByToken(ctx context.Context, tokenHash string) (*backend.Registration, error) {
	if tokenHash == "" {
		return nil, errRegistrationNotFound
	}
	return findRegistration(ctx, s.pool, `token_hash = $1`, tokenHash)
}

// FindRegistrationByTicket finds a registration of a conference by its
// ticket code, as typed or scanned at the door.
func (s *Store) FindRegistrationByTicket(ctx context.Context, conferenceID int64, ticketCode string) (*backend.Registration, error) {
	if ticketCode == "" {
		return nil, errRegistrationNotFound
	}
	return findRegistration(ctx, s.pool, `conference_id = $1 AND ticket_code = $2`, conferenceID, ticketCode)
}

// FindRegistrationByEmail returns the active registration of an address,
// compared trimmed and case-insensitively.
func (s *Store) FindRegistrationByEmail(ctx context.Context, conferenceID int64, email string) (*backend.Registration, error) {
	norm := normEmail(email)
	if norm == "" {
		return nil, errRegistrationNotFound
	}
	return findRegistration(ctx, s.pool, `conference_id = $1 AND email_norm = $2 AND status NOT IN ('cancelled', 'lapsed') AND erased_at IS NULL`,
		conferenceID, norm)
}

// FindRegistrationByRequest finds the registration a form submit with this
// idempotency key created.
func (s *Store) FindRegistrationByRequest(ctx context.Context, conferenceID int64, requestKey string) (*backend.Registration, error) {
	if requestKey == "" {
		return nil, errRegistrationNotFound
	}
	return findRegistration(ctx, s.pool, `conference_id = $1 AND request_key = $2`, conferenceID, requestKey)
}

// FindRegistrations lists a conference's registrations by filter, oldest
// first, and the total before paging. The query matches part of the name
// or the e-mail address, case-insensitively, its % and _ taken literally.
func (s *Store) FindRegistrations(ctx context.Context, f backend.RegistrationFilter) ([]*backend.Registration, int, error) {
	where, args := `conference_id = $1`, []any{f.ConferenceID}
	if len(f.Statuses) > 0 {
		statuses := make([]string, len(f.Statuses))
		for k, st := range f.Statuses {
			statuses[k] = string(st)
		}
		args = append(args, statuses)
		where += ` AND status = ANY($` + strconv.Itoa(len(args)) + `)`
	}
	if q := normSearch(f.Query); q != "" {
		args = append(args, likeContains(q))
		n := `$` + strconv.Itoa(len(args))
		where += ` AND (name_norm LIKE ` + n + ` ESCAPE '\' OR email_norm LIKE ` + n + ` ESCAPE '\')`
	}
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM registrations WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, wrap(err, "count registrations")
	}
	offset, limit := backend.Page(f.Offset, f.Limit)
	page := ` ORDER BY created_at, id LIMIT $` + strconv.Itoa(len(args)+1) + ` OFFSET $` + strconv.Itoa(len(args)+2)
	rows, err := s.pool.Query(ctx, `SELECT `+registrationColumns+` FROM registrations WHERE `+where+page, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, wrap(err, "list registrations")
	}
	out, err := collect(rows, scanRegistration, "list registrations", "scan registration")
	return out, total, err
}

// CountRegistrations returns a conference's registrations by status.
func (s *Store) CountRegistrations(ctx context.Context, conferenceID int64) (backend.RegistrationCounts, error) {
	return countRegistrations(ctx, s.pool, conferenceID)
}

// countRegistrations counts in one statement, so that the numbers are of
// one snapshot.
func countRegistrations(ctx context.Context, q registrationQueryer, conferenceID int64) (backend.RegistrationCounts, error) {
	var c backend.RegistrationCounts
	err := q.QueryRow(ctx, `SELECT
		COUNT(*) FILTER (WHERE status = 'pending'),
		COUNT(*) FILTER (WHERE status = 'confirmed'),
		COUNT(*) FILTER (WHERE status = 'waitlisted'),
		COUNT(*) FILTER (WHERE status = 'offered'),
		COUNT(*) FILTER (WHERE status = 'cancelled'),
		COUNT(*) FILTER (WHERE status = 'lapsed'),
		COUNT(*) FILTER (WHERE promoted),
		COUNT(*) FILTER (WHERE walk_in),
		COUNT(*) FILTER (WHERE checked_in_at IS NOT NULL AND status = 'confirmed')
		FROM registrations WHERE conference_id = $1`, conferenceID).
		Scan(&c.Pending, &c.Confirmed, &c.Waitlisted, &c.Offered, &c.Cancelled, &c.Lapsed, &c.Promoted, &c.WalkIns, &c.CheckedIn)
	return c, wrap(err, "count registrations")
}

// registrationWriteError wraps a failed insert or update, naming what is
// taken when a unique index (see migrations/postgres/0009) refused it.
func registrationWriteError(err error, what string) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		return wrap(err, what)
	}
	msg := ""
	switch pgErr.ConstraintName {
	case "registrations_active_email":
		msg = "This e-mail address is already registered for this conference."
	case "registrations_ticket":
		msg = "This ticket code is already in use."
	case "registrations_request":
		msg = "This registration has already been submitted."
	case "registrations_token":
		msg = "This link is already in use."
	default:
		return wrap(err, what)
	}
	return &backend.Error{Code: backend.ECONFLICT, Message: msg, Err: detach(err, what)}
}

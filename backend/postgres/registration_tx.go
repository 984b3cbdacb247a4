package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

// ChangeRegistrations runs fn in one transaction that first takes a
// transaction-scoped advisory lock keyed by the conference, before it reads
// anything: ChangeRegistrations of one conference take turns (those of
// different conferences do not wait for each other), and since every
// statement under READ COMMITTED reads the latest commits, the counts fn
// reads still hold when it writes. The change lock of inChangesTx is always
// taken after this one, so the two never deadlock. One change is recorded
// for the first registration fn created or updated; none if fn only read or
// enqueued mail.
//
// Create and Update set ID and Version on the caller's structs as they go;
// when fn's error rolls the transaction back, those values are void.
func (s *Store) ChangeRegistrations(ctx context.Context, conferenceID int64, fn func(tx backend.RegistrationTx) error) error {
	return s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('ideenmarkt.registrations.' || $1::bigint::text, 0))`,
			conferenceID); err != nil {
			return backend.Change{}, wrap(err, "lock registrations")
		}
		rt := &registrationTx{ctx: ctx, tx: tx, conferenceID: conferenceID}
		if err := fn(rt); err != nil {
			return backend.Change{}, err
		}
		return rt.change, nil
	})
}

// registrationTx is the RegistrationTx of one ChangeRegistrations call. It
// sees and writes only the registrations of its conference.
type registrationTx struct {
	ctx          context.Context
	tx           pgx.Tx
	conferenceID int64
	change       backend.Change // of the first write; zero until then
}

var _ backend.RegistrationTx = (*registrationTx)(nil)

func (t *registrationTx) Counts() (backend.RegistrationCounts, error) {
	return countRegistrations(t.ctx, t.tx, t.conferenceID)
}

// Find returns a registration of the conference; one of another conference
// is ENOTFOUND here.
func (t *registrationTx) Find(id int64) (*backend.Registration, error) {
	return findRegistration(t.ctx, t.tx, `id = $1 AND conference_id = $2`, id, t.conferenceID)
}

// NextWaitlisted returns who waits longest: by WaitlistedAt (unset last), then id.
func (t *registrationTx) NextWaitlisted() (*backend.Registration, error) {
	return findRegistration(t.ctx, t.tx, `conference_id = $1 AND status = 'waitlisted' ORDER BY waitlisted_at NULLS LAST, id LIMIT 1`,
		t.conferenceID)
}

// ExpiredOffers lists the offers that expired before now, oldest expiry first.
func (t *registrationTx) ExpiredOffers(now time.Time) ([]*backend.Registration, error) {
	rows, err := t.tx.Query(t.ctx, `SELECT `+registrationColumns+` FROM registrations
		WHERE conference_id = $1 AND status = 'offered' AND offer_expires < $2 ORDER BY offer_expires, id`, t.conferenceID, now)
	if err != nil {
		return nil, wrap(err, "list expired offers")
	}
	return collect(rows, scanRegistration, "list expired offers", "scan registration")
}

// Create inserts r with Version 1 and sets its ID. A zero ConferenceID
// becomes the transaction's; another conference's is refused, since the
// transaction serialises only its own. The insert runs in a savepoint: a
// refused one (ECONFLICT) leaves the transaction usable, as in SQLite, so
// that fn may look up the registration that is in the way.
func (t *registrationTx) Create(r *backend.Registration) error {
	if err := t.own(r); err != nil {
		return err
	}
	var id int64
	err := pgx.BeginFunc(t.ctx, t.tx, func(sp pgx.Tx) error {
		return sp.QueryRow(t.ctx, `INSERT INTO registrations (conference_id, token_hash, ticket_code, request_key, name, email,
			email_norm, name_norm, department, accessibility, locale, status, walk_in, promoted, created_at, confirmed_at, waitlisted_at,
			offered_at, offer_expires, cancelled_at, checked_in_at, check_in_door, erased_at, version, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, 1, $24)
			RETURNING id`,
			r.ConferenceID, r.TokenHash, r.TicketCode, r.RequestKey, r.Name, r.Email, normEmail(r.Email), normSearch(r.Name),
			r.Department, r.Accessibility, r.Locale, r.Status, r.WalkIn, r.Promoted, r.CreatedAt, r.ConfirmedAt, r.WaitlistedAt,
			r.OfferedAt, r.OfferExpires, r.CancelledAt, r.CheckedInAt, r.CheckInDoor, r.ErasedAt, r.UpdatedAt).Scan(&id)
	})
	if err != nil {
		return registrationWriteError(err, "insert registration")
	}
	r.ID, r.Version = id, 1
	t.wrote(id, backend.OpCreate)
	return nil
}

// Update writes every field of r but ID, ConferenceID and CreatedAt if the
// stored Version equals r.Version, then bumps r.Version. The version check
// is the UPDATE's WHERE clause; like Create it runs in a savepoint.
func (t *registrationTx) Update(r *backend.Registration) error {
	var version int
	err := pgx.BeginFunc(t.ctx, t.tx, func(sp pgx.Tx) error {
		return sp.QueryRow(t.ctx, `UPDATE registrations SET token_hash = $1, ticket_code = $2, request_key = $3, name = $4, email = $5,
			email_norm = $6, name_norm = $7, department = $8, accessibility = $9, locale = $10, status = $11, walk_in = $12, promoted = $13,
			confirmed_at = $14, waitlisted_at = $15, offered_at = $16, offer_expires = $17, cancelled_at = $18, checked_in_at = $19,
			check_in_door = $20, erased_at = $21, version = version + 1, updated_at = $22
			WHERE id = $23 AND conference_id = $24 AND version = $25 RETURNING version`,
			r.TokenHash, r.TicketCode, r.RequestKey, r.Name, r.Email, normEmail(r.Email), normSearch(r.Name), r.Department, r.Accessibility,
			r.Locale, r.Status, r.WalkIn, r.Promoted, r.ConfirmedAt, r.WaitlistedAt, r.OfferedAt, r.OfferExpires, r.CancelledAt,
			r.CheckedInAt, r.CheckInDoor, r.ErasedAt, r.UpdatedAt, r.ID, t.conferenceID, r.Version).Scan(&version)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := t.Find(r.ID); err != nil {
			return err
		}
		return backend.ErrStaleVersion
	}
	if err != nil {
		return registrationWriteError(err, "update registration")
	}
	r.Version = version
	t.wrote(r.ID, backend.OpUpdate)
	return nil
}

// Enqueue stores a mail in this transaction; see EnqueueMail.
func (t *registrationTx) Enqueue(m *backend.OutboxMail) error {
	return enqueueMail(t.ctx, t.tx, m)
}

// own fills in or checks r's conference.
func (t *registrationTx) own(r *backend.Registration) error {
	if r.ConferenceID == 0 {
		r.ConferenceID = t.conferenceID
	}
	if r.ConferenceID != t.conferenceID {
		return backend.Errorf(backend.EINTERNAL, "A registration of conference %d was written in a change of conference %d.", r.ConferenceID, t.conferenceID)
	}
	return nil
}

// wrote remembers the first registration written, for the change record.
func (t *registrationTx) wrote(id int64, op string) {
	if t.change == (backend.Change{}) {
		t.change = backend.Change{Entity: backend.EntityRegistration, EntityID: id, Op: op, ConferenceID: t.conferenceID}
	}
}

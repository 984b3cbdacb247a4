package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"ideenmarkt/backend"
)

// ChangeRegistrations runs fn in one write transaction. Write transactions
// begin IMMEDIATE on the single write connection, so no other
// ChangeRegistrations (of any conference) interleaves, and the counts fn
// reads still hold when it writes. One change is recorded for the first
// registration fn created or updated; none if fn only read or enqueued mail.
//
// Create and Update set ID and Version on the caller's structs as they go;
// when fn's error rolls the transaction back, those values are void.
func (s *Store) ChangeRegistrations(ctx context.Context, conferenceID int64, fn func(tx backend.RegistrationTx) error) error {
	return s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
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
	tx           *sql.Tx
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
	return findRegistration(t.ctx, t.tx, `id = ? AND conference_id = ?`, id, t.conferenceID)
}

// NextWaitlisted returns who waits longest: by WaitlistedAt (unset last), then id.
func (t *registrationTx) NextWaitlisted() (*backend.Registration, error) {
	return findRegistration(t.ctx, t.tx, `conference_id = ? AND status = 'waitlisted' ORDER BY waitlisted_at NULLS LAST, id LIMIT 1`,
		t.conferenceID)
}

// ExpiredOffers lists the offers that expired before now, oldest expiry first.
func (t *registrationTx) ExpiredOffers(now time.Time) ([]*backend.Registration, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT `+registrationColumns+` FROM registrations
		WHERE conference_id = ? AND status = 'offered' AND offer_expires < ? ORDER BY offer_expires, id`, t.conferenceID, fmtTime(now))
	if err != nil {
		return nil, wrap(err, "list expired offers")
	}
	return collect(rows, scanRegistration, "list expired offers", "scan registration")
}

// Create inserts r with Version 1 and sets its ID. A zero ConferenceID
// becomes the transaction's; another conference's is refused, since the
// transaction serialises only its own.
func (t *registrationTx) Create(r *backend.Registration) error {
	if err := t.own(r); err != nil {
		return err
	}
	var id int64
	err := t.tx.QueryRowContext(t.ctx, `INSERT INTO registrations (conference_id, token_hash, ticket_code, request_key, name, email,
		email_norm, name_norm, department, accessibility, locale, status, walk_in, promoted, created_at, confirmed_at, waitlisted_at,
		offered_at, offer_expires, cancelled_at, checked_in_at, check_in_door, erased_at, version, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING id`,
		r.ConferenceID, r.TokenHash, r.TicketCode, r.RequestKey, r.Name, r.Email, normEmail(r.Email), normSearch(r.Name),
		r.Department, r.Accessibility, r.Locale, r.Status, boolInt(r.WalkIn), boolInt(r.Promoted), fmtTime(r.CreatedAt),
		nullTime(r.ConfirmedAt), nullTime(r.WaitlistedAt), nullTime(r.OfferedAt), nullTime(r.OfferExpires), nullTime(r.CancelledAt),
		nullTime(r.CheckedInAt), r.CheckInDoor, nullTime(r.ErasedAt), fmtTime(r.UpdatedAt)).Scan(&id)
	if err != nil {
		return registrationWriteError(err, "insert registration")
	}
	r.ID, r.Version = id, 1
	t.wrote(id, backend.OpCreate)
	return nil
}

// Update writes every field of r but ID, ConferenceID and CreatedAt if the
// stored Version equals r.Version, then bumps r.Version. The version check
// is the UPDATE's WHERE clause.
func (t *registrationTx) Update(r *backend.Registration) error {
	var version int
	err := t.tx.QueryRowContext(t.ctx, `UPDATE registrations SET token_hash = ?, ticket_code = ?, request_key = ?, name = ?, email = ?,
		email_norm = ?, name_norm = ?, department = ?, accessibility = ?, locale = ?, status = ?, walk_in = ?, promoted = ?,
		confirmed_at = ?, waitlisted_at = ?, offered_at = ?, offer_expires = ?, cancelled_at = ?, checked_in_at = ?, check_in_door = ?,
		erased_at = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND conference_id = ? AND version = ? RETURNING version`,
		r.TokenHash, r.TicketCode, r.RequestKey, r.Name, r.Email, normEmail(r.Email), normSearch(r.Name), r.Department, r.Accessibility,
		r.Locale, r.Status, boolInt(r.WalkIn), boolInt(r.Promoted), nullTime(r.ConfirmedAt), nullTime(r.WaitlistedAt),
		nullTime(r.OfferedAt), nullTime(r.OfferExpires), nullTime(r.CancelledAt), nullTime(r.CheckedInAt), r.CheckInDoor,
		nullTime(r.ErasedAt), fmtTime(r.UpdatedAt), r.ID, t.conferenceID, r.Version).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
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

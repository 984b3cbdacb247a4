package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"ideenmarkt/backend"
)

// The outbox is delivery plumbing, not an entity of the change feed: its
// writes record no change.

const mailColumns = `id, conference_id, registration_id, to_addr, locale, template, data, dedupe_key, created_at, next_attempt_at,
	attempts, claimed_until, sent_at, failed_at, last_error`

func scanMail(r rowScanner) (*backend.OutboxMail, error) {
	var m backend.OutboxMail
	var conference, registration sql.NullInt64
	var data string
	var dedupe, claimed, sent, failed sql.NullString
	var created, next string
	if err := r.Scan(&m.ID, &conference, &registration, &m.To, &m.Locale, &m.Template, &data, &dedupe, &created, &next,
		&m.Attempts, &claimed, &sent, &failed, &m.LastError); err != nil {
		return nil, err
	}
	m.ConferenceID, m.RegistrationID, m.DedupeKey = conference.Int64, registration.Int64, dedupe.String
	if err := json.Unmarshal([]byte(data), &m.Data); err != nil {
		return nil, err
	}
	if m.Data == nil {
		m.Data = map[string]string{}
	}
	var err error
	if m.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if m.NextAttemptAt, err = parseTime(next); err != nil {
		return nil, err
	}
	for _, t := range []struct {
		dst **time.Time
		src sql.NullString
	}{{&m.ClaimedUntil, claimed}, {&m.SentAt, sent}, {&m.FailedAt, failed}} {
		if *t.dst, err = timePtr(t.src); err != nil {
			return nil, err
		}
	}
	return &m, nil
}

// mailData encodes a mail's values as a JSON object; nil is {}.
func mailData(d map[string]string) (string, error) {
	if d == nil {
		return "{}", nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", wrap(err, "encode mail data")
	}
	return string(b), nil
}

// idOrNull stores an id of 0 ("none") as NULL.
func idOrNull(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// enqueueMail inserts m and sets its ID; with a DedupeKey already stored it
// does nothing and leaves ID 0.
func enqueueMail(ctx context.Context, tx *sql.Tx, m *backend.OutboxMail) error {
	data, err := mailData(m.Data)
	if err != nil {
		return err
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO mail_outbox (conference_id, registration_id, to_addr, locale, template, data, dedupe_key,
		created_at, next_attempt_at, attempts, claimed_until, sent_at, failed_at, last_error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING RETURNING id`,
		idOrNull(m.ConferenceID), idOrNull(m.RegistrationID), m.To, m.Locale, m.Template, data, nullString(m.DedupeKey),
		fmtTime(m.CreatedAt), fmtTime(m.NextAttemptAt), m.Attempts, nullTime(m.ClaimedUntil), nullTime(m.SentAt), nullTime(m.FailedAt),
		m.LastError).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) { // the dedupe key is taken: sent once is enough
		return nil
	}
	if err != nil {
		return wrap(err, "enqueue mail")
	}
	m.ID = id
	return nil
}

// EnqueueMail stores a mail outside a registration change.
func (s *Store) EnqueueMail(ctx context.Context, m *backend.OutboxMail) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return enqueueMail(ctx, tx, m) })
}

// ClaimMails claims up to limit due mails until now+lease, the earliest
// due first. It selects and claims in one write transaction, and SQLite
// has one writer at a time, so two claims never return the same mail.
func (s *Store) ClaimMails(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*backend.OutboxMail, error) {
	if limit <= 0 {
		return []*backend.OutboxMail{}, nil
	}
	var out []*backend.OutboxMail
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE mail_outbox SET claimed_until = ? WHERE id IN (
			SELECT id FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
			AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY next_attempt_at, id LIMIT ?)
			RETURNING `+mailColumns, fmtTime(now.Add(lease)), fmtTime(now), fmtTime(now), limit)
		if err != nil {
			return wrap(err, "claim mails")
		}
		out, err = collect(rows, scanMail, "claim mails", "scan mail")
		return err
	})
	if err != nil {
		return nil, err
	}
	sortMails(out)
	return out, nil
}

// sortMails orders claimed mails by due time, then id: RETURNING has no order.
func sortMails(ms []*backend.OutboxMail) {
	slices.SortFunc(ms, func(a, b *backend.OutboxMail) int {
		if c := a.NextAttemptAt.Compare(b.NextAttemptAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// MarkMailSent records a successful send and clears the claim.
func (s *Store) MarkMailSent(ctx context.Context, id int64, at time.Time) error {
	return s.updateMail(ctx, `UPDATE mail_outbox SET sent_at = ?, claimed_until = NULL WHERE id = ?`, fmtTime(at), id)
}

// MarkMailFailed records a failed attempt: one attempt more, the error, the
// next attempt at next and no claim; when giving up, next is also the time
// of failure.
func (s *Store) MarkMailFailed(ctx context.Context, id int64, errText string, next time.Time, giveUp bool) error {
	var failed sql.NullString
	if giveUp {
		failed = sql.NullString{String: fmtTime(next), Valid: true}
	}
	return s.updateMail(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claimed_until = NULL,
		failed_at = COALESCE(?, failed_at) WHERE id = ?`, errText, fmtTime(next), failed, id)
}

// updateMail runs a one-row update of the outbox; no row is ENOTFOUND.
func (s *Store) updateMail(ctx context.Context, query string, args ...any) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return wrap(err, "update mail")
		}
		n, err := res.RowsAffected()
		if err != nil {
			return wrap(err, "update mail")
		}
		if n == 0 {
			return backend.Errorf(backend.ENOTFOUND, "Mail not found.")
		}
		return nil
	})
}

// FindMails lists a registration's mails, oldest first.
func (s *Store) FindMails(ctx context.Context, registrationID int64) ([]*backend.OutboxMail, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+mailColumns+` FROM mail_outbox WHERE registration_id = ? ORDER BY created_at, id`, registrationID)
	if err != nil {
		return nil, wrap(err, "list mails")
	}
	return collect(rows, scanMail, "list mails", "scan mail")
}

// DeleteMails removes a registration's mails, for erasure.
func (s *Store) DeleteMails(ctx context.Context, registrationID int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM mail_outbox WHERE registration_id = ?`, registrationID)
		return wrap(err, "delete mails")
	})
}

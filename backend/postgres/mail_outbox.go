package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

// The outbox is delivery plumbing, not an entity of the change feed: its
// writes record no change.

const mailColumns = `id, conference_id, registration_id, to_addr, locale, template, data, dedupe_key, created_at, next_attempt_at,
	attempts, claimed_until, sent_at, failed_at, last_error`

// scanMail reads mailColumns; NULL ids and key are 0 and "", times are UTC.
func scanMail(row pgx.Row) (*backend.OutboxMail, error) {
	var m backend.OutboxMail
	var conference, registration *int64
	var data []byte
	var dedupe *string
	if err := row.Scan(&m.ID, &conference, &registration, &m.To, &m.Locale, &m.Template, &data, &dedupe, &m.CreatedAt,
		&m.NextAttemptAt, &m.Attempts, &m.ClaimedUntil, &m.SentAt, &m.FailedAt, &m.LastError); err != nil {
		return nil, err
	}
	if conference != nil {
		m.ConferenceID = *conference
	}
	if registration != nil {
		m.RegistrationID = *registration
	}
	if dedupe != nil {
		m.DedupeKey = *dedupe
	}
	if err := json.Unmarshal(data, &m.Data); err != nil {
		return nil, err
	}
	if m.Data == nil {
		m.Data = map[string]string{}
	}
	m.CreatedAt, m.NextAttemptAt = m.CreatedAt.UTC(), m.NextAttemptAt.UTC()
	m.ClaimedUntil, m.SentAt, m.FailedAt = utcPtr(m.ClaimedUntil), utcPtr(m.SentAt), utcPtr(m.FailedAt)
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
func idOrNull(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// mailExecer is what the pool and a transaction have in common for one row.
type mailExecer interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// enqueueMail inserts m and sets its ID; with a DedupeKey already stored it
// does nothing and leaves ID 0. ON CONFLICT DO NOTHING raises no error, so
// a duplicate leaves a surrounding transaction usable.
func enqueueMail(ctx context.Context, q mailExecer, m *backend.OutboxMail) error {
	data, err := mailData(m.Data)
	if err != nil {
		return err
	}
	var id int64
	err = q.QueryRow(ctx, `INSERT INTO mail_outbox (conference_id, registration_id, to_addr, locale, template, data, dedupe_key,
		created_at, next_attempt_at, attempts, claimed_until, sent_at, failed_at, last_error)
		VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING RETURNING id`,
		idOrNull(m.ConferenceID), idOrNull(m.RegistrationID), m.To, m.Locale, m.Template, data, nullString(m.DedupeKey),
		m.CreatedAt, m.NextAttemptAt, m.Attempts, m.ClaimedUntil, m.SentAt, m.FailedAt, m.LastError).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) { // the dedupe key is taken: sent once is enough
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
	return enqueueMail(ctx, s.pool, m)
}

// ClaimMails claims up to limit due mails until now+lease, the earliest due
// first, in one statement. FOR UPDATE SKIP LOCKED lets concurrent claimers
// pass over each other's rows instead of waiting, and a row another claimer
// has just claimed is re-checked against its new claimed_until, so two
// claims never return the same mail.
func (s *Store) ClaimMails(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*backend.OutboxMail, error) {
	if limit <= 0 {
		return []*backend.OutboxMail{}, nil
	}
	rows, err := s.pool.Query(ctx, `UPDATE mail_outbox SET claimed_until = $1 WHERE id IN (
		SELECT id FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $2
		AND (claimed_until IS NULL OR claimed_until <= $2) ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
		RETURNING `+mailColumns, now.Add(lease), now, limit)
	if err != nil {
		return nil, wrap(err, "claim mails")
	}
	out, err := collect(rows, scanMail, "claim mails", "scan mail")
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *backend.OutboxMail) int { // RETURNING has no order
		if c := a.NextAttemptAt.Compare(b.NextAttemptAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// MarkMailSent records a successful send and clears the claim.
func (s *Store) MarkMailSent(ctx context.Context, id int64, at time.Time) error {
	return s.updateMail(ctx, `UPDATE mail_outbox SET sent_at = $1, claimed_until = NULL WHERE id = $2`, at, id)
}

// MarkMailFailed records a failed attempt: one attempt more, the error, the
// next attempt at next and no claim; when giving up, next is also the time
// of failure.
func (s *Store) MarkMailFailed(ctx context.Context, id int64, errText string, next time.Time, giveUp bool) error {
	var failed *time.Time
	if giveUp {
		failed = &next
	}
	return s.updateMail(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, claimed_until = NULL,
		failed_at = COALESCE($3, failed_at) WHERE id = $4`, errText, next, failed, id)
}

// updateMail runs a one-row update of the outbox; no row is ENOTFOUND.
func (s *Store) updateMail(ctx context.Context, query string, args ...any) error {
	tag, err := s.pool.Exec(ctx, query, args...)
	if err != nil {
		return wrap(err, "update mail")
	}
	if tag.RowsAffected() == 0 {
		return backend.Errorf(backend.ENOTFOUND, "Mail not found.")
	}
	return nil
}

// FindMails lists a registration's mails, oldest first.
func (s *Store) FindMails(ctx context.Context, registrationID int64) ([]*backend.OutboxMail, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+mailColumns+` FROM mail_outbox WHERE registration_id = $1 ORDER BY created_at, id`, registrationID)
	if err != nil {
		return nil, wrap(err, "list mails")
	}
	return collect(rows, scanMail, "list mails", "scan mail")
}

// DeleteMails removes a registration's mails, for erasure.
func (s *Store) DeleteMails(ctx context.Context, registrationID int64) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM mail_outbox WHERE registration_id = $1`, registrationID)
	return wrap(err, "delete mails")
}

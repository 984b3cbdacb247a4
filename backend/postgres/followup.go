package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

// RecordFollowUp writes i's follow-up fields, the timeline entry, the audit
// entry and the idea's change in one transaction (see backend.Store). The
// version check is the UPDATE's WHERE clause: a concurrent writer of the
// same idea holds its row lock until commit, after which PostgreSQL
// re-checks the clause against the new version, so exactly one of two
// follow-ups read at the same version commits.
func (s *Store) RecordFollowUp(ctx context.Context, i *backend.Idea, e *backend.FollowUpEntry, audit *backend.AuditEntry) error {
	if e == nil || audit == nil {
		return backend.Errorf(backend.EINTERNAL, "A follow-up needs a timeline and an audit entry.")
	}
	var version int
	var entryID, conferenceID int64
	var a backend.AuditEntry
	err := s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		err := tx.QueryRow(ctx, `UPDATE ideas SET status = $1, status_reason = $2, official_answer = $3, responsible_unit = $4, progress = $5,
			version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8 RETURNING version, conference_id`,
			i.Status, i.StatusReason, i.OfficialAnswer, i.ResponsibleUnit, i.Progress, i.UpdatedAt, i.ID, i.Version).
			Scan(&version, &conferenceID)
		if errors.Is(err, pgx.ErrNoRows) {
			return backend.Change{}, staleOrMissing(ctx, tx, i.ID)
		}
		if err != nil {
			return backend.Change{}, wrap(err, "record follow-up")
		}
		entry := *e
		entry.IdeaID, entry.ConferenceID = i.ID, conferenceID
		if entryID, err = insertFollowUp(ctx, tx, &entry); err != nil {
			return backend.Change{}, err
		}
		a = mergeAudit(audit, conferenceID, backend.AuditFollowUp, i.ID, entry.CreatedAt)
		if a.ID, err = insertMergeAudit(ctx, tx, &a); err != nil {
			return backend.Change{}, err
		}
		return backend.Change{Entity: backend.EntityIdea, EntityID: i.ID, Op: backend.OpUpdate, ConferenceID: conferenceID}, nil
	})
	if err != nil {
		return err
	}
	i.Version, i.ConferenceID = version, conferenceID
	i.Tags = list(i.Tags)
	e.ID, e.IdeaID, e.ConferenceID = entryID, i.ID, conferenceID
	*audit = a
	return nil
}

// staleOrMissing tells why a version-checked write of idea id matched no
// row: ENOTFOUND when the idea is gone, else a stale version.
func staleOrMissing(ctx context.Context, tx pgx.Tx, id int64) error {
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM ideas WHERE id = $1)`, id).Scan(&exists); err != nil {
		return wrap(err, "check idea")
	}
	if !exists {
		return backend.Errorf(backend.ENOTFOUND, "Idea not found.")
	}
	return backend.ErrStaleVersion
}

// insertFollowUp writes one timeline entry and returns its id. Nil
// pointers are stored as NULL ("unchanged in this step").
func insertFollowUp(ctx context.Context, tx pgx.Tx, e *backend.FollowUpEntry) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO idea_follow_ups (idea_id, conference_id, kind, account_id, author_name, from_status, to_status,
		reason, official_answer, responsible_unit, progress, note, target_conference_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		e.IdeaID, e.ConferenceID, e.Kind, e.AccountID, e.AuthorName, e.FromStatus, e.ToStatus,
		e.Reason, e.OfficialAnswer, e.ResponsibleUnit, e.Progress, e.Note, e.TargetConferenceID, e.CreatedAt).Scan(&id)
	return id, wrap(err, "insert timeline entry")
}

// ListFollowUps returns an idea's timeline, oldest first.
func (s *Store) ListFollowUps(ctx context.Context, ideaID int64) ([]backend.FollowUpEntry, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, idea_id, conference_id, kind, account_id, author_name, from_status, to_status,
		reason, official_answer, responsible_unit, progress, note, target_conference_id, created_at
		FROM idea_follow_ups WHERE idea_id = $1 ORDER BY id`, ideaID)
	if err != nil {
		return nil, wrap(err, "list timeline")
	}
	return collect(rows, func(row pgx.Row) (backend.FollowUpEntry, error) {
		var e backend.FollowUpEntry
		err := row.Scan(&e.ID, &e.IdeaID, &e.ConferenceID, &e.Kind, &e.AccountID, &e.AuthorName, &e.FromStatus, &e.ToStatus,
			&e.Reason, &e.OfficialAnswer, &e.ResponsibleUnit, &e.Progress, &e.Note, &e.TargetConferenceID, &e.CreatedAt)
		e.CreatedAt = e.CreatedAt.UTC()
		return e, err
	}, "list timeline", "scan timeline entry")
}

package sqlite

import (
	"context"
	"database/sql"

	"ideenmarkt/backend"
)

// RecordFollowUp writes i's follow-up fields, the timeline entry, the audit
// entry and the idea's change in one transaction (see backend.Store). The
// version check is the UPDATE's WHERE clause, so of two follow-ups read at
// the same version exactly one commits; the other writes nothing.
func (s *Store) RecordFollowUp(ctx context.Context, i *backend.Idea, e *backend.FollowUpEntry, audit *backend.AuditEntry) error {
	if e == nil || audit == nil {
		return backend.Errorf(backend.EINTERNAL, "A follow-up needs a timeline and an audit entry.")
	}
	var version int
	var entryID int64
	var a backend.AuditEntry
	var conferenceID int64
	err := s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		err := tx.QueryRowContext(ctx, `UPDATE ideas SET status = ?, status_reason = ?, official_answer = ?, responsible_unit = ?, progress = ?,
			version = version + 1, updated_at = ? WHERE id = ? AND version = ? RETURNING version, conference_id`,
			i.Status, i.StatusReason, i.OfficialAnswer, i.ResponsibleUnit, i.Progress, fmtTime(i.UpdatedAt), i.ID, i.Version).
			Scan(&version, &conferenceID)
		if err == sql.ErrNoRows {
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
	nonNilTags(i)
	e.ID, e.IdeaID, e.ConferenceID = entryID, i.ID, conferenceID
	*audit = a
	return nil
}

// staleOrMissing tells why a version-checked write of idea id matched no
// row: ENOTFOUND when the idea is gone, else a stale version.
func staleOrMissing(ctx context.Context, tx *sql.Tx, id int64) error {
	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ideas WHERE id = ?)`, id).Scan(&exists); err != nil {
		return wrap(err, "check idea")
	}
	if !exists {
		return backend.Errorf(backend.ENOTFOUND, "Idea not found.")
	}
	return backend.ErrStaleVersion
}

// insertFollowUp writes one timeline entry and returns its id.
func insertFollowUp(ctx context.Context, tx *sql.Tx, e *backend.FollowUpEntry) (int64, error) {
	var progress sql.NullInt64
	if e.Progress != nil {
		progress = sql.NullInt64{Int64: int64(*e.Progress), Valid: true}
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO idea_follow_ups (idea_id, conference_id, kind, account_id, author_name, from_status, to_status,
		reason, official_answer, responsible_unit, progress, note, target_conference_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.IdeaID, e.ConferenceID, e.Kind, nullInt64(e.AccountID), e.AuthorName, e.FromStatus, e.ToStatus,
		e.Reason, stringPtrArg(e.OfficialAnswer), stringPtrArg(e.ResponsibleUnit), progress, e.Note,
		nullInt64(e.TargetConferenceID), fmtTime(e.CreatedAt)).Scan(&id)
	return id, wrap(err, "insert timeline entry")
}

// stringPtrArg stores nil as NULL and any string, "" included, as itself:
// an answer cleared in a step is "" there, not "unchanged".
func stringPtrArg(p *string) sql.NullString {
	if p == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *p, Valid: true}
}

// ListFollowUps returns an idea's timeline, oldest first.
func (s *Store) ListFollowUps(ctx context.Context, ideaID int64) ([]backend.FollowUpEntry, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, idea_id, conference_id, kind, account_id, author_name, from_status, to_status,
		reason, official_answer, responsible_unit, progress, note, target_conference_id, created_at
		FROM idea_follow_ups WHERE idea_id = ? ORDER BY id`, ideaID)
	if err != nil {
		return nil, wrap(err, "list timeline")
	}
	return collect(rows, scanFollowUp, "list timeline", "scan timeline entry")
}

func scanFollowUp(r rowScanner) (backend.FollowUpEntry, error) {
	var e backend.FollowUpEntry
	var account, progress, target sql.NullInt64
	var answer, unit sql.NullString
	var created string
	if err := r.Scan(&e.ID, &e.IdeaID, &e.ConferenceID, &e.Kind, &account, &e.AuthorName, &e.FromStatus, &e.ToStatus,
		&e.Reason, &answer, &unit, &progress, &e.Note, &target, &created); err != nil {
		return e, err
	}
	e.AccountID, e.TargetConferenceID = int64Ptr(account), int64Ptr(target)
	if answer.Valid {
		e.OfficialAnswer = &answer.String
	}
	if unit.Valid {
		e.ResponsibleUnit = &unit.String
	}
	if progress.Valid {
		p := int(progress.Int64)
		e.Progress = &p
	}
	var err error
	e.CreatedAt, err = parseTime(created)
	return e, err
}

package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

// qualify prefixes each of a comma-separated column list with alias, for
// queries that join tables sharing column names.
func qualify(alias, columns string) string {
	cols := strings.Split(columns, ",")
	for n, c := range cols {
		cols[n] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// FindUnreviewedComments returns the comments of a conference's ideas that
// are neither reviewed nor deleted, oldest first by id.
func (s *Store) FindUnreviewedComments(ctx context.Context, conferenceID int64) ([]*backend.Comment, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+qualify("c", commentColumns)+` FROM comments c JOIN ideas i ON i.id = c.idea_id
		WHERE i.conference_id = $1 AND NOT c.reviewed AND NOT c.deleted ORDER BY c.id`, conferenceID)
	if err != nil {
		return nil, wrap(err, "list unreviewed comments")
	}
	return collect(rows, scanComment, "list unreviewed comments", "scan comment")
}

const reportColumns = `id, conference_id, entity, entity_id, participant_id, reason, created_at, resolved_at`

// scanReport reads reportColumns; the times are UTC.
func scanReport(row pgx.Row) (*backend.Report, error) {
	var r backend.Report
	if err := row.Scan(&r.ID, &r.ConferenceID, &r.Entity, &r.EntityID, &r.ParticipantID, &r.Reason, &r.CreatedAt, &r.ResolvedAt); err != nil {
		return nil, err
	}
	r.CreatedAt = r.CreatedAt.UTC()
	r.ResolvedAt = utcPtr(r.ResolvedAt)
	return &r, nil
}

// CreateReport inserts r, sets its ID and records a report change. The same
// participant reporting the same entity again is ECONFLICT (reports_once);
// an unknown conference or participant is ENOTFOUND (foreign key).
func (s *Store) CreateReport(ctx context.Context, r *backend.Report) error {
	var id int64
	err := s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		err := tx.QueryRow(ctx, `INSERT INTO reports (conference_id, entity, entity_id, participant_id, reason, created_at, resolved_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			r.ConferenceID, r.Entity, r.EntityID, r.ParticipantID, r.Reason, r.CreatedAt, r.ResolvedAt).Scan(&id)
		if err != nil {
			return backend.Change{}, wrap(err, "insert report")
		}
		return backend.Change{Entity: backend.EntityReport, EntityID: id, Op: backend.OpCreate, ConferenceID: r.ConferenceID}, nil
	})
	if err != nil {
		return err
	}
	r.ID = id
	return nil
}

// FindReports lists a conference's reports by id; openOnly leaves out
// resolved ones.
func (s *Store) FindReports(ctx context.Context, conferenceID int64, openOnly bool) ([]*backend.Report, error) {
	where := ` WHERE conference_id = $1`
	if openOnly {
		where += ` AND resolved_at IS NULL`
	}
	rows, err := s.pool.Query(ctx, `SELECT `+reportColumns+` FROM reports`+where+` ORDER BY id`, conferenceID)
	if err != nil {
		return nil, wrap(err, "list reports")
	}
	return collect(rows, scanReport, "list reports", "scan report")
}

// Moderate applies m in one transaction: the idea write (as UpdateIdea
// without keepVersion), the comment write (as UpdateComment, locking the
// idea row first), the audit entry and the resolution of open reports. On any
// error nothing is written and m is left as it was.
func (s *Store) Moderate(ctx context.Context, m *backend.ModerationChange) error {
	var version int
	var auditID int64
	err := s.inChangesTx(ctx, func(tx pgx.Tx) ([]backend.Change, error) {
		var changes []backend.Change
		if m.Idea != nil {
			v, ch, err := updateIdea(ctx, tx, m.Idea, false)
			if err != nil {
				return nil, err
			}
			version = v
			changes = append(changes, ch)
		}
		if m.Comment != nil {
			ch, err := updateComment(ctx, tx, m.Comment)
			if err != nil {
				return nil, err
			}
			changes = append(changes, ch)
		}
		a := &m.Audit
		err := tx.QueryRow(ctx, `INSERT INTO audit_log (conference_id, actor, action, entity, entity_id, reason, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			a.ConferenceID, a.Actor, a.Action, a.Entity, a.EntityID, a.Reason, a.CreatedAt).Scan(&auditID)
		if err != nil {
			return nil, wrap(err, "insert audit entry")
		}
		if m.ResolveReports {
			_, err := tx.Exec(ctx, `UPDATE reports SET resolved_at = $1 WHERE entity = $2 AND entity_id = $3 AND resolved_at IS NULL`,
				a.CreatedAt, a.Entity, a.EntityID)
			if err != nil {
				return nil, wrap(err, "resolve reports")
			}
		}
		return changes, nil
	})
	if err != nil {
		return err
	}
	if m.Idea != nil {
		m.Idea.Version = version
		m.Idea.Tags = list(m.Idea.Tags)
	}
	m.Audit.ID = auditID
	return nil
}

const auditColumns = `id, conference_id, actor, action, entity, entity_id, reason, created_at`

// scanAudit reads auditColumns plus any extra destinations; the time is UTC.
func scanAudit(row pgx.Row, extra ...any) (*backend.AuditEntry, error) {
	var a backend.AuditEntry
	dest := append([]any{&a.ID, &a.ConferenceID, &a.Actor, &a.Action, &a.Entity, &a.EntityID, &a.Reason, &a.CreatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return &a, nil
}

// FindAuditLog lists a conference's audit entries, newest first, with the
// total before paging. As in FindIdeas, the total comes from a window
// function, and only a page past the end needs a second query.
func (s *Store) FindAuditLog(ctx context.Context, conferenceID int64, offset, limit int) ([]*backend.AuditEntry, int, error) {
	offset, limit = backend.Page(offset, limit)
	rows, err := s.pool.Query(ctx, `SELECT `+auditColumns+`, COUNT(*) OVER () FROM audit_log WHERE conference_id = $1
		ORDER BY id DESC LIMIT $2 OFFSET $3`, conferenceID, limit, offset)
	if err != nil {
		return nil, 0, wrap(err, "list audit log")
	}
	var total int
	scan := func(row pgx.Row) (*backend.AuditEntry, error) { return scanAudit(row, &total) }
	out, err := collect(rows, scan, "list audit log", "scan audit entry")
	if err != nil {
		return nil, 0, err
	}
	if len(out) == 0 && offset > 0 {
		if err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE conference_id = $1`, conferenceID).Scan(&total); err != nil {
			return nil, 0, wrap(err, "count audit log")
		}
	}
	return out, total, nil
}

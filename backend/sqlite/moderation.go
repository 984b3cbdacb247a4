package sqlite

import (
	"context"
	"database/sql"
	"strings"

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
	rows, err := s.read.QueryContext(ctx, `SELECT `+qualify("c", commentColumns)+` FROM comments c JOIN ideas i ON i.id = c.idea_id
		WHERE i.conference_id = ? AND c.reviewed = 0 AND c.deleted = 0 ORDER BY c.id`, conferenceID)
	if err != nil {
		return nil, wrap(err, "list unreviewed comments")
	}
	return collect(rows, scanComment, "list unreviewed comments", "scan comment")
}

const reportColumns = `id, conference_id, entity, entity_id, participant_id, reason, created_at, resolved_at`

func scanReport(r rowScanner) (*backend.Report, error) {
	var rep backend.Report
	var created string
	var resolved sql.NullString
	if err := r.Scan(&rep.ID, &rep.ConferenceID, &rep.Entity, &rep.EntityID, &rep.ParticipantID, &rep.Reason, &created, &resolved); err != nil {
		return nil, err
	}
	var err error
	if rep.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if rep.ResolvedAt, err = timePtr(resolved); err != nil {
		return nil, err
	}
	return &rep, nil
}

// CreateReport inserts r, sets its ID and records a report change. The same
// participant reporting the same entity again is ECONFLICT; an unknown
// conference or participant is ENOTFOUND (foreign key).
func (s *Store) CreateReport(ctx context.Context, r *backend.Report) error {
	var id int64
	err := s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		err := tx.QueryRowContext(ctx, `INSERT INTO reports (conference_id, entity, entity_id, participant_id, reason, created_at, resolved_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.ConferenceID, r.Entity, r.EntityID, r.ParticipantID, r.Reason, fmtTime(r.CreatedAt), nullTime(r.ResolvedAt)).Scan(&id)
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
	where := ` WHERE conference_id = ?`
	if openOnly {
		where += ` AND resolved_at IS NULL`
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+reportColumns+` FROM reports`+where+` ORDER BY id`, conferenceID)
	if err != nil {
		return nil, wrap(err, "list reports")
	}
	return collect(rows, scanReport, "list reports", "scan report")
}

// Moderate applies m in one transaction: the idea write (as UpdateIdea
// without keepVersion), the comment write (as UpdateComment), the audit entry
// and the resolution of open reports. On any error nothing is written and
// m is left as it was.
func (s *Store) Moderate(ctx context.Context, m *backend.ModerationChange) error {
	var version int
	var auditID int64
	err := s.inChangesTx(ctx, func(tx *sql.Tx) ([]backend.Change, error) {
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
		err := tx.QueryRowContext(ctx, `INSERT INTO audit_log (conference_id, actor, action, entity, entity_id, reason, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			a.ConferenceID, a.Actor, a.Action, a.Entity, a.EntityID, a.Reason, fmtTime(a.CreatedAt)).Scan(&auditID)
		if err != nil {
			return nil, wrap(err, "insert audit entry")
		}
		if m.ResolveReports {
			_, err := tx.ExecContext(ctx, `UPDATE reports SET resolved_at = ? WHERE entity = ? AND entity_id = ? AND resolved_at IS NULL`,
				fmtTime(a.CreatedAt), a.Entity, a.EntityID)
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
		nonNilTags(m.Idea)
	}
	m.Audit.ID = auditID
	return nil
}

const auditColumns = `id, conference_id, actor, action, entity, entity_id, reason, created_at`

func scanAudit(r rowScanner) (*backend.AuditEntry, error) {
	var a backend.AuditEntry
	var created string
	if err := r.Scan(&a.ID, &a.ConferenceID, &a.Actor, &a.Action, &a.Entity, &a.EntityID, &a.Reason, &created); err != nil {
		return nil, err
	}
	var err error
	if a.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	return &a, nil
}

// FindAuditLog lists a conference's audit entries, newest first, with the
// total before paging.
func (s *Store) FindAuditLog(ctx context.Context, conferenceID int64, offset, limit int) ([]*backend.AuditEntry, int, error) {
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE conference_id = ?`, conferenceID).Scan(&total); err != nil {
		return nil, 0, wrap(err, "count audit log")
	}
	offset, limit = backend.Page(offset, limit)
	rows, err := s.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE conference_id = ? ORDER BY id DESC LIMIT ? OFFSET ?`,
		conferenceID, limit, offset)
	if err != nil {
		return nil, 0, wrap(err, "list audit log")
	}
	out, err := collect(rows, scanAudit, "list audit log", "scan audit entry")
	return out, total, err
}

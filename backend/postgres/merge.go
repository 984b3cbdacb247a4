package postgres

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

// mergeIdea is what merging and undoing check of an idea.
type mergeIdea struct {
	conferenceID int64
	status       backend.IdeaStatus
	mergedInto   *int64
	imported     int
}

// merged reports whether the idea is merged into another one.
func (i mergeIdea) merged() bool { return i.status == backend.IdeaMerged || i.mergedInto != nil }

// lockMergeIdeas reads and locks the rows of ideas a and b, the lower id
// first, so that merges, undos, supports and comments touching the same
// ideas take turns without deadlocking. A missing idea is ENOTFOUND.
func lockMergeIdeas(ctx context.Context, tx pgx.Tx, a, b int64) (mergeIdea, mergeIdea, error) {
	ids := []int64{min(a, b), max(a, b)}
	if a == b {
		ids = ids[:1]
	}
	got := map[int64]mergeIdea{}
	for _, id := range ids {
		var i mergeIdea
		err := tx.QueryRow(ctx, `SELECT conference_id, status, merged_into_id, imported_supports FROM ideas WHERE id = $1 FOR NO KEY UPDATE`, id).
			Scan(&i.conferenceID, &i.status, &i.mergedInto, &i.imported)
		if errors.Is(err, pgx.ErrNoRows) {
			return mergeIdea{}, mergeIdea{}, backend.Errorf(backend.ENOTFOUND, "Idea not found.")
		}
		if err != nil {
			return mergeIdea{}, mergeIdea{}, wrap(err, "lock idea")
		}
		got[id] = i
	}
	return got[a], got[b], nil
}

// checkMerge answers whether source may be merged into target in m's
// conference: ECONFLICT for the same idea, an idea of another conference, or
// an idea that is merged itself.
func checkMerge(m *backend.Merge, source, target mergeIdea) error {
	switch {
	case m.SourceID == m.TargetID:
		return backend.Errorf(backend.ECONFLICT, "An idea cannot be merged into itself.")
	case source.conferenceID != m.ConferenceID || target.conferenceID != m.ConferenceID:
		return backend.Errorf(backend.ECONFLICT, "Only ideas of the same conference can be merged.")
	case source.merged():
		return backend.Errorf(backend.ECONFLICT, "This idea has already been merged into another one.")
	case target.merged():
		return backend.Errorf(backend.ECONFLICT, "The target idea has been merged into another one itself.")
	}
	return nil
}

// mergeRecount sets an idea's support_count (imported supports plus one per
// supporting participant) and comment_count, increments its version and sets
// updated_at. The caller holds the idea's row lock.
func mergeRecount(ctx context.Context, tx pgx.Tx, ideaID int64, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE ideas SET support_count = imported_supports + (SELECT COUNT(*) FROM supports WHERE idea_id = $1),
		version = version + 1, updated_at = $2 WHERE id = $1`, ideaID, at)
	if err != nil {
		return wrap(err, "count supports")
	}
	return recountComments(ctx, tx, ideaID)
}

// insertMergeAudit writes a to the audit log and returns its id.
func insertMergeAudit(ctx context.Context, tx pgx.Tx, a *backend.AuditEntry) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO audit_log (conference_id, actor, action, entity, entity_id, reason, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		a.ConferenceID, a.Actor, a.Action, a.Entity, a.EntityID, a.Reason, a.CreatedAt).Scan(&id)
	return id, wrap(err, "insert audit entry")
}

// mergeAudit returns a copy of audit whose empty fields are filled in: the
// merge's conference, action, the source idea, and at.
func mergeAudit(audit *backend.AuditEntry, conferenceID int64, action string, sourceID int64, at time.Time) backend.AuditEntry {
	a := *audit
	if a.ConferenceID == 0 {
		a.ConferenceID = conferenceID
	}
	if a.Action == "" {
		a.Action = action
	}
	if a.Entity == "" {
		a.Entity, a.EntityID = backend.EntityIdea, sourceID
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = at
	}
	return a
}

// mergeTime returns the first non-zero of ts, or now.
func mergeTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Now().UTC().Truncate(time.Microsecond)
}

// mergeChanges returns an idea update change per id, then a comment update
// change per comment id in ascending order, all in conferenceID.
func mergeChanges(conferenceID int64, ideaIDs, commentIDs []int64) []backend.Change {
	commentIDs = slices.Sorted(slices.Values(commentIDs))
	var chs []backend.Change
	for _, id := range ideaIDs {
		chs = append(chs, backend.Change{Entity: backend.EntityIdea, EntityID: id, Op: backend.OpUpdate, ConferenceID: conferenceID})
	}
	for _, id := range commentIDs {
		chs = append(chs, backend.Change{Entity: backend.EntityComment, EntityID: id, Op: backend.OpUpdate, ConferenceID: conferenceID})
	}
	return chs
}

// MergeIdeas merges m.SourceID into m.TargetID in one transaction (see
// backend.Store). Both idea rows are locked first (lower id first), so that
// concurrent merges of one source take turns and all but the first find it
// merged, and supports or comments given meanwhile are either moved or wait.
// Unknown ids are ENOTFOUND (checked first); the same idea twice, an idea not
// of m.ConferenceID, and a source or target that is merged itself (status
// merged or a merged_into_id) are ECONFLICT. The ideas' updated_at and an
// empty m.CreatedAt become audit.CreatedAt; empty fields of audit are filled
// in (conference, action merge, the source idea). On success m gets its ID,
// PreviousStatus and counts and audit its ID; on error nothing is written
// and neither is changed.
func (s *Store) MergeIdeas(ctx context.Context, m *backend.Merge, audit *backend.AuditEntry) error {
	if audit == nil {
		return backend.Errorf(backend.EINTERNAL, "A merge needs an audit entry.")
	}
	at := mergeTime(audit.CreatedAt, m.CreatedAt)
	created := mergeTime(m.CreatedAt, at)
	a := mergeAudit(audit, m.ConferenceID, backend.AuditMerge, m.SourceID, at)
	var got *backend.Merge
	err := s.inChangesTx(ctx, func(tx pgx.Tx) ([]backend.Change, error) {
		source, target, err := lockMergeIdeas(ctx, tx, m.SourceID, m.TargetID)
		if err != nil {
			return nil, err
		}
		if err := checkMerge(m, source, target); err != nil {
			return nil, err
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO merges (conference_id, source_id, target_id, previous_status, moved_imported, actor, reason, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			m.ConferenceID, m.SourceID, m.TargetID, source.status, source.imported, m.Actor, m.Reason, created).Scan(&id)
		if err != nil {
			return nil, wrap(err, "insert merge")
		}
		// Supports: record each, move those of people not yet supporting
		// the target (keeping when they were given), drop the rest.
		if _, err := tx.Exec(ctx, `INSERT INTO merge_supports (merge_id, participant_id, created_at, moved)
			SELECT $1::bigint, s.participant_id, s.created_at,
				NOT EXISTS (SELECT 1 FROM supports t WHERE t.idea_id = $2 AND t.participant_id = s.participant_id)
			FROM supports s WHERE s.idea_id = $3`, id, m.TargetID, m.SourceID); err != nil {
			return nil, wrap(err, "record merged supports")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO supports (idea_id, participant_id, created_at)
			SELECT $1::bigint, participant_id, created_at FROM merge_supports WHERE merge_id = $2 AND moved`, m.TargetID, id); err != nil {
			return nil, wrap(err, "move supports")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM supports WHERE idea_id = $1`, m.SourceID); err != nil {
			return nil, wrap(err, "remove merged supports")
		}
		// Comments, replies included, move as they are.
		if _, err := tx.Exec(ctx, `INSERT INTO merge_comments (merge_id, comment_id) SELECT $1::bigint, id FROM comments WHERE idea_id = $2`,
			id, m.SourceID); err != nil {
			return nil, wrap(err, "record merged comments")
		}
		rows, err := tx.Query(ctx, `UPDATE comments SET idea_id = $1 WHERE id IN (SELECT comment_id FROM merge_comments WHERE merge_id = $2)
			RETURNING id`, m.TargetID, id)
		if err != nil {
			return nil, wrap(err, "move comments")
		}
		moved, err := collect(rows, scanID, "move comments", "scan comment id")
		if err != nil {
			return nil, err
		}
		// Imported supports go over; the source becomes a pointer.
		if _, err := tx.Exec(ctx, `UPDATE ideas SET imported_supports = imported_supports + $1 WHERE id = $2`,
			source.imported, m.TargetID); err != nil {
			return nil, wrap(err, "move imported supports")
		}
		if _, err := tx.Exec(ctx, `UPDATE ideas SET imported_supports = 0, status = $1, merged_into_id = $2 WHERE id = $3`,
			backend.IdeaMerged, m.TargetID, m.SourceID); err != nil {
			return nil, wrap(err, "mark idea merged")
		}
		for _, ideaID := range []int64{m.SourceID, m.TargetID} {
			if err := mergeRecount(ctx, tx, ideaID, at); err != nil {
				return nil, err
			}
		}
		if a.ID, err = insertMergeAudit(ctx, tx, &a); err != nil {
			return nil, err
		}
		if got, err = findMerge(ctx, tx, `m.id = $1`, id); err != nil {
			return nil, err
		}
		return mergeChanges(m.ConferenceID, []int64{m.SourceID, m.TargetID}, moved), nil
	})
	if err != nil {
		return err
	}
	m.ID, m.PreviousStatus, m.CreatedAt, m.UndoneAt = got.ID, got.PreviousStatus, created, nil
	m.MovedSupports, m.DroppedSupports, m.MovedComments, m.MovedImported = got.MovedSupports, got.DroppedSupports, got.MovedComments, got.MovedImported
	*audit = a
	return nil
}

// FindMerge returns a merge with its counts, or ENOTFOUND.
func (s *Store) FindMerge(ctx context.Context, id int64) (*backend.Merge, error) {
	return findMerge(ctx, s.pool, `m.id = $1`, id)
}

// FindActiveMerge returns the merge that holds sourceID as its source and is
// not undone, or ENOTFOUND.
func (s *Store) FindActiveMerge(ctx context.Context, sourceID int64) (*backend.Merge, error) {
	return findMerge(ctx, s.pool, `m.source_id = $1 AND m.undone_at IS NULL ORDER BY m.id DESC LIMIT 1`, sourceID)
}

// mergeQueryer is what the pool and a transaction have in common for single rows.
type mergeQueryer interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// findMerge reads the merge that where (over merges m) selects, with the
// counts of its record tables; none is ENOTFOUND.
func findMerge(ctx context.Context, q mergeQueryer, where string, args ...any) (*backend.Merge, error) {
	var m backend.Merge
	err := q.QueryRow(ctx, `SELECT m.id, m.conference_id, m.source_id, m.target_id, m.previous_status, m.moved_imported,
		m.actor, m.reason, m.created_at, m.undone_at,
		(SELECT COUNT(*) FROM merge_supports WHERE merge_id = m.id AND moved),
		(SELECT COUNT(*) FROM merge_supports WHERE merge_id = m.id AND NOT moved),
		(SELECT COUNT(*) FROM merge_comments WHERE merge_id = m.id)
		FROM merges m WHERE `+where, args...).
		Scan(&m.ID, &m.ConferenceID, &m.SourceID, &m.TargetID, &m.PreviousStatus, &m.MovedImported, &m.Actor, &m.Reason, &m.CreatedAt, &m.UndoneAt,
			&m.MovedSupports, &m.DroppedSupports, &m.MovedComments)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, backend.Errorf(backend.ENOTFOUND, "Merge not found.")
	}
	if err != nil {
		return nil, wrap(err, "find merge")
	}
	m.CreatedAt, m.UndoneAt = m.CreatedAt.UTC(), utcPtr(m.UndoneAt)
	return &m, nil
}

// UndoMerge reverses a merge in one transaction (see backend.Store). The
// merge row is locked first, so that of two concurrent undos the second
// finds it undone, then both ideas (lower id first). The recorded supports
// return to the source (each person's own, with its original time; people
// who support it again meanwhile keep theirs), the moved ones leave the
// target, the moved comments still on the target return together with
// replies given to them on the target since, the imported supports go back,
// and the source gets its previous status. An unknown merge is ENOTFOUND;
// one already undone, or whose target is merged itself now, is ECONFLICT.
// The ideas' updated_at and the merge's undone_at become audit.CreatedAt
// (now if zero); empty fields of audit are filled in (conference, action
// undo_merge, the source idea), and its ID is set.
func (s *Store) UndoMerge(ctx context.Context, mergeID int64, audit *backend.AuditEntry) error {
	if audit == nil {
		return backend.Errorf(backend.EINTERNAL, "Undoing a merge needs an audit entry.")
	}
	at := mergeTime(audit.CreatedAt)
	var a backend.AuditEntry
	err := s.inChangesTx(ctx, func(tx pgx.Tx) ([]backend.Change, error) {
		var sourceID, targetID int64
		err := tx.QueryRow(ctx, `SELECT source_id, target_id FROM merges WHERE id = $1 FOR UPDATE`, mergeID).Scan(&sourceID, &targetID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, backend.Errorf(backend.ENOTFOUND, "Merge not found.")
		}
		if err != nil {
			return nil, wrap(err, "lock merge")
		}
		_, target, err := lockMergeIdeas(ctx, tx, sourceID, targetID)
		if err != nil {
			return nil, err
		}
		m, err := findMerge(ctx, tx, `m.id = $1`, mergeID)
		if err != nil {
			return nil, err
		}
		if m.UndoneAt != nil {
			return nil, backend.Errorf(backend.ECONFLICT, "This merge has already been undone.")
		}
		if target.merged() {
			return nil, backend.Errorf(backend.ECONFLICT, "The target idea has since been merged into another one; undo that merge first.")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO supports (idea_id, participant_id, created_at)
			SELECT $1::bigint, ms.participant_id, ms.created_at FROM merge_supports ms JOIN participants p ON p.id = ms.participant_id
			WHERE ms.merge_id = $2 ON CONFLICT DO NOTHING`, m.SourceID, m.ID); err != nil {
			return nil, wrap(err, "restore supports")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM supports WHERE idea_id = $1
			AND participant_id IN (SELECT participant_id FROM merge_supports WHERE merge_id = $2 AND moved)`, m.TargetID, m.ID); err != nil {
			return nil, wrap(err, "remove moved supports")
		}
		// Replies given on the target since to a moved comment that is still
		// there follow their parent, so that no thread spans two ideas.
		rows, err := tx.Query(ctx, `UPDATE comments SET idea_id = $1 WHERE idea_id = $2
			AND id NOT IN (SELECT comment_id FROM merge_comments WHERE merge_id = $3)
			AND parent_id IN (SELECT mc.comment_id FROM merge_comments mc JOIN comments p ON p.id = mc.comment_id
				WHERE mc.merge_id = $3 AND p.idea_id = $2)
			RETURNING id`, m.SourceID, m.TargetID, m.ID)
		if err != nil {
			return nil, wrap(err, "restore replies")
		}
		replies, err := collect(rows, scanID, "restore replies", "scan comment id")
		if err != nil {
			return nil, err
		}
		rows, err = tx.Query(ctx, `UPDATE comments SET idea_id = $1 WHERE idea_id = $2
			AND id IN (SELECT comment_id FROM merge_comments WHERE merge_id = $3) RETURNING id`, m.SourceID, m.TargetID, m.ID)
		if err != nil {
			return nil, wrap(err, "restore comments")
		}
		comments, err := collect(rows, scanID, "restore comments", "scan comment id")
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE ideas SET imported_supports = GREATEST(imported_supports - $1, 0) WHERE id = $2`,
			m.MovedImported, m.TargetID); err != nil {
			return nil, wrap(err, "restore imported supports")
		}
		if _, err := tx.Exec(ctx, `UPDATE ideas SET imported_supports = imported_supports + $1, status = $2, merged_into_id = NULL WHERE id = $3`,
			m.MovedImported, m.PreviousStatus, m.SourceID); err != nil {
			return nil, wrap(err, "restore idea")
		}
		for _, ideaID := range []int64{m.SourceID, m.TargetID} {
			if err := mergeRecount(ctx, tx, ideaID, at); err != nil {
				return nil, err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE merges SET undone_at = $1 WHERE id = $2`, at, m.ID); err != nil {
			return nil, wrap(err, "mark merge undone")
		}
		a = mergeAudit(audit, m.ConferenceID, backend.AuditUndoMerge, m.SourceID, at)
		if a.ID, err = insertMergeAudit(ctx, tx, &a); err != nil {
			return nil, err
		}
		return mergeChanges(m.ConferenceID, []int64{m.SourceID, m.TargetID}, append(comments, replies...)), nil
	})
	if err != nil {
		return err
	}
	*audit = a
	return nil
}

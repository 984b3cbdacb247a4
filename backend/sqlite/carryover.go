package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"ideenmarkt/backend"
)

// CarryOver moves c's ideas into the target conference in one transaction,
// all or nothing (see backend.Store). The single write connection
// serializes it with every other write, so the checks read what the writes
// then change.
func (s *Store) CarryOver(ctx context.Context, c backend.CarryOver) error {
	at := mergeTime(c.Entry.CreatedAt, c.Audit.CreatedAt)
	return s.inChangesTx(ctx, func(tx *sql.Tx) ([]backend.Change, error) {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM conferences WHERE id = ?)`, c.TargetConferenceID).Scan(&exists); err != nil {
			return nil, wrap(err, "check target conference")
		}
		if !exists {
			return nil, backend.Errorf(backend.ENOTFOUND, "Conference not found.")
		}
		var chs []backend.Change
		for _, ci := range c.Ideas {
			if err := checkCarryOver(ctx, tx, c, ci); err != nil {
				return nil, err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO idea_stages (idea_id, conference_id, status, supports, comments, target_conference_id, carried_at)
				SELECT id, conference_id, status, support_count, comment_count, ?, ? FROM ideas WHERE id = ?`,
				c.TargetConferenceID, fmtTime(at), ci.ID); err != nil {
				return nil, wrap(err, "record stage")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE ideas SET conference_id = ?, version = version + 1, updated_at = ? WHERE id = ?`,
				c.TargetConferenceID, fmtTime(at), ci.ID); err != nil {
				return nil, wrap(err, "move idea")
			}
			e := c.Entry
			target := c.TargetConferenceID
			e.IdeaID, e.ConferenceID, e.TargetConferenceID, e.CreatedAt = ci.ID, c.SourceConferenceID, &target, at
			if e.Kind == "" {
				e.Kind = backend.FollowUpKindCarriedOver
			}
			if _, err := insertFollowUp(ctx, tx, &e); err != nil {
				return nil, err
			}
			a := mergeAudit(&c.Audit, c.SourceConferenceID, backend.AuditCarryOver, ci.ID, at)
			a.Entity, a.EntityID = backend.EntityIdea, ci.ID
			if _, err := insertMergeAudit(ctx, tx, &a); err != nil {
				return nil, err
			}
			chs = append(chs,
				backend.Change{Entity: backend.EntityIdea, EntityID: ci.ID, Op: backend.OpUpdate, ConferenceID: c.SourceConferenceID},
				backend.Change{Entity: backend.EntityIdea, EntityID: ci.ID, Op: backend.OpUpdate, ConferenceID: c.TargetConferenceID})
		}
		return chs, nil
	})
}

// checkCarryOver answers whether one idea may move: it exists (else
// ENOTFOUND), is in the source at the expected version, is not merged, and
// has not been in the target before (else ECONFLICT).
func checkCarryOver(ctx context.Context, tx *sql.Tx, c backend.CarryOver, ci backend.CarryOverIdea) error {
	var conferenceID int64
	var version int
	var status backend.IdeaStatus
	var merged sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT conference_id, version, status, merged_into_id FROM ideas WHERE id = ?`, ci.ID).
		Scan(&conferenceID, &version, &status, &merged)
	if err == sql.ErrNoRows {
		return backend.Errorf(backend.ENOTFOUND, "Idea %d not found.", ci.ID)
	}
	if err != nil {
		return wrap(err, "find idea")
	}
	switch {
	case conferenceID != c.SourceConferenceID:
		return backend.Errorf(backend.ECONFLICT, "Idea %d is not in the conference it is carried out of.", ci.ID)
	case merged.Valid || status == backend.IdeaMerged:
		return backend.Errorf(backend.ECONFLICT, "Idea %d has been merged into another one.", ci.ID)
	case version != ci.Version:
		return &backend.Error{Code: backend.ECONFLICT, Message: backend.ErrStaleVersion.Message, Err: fmt.Errorf("idea %d", ci.ID)}
	}
	var passed bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM idea_stages WHERE idea_id = ? AND conference_id = ?)`,
		ci.ID, c.TargetConferenceID).Scan(&passed); err != nil {
		return wrap(err, "check stages")
	}
	if passed || c.TargetConferenceID == c.SourceConferenceID {
		return backend.Errorf(backend.ECONFLICT, "Idea %d has already been in the target conference.", ci.ID)
	}
	return nil
}

// ListIdeaStages returns an idea's stages, oldest first.
func (s *Store) ListIdeaStages(ctx context.Context, ideaID int64) ([]backend.IdeaStage, error) {
	return s.listStages(ctx, `idea_id = ? ORDER BY carried_at, conference_id`, ideaID)
}

// ListConferenceStages returns the ideas carried out of a conference, by
// carry time, then idea id.
func (s *Store) ListConferenceStages(ctx context.Context, conferenceID int64) ([]backend.IdeaStage, error) {
	return s.listStages(ctx, `conference_id = ? ORDER BY carried_at, idea_id`, conferenceID)
}

// ListStagesOfIdeas returns the stages of several ideas, by idea, oldest
// first.
func (s *Store) ListStagesOfIdeas(ctx context.Context, ideaIDs []int64) ([]backend.IdeaStage, error) {
	if len(ideaIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(ideaIDs))
	for i, id := range ideaIDs {
		args[i] = id
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(ideaIDs)), ",")
	return s.listStages(ctx, `idea_id IN (`+marks+`) ORDER BY idea_id, carried_at, conference_id`, args...)
}

func (s *Store) listStages(ctx context.Context, where string, args ...any) ([]backend.IdeaStage, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT idea_id, conference_id, status, supports, comments, target_conference_id, carried_at
		FROM idea_stages WHERE `+where, args...)
	if err != nil {
		return nil, wrap(err, "list stages")
	}
	return collect(rows, func(r rowScanner) (backend.IdeaStage, error) {
		var st backend.IdeaStage
		var at string
		if err := r.Scan(&st.IdeaID, &st.ConferenceID, &st.Status, &st.Supports, &st.Comments, &st.TargetConferenceID, &at); err != nil {
			return st, err
		}
		var err error
		st.CarriedAt, err = parseTime(at)
		return st, err
	}, "list stages", "scan stage")
}

// ListIdeasOfKey returns the ideas written or supported by any membership
// of a browser key, newest update first.
func (s *Store) ListIdeasOfKey(ctx context.Context, keyHash string) ([]backend.KeyIdea, error) {
	if keyHash == "" {
		return []backend.KeyIdea{}, nil
	}
	rows, err := s.read.QueryContext(ctx, `WITH mine AS (SELECT id FROM participants WHERE key_hash = ?)
		SELECT `+ideaColumns+`,
			author_id IN (SELECT id FROM mine),
			EXISTS (SELECT 1 FROM supports s WHERE s.idea_id = ideas.id AND s.participant_id IN (SELECT id FROM mine))
		FROM ideas
		WHERE author_id IN (SELECT id FROM mine)
			OR id IN (SELECT idea_id FROM supports WHERE participant_id IN (SELECT id FROM mine))
		ORDER BY updated_at DESC, id DESC`, keyHash)
	if err != nil {
		return nil, wrap(err, "list ideas of key")
	}
	return collect(rows, func(r rowScanner) (backend.KeyIdea, error) {
		var k backend.KeyIdea
		var authored sql.NullBool
		var err error
		k.Idea, err = scanIdea(extraScanner{r, []any{&authored, &k.Supported}})
		k.Authored = authored.Bool
		return k, err
	}, "list ideas of key", "scan idea of key")
}

// extraScanner appends destinations to a row scan, for queries that select
// ideaColumns and a few more.
type extraScanner struct {
	r     rowScanner
	extra []any
}

func (x extraScanner) Scan(dest ...any) error { return x.r.Scan(append(dest, x.extra...)...) }

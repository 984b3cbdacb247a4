package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

// CarryOver moves c's ideas into the target conference in one transaction,
// all or nothing (see backend.Store). The idea rows are locked first, in
// ascending id order, so that concurrent carry-overs, follow-ups, merges
// and supports of the same ideas take turns without deadlocking, and the
// checks see what the writes then change.
func (s *Store) CarryOver(ctx context.Context, c backend.CarryOver) error {
	at := mergeTime(c.Entry.CreatedAt, c.Audit.CreatedAt)
	return s.inChangesTx(ctx, func(tx pgx.Tx) ([]backend.Change, error) {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM conferences WHERE id = $1)`, c.TargetConferenceID).Scan(&exists); err != nil {
			return nil, wrap(err, "check target conference")
		}
		if !exists {
			return nil, backend.Errorf(backend.ENOTFOUND, "Conference not found.")
		}
		ids := make([]int64, len(c.Ideas))
		for k, ci := range c.Ideas {
			ids[k] = ci.ID
		}
		slices.Sort(ids)
		if _, err := tx.Exec(ctx, `SELECT id FROM ideas WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE`, ids); err != nil {
			return nil, wrap(err, "lock ideas")
		}
		var chs []backend.Change
		for _, ci := range c.Ideas {
			if err := checkCarryOver(ctx, tx, c, ci); err != nil {
				return nil, err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO idea_stages (idea_id, conference_id, status, supports, comments, target_conference_id, carried_at)
				SELECT id, conference_id, status, support_count, comment_count, $1, $2 FROM ideas WHERE id = $3`,
				c.TargetConferenceID, at, ci.ID); err != nil {
				return nil, wrap(err, "record stage")
			}
			if _, err := tx.Exec(ctx, `UPDATE ideas SET conference_id = $1, version = version + 1, updated_at = $2 WHERE id = $3`,
				c.TargetConferenceID, at, ci.ID); err != nil {
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

// checkCarryOver answers whether one (locked) idea may move: it exists
// (else ENOTFOUND), is in the source at the expected version, is not
// merged, and has not been in the target before (else ECONFLICT).
func checkCarryOver(ctx context.Context, tx pgx.Tx, c backend.CarryOver, ci backend.CarryOverIdea) error {
	var conferenceID int64
	var version int
	var status backend.IdeaStatus
	var merged *int64
	err := tx.QueryRow(ctx, `SELECT conference_id, version, status, merged_into_id FROM ideas WHERE id = $1`, ci.ID).
		Scan(&conferenceID, &version, &status, &merged)
	if errors.Is(err, pgx.ErrNoRows) {
		return backend.Errorf(backend.ENOTFOUND, "Idea %d not found.", ci.ID)
	}
	if err != nil {
		return wrap(err, "find idea")
	}
	switch {
	case conferenceID != c.SourceConferenceID:
		return backend.Errorf(backend.ECONFLICT, "Idea %d is not in the conference it is carried out of.", ci.ID)
	case merged != nil || status == backend.IdeaMerged:
		return backend.Errorf(backend.ECONFLICT, "Idea %d has been merged into another one.", ci.ID)
	case version != ci.Version:
		return &backend.Error{Code: backend.ECONFLICT, Message: backend.ErrStaleVersion.Message, Err: fmt.Errorf("idea %d", ci.ID)}
	}
	var passed bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM idea_stages WHERE idea_id = $1 AND conference_id = $2)`,
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
	return s.listStages(ctx, `idea_id = $1 ORDER BY carried_at, conference_id`, ideaID)
}

// ListConferenceStages returns the ideas carried out of a conference, by
// carry time, then idea id.
func (s *Store) ListConferenceStages(ctx context.Context, conferenceID int64) ([]backend.IdeaStage, error) {
	return s.listStages(ctx, `conference_id = $1 ORDER BY carried_at, idea_id`, conferenceID)
}

// ListStagesOfIdeas returns the stages of several ideas, by idea, oldest
// first.
func (s *Store) ListStagesOfIdeas(ctx context.Context, ideaIDs []int64) ([]backend.IdeaStage, error) {
	if len(ideaIDs) == 0 {
		return nil, nil
	}
	return s.listStages(ctx, `idea_id = ANY($1) ORDER BY idea_id, carried_at, conference_id`, ideaIDs)
}

func (s *Store) listStages(ctx context.Context, where string, arg any) ([]backend.IdeaStage, error) {
	rows, err := s.pool.Query(ctx, `SELECT idea_id, conference_id, status, supports, comments, target_conference_id, carried_at
		FROM idea_stages WHERE `+where, arg)
	if err != nil {
		return nil, wrap(err, "list stages")
	}
	return collect(rows, func(row pgx.Row) (backend.IdeaStage, error) {
		var st backend.IdeaStage
		err := row.Scan(&st.IdeaID, &st.ConferenceID, &st.Status, &st.Supports, &st.Comments, &st.TargetConferenceID, &st.CarriedAt)
		st.CarriedAt = st.CarriedAt.UTC()
		return st, err
	}, "list stages", "scan stage")
}

// ListIdeasOfKey returns the ideas written or supported by any membership
// of a browser key, newest update first.
func (s *Store) ListIdeasOfKey(ctx context.Context, keyHash string) ([]backend.KeyIdea, error) {
	if keyHash == "" {
		return []backend.KeyIdea{}, nil
	}
	rows, err := s.pool.Query(ctx, `WITH mine AS (SELECT id FROM participants WHERE key_hash = $1)
		SELECT `+ideaColumns+`,
			COALESCE(author_id IN (SELECT id FROM mine), FALSE),
			EXISTS (SELECT 1 FROM supports s WHERE s.idea_id = ideas.id AND s.participant_id IN (SELECT id FROM mine))
		FROM ideas
		WHERE author_id IN (SELECT id FROM mine)
			OR id IN (SELECT idea_id FROM supports WHERE participant_id IN (SELECT id FROM mine))
		ORDER BY updated_at DESC, id DESC`, keyHash)
	if err != nil {
		return nil, wrap(err, "list ideas of key")
	}
	return collect(rows, func(row pgx.Row) (backend.KeyIdea, error) {
		var k backend.KeyIdea
		var err error
		k.Idea, err = scanIdea(row, &k.Authored, &k.Supported)
		return k, err
	}, "list ideas of key", "scan idea of key")
}

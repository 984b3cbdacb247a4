package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

const commentColumns = `id, idea_id, parent_id, author_id, author_name, body, hidden, hidden_reason, deleted, reviewed, created_at, updated_at`

// scanComment reads commentColumns; the times are UTC.
func scanComment(row pgx.Row) (*backend.Comment, error) {
	var c backend.Comment
	if err := row.Scan(&c.ID, &c.IdeaID, &c.ParentID, &c.AuthorID, &c.AuthorName, &c.Body, &c.Hidden, &c.HiddenReason, &c.Deleted,
		&c.Reviewed, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, nil
}

// recountComments sets the ideas' comment_count to their comments that are
// neither deleted nor hidden. The caller has locked the idea rows, so this
// statement's snapshot sees every comment committed before the lock.
func recountComments(ctx context.Context, tx pgx.Tx, ideaIDs ...int64) error {
	_, err := tx.Exec(ctx, `UPDATE ideas SET comment_count = (SELECT COUNT(*) FROM comments WHERE idea_id = ideas.id AND NOT deleted AND NOT hidden)
		WHERE id = ANY($1)`, ideaIDs)
	return wrap(err, "count comments")
}

// CreateComment inserts c, sets its ID, recounts the idea's comments and
// records the change. The idea row is locked first, so that concurrent
// comments on one idea take turns and each recount sees the previous
// comment: the count stays exact. An unknown idea is ENOTFOUND; an unknown
// parent or author is ENOTFOUND too (foreign key).
func (s *Store) CreateComment(ctx context.Context, c *backend.Comment) error {
	var id int64
	err := s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		var conferenceID int64
		err := tx.QueryRow(ctx, `SELECT conference_id FROM ideas WHERE id = $1 FOR NO KEY UPDATE`, c.IdeaID).Scan(&conferenceID)
		if errors.Is(err, pgx.ErrNoRows) {
			return backend.Change{}, backend.Errorf(backend.ENOTFOUND, "Idea not found.")
		}
		if err != nil {
			return backend.Change{}, wrap(err, "lock idea")
		}
		err = tx.QueryRow(ctx, `INSERT INTO comments (idea_id, parent_id, author_id, author_name, body, hidden, hidden_reason, deleted,
			reviewed, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			c.IdeaID, c.ParentID, c.AuthorID, c.AuthorName, c.Body, c.Hidden, c.HiddenReason, c.Deleted,
			c.Reviewed, c.CreatedAt, c.UpdatedAt).Scan(&id)
		if err != nil {
			return backend.Change{}, wrap(err, "insert comment")
		}
		if err := recountComments(ctx, tx, c.IdeaID); err != nil {
			return backend.Change{}, err
		}
		return backend.Change{Entity: backend.EntityComment, EntityID: id, Op: backend.OpCreate, ConferenceID: conferenceID}, nil
	})
	if err != nil {
		return err
	}
	c.ID = id
	return nil
}

// FindCommentByID returns the comment or ENOTFOUND.
func (s *Store) FindCommentByID(ctx context.Context, id int64) (*backend.Comment, error) {
	c, err := scanComment(s.pool.QueryRow(ctx, `SELECT `+commentColumns+` FROM comments WHERE id = $1`, id))
	if err != nil {
		return nil, wrap(err, "find comment")
	}
	return c, nil
}

// FindComments returns every comment of an idea, hidden and deleted ones
// included, oldest first by id; an unknown idea has none.
func (s *Store) FindComments(ctx context.Context, ideaID int64) ([]*backend.Comment, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+commentColumns+` FROM comments WHERE idea_id = $1 ORDER BY id`, ideaID)
	if err != nil {
		return nil, wrap(err, "list comments")
	}
	return collect(rows, scanComment, "list comments", "scan comment")
}

// UpdateComment writes Body, Hidden, HiddenReason, Deleted, Reviewed and
// UpdatedAt, recounts the idea's comments and records the change under the
// idea's conference. As in CreateComment, the idea row is locked before
// anything is written. A missing id is ENOTFOUND.
func (s *Store) UpdateComment(ctx context.Context, c *backend.Comment) error {
	return s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		return updateComment(ctx, tx, c)
	})
}

// updateComment is UpdateComment inside tx; it returns the change to record.
func updateComment(ctx context.Context, tx pgx.Tx, c *backend.Comment) (backend.Change, error) {
	var ideaID, conferenceID int64
	err := tx.QueryRow(ctx, `SELECT i.id, i.conference_id FROM comments c JOIN ideas i ON i.id = c.idea_id
		WHERE c.id = $1 FOR NO KEY UPDATE OF i`, c.ID).Scan(&ideaID, &conferenceID)
	if errors.Is(err, pgx.ErrNoRows) {
		return backend.Change{}, backend.Errorf(backend.ENOTFOUND, "Comment not found.")
	}
	if err != nil {
		return backend.Change{}, wrap(err, "lock idea")
	}
	_, err = tx.Exec(ctx, `UPDATE comments SET body = $1, hidden = $2, hidden_reason = $3, deleted = $4, reviewed = $5, updated_at = $6
		WHERE id = $7`,
		c.Body, c.Hidden, c.HiddenReason, c.Deleted, c.Reviewed, c.UpdatedAt, c.ID)
	if err != nil {
		return backend.Change{}, wrap(err, "update comment")
	}
	if err := recountComments(ctx, tx, ideaID); err != nil {
		return backend.Change{}, err
	}
	return backend.Change{Entity: backend.EntityComment, EntityID: c.ID, Op: backend.OpUpdate, ConferenceID: conferenceID}, nil
}

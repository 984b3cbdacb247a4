package sqlite

import (
	"context"
	"database/sql"

	"ideenmarkt/backend"
)

const commentColumns = `id, idea_id, parent_id, author_id, author_name, body, hidden, hidden_reason, deleted, reviewed, created_at, updated_at`

func scanComment(r rowScanner) (*backend.Comment, error) {
	var c backend.Comment
	var parent, author sql.NullInt64
	var created, updated string
	if err := r.Scan(&c.ID, &c.IdeaID, &parent, &author, &c.AuthorName, &c.Body, &c.Hidden, &c.HiddenReason, &c.Deleted, &c.Reviewed,
		&created, &updated); err != nil {
		return nil, err
	}
	c.ParentID, c.AuthorID = int64Ptr(parent), int64Ptr(author)
	var err error
	if c.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if c.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &c, nil
}

// recountComments sets an idea's comment_count to its comments that are
// neither deleted nor hidden, and returns the idea's conference.
func recountComments(ctx context.Context, tx *sql.Tx, ideaID int64) (int64, error) {
	var conferenceID int64
	err := tx.QueryRowContext(ctx, `UPDATE ideas SET comment_count = (SELECT COUNT(*) FROM comments WHERE idea_id = ? AND deleted = 0 AND hidden = 0)
		WHERE id = ? RETURNING conference_id`, ideaID, ideaID).Scan(&conferenceID)
	return conferenceID, wrap(err, "count comments")
}

// CreateComment inserts c, sets its ID, recounts the idea's comments and
// records the change, all in one transaction. An unknown idea, parent or
// author is ENOTFOUND (foreign key). The single write connection serializes
// concurrent calls, so the count stays exact.
func (s *Store) CreateComment(ctx context.Context, c *backend.Comment) error {
	var id int64
	err := s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		err := tx.QueryRowContext(ctx, `INSERT INTO comments (idea_id, parent_id, author_id, author_name, body, hidden, hidden_reason, deleted,
			reviewed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.IdeaID, nullInt64(c.ParentID), nullInt64(c.AuthorID), c.AuthorName, c.Body, boolInt(c.Hidden), c.HiddenReason, boolInt(c.Deleted),
			boolInt(c.Reviewed),
			fmtTime(c.CreatedAt), fmtTime(c.UpdatedAt)).Scan(&id)
		if err != nil {
			return backend.Change{}, wrap(err, "insert comment")
		}
		conferenceID, err := recountComments(ctx, tx, c.IdeaID)
		if err != nil {
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
	c, err := scanComment(s.read.QueryRowContext(ctx, `SELECT `+commentColumns+` FROM comments WHERE id = ?`, id))
	if err != nil {
		return nil, wrap(err, "find comment")
	}
	return c, nil
}

// FindComments returns every comment of an idea, hidden and deleted ones
// included, oldest first by id; an unknown idea has none.
func (s *Store) FindComments(ctx context.Context, ideaID int64) ([]*backend.Comment, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+commentColumns+` FROM comments WHERE idea_id = ? ORDER BY id`, ideaID)
	if err != nil {
		return nil, wrap(err, "list comments")
	}
	return collect(rows, scanComment, "list comments", "scan comment")
}

// UpdateComment writes Body, Hidden, HiddenReason, Deleted, Reviewed and
// UpdatedAt, recounts the idea's comments and records the change under the
// idea's conference. A missing id is ENOTFOUND.
func (s *Store) UpdateComment(ctx context.Context, c *backend.Comment) error {
	return s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		return updateComment(ctx, tx, c)
	})
}

// updateComment is UpdateComment inside tx; it returns the change to record.
func updateComment(ctx context.Context, tx *sql.Tx, c *backend.Comment) (backend.Change, error) {
	var ideaID int64
	err := tx.QueryRowContext(ctx, `UPDATE comments SET body = ?, hidden = ?, hidden_reason = ?, deleted = ?, reviewed = ?, updated_at = ?
		WHERE id = ? RETURNING idea_id`,
		c.Body, boolInt(c.Hidden), c.HiddenReason, boolInt(c.Deleted), boolInt(c.Reviewed), fmtTime(c.UpdatedAt), c.ID).Scan(&ideaID)
	if err == sql.ErrNoRows {
		return backend.Change{}, backend.Errorf(backend.ENOTFOUND, "Comment not found.")
	}
	if err != nil {
		return backend.Change{}, wrap(err, "update comment")
	}
	conferenceID, err := recountComments(ctx, tx, ideaID)
	if err != nil {
		return backend.Change{}, err
	}
	return backend.Change{Entity: backend.EntityComment, EntityID: c.ID, Op: backend.OpUpdate, ConferenceID: conferenceID}, nil
}

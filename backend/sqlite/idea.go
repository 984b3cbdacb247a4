package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"ideenmarkt/backend"
)

const ideaColumns = `id, conference_id, title, body, topic, department, author_id, author_name, anonymous, status,
	hidden, hidden_reason, merged_into_id, comments_locked, tags, reviewed, support_count, imported_supports, comment_count,
	status_reason, official_answer, responsible_unit, progress, version, created_at, updated_at`

func scanIdea(r rowScanner) (*backend.Idea, error) {
	var i backend.Idea
	var author, merged sql.NullInt64
	var created, updated, tags string
	if err := r.Scan(&i.ID, &i.ConferenceID, &i.Title, &i.Body, &i.Topic, &i.Department, &author, &i.AuthorName, &i.Anonymous, &i.Status,
		&i.Hidden, &i.HiddenReason, &merged, &i.CommentsLocked, &tags, &i.Reviewed, &i.SupportCount, &i.ImportedSupports, &i.CommentCount,
		&i.StatusReason, &i.OfficialAnswer, &i.ResponsibleUnit, &i.Progress, &i.Version, &created, &updated); err != nil {
		return nil, err
	}
	i.AuthorID, i.MergedIntoID = int64Ptr(author), int64Ptr(merged)
	var err error
	if i.Tags, err = parseList(tags); err != nil {
		return nil, err
	}
	if i.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if i.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &i, nil
}

// CreateIdea inserts i with Version 1, no comments and its ImportedSupports as
// its support count, and records the change. An unknown conference or author
// is ENOTFOUND.
func (s *Store) CreateIdea(ctx context.Context, i *backend.Idea) error {
	var id int64
	err := s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		err := tx.QueryRowContext(ctx, insertIdeaSQL, insertIdeaArgs(i, i.ConferenceID)...).Scan(&id)
		if err != nil {
			return backend.Change{}, wrap(err, "insert idea")
		}
		return backend.Change{Entity: backend.EntityIdea, EntityID: id, Op: backend.OpCreate, ConferenceID: i.ConferenceID}, nil
	})
	if err != nil {
		return err
	}
	i.ID, i.Version, i.SupportCount, i.CommentCount = id, 1, i.ImportedSupports, 0
	nonNilTags(i)
	return nil
}

// insertIdeaSQL inserts a new idea (Version 1, no comments, support_count =
// imported_supports) and returns its id; insertIdeaArgs are its arguments.
const insertIdeaSQL = `INSERT INTO ideas (conference_id, title, body, topic, department, author_id, author_name, anonymous, status,
	hidden, hidden_reason, merged_into_id, comments_locked, tags, reviewed, support_count, imported_supports, comment_count,
	status_reason, official_answer, responsible_unit, progress, version, created_at, updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, 1, ?, ?) RETURNING id`

func insertIdeaArgs(i *backend.Idea, conferenceID int64) []any {
	return []any{conferenceID, i.Title, i.Body, i.Topic, i.Department, nullInt64(i.AuthorID), i.AuthorName, boolInt(i.Anonymous), i.Status,
		boolInt(i.Hidden), i.HiddenReason, nullInt64(i.MergedIntoID), boolInt(i.CommentsLocked), fmtList(i.Tags), boolInt(i.Reviewed),
		i.ImportedSupports, i.ImportedSupports, i.StatusReason, i.OfficialAnswer, i.ResponsibleUnit, i.Progress,
		fmtTime(i.CreatedAt), fmtTime(i.UpdatedAt)}
}

// FindIdeaByID returns the idea or ENOTFOUND.
func (s *Store) FindIdeaByID(ctx context.Context, id int64) (*backend.Idea, error) {
	i, err := scanIdea(s.read.QueryRowContext(ctx, `SELECT `+ideaColumns+` FROM ideas WHERE id = ?`, id))
	return i, wrap(err, "find idea")
}

// FindIdeasByIDs reads several ideas in one query (see backend.Store).
func (s *Store) FindIdeasByIDs(ctx context.Context, ids []int64) (map[int64]*backend.Idea, error) {
	out := make(map[int64]*backend.Idea, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	// In chunks: SQLite limits the number of parameters of a statement.
	for chunk := range slices.Chunk(ids, 500) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		marks := strings.TrimSuffix(strings.Repeat("?,", len(chunk)), ",")
		rows, err := s.read.QueryContext(ctx, `SELECT `+ideaColumns+` FROM ideas WHERE id IN (`+marks+`)`, args...)
		if err != nil {
			return nil, wrap(err, "find ideas")
		}
		list, err := collect(rows, scanIdea, "find ideas", "scan idea")
		if err != nil {
			return nil, err
		}
		for _, i := range list {
			out[i.ID] = i
		}
	}
	return out, nil
}

// ideaOrder maps a sort to its ORDER BY clause; every order ends with id DESC
// so that pages never overlap or skip. SortRandom's factor is bound as the
// first parameter after the WHERE clause's.
func ideaOrder(sort backend.IdeaSort) string {
	switch sort {
	case backend.SortSupports:
		return `support_count DESC, id DESC`
	case backend.SortComments:
		return `comment_count DESC, id DESC`
	case backend.SortRandom:
		return `((id * ?) % ` + strconv.Itoa(backend.RandomOrderModulus) + `), id DESC`
	default:
		return `created_at DESC, id DESC`
	}
}

// FindIdeas lists a conference's ideas as f says, with the total before paging.
func (s *Store) FindIdeas(ctx context.Context, f backend.IdeaFilter) ([]*backend.Idea, int, error) {
	where := ` WHERE conference_id = ? AND merged_into_id IS NULL`
	args := []any{f.ConferenceID}
	if !f.IncludeHidden {
		where += ` AND hidden = 0`
	}
	if f.Topic != "" {
		where += ` AND topic = ?`
		args = append(args, f.Topic)
	}
	if f.Department != "" {
		where += ` AND department = ?`
		args = append(args, f.Department)
	}
	if f.Status != "" {
		where += ` AND status = ?`
		args = append(args, f.Status)
	}
	if f.Unreviewed {
		where += ` AND reviewed = 0`
	}
	var total int
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM ideas`+where, args...).Scan(&total); err != nil {
		return nil, 0, wrap(err, "count ideas")
	}
	if f.Sort == backend.SortRandom {
		args = append(args, backend.RandomOrderFactor(f.Seed))
	}
	offset, limit := backend.Page(f.Offset, f.Limit)
	args = append(args, limit, offset)
	rows, err := s.read.QueryContext(ctx, `SELECT `+ideaColumns+` FROM ideas`+where+` ORDER BY `+ideaOrder(f.Sort)+` LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, 0, wrap(err, "list ideas")
	}
	out, err := collect(rows, scanIdea, "list ideas", "scan idea")
	return out, total, err
}

// UpdateIdea writes the mutable fields of i if its version is current; with
// keepVersion it first copies the stored text into idea_versions.
func (s *Store) UpdateIdea(ctx context.Context, i *backend.Idea, keepVersion bool) error {
	var version int
	err := s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		var ch backend.Change
		var err error
		version, ch, err = updateIdea(ctx, tx, i, keepVersion)
		return ch, err
	})
	if err != nil {
		return err
	}
	i.Version = version
	nonNilTags(i)
	return nil
}

// updateIdea is UpdateIdea inside tx: it returns the new version and the
// change to record, and leaves i unchanged, so that a rollback later in the
// transaction leaves the caller's idea as it was.
func updateIdea(ctx context.Context, tx *sql.Tx, i *backend.Idea, keepVersion bool) (int, backend.Change, error) {
	if keepVersion {
		// Copies nothing when the id or version does not match; the
		// UPDATE below then reports which, and the rollback is harmless.
		_, err := tx.ExecContext(ctx, `INSERT INTO idea_versions (idea_id, title, body, topic, department, created_at)
			SELECT id, title, body, topic, department, ? FROM ideas WHERE id = ? AND version = ?`,
			fmtTime(i.UpdatedAt), i.ID, i.Version)
		if err != nil {
			return 0, backend.Change{}, wrap(err, "keep idea version")
		}
	}
	var version int
	var conferenceID int64
	err := tx.QueryRowContext(ctx, `UPDATE ideas SET title = ?, body = ?, topic = ?, department = ?, anonymous = ?, status = ?,
		hidden = ?, hidden_reason = ?, merged_into_id = ?, comments_locked = ?, tags = ?, reviewed = ?,
		status_reason = ?, official_answer = ?, responsible_unit = ?, progress = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = ? RETURNING version, conference_id`,
		i.Title, i.Body, i.Topic, i.Department, boolInt(i.Anonymous), i.Status,
		boolInt(i.Hidden), i.HiddenReason, nullInt64(i.MergedIntoID), boolInt(i.CommentsLocked), fmtList(i.Tags), boolInt(i.Reviewed),
		i.StatusReason, i.OfficialAnswer, i.ResponsibleUnit, i.Progress, fmtTime(i.UpdatedAt), i.ID, i.Version).Scan(&version, &conferenceID)
	if err == sql.ErrNoRows {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ideas WHERE id = ?)`, i.ID).Scan(&exists); err != nil {
			return 0, backend.Change{}, wrap(err, "check idea")
		}
		if !exists {
			return 0, backend.Change{}, backend.Errorf(backend.ENOTFOUND, "Idea not found.")
		}
		return 0, backend.Change{}, backend.ErrStaleVersion
	}
	if err != nil {
		return 0, backend.Change{}, wrap(err, "update idea")
	}
	return version, backend.Change{Entity: backend.EntityIdea, EntityID: i.ID, Op: backend.OpUpdate, ConferenceID: conferenceID}, nil
}

// nonNilTags makes i.Tags non-nil, so that the caller's struct equals what a
// later read returns.
func nonNilTags(i *backend.Idea) {
	if i.Tags == nil {
		i.Tags = []string{}
	}
}

// FindIdeaVersions returns an idea's earlier versions, oldest first.
func (s *Store) FindIdeaVersions(ctx context.Context, ideaID int64) ([]backend.IdeaVersion, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, idea_id, title, body, topic, department, created_at FROM idea_versions WHERE idea_id = ? ORDER BY id`, ideaID)
	if err != nil {
		return nil, wrap(err, "list idea versions")
	}
	return collect(rows, scanIdeaVersion, "list idea versions", "scan idea version")
}

// scanIdeaVersion reads one row of FindIdeaVersions.
func scanIdeaVersion(r rowScanner) (backend.IdeaVersion, error) {
	var v backend.IdeaVersion
	var created string
	if err := r.Scan(&v.ID, &v.IdeaID, &v.Title, &v.Body, &v.Topic, &v.Department, &created); err != nil {
		return v, err
	}
	var err error
	if v.CreatedAt, err = parseTime(created); err != nil {
		return v, wrap(err, "parse idea version")
	}
	return v, nil
}

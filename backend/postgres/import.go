package postgres

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

// importChunk is how many ideas ImportIdeas copies at a time; progress is
// reported after each chunk.
const importChunk = 100

var (
	importIdeaColumns = []string{"id", "conference_id", "title", "body", "topic", "department", "author_id", "author_name", "anonymous",
		"status", "hidden", "hidden_reason", "merged_into_id", "comments_locked", "tags", "reviewed", "support_count", "imported_supports",
		"comment_count", "status_reason", "official_answer", "responsible_unit", "progress", "version", "created_at", "updated_at"}
	importCommentColumns = []string{"id", "idea_id", "parent_id", "author_id", "author_name", "body", "hidden", "hidden_reason", "deleted",
		"reviewed", "created_at", "updated_at"}
)

// ImportIdeas writes conf (version-checked, like UpdateConference) and every
// item in one transaction: ideas with their given times, author names and
// imported supports, their comments and replies, the comment counts, and a
// change per idea and for the conference. Ideas go into conf whatever their
// ConferenceID says. The ids are drawn from the tables' sequences up front,
// so that ideas and comments (replies naming their parents) go in with COPY,
// a chunk of ideas at a time. Any error rolls everything back and leaves conf
// and the items as they were; on success their IDs, versions and counts are
// set.
func (s *Store) ImportIdeas(ctx context.Context, conf *backend.Conference, items []backend.ImportIdea, progress func(done int)) error {
	nComments := 0
	for k, item := range items {
		if err := checkImportItem(item, k); err != nil {
			return err
		}
		for _, ic := range item.Comments {
			nComments += 1 + len(ic.Replies)
		}
	}
	var ideaIDs, commentIDs []int64 // comment ids in item order: each comment, then its replies
	var version int
	err := s.inChangesTx(ctx, func(tx pgx.Tx) ([]backend.Change, error) {
		var err error
		if version, err = updateConferenceTx(ctx, tx, conf); err != nil {
			return nil, err
		}
		if ideaIDs, err = nextIDs(ctx, tx, "ideas", len(items)); err != nil {
			return nil, err
		}
		if commentIDs, err = nextIDs(ctx, tx, "comments", nComments); err != nil {
			return nil, err
		}
		nextComment := 0
		withComments := []int64{}
		for start := 0; start < len(items); start += importChunk {
			chunk := items[start:min(start+importChunk, len(items))]
			ideaRows := make([][]any, len(chunk))
			var commentRows [][]any
			for k, item := range chunk {
				i, id := item.Idea, ideaIDs[start+k]
				ideaRows[k] = []any{id, conf.ID, i.Title, i.Body, i.Topic, i.Department, i.AuthorID, i.AuthorName, i.Anonymous,
					i.Status, i.Hidden, i.HiddenReason, i.MergedIntoID, i.CommentsLocked, list(i.Tags), i.Reviewed, i.ImportedSupports,
					i.ImportedSupports, 0, i.StatusReason, i.OfficialAnswer, i.ResponsibleUnit, i.Progress, 1, i.CreatedAt, i.UpdatedAt}
				if len(item.Comments) > 0 {
					withComments = append(withComments, id)
				}
				for _, ic := range item.Comments {
					topID := commentIDs[nextComment]
					commentRows = append(commentRows, importCommentRow(ic.Comment, topID, id, nil))
					nextComment++
					for _, r := range ic.Replies {
						commentRows = append(commentRows, importCommentRow(r, commentIDs[nextComment], id, &topID))
						nextComment++
					}
				}
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"ideas"}, importIdeaColumns, pgx.CopyFromRows(ideaRows)); err != nil {
				return nil, wrap(err, "copy imported ideas")
			}
			if len(commentRows) > 0 {
				if _, err := tx.CopyFrom(ctx, pgx.Identifier{"comments"}, importCommentColumns, pgx.CopyFromRows(commentRows)); err != nil {
					return nil, wrap(err, "copy imported comments")
				}
			}
			if progress != nil && start+len(chunk) < len(items) {
				progress(start + len(chunk))
			}
		}
		if err := recountComments(ctx, tx, withComments...); err != nil { // one statement for all: 3× faster than one per idea
			return nil, err
		}
		if progress != nil {
			progress(len(items))
		}
		chs := make([]backend.Change, 0, len(items)+1)
		chs = append(chs, backend.Change{Entity: backend.EntityConference, EntityID: conf.ID, Op: backend.OpUpdate, ConferenceID: conf.ID})
		for _, id := range ideaIDs {
			chs = append(chs, backend.Change{Entity: backend.EntityIdea, EntityID: id, Op: backend.OpCreate, ConferenceID: conf.ID})
		}
		return chs, nil
	})
	if err != nil {
		return err
	}
	conf.Version = version
	conf.Topics, conf.Departments = list(conf.Topics), list(conf.Departments)
	n := 0
	for k, item := range items {
		i := item.Idea
		i.ID, i.ConferenceID, i.Version, i.SupportCount, i.CommentCount = ideaIDs[k], conf.ID, 1, i.ImportedSupports, 0
		i.Tags = list(i.Tags)
		counted := func(c *backend.Comment) {
			if !c.Deleted && !c.Hidden {
				i.CommentCount++
			}
		}
		for _, ic := range item.Comments {
			top := ic.Comment
			top.ID, top.IdeaID, top.ParentID = commentIDs[n], i.ID, nil
			n++
			counted(top)
			for _, r := range ic.Replies {
				parent := top.ID
				r.ID, r.IdeaID, r.ParentID = commentIDs[n], i.ID, &parent
				n++
				counted(r)
			}
		}
	}
	return nil
}

// importCommentRow is a row of importCommentColumns.
func importCommentRow(c *backend.Comment, id, ideaID int64, parentID *int64) []any {
	return []any{id, ideaID, parentID, c.AuthorID, c.AuthorName, c.Body, c.Hidden, c.HiddenReason, c.Deleted, c.Reviewed,
		c.CreatedAt, c.UpdatedAt}
}

// nextIDs draws n ids from the sequence of table's id column, ascending.
// Drawn ids are never handed out again, even if the transaction rolls back.
func nextIDs(ctx context.Context, tx pgx.Tx, table string, n int) ([]int64, error) {
	if n == 0 {
		return []int64{}, nil
	}
	rows, err := tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
	if err != nil {
		return nil, wrap(err, "draw "+table+" ids")
	}
	ids, err := collect(rows, scanID, "draw "+table+" ids", "scan id")
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return ids, nil
}

// checkImportItem refuses an item with a missing idea or comment.
func checkImportItem(item backend.ImportIdea, k int) error {
	bad := item.Idea == nil
	for _, ic := range item.Comments {
		bad = bad || ic.Comment == nil
		for _, r := range ic.Replies {
			bad = bad || r == nil
		}
	}
	if bad {
		return backend.Errorf(backend.EINVALID, "Import item %d is incomplete.", k+1)
	}
	return nil
}

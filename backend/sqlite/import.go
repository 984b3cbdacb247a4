package sqlite

import (
	"context"
	"database/sql"

	"ideenmarkt/backend"
)

// progressEvery is how many ideas ImportIdeas writes between progress calls.
const progressEvery = 100

// ImportIdeas writes conf (version-checked, like UpdateConference) and every
// item in one transaction: ideas with their given times, author names and
// imported supports, their comments and replies, the comment counts, and a
// change per idea and for the conference. Ideas go into conf whatever their
// ConferenceID says. The statements are prepared once for the whole import.
// Any error rolls everything back and leaves conf and the items as they were;
// on success their IDs, versions and counts are set.
func (s *Store) ImportIdeas(ctx context.Context, conf *backend.Conference, items []backend.ImportIdea, progress func(done int)) error {
	ideaIDs := make([]int64, len(items))
	commentIDs := make([][]int64, len(items)) // per item: each comment's id, then its replies'
	var version int
	err := s.inChangesTx(ctx, func(tx *sql.Tx) ([]backend.Change, error) {
		var err error
		if version, err = updateConferenceTx(ctx, tx, conf); err != nil {
			return nil, err
		}
		insertIdea, err := tx.PrepareContext(ctx, insertIdeaSQL)
		if err != nil {
			return nil, wrap(err, "prepare insert idea")
		}
		defer insertIdea.Close()
		insertComment, err := tx.PrepareContext(ctx, `INSERT INTO comments (idea_id, parent_id, author_id, author_name, body, hidden,
			hidden_reason, deleted, reviewed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
		if err != nil {
			return nil, wrap(err, "prepare insert comment")
		}
		defer insertComment.Close()
		addComment := func(c *backend.Comment, ideaID int64, parentID *int64) (int64, error) {
			var id int64
			err := insertComment.QueryRowContext(ctx, ideaID, nullInt64(parentID), nullInt64(c.AuthorID), c.AuthorName, c.Body,
				boolInt(c.Hidden), c.HiddenReason, boolInt(c.Deleted), boolInt(c.Reviewed), fmtTime(c.CreatedAt), fmtTime(c.UpdatedAt)).Scan(&id)
			return id, wrap(err, "insert imported comment")
		}

		chs := make([]backend.Change, 0, len(items)+1)
		chs = append(chs, backend.Change{Entity: backend.EntityConference, EntityID: conf.ID, Op: backend.OpUpdate, ConferenceID: conf.ID})
		for k, item := range items {
			if err := checkImportItem(item, k); err != nil {
				return nil, err
			}
			var ideaID int64
			if err := insertIdea.QueryRowContext(ctx, insertIdeaArgs(item.Idea, conf.ID)...).Scan(&ideaID); err != nil {
				return nil, wrap(err, "insert imported idea")
			}
			ideaIDs[k] = ideaID
			for _, ic := range item.Comments {
				topID, err := addComment(ic.Comment, ideaID, nil)
				if err != nil {
					return nil, err
				}
				commentIDs[k] = append(commentIDs[k], topID)
				for _, r := range ic.Replies {
					id, err := addComment(r, ideaID, &topID)
					if err != nil {
						return nil, err
					}
					commentIDs[k] = append(commentIDs[k], id)
				}
			}
			if len(item.Comments) > 0 {
				if _, err := recountComments(ctx, tx, ideaID); err != nil {
					return nil, err
				}
			}
			chs = append(chs, backend.Change{Entity: backend.EntityIdea, EntityID: ideaID, Op: backend.OpCreate, ConferenceID: conf.ID})
			if progress != nil && (k+1)%progressEvery == 0 {
				progress(k + 1)
			}
		}
		if progress != nil && (len(items) == 0 || len(items)%progressEvery != 0) {
			progress(len(items))
		}
		return chs, nil
	})
	if err != nil {
		return err
	}
	conf.Version = version
	nonNilLists(conf)
	for k, item := range items {
		setImported(item, conf.ID, ideaIDs[k], commentIDs[k])
	}
	return nil
}

// setImported fills in what the store decided for a committed import item:
// the ids, the idea's version and counts, and the comments' idea and parent.
func setImported(item backend.ImportIdea, conferenceID, ideaID int64, commentIDs []int64) {
	i := item.Idea
	i.ID, i.ConferenceID, i.Version, i.SupportCount, i.CommentCount = ideaID, conferenceID, 1, i.ImportedSupports, 0
	nonNilTags(i)
	counted := func(c *backend.Comment) {
		if !c.Deleted && !c.Hidden {
			i.CommentCount++
		}
	}
	n := 0
	for _, ic := range item.Comments {
		top := ic.Comment
		top.ID, top.IdeaID, top.ParentID = commentIDs[n], ideaID, nil
		n++
		counted(top)
		for _, r := range ic.Replies {
			parent := top.ID
			r.ID, r.IdeaID, r.ParentID = commentIDs[n], ideaID, &parent
			n++
			counted(r)
		}
	}
}

// checkImportItem refuses an item with a missing idea or comment, which would
// otherwise panic halfway through the transaction.
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

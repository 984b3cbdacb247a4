package sqlite

import (
	"context"

	"ideenmarkt/backend"
)

// FindIdeaTitles returns id, title, support count and hidden flag of every
// idea of a conference that is not merged, by id; an unknown conference has
// none.
func (s *Store) FindIdeaTitles(ctx context.Context, conferenceID int64) ([]backend.IdeaTitle, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, title, support_count, hidden FROM ideas
		WHERE conference_id = ? AND merged_into_id IS NULL ORDER BY id`, conferenceID)
	if err != nil {
		return nil, wrap(err, "list idea titles")
	}
	return collect(rows, scanIdeaTitle, "list idea titles", "scan idea title")
}

// scanIdeaTitle reads one row of FindIdeaTitles.
func scanIdeaTitle(r rowScanner) (backend.IdeaTitle, error) {
	var t backend.IdeaTitle
	err := r.Scan(&t.ID, &t.Title, &t.SupportCount, &t.Hidden)
	return t, err
}

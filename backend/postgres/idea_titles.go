package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

// FindIdeaTitles returns id, title, support count and hidden flag of every
// idea of a conference that is not merged, by id; an unknown conference has
// none.
func (s *Store) FindIdeaTitles(ctx context.Context, conferenceID int64) ([]backend.IdeaTitle, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, title, support_count, hidden FROM ideas
		WHERE conference_id = $1 AND merged_into_id IS NULL ORDER BY id`, conferenceID)
	if err != nil {
		return nil, wrap(err, "list idea titles")
	}
	return collect(rows, scanIdeaTitle, "list idea titles", "scan idea title")
}

// scanIdeaTitle reads one row of FindIdeaTitles.
func scanIdeaTitle(row pgx.Row) (backend.IdeaTitle, error) {
	var t backend.IdeaTitle
	err := row.Scan(&t.ID, &t.Title, &t.SupportCount, &t.Hidden)
	return t, err
}

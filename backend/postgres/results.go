package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

// SaveRoundResults stores res as its round's final results, replacing
// earlier ones, and writes each idea option's share back to that idea
// (idea_round_results), recording a change per idea in option order. An
// unknown round is ENOTFOUND.
func (s *Store) SaveRoundResults(ctx context.Context, res *backend.Results) error {
	data, err := json.Marshal(res)
	if err != nil {
		return wrap(fmt.Errorf("encode results: %w", err), "save results")
	}
	return s.inChangesTx(ctx, func(tx pgx.Tx) ([]backend.Change, error) {
		var conferenceID int64
		err := tx.QueryRow(ctx, `UPDATE rounds SET results = $1 WHERE id = $2 RETURNING conference_id`, string(data), res.RoundID).Scan(&conferenceID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, errRoundNotFound
		}
		if err != nil {
			return nil, wrap(err, "save results")
		}
		b := &pgx.Batch{}
		b.Queue(`DELETE FROM idea_round_results WHERE round_id = $1`, res.RoundID)
		var chs []backend.Change
		seen := map[int64]bool{}
		for _, o := range res.Options {
			if o.IdeaID == nil || seen[*o.IdeaID] {
				continue
			}
			seen[*o.IdeaID] = true
			b.Queue(`INSERT INTO idea_round_results (idea_id, round_id, votes, no, points, mean, rank, options, ballots)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				*o.IdeaID, res.RoundID, o.Votes, o.No, o.Points, o.Mean, o.Rank, len(res.Options), res.Ballots)
			chs = append(chs, backend.Change{Entity: backend.EntityIdea, EntityID: *o.IdeaID, Op: backend.OpUpdate, ConferenceID: conferenceID})
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return nil, wrap(err, "write idea results")
		}
		return chs, nil
	})
}

// FindRoundResults returns a round's stored results; a missing round, or one
// without results, is ENOTFOUND.
func (s *Store) FindRoundResults(ctx context.Context, roundID int64) (*backend.Results, error) {
	var data []byte
	if err := s.pool.QueryRow(ctx, `SELECT results FROM rounds WHERE id = $1`, roundID).Scan(&data); err != nil {
		return nil, wrap(err, "find results")
	}
	if data == nil {
		return nil, backend.Errorf(backend.ENOTFOUND, "This vote has no results yet.")
	}
	var res backend.Results
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, wrap(fmt.Errorf("decode results: %w", err), "find results")
	}
	return &res, nil
}

// FindIdeaRoundResults lists an idea's results, newest round first, with the
// round's and session's titles and the round's state.
func (s *Store) FindIdeaRoundResults(ctx context.Context, ideaID int64) ([]backend.IdeaRoundResult, error) {
	rows, err := s.pool.Query(ctx, `SELECT x.idea_id, x.round_id, r.title, r.session_id, a.title, r.method, r.state, r.live_results,
		x.ballots, x.votes, x.no, x.points, x.mean, x.rank, x.options, r.closed_at
		FROM idea_round_results x JOIN rounds r ON r.id = x.round_id JOIN agenda_sessions a ON a.id = r.session_id
		WHERE x.idea_id = $1 ORDER BY x.round_id DESC`, ideaID)
	if err != nil {
		return nil, wrap(err, "list idea results")
	}
	return collect(rows, scanIdeaRoundResult, "list idea results", "scan idea result")
}

// scanIdeaRoundResult reads one row of FindIdeaRoundResults; a round not
// closed has a zero ClosedAt, other times are UTC.
func scanIdeaRoundResult(row pgx.Row) (backend.IdeaRoundResult, error) {
	var x backend.IdeaRoundResult
	var closed *time.Time
	if err := row.Scan(&x.IdeaID, &x.RoundID, &x.RoundTitle, &x.SessionID, &x.SessionTitle, &x.Method, &x.State, &x.LiveResults,
		&x.Ballots, &x.Votes, &x.No, &x.Points, &x.Mean, &x.Rank, &x.Options, &closed); err != nil {
		return x, err
	}
	if closed != nil {
		x.ClosedAt = closed.UTC()
	}
	return x, nil
}

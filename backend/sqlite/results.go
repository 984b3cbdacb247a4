package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

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
	return s.inChangesTx(ctx, func(tx *sql.Tx) ([]backend.Change, error) {
		var conferenceID int64
		err := tx.QueryRowContext(ctx, `UPDATE rounds SET results = ? WHERE id = ? RETURNING conference_id`, string(data), res.RoundID).Scan(&conferenceID)
		if err == sql.ErrNoRows {
			return nil, errRoundNotFound
		}
		if err != nil {
			return nil, wrap(err, "save results")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM idea_round_results WHERE round_id = ?`, res.RoundID); err != nil {
			return nil, wrap(err, "replace idea results")
		}
		var chs []backend.Change
		seen := map[int64]bool{}
		for _, o := range res.Options {
			if o.IdeaID == nil || seen[*o.IdeaID] {
				continue
			}
			seen[*o.IdeaID] = true
			_, err := tx.ExecContext(ctx, `INSERT INTO idea_round_results (idea_id, round_id, votes, no, points, mean, rank, options, ballots)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				*o.IdeaID, res.RoundID, o.Votes, o.No, o.Points, o.Mean, o.Rank, len(res.Options), res.Ballots)
			if err != nil {
				return nil, wrap(err, "insert idea results")
			}
			chs = append(chs, backend.Change{Entity: backend.EntityIdea, EntityID: *o.IdeaID, Op: backend.OpUpdate, ConferenceID: conferenceID})
		}
		return chs, nil
	})
}

// FindRoundResults returns a round's stored results; a missing round, or one
// without results, is ENOTFOUND.
func (s *Store) FindRoundResults(ctx context.Context, roundID int64) (*backend.Results, error) {
	var data sql.NullString
	err := s.read.QueryRowContext(ctx, `SELECT results FROM rounds WHERE id = ?`, roundID).Scan(&data)
	if err != nil {
		return nil, wrap(err, "find results")
	}
	if !data.Valid {
		return nil, backend.Errorf(backend.ENOTFOUND, "This vote has no results yet.")
	}
	var res backend.Results
	if err := json.Unmarshal([]byte(data.String), &res); err != nil {
		return nil, wrap(fmt.Errorf("decode results: %w", err), "find results")
	}
	return &res, nil
}

// FindIdeaRoundResults lists an idea's results, newest round first, with the
// round's and session's titles and the round's state.
func (s *Store) FindIdeaRoundResults(ctx context.Context, ideaID int64) ([]backend.IdeaRoundResult, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT x.idea_id, x.round_id, r.title, r.session_id, a.title, r.method, r.state, r.live_results,
		x.ballots, x.votes, x.no, x.points, x.mean, x.rank, x.options, r.closed_at
		FROM idea_round_results x JOIN rounds r ON r.id = x.round_id JOIN agenda_sessions a ON a.id = r.session_id
		WHERE x.idea_id = ? ORDER BY x.round_id DESC`, ideaID)
	if err != nil {
		return nil, wrap(err, "list idea results")
	}
	return collect(rows, scanIdeaRoundResult, "list idea results", "scan idea result")
}

// scanIdeaRoundResult reads one row of FindIdeaRoundResults; a round not
// closed has a zero ClosedAt.
func scanIdeaRoundResult(r rowScanner) (backend.IdeaRoundResult, error) {
	var x backend.IdeaRoundResult
	var closed sql.NullString
	if err := r.Scan(&x.IdeaID, &x.RoundID, &x.RoundTitle, &x.SessionID, &x.SessionTitle, &x.Method, &x.State, &x.LiveResults,
		&x.Ballots, &x.Votes, &x.No, &x.Points, &x.Mean, &x.Rank, &x.Options, &closed); err != nil {
		return x, err
	}
	at, err := timePtr(closed)
	if err != nil {
		return x, err
	}
	if at != nil {
		x.ClosedAt = *at
	}
	return x, nil
}

package postgres

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

const roundColumns = `id, conference_id, session_id, title, method, options, max_choices, points, max_per_option,
	live_results, anonymous, changeable, eligibility, state, closes_at, opened_at, closed_at, revealed_at, voter_key,
	version, created_at, updated_at`

// scanRound reads roundColumns; the times are UTC and the JSONB options are
// never nil.
func scanRound(row pgx.Row) (*backend.Round, error) {
	var r backend.Round
	if err := row.Scan(&r.ID, &r.ConferenceID, &r.SessionID, &r.Title, &r.Method, &r.Options, &r.MaxChoices, &r.Points, &r.MaxPerOption,
		&r.LiveResults, &r.Anonymous, &r.Changeable, &r.Eligibility, &r.State, &r.ClosesAt, &r.OpenedAt, &r.ClosedAt, &r.RevealedAt, &r.VoterKey,
		&r.Version, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	r.Options = options(r.Options)
	r.ClosesAt, r.OpenedAt, r.ClosedAt, r.RevealedAt = utcPtr(r.ClosesAt), utcPtr(r.OpenedAt), utcPtr(r.ClosedAt), utcPtr(r.RevealedAt)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return &r, nil
}

// options returns o, or an empty slice for nil: the JSONB column holds []
// and never null.
func options(o []backend.RoundOption) []backend.RoundOption {
	if o == nil {
		return []backend.RoundOption{}
	}
	return o
}

// CreateRound inserts r with Version 1 and records the change. CreatedAt and
// UpdatedAt are stored as given; an unknown conference or session is
// ENOTFOUND (foreign key).
func (s *Store) CreateRound(ctx context.Context, r *backend.Round) error {
	var id int64
	err := s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		err := tx.QueryRow(ctx, `INSERT INTO rounds (conference_id, session_id, title, method, options, max_choices, points,
			max_per_option, live_results, anonymous, changeable, eligibility, state, closes_at, opened_at, closed_at, revealed_at,
			voter_key, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 1, $19, $20) RETURNING id`,
			r.ConferenceID, r.SessionID, r.Title, r.Method, options(r.Options), r.MaxChoices, r.Points,
			r.MaxPerOption, r.LiveResults, r.Anonymous, r.Changeable, r.Eligibility, r.State, r.ClosesAt, r.OpenedAt, r.ClosedAt, r.RevealedAt,
			r.VoterKey, r.CreatedAt, r.UpdatedAt).Scan(&id)
		if err != nil {
			return backend.Change{}, wrap(err, "insert round")
		}
		return backend.Change{Entity: backend.EntityRound, EntityID: id, Op: backend.OpCreate, ConferenceID: r.ConferenceID}, nil
	})
	if err != nil {
		return err
	}
	r.ID, r.Version, r.Options = id, 1, options(r.Options)
	return nil
}

// FindRoundByID returns the round or ENOTFOUND.
func (s *Store) FindRoundByID(ctx context.Context, id int64) (*backend.Round, error) {
	r, err := scanRound(s.pool.QueryRow(ctx, `SELECT `+roundColumns+` FROM rounds WHERE id = $1`, id))
	if err != nil {
		return nil, wrap(err, "find round")
	}
	return r, nil
}

// FindRounds lists a session's rounds by id.
func (s *Store) FindRounds(ctx context.Context, sessionID int64) ([]*backend.Round, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+roundColumns+` FROM rounds WHERE session_id = $1 ORDER BY id`, sessionID)
	if err != nil {
		return nil, wrap(err, "list rounds")
	}
	return collect(rows, scanRound, "list rounds", "scan round")
}

// FindOpenRounds lists the open rounds of every conference by id.
func (s *Store) FindOpenRounds(ctx context.Context) ([]*backend.Round, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+roundColumns+` FROM rounds WHERE state = 'open' ORDER BY id`)
	if err != nil {
		return nil, wrap(err, "list open rounds")
	}
	return collect(rows, scanRound, "list open rounds", "scan round")
}

// UpdateRound writes the mutable fields of r if its version is current, then
// increments r.Version; with deleteBallots it also removes the round's
// ballots, their values and its stored results (also those written back to
// ideas, recording a change per such idea), and a non-nil audit is written
// (its ID set).
//
// The round's row is locked FOR UPDATE first. CastBallot holds a key-share
// lock on it from its state check to its commit, which FOR UPDATE conflicts
// with: this write waits for every ballot being cast, and a ballot that
// starts meanwhile waits for this write and then sees the new state. So no
// ballot commits after a close, and none survives a reset.
func (s *Store) UpdateRound(ctx context.Context, r *backend.Round, deleteBallots bool, audit *backend.AuditEntry) error {
	var version int
	var auditID int64
	err := s.inChangesTx(ctx, func(tx pgx.Tx) ([]backend.Change, error) {
		var stored int
		var conferenceID int64
		err := tx.QueryRow(ctx, `SELECT version, conference_id FROM rounds WHERE id = $1 FOR UPDATE`, r.ID).Scan(&stored, &conferenceID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, errRoundNotFound
		}
		if err != nil {
			return nil, wrap(err, "lock round")
		}
		if stored != r.Version {
			return nil, backend.ErrStaleVersion
		}
		err = tx.QueryRow(ctx, `UPDATE rounds SET title = $1, method = $2, options = $3, max_choices = $4, points = $5,
			max_per_option = $6, live_results = $7, anonymous = $8, changeable = $9, eligibility = $10, state = $11, closes_at = $12,
			opened_at = $13, closed_at = $14, revealed_at = $15, voter_key = $16, version = version + 1, updated_at = $17
			WHERE id = $18 RETURNING version`,
			r.Title, r.Method, options(r.Options), r.MaxChoices, r.Points,
			r.MaxPerOption, r.LiveResults, r.Anonymous, r.Changeable, r.Eligibility, r.State, r.ClosesAt,
			r.OpenedAt, r.ClosedAt, r.RevealedAt, r.VoterKey, r.UpdatedAt, r.ID).Scan(&version)
		if err != nil {
			return nil, wrap(err, "update round")
		}
		chs := []backend.Change{{Entity: backend.EntityRound, EntityID: r.ID, Op: backend.OpUpdate, ConferenceID: conferenceID}}
		if deleteBallots {
			ideaIDs, err := deleteRoundBallots(ctx, tx, r.ID)
			if err != nil {
				return nil, err
			}
			for _, id := range ideaIDs {
				chs = append(chs, backend.Change{Entity: backend.EntityIdea, EntityID: id, Op: backend.OpUpdate, ConferenceID: conferenceID})
			}
		}
		if audit != nil {
			if auditID, err = insertMergeAudit(ctx, tx, audit); err != nil {
				return nil, err
			}
		}
		return chs, nil
	})
	if err != nil {
		return err
	}
	r.Version, r.Options = version, options(r.Options)
	if audit != nil {
		audit.ID = auditID
	}
	return nil
}

// errRoundNotFound answers an unknown round.
var errRoundNotFound = backend.Errorf(backend.ENOTFOUND, "Vote not found.")

// deleteRoundBallots removes a round's ballots, their values and its stored
// results, and returns the ideas whose results went, by id. The caller holds
// the round's row lock.
func deleteRoundBallots(ctx context.Context, tx pgx.Tx, roundID int64) ([]int64, error) {
	for _, q := range []string{
		`DELETE FROM ballot_values WHERE round_id = $1`,
		`DELETE FROM ballots WHERE round_id = $1`,
		`UPDATE rounds SET results = NULL WHERE id = $1`,
	} {
		if _, err := tx.Exec(ctx, q, roundID); err != nil {
			return nil, wrap(err, "delete ballots")
		}
	}
	rows, err := tx.Query(ctx, `DELETE FROM idea_round_results WHERE round_id = $1 RETURNING idea_id`, roundID)
	if err != nil {
		return nil, wrap(err, "delete idea results")
	}
	ids, err := collect(rows, scanID, "delete idea results", "scan idea id")
	if err != nil {
		return nil, err
	}
	slices.Sort(ids) // RETURNING has no order
	return ids, nil
}

func (s *Store) DeleteRound(ctx context.Context, id int64) error {
	return s.inChangeTx(ctx, func(tx pgx.Tx) (backend.Change, error) {
		var conferenceID int64
		err := tx.QueryRow(ctx, `SELECT conference_id FROM rounds WHERE id = $1 FOR UPDATE`, id).Scan(&conferenceID)
		if errors.Is(err, pgx.ErrNoRows) {
			return backend.Change{}, errRoundNotFound
		}
		if err != nil {
			return backend.Change{}, wrap(err, "lock round")
		}
		var hasBallots bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM ballots WHERE round_id = $1)`, id).Scan(&hasBallots); err != nil {
			return backend.Change{}, wrap(err, "check ballots")
		}
		if hasBallots {
			return backend.Change{}, backend.Errorf(backend.ECONFLICT, "This vote has ballots; it cannot be deleted.")
		}
		for _, q := range []string{`DELETE FROM idea_round_results WHERE round_id = $1`, `DELETE FROM rounds WHERE id = $1`} {
			if _, err := tx.Exec(ctx, q, id); err != nil {
				return backend.Change{}, wrap(err, "delete round")
			}
		}
		return backend.Change{Entity: backend.EntityRound, EntityID: id, Op: backend.OpDelete, ConferenceID: conferenceID}, nil
	})
}

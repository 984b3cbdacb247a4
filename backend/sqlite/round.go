package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"ideenmarkt/backend"
)

const roundColumns = `id, conference_id, session_id, title, method, options, max_choices, points, max_per_option,
	live_results, anonymous, changeable, eligibility, state, closes_at, opened_at, closed_at, revealed_at, voter_key,
	version, created_at, updated_at`

func scanRound(r rowScanner) (*backend.Round, error) {
	var rd backend.Round
	var options, created, updated string
	var closes, opened, closed, revealed sql.NullString
	if err := r.Scan(&rd.ID, &rd.ConferenceID, &rd.SessionID, &rd.Title, &rd.Method, &options, &rd.MaxChoices, &rd.Points, &rd.MaxPerOption,
		&rd.LiveResults, &rd.Anonymous, &rd.Changeable, &rd.Eligibility, &rd.State, &closes, &opened, &closed, &revealed, &rd.VoterKey,
		&rd.Version, &created, &updated); err != nil {
		return nil, err
	}
	var err error
	if rd.Options, err = parseOptions(options); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		dst **time.Time
		src sql.NullString
	}{{&rd.ClosesAt, closes}, {&rd.OpenedAt, opened}, {&rd.ClosedAt, closed}, {&rd.RevealedAt, revealed}} {
		if *p.dst, err = timePtr(p.src); err != nil {
			return nil, err
		}
	}
	if rd.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if rd.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &rd, nil
}

// fmtOptions stores a round's options as a JSON array; nil is stored as [].
func fmtOptions(opts []backend.RoundOption) (string, error) {
	if len(opts) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(opts)
	if err != nil {
		return "", fmt.Errorf("encode options: %w", err)
	}
	return string(b), nil
}

// parseOptions reads a JSON array of options; it never returns nil.
func parseOptions(s string) ([]backend.RoundOption, error) {
	opts := []backend.RoundOption{}
	if err := json.Unmarshal([]byte(s), &opts); err != nil {
		return nil, fmt.Errorf("parse options: %w", err)
	}
	if opts == nil {
		opts = []backend.RoundOption{}
	}
	return opts, nil
}

// nullBytes stores nil as NULL (the driver would store an empty blob).
func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// CreateRound inserts r with Version 1 and records the change. CreatedAt and
// UpdatedAt are stored as given; an unknown conference or session is
// ENOTFOUND (foreign key).
func (s *Store) CreateRound(ctx context.Context, r *backend.Round) error {
	options, err := fmtOptions(r.Options)
	if err != nil {
		return wrap(err, "create round")
	}
	var id int64
	err = s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		err := tx.QueryRowContext(ctx, `INSERT INTO rounds (conference_id, session_id, title, method, options, max_choices, points,
			max_per_option, live_results, anonymous, changeable, eligibility, state, closes_at, opened_at, closed_at, revealed_at,
			voter_key, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
			r.ConferenceID, r.SessionID, r.Title, r.Method, options, r.MaxChoices, r.Points,
			r.MaxPerOption, boolInt(r.LiveResults), boolInt(r.Anonymous), boolInt(r.Changeable), r.Eligibility, r.State,
			nullTime(r.ClosesAt), nullTime(r.OpenedAt), nullTime(r.ClosedAt), nullTime(r.RevealedAt),
			nullBytes(r.VoterKey), fmtTime(r.CreatedAt), fmtTime(r.UpdatedAt)).Scan(&id)
		if err != nil {
			return backend.Change{}, wrap(err, "insert round")
		}
		return backend.Change{Entity: backend.EntityRound, EntityID: id, Op: backend.OpCreate, ConferenceID: r.ConferenceID}, nil
	})
	if err != nil {
		return err
	}
	r.ID, r.Version = id, 1
	nonNilOptions(r)
	return nil
}

// nonNilOptions makes r.Options non-nil, so that the caller's struct equals
// what a later read returns.
func nonNilOptions(r *backend.Round) {
	if r.Options == nil {
		r.Options = []backend.RoundOption{}
	}
}

// FindRoundByID returns the round or ENOTFOUND.
func (s *Store) FindRoundByID(ctx context.Context, id int64) (*backend.Round, error) {
	r, err := scanRound(s.read.QueryRowContext(ctx, `SELECT `+roundColumns+` FROM rounds WHERE id = ?`, id))
	return r, wrap(err, "find round")
}

// FindRounds lists a session's rounds by id.
func (s *Store) FindRounds(ctx context.Context, sessionID int64) ([]*backend.Round, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+roundColumns+` FROM rounds WHERE session_id = ? ORDER BY id`, sessionID)
	if err != nil {
		return nil, wrap(err, "list rounds")
	}
	return collect(rows, scanRound, "list rounds", "scan round")
}

// FindOpenRounds lists the open rounds of every conference by id.
func (s *Store) FindOpenRounds(ctx context.Context) ([]*backend.Round, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+roundColumns+` FROM rounds WHERE state = ? ORDER BY id`, backend.RoundOpen)
	if err != nil {
		return nil, wrap(err, "list open rounds")
	}
	return collect(rows, scanRound, "list open rounds", "scan round")
}

// UpdateRound writes the mutable fields of r if its version is current, then
// increments r.Version; with deleteBallots it also removes the round's
// ballots, their values and its stored results (also those written back to
// ideas, recording a change per such idea), and a non-nil audit is written
// (its ID set). The single write connection orders this write after every
// ballot already being cast and before every later one, so that no ballot
// commits after a close.
func (s *Store) UpdateRound(ctx context.Context, r *backend.Round, deleteBallots bool, audit *backend.AuditEntry) error {
	options, err := fmtOptions(r.Options)
	if err != nil {
		return wrap(err, "update round")
	}
	var version int
	var auditID int64
	err = s.inChangesTx(ctx, func(tx *sql.Tx) ([]backend.Change, error) {
		var conferenceID int64
		err := tx.QueryRowContext(ctx, `UPDATE rounds SET title = ?, method = ?, options = ?, max_choices = ?, points = ?,
			max_per_option = ?, live_results = ?, anonymous = ?, changeable = ?, eligibility = ?, state = ?, closes_at = ?,
			opened_at = ?, closed_at = ?, revealed_at = ?, voter_key = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ? RETURNING version, conference_id`,
			r.Title, r.Method, options, r.MaxChoices, r.Points,
			r.MaxPerOption, boolInt(r.LiveResults), boolInt(r.Anonymous), boolInt(r.Changeable), r.Eligibility, r.State, nullTime(r.ClosesAt),
			nullTime(r.OpenedAt), nullTime(r.ClosedAt), nullTime(r.RevealedAt), nullBytes(r.VoterKey), fmtTime(r.UpdatedAt),
			r.ID, r.Version).Scan(&version, &conferenceID)
		if err == sql.ErrNoRows {
			var exists bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM rounds WHERE id = ?)`, r.ID).Scan(&exists); err != nil {
				return nil, wrap(err, "check round")
			}
			if !exists {
				return nil, errRoundNotFound
			}
			return nil, backend.ErrStaleVersion
		}
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
	r.Version = version
	nonNilOptions(r)
	if audit != nil {
		audit.ID = auditID
	}
	return nil
}

// errRoundNotFound answers an unknown round.
var errRoundNotFound = backend.Errorf(backend.ENOTFOUND, "Vote not found.")

// deleteRoundBallots removes a round's ballots, their values and its stored
// results, and returns the ideas whose results went, by id.
func deleteRoundBallots(ctx context.Context, tx *sql.Tx, roundID int64) ([]int64, error) {
	for _, q := range []string{
		`DELETE FROM ballot_values WHERE round_id = ?`,
		`DELETE FROM ballots WHERE round_id = ?`,
		`UPDATE rounds SET results = NULL WHERE id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, roundID); err != nil {
			return nil, wrap(err, "delete ballots")
		}
	}
	rows, err := tx.QueryContext(ctx, `DELETE FROM idea_round_results WHERE round_id = ? RETURNING idea_id`, roundID)
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
	return s.inChangeTx(ctx, func(tx *sql.Tx) (backend.Change, error) {
		var conferenceID int64
		var hasBallots bool
		err := tx.QueryRowContext(ctx, `SELECT conference_id, EXISTS (SELECT 1 FROM ballots WHERE round_id = rounds.id)
			FROM rounds WHERE id = ?`, id).Scan(&conferenceID, &hasBallots)
		if err == sql.ErrNoRows {
			return backend.Change{}, errRoundNotFound
		}
		if err != nil {
			return backend.Change{}, wrap(err, "find round")
		}
		if hasBallots {
			return backend.Change{}, backend.Errorf(backend.ECONFLICT, "This vote has ballots; it cannot be deleted.")
		}
		for _, q := range []string{`DELETE FROM idea_round_results WHERE round_id = ?`, `DELETE FROM rounds WHERE id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return backend.Change{}, wrap(err, "delete round")
			}
		}
		return backend.Change{Entity: backend.EntityRound, EntityID: id, Op: backend.OpDelete, ConferenceID: conferenceID}, nil
	})
}

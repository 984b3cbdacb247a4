package postgres

import (
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"ideenmarkt/backend"
)

// errNotOpen answers a ballot for a round that does not accept ballots.
var errNotOpen = backend.Errorf(backend.ECONFLICT, "This vote is not open.")

// errAlreadyVoted answers a second, different ballot where none may replace the first.
var errAlreadyVoted = backend.Errorf(backend.ECONFLICT, "You have already voted in this vote.")

// CastBallot stores b while its round is open (see backend.Store).
//
// The state check takes a key-share lock on the round's row and holds it
// until commit: ballots do not block one another (the foreign key check of
// the insert takes the same lock anyway), but UpdateRound's FOR UPDATE waits
// for them, and a ballot arriving after it waits and then reads the new
// state. Which of several first ballots of a voter is stored is decided by
// the unique constraint ballots_voter (INSERT … ON CONFLICT DO NOTHING): a
// rival waits for the first insert to commit, finds its row and answers
// CastSame, CastReplaced or ECONFLICT. Ballots record no change and send no
// NOTIFY: the live hub recounts open rounds at its own cadence.
func (s *Store) CastBallot(ctx context.Context, b *backend.Ballot, replace bool) (backend.CastOutcome, error) {
	opts, vals := ballotValues(b.Values)
	var outcome backend.CastOutcome
	var id int64
	var castAt, updatedAt time.Time
	var stored map[int]int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var state backend.RoundState
		err := tx.QueryRow(ctx, `SELECT state FROM rounds WHERE id = $1 FOR KEY SHARE`, b.RoundID).Scan(&state)
		if errors.Is(err, pgx.ErrNoRows) {
			return errRoundNotFound
		}
		if err != nil {
			return wrap(err, "lock round")
		}
		if state != backend.RoundOpen {
			return errNotOpen
		}
		// The ballot and its values in one statement; nothing is written
		// when the voter has a ballot already.
		err = tx.QueryRow(ctx, `WITH b AS (
				INSERT INTO ballots (round_id, voter_key, participant_id, client_id, cast_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (round_id, voter_key) DO NOTHING RETURNING id
			), v AS (
				INSERT INTO ballot_values (ballot_id, round_id, option_id, value)
				SELECT b.id, $1::bigint, o, x FROM b, unnest($6::int[], $7::int[]) AS t(o, x)
			)
			SELECT id FROM b`,
			b.RoundID, b.VoterKey, b.ParticipantID, b.ClientID, b.CastAt, opts, vals).Scan(&id)
		if err == nil {
			outcome, castAt, updatedAt = backend.CastCreated, b.CastAt, b.CastAt
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return wrap(err, "insert ballot")
		}
		// The voter has a ballot already. Its row lock orders replacements
		// of one voter; a reset cannot remove it, as it waits for our
		// lock on the round.
		var clientID string
		err = tx.QueryRow(ctx, `SELECT id, client_id, cast_at, updated_at FROM ballots WHERE round_id = $1 AND voter_key = $2 FOR UPDATE`,
			b.RoundID, b.VoterKey).Scan(&id, &clientID, &castAt, &updatedAt)
		if err != nil {
			return wrap(err, "find ballot")
		}
		switch {
		case clientID == b.ClientID:
			outcome = backend.CastSame
			stored, err = readBallotValues(ctx, tx, id)
			return err
		case !replace:
			return errAlreadyVoted
		}
		outcome, updatedAt = backend.CastReplaced, b.CastAt
		batch := &pgx.Batch{}
		batch.Queue(`UPDATE ballots SET client_id = $1, participant_id = $2, updated_at = $3 WHERE id = $4`,
			b.ClientID, b.ParticipantID, b.CastAt, id)
		batch.Queue(`DELETE FROM ballot_values WHERE ballot_id = $1`, id)
		batch.Queue(`INSERT INTO ballot_values (ballot_id, round_id, option_id, value)
			SELECT $1::bigint, $2::bigint, o, x FROM unnest($3::int[], $4::int[]) AS t(o, x)`, id, b.RoundID, opts, vals)
		return wrap(tx.SendBatch(ctx, batch).Close(), "replace ballot")
	})
	if err != nil {
		return "", wrap(err, "cast ballot")
	}
	b.ID, b.CastAt, b.UpdatedAt = id, castAt.UTC(), updatedAt.UTC()
	if outcome == backend.CastSame {
		b.Values = stored
	}
	if b.Values == nil {
		b.Values = map[int]int{}
	}
	return outcome, nil
}

// ballotValues returns a ballot's option ids and values as two arrays, by
// option, for unnest.
func ballotValues(values map[int]int) ([]int32, []int32) {
	opts := make([]int32, 0, len(values))
	vals := make([]int32, 0, len(values))
	for _, o := range slices.Sorted(maps.Keys(values)) {
		opts, vals = append(opts, int32(o)), append(vals, int32(values[o]))
	}
	return opts, vals
}

// readBallotValues reads a stored ballot's values; never nil.
func readBallotValues(ctx context.Context, tx pgx.Tx, ballotID int64) (map[int]int, error) {
	rows, err := tx.Query(ctx, `SELECT option_id, value FROM ballot_values WHERE ballot_id = $1`, ballotID)
	if err != nil {
		return nil, wrap(err, "read ballot values")
	}
	pairs, err := collect(rows, scanValuePair, "read ballot values", "scan ballot value")
	if err != nil {
		return nil, err
	}
	out := make(map[int]int, len(pairs))
	for _, p := range pairs {
		out[p[0]] = p[1]
	}
	return out, nil
}

// scanValuePair reads an option id and its value.
func scanValuePair(row pgx.Row) ([2]int, error) {
	var p [2]int
	err := row.Scan(&p[0], &p[1])
	return p, err
}

// FindBallot returns a voter's ballot in a round with its values, read in one
// statement so that ballot and values are of one moment, or ENOTFOUND.
func (s *Store) FindBallot(ctx context.Context, roundID int64, voterKey string) (*backend.Ballot, error) {
	rows, err := s.pool.Query(ctx, `SELECT b.id, b.round_id, b.voter_key, b.participant_id, b.client_id, b.cast_at, b.updated_at,
		v.option_id, v.value
		FROM ballots b LEFT JOIN ballot_values v ON v.ballot_id = b.id
		WHERE b.round_id = $1 AND b.voter_key = $2`, roundID, voterKey)
	if err != nil {
		return nil, wrap(err, "find ballot")
	}
	defer rows.Close()
	var b *backend.Ballot
	for rows.Next() {
		var got backend.Ballot
		var opt, value *int
		if err := rows.Scan(&got.ID, &got.RoundID, &got.VoterKey, &got.ParticipantID, &got.ClientID, &got.CastAt, &got.UpdatedAt, &opt, &value); err != nil {
			return nil, wrap(err, "scan ballot")
		}
		if b == nil {
			b = &got
			b.CastAt, b.UpdatedAt, b.Values = b.CastAt.UTC(), b.UpdatedAt.UTC(), map[int]int{}
		}
		if opt != nil && value != nil {
			b.Values[*opt] = *value
		}
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "find ballot")
	}
	if b == nil {
		return nil, backend.Errorf(backend.ENOTFOUND, "Ballot not found.")
	}
	return b, nil
}

// TallyRound counts a round's ballots and its values per option and value.
// Both counts come from one statement, and so from one snapshot, so that
// they agree even while ballots are being cast; each is a scan of an index
// on the round.
func (s *Store) TallyRound(ctx context.Context, roundID int64) (backend.Tally, error) {
	rows, err := s.pool.Query(ctx, `SELECT n.ballots, v.option_id, v.value, v.count
		FROM (SELECT COUNT(*) AS ballots FROM ballots WHERE round_id = $1) n
		LEFT JOIN (SELECT option_id, value, COUNT(*) AS count FROM ballot_values WHERE round_id = $1 GROUP BY option_id, value) v ON true`,
		roundID)
	if err != nil {
		return backend.Tally{}, wrap(err, "tally round")
	}
	defer rows.Close()
	t := backend.Tally{Rows: []backend.ValueCount{}}
	for rows.Next() {
		var opt, value, count *int
		if err := rows.Scan(&t.Ballots, &opt, &value, &count); err != nil {
			return backend.Tally{}, wrap(err, "scan tally")
		}
		if opt != nil && value != nil && count != nil {
			t.Rows = append(t.Rows, backend.ValueCount{OptionID: *opt, Value: *value, Count: *count})
		}
	}
	if err := rows.Err(); err != nil {
		return backend.Tally{}, wrap(err, "tally round")
	}
	return t, nil
}

// CountActiveParticipants returns how many participants of a conference have
// not left.
func (s *Store) CountActiveParticipants(ctx context.Context, conferenceID int64) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT COUNT(*) FROM participants WHERE conference_id = $1 AND left_at IS NULL`, conferenceID).Scan(&n)
	return n, wrap(err, "count participants")
}

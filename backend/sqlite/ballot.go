package sqlite

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"strings"

	"ideenmarkt/backend"
)

// errNotOpen answers a ballot for a round that does not accept ballots.
var errNotOpen = backend.Errorf(backend.ECONFLICT, "This vote is not open.")

// errAlreadyVoted answers a second, different ballot where none may replace the first.
var errAlreadyVoted = backend.Errorf(backend.ECONFLICT, "You have already voted in this vote.")

// CastBallot stores b while its round is open (see backend.Store). The
// unique index on (round_id, voter_key) decides which of several first
// ballots of a voter is stored; the single write connection orders ballots
// and round updates, so none is stored after a close commits. Ballots record
// no change: the live hub recounts open rounds at its own cadence.
//
// Concurrent ballots share one write transaction and so one fsync (see
// ballotBatcher); each runs in its own savepoint, so its outcome and error
// are its own, as if it had run alone after the ballots before it.
func (s *Store) CastBallot(ctx context.Context, b *backend.Ballot, replace bool) (backend.CastOutcome, error) {
	res := s.ballots.cast(ctx, b, replace)
	if res.err != nil {
		return "", res.err
	}
	stored := res.stored
	b.ID, b.CastAt, b.UpdatedAt = stored.ID, stored.CastAt, stored.UpdatedAt
	if res.outcome == backend.CastSame {
		b.Values = stored.Values
	}
	if b.Values == nil {
		b.Values = map[int]int{}
	}
	return res.outcome, nil
}

// castBallot is one ballot's work inside a write transaction: it stores b
// while its round is open and returns the outcome with the ballot as stored
// (for CastCreated only ID, CastAt and UpdatedAt are set). It does not
// modify b. On error the caller must undo what it wrote.
func castBallot(ctx context.Context, tx *sql.Tx, b *backend.Ballot, replace bool) (backend.CastOutcome, *backend.Ballot, error) {
	var state backend.RoundState
	err := tx.QueryRowContext(ctx, `SELECT state FROM rounds WHERE id = ?`, b.RoundID).Scan(&state)
	if err == sql.ErrNoRows {
		return "", nil, errRoundNotFound
	}
	if err != nil {
		return "", nil, wrap(err, "find round")
	}
	if state != backend.RoundOpen {
		return "", nil, errNotOpen
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO ballots (round_id, voter_key, participant_id, client_id, cast_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (round_id, voter_key) DO NOTHING RETURNING id`,
		b.RoundID, b.VoterKey, nullInt64(b.ParticipantID), b.ClientID, fmtTime(b.CastAt), fmtTime(b.CastAt)).Scan(&id)
	switch {
	case err == nil:
		if err := insertBallotValues(ctx, tx, id, b.RoundID, b.Values); err != nil {
			return "", nil, err
		}
		return backend.CastCreated, &backend.Ballot{ID: id, CastAt: b.CastAt, UpdatedAt: b.CastAt}, nil
	case err != sql.ErrNoRows:
		return "", nil, wrap(err, "insert ballot")
	}
	// The voter has a ballot already.
	stored, err := findBallot(ctx, tx, b.RoundID, b.VoterKey)
	if err != nil {
		return "", nil, err
	}
	switch {
	case stored.ClientID == b.ClientID:
		return backend.CastSame, stored, nil
	case !replace:
		return "", nil, errAlreadyVoted
	}
	stored.UpdatedAt = b.CastAt
	_, err = tx.ExecContext(ctx, `UPDATE ballots SET client_id = ?, participant_id = ?, updated_at = ? WHERE id = ?`,
		b.ClientID, nullInt64(b.ParticipantID), fmtTime(b.CastAt), stored.ID)
	if err != nil {
		return "", nil, wrap(err, "replace ballot")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM ballot_values WHERE ballot_id = ?`, stored.ID); err != nil {
		return "", nil, wrap(err, "replace ballot values")
	}
	if err := insertBallotValues(ctx, tx, stored.ID, b.RoundID, b.Values); err != nil {
		return "", nil, err
	}
	return backend.CastReplaced, stored, nil
}

// insertBallotValues writes a ballot's values in one statement, by option.
func insertBallotValues(ctx context.Context, tx *sql.Tx, ballotID, roundID int64, values map[int]int) error {
	if len(values) == 0 {
		return nil
	}
	args := make([]any, 0, 4*len(values))
	for _, opt := range slices.Sorted(maps.Keys(values)) {
		args = append(args, ballotID, roundID, opt, values[opt])
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO ballot_values (ballot_id, round_id, option_id, value) VALUES (?, ?, ?, ?)`+
		strings.Repeat(`, (?, ?, ?, ?)`, len(values)-1), args...)
	return wrap(err, "insert ballot values")
}

// ballotQueryer is what *sql.DB and *sql.Tx have in common for queries.
type ballotQueryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// findBallot reads a voter's ballot with its values in one statement, so
// that ballot and values are of one moment; none is ENOTFOUND.
func findBallot(ctx context.Context, q ballotQueryer, roundID int64, voterKey string) (*backend.Ballot, error) {
	rows, err := q.QueryContext(ctx, `SELECT b.id, b.round_id, b.voter_key, b.participant_id, b.client_id, b.cast_at, b.updated_at,
		v.option_id, v.value
		FROM ballots b LEFT JOIN ballot_values v ON v.ballot_id = b.id
		WHERE b.round_id = ? AND b.voter_key = ?`, roundID, voterKey)
	if err != nil {
		return nil, wrap(err, "find ballot")
	}
	defer rows.Close()
	var b *backend.Ballot
	for rows.Next() {
		var got backend.Ballot
		var participant, opt, value sql.NullInt64
		var cast, updated string
		if err := rows.Scan(&got.ID, &got.RoundID, &got.VoterKey, &participant, &got.ClientID, &cast, &updated, &opt, &value); err != nil {
			return nil, wrap(err, "scan ballot")
		}
		if b == nil {
			b = &got
			b.ParticipantID, b.Values = int64Ptr(participant), map[int]int{}
			if b.CastAt, err = parseTime(cast); err != nil {
				return nil, wrap(err, "parse ballot")
			}
			if b.UpdatedAt, err = parseTime(updated); err != nil {
				return nil, wrap(err, "parse ballot")
			}
		}
		if opt.Valid {
			b.Values[int(opt.Int64)] = int(value.Int64)
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

// FindBallot returns a voter's ballot in a round with its values, or ENOTFOUND.
func (s *Store) FindBallot(ctx context.Context, roundID int64, voterKey string) (*backend.Ballot, error) {
	return findBallot(ctx, s.read, roundID, voterKey)
}

// TallyRound counts a round's ballots and its values per option and value.
// Both counts come from one statement, so that they agree even while
// ballots are being cast; each is a scan of an index on the round.
func (s *Store) TallyRound(ctx context.Context, roundID int64) (backend.Tally, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT n.ballots, v.option_id, v.value, v.count
		FROM (SELECT COUNT(*) AS ballots FROM ballots WHERE round_id = ?) n
		LEFT JOIN (SELECT option_id, value, COUNT(*) AS count FROM ballot_values WHERE round_id = ? GROUP BY option_id, value) v ON 1`,
		roundID, roundID)
	if err != nil {
		return backend.Tally{}, wrap(err, "tally round")
	}
	defer rows.Close()
	t := backend.Tally{Rows: []backend.ValueCount{}}
	for rows.Next() {
		var opt, value, count sql.NullInt64
		if err := rows.Scan(&t.Ballots, &opt, &value, &count); err != nil {
			return backend.Tally{}, wrap(err, "scan tally")
		}
		if opt.Valid {
			t.Rows = append(t.Rows, backend.ValueCount{OptionID: int(opt.Int64), Value: int(value.Int64), Count: int(count.Int64)})
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
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM participants WHERE conference_id = ? AND left_at IS NULL`, conferenceID).Scan(&n)
	return n, wrap(err, "count participants")
}

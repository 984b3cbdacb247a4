package sqlite

import (
	"context"
	"database/sql"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"ideenmarkt/backend"
)

// Group commit for ballots.
//
// In a live vote thousands of phones cast ballots within seconds. With one
// write connection and synchronous=FULL, a transaction per ballot means an
// fsync per ballot, and the fsyncs, not the statements, limit the rate: the
// acknowledgements queue. So ballots that arrive while a transaction is
// running are written together in the next one and share its COMMIT and its
// fsync. Each ballot runs inside its own SAVEPOINT, so that one that fails
// (round not open, already voted, …) is rolled back alone while the others
// commit, and each caller gets exactly the outcome or error it would have
// got on its own, after the ballots before it in the batch.
//
// Batching is natural: the batcher takes whatever is waiting when it is
// free and never waits for more, so a lone ballot is written at once.

const (
	// maxBallotBatch bounds a batch, so that one transaction holds the write
	// connection only briefly and other writes (closing the round) get
	// their turn.
	maxBallotBatch = 128
	// ballotBatchTimeout bounds a batch's transaction. The batch does not
	// run under any caller's context, so that one caller giving up does not
	// fail the others.
	ballotBatchTimeout = 15 * time.Second
)

// errStoreClosed answers ballots cast after Close.
var errStoreClosed = backend.Errorf(backend.EUNAVAILABLE, "The database is closed.")

// ballotBatcher owns the goroutine that writes ballots in batches. Callers
// hand a request over an unbuffered channel, so a request is either taken by
// the batcher, which then always answers it, or never seen by it.
type ballotBatcher struct {
	write    *sql.DB
	reqs     chan *ballotRequest
	quit     chan struct{} // closed by stop
	done     chan struct{} // closed when run has returned
	stopOnce sync.Once
	batches  atomic.Int64 // transactions begun, for tests
}

// ballotRequest is one CastBallot waiting for its result.
type ballotRequest struct {
	ctx     context.Context // the caller's: done means do not write
	b       *backend.Ballot // a copy, read only, so the caller may give up
	replace bool
	result  chan ballotResult // buffered (1): answering never blocks
}

// ballotResult is what castBallot returned for one request, or the error of
// its whole batch.
type ballotResult struct {
	outcome backend.CastOutcome
	stored  *backend.Ballot
	err     error
}

// newBallotBatcher starts a batcher writing through write; stop ends it.
func newBallotBatcher(write *sql.DB) *ballotBatcher {
	q := &ballotBatcher{
		write: write,
		reqs:  make(chan *ballotRequest),
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	go q.run()
	return q
}

// stop ends the batcher after the batch it is running, if any, and waits
// for that. Ballots cast later are refused; it may be called more than once.
func (q *ballotBatcher) stop() {
	q.stopOnce.Do(func() { close(q.quit) })
	<-q.done
}

// cast hands b to the batcher and waits for its result or for ctx. A caller
// whose ctx ends after the batcher took its ballot gets ctx's error, though
// the ballot may still be stored (as when a reply is lost): a retry with the
// same client id is CastSame.
func (q *ballotBatcher) cast(ctx context.Context, b *backend.Ballot, replace bool) ballotResult {
	if err := ctx.Err(); err != nil {
		return ballotResult{err: wrap(err, "cast ballot")}
	}
	copied := *b
	copied.Values = maps.Clone(b.Values)
	req := &ballotRequest{ctx: ctx, b: &copied, replace: replace, result: make(chan ballotResult, 1)}
	select {
	case q.reqs <- req:
	case <-ctx.Done():
		return ballotResult{err: wrap(ctx.Err(), "cast ballot")}
	case <-q.done:
		return ballotResult{err: errStoreClosed}
	}
	select {
	case res := <-req.result:
		return res
	case <-ctx.Done():
		return ballotResult{err: wrap(ctx.Err(), "cast ballot")}
	}
}

// run takes a waiting request, then every other one already waiting (up to
// maxBallotBatch), and writes them in one transaction, until stop.
func (q *ballotBatcher) run() {
	defer close(q.done)
	batch := make([]*ballotRequest, 0, maxBallotBatch)
	for {
		// Stop before taking more, even while callers are waiting.
		select {
		case <-q.quit:
			return
		default:
		}
		select {
		case r := <-q.reqs:
			batch = append(batch[:0], r)
		case <-q.quit:
			return
		}
	more:
		for len(batch) < maxBallotBatch {
			select {
			case r := <-q.reqs:
				batch = append(batch, r)
			default:
				break more
			}
		}
		q.runBatch(batch)
		clear(batch) // let answered requests go
	}
}

// runBatch answers every request of batch: one whose caller has given up
// with its ctx's error, unwritten; the others with their own result, or all
// with the batch's error when the transaction failed as a whole.
func (q *ballotBatcher) runBatch(batch []*ballotRequest) {
	live := make([]*ballotRequest, 0, len(batch))
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.result <- ballotResult{err: wrap(err, "cast ballot")}
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	results, err := q.writeBatch(live)
	for i, r := range live {
		if err != nil {
			r.result <- ballotResult{err: err}
			continue
		}
		r.result <- results[i]
	}
}

// writeBatch casts reqs in order in one write transaction, each in its own
// savepoint, and commits once. An error is the batch's: nothing was stored.
func (q *ballotBatcher) writeBatch(reqs []*ballotRequest) ([]ballotResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), ballotBatchTimeout)
	defer cancel()
	tx, err := q.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrap(err, "begin transaction")
	}
	q.batches.Add(1)
	fail := func(err error, what string) ([]ballotResult, error) {
		tx.Rollback()
		return nil, wrap(err, what)
	}
	results := make([]ballotResult, len(reqs))
	for i, r := range reqs {
		// Its caller may have given up while the ballots before it ran.
		if err := r.ctx.Err(); err != nil {
			results[i].err = wrap(err, "cast ballot")
			continue
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT ballot`); err != nil {
			return fail(err, "begin ballot")
		}
		outcome, stored, err := castBallot(ctx, tx, r.b, r.replace)
		if err != nil {
			results[i].err = err
			// Undo what this ballot wrote; the ones before it stay.
			if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO ballot`); rerr != nil {
				return fail(rerr, "roll back ballot")
			}
		} else {
			results[i] = ballotResult{outcome: outcome, stored: stored}
		}
		if _, err := tx.ExecContext(ctx, `RELEASE ballot`); err != nil {
			return fail(err, "release ballot")
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, wrap(err, "commit")
	}
	return results, nil
}

package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"time"

	"ideenmarkt/backend"
)

// Outbox is the part of backend.Store the worker needs; backend.Store
// satisfies it.
type Outbox interface {
	ClaimMails(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]*backend.OutboxMail, error)
	MarkMailSent(ctx context.Context, id int64, at time.Time) error
	MarkMailFailed(ctx context.Context, id int64, errText string, next time.Time, giveUp bool) error
}

var _ Outbox = backend.Store(nil)

// Defaults of the Worker's zero fields.
const (
	DefaultLease       = 2 * time.Minute
	DefaultBatch       = 20
	DefaultMaxAttempts = 8
	DefaultPoll        = 10 * time.Second
)

// markTimeout bounds recording a result, which runs even when the worker's
// context is cancelled: a sent mail that is not recorded is sent again.
const markTimeout = 10 * time.Second

// maxErrorText bounds the error text stored with a failed attempt.
const maxErrorText = 500

// Worker sends the outbox: it claims due mails for a lease, renders and
// sends each one and records the result. Several workers (processes) may
// share one store, since a claim is exclusive until its lease runs out.
//
// A mail is retried with a backoff (see Backoff) after temporary failures
// and given up after MaxAttempts attempts, or at once when it cannot
// succeed: an unknown template, an invalid address, or a permanent (5xx)
// rejection of its recipient or content. A failure that concerns the
// server rather than the mail (unreachable, TLS, login, sender refused)
// ends the batch and counts as a temporary failure for every mail of it,
// even if permanent: a wrong password is fixed by the operator, and must
// not make every queued mail give up.
//
// Logs carry the outbox id, template and error only, never addresses,
// bodies or links: the links hold personal tokens.
type Worker struct {
	Store  Outbox
	Sender *Sender
	// From is the From header; empty: the Sender's configured From.
	From        string
	Now         func() time.Time // nil: time.Now
	Log         *slog.Logger     // nil: slog.Default()
	Lease       time.Duration    // how long a claim holds; 0: DefaultLease
	Batch       int              // mails claimed at once; 0: DefaultBatch
	MaxAttempts int              // attempts before giving up; 0: DefaultMaxAttempts
	Poll        time.Duration    // Run's wait without a wake-up; 0: DefaultPoll
}

// backoff is the wait after the n-th failed attempt (1-based); later
// attempts wait as long as the last entry.
var backoff = []time.Duration{
	1 * time.Minute,
	5 * time.Minute,
	15 * time.Minute,
	1 * time.Hour,
	3 * time.Hour,
	6 * time.Hour,
}

// Backoff returns how long to wait after the attempt-th failed attempt
// (1-based): 1 min, 5 min, 15 min, 1 h, 3 h, then 6 h. It grows quickly so
// that a server outage of a day still ends in delivery, without hammering
// the server meanwhile.
func Backoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > len(backoff) {
		return backoff[len(backoff)-1]
	}
	return backoff[attempt-1]
}

// RunOnce claims the due mails (one batch), sends them and records the
// results; it returns how many were sent. An error is a store error (or
// ctx's); failed deliveries are recorded, not returned.
func (w *Worker) RunOnce(ctx context.Context) (sent int, err error) {
	sent, _, err = w.runOnce(ctx)
	return sent, err
}

// runOnce is RunOnce that also reports whether the batch was full, in
// which case more mails may be due right away.
func (w *Worker) runOnce(ctx context.Context) (sent int, full bool, err error) {
	if w.Store == nil || w.Sender == nil {
		return 0, false, errors.New("mail worker: Store and Sender are required")
	}
	from, err := w.from()
	if err != nil {
		return 0, false, err
	}
	lease, batch := w.lease(), w.batch()
	claimedAt := w.now()
	mails, err := w.Store.ClaimMails(ctx, claimedAt, lease, batch)
	if err != nil {
		return 0, false, fmt.Errorf("claim mails: %w", err)
	}
	// Start no send that might outlast the claim: once the lease runs out
	// another worker may claim the same mail, and both would send it.
	margin := w.Sender.cfg.timeout()
	if margin > lease/2 {
		margin = lease / 2
	}
	stopAt := claimedAt.Add(lease - margin)

	for i, m := range mails {
		if ctx.Err() != nil {
			// The rest stay claimed until their lease runs out, then
			// become due again.
			return sent, false, ctx.Err()
		}
		if w.now().After(stopAt) {
			w.log().Warn("mail batch took too long; leaving the rest for the next claim", "left", len(mails)-i)
			return sent, false, nil
		}
		err := w.deliver(ctx, from, m)
		if err == nil {
			if err := w.mark(ctx, func(ctx context.Context) error { return w.Store.MarkMailSent(ctx, m.ID, w.now()) }); err != nil {
				return sent, false, fmt.Errorf("mark mail %d sent: %w", m.ID, err)
			}
			sent++
			w.log().Info("mail sent", "outbox", m.ID, "template", m.Template)
			continue
		}
		if ctx.Err() != nil {
			// Our own shutdown, not the mail's fault: count no attempt;
			// the claim runs out and the mail is tried again.
			return sent, false, ctx.Err()
		}
		var se *SendError
		switch {
		case !errors.As(err, &se):
			// Rendering or the address failed: no retry can fix that.
			if err := w.fail(ctx, m, err, true); err != nil {
				return sent, false, err
			}
		case !se.MessageLevel():
			// The server or the configuration failed, and so would every
			// other mail: record the failure for the whole batch.
			w.log().Error("mail server failed; postponing the batch", "mails", len(mails)-i, "error", err)
			for _, rest := range mails[i:] {
				if err := w.fail(ctx, rest, err, false); err != nil {
					return sent, false, err
				}
			}
			return sent, false, nil
		default:
			if err := w.fail(ctx, m, err, IsPermanent(err)); err != nil {
				return sent, false, err
			}
		}
	}
	return sent, len(mails) == batch, nil
}

// deliver renders m and sends it. An error that is not a *SendError is a
// rendering or address problem, which no retry can fix.
func (w *Worker) deliver(ctx context.Context, from mail.Address, m *backend.OutboxMail) error {
	subject, body, err := Render(m)
	if err != nil {
		return err
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("recipient: %w", ErrInvalidAddress) // no address in logs
	}
	msg := &Message{
		OutboxID: m.ID,
		From:     from,
		To:       mail.Address{Name: m.Data["name"], Address: to.Address},
		Subject:  subject,
		Body:     body,
		Date:     w.now(),
	}
	data, err := msg.Bytes()
	if err != nil {
		return err
	}
	return w.Sender.Send(ctx, to.Address, data)
}

// fail records a failed attempt at m: retried after Backoff, or given up
// when permanent or out of attempts.
func (w *Worker) fail(ctx context.Context, m *backend.OutboxMail, cause error, permanent bool) error {
	attempt := m.Attempts + 1
	giveUp := permanent || attempt >= w.maxAttempts()
	next := w.now().Add(Backoff(attempt))
	text := cause.Error()
	if len(text) > maxErrorText {
		text = text[:maxErrorText]
	}
	if err := w.mark(ctx, func(ctx context.Context) error { return w.Store.MarkMailFailed(ctx, m.ID, text, next, giveUp) }); err != nil {
		return fmt.Errorf("mark mail %d failed: %w", m.ID, err)
	}
	if giveUp {
		w.log().Error("mail given up", "outbox", m.ID, "template", m.Template, "attempt", attempt, "error", cause)
	} else {
		w.log().Warn("mail failed; will retry", "outbox", m.ID, "template", m.Template, "attempt", attempt, "retry", next, "error", cause)
	}
	return nil
}

// mark records a result even if ctx is cancelled (a shutdown right after
// a send must still record it), bounded by markTimeout.
func (w *Worker) mark(ctx context.Context, fn func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	return fn(ctx)
}

// Run sends the outbox until ctx ends: a batch, then, unless the batch
// was full, a wait for wake (e.g. the store's Subscribe channel, or a
// signal after enqueueing), the poll interval or the end of ctx. The poll
// picks up retries that come due and mails other processes enqueued.
// It returns ctx's error.
func (w *Worker) Run(ctx context.Context, wake <-chan struct{}) error {
	timer := time.NewTimer(w.poll())
	defer timer.Stop()
	for {
		_, full, err := w.runOnce(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			w.log().Error("mail outbox", "error", err)
		}
		if full && err == nil {
			continue
		}
		timer.Reset(w.poll())
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wake:
		case <-timer.C:
		}
	}
}

// from returns the From header: w.From, else the Sender's. A bad w.From
// is the worker's error, not any mail's, so it claims nothing.
func (w *Worker) from() (mail.Address, error) {
	if w.From == "" {
		return w.Sender.From(), nil
	}
	a, err := parseFrom(w.From)
	if err != nil {
		return mail.Address{}, fmt.Errorf("mail worker: %w", err)
	}
	return *a, nil
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Worker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

func (w *Worker) lease() time.Duration {
	if w.Lease > 0 {
		return w.Lease
	}
	return DefaultLease
}

func (w *Worker) batch() int {
	if w.Batch > 0 {
		return w.Batch
	}
	return DefaultBatch
}

func (w *Worker) maxAttempts() int {
	if w.MaxAttempts > 0 {
		return w.MaxAttempts
	}
	return DefaultMaxAttempts
}

func (w *Worker) poll() time.Duration {
	if w.Poll > 0 {
		return w.Poll
	}
	return DefaultPoll
}

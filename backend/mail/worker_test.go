package mail_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"ideenmarkt/backend"
	"ideenmarkt/backend/mail"
	"ideenmarkt/backend/mail/smtptest"
	"ideenmarkt/backend/sqlite"
)

// The worker is tested against the real SQLite store and a real SMTP
// server on loopback: claims, leases and retries are the store's and the
// worker's behaviour together.

// clock is the worker's injected time, moved on by the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2031, 3, 1, 8, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer collects log output from concurrent workers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// outboxEnv is a store with one registration to hang mails on (so that
// FindMails can show their state), an SMTP server and the worker's log.
type outboxEnv struct {
	store *sqlite.Store
	srv   *smtptest.Server
	clock *clock
	regID int64
	log   *syncBuffer
	seq   int
}

// secretToken is part of every link; it must never reach the log.
const secretToken = "Zk3v9QmR2xPqGEHEIM"

func newOutboxEnv(t *testing.T, opts ...smtptest.Option) *outboxEnv {
	t.Helper()
	ctx := t.Context()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	now := time.Now().UTC().Truncate(time.Microsecond)
	conf := &backend.Conference{
		Slug: "mail", Title: "Ideenkonferenz Grünflächen 2031", StartsAt: now.Add(30 * 24 * time.Hour), EndsAt: now.Add(30*24*time.Hour + 8*time.Hour),
		Venue: "Rathaus", Capacity: 100, Phase: backend.PhaseDraft, JoinCode: backend.NewJoinCode(),
		Topics: []string{}, Departments: []string{}, Anonymity: backend.AnonymityAllowed, CreatedAt: now, UpdatedAt: now,
	}
	if err := store.CreateConference(ctx, conf); err != nil {
		t.Fatalf("create conference: %v", err)
	}
	reg := &backend.Registration{
		ConferenceID: conf.ID, TokenHash: "hash", TicketCode: "K7Q-4XP", Name: "Jürgen Groß", Email: rcpt,
		Locale: "de", Status: backend.RegistrationPending, CreatedAt: now, UpdatedAt: now,
	}
	if err := store.ChangeRegistrations(ctx, conf.ID, func(tx backend.RegistrationTx) error { return tx.Create(reg) }); err != nil {
		t.Fatalf("create registration: %v", err)
	}
	env := &outboxEnv{store: store, srv: smtptest.Start(t, opts...), clock: newClock(), regID: reg.ID, log: &syncBuffer{}}
	t.Cleanup(func() {
		// Whatever happened, the log holds no personal data or tokens.
		logs := env.log.String()
		if testing.Verbose() {
			t.Logf("worker log:\n%s", logs)
		}
		for _, secret := range []string{secretToken, "Jürgen", "Groß", "erika", "mustermann", "Ideenkonferenz", "kein-at"} {
			if strings.Contains(strings.ToLower(logs), strings.ToLower(secret)) {
				t.Errorf("the worker log contains %q:\n%s", secret, logs)
			}
		}
	})
	return env
}

// worker returns a worker on env's store, server and clock.
func (e *outboxEnv) worker(t *testing.T, username, password string) *mail.Worker {
	return &mail.Worker{
		Store:  e.store,
		Sender: senderFor(t, e.srv, "none", username, password),
		Now:    e.clock.Now,
		Log:    slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}

// enqueue stores a mail for the registration, due now, and returns it.
func (e *outboxEnv) enqueue(t *testing.T, template, to string) *backend.OutboxMail {
	t.Helper()
	return e.enqueueAt(t, template, to, e.clock.Now())
}

// enqueueAt stores a mail for the registration, due at due.
func (e *outboxEnv) enqueueAt(t *testing.T, template, to string, due time.Time) *backend.OutboxMail {
	t.Helper()
	e.seq++
	m := &backend.OutboxMail{
		RegistrationID: e.regID,
		To:             to,
		Locale:         "de",
		Template:       template,
		Data: map[string]string{
			"name": "Jürgen Groß", "conference": "Ideenkonferenz Grünflächen 2031", "date": "13. März 2031",
			"link": fmt.Sprintf("https://ideen.stadt.example/anmeldung/t/%s%d", secretToken, e.seq),
		},
		CreatedAt:     e.clock.Now(),
		NextAttemptAt: due,
	}
	if err := e.store.EnqueueMail(t.Context(), m); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	if m.ID == 0 {
		t.Fatal("enqueue set no id")
	}
	return m
}

// mail returns the stored state of the outbox row id.
func (e *outboxEnv) mail(t *testing.T, id int64) *backend.OutboxMail {
	t.Helper()
	ms, err := e.store.FindMails(t.Context(), e.regID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("mail %d not found", id)
	return nil
}

func runOnce(t *testing.T, w *mail.Worker, wantSent int) {
	t.Helper()
	sent, err := w.RunOnce(t.Context())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	if sent != wantSent {
		t.Fatalf("RunOnce sent %d, want %d", sent, wantSent)
	}
}

// messageIDs returns the Message-IDs the server accepted, in order.
func messageIDs(srv *smtptest.Server) []string {
	var ids []string
	for _, m := range srv.Messages() {
		ids = append(ids, m.Header.Get("Message-ID"))
	}
	return ids
}

func TestWorkerSendsDueMailsOnce(t *testing.T) {
	env := newOutboxEnv(t)
	w := env.worker(t, "", "")
	var due []*backend.OutboxMail
	for _, tmpl := range []string{mail.TemplateRegistrationConfirm, mail.TemplateRegistrationWaitlisted, mail.TemplateRegistrationLink} {
		due = append(due, env.enqueue(t, tmpl, rcpt))
	}
	later := env.enqueueAt(t, mail.TemplateWaitlistOffer, rcpt, env.clock.Now().Add(time.Hour))

	runOnce(t, w, 3)
	var want []string
	for _, m := range due {
		want = append(want, mail.MessageID(m.ID, "noreply@stadt.example"))
	}
	if got := messageIDs(env.srv); !slices.Equal(got, want) {
		t.Fatalf("sent Message-IDs %v, want %v", got, want)
	}
	msgs := env.srv.Messages()
	if m := msgs[0]; m.Subject != "Bitte bestätigen Sie Ihre Anmeldung: Ideenkonferenz Grünflächen 2031" ||
		!strings.Contains(m.Body, "https://ideen.stadt.example/anmeldung/t/"+secretToken+"1") ||
		!strings.Contains(m.Header.Get("To"), rcpt) || m.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("first message: subject %q, To %q, body:\n%s", m.Subject, m.Header.Get("To"), m.Body)
	}
	for _, m := range due {
		if got := env.mail(t, m.ID); got.SentAt == nil || !got.SentAt.Equal(env.clock.Now()) || got.ClaimedUntil != nil || got.Attempts != 0 {
			t.Errorf("mail %d after sending: sent %v, claimed %v, attempts %d", m.ID, got.SentAt, got.ClaimedUntil, got.Attempts)
		}
	}

	// Nothing is sent twice, and the mail due later waits.
	runOnce(t, w, 0)
	env.clock.Advance(59 * time.Minute)
	runOnce(t, w, 0)
	env.clock.Advance(time.Minute)
	runOnce(t, w, 1)
	runOnce(t, w, 0)
	if n, a := len(env.srv.Messages()), env.srv.Attempts(); n != 4 || a != 4 {
		t.Errorf("%d messages, %d attempts at the server; want 4 and 4", n, a)
	}
	if got := env.mail(t, later.ID); got.SentAt == nil {
		t.Error("the later mail was not sent when due")
	}
}

func TestWorkerRetriesTemporaryFailure(t *testing.T) {
	env := newOutboxEnv(t, smtptest.WithFailures(1, 451))
	w := env.worker(t, "", "")
	m := env.enqueue(t, mail.TemplateRegistrationConfirm, rcpt)
	start := env.clock.Now()

	runOnce(t, w, 0)
	got := env.mail(t, m.ID)
	if got.Attempts != 1 || got.FailedAt != nil || got.SentAt != nil || !strings.Contains(got.LastError, "451") ||
		!got.NextAttemptAt.Equal(start.Add(time.Minute)) || got.ClaimedUntil != nil {
		t.Fatalf("after a 451: attempts %d, failed %v, sent %v, error %q, next %v (want %v), claimed %v",
			got.Attempts, got.FailedAt, got.SentAt, got.LastError, got.NextAttemptAt, start.Add(time.Minute), got.ClaimedUntil)
	}

	// Not before the backoff has passed.
	runOnce(t, w, 0)
	env.clock.Advance(59 * time.Second)
	runOnce(t, w, 0)
	if a := env.srv.Attempts(); a != 1 {
		t.Fatalf("retried before the backoff: %d attempts", a)
	}
	env.clock.Advance(time.Second)
	runOnce(t, w, 1)
	if got := env.mail(t, m.ID); got.SentAt == nil || got.Attempts != 1 {
		t.Errorf("after the retry: sent %v, attempts %d", got.SentAt, got.Attempts)
	}
	if ids := messageIDs(env.srv); len(ids) != 1 || ids[0] != mail.MessageID(m.ID, "noreply@stadt.example") {
		t.Errorf("accepted messages %v", ids)
	}
}

func TestWorkerBackoffAndMaxAttempts(t *testing.T) {
	env := newOutboxEnv(t, smtptest.WithFailures(100, 421))
	w := env.worker(t, "", "")
	w.MaxAttempts = 4
	m := env.enqueue(t, mail.TemplateRegistrationLink, rcpt)
	for attempt, wait := range []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute} {
		runOnce(t, w, 0)
		got := env.mail(t, m.ID)
		if got.Attempts != attempt+1 || got.FailedAt != nil || !got.NextAttemptAt.Equal(env.clock.Now().Add(wait)) {
			t.Fatalf("after attempt %d: attempts %d, failed %v, next in %v (want %v)",
				attempt+1, got.Attempts, got.FailedAt, got.NextAttemptAt.Sub(env.clock.Now()), wait)
		}
		env.clock.Advance(wait)
	}
	runOnce(t, w, 0) // the fourth attempt is the last
	if got := env.mail(t, m.ID); got.Attempts != 4 || got.FailedAt == nil {
		t.Fatalf("after MaxAttempts: attempts %d, failed %v", got.Attempts, got.FailedAt)
	}
	env.clock.Advance(24 * time.Hour)
	runOnce(t, w, 0)
	if a := env.srv.Attempts(); a != 4 {
		t.Errorf("%d attempts at the server, want 4", a)
	}

	for attempt, want := range map[int]time.Duration{1: time.Minute, 2: 5 * time.Minute, 3: 15 * time.Minute, 4: time.Hour, 5: 3 * time.Hour, 6: 6 * time.Hour, 7: 6 * time.Hour, 20: 6 * time.Hour} {
		if got := mail.Backoff(attempt); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", attempt, got, want)
		}
	}
}

func TestWorkerGivesUpOnPermanentFailure(t *testing.T) {
	env := newOutboxEnv(t, smtptest.WithFailures(1, 550))
	w := env.worker(t, "", "")
	bad := env.enqueue(t, mail.TemplateRegistrationConfirmed, rcpt)
	good := env.enqueue(t, mail.TemplateRegistrationConfirmed, rcpt)

	runOnce(t, w, 1) // the 550 is the first mail's own: the second still goes out
	got := env.mail(t, bad.ID)
	if got.Attempts != 1 || got.FailedAt == nil || got.SentAt != nil || !strings.Contains(got.LastError, "550") {
		t.Fatalf("after a 550: attempts %d, failed %v, sent %v, error %q", got.Attempts, got.FailedAt, got.SentAt, got.LastError)
	}
	if env.mail(t, good.ID).SentAt == nil {
		t.Error("the mail after the rejected one was not sent")
	}
	env.clock.Advance(7 * 24 * time.Hour)
	runOnce(t, w, 0)
	if a := env.srv.Attempts(); a != 2 {
		t.Errorf("%d attempts at the server, want 2 (no retry after a 550)", a)
	}
}

func TestWorkerGivesUpUnsendableMails(t *testing.T) {
	env := newOutboxEnv(t)
	w := env.worker(t, "", "")
	unknown := env.enqueue(t, "registration_unknown", rcpt)
	invalid := env.enqueue(t, mail.TemplateRegistrationLink, "kein-at")
	ok := env.enqueue(t, mail.TemplateRegistrationLink, rcpt)

	runOnce(t, w, 1)
	for _, m := range []*backend.OutboxMail{unknown, invalid} {
		if got := env.mail(t, m.ID); got.FailedAt == nil || got.Attempts != 1 || got.LastError == "" {
			t.Errorf("mail %d (%s to %q): failed %v, attempts %d, error %q", m.ID, m.Template, m.To, got.FailedAt, got.Attempts, got.LastError)
		}
	}
	if got := env.mail(t, ok.ID); got.SentAt == nil {
		t.Error("the valid mail was not sent")
	}
	if a := env.srv.Attempts(); a != 1 {
		t.Errorf("%d attempts at the server, want 1", a)
	}
}

// TestWorkerServerProblemsPostponeTheBatch checks that a failure of the
// server or configuration, even a permanent one like a wrong password,
// postpones every mail of the batch instead of giving any up.
func TestWorkerServerProblemsPostponeTheBatch(t *testing.T) {
	t.Run("wrong password", func(t *testing.T) {
		env := newOutboxEnv(t, smtptest.WithAuth("ideenmarkt", "geheim"))
		w := env.worker(t, "ideenmarkt", "falsch")
		a := env.enqueue(t, mail.TemplateRegistrationConfirm, rcpt)
		b := env.enqueue(t, mail.TemplateRegistrationConfirm, rcpt)
		runOnce(t, w, 0)
		for _, m := range []*backend.OutboxMail{a, b} {
			got := env.mail(t, m.ID)
			if got.FailedAt != nil || got.Attempts != 1 || !strings.Contains(got.LastError, "535") || !got.NextAttemptAt.Equal(env.clock.Now().Add(time.Minute)) {
				t.Errorf("mail %d: failed %v, attempts %d, error %q, next %v", m.ID, got.FailedAt, got.Attempts, got.LastError, got.NextAttemptAt)
			}
		}
		// Fixed by the operator: the retry sends both.
		env.clock.Advance(time.Minute)
		runOnce(t, env.worker(t, "ideenmarkt", "geheim"), 2)
	})
	t.Run("server down", func(t *testing.T) {
		env := newOutboxEnv(t)
		w := env.worker(t, "", "")
		env.srv.Close()
		var ms []*backend.OutboxMail
		for range 3 {
			ms = append(ms, env.enqueue(t, mail.TemplateRegistrationLink, rcpt))
		}
		runOnce(t, w, 0)
		for _, m := range ms {
			if got := env.mail(t, m.ID); got.FailedAt != nil || got.Attempts != 1 || got.ClaimedUntil != nil {
				t.Errorf("mail %d: failed %v, attempts %d, claimed %v", m.ID, got.FailedAt, got.Attempts, got.ClaimedUntil)
			}
		}
	})
}

// TestWorkerCrashedClaim checks that a mail claimed by a worker that died
// before recording the result waits for the lease, and is then sent.
func TestWorkerCrashedClaim(t *testing.T) {
	env := newOutboxEnv(t)
	m := env.enqueue(t, mail.TemplateRegistrationConfirm, rcpt)
	claimed, err := env.store.ClaimMails(t.Context(), env.clock.Now(), mail.DefaultLease, 10)
	if err != nil || len(claimed) != 1 || claimed[0].ID != m.ID {
		t.Fatalf("crashed worker's claim: %v, %v", claimed, err)
	}
	// ...and the worker crashes here, without sending or marking.

	w := env.worker(t, "", "")
	runOnce(t, w, 0)
	env.clock.Advance(mail.DefaultLease - time.Second)
	runOnce(t, w, 0)
	if a := env.srv.Attempts(); a != 0 {
		t.Fatalf("sent while another worker's claim held (%d attempts)", a)
	}
	env.clock.Advance(time.Second)
	runOnce(t, w, 1)
	runOnce(t, w, 0)
	if ids := messageIDs(env.srv); !slices.Equal(ids, []string{mail.MessageID(m.ID, "noreply@stadt.example")}) {
		t.Errorf("accepted messages %v", ids)
	}
}

// TestWorkerStopsBeforeTheLeaseRunsOut checks that a slow batch leaves the
// mails it cannot finish within its claim for the next claim, rather than
// sending them after another worker may have claimed them.
func TestWorkerStopsBeforeTheLeaseRunsOut(t *testing.T) {
	env := newOutboxEnv(t)
	var ms []*backend.OutboxMail
	for range 3 {
		ms = append(ms, env.enqueue(t, mail.TemplateRegistrationLink, rcpt))
	}
	w := env.worker(t, "", "")
	w.Lease = 10 * time.Second // the Sender's timeout is 5 s: no send may start after 5 s
	// Every look at the clock takes 3 s: the first mail goes out, then the
	// batch has used up its margin.
	w.Now = func() time.Time { env.clock.Advance(3 * time.Second); return env.clock.Now() }
	sent, err := w.RunOnce(t.Context())
	if err != nil || sent < 1 || sent >= len(ms) {
		t.Fatalf("RunOnce sent %d (%v), want at least one but not all", sent, err)
	}
	// After the lease, the rest go out, each exactly once.
	w.Now = env.clock.Now
	env.clock.Advance(w.Lease)
	runOnce(t, w, len(ms)-sent)
	if got := len(env.srv.Messages()); got != len(ms) {
		t.Errorf("%d messages, want %d", got, len(ms))
	}
}

// TestWorkersConcurrently runs two workers on one store until the outbox
// is empty and counts at the server that every mail went out once.
func TestWorkersConcurrently(t *testing.T) {
	env := newOutboxEnv(t)
	env.clock = &clock{t: time.Now().UTC()} // the workers run on real time
	const n = 60
	want := map[string]bool{}
	for range n {
		m := env.enqueue(t, mail.TemplateRegistrationLink, rcpt)
		want[mail.MessageID(m.ID, "noreply@stadt.example")] = true
	}
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		w := env.worker(t, "", "")
		w.Now = nil // real time: the two claim and send truly interleaved
		w.Batch = 4
		w.Poll = 10 * time.Millisecond
		wg.Go(func() { errs[i] = w.Run(ctx, nil) })
	}
	if _, err := env.srv.WaitFor(waitCtx(t), rcpt, n); err != nil {
		t.Error(err)
	}
	time.Sleep(100 * time.Millisecond) // several more polls: nothing more may go out
	cancel()
	wg.Wait()
	for i, err := range errs {
		if err != context.Canceled {
			t.Errorf("worker %d: Run returned %v, want context.Canceled", i, err)
		}
	}
	got := map[string]int{}
	for _, id := range messageIDs(env.srv) {
		got[id]++
	}
	for id, k := range got {
		if k != 1 || !want[id] {
			t.Errorf("Message-ID %s sent %d times (expected: %v)", id, k, want[id])
		}
	}
	if len(got) != n || env.srv.Attempts() != n {
		t.Errorf("%d distinct messages, %d attempts; want %d and %d", len(got), env.srv.Attempts(), n, n)
	}
}

func TestWorkerRunWakesUp(t *testing.T) {
	env := newOutboxEnv(t)
	w := env.worker(t, "", "")
	w.Poll = time.Hour // only the wake-up can make it send
	wake := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, wake) }()

	for i := 1; i <= 3; i++ {
		env.enqueue(t, mail.TemplateRegistrationLink, rcpt)
		wake <- struct{}{}
		if _, err := env.srv.WaitFor(waitCtx(t), rcpt, i); err != nil {
			t.Fatalf("mail %d after a wake-up: %v", i, err)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != context.Canceled {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context was cancelled")
	}
}

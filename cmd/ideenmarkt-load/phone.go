package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Phone behaviour: how often a failed step is tried, and how long a phone
// waits for the server before it gives up.
const (
	connectAttempts = 3                // per ramp step (a phone on bad Wi-Fi tries again)
	ballotRetries   = 5                // extra attempts of a ballot after a network error
	snapshotTimeout = 15 * time.Second // subscribe → snapshot
	idleReadTimeout = 90 * time.Second // the server sends a heartbeat at least every 20 s
)

// fleet is what all phones share: the websocket dialer, the frame counters
// and the record of disconnects.
type fleet struct {
	base    string
	wsURL   string
	tr      http.RoundTripper
	timeout time.Duration // of each HTTP request
	dialer  *websocket.Dialer
	start   time.Time // the run's clock: every time is a duration since start
	slug    string
	joinKey string
	topic   string

	frames  atomic.Int64 // frames received by all phones
	bytes   atomic.Int64
	closing atomic.Bool // set before we close the sockets ourselves

	mu          sync.Mutex
	disconnects map[string]int // close code (or "1006 <error>") → phones
}

func newFleet(base string, tr http.RoundTripper, timeout time.Duration, start time.Time, conf conference, roundID int64) *fleet {
	return &fleet{
		base:    base,
		timeout: timeout,
		wsURL:   "ws" + strings.TrimPrefix(base, "http") + "/api/v1/live",
		tr:      tr,
		// Small buffers: 10,000 of them live in this process too. A frame
		// larger than the read buffer is simply read in several pieces.
		dialer: &websocket.Dialer{
			NetDialContext:   (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
			HandshakeTimeout: 10 * time.Second,
			ReadBufferSize:   1024,
			WriteBufferSize:  256,
			WriteBufferPool:  &sync.Pool{},
		},
		start:       start,
		slug:        conf.Slug,
		joinKey:     conf.JoinCode,
		topic:       "round:" + strconv.FormatInt(roundID, 10),
		disconnects: map[string]int{},
	}
}

func (f *fleet) now() time.Duration { return time.Since(f.start) }

// disconnected records why a socket ended, unless we ended it.
func (f *fleet) disconnected(err error) {
	if f.closing.Load() {
		return
	}
	key := "1006 " + err.Error()
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		key = strconv.Itoa(ce.Code)
	}
	f.mu.Lock()
	f.disconnects[key]++
	f.mu.Unlock()
}

// phone is one participant's browser: its cookies, its websocket, and its
// one ballot.
type phone struct {
	idx     int
	api     *apiClient
	conn    *websocket.Conn
	connect time.Duration // from the first request to the snapshot
	err     error         // why the ramp failed for this phone
	ballot  ballotRecord
}

// dial runs the ramp for one phone: load the app (CSRF cookie), join with
// the code, open the websocket with the phone's cookies, subscribe to the
// round and wait for its snapshot. Then a goroutine keeps reading.
func (p *phone) dial(ctx context.Context, f *fleet) error {
	t0 := time.Now()
	var err error
	if p.api, err = newAPIClient(f.base, f.tr, f.timeout); err != nil {
		return err
	}
	if err := retry(ctx, connectAttempts, func() error { return p.api.fetchCSRF(ctx) }); err != nil {
		return fmt.Errorf("load app: %w", err)
	}
	join := map[string]string{"code": f.joinKey, "displayName": "Telefon " + strconv.Itoa(p.idx+1)}
	if err := retry(ctx, connectAttempts, func() error {
		_, err := p.api.do(ctx, http.MethodPost, "/api/v1/conferences/"+f.slug+"/join", join, nil)
		return err
	}); err != nil {
		return fmt.Errorf("join: %w", err)
	}
	if err := retry(ctx, connectAttempts, func() error { return p.subscribe(ctx, f) }); err != nil {
		return err
	}
	p.connect = time.Since(t0)
	go p.read(f)
	return nil
}

// subscribe opens the websocket and waits for the round's snapshot.
func (p *phone) subscribe(ctx context.Context, f *fleet) error {
	conn, err := openSocket(ctx, f.dialer, f.wsURL, p.api)
	if err != nil {
		return err
	}
	if err := awaitSnapshot(conn, f.topic, false); err != nil {
		conn.Close()
		var refused *refusedError
		if errors.As(err, &refused) {
			return noRetry{err}
		}
		return err
	}
	p.conn = conn
	return nil
}

// read counts the frames the server pushes; a phone only needs to know
// that they came (their content is the presenter's business).
func (p *phone) read(f *fleet) {
	for {
		_ = p.conn.SetReadDeadline(time.Now().Add(idleReadTimeout))
		_, r, err := p.conn.NextReader()
		if err != nil {
			f.disconnected(err)
			return
		}
		n, _ := io.Copy(io.Discard, r)
		f.frames.Add(1)
		f.bytes.Add(n)
	}
}

// openSocket dials /api/v1/live with the client's cookies. Like the load
// generator's other clients it sends no Origin, as a non-browser client.
func openSocket(ctx context.Context, d *websocket.Dialer, wsURL string, api *apiClient) (*websocket.Conn, error) {
	var cookies []string
	for _, ck := range api.jar.Cookies(api.base) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	h := http.Header{}
	if len(cookies) > 0 {
		h.Set("Cookie", strings.Join(cookies, "; "))
	}
	conn, resp, err := d.DialContext(ctx, wsURL, h)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("open websocket: %s: %w", resp.Status, err)
		}
		return nil, fmt.Errorf("open websocket: %w", err)
	}
	return conn, nil
}

// liveMessage is the envelope of every server frame.
type liveMessage struct {
	Type    string `json:"type"`
	Topic   string `json:"topic"`
	Seq     int64  `json:"seq"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Data    struct {
		Ballots *int `json:"ballots"`
	} `json:"data"`
}

// refusedError is a subscribe the server answered with an error frame.
type refusedError struct{ code, msg string }

func (e *refusedError) Error() string { return "subscribe refused: " + e.code + ": " + e.msg }

// awaitSnapshot subscribes to topic and reads until its snapshot.
func awaitSnapshot(conn *websocket.Conn, topic string, presenter bool) error {
	sub := map[string]any{"type": "subscribe", "topic": topic}
	if presenter {
		sub["presenter"] = true
	}
	_ = conn.SetWriteDeadline(time.Now().Add(snapshotTimeout))
	if err := conn.WriteJSON(sub); err != nil {
		return fmt.Errorf("subscribe: %w", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(snapshotTimeout))
	defer conn.SetReadDeadline(time.Time{})
	for {
		_, b, err := conn.ReadMessage()
		if err != nil {
			return fmt.Errorf("await snapshot: %w", err)
		}
		var m liveMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("await snapshot: %w", err)
		}
		switch {
		case m.Type == "snapshot" && m.Topic == topic:
			return nil
		case m.Type == "error":
			return &refusedError{m.Code, m.Message}
		}
	}
}

// ballotRecord is one phone's ballot as the phone saw it. Times are
// durations since the run started.
type ballotRecord struct {
	Sent     time.Duration // first attempt
	Acked    time.Duration // the answer with 200/201; 0 if none
	Status   int
	Outcome  string // created, replaced, same; "" if not acknowledged
	Attempts int
	Err      string
}

// cast sends the phone's ballot with a fresh clientBallotId and retries with
// the same id after a network error (or a 5xx/429): the server stores a
// retried ballot once.
func (p *phone) cast(ctx context.Context, f *fleet, r round) {
	in := map[string]any{"clientBallotId": newUUID(), "values": ballotValues(r)}
	path := "/api/v1/rounds/" + strconv.FormatInt(r.ID, 10) + "/ballots"
	b := &p.ballot
	b.Sent = f.now()
	for b.Attempts < 1+ballotRetries {
		if b.Attempts > 0 {
			select {
			case <-ctx.Done():
				b.Err = ctx.Err().Error()
				return
			case <-time.After(backoff(b.Attempts)):
			}
		}
		b.Attempts++
		var rcpt struct {
			Outcome string `json:"outcome"`
		}
		status, err := p.api.do(ctx, http.MethodPost, path, in, &rcpt)
		b.Status = status
		if err == nil {
			b.Acked, b.Outcome, b.Err = f.now(), rcpt.Outcome, ""
			return
		}
		b.Err = err.Error()
		if !transient(err) {
			return
		}
	}
}

// ballotValues fills in a ballot the round accepts: one option (single), or
// 1…points points with at most maxPerOption on one option (dots).
func ballotValues(r round) map[string]int {
	v := map[string]int{}
	if r.Method != "dots" {
		v[strconv.Itoa(r.Options[mrand.IntN(len(r.Options))].ID)] = 1
		return v
	}
	points, per := max(r.Points, 1), max(r.MaxPerOption, 1)
	for left := 1 + mrand.IntN(points); left > 0; {
		id := strconv.Itoa(r.Options[mrand.IntN(len(r.Options))].ID)
		if v[id] < per {
			v[id]++
			left--
		}
	}
	return v
}

// noRetry marks an error that trying again cannot fix.
type noRetry struct{ error }

func (e noRetry) Unwrap() error { return e.error }

// retry runs fn up to attempts times while it fails transiently.
func retry(ctx context.Context, attempts int, fn func() error) error {
	var err error
	for i := range attempts {
		if i > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(backoff(i)):
			}
		}
		if err = fn(); !transient(err) {
			return err
		}
	}
	return err
}

// backoff is the pause before attempt n+1: 0.5 s doubling, as the SPA does,
// with jitter so that retries do not come back in lockstep.
func backoff(n int) time.Duration {
	d := 500 * time.Millisecond << min(n-1, 4)
	return d/2 + mrand.N(d/2+1)
}

// newUUID makes a random (version 4) UUID for clientBallotId.
func newUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// frame is one message the presenter received, with its receive time
// (since the run started) and the ballot count it showed.
type frame struct {
	At      time.Duration `json:"at"`
	Type    string        `json:"type"`
	Seq     int64         `json:"seq"`
	Ballots int           `json:"ballots"` // -1 when the frame carried none
	Bytes   int           `json:"bytes"`
}

// presenter is the projector: the organiser's browser subscribed with
// presenter: true, which the server updates up to 10 times a second. Every
// frame is kept, since vote-to-presenter latency is measured against them.
type presenter struct {
	conn    *websocket.Conn
	f       *fleet
	ballots atomic.Int64 // latest ballot count shown
	done    chan struct{}

	mu     sync.Mutex
	frames []frame
	closed string // why the socket ended, if not by us
}

// startPresenter opens the organiser's websocket, subscribes to the round
// as a presenter and starts recording.
func startPresenter(ctx context.Context, f *fleet, org *apiClient) (*presenter, error) {
	conn, err := openSocket(ctx, f.dialer, f.wsURL, org)
	if err != nil {
		return nil, err
	}
	p := &presenter{conn: conn, f: f, done: make(chan struct{})}
	p.ballots.Store(-1)
	sub := map[string]any{"type": "subscribe", "topic": f.topic, "presenter": true}
	if err := conn.WriteJSON(sub); err != nil {
		conn.Close()
		return nil, err
	}
	go p.read()
	deadline := time.Now().Add(snapshotTimeout)
	for p.ballots.Load() < 0 {
		if time.Now().After(deadline) {
			conn.Close()
			return nil, errors.New("presenter: no snapshot within " + snapshotTimeout.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	return p, nil
}

func (p *presenter) read() {
	defer close(p.done)
	for {
		_, b, err := p.conn.ReadMessage()
		at := p.f.now()
		if err != nil {
			if !p.f.closing.Load() {
				p.mu.Lock()
				p.closed = err.Error()
				p.mu.Unlock()
			}
			return
		}
		var m liveMessage
		fr := frame{At: at, Ballots: -1, Bytes: len(b)}
		if json.Unmarshal(b, &m) == nil {
			fr.Type, fr.Seq = m.Type, m.Seq
			if m.Data.Ballots != nil && m.Topic == p.f.topic {
				fr.Ballots = *m.Data.Ballots
			}
		}
		p.mu.Lock()
		p.frames = append(p.frames, fr)
		p.mu.Unlock()
		if fr.Ballots >= 0 {
			p.ballots.Store(int64(fr.Ballots))
		}
	}
}

// waitBallots waits until the presenter shows at least n ballots, or the
// timeout passes; it reports whether it got there.
func (p *presenter) waitBallots(n int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for p.ballots.Load() < int64(n) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// recorded returns a copy of the frames so far and why the socket closed.
func (p *presenter) recorded() ([]frame, string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]frame(nil), p.frames...), p.closed
}

func (p *presenter) close() {
	p.conn.Close()
	<-p.done
}

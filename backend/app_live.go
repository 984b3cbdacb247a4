package backend

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LivePublisher is the live hub as the feed sees it; backend/live implements
// it. Payloads are the latest state of a topic per view, already encoded.
type LivePublisher interface {
	Publish(topic, view string, payload []byte)
	Forget(topic string)
	Subscribed() []string
}

// Views of a live topic: what everyone may see, and what those who run the
// vote see (tallies of hidden rounds too). Hidden results are never part of
// a public payload, so they cannot reach a phone by mistake.
const (
	ViewPublic    = "public"
	ViewModerator = "moderator"
)

// Live feed cadence. Local ballots are counted at the next tick; rounds that
// other instances may be receiving ballots for are recounted every
// crossInstanceRefresh, which is also how participation counts follow joins.
const (
	liveTick             = 50 * time.Millisecond
	crossInstanceRefresh = 250 * time.Millisecond
	closerInterval       = time.Second
)

// LiveFeed turns the change feed and local ballots into payloads for the
// hub: round tallies, session agendas and a conference's open rounds.
type LiveFeed struct {
	app *App
	pub LivePublisher

	mu    sync.Mutex
	dirty map[int64]bool // rounds with local ballots since the last count
	wake  chan struct{}

	last        map[string][]byte    // "topic|view" → last published payload
	lastRefresh map[string]time.Time // round topic → when it was last counted
}

// StartLive connects the App to a hub; Run then keeps the hub fed.
func (a *App) StartLive(pub LivePublisher) *LiveFeed {
	f := &LiveFeed{app: a, pub: pub, dirty: map[int64]bool{}, wake: make(chan struct{}, 1), last: map[string][]byte{}, lastRefresh: map[string]time.Time{}}
	a.live = f
	return f
}

func (a *App) ballotCast(roundID int64) {
	if f := a.live; f != nil {
		f.mu.Lock()
		f.dirty[roundID] = true
		f.mu.Unlock()
	}
}

func (a *App) roundChanged(roundID int64) {
	a.rounds.clear()
	if f := a.live; f != nil {
		select {
		case f.wake <- struct{}{}:
		default:
		}
	}
}

// Run follows the change feed until ctx is done. It also closes rounds whose
// countdown ran out.
func (f *LiveFeed) Run(ctx context.Context) {
	cursor := f.latestSeq(ctx)
	changes, cancel := f.app.Store.Subscribe()
	defer cancel()
	tick := time.NewTicker(liveTick)
	defer tick.Stop()
	var lastClose time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-changes:
		case <-f.wake:
		}
		if time.Since(lastClose) >= closerInterval {
			lastClose = time.Now()
			if _, err := f.app.CloseDueRounds(ctx); err != nil && ctx.Err() == nil {
				slog.Warn("live: closing due rounds", "err", err)
			}
		}
		var err error
		if cursor, err = f.step(ctx, cursor); err != nil && ctx.Err() == nil {
			slog.Warn("live: refresh", "err", err)
		}
	}
}

// latestSeq skips the history: a new feed publishes current state on demand.
func (f *LiveFeed) latestSeq(ctx context.Context) int64 {
	var seq int64
	for ctx.Err() == nil {
		cs, err := f.app.Store.ChangesSince(ctx, seq, 1000)
		if err != nil || len(cs) == 0 {
			return seq
		}
		seq = cs[len(cs)-1].Seq
	}
	return seq
}

// step applies new changes and recounts the subscribed rounds that need it.
func (f *LiveFeed) step(ctx context.Context, cursor int64) (int64, error) {
	stale := map[string]bool{}
	for {
		cs, err := f.app.Store.ChangesSince(ctx, cursor, 500)
		if err != nil {
			return cursor, err
		}
		for _, c := range cs {
			cursor = c.Seq
			switch c.Entity {
			case EntityRound, EntitySession, EntityConference:
				f.app.rounds.clear() // perhaps another instance's change
			}
			if c.Entity == EntityConference {
				f.app.conferences.clear()
			}
			switch c.Entity {
			case EntityRound:
				stale["round:"+strconv.FormatInt(c.EntityID, 10)] = true
				if r, err := f.app.Store.FindRoundByID(ctx, c.EntityID); err == nil {
					stale["session:"+strconv.FormatInt(r.SessionID, 10)] = true
				}
				stale["conference:"+strconv.FormatInt(c.ConferenceID, 10)] = true
			case EntitySession:
				stale["session:"+strconv.FormatInt(c.EntityID, 10)] = true
				stale["conference:"+strconv.FormatInt(c.ConferenceID, 10)] = true
			case EntityConference:
				stale["conference:"+strconv.FormatInt(c.ConferenceID, 10)] = true
				stale["door:"+strconv.FormatInt(c.ConferenceID, 10)] = true // the venue limit
			case EntityRegistration:
				stale["door:"+strconv.FormatInt(c.ConferenceID, 10)] = true
			}
		}
		if len(cs) < 500 {
			break
		}
	}
	f.mu.Lock()
	dirty := f.dirty
	f.dirty = map[int64]bool{}
	f.mu.Unlock()

	now := time.Now()
	subscribed := map[string]bool{}
	for _, t := range f.pub.Subscribed() {
		subscribed[t] = true
		if strings.HasPrefix(t, "round:") {
			id, _ := strconv.ParseInt(t[len("round:"):], 10, 64)
			if dirty[id] || now.Sub(f.lastRefresh[t]) >= crossInstanceRefresh {
				stale[t] = true
			}
		}
	}
	for t := range stale {
		if !subscribed[t] {
			f.pub.Forget(t)
			f.forget(t)
			continue
		}
		if strings.HasPrefix(t, "round:") {
			f.lastRefresh[t] = now
		}
		payloads, err := f.app.livePayloads(ctx, t)
		if ErrorCode(err) == ENOTFOUND {
			gone := []byte(`{"gone":true}`)
			payloads, err = [2][]byte{gone, gone}, nil
		}
		if err != nil {
			return cursor, err
		}
		for i, view := range []string{ViewPublic, ViewModerator} {
			key := t + "|" + view
			if !bytes.Equal(f.last[key], payloads[i]) {
				f.last[key] = payloads[i]
				f.pub.Publish(t, view, payloads[i])
			}
		}
	}
	return cursor, nil
}

func (f *LiveFeed) forget(topic string) {
	delete(f.last, topic+"|"+ViewPublic)
	delete(f.last, topic+"|"+ViewModerator)
	delete(f.lastRefresh, topic)
}

// ParseTopic splits "round:12" into its kind and id.
func ParseTopic(topic string) (kind string, id int64, ok bool) {
	kind, rest, found := strings.Cut(topic, ":")
	if !found {
		return "", 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id <= 0 {
		return "", 0, false
	}
	switch kind {
	case "round", "session", "conference", "door":
		return kind, id, true
	}
	return "", 0, false
}

// Subscription is what an actor may receive of a topic.
type Subscription struct {
	View      string
	Presenter bool // may ask for the presenter rate (10 updates per second)
}

// AuthorizeTopic decides, when a client subscribes, whether the actor may
// follow topic, with which view (the moderator view only if asked for and
// allowed) and whether it may use the presenter rate.
func (a *App) AuthorizeTopic(ctx context.Context, actor Actor, topic string, wantModerator bool) (Subscription, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	kind, id, ok := ParseTopic(topic)
	if !ok {
		return Subscription{}, Errorf(EINVALID, "Unknown topic.")
	}
	var m Member
	var s *AgendaSession
	switch kind {
	case "round":
		rc, err := a.loadRound(ctx, actor, id)
		if err != nil {
			return Subscription{}, err
		}
		m, s = rc.member, rc.session
	case "session":
		var err error
		if _, m, s, err = a.sessionMember(ctx, actor, id); err != nil {
			return Subscription{}, err
		}
	case "conference":
		c, err := a.Store.FindConferenceByID(ctx, id)
		if ErrorCode(err) == ENOTFOUND {
			return Subscription{}, Errorf(ENOTFOUND, "Conference not found.")
		} else if err != nil {
			return Subscription{}, err
		}
		if m, err = a.member(ctx, actor, c); err != nil {
			return Subscription{}, err
		}
		if err := PermitVoting(m, c, ActViewRound, nil, nil); err != nil {
			return Subscription{}, err
		}
	case "door":
		c, err := a.Store.FindConferenceByID(ctx, id)
		if ErrorCode(err) == ENOTFOUND {
			return Subscription{}, Errorf(ENOTFOUND, "Conference not found.")
		} else if err != nil {
			return Subscription{}, err
		}
		if _, err := a.doorConference(ctx, actor, c.Slug); err != nil {
			return Subscription{}, err
		}
		return Subscription{View: ViewPublic}, nil // the headcount: one view, at the phone rate
	}
	sub := Subscription{View: ViewPublic, Presenter: m.Role >= MemberModerator}
	if wantModerator {
		if kind == "conference" || runsSession(m, s) != nil {
			return Subscription{}, Errorf(EFORBIDDEN, "Only the session's moderators may see hidden results.")
		}
		sub.View = ViewModerator
	}
	return sub, nil
}

// LivePayload is the hub's loader: the current state of a topic in a view.
func (a *App) LivePayload(ctx context.Context, topic, view string) ([]byte, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	p, err := a.livePayloads(ctx, topic)
	if err != nil {
		return nil, err
	}
	if view == ViewModerator {
		return p[1], nil
	}
	return p[0], nil
}

// liveRound is a round as pushed to clients.
type liveRound struct {
	Round    *Round   `json:"round"` // nil: not (or no longer) visible in this view
	Ballots  int      `json:"ballots"`
	Eligible int      `json:"eligible"`
	Results  *Results `json:"results"` // nil while hidden from this view
}

type liveSession struct {
	Session *AgendaSession `json:"session"`
	Rounds  []*Round       `json:"rounds"` // drafts only in the moderator view
}

type liveConference struct {
	OpenRounds []liveOpenRound `json:"openRounds"`
}

type liveOpenRound struct {
	ID           int64      `json:"id"`
	Title        string     `json:"title"`
	SessionID    int64      `json:"sessionId"`
	SessionTitle string     `json:"sessionTitle"`
	ClosesAt     *time.Time `json:"closesAt,omitempty"`
}

// livePayloads computes a topic's public and moderator payloads together,
// so that a round is counted once per refresh.
func (a *App) livePayloads(ctx context.Context, topic string) ([2][]byte, error) {
	var out [2][]byte
	kind, id, ok := ParseTopic(topic)
	if !ok {
		return out, Errorf(EINVALID, "Unknown topic.")
	}
	var public, moderator any
	switch kind {
	case "round":
		r, err := a.Store.FindRoundByID(ctx, id)
		if err != nil {
			return out, err
		}
		t, err := a.Store.TallyRound(ctx, id)
		if err != nil {
			return out, err
		}
		eligible, err := a.Store.CountActiveParticipants(ctx, r.ConferenceID)
		if err != nil {
			return out, err
		}
		res := ComputeResults(r, t, eligible)
		mod := liveRound{Round: r, Ballots: t.Ballots, Eligible: eligible, Results: res}
		pub := liveRound{}
		if r.State != RoundDraft {
			pub = liveRound{Round: r, Ballots: t.Ballots, Eligible: eligible}
			if r.ResultsPublic() {
				pub.Results = res
			}
		}
		public, moderator = pub, mod
	case "session":
		s, err := a.Store.FindAgendaSessionByID(ctx, id)
		if err != nil {
			return out, err
		}
		rounds, err := a.Store.FindRounds(ctx, id)
		if err != nil {
			return out, err
		}
		pub := liveSession{Session: s, Rounds: []*Round{}}
		for _, r := range rounds {
			if r.State != RoundDraft {
				pub.Rounds = append(pub.Rounds, r)
			}
		}
		public, moderator = pub, liveSession{Session: s, Rounds: rounds}
	case "door":
		d, err := a.doorPayload(ctx, id)
		if err != nil {
			return out, err
		}
		public, moderator = d, d
	default:
		open, err := a.Store.FindOpenRounds(ctx)
		if err != nil {
			return out, err
		}
		pub := liveConference{OpenRounds: []liveOpenRound{}}
		for _, r := range open {
			if r.ConferenceID != id {
				continue
			}
			s, err := a.Store.FindAgendaSessionByID(ctx, r.SessionID)
			if err != nil {
				return out, err
			}
			pub.OpenRounds = append(pub.OpenRounds, liveOpenRound{ID: r.ID, Title: r.Title, SessionID: s.ID, SessionTitle: s.Title, ClosesAt: r.ClosesAt})
		}
		public, moderator = pub, pub
	}
	var err error
	if out[0], err = json.Marshal(public); err != nil {
		return out, err
	}
	out[1], err = json.Marshal(moderator)
	return out, err
}

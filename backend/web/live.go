package web

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
	"ideenmarkt/backend/live"
)

// Limits of one live connection: what a phone needs, with room to spare, and
// bounded so that no client can make the server query without end.
const (
	maxLiveMessage       = 4 << 10 // a subscribe message is ~60 bytes
	maxLiveSubscriptions = 50
	liveSubscribeBurst   = 30 // subscribes allowed at once …
	liveSubscribeRefill  = time.Second / 2
	liveBufferSize       = 1 << 10 // per-connection read buffer; writes use a shared pool
)

// liveRequest is a message from a client (see docs/live-voting.md).
type liveRequest struct {
	Type      string `json:"type"`
	Topic     string `json:"topic"`
	View      string `json:"view"`
	Presenter bool   `json:"presenter"`
}

// liveUpgrade admits websocket upgrades from our own origin only. Browsers
// always send Origin on websockets, so another site cannot ride the
// visitor's cookies (cross-site websocket hijacking); non-browser clients
// (the load generator) send none.
func (s *Server) liveUpgrade(c *fiber.Ctx) error {
	if !websocket.IsWebSocketUpgrade(c) {
		return fiber.NewError(fiber.StatusUpgradeRequired, "This endpoint speaks websocket only.")
	}
	if s.opts.Hub == nil {
		return backend.Errorf(backend.EUNAVAILABLE, "Live updates are not available.")
	}
	if origin := c.Get(fiber.HeaderOrigin); origin != "" && origin != s.expectedOrigin(c) {
		return backend.Errorf(backend.EFORBIDDEN, "Cross-origin websocket refused.")
	}
	dropUnusedHeaders(c)
	return c.Next()
}

// upgradeHeaders are the request headers the websocket handshake reads.
// Lower case: fasthttp normalises header names.
var upgradeHeaders = map[string]bool{
	"host": true, "connection": true, "upgrade": true, "origin": true,
	"sec-websocket-key": true, "sec-websocket-version": true,
	"sec-websocket-extensions": true, "sec-websocket-protocol": true,
}

// dropUnusedHeaders removes cookies and every header the handshake does not
// read. The websocket middleware copies all of them into maps that live as
// long as the connection; the actor is already resolved, and at 10,000
// phones a browser's user agent, languages and cookies would cost about
// 1.5 KiB each for nothing.
func dropUnusedHeaders(c *fiber.Ctx) {
	h := &c.Request().Header
	h.DelAllCookies()
	var drop []string
	h.VisitAll(func(k, _ []byte) {
		if !upgradeHeaders[strings.ToLower(string(k))] {
			drop = append(drop, string(k))
		}
	})
	for _, k := range drop {
		h.Del(k)
	}
}

// newLiveHandler serves one websocket: it registers the connection with the
// hub and turns the client's subscribe messages into authorised
// subscriptions. The hub does the writing.
func (s *Server) newLiveHandler() fiber.Handler {
	pool := &sync.Pool{}
	return websocket.New(func(conn *websocket.Conn) {
		actor, _ := conn.Locals(actorKey).(backend.Actor)
		hub := s.opts.Hub
		wc := &wsConn{conn: conn, raw: conn.UnderlyingConn()}
		cl := hub.Register(wc, live.RatePhone)
		defer func() {
			hub.Unregister(cl)
			wc.release()
		}()
		conn.SetReadLimit(maxLiveMessage)
		subscribed := map[string]bool{}
		tokens, refilled := liveSubscribeBurst, time.Now()
		for {
			_, msg, err := conn.ReadMessage()
			if err != nil {
				return
			}
			var req liveRequest
			if json.Unmarshal(msg, &req) != nil {
				cl.SendError("", "invalid", "Not a JSON message.")
				continue
			}
			switch req.Type {
			case "unsubscribe":
				delete(subscribed, req.Topic)
				cl.Unsubscribe(req.Topic)
			case "subscribe":
				tokens += int(time.Since(refilled) / liveSubscribeRefill)
				refilled = time.Now()
				if tokens = min(tokens, liveSubscribeBurst); tokens == 0 {
					cl.SendError(req.Topic, backend.ERATELIMIT, "Too many subscriptions at once.")
					continue
				}
				tokens--
				if !subscribed[req.Topic] && len(subscribed) >= maxLiveSubscriptions {
					cl.SendError(req.Topic, backend.ERATELIMIT, "Too many topics on one connection.")
					continue
				}
				sub, err := s.app.AuthorizeTopic(context.Background(), actor, req.Topic, req.View == backend.ViewModerator)
				if err != nil {
					cl.SendError(req.Topic, backend.ErrorCode(err), backend.ErrorMessage(err))
					continue
				}
				if req.Presenter && sub.Presenter {
					cl.SetRate(live.RatePresenter)
				}
				subscribed[req.Topic] = true
				cl.Subscribe(req.Topic, sub.View)
			default:
				cl.SendError(req.Topic, backend.EINVALID, "Unknown message type.")
			}
		}
	}, websocket.Config{ReadBufferSize: liveBufferSize, WriteBufferSize: liveBufferSize, WriteBufferPool: pool, HandshakeTimeout: 10 * time.Second})
}

// wsConn adapts a websocket to the hub's Conn. Writes come from the hub's
// writers one at a time per client; mu guards against a Close racing them.
//
// The hub may still call Write or Close after the handler has returned (a
// writer that picked the client just before Unregister, or the shutdown of
// the hub). By then the websocket package has recycled conn for another
// connection, so after release only the raw socket captured at the start is
// touched, and only to close it.
type wsConn struct {
	conn *websocket.Conn
	raw  net.Conn
	mu   sync.Mutex
	done bool // the handler returned; conn is no longer ours
}

func (w *wsConn) Write(msg []byte, deadline time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return net.ErrClosed
	}
	if err := w.conn.SetWriteDeadline(deadline); err != nil {
		return err
	}
	return w.conn.WriteMessage(websocket.TextMessage, msg)
}

// Close sends the close frame if the connection is free to write, and closes
// the socket either way, which also ends the read loop.
func (w *wsConn) Close(code int, reason string) {
	if w.mu.TryLock() {
		if !w.done {
			w.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
		}
		w.mu.Unlock()
	}
	w.raw.Close()
}

// release ends the use of conn: it waits for a write in flight and turns
// later writes into errors. The handler calls it before returning.
func (w *wsConn) release() {
	w.mu.Lock()
	w.done = true
	w.mu.Unlock()
}

package live

import "time"

// Conn is one client connection as the transport (the web adapter, using
// gofiber/contrib/websocket) provides it. The hub never calls Write
// concurrently for one Conn, but Close may be called while a Write is in
// flight and should make that Write return.
type Conn interface {
	// Write sends one text message; it must return within the deadline (the
	// adapter sets the write deadline). msg is shared between clients and
	// must not be modified.
	Write(msg []byte, deadline time.Time) error
	// Close closes the connection with a websocket close code and reason.
	Close(code int, reason string)
}

// Rate is how often a connection may receive a flush.
type Rate int

const (
	RatePhone     Rate = iota // at most one flush per 500 ms
	RatePresenter             // at most one flush per 100 ms
)

// Close codes the client understands.
const (
	CloseSlow     = 4000 // "you fell behind; reconnect and resync"
	CloseShutdown = 4001 // server stopping; reconnect (to another instance) with backoff
)

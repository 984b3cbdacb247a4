package live

import (
	"runtime"
	"time"
)

// Options tune the hub; zero values take the defaults noted.
type Options struct {
	PhoneInterval     time.Duration // default 500ms
	PresenterInterval time.Duration // default 100ms
	// PhoneBudget bounds the phone messages per second of the whole hub
	// (default 10,000): 5,000 phones get PhoneInterval, 10,000 one update
	// per second each. Presenters are not part of it.
	PhoneBudget  int
	Heartbeat    time.Duration // default 20s: {"type":"hb"} to every client without other traffic in that time
	WriteTimeout time.Duration // default 5s: a single write may take this long
	MaxBehind    time.Duration // default 10s: a client whose writes keep it busy/behind this long is closed with CloseSlow
	Workers      int           // default 4*GOMAXPROCS: goroutines that write; no goroutine per connection
	// Loader is called (outside locks) on Subscribe when the hub holds no
	// payload for (topic, view) yet; an error is sent to the client as an
	// error message (see LoadError). A nil payload without error means
	// "nothing yet": the first Publish brings the snapshot.
	Loader func(topic, view string) ([]byte, error)
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.PhoneInterval, 500*time.Millisecond)
	def(&o.PresenterInterval, 100*time.Millisecond)
	def(&o.Heartbeat, 20*time.Second)
	def(&o.WriteTimeout, 5*time.Second)
	def(&o.MaxBehind, 10*time.Second)
	if o.PhoneBudget <= 0 {
		o.PhoneBudget = 10000
	}
	if o.Workers <= 0 {
		o.Workers = 4 * runtime.GOMAXPROCS(0)
	}
	return o
}

// LoadError lets a Loader choose the code and message a client sees. Any
// other Loader error reaches the client as code "unavailable" with a generic
// message, so internal details never leave the server.
type LoadError struct {
	Code    string
	Message string
}

func (e *LoadError) Error() string { return e.Code + ": " + e.Message }

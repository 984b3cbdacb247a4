package web

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// After the handler returned, the websocket package recycles the Conn for
// other connections; the hub may still call Write (a writer that picked the
// client just before Unregister) or Close (its shutdown). Neither may touch
// the recycled Conn: a nil one would crash the writer, a reused one would
// send this client's messages to someone else.
func TestWsConnAfterRelease(t *testing.T) {
	server, client := net.Pipe()
	defer client.Close()
	w := &wsConn{conn: nil, raw: server} // conn as releaseConn leaves it
	w.release()
	if err := w.Write([]byte(`{"type":"hb"}`), time.Now().Add(time.Second)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Write after release = %v, want net.ErrClosed", err)
	}
	w.Close(4001, "server stopping") // must not panic
	if _, err := server.Write([]byte("x")); !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("raw socket after Close: write = %v, want it closed", err)
	}
}

package web

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
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

// The websocket middleware keeps a copy of every request header and cookie
// for the life of the connection; the upgrade drops all but what the
// handshake reads.
func TestDropUnusedHeaders(t *testing.T) {
	f := fiber.New()
	f.Get("/", func(c *fiber.Ctx) error {
		dropUnusedHeaders(c)
		var kept []string
		c.Request().Header.VisitAll(func(k, _ []byte) { kept = append(kept, strings.ToLower(string(k))) })
		slices.Sort(kept)
		return c.SendString(strings.Join(kept, " ") + "|" + c.Cookies("ideenmarkt_session"))
	})
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	for k, v := range map[string]string{
		"Connection": "Upgrade", "Upgrade": "websocket", "Origin": "https://example.org",
		"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13",
		"Sec-WebSocket-Extensions": "permessage-deflate", "User-Agent": strings.Repeat("Mozilla ", 20),
		"Accept-Language": "de-DE,de;q=0.9,en;q=0.8", "Cookie": "ideenmarkt_session=secret; other=1",
	} {
		req.Header.Set(k, v)
	}
	res, err := f.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	want := "connection host origin sec-websocket-extensions sec-websocket-key sec-websocket-version upgrade|"
	if string(body) != want {
		t.Fatalf("kept %q, want %q", body, want)
	}
}

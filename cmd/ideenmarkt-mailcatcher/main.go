// Command ideenmarkt-mailcatcher is an SMTP server for development and the
// browser tests: it accepts every mail on loopback, keeps it in memory and
// lists it over HTTP, so that a registration's confirmation link can be
// followed without a real mail server.
//
//	ideenmarkt-mailcatcher -smtp 127.0.0.1:2525 -http 127.0.0.1:8025
//	IDEENMARKT_SMTP_HOST=127.0.0.1 IDEENMARKT_SMTP_PORT=2525 IDEENMARKT_SMTP_SECURITY=none \
//	IDEENMARKT_SMTP_FROM=noreply@ideenmarkt.local ideenmarkt serve
//
// GET /messages lists the mails, newest last, as JSON ({to, from, subject,
// text, receivedAt}); ?to=address keeps the mails to one address.
// DELETE /messages forgets them all.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"ideenmarkt/backend/mail/smtptest"
)

func main() {
	smtpAddr := flag.String("smtp", "127.0.0.1:2525", "SMTP address to accept mail on")
	httpAddr := flag.String("http", "127.0.0.1:8025", "HTTP address to list the mails on")
	flag.Parse()
	srv, err := smtptest.New(smtptest.WithAddr(*smtpAddr))
	if err != nil {
		log.Fatalf("mailcatcher: %v", err)
	}
	defer srv.Close()
	http.Handle("/messages", handler(srv))
	go func() {
		if err := http.ListenAndServe(*httpAddr, nil); err != nil {
			log.Fatalf("mailcatcher: %v", err)
		}
	}()
	fmt.Printf("mailcatcher: SMTP on %s, mails at http://%s/messages\n", srv.Addr(), *httpAddr)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
}

// message is a caught mail as JSON.
type message struct {
	From       string    `json:"from"`
	To         []string  `json:"to"`
	Subject    string    `json:"subject"`
	Text       string    `json:"text"`
	ReceivedAt time.Time `json:"receivedAt"`
}

func handler(srv *smtptest.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			to := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("to")))
			out := []message{}
			for _, m := range srv.Messages() {
				rcpts := make([]string, len(m.To))
				for i, a := range m.To {
					rcpts[i] = strings.ToLower(a)
				}
				if to != "" && !slices.Contains(rcpts, to) {
					continue
				}
				out = append(out, message{From: m.From, To: m.To, Subject: m.Subject, Text: m.Body, ReceivedAt: m.ReceivedAt})
			}
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(out)
		case http.MethodDelete:
			srv.Reset()
			w.WriteHeader(http.StatusNoContent)
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	})
}

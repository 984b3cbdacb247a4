package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"ideenmarkt/backend/mail"
	"ideenmarkt/backend/mail/smtptest"
)

// A mail sent over SMTP is listed over HTTP, filtered by recipient, and
// DELETE forgets it.
func TestCatchAndList(t *testing.T) {
	srv := smtptest.Start(t)
	web := httptest.NewServer(handler(srv))
	defer web.Close()
	sender, err := mail.NewSender(mail.Config{Host: srv.Host(), Port: srv.Port(), Security: mail.SecurityNone, From: "noreply@ideenmarkt.local"})
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("From: noreply@ideenmarkt.local\r\nTo: anna@stadt.example\r\nSubject: =?utf-8?q?Best=C3=A4tigung?=\r\n\r\nBitte bestätigen: http://x/r/abc\r\n")
	if err := sender.Send(context.Background(), "anna@stadt.example", msg); err != nil {
		t.Fatal(err)
	}
	list := func(query string) []message {
		resp, err := http.Get(web.URL + "/messages" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out []message
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := list("?to=Anna@Stadt.example"); len(got) != 1 || got[0].Subject != "Bestätigung" || got[0].Text == "" {
		t.Fatalf("to anna: %+v", got)
	}
	if got := list("?to=ben@stadt.example"); len(got) != 0 {
		t.Errorf("to ben: %+v, want none", got)
	}
	req, _ := http.NewRequest(http.MethodDelete, web.URL+"/messages", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE: %v %v", resp, err)
	}
	if got := list(""); len(got) != 0 {
		t.Errorf("after DELETE: %+v", got)
	}
}

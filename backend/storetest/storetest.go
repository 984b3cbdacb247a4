// Package storetest is the one contract suite every backend.Store must pass.
// Each engine's test calls Run with a function that opens a fresh, empty,
// migrated store; the suite asserts behaviour, error codes and concurrency
// through the interface only.
package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"ideenmarkt/backend"
)

// Opener returns a fresh, empty store; it registers its own cleanup on t.
type Opener func(t *testing.T) backend.Store

// Run runs the whole contract against stores made by open.
func Run(t *testing.T, open Opener) {
	t.Run("Meta", func(t *testing.T) { testMeta(t, open) })
	t.Run("Conference", func(t *testing.T) { testConference(t, open) })
	t.Run("Account", func(t *testing.T) { testAccount(t, open) })
	t.Run("Session", func(t *testing.T) { testSession(t, open) })
	t.Run("Changes", func(t *testing.T) { testChanges(t, open) })
	t.Run("Participant", func(t *testing.T) { testParticipant(t, open) })
	t.Run("Idea", func(t *testing.T) { testIdea(t, open) })
	t.Run("Support", func(t *testing.T) { testSupport(t, open) })
	t.Run("Comment", func(t *testing.T) { testComment(t, open) })
	t.Run("Moderation", func(t *testing.T) { testModeration(t, open) })
	t.Run("Invite", func(t *testing.T) { testInvite(t, open) })
	t.Run("Erase", func(t *testing.T) { testErase(t, open) })
	t.Run("Import", func(t *testing.T) { testImport(t, open) })
	t.Run("Merge", func(t *testing.T) { testMerge(t, open) })
	t.Run("IdeaTitles", func(t *testing.T) { testIdeaTitles(t, open) })
	t.Run("Voting", func(t *testing.T) { testVoting(t, open) })
	t.Run("SearchCursor", func(t *testing.T) { testSearchCursor(t, open) })
	t.Run("IdeasByIDs", func(t *testing.T) { testIdeasByIDs(t, open) })
	t.Run("FollowUp", func(t *testing.T) { testFollowUp(t, open) })
	t.Run("Registration", func(t *testing.T) { testRegistration(t, open) })
	t.Run("MailOutbox", func(t *testing.T) { testMailOutbox(t, open) })
}

// now is a fixed, microsecond-precise instant: both engines keep microseconds.
var now = time.Date(2026, 11, 25, 9, 30, 0, 123456000, time.UTC)

// NewConference returns a valid, unsaved draft conference with the given slug.
func NewConference(slug string) *backend.Conference {
	return &backend.Conference{
		Slug: slug, Title: "Konferenz " + slug, Description: "Beschreibung",
		StartsAt: now.Add(30 * 24 * time.Hour), EndsAt: now.Add(30*24*time.Hour + 8*time.Hour),
		Venue: "Rathaus", Capacity: 450, Phase: backend.PhaseDraft, JoinCode: backend.NewJoinCode(),
		Topics:      []string{"Digitalisierung", "Mobilität"},
		Departments: []string{"Amt 10 – Hauptamt", "Amt 61 – Stadtplanung"},
		Anonymity:   backend.AnonymityAllowed,
		CreatedAt:   now, UpdatedAt: now,
	}
}

// MustCreateConference saves a new conference and fails the test on error.
func MustCreateConference(tb testing.TB, s backend.Store, slug string) *backend.Conference {
	tb.Helper()
	c := NewConference(slug)
	if err := s.CreateConference(context.Background(), c); err != nil {
		tb.Fatalf("create conference %q: %v", slug, err)
	}
	return c
}

// MustCreateAccount saves a new organiser account and fails the test on error.
func MustCreateAccount(tb testing.TB, s backend.Store, email string) *backend.Account {
	tb.Helper()
	a := &backend.Account{Email: email, Name: "Name " + email, Role: backend.RoleOrganizer, PasswordHash: "$argon2id$test", CreatedAt: now}
	if err := s.CreateAccount(context.Background(), a); err != nil {
		tb.Fatalf("create account %q: %v", email, err)
	}
	return a
}

// MustCreateParticipant saves a member of conf whose browser key hash is key.
func MustCreateParticipant(tb testing.TB, s backend.Store, conf *backend.Conference, key string) *backend.Participant {
	tb.Helper()
	p := &backend.Participant{ConferenceID: conf.ID, KeyHash: key, DisplayName: "Person " + key, Role: backend.RoleParticipant, CreatedAt: now}
	if len(conf.Departments) > 0 {
		p.Department = conf.Departments[0]
	}
	if err := s.CreateParticipant(context.Background(), p, 0); err != nil {
		tb.Fatalf("create participant %q: %v", key, err)
	}
	return p
}

// NewIdea returns a valid, unsaved idea in conf; a nil author makes it an
// imported idea without a participant. Its Tags are empty but not nil, as a
// store reads them back.
func NewIdea(conf *backend.Conference, author *backend.Participant, title string) *backend.Idea {
	i := &backend.Idea{
		ConferenceID: conf.ID, Title: title, Body: "Beschreibung von " + title,
		AuthorName: "Import", Status: backend.IdeaNew, Tags: []string{}, CreatedAt: now, UpdatedAt: now,
	}
	if author != nil {
		i.AuthorID, i.AuthorName = &author.ID, author.DisplayName
	}
	if len(conf.Topics) > 0 {
		i.Topic = conf.Topics[0]
	}
	return i
}

// MustCreateIdea saves NewIdea(conf, author, title) and fails the test on error.
func MustCreateIdea(tb testing.TB, s backend.Store, conf *backend.Conference, author *backend.Participant, title string) *backend.Idea {
	tb.Helper()
	i := NewIdea(conf, author, title)
	if err := s.CreateIdea(context.Background(), i); err != nil {
		tb.Fatalf("create idea %q: %v", title, err)
	}
	return i
}

// winners runs write(0..n-1) at once, as optimistic-locking rivals, and
// returns how many succeeded; every loser must fail with ECONFLICT.
func winners(tb testing.TB, n int, write func(k int) error) int {
	tb.Helper()
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- write(k)
		}()
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		switch backend.ErrorCode(err) {
		case "":
			ok++
		case backend.ECONFLICT:
		default:
			tb.Fatalf("concurrent update: unexpected error %v", err)
		}
	}
	return ok
}

// MustCreateParticipants creates n participants of conf with keys p0…p(n-1).
func MustCreateParticipants(tb testing.TB, s backend.Store, conf *backend.Conference, n int) []*backend.Participant {
	tb.Helper()
	people := make([]*backend.Participant, n)
	for k := range people {
		people[k] = MustCreateParticipant(tb, s, conf, fmt.Sprint("p", k))
	}
	return people
}

// wantCode fails unless err carries the backend error code want.
func wantCode(tb testing.TB, err error, want string) {
	tb.Helper()
	if got := backend.ErrorCode(err); got != want {
		tb.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

func mustNoErr(tb testing.TB, err error, what string) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
}

func testMeta(t *testing.T, open Opener) {
	t.Run("PingAndSchemaVersion", func(t *testing.T) {
		s := open(t)
		mustNoErr(t, s.Ping(t.Context()), "ping")
		v, err := s.SchemaVersion(t.Context())
		mustNoErr(t, err, "schema version")
		if v < 1 {
			t.Fatalf("schema version = %d, want >= 1 after migrations", v)
		}
	})
}

func sameConference(tb testing.TB, got, want *backend.Conference) {
	tb.Helper()
	g, w := *got, *want
	for _, p := range []struct{ g, w *time.Time }{{&g.StartsAt, &w.StartsAt}, {&g.EndsAt, &w.EndsAt}, {&g.CreatedAt, &w.CreatedAt}, {&g.UpdatedAt, &w.UpdatedAt}} {
		if !p.g.Equal(*p.w) {
			tb.Fatalf("time = %v, want %v", *p.g, *p.w)
		}
		if p.g.Location() != time.UTC {
			tb.Fatalf("time %v is not in UTC", *p.g)
		}
		*p.g, *p.w = time.Time{}, time.Time{}
	}
	if !reflect.DeepEqual(g, w) {
		tb.Fatalf("conference =\n%+v\nwant\n%+v", g, w)
	}
}

func slugs(cs []*backend.Conference) string {
	out := ""
	for _, c := range cs {
		out += c.Slug + " "
	}
	return out
}

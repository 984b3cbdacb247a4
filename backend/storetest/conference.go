package storetest

import (
	"testing"
	"time"

	"ideenmarkt/backend"
)

func testConference(t *testing.T, open Opener) {
	t.Run("CreateAndFind", func(t *testing.T) {
		s := open(t)
		c := NewConference("tag-der-ideen-2026")
		c.Title = `Ideen 💡 für <script>alert(1)</script> '; DROP TABLE conferences; --`
		c.Description = "Zeile 1\r\nZeile 2 — Straße, Bäume, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, e\u0301"
		mustNoErr(t, s.CreateConference(t.Context(), c), "create")
		if c.ID == 0 || c.Version != 1 {
			t.Fatalf("after create: id = %d, version = %d; want id set, version 1", c.ID, c.Version)
		}
		got, err := s.FindConferenceBySlug(t.Context(), c.Slug)
		mustNoErr(t, err, "find")
		sameConference(t, got, c)
		byID, err := s.FindConferenceByID(t.Context(), c.ID)
		mustNoErr(t, err, "find by id")
		sameConference(t, byID, c)

		settings := NewConference("settings")
		settings.Topics = []string{"Klima & Umwelt", "<b>Personal</b>", "'; --"}
		settings.Departments = []string{"Amt 10 – Hauptamt"}
		settings.Anonymity, settings.LateIdeas = backend.AnonymityAlways, true
		mustNoErr(t, s.CreateConference(t.Context(), settings), "create with settings")
		got, err = s.FindConferenceBySlug(t.Context(), "settings")
		mustNoErr(t, err, "find with settings")
		sameConference(t, got, settings)
	})
	t.Run("EmptyListsReadBackEmpty", func(t *testing.T) {
		s := open(t)
		c := NewConference("no-lists")
		c.Topics, c.Departments, c.Anonymity = nil, nil, backend.AnonymityNever
		mustNoErr(t, s.CreateConference(t.Context(), c), "create")
		got, err := s.FindConferenceBySlug(t.Context(), "no-lists")
		mustNoErr(t, err, "find")
		if got.Topics == nil || got.Departments == nil {
			t.Fatalf("topics = %#v, departments = %#v; want non-nil empty slices (JSON [] not null)", got.Topics, got.Departments)
		}
		c.Topics, c.Departments = []string{}, []string{}
		sameConference(t, got, c)
		list, _, err := s.FindConferences(t.Context(), backend.ConferenceFilter{IncludeDrafts: true})
		mustNoErr(t, err, "list")
		if len(list) != 1 {
			t.Fatalf("listed %d conferences, want 1", len(list))
		}
		sameConference(t, list[0], c)
	})
	t.Run("NotFound", func(t *testing.T) {
		s := open(t)
		_, err := s.FindConferenceBySlug(t.Context(), "missing")
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindConferenceByID(t.Context(), 4711)
		wantCode(t, err, backend.ENOTFOUND)
	})
	t.Run("DuplicateSlugIsConflict", func(t *testing.T) {
		s := open(t)
		MustCreateConference(t, s, "dup")
		err := s.CreateConference(t.Context(), NewConference("dup"))
		wantCode(t, err, backend.ECONFLICT)
		_, total, err := s.FindConferences(t.Context(), backend.ConferenceFilter{IncludeDrafts: true})
		mustNoErr(t, err, "list")
		if total != 1 {
			t.Fatalf("total = %d after a rejected duplicate, want 1", total)
		}
	})
	t.Run("DuplicateJoinCodeIsConflict", func(t *testing.T) {
		s := open(t)
		a := MustCreateConference(t, s, "a")
		b := NewConference("b")
		b.JoinCode = a.JoinCode
		wantCode(t, s.CreateConference(t.Context(), b), backend.ECONFLICT)
	})
	t.Run("ListOrderDraftsAndPaging", func(t *testing.T) {
		s := open(t)
		for i, slug := range []string{"c", "a", "d", "b"} {
			c := NewConference(slug)
			c.StartsAt = now.Add(time.Duration(i) * time.Hour)
			c.EndsAt = c.StartsAt.Add(time.Hour)
			if slug != "d" {
				c.Phase = backend.PhaseIdeas
			}
			mustNoErr(t, s.CreateConference(t.Context(), c), "create "+slug)
		}
		all, total, err := s.FindConferences(t.Context(), backend.ConferenceFilter{IncludeDrafts: true})
		mustNoErr(t, err, "list all")
		if got, want := slugs(all), "c a d b "; got != want || total != 4 {
			t.Fatalf("list = %q (total %d), want %q (total 4)", got, total, want)
		}
		public, total, err := s.FindConferences(t.Context(), backend.ConferenceFilter{})
		mustNoErr(t, err, "list public")
		if got, want := slugs(public), "c a b "; got != want || total != 3 {
			t.Fatalf("public list = %q (total %d), want %q (total 3)", got, total, want)
		}
		page, total, err := s.FindConferences(t.Context(), backend.ConferenceFilter{IncludeDrafts: true, Offset: 1, Limit: 2})
		mustNoErr(t, err, "page")
		if got, want := slugs(page), "a d "; got != want || total != 4 {
			t.Fatalf("page = %q (total %d), want %q (total 4)", got, total, want)
		}
		empty, _, err := s.FindConferences(t.Context(), backend.ConferenceFilter{Offset: 100})
		mustNoErr(t, err, "page past end")
		if empty == nil || len(empty) != 0 {
			t.Fatalf("page past end = %v, want an empty non-nil slice", empty)
		}
	})
	t.Run("UpdateBumpsVersion", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "upd")
		c.Title = "Neuer Titel"
		c.Phase = backend.PhaseIdeas
		c.JoinCode = "ACDEFG"
		c.Topics = []string{"Mobilität", "Personal", "Bürgerservice"}
		c.Departments = []string{"Amt 32 – Ordnungsamt"}
		c.Anonymity, c.LateIdeas = backend.AnonymityAlways, true
		c.UpdatedAt = now.Add(time.Minute)
		mustNoErr(t, s.UpdateConference(t.Context(), c), "update")
		if c.Version != 2 {
			t.Fatalf("version = %d after update, want 2", c.Version)
		}
		got, err := s.FindConferenceBySlug(t.Context(), "upd")
		mustNoErr(t, err, "find")
		sameConference(t, got, c)

		c.Topics, c.Departments = []string{}, []string{}
		c.Anonymity, c.LateIdeas = backend.AnonymityNever, false
		mustNoErr(t, s.UpdateConference(t.Context(), c), "update to empty lists")
		got, err = s.FindConferenceBySlug(t.Context(), "upd")
		mustNoErr(t, err, "find after emptying")
		sameConference(t, got, c)
	})
	t.Run("StaleVersionIsConflict", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "stale")
		stale := *c
		c.Title = "First writer"
		mustNoErr(t, s.UpdateConference(t.Context(), c), "first update")
		stale.Title = "Second writer"
		wantCode(t, s.UpdateConference(t.Context(), &stale), backend.ECONFLICT)
		got, _ := s.FindConferenceBySlug(t.Context(), "stale")
		if got.Title != "First writer" {
			t.Fatalf("title = %q, want the first writer's", got.Title)
		}
	})
	t.Run("UpdateMissingIsNotFound", func(t *testing.T) {
		s := open(t)
		c := NewConference("ghost")
		c.ID, c.Version = 4711, 1
		wantCode(t, s.UpdateConference(t.Context(), c), backend.ENOTFOUND)
	})
	t.Run("ConcurrentUpdatesOneWins", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "race")
		ok := winners(t, 20, func(k int) error {
			mine := *c
			mine.Capacity = k
			return s.UpdateConference(t.Context(), &mine)
		})
		if ok != 1 {
			t.Fatalf("%d concurrent updates of version 1 succeeded, want exactly 1", ok)
		}
	})
}

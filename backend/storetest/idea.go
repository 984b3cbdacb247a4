package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"ideenmarkt/backend"
)

// statusDone stands for the statuses the follow-up lifecycle adds: the store
// holds no rules and must keep any status it is given.
const statusDone backend.IdeaStatus = "done"

func testIdea(t *testing.T, open Opener) {
	t.Run("CreateAndFind", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "ideas")
		author := MustCreateParticipant(t, s, c, "author")
		i := NewIdea(c, author, `Radwege 🚲 <script>alert("x")</script> '; DROP TABLE ideas; --`)
		i.Body = "**Fett** und _kursiv_\r\n\r\n- Straße\n- e\u0301 𝔘𝔫𝔦𝔠𝔬𝔡𝔢\n\n<a href=\"javascript:alert(1)\">x</a> \\' \" %_"
		i.Topic, i.Department, i.Anonymous = "Mobilität", "Amt 61 – Stadtplanung", true
		i.CreatedAt, i.UpdatedAt = now.Add(time.Hour), now.Add(2*time.Hour)
		i.SupportCount, i.CommentCount = 7, 3 // counts start at zero whatever the caller says
		mustNoErr(t, s.CreateIdea(t.Context(), i), "create")
		if i.ID == 0 || i.Version != 1 || i.SupportCount != 0 || i.CommentCount != 0 {
			t.Fatalf("after create: id = %d, version = %d, supports = %d, comments = %d; want id set, version 1, counts 0",
				i.ID, i.Version, i.SupportCount, i.CommentCount)
		}
		got, err := s.FindIdeaByID(t.Context(), i.ID)
		mustNoErr(t, err, "find")
		sameIdea(t, got, i)
		if !got.UpdatedAt.Equal(i.UpdatedAt) {
			t.Fatalf("updated at %v, want %v", got.UpdatedAt, i.UpdatedAt)
		}
		if got.AuthorID == nil || *got.AuthorID != author.ID {
			t.Fatalf("author id = %v, want %d", got.AuthorID, author.ID)
		}

		imported := NewIdea(c, nil, "Aus dem Vorjahr übernommen")
		imported.AuthorName = "Stadtwerke (Import 2025)"
		imported.Tags = nil // nil tags are stored as none and read back as an empty, non-nil slice
		mustNoErr(t, s.CreateIdea(t.Context(), imported), "create imported")
		got, err = s.FindIdeaByID(t.Context(), imported.ID)
		mustNoErr(t, err, "find imported")
		if got.AuthorID != nil {
			t.Fatalf("imported idea has author id %d, want nil", *got.AuthorID)
		}
		if got.Tags == nil || len(got.Tags) != 0 || got.Reviewed {
			t.Fatalf("imported idea with nil tags: tags = %#v, reviewed = %v; want []string{} and false", got.Tags, got.Reviewed)
		}
		want := *imported
		want.Tags = []string{}
		sameIdea(t, got, &want)
	})
	t.Run("NotFound", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "nf")
		_, err := s.FindIdeaByID(t.Context(), 4711)
		wantCode(t, err, backend.ENOTFOUND)
		i := NewIdea(c, nil, "Ohne Konferenz")
		i.ConferenceID = 4711
		wantCode(t, s.CreateIdea(t.Context(), i), backend.ENOTFOUND)
		i = NewIdea(c, nil, "Ohne Person")
		ghost := int64(4711)
		i.AuthorID = &ghost
		wantCode(t, s.CreateIdea(t.Context(), i), backend.ENOTFOUND)
		if list, total, err := s.FindIdeas(t.Context(), backend.IdeaFilter{ConferenceID: c.ID, Sort: backend.SortNewest, IncludeHidden: true}); err != nil || total != 0 || len(list) != 0 {
			t.Fatalf("after rejected creates: %d ideas, total %d, err %v; want none", len(list), total, err)
		}
	})
	t.Run("Update", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "upd")
		a := MustCreateParticipant(t, s, c, "a")
		i := MustCreateIdea(t, s, c, a, "Erster Titel")
		other := MustCreateIdea(t, s, c, a, "Ziel der Zusammenführung")
		i.Title, i.Body = "Zweiter Titel – überarbeitet", "Neuer Text\nmit 'Zitat'"
		i.Topic, i.Department, i.Anonymous = "Digitalisierung", "Amt 10 – Hauptamt", true
		i.Status, i.Hidden, i.HiddenReason = backend.IdeaMerged, true, "Doppelt <eingereicht>"
		i.MergedIntoID, i.CommentsLocked = &other.ID, true
		// Order is kept; commas, quotes and JSON-looking text stay inside their tag.
		i.Tags = []string{"Straße", "🚲 Radverkehr", "e\u0301 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "a, b", `"Zitat" \' ; --`, "[\"x\"]", "Amt 61 – Stadtplanung"}
		i.Reviewed = true
		i.UpdatedAt = now.Add(time.Minute)
		mustNoErr(t, s.UpdateIdea(t.Context(), i, false), "update")
		if i.Version != 2 {
			t.Fatalf("version = %d after update, want 2", i.Version)
		}
		got, err := s.FindIdeaByID(t.Context(), i.ID)
		mustNoErr(t, err, "find")
		sameIdea(t, got, i)
		listed := wantIdeas(t, s, "updated idea", backend.IdeaFilter{ConferenceID: c.ID, IncludeHidden: true, Sort: backend.SortNewest}, 1, other.ID)
		if listed[0].Tags == nil || len(listed[0].Tags) != 0 {
			t.Fatalf("listed idea %d has tags %#v, want []string{}", other.ID, listed[0].Tags)
		}

		i.Status, i.Hidden, i.HiddenReason, i.MergedIntoID, i.CommentsLocked = statusDone, false, "", nil, false
		i.Tags, i.Reviewed = nil, false // nil clears the tags
		mustNoErr(t, s.UpdateIdea(t.Context(), i, false), "update back")
		got, err = s.FindIdeaByID(t.Context(), i.ID)
		mustNoErr(t, err, "find after second update")
		if got.Tags == nil || len(got.Tags) != 0 {
			t.Fatalf("after update with nil tags: tags = %#v, want []string{}", got.Tags)
		}
		want := *i
		want.Tags = []string{}
		sameIdea(t, got, &want)
		if got.Version != 3 {
			t.Fatalf("stored version = %d after two updates, want 3", got.Version)
		}
		listed = wantIdeas(t, s, "idea back in the list", backend.IdeaFilter{ConferenceID: c.ID, Sort: backend.SortNewest}, 2, other.ID, i.ID)
		sameIdea(t, listed[1], &want)

		i.Tags = []string{"Nur eins"}
		mustNoErr(t, s.UpdateIdea(t.Context(), i, false), "update with one tag")
		got, err = s.FindIdeaByID(t.Context(), i.ID)
		mustNoErr(t, err, "find after third update")
		sameIdea(t, got, i)
		listed = wantIdeas(t, s, "tagged idea listed", backend.IdeaFilter{ConferenceID: c.ID, Sort: backend.SortNewest}, 2, other.ID, i.ID)
		sameIdea(t, listed[1], i)
		versions, err := s.FindIdeaVersions(t.Context(), i.ID)
		mustNoErr(t, err, "versions")
		if len(versions) != 0 {
			t.Fatalf("updates without keepVersion stored %d versions %+v, want none", len(versions), versions)
		}
	})
	t.Run("KeepVersion", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "versions")
		i := MustCreateIdea(t, s, c, nil, "Fassung 1")
		first := *i
		edit := func(title, topic string, keep bool) {
			t.Helper()
			i.Title, i.Body, i.Topic, i.Department = title, "Text von "+title, topic, "Amt 10 – Hauptamt"
			mustNoErr(t, s.UpdateIdea(t.Context(), i, keep), "update to "+title)
		}
		edit("Fassung 2", "Mobilität", true)
		second := *i
		edit("Fassung 3 – ß 🚀", "Digitalisierung", true)
		edit("Fassung 4", "Mobilität", false)
		got, err := s.FindIdeaVersions(t.Context(), i.ID)
		mustNoErr(t, err, "versions")
		want := []backend.IdeaVersion{
			{IdeaID: i.ID, Title: first.Title, Body: first.Body, Topic: first.Topic, Department: first.Department},
			{IdeaID: i.ID, Title: second.Title, Body: second.Body, Topic: second.Topic, Department: second.Department},
		}
		if len(got) != len(want) {
			t.Fatalf("got %d versions %+v, want %d (oldest first) %+v", len(got), got, len(want), want)
		}
		for n, g := range got {
			if g.ID == 0 || g.CreatedAt.IsZero() || g.CreatedAt.Location() != time.UTC {
				t.Errorf("version %d: id = %d, created at %v; want an id and a UTC time", n, g.ID, g.CreatedAt)
			}
			g.ID, g.CreatedAt = 0, time.Time{}
			if g != want[n] {
				t.Errorf("version %d =\n%+v\nwant\n%+v", n, g, want[n])
			}
		}
		cur, err := s.FindIdeaByID(t.Context(), i.ID)
		mustNoErr(t, err, "find")
		sameIdea(t, cur, i)
	})
	t.Run("StaleVersionIsConflict", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "stale")
		i := MustCreateIdea(t, s, c, nil, "Original")
		stale := *i
		i.Title = "First writer"
		mustNoErr(t, s.UpdateIdea(t.Context(), i, true), "first update")
		start := lastSeq(t, s)
		stale.Title = "Second writer"
		wantCode(t, s.UpdateIdea(t.Context(), &stale, true), backend.ECONFLICT)
		got, err := s.FindIdeaByID(t.Context(), i.ID)
		mustNoErr(t, err, "find")
		if got.Title != "First writer" || got.Version != 2 {
			t.Fatalf("title = %q, version %d; want the first writer's, version 2", got.Title, got.Version)
		}
		versions, err := s.FindIdeaVersions(t.Context(), i.ID)
		mustNoErr(t, err, "versions")
		if len(versions) != 1 || versions[0].Title != "Original" {
			t.Fatalf("versions = %+v, want only the original: a failed update keeps nothing", versions)
		}
		wantChanges(t, s, start) // and records no change
	})
	t.Run("UpdateMissingIsNotFound", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "ghost")
		i := NewIdea(c, nil, "Geist")
		i.ID, i.Version = 4711, 1
		wantCode(t, s.UpdateIdea(t.Context(), i, false), backend.ENOTFOUND)
		wantCode(t, s.UpdateIdea(t.Context(), i, true), backend.ENOTFOUND)
	})
	t.Run("ConcurrentUpdatesOneWins", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "race")
		i := MustCreateIdea(t, s, c, nil, "Umstritten")
		ok := winners(t, 20, func(k int) error {
			mine := *i
			mine.Title = "Fassung " + string(rune('A'+k))
			return s.UpdateIdea(t.Context(), &mine, true)
		})
		versions, err := s.FindIdeaVersions(t.Context(), i.ID)
		mustNoErr(t, err, "versions")
		if ok != 1 || len(versions) != 1 {
			t.Fatalf("%d concurrent updates of version 1 succeeded, %d versions kept; want exactly 1 and 1", ok, len(versions))
		}
	})
	t.Run("EveryWriteRecordsOneChange", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "feed")
		start := lastSeq(t, s)
		i := MustCreateIdea(t, s, c, nil, "Gemeldet")
		i.Hidden = true
		mustNoErr(t, s.UpdateIdea(t.Context(), i, true), "update")
		wantChanges(t, s, start,
			backend.Change{Entity: backend.EntityIdea, EntityID: i.ID, Op: backend.OpCreate, ConferenceID: c.ID},
			backend.Change{Entity: backend.EntityIdea, EntityID: i.ID, Op: backend.OpUpdate, ConferenceID: c.ID},
		)
	})
	t.Run("List", func(t *testing.T) { testIdeaList(t, open) })
}

// sameIdea compares every field but UpdatedAt, which must only be in UTC;
// CreatedAt must be the same instant, in UTC.
func sameIdea(tb testing.TB, got, want *backend.Idea) {
	tb.Helper()
	g, w := *got, *want
	if !g.CreatedAt.Equal(w.CreatedAt) || g.CreatedAt.Location() != time.UTC {
		tb.Fatalf("idea %d created at %v, want %v in UTC", w.ID, g.CreatedAt, w.CreatedAt)
	}
	if g.UpdatedAt.Location() != time.UTC {
		tb.Fatalf("idea %d updated at %v, not in UTC", w.ID, g.UpdatedAt)
	}
	g.CreatedAt, w.CreatedAt, g.UpdatedAt, w.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(g, w) {
		tb.Fatalf("idea =\n%s\nwant\n%s", fmtIdea(g), fmtIdea(w))
	}
}

// fmtIdea prints an idea with the targets of its pointers, not their
// addresses, and its Tags so that nil and empty differ.
func fmtIdea(i backend.Idea) string {
	ptr := func(p *int64) string {
		if p == nil {
			return "nil"
		}
		return fmt.Sprint(*p)
	}
	author, merged, tags := ptr(i.AuthorID), ptr(i.MergedIntoID), fmt.Sprintf("%#v", i.Tags)
	i.AuthorID, i.MergedIntoID, i.Tags = nil, nil, nil
	return fmt.Sprintf("%+v AuthorID:%s MergedIntoID:%s Tags:%s", i, author, merged, tags)
}

// FindIdeasByIDs reads exactly the asked ideas that exist, whole, in one
// call; unknown ids and an empty list are no error.
func testIdeasByIDs(t *testing.T, open Opener) {
	s := open(t)
	c := MustCreateConference(t, s, "ids")
	author := MustCreateParticipant(t, s, c, "author")
	a := MustCreateIdea(t, s, c, author, "Erste")
	b := MustCreateIdea(t, s, c, author, "Zweite")
	MustCreateIdea(t, s, c, author, "Dritte (nicht gefragt)")
	got, err := s.FindIdeasByIDs(t.Context(), []int64{b.ID, a.ID, 1 << 40, a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[a.ID] == nil || got[b.ID] == nil {
		t.Fatalf("got %v, want ideas %d and %d only", got, a.ID, b.ID)
	}
	want, err := s.FindIdeaByID(t.Context(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got[b.ID], want) {
		t.Fatalf("idea %d by ids = %+v, by id = %+v", b.ID, got[b.ID], want)
	}
	none, err := s.FindIdeasByIDs(t.Context(), nil)
	if err != nil || len(none) != 0 {
		t.Fatalf("no ids: %v, %v", none, err)
	}
}

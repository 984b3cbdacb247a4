package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"ideenmarkt/backend"
)

// awkwardText must come back byte for byte: emoji, combining and
// astral-plane characters, CRLF, tabs, HTML, SQL and quoting.
const awkwardText = "Fahrradständer 🚲🅿️ vor dem Rathaus\r\nZweite Zeile\tmit Tab, e\u0301 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 " +
	`<script>alert("x")</script> <b>fett</b> &amp; '; DROP TABLE ideas; -- \' \" %_` + "\n"

func testImport(t *testing.T, open Opener) {
	t.Run("IdeasCommentsAndCounts", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "import")
		p := MustCreateParticipant(t, s, c, "p")
		items := importItems(c, p)
		c.Topics = append(c.Topics, "Neu aus dem Import 🆕")
		c.Departments = append(c.Departments, "Stadtwerke")
		c.UpdatedAt = now.Add(time.Hour)
		oldVersion := c.Version

		start := lastSeq(t, s)
		var calls []int
		mustNoErr(t, s.ImportIdeas(t.Context(), c, items, func(done int) { calls = append(calls, done) }), "import")
		if len(calls) == 0 || calls[len(calls)-1] != len(items) {
			t.Fatalf("progress calls = %v, want the last to report %d", calls, len(items))
		}

		if c.Version != oldVersion+1 {
			t.Fatalf("conference version = %d after import, want %d", c.Version, oldVersion+1)
		}
		gotConf, err := s.FindConferenceByID(t.Context(), c.ID)
		mustNoErr(t, err, "find conference")
		sameConference(t, gotConf, c)

		wantCounts := []struct{ supports, comments int }{{12, 2}, {0, 0}, {3, 1}}
		for k, item := range items {
			i := item.Idea
			if i.ID == 0 || i.Version != 1 || i.ConferenceID != c.ID {
				t.Fatalf("imported idea %d: id %d, version %d, conference %d; want an id, version 1, conference %d",
					k, i.ID, i.Version, i.ConferenceID, c.ID)
			}
			if i.SupportCount != wantCounts[k].supports || i.CommentCount != wantCounts[k].comments {
				t.Fatalf("imported idea %d: %d supports, %d comments set; want %d and %d",
					k, i.SupportCount, i.CommentCount, wantCounts[k].supports, wantCounts[k].comments)
			}
			got, err := s.FindIdeaByID(t.Context(), i.ID)
			mustNoErr(t, err, "find imported idea")
			sameIdea(t, got, i)
			if !got.UpdatedAt.Equal(i.UpdatedAt) {
				t.Fatalf("imported idea %d updated at %v, want %v as given", k, got.UpdatedAt, i.UpdatedAt)
			}
			var want []*backend.Comment
			for _, ic := range item.Comments {
				want = append(want, ic.Comment)
				if ic.Comment.ParentID != nil || ic.Comment.IdeaID != i.ID {
					t.Fatalf("imported comment %d: idea %d, parent %s; want idea %d, no parent", ic.Comment.ID, ic.Comment.IdeaID, fmtID(ic.Comment.ParentID), i.ID)
				}
				for _, r := range ic.Replies {
					want = append(want, r)
					if r.ParentID == nil || *r.ParentID != ic.Comment.ID || r.IdeaID != i.ID {
						t.Fatalf("imported reply %d: idea %d, parent %s; want idea %d, parent %d", r.ID, r.IdeaID, fmtID(r.ParentID), i.ID, ic.Comment.ID)
					}
				}
			}
			got2, err := s.FindComments(t.Context(), i.ID)
			mustNoErr(t, err, "list imported comments")
			if len(got2) != len(want) {
				t.Fatalf("imported idea %d has comments %v, want %v", k, commentIDs(got2), commentIDs(want))
			}
			for n := range want {
				sameComment(t, got2[n], want[n])
			}
		}

		wantImportChanges(t, s, start, c, items)

		// Imported supports count, and participants' supports add to them.
		a := items[0].Idea
		n, err := s.SetSupport(t.Context(), a.ID, p.ID, true, now)
		mustNoErr(t, err, "support imported idea")
		if n != 13 || supportCount(t, s, a.ID) != 13 {
			t.Fatalf("after one support: count %d (stored %d), want 12 imported + 1", n, supportCount(t, s, a.ID))
		}
		n, err = s.SetSupport(t.Context(), a.ID, p.ID, false, now)
		mustNoErr(t, err, "withdraw")
		if n != 12 {
			t.Fatalf("after withdrawing: count %d, want the 12 imported", n)
		}
		got, err := s.FindIdeaByID(t.Context(), a.ID)
		mustNoErr(t, err, "find")
		if got.ImportedSupports != 12 || got.SupportCount != 12 {
			t.Fatalf("imported idea: %d imported, %d supports; want 12 and 12", got.ImportedSupports, got.SupportCount)
		}
		wantIdeas(t, s, "imported by supports", backend.IdeaFilter{ConferenceID: c.ID, Sort: backend.SortSupports}, 3,
			items[0].Idea.ID, items[2].Idea.ID, items[1].Idea.ID)
	})
	t.Run("StaleConferenceVersionStoresNothing", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "stale")
		p := MustCreateParticipant(t, s, c, "p")
		stale := *c
		c.Title = "Inzwischen geändert"
		mustNoErr(t, s.UpdateConference(t.Context(), c), "update")
		start := lastSeq(t, s)
		stale.Topics = append(append([]string{}, stale.Topics...), "Import")
		items := importItems(&stale, p)
		wantCode(t, s.ImportIdeas(t.Context(), &stale, items, nil), backend.ECONFLICT)
		wantNothingImported(t, s, c, start, items)
		if stale.Version != 1 {
			t.Fatalf("stale conference version = %d after a failed import, want 1 unchanged", stale.Version)
		}
		wantCode(t, s.ImportIdeas(t.Context(), &backend.Conference{ID: 4711, Version: 1}, nil, nil), backend.ENOTFOUND)
	})
	t.Run("BadItemStoresNothing", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "bad")
		p := MustCreateParticipant(t, s, c, "p")
		ghost := int64(4711)
		for name, spoil := range map[string]func(items []backend.ImportIdea){
			"unknown author of the last idea": func(items []backend.ImportIdea) { items[len(items)-1].Idea.AuthorID = &ghost },
			"unknown author of a reply":       func(items []backend.ImportIdea) { items[0].Comments[0].Replies[1].AuthorID = &ghost },
		} {
			t.Run(name, func(t *testing.T) {
				start := lastSeq(t, s)
				conf := *c
				conf.Topics = append([]string{}, c.Topics...)
				conf.Topics = append(conf.Topics, "Nur bei Erfolg")
				base := importItems(&conf, p)
				items := base[: len(base)-1 : len(base)-1]
				for k := range 150 { // more than one progress step before the failure
					items = append(items, backend.ImportIdea{Idea: NewIdea(&conf, nil, fmt.Sprint("Füller ", k))})
				}
				items = append(items, base[len(base)-1])
				spoil(items)
				err := s.ImportIdeas(t.Context(), &conf, items, nil)
				wantCode(t, err, backend.ENOTFOUND)
				wantNothingImported(t, s, c, start, items)
				if conf.Version != c.Version {
					t.Fatalf("conference version = %d after a failed import, want %d unchanged", conf.Version, c.Version)
				}
			})
		}
	})
	t.Run("ManyIdeasWithProgress", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "many")
		const n = 2050
		items := make([]backend.ImportIdea, n)
		for k := range items {
			i := NewIdea(c, nil, fmt.Sprint("Idee ", k))
			i.ImportedSupports = k % 7
			items[k] = backend.ImportIdea{Idea: i}
			if k%2 == 0 {
				cm := NewComment(i, nil, fmt.Sprint("Kommentar zu ", k))
				items[k].Comments = []backend.ImportComment{{Comment: cm, Replies: []*backend.Comment{NewComment(i, nil, "Antwort")}}}
			}
		}
		start := lastSeq(t, s)
		var calls []int
		began := time.Now()
		mustNoErr(t, s.ImportIdeas(t.Context(), c, items, func(done int) { calls = append(calls, done) }), "import")
		t.Logf("imported %d ideas with %d comments in %v", n, n, time.Since(began).Round(time.Millisecond))
		for k, done := range calls {
			if k > 0 && done <= calls[k-1] {
				t.Fatalf("progress calls %v do not ascend", calls)
			}
		}
		if len(calls) < n/100 || calls[len(calls)-1] != n {
			t.Fatalf("progress calls = %v, want about every 100 ideas, the last %d", calls, n)
		}
		_, total, err := s.FindIdeas(t.Context(), backend.IdeaFilter{ConferenceID: c.ID})
		mustNoErr(t, err, "list")
		if total != n {
			t.Fatalf("%d ideas stored, want %d", total, n)
		}
		for _, k := range []int{0, 1, n / 2, n - 1} {
			got, err := s.FindIdeaByID(t.Context(), items[k].Idea.ID)
			mustNoErr(t, err, "find")
			sameIdea(t, got, items[k].Idea)
			if want := 2 * ((k + 1) % 2); got.CommentCount != want || got.SupportCount != k%7 {
				t.Fatalf("idea %d: %d comments, %d supports; want %d and %d", k, got.CommentCount, got.SupportCount, want, k%7)
			}
		}
		wantImportChanges(t, s, start, c, items)
	})
	t.Run("CreateIdeaWithImportedSupports", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "single")
		p := MustCreateParticipant(t, s, c, "p")
		i := NewIdea(c, nil, "Aus dem alten Portal")
		i.ImportedSupports = 5
		mustNoErr(t, s.CreateIdea(t.Context(), i), "create")
		if i.SupportCount != 5 {
			t.Fatalf("support count after create = %d, want the 5 imported", i.SupportCount)
		}
		got, err := s.FindIdeaByID(t.Context(), i.ID)
		mustNoErr(t, err, "find")
		sameIdea(t, got, i)
		n, err := s.SetSupport(t.Context(), i.ID, p.ID, true, now)
		mustNoErr(t, err, "support")
		if n != 6 {
			t.Fatalf("after one support: count %d, want 6", n)
		}
		plain := MustCreateIdea(t, s, c, p, "Neu")
		if plain.SupportCount != 0 || plain.ImportedSupports != 0 {
			t.Fatalf("new idea: %d supports, %d imported; want 0 and 0", plain.SupportCount, plain.ImportedSupports)
		}
	})
}

// importItems returns three ideas to import into conf: one with comments and
// replies (some hidden or deleted) and awkward text, one bare, one by
// participant p with p's comment.
func importItems(conf *backend.Conference, p *backend.Participant) []backend.ImportIdea {
	a := NewIdea(conf, nil, "🚲 "+awkwardText)
	a.Body, a.AuthorName, a.ImportedSupports = awkwardText+awkwardText, "Stadtwerke <GmbH> & Co. 🏭\r\n", 12
	a.CreatedAt, a.UpdatedAt = now.Add(-72*time.Hour), now.Add(-48*time.Hour)
	a.Tags = []string{"import", "Verkehr 🚦"}
	comment := func(author *backend.Participant, body string, age time.Duration) *backend.Comment {
		c := NewComment(a, author, body)
		c.CreatedAt, c.UpdatedAt = now.Add(-age), now.Add(-age/2)
		return c
	}
	top := comment(nil, awkwardText, 40*time.Hour)
	top.AuthorName = "Bürger*in 👤 <i>x</i>"
	hidden := comment(nil, "Beleidigend", 39*time.Hour)
	hidden.Hidden, hidden.HiddenReason = true, "Spam <b>!</b>"
	deleted := comment(nil, "", 30*time.Hour)
	deleted.Deleted, deleted.Reviewed = true, true
	items := []backend.ImportIdea{
		{Idea: a, Comments: []backend.ImportComment{
			{Comment: top, Replies: []*backend.Comment{comment(nil, "Antwort\r\n> Zitat", 38*time.Hour), hidden}},
			{Comment: deleted, Replies: nil},
		}},
		{Idea: NewIdea(conf, nil, "Ohne Kommentare")},
	}
	c := NewIdea(conf, p, "Von einer Person")
	c.ImportedSupports, c.Anonymous = 3, true
	items = append(items, backend.ImportIdea{Idea: c, Comments: []backend.ImportComment{{Comment: NewComment(c, p, "Eigener Kommentar")}}})
	return items
}

// wantImportChanges fails unless the changes after seq are the conference's
// update and the creation of every imported idea, in that order.
func wantImportChanges(tb testing.TB, s backend.Store, seq int64, conf *backend.Conference, items []backend.ImportIdea) {
	tb.Helper()
	want := []backend.Change{{Entity: backend.EntityConference, EntityID: conf.ID, Op: backend.OpUpdate, ConferenceID: conf.ID}}
	for _, item := range items {
		want = append(want, backend.Change{Entity: backend.EntityIdea, EntityID: item.Idea.ID, Op: backend.OpCreate, ConferenceID: conf.ID})
	}
	got, err := s.ChangesSince(context.Background(), seq, len(want)+10)
	mustNoErr(tb, err, "changes")
	if len(got) != len(want) {
		tb.Fatalf("import recorded %d changes, want %d", len(got), len(want))
	}
	for k, g := range got {
		if g.Entity != want[k].Entity || g.EntityID != want[k].EntityID || g.Op != want[k].Op || g.ConferenceID != want[k].ConferenceID {
			tb.Fatalf("change %d = %+v, want %+v", k, g, want[k])
		}
	}
}

// wantNothingImported fails unless a failed import left no trace: no ideas,
// no comments, no changes, the stored conference as stored, and no ids set.
func wantNothingImported(tb testing.TB, s backend.Store, stored *backend.Conference, seq int64, items []backend.ImportIdea) {
	tb.Helper()
	wantChanges(tb, s, seq)
	_, total, err := s.FindIdeas(context.Background(), backend.IdeaFilter{ConferenceID: stored.ID, IncludeHidden: true})
	mustNoErr(tb, err, "list ideas")
	if total != 0 {
		tb.Fatalf("after a failed import: %d ideas stored, want none", total)
	}
	comments, err := s.FindUnreviewedComments(context.Background(), stored.ID)
	mustNoErr(tb, err, "list comments")
	if len(comments) != 0 {
		tb.Fatalf("after a failed import: comments %v stored, want none", commentIDs(comments))
	}
	got, err := s.FindConferenceByID(context.Background(), stored.ID)
	mustNoErr(tb, err, "find conference")
	sameConference(tb, got, stored)
	for _, item := range items {
		if item.Idea.ID != 0 {
			tb.Fatalf("after a failed import: idea %q got id %d, want 0", item.Idea.Title, item.Idea.ID)
		}
	}
}

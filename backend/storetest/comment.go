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

func testComment(t *testing.T, open Opener) {
	t.Run("CreateAndFind", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "comments")
		author := MustCreateParticipant(t, s, c, "author")
		i := MustCreateIdea(t, s, c, nil, "Mehr Grün")

		top := NewComment(i, author, `Gute Idee 🌳 <script>alert("x")</script> '; DROP TABLE comments; --`)
		top.Body += "\r\nStraße e\u0301 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \\' \" %_ <a href=\"javascript:alert(1)\">x</a>"
		top.CreatedAt, top.UpdatedAt = now.Add(time.Hour), now.Add(2*time.Hour)
		mustNoErr(t, s.CreateComment(t.Context(), top), "create")
		if top.ID == 0 {
			t.Fatal("after create: comment id = 0, want it set")
		}
		got, err := s.FindCommentByID(t.Context(), top.ID)
		mustNoErr(t, err, "find")
		sameComment(t, got, top)
		if got.AuthorID == nil || *got.AuthorID != author.ID || got.ParentID != nil {
			t.Fatalf("author id = %s, parent id = %s; want %d and nil", fmtID(got.AuthorID), fmtID(got.ParentID), author.ID)
		}

		reply := NewComment(i, nil, "Antwort aus dem Import – ohne Person")
		reply.AuthorName = "Stadtwerke (Import 2025)"
		reply.ParentID = &top.ID
		reply.Hidden, reply.HiddenReason = true, "Beleidigend <b>fett</b>"
		mustNoErr(t, s.CreateComment(t.Context(), reply), "create reply")
		if reply.ID == 0 || reply.ID == top.ID {
			t.Fatalf("reply id = %d, want a new id (top-level comment has %d)", reply.ID, top.ID)
		}
		got, err = s.FindCommentByID(t.Context(), reply.ID)
		mustNoErr(t, err, "find reply")
		sameComment(t, got, reply)
		if got.AuthorID != nil || got.ParentID == nil || *got.ParentID != top.ID {
			t.Fatalf("reply author id = %s, parent id = %s; want nil and %d", fmtID(got.AuthorID), fmtID(got.ParentID), top.ID)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "nf")
		p := MustCreateParticipant(t, s, c, "p")
		i := MustCreateIdea(t, s, c, nil, "Idee")
		_, err := s.FindCommentByID(t.Context(), 4711)
		wantCode(t, err, backend.ENOTFOUND)
		start := lastSeq(t, s)
		ghost := int64(4711)

		noIdea := NewComment(i, p, "Ohne Idee")
		noIdea.IdeaID = ghost
		wantCode(t, s.CreateComment(t.Context(), noIdea), backend.ENOTFOUND)
		noParent := NewComment(i, p, "Ohne Elternkommentar")
		noParent.ParentID = &ghost
		wantCode(t, s.CreateComment(t.Context(), noParent), backend.ENOTFOUND)
		noAuthor := NewComment(i, p, "Ohne Person")
		noAuthor.AuthorID = &ghost
		wantCode(t, s.CreateComment(t.Context(), noAuthor), backend.ENOTFOUND)

		list, err := s.FindComments(t.Context(), i.ID)
		mustNoErr(t, err, "list")
		if len(list) != 0 {
			t.Fatalf("after rejected creates: %d comments %v, want none", len(list), commentIDs(list))
		}
		if got := commentCount(t, s, i.ID); got != 0 {
			t.Fatalf("after rejected creates: comment count = %d, want 0", got)
		}
		wantChanges(t, s, start) // a failed write records nothing
	})
	t.Run("FindCommentsOrderedPerIdea", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "list")
		p := MustCreateParticipant(t, s, c, "p")
		a := MustCreateIdea(t, s, c, nil, "A")
		b := MustCreateIdea(t, s, c, nil, "B")
		empty := MustCreateIdea(t, s, c, nil, "Leer")

		var want []*backend.Comment
		for k, idea := range []*backend.Idea{a, b, a, b, a} {
			cm := NewComment(idea, p, fmt.Sprint("Kommentar ", k))
			// Later comments are dated earlier: the order is by id, not by time.
			cm.CreatedAt = now.Add(-time.Duration(k) * time.Hour)
			cm.UpdatedAt = cm.CreatedAt
			if idea == a && k > 0 {
				cm.ParentID = &want[0].ID
			}
			if k == 2 {
				cm.Deleted, cm.Body = true, "" // deleted and hidden ones are listed too
			}
			if k == 4 {
				cm.Hidden, cm.HiddenReason = true, "Spam"
			}
			mustNoErr(t, s.CreateComment(t.Context(), cm), fmt.Sprint("create ", k))
			if idea == a {
				want = append(want, cm)
			}
		}
		got, err := s.FindComments(t.Context(), a.ID)
		mustNoErr(t, err, "list A")
		if len(got) != len(want) {
			t.Fatalf("idea A: got comments %v, want %v (ascending ids, only A's)", commentIDs(got), commentIDs(want))
		}
		for k := range want {
			if got[k].ID != want[k].ID {
				t.Fatalf("idea A: got comments %v, want %v (ascending ids, only A's)", commentIDs(got), commentIDs(want))
			}
			sameComment(t, got[k], want[k])
		}

		none, err := s.FindComments(t.Context(), empty.ID)
		mustNoErr(t, err, "list empty")
		if none == nil || len(none) != 0 {
			t.Fatalf("idea without comments: FindComments = %#v, want a non-nil empty slice", none)
		}
	})
	t.Run("Update", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "upd")
		p := MustCreateParticipant(t, s, c, "p")
		i := MustCreateIdea(t, s, c, nil, "Idee")
		cm := NewComment(i, p, "Erste Fassung")
		mustNoErr(t, s.CreateComment(t.Context(), cm), "create")
		stored := *cm

		cm.Body = "Zweite Fassung – überarbeitet 'mit Zitat' ✍️"
		cm.Hidden, cm.HiddenReason, cm.Deleted, cm.Reviewed = true, "Off-Topic <i>ja</i>", true, true
		cm.UpdatedAt = now.Add(time.Minute)
		// Only Body, Hidden, HiddenReason, Deleted, Reviewed and UpdatedAt are written.
		cm.AuthorName, cm.CreatedAt = "Jemand anderes", now.Add(-time.Hour)
		mustNoErr(t, s.UpdateComment(t.Context(), cm), "update")
		want := stored
		want.Body, want.Hidden, want.HiddenReason, want.Deleted, want.UpdatedAt = cm.Body, true, cm.HiddenReason, true, cm.UpdatedAt
		want.Reviewed = true
		got, err := s.FindCommentByID(t.Context(), cm.ID)
		mustNoErr(t, err, "find")
		sameComment(t, got, &want)

		cm.Hidden, cm.HiddenReason, cm.Deleted, cm.Reviewed = false, "", false, false
		cm.UpdatedAt = now.Add(2 * time.Minute)
		mustNoErr(t, s.UpdateComment(t.Context(), cm), "update back")
		want.Hidden, want.HiddenReason, want.Deleted, want.Reviewed, want.UpdatedAt = false, "", false, false, cm.UpdatedAt
		got, err = s.FindCommentByID(t.Context(), cm.ID)
		mustNoErr(t, err, "find after second update")
		sameComment(t, got, &want)

		cm.Reviewed = true // reviewing alone is a write too
		cm.UpdatedAt = now.Add(3 * time.Minute)
		mustNoErr(t, s.UpdateComment(t.Context(), cm), "review")
		want.Reviewed, want.UpdatedAt = true, cm.UpdatedAt
		list, err := s.FindComments(t.Context(), i.ID)
		mustNoErr(t, err, "list")
		if len(list) != 1 {
			t.Fatalf("after review: comments %v, want [%d]", commentIDs(list), cm.ID)
		}
		sameComment(t, list[0], &want)
	})
	t.Run("UpdateMissingIsNotFound", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "ghost")
		i := MustCreateIdea(t, s, c, nil, "Idee")
		start := lastSeq(t, s)
		cm := NewComment(i, nil, "Geist")
		cm.ID = 4711
		wantCode(t, s.UpdateComment(t.Context(), cm), backend.ENOTFOUND)
		wantChanges(t, s, start)
	})
	t.Run("CommentCountFollows", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "count")
		p := MustCreateParticipant(t, s, c, "p")
		i := MustCreateIdea(t, s, c, p, "Viel diskutiert")
		other := MustCreateIdea(t, s, c, p, "Nebenan")
		var cms []*backend.Comment
		for k := range 3 {
			cm := NewComment(i, p, fmt.Sprint("Kommentar ", k))
			mustNoErr(t, s.CreateComment(t.Context(), cm), fmt.Sprint("create ", k))
			cms = append(cms, cm)
			if got := commentCount(t, s, i.ID); got != k+1 {
				t.Fatalf("after %d comments: comment count = %d, want %d", k+1, got, k+1)
			}
		}
		for _, step := range []struct {
			what    string
			comment *backend.Comment
			edit    func(*backend.Comment)
			want    int
		}{
			{"delete first", cms[0], func(cm *backend.Comment) { cm.Deleted, cm.Body = true, "" }, 2},
			{"hide second", cms[1], func(cm *backend.Comment) { cm.Hidden, cm.HiddenReason = true, "Spam" }, 1},
			{"hide deleted first again", cms[0], func(cm *backend.Comment) { cm.Hidden = true }, 1},
			{"edit third", cms[2], func(cm *backend.Comment) { cm.Body = "Nachgebessert" }, 1},
			{"unhide second", cms[1], func(cm *backend.Comment) { cm.Hidden, cm.HiddenReason = false, "" }, 2},
		} {
			start := lastSeq(t, s)
			step.edit(step.comment)
			step.comment.UpdatedAt = step.comment.UpdatedAt.Add(time.Second)
			mustNoErr(t, s.UpdateComment(t.Context(), step.comment), step.what)
			if got := commentCount(t, s, i.ID); got != step.want {
				t.Fatalf("after %s: comment count = %d, want %d", step.what, got, step.want)
			}
			wantCommentChange(t, s, start, step.comment.ID, c.ID)
		}
		if got := commentCount(t, s, other.ID); got != 0 {
			t.Fatalf("other idea's comment count = %d, want 0", got)
		}
		list, _, err := s.FindIdeas(t.Context(), backend.IdeaFilter{ConferenceID: c.ID, Sort: backend.SortComments})
		mustNoErr(t, err, "list")
		if len(list) != 2 || list[0].ID != i.ID || list[0].CommentCount != 2 || list[1].CommentCount != 0 {
			t.Fatalf("listed ids %v, want %d (2 comments) before %d (0)", idsOf(list), i.ID, other.ID)
		}
	})
	t.Run("EveryWriteRecordsOneChange", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "feed")
		p := MustCreateParticipant(t, s, c, "p")
		MustCreateIdea(t, s, c, nil, "Platzhalter") // so the idea's id is not its conference's
		i := MustCreateIdea(t, s, c, p, "Kommentiert")
		start := lastSeq(t, s)
		top := NewComment(i, p, "Oben")
		mustNoErr(t, s.CreateComment(t.Context(), top), "create")
		reply := NewComment(i, nil, "Antwort")
		reply.ParentID = &top.ID
		mustNoErr(t, s.CreateComment(t.Context(), reply), "create reply")
		top.Body = "Oben, geändert"
		mustNoErr(t, s.UpdateComment(t.Context(), top), "edit")
		reply.Hidden = true
		mustNoErr(t, s.UpdateComment(t.Context(), reply), "hide")
		wantChanges(t, s, start,
			backend.Change{Entity: backend.EntityComment, EntityID: top.ID, Op: backend.OpCreate, ConferenceID: c.ID},
			backend.Change{Entity: backend.EntityComment, EntityID: reply.ID, Op: backend.OpCreate, ConferenceID: c.ID},
			backend.Change{Entity: backend.EntityComment, EntityID: top.ID, Op: backend.OpUpdate, ConferenceID: c.ID},
			backend.Change{Entity: backend.EntityComment, EntityID: reply.ID, Op: backend.OpUpdate, ConferenceID: c.ID},
		)
	})
	t.Run("Concurrent", func(t *testing.T) {
		testConcurrentComments(t, open(t))
	})
}

// testConcurrentComments is the lost-update trap for CommentCount: 100 people
// comment on one idea at the same moment.
func testConcurrentComments(t *testing.T, s backend.Store) {
	const n = 100
	c := MustCreateConference(t, s, "rush")
	i := MustCreateIdea(t, s, c, nil, "Kantine länger öffnen")
	people := MustCreateParticipants(t, s, c, n)
	seq := lastSeq(t, s)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for k, p := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			cm := NewComment(i, p, fmt.Sprint("Ja, unbedingt! (", k, ")"))
			if err := s.CreateComment(t.Context(), cm); err != nil {
				t.Errorf("CreateComment(participant %d): %v", p.ID, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	if got := commentCount(t, s, i.ID); got != n {
		t.Fatalf("after %d concurrent comments: comment count = %d, want %d", n, got, n)
	}
	list, err := s.FindComments(t.Context(), i.ID)
	mustNoErr(t, err, "list")
	if len(list) != n {
		t.Fatalf("after %d concurrent comments: %d comments stored, want %d", n, len(list), n)
	}
	authors := map[int64]bool{}
	for k, cm := range list {
		if k > 0 && cm.ID <= list[k-1].ID {
			t.Fatalf("comments not in ascending id order: %v", commentIDs(list))
		}
		if cm.AuthorID != nil {
			authors[*cm.AuthorID] = true
		}
	}
	if len(authors) != n {
		t.Fatalf("after %d concurrent comments: %d distinct authors stored, want %d", n, len(authors), n)
	}
	changes, err := s.ChangesSince(t.Context(), seq, 1000)
	mustNoErr(t, err, "changes")
	if len(changes) != n {
		t.Fatalf("after %d concurrent comments: %d changes, want %d", n, len(changes), n)
	}
	for _, ch := range changes {
		if ch.Entity != backend.EntityComment || ch.Op != backend.OpCreate || ch.ConferenceID != c.ID {
			t.Fatalf("change %+v, want a comment create in conference %d", ch, c.ID)
		}
	}
}

// NewComment returns a valid, unsaved top-level comment on idea; a nil author
// makes it a comment without a participant.
func NewComment(idea *backend.Idea, author *backend.Participant, body string) *backend.Comment {
	c := &backend.Comment{IdeaID: idea.ID, AuthorName: "Import", Body: body, CreatedAt: now, UpdatedAt: now}
	if author != nil {
		c.AuthorID, c.AuthorName = &author.ID, author.DisplayName
	}
	return c
}

// wantCommentChange fails unless the only change after seq records a write of
// comment id in conference conferenceID. Deleting is an UpdateComment that
// keeps the row, so its op may be update or delete.
func wantCommentChange(tb testing.TB, s backend.Store, seq, id, conferenceID int64) {
	tb.Helper()
	got, err := s.ChangesSince(context.Background(), seq, 1000)
	mustNoErr(tb, err, "changes")
	if len(got) != 1 {
		tb.Fatalf("got %d changes %+v, want 1 for comment %d", len(got), got, id)
	}
	g := got[0]
	if g.Entity != backend.EntityComment || g.EntityID != id || g.ConferenceID != conferenceID || (g.Op != backend.OpUpdate && g.Op != backend.OpDelete) {
		tb.Fatalf("change = %+v, want entity %q, id %d, op %q (or %q), conference %d",
			g, backend.EntityComment, id, backend.OpUpdate, backend.OpDelete, conferenceID)
	}
}

// sameComment compares every field; times must be the same instants, in UTC.
func sameComment(tb testing.TB, got, want *backend.Comment) {
	tb.Helper()
	g, w := *got, *want
	for _, p := range []struct {
		name string
		g, w *time.Time
	}{{"created", &g.CreatedAt, &w.CreatedAt}, {"updated", &g.UpdatedAt, &w.UpdatedAt}} {
		if !p.g.Equal(*p.w) || p.g.Location() != time.UTC {
			tb.Fatalf("comment %d %s at %v, want %v in UTC", w.ID, p.name, *p.g, *p.w)
		}
		*p.g, *p.w = time.Time{}, time.Time{}
	}
	if !reflect.DeepEqual(g, w) {
		tb.Fatalf("comment =\n%s\nwant\n%s", fmtComment(g), fmtComment(w))
	}
}

// fmtComment prints a comment with the targets of its pointers, not their addresses.
func fmtComment(c backend.Comment) string {
	author, parent := fmtID(c.AuthorID), fmtID(c.ParentID)
	c.AuthorID, c.ParentID = nil, nil
	return fmt.Sprintf("%+v AuthorID:%s ParentID:%s", c, author, parent)
}

func fmtID(p *int64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

func commentIDs(cs []*backend.Comment) []int64 {
	ids := make([]int64, len(cs))
	for k, c := range cs {
		ids[k] = c.ID
	}
	return ids
}

func commentCount(tb testing.TB, s backend.Store, ideaID int64) int {
	tb.Helper()
	i, err := s.FindIdeaByID(context.Background(), ideaID)
	mustNoErr(tb, err, "find idea")
	return i.CommentCount
}

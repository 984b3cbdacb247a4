package backend_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ideenmarkt/backend"
)

// mergeCase is a market with a duplicate (source) and the idea it belongs to
// (target). Supports: the source by Otto and Mia, the target by Otto and
// Anna, so Otto supports both ends. Comments: Otto's comment with Anna's reply
// on the source, Anna's comment on the target.
type mergeCase struct {
	*market
	source, target            backend.IdeaView
	onSource, reply, onTarget backend.CommentView
	sourceTitle, targetTitle  string
}

func MustMergeCase(t *testing.T) *mergeCase {
	t.Helper()
	m := MustMarket(t, nil)
	c := &mergeCase{market: m, sourceTitle: "Dienstfahrräder für alle", targetTitle: "Dienstfahrrad für Dienstwege"}
	c.target = MustSubmit(t, m.app, m.other, "markt", idea(c.targetTitle))
	c.source = MustSubmit(t, m.app, m.author, "markt", idea(c.sourceTitle))
	for _, s := range []struct {
		who  backend.Actor
		idea int64
	}{{m.other, c.source.ID}, {m.moderator, c.source.ID}, {m.other, c.target.ID}, {m.author, c.target.ID}} {
		if _, err := m.app.SetSupport(t.Context(), s.who, s.idea, true); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if c.onSource, err = m.app.AddComment(t.Context(), m.other, c.source.ID, backend.CommentInput{Body: "Gibt es schon, siehe oben."}); err != nil {
		t.Fatal(err)
	}
	if c.reply, err = m.app.AddComment(t.Context(), m.author, c.source.ID, backend.CommentInput{Body: "Stimmt, danke!", ParentID: &c.onSource.ID}); err != nil {
		t.Fatal(err)
	}
	if c.onTarget, err = m.app.AddComment(t.Context(), m.author, c.target.ID, backend.CommentInput{Body: "Bin dafür."}); err != nil {
		t.Fatal(err)
	}
	return c
}

// supporters returns the names of who supports an idea, sorted.
func supporters(tb testing.TB, m *market, id int64) []string {
	tb.Helper()
	var out []string
	for name, p := range map[string]*backend.Participant{"Anna": m.authorP, "Otto": m.otherP, "Mia": m.modP} {
		got, err := m.app.Store.SupportedBy(tb.Context(), p.ID, []int64{id})
		if err != nil {
			tb.Fatal(err)
		}
		if got[id] {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// commentIDs lists an idea's comments as the organiser sees them.
func commentIDs(tb testing.TB, m *market, id int64) []int64 {
	tb.Helper()
	list, err := m.app.ListComments(tb.Context(), m.orga, id)
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]int64, len(list))
	for n, c := range list {
		out[n] = c.ID
	}
	return out
}

func wantIdeaState(tb testing.TB, m *market, id int64, status backend.IdeaStatus, into *int64, supports, comments int) {
	tb.Helper()
	i := MustStoredIdea(tb, m.app, id)
	if i.Status != status || (into == nil) != (i.MergedIntoID == nil) || (into != nil && *into != *i.MergedIntoID) ||
		i.SupportCount != supports || i.CommentCount != comments {
		tb.Errorf("idea %d: status %s mergedInto %v supports %d comments %d; want %s %v %d %d",
			id, i.Status, i.MergedIntoID, i.SupportCount, i.CommentCount, status, into, supports, comments)
	}
}

func TestMergeIdea(t *testing.T) {
	c := MustMergeCase(t)
	app, ctx := c.app, t.Context()
	c.clk.Set(t0.Add(time.Hour))
	reason := `<img src=x onerror=alert(1)> '; DROP TABLE merges; --`
	merge, err := app.MergeIdea(ctx, c.moderator, c.source.ID, backend.MergeInput{TargetID: c.target.ID, Reason: "  " + reason + " "})
	if err != nil {
		t.Fatalf("merge: %v", err)
	}
	want := backend.Merge{ID: merge.ID, ConferenceID: c.conf.ID, SourceID: c.source.ID, TargetID: c.target.ID, PreviousStatus: backend.IdeaNew,
		MovedSupports: 1, DroppedSupports: 1, MovedComments: 2, MovedImported: 0, Actor: "Mia Moderatorin (Moderation)", Reason: reason,
		CreatedAt: t0.Add(time.Hour)}
	if merge.ID == 0 || merge.UndoneAt != nil || !merge.CreatedAt.Equal(want.CreatedAt) {
		t.Fatalf("merge = %+v", *merge)
	}
	merge.CreatedAt = want.CreatedAt
	if *merge != want {
		t.Fatalf("merge\n got %+v\nwant %+v", *merge, want)
	}

	t.Run("supports survive, one per person", func(t *testing.T) {
		wantIdeaState(t, c.market, c.target.ID, backend.IdeaNew, nil, 3, 3)
		if got := supporters(t, c.market, c.target.ID); !slices.Equal(got, []string{"Anna", "Mia", "Otto"}) {
			t.Errorf("target supporters = %v", got)
		}
		if got := supporters(t, c.market, c.source.ID); len(got) != 0 {
			t.Errorf("source supporters = %v, want none", got)
		}
		v, _ := app.GetIdea(ctx, c.moderator, c.target.ID)
		if !v.Supported || v.SupportCount != 3 {
			t.Errorf("Mia's view of the target = %+v", v)
		}
	})
	t.Run("comments move with their threads", func(t *testing.T) {
		if got, want := commentIDs(t, c.market, c.target.ID), []int64{c.onSource.ID, c.reply.ID, c.onTarget.ID}; !slices.Equal(got, want) { // by id
			t.Errorf("target comments = %v, want %v", got, want)
		}
		if got := commentIDs(t, c.market, c.source.ID); len(got) != 0 {
			t.Errorf("source comments = %v, want none", got)
		}
		moved, _ := app.Store.FindCommentByID(ctx, c.reply.ID)
		if moved.IdeaID != c.target.ID || moved.ParentID == nil || *moved.ParentID != c.onSource.ID || moved.AuthorName != "Anna Autorin" {
			t.Errorf("moved reply = %+v", moved)
		}
	})
	t.Run("the source shows merged and where to", func(t *testing.T) {
		wantIdeaState(t, c.market, c.source.ID, backend.IdeaMerged, &c.target.ID, 0, 0)
		v, err := app.GetIdea(ctx, c.other, c.source.ID)
		if err != nil || v.Status != backend.IdeaMerged || v.MergedIntoID == nil || *v.MergedIntoID != c.target.ID || v.Title != c.sourceTitle {
			t.Errorf("source as a participant sees it = %+v (%v)", v.Idea, err)
		}
		author, _ := app.GetIdea(ctx, c.author, c.source.ID)
		if author.CanEdit || !author.Mine {
			t.Errorf("author's view: canEdit %v mine %v; want not editable, still mine", author.CanEdit, author.Mine)
		}
	})
	t.Run("the source can no longer be supported, commented or edited", func(t *testing.T) {
		_, err := app.SetSupport(ctx, c.author, c.source.ID, true)
		wantCode(t, err, backend.ECONFLICT)
		_, err = app.SetSupport(ctx, c.other, c.source.ID, false)
		wantCode(t, err, backend.ECONFLICT)
		_, err = app.AddComment(ctx, c.other, c.source.ID, backend.CommentInput{Body: "Noch was"})
		wantCode(t, err, backend.ECONFLICT)
		title := "Umbenannt"
		_, err = app.UpdateIdea(ctx, c.author, c.source.ID, backend.IdeaUpdate{Title: &title})
		wantCode(t, err, backend.ECONFLICT)
		_, err = app.UpdateIdea(ctx, c.moderator, c.source.ID, backend.IdeaUpdate{Title: &title})
		wantCode(t, err, backend.ECONFLICT)
		if got := MustStoredIdea(t, app, c.source.ID).Title; got != c.sourceTitle {
			t.Errorf("title = %q", got)
		}
	})
	t.Run("the lists no longer show the source", func(t *testing.T) {
		for name, a := range map[string]backend.Actor{"participant": c.other, "moderator": c.moderator, "organiser": c.orga, "visitor": {}} {
			views, total, err := app.ListIdeas(ctx, a, "markt", backend.IdeaQuery{})
			if err != nil || total != 1 || !slices.Equal(ideaIDs(views), []int64{c.target.ID}) {
				t.Errorf("%s lists %v (total %d, %v), want only the target %d", name, ideaIDs(views), total, err, c.target.ID)
			}
		}
	})
	t.Run("the audit log names both ideas", func(t *testing.T) {
		log, total, err := app.AuditLog(ctx, c.orga, "markt", 0, 10)
		if err != nil || total != 1 { // Mia was made moderator through the store, without an entry
			t.Fatalf("audit log = %+v (total %d, %v)", log, total, err)
		}
		e := log[0]
		wantReason := "→ #" + itoa(c.target.ID) + " „" + c.targetTitle + "“: " + reason
		if e.Action != backend.AuditMerge || e.Entity != backend.EntityIdea || e.EntityID != c.source.ID || e.Actor != "Mia Moderatorin (Moderation)" ||
			e.Reason != wantReason || !e.CreatedAt.Equal(t0.Add(time.Hour)) || e.ConferenceID != c.conf.ID {
			t.Errorf("audit entry = %+v, want merge of %d with reason %q", *e, c.source.ID, wantReason)
		}
	})
	t.Run("the active merge is found from the source only", func(t *testing.T) {
		got, err := app.ActiveMerge(ctx, c.moderator, c.source.ID)
		if err != nil || got.ID != merge.ID || got.MovedSupports != 1 || got.DroppedSupports != 1 || got.MovedComments != 2 {
			t.Errorf("active merge = %+v (%v)", got, err)
		}
		_, err = app.ActiveMerge(ctx, c.moderator, c.target.ID)
		wantCode(t, err, backend.ENOTFOUND)
		_, err = app.ActiveMerge(ctx, c.other, c.source.ID)
		wantCode(t, err, backend.EFORBIDDEN)
		_, err = app.ActiveMerge(ctx, backend.Actor{}, c.source.ID)
		wantCode(t, err, backend.EUNAUTHORIZED)
		_, err = app.ActiveMerge(ctx, c.moderator, 999999)
		wantCode(t, err, backend.ENOTFOUND)
	})
	t.Run("a double submit of the same merge is a conflict", func(t *testing.T) {
		_, err := app.MergeIdea(ctx, c.moderator, c.source.ID, backend.MergeInput{TargetID: c.target.ID})
		wantCode(t, err, backend.ECONFLICT)
		if n := countAudit(t, c.market, backend.AuditMerge); n != 1 {
			t.Errorf("%d merge entries in the log, want 1", n)
		}
	})

	// A reply given on the target to a moved comment follows it back.
	late, err := app.AddComment(ctx, c.other, c.target.ID, backend.CommentInput{Body: "Antwort nach dem Zusammenführen", ParentID: &c.onSource.ID})
	if err != nil {
		t.Fatal(err)
	}
	c.clk.Set(t0.Add(2 * time.Hour))
	undone, err := app.UndoMerge(ctx, c.moderator, merge.ID, " Versehen <b>!</b> ")
	if err != nil {
		t.Fatalf("undo: %v", err)
	}
	t.Run("undo restores supports, comments and status exactly", func(t *testing.T) {
		if undone.ID != merge.ID || undone.UndoneAt == nil || !undone.UndoneAt.Equal(t0.Add(2*time.Hour)) {
			t.Errorf("undone merge = %+v", undone)
		}
		wantIdeaState(t, c.market, c.source.ID, backend.IdeaNew, nil, 2, 3)
		wantIdeaState(t, c.market, c.target.ID, backend.IdeaNew, nil, 2, 1)
		if got := supporters(t, c.market, c.source.ID); !slices.Equal(got, []string{"Mia", "Otto"}) {
			t.Errorf("source supporters = %v, want Mia and Otto", got)
		}
		if got := supporters(t, c.market, c.target.ID); !slices.Equal(got, []string{"Anna", "Otto"}) {
			t.Errorf("target supporters = %v, want Anna and Otto", got)
		}
		if got, want := commentIDs(t, c.market, c.source.ID), []int64{c.onSource.ID, c.reply.ID, late.ID}; !slices.Equal(got, want) {
			t.Errorf("source comments = %v, want %v", got, want)
		}
		if got, want := commentIDs(t, c.market, c.target.ID), []int64{c.onTarget.ID}; !slices.Equal(got, want) {
			t.Errorf("target comments = %v, want %v", got, want)
		}
		views, total, _ := app.ListIdeas(ctx, c.other, "markt", backend.IdeaQuery{})
		if total != 2 || !slices.Contains(ideaIDs(views), c.source.ID) {
			t.Errorf("list after undo = %v", ideaIDs(views))
		}
		_, err := app.ActiveMerge(ctx, c.moderator, c.source.ID)
		wantCode(t, err, backend.ENOTFOUND)
	})
	t.Run("undo is audited", func(t *testing.T) {
		log, _, _ := app.AuditLog(ctx, c.orga, "markt", 0, 1)
		e := log[0]
		if e.Action != backend.AuditUndoMerge || e.EntityID != c.source.ID || e.Reason != "← #"+itoa(c.target.ID)+": Versehen <b>!</b>" ||
			e.Actor != "Mia Moderatorin (Moderation)" || !e.CreatedAt.Equal(t0.Add(2*time.Hour)) {
			t.Errorf("audit entry = %+v", *e)
		}
	})
	t.Run("undo twice is a conflict", func(t *testing.T) {
		_, err := app.UndoMerge(ctx, c.moderator, merge.ID, "")
		wantCode(t, err, backend.ECONFLICT)
		if n := countAudit(t, c.market, backend.AuditUndoMerge); n != 1 {
			t.Errorf("%d undo entries, want 1", n)
		}
	})
	t.Run("the source can be supported and merged again", func(t *testing.T) {
		if _, err := app.SetSupport(ctx, c.author, c.source.ID, true); err != nil {
			t.Fatal(err)
		}
		again, err := app.MergeIdea(ctx, c.orga, c.source.ID, backend.MergeInput{TargetID: c.target.ID})
		if err != nil || again.ID == merge.ID || again.Actor != orgaEmail || again.MovedSupports != 1 || again.DroppedSupports != 2 {
			t.Fatalf("second merge = %+v (%v); want Mia moved, Otto and Anna dropped", again, err)
		}
		wantIdeaState(t, c.market, c.target.ID, backend.IdeaNew, nil, 3, 4)
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// countAudit counts a market's audit entries of one action.
func countAudit(tb testing.TB, m *market, action string) int {
	tb.Helper()
	log, _, err := m.app.AuditLog(tb.Context(), m.orga, "markt", 0, 200)
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.Action == action {
			n++
		}
	}
	return n
}

func TestMergeIdeaValidation(t *testing.T) {
	c := MustMergeCase(t)
	app, ctx := c.app, t.Context()
	other := MustCreateMarket(t, app, c.orga, marketInput("andere"), backend.PhaseIdeas)
	stranger, _ := MustJoin(t, app, "andere", other.JoinCode, "Fremd", "")
	foreign := MustSubmit(t, app, stranger, "andere", idea("Dienstfahrräder für alle"))
	merged := MustSubmit(t, app, c.other, "markt", idea("Dienstfahrräder, bitte"))
	if _, err := app.MergeIdea(ctx, c.moderator, merged.ID, backend.MergeInput{TargetID: c.target.ID}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   backend.MergeInput
		want []string
	}{
		{"no target", backend.MergeInput{}, []string{"targetId:required"}},
		{"a negative target", backend.MergeInput{TargetID: -5}, []string{"targetId:unknown"}},
		{"itself", backend.MergeInput{TargetID: c.source.ID}, []string{"targetId:same"}},
		{"an unknown idea", backend.MergeInput{TargetID: 999999}, []string{"targetId:unknown"}},
		{"another conference's idea", backend.MergeInput{TargetID: foreign.ID}, []string{"targetId:unknown"}},
		{"an idea merged itself", backend.MergeInput{TargetID: merged.ID}, []string{"targetId:merged"}},
		{"a reason over 500 characters", backend.MergeInput{TargetID: c.target.ID, Reason: strings.Repeat("ö", 501)}, []string{"reason:too_long"}},
		{"a control character in the reason", backend.MergeInput{TargetID: c.target.ID, Reason: "Doppelt\x07"}, []string{"reason:control_char"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := app.MergeIdea(ctx, c.moderator, c.source.ID, tt.in)
			wantFields(t, err, tt.want...)
			wantIdeaState(t, c.market, c.source.ID, backend.IdeaNew, nil, 2, 2)
		})
	}
	t.Run("the message names where the merged idea went", func(t *testing.T) {
		_, err := app.MergeIdea(ctx, c.moderator, c.source.ID, backend.MergeInput{TargetID: merged.ID})
		var be *backend.Error
		if !errors.As(err, &be) || len(be.Fields) != 1 || !strings.Contains(be.Fields[0].EN, "#"+itoa(c.target.ID)) {
			t.Errorf("err = %v, want the message to name #%d", err, c.target.ID)
		}
	})
	t.Run("a 500-character reason is fine", func(t *testing.T) {
		m, err := app.MergeIdea(ctx, c.moderator, c.source.ID, backend.MergeInput{TargetID: c.target.ID, Reason: strings.Repeat("ö", 500)})
		if err != nil || m.Reason != strings.Repeat("ö", 500) {
			t.Fatalf("merge = %+v, %v", m, err)
		}
	})
}

func TestMergePermissions(t *testing.T) {
	for name, tt := range map[string]struct {
		actor func(c *mergeCase) backend.Actor
		want  string
	}{
		"a visitor must join":              {func(c *mergeCase) backend.Actor { return backend.Actor{} }, backend.EUNAUTHORIZED},
		"a participant may not":            {func(c *mergeCase) backend.Actor { return c.other }, backend.EFORBIDDEN},
		"the author may not":               {func(c *mergeCase) backend.Actor { return c.author }, backend.EFORBIDDEN},
		"a moderator may":                  {func(c *mergeCase) backend.Actor { return c.moderator }, ""},
		"an organiser may without joining": {func(c *mergeCase) backend.Actor { return c.orga }, ""},
	} {
		t.Run(name, func(t *testing.T) {
			c := MustMergeCase(t)
			m, err := c.app.MergeIdea(t.Context(), tt.actor(c), c.source.ID, backend.MergeInput{TargetID: c.target.ID})
			wantCode(t, err, tt.want)
			if err != nil {
				wantIdeaState(t, c.market, c.source.ID, backend.IdeaNew, nil, 2, 2)
				return
			}
			// Undo follows the same rules.
			_, err = c.app.UndoMerge(t.Context(), c.other, m.ID, "")
			wantCode(t, err, backend.EFORBIDDEN)
			_, err = c.app.UndoMerge(t.Context(), backend.Actor{}, m.ID, "")
			wantCode(t, err, backend.EUNAUTHORIZED)
			_, err = c.app.UndoMerge(t.Context(), tt.actor(c), m.ID, strings.Repeat("x", 501))
			wantFields(t, err, "reason:too_long")
			if _, err = c.app.UndoMerge(t.Context(), tt.actor(c), m.ID, ""); err != nil {
				t.Fatalf("undo: %v", err)
			}
		})
	}
	t.Run("an unknown merge is not found", func(t *testing.T) {
		c := MustMergeCase(t)
		_, err := c.app.UndoMerge(t.Context(), c.orga, 424242, "")
		wantCode(t, err, backend.ENOTFOUND)
	})
	t.Run("a moderator of another conference is a visitor here", func(t *testing.T) {
		c := MustMergeCase(t)
		other := MustCreateMarket(t, c.app, c.orga, marketInput("andere"), backend.PhaseIdeas)
		mod, modP := MustJoin(t, c.app, "andere", other.JoinCode, "Fremde Moderatorin", "")
		MustMakeModerator(t, c.app, modP)
		_, err := c.app.MergeIdea(t.Context(), mod, c.source.ID, backend.MergeInput{TargetID: c.target.ID})
		wantCode(t, err, backend.EUNAUTHORIZED)
	})
	t.Run("an archived conference is a conflict, for undo too", func(t *testing.T) {
		c := MustMergeCase(t)
		m, err := c.app.MergeIdea(t.Context(), c.orga, c.source.ID, backend.MergeInput{TargetID: c.target.ID})
		if err != nil {
			t.Fatal(err)
		}
		other := MustSubmit(t, c.app, c.author, "markt", idea("Noch ein Duplikat"))
		MustSetPhases(t, c.app, c.orga, "markt", backend.PhaseLive, backend.PhaseClosed, backend.PhaseArchived)
		_, err = c.app.MergeIdea(t.Context(), c.orga, other.ID, backend.MergeInput{TargetID: c.target.ID})
		wantCode(t, err, backend.ECONFLICT)
		_, err = c.app.UndoMerge(t.Context(), c.orga, m.ID, "")
		wantCode(t, err, backend.ECONFLICT)
		wantIdeaState(t, c.market, c.source.ID, backend.IdeaMerged, &c.target.ID, 0, 0)
	})
	t.Run("merging works in the closed phase", func(t *testing.T) {
		c := MustMergeCase(t)
		MustSetPhases(t, c.app, c.orga, "markt", backend.PhaseLive, backend.PhaseClosed)
		if _, err := c.app.MergeIdea(t.Context(), c.moderator, c.source.ID, backend.MergeInput{TargetID: c.target.ID}); err != nil {
			t.Fatalf("merge when closed: %v", err)
		}
	})
	t.Run("undo is refused once the target was merged itself", func(t *testing.T) {
		c := MustMergeCase(t)
		m, err := c.app.MergeIdea(t.Context(), c.orga, c.source.ID, backend.MergeInput{TargetID: c.target.ID})
		if err != nil {
			t.Fatal(err)
		}
		third := MustSubmit(t, c.app, c.author, "markt", idea("Dienstfahrräder überall"))
		if _, err := c.app.MergeIdea(t.Context(), c.orga, c.target.ID, backend.MergeInput{TargetID: third.ID}); err != nil {
			t.Fatal(err)
		}
		_, err = c.app.UndoMerge(t.Context(), c.orga, m.ID, "")
		wantCode(t, err, backend.ECONFLICT)
		wantIdeaState(t, c.market, third.ID, backend.IdeaNew, nil, 3, 3)
	})
}

// A double click on "merge", and two moderators merging two duplicates into
// each other at the same moment: one merge wins, the rest are conflicts.
func TestMergeConcurrently(t *testing.T) {
	c := MustMergeCase(t)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() {
			from, into := c.source.ID, c.target.ID
			if i%2 == 1 {
				from, into = into, from
			}
			_, errs[i] = c.app.MergeIdea(t.Context(), c.moderator, from, backend.MergeInput{TargetID: into})
		})
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch backend.ErrorCode(err) {
		case "":
			ok++
		case backend.ECONFLICT:
		case backend.EINVALID: // the App saw the other one merged already
			if got := fieldCodes(t, err); !slices.Equal(got, []string{"targetId:merged"}) {
				t.Errorf("merge %d: %v", i, err)
			}
		default:
			t.Errorf("merge %d: %v", i, err)
		}
	}
	if ok != 1 || countAudit(t, c.market, backend.AuditMerge) != 1 {
		t.Fatalf("%d merges succeeded, %d logged; want 1", ok, countAudit(t, c.market, backend.AuditMerge))
	}
	s, tg := MustStoredIdea(t, c.app, c.source.ID), MustStoredIdea(t, c.app, c.target.ID)
	if (s.MergedIntoID == nil) == (tg.MergedIntoID == nil) || s.SupportCount+tg.SupportCount != 3 || s.CommentCount+tg.CommentCount != 3 {
		t.Errorf("after the race: source %+v, target %+v", *s, *tg)
	}
}

func TestMergeImportedSupports(t *testing.T) {
	m := MustMarket(t, nil)
	ctx := t.Context()
	res, err := m.app.Import(ctx, m.orga, "markt", backend.ImportRequest{Ideas: []backend.ImportRow{
		{Line: 2, Ref: "1", Title: "Jobticket für alle", Supports: 5, CreatedAt: t0.Add(-time.Hour)},
		{Line: 3, Ref: "2", Title: "Jobticket für Azubis", Supports: 7, CreatedAt: t0.Add(-time.Hour)},
	}})
	if err != nil || res.Ideas != 2 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	views, _, _ := m.app.ListIdeas(ctx, m.orga, "markt", backend.IdeaQuery{})
	byTitle := map[string]int64{}
	for _, v := range views {
		byTitle[v.Title] = v.ID
	}
	src, dst := byTitle["Jobticket für alle"], byTitle["Jobticket für Azubis"]
	if _, err := m.app.SetSupport(ctx, m.author, src, true); err != nil {
		t.Fatal(err)
	}
	merge, err := m.app.MergeIdea(ctx, m.moderator, src, backend.MergeInput{TargetID: dst})
	if err != nil || merge.MovedImported != 5 || merge.MovedSupports != 1 {
		t.Fatalf("merge = %+v, %v", merge, err)
	}
	if i := MustStoredIdea(t, m.app, dst); i.SupportCount != 13 || i.ImportedSupports != 12 {
		t.Errorf("target: supports %d imported %d, want 13 and 12", i.SupportCount, i.ImportedSupports)
	}
	if i := MustStoredIdea(t, m.app, src); i.SupportCount != 0 || i.ImportedSupports != 0 {
		t.Errorf("source: supports %d imported %d, want 0 and 0", i.SupportCount, i.ImportedSupports)
	}
	if _, err := m.app.UndoMerge(ctx, m.moderator, merge.ID, ""); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64][2]int{src: {6, 5}, dst: {7, 7}} {
		if i := MustStoredIdea(t, m.app, id); i.SupportCount != want[0] || i.ImportedSupports != want[1] {
			t.Errorf("idea %d after undo: supports %d imported %d, want %v", id, i.SupportCount, i.ImportedSupports, want)
		}
	}
}

func TestSimilarIdeas(t *testing.T) {
	m := MustMarket(t, nil)
	app, ctx := m.app, t.Context()
	first := MustSubmit(t, app, m.author, "markt", idea("Dienstfahrräder für alle"))
	hidden := MustSubmit(t, app, m.other, "markt", idea("Dienstfahrrad-Leasing"))
	MustHide(t, app, hidden.ID)
	merged := MustSubmit(t, app, m.other, "markt", idea("Dienstfahrräder, bitte"))
	if _, err := app.MergeIdea(ctx, m.moderator, merged.ID, backend.MergeInput{TargetID: first.ID}); err != nil {
		t.Fatal(err)
	}
	MustSubmit(t, app, m.other, "markt", idea("Jobticket für Azubis"))
	if _, err := app.SetSupport(ctx, m.other, first.ID, true); err != nil {
		t.Fatal(err)
	}
	other := MustCreateMarket(t, app, m.orga, marketInput("andere"), backend.PhaseIdeas)
	stranger, _ := MustJoin(t, app, "andere", other.JoinCode, "Fremd", "")
	MustSubmit(t, app, stranger, "andere", idea("Dienstfahrrad"))
	MustCreateMarket(t, app, m.orga, marketInput("entwurf"), backend.PhaseDraft)

	type hint struct {
		ID       int64
		Title    string
		Supports int
	}
	hints := func(t *testing.T, a backend.Actor, slug, title string) []hint {
		t.Helper()
		got, err := app.SimilarIdeas(ctx, a, slug, title)
		if err != nil {
			t.Fatalf("similar %q: %v", title, err)
		}
		if got == nil {
			t.Fatalf("similar %q = nil, want a list", title)
		}
		out := []hint{}
		for _, h := range got {
			out = append(out, hint{h.ID, h.Title, h.SupportCount})
		}
		return out
	}
	firstHint := hint{first.ID, "Dienstfahrräder für alle", 1} // Otto's support

	t.Run("a similar title is hinted to participants, without hidden and merged ideas", func(t *testing.T) {
		for name, a := range map[string]backend.Actor{"participant": m.other, "visitor": {}} {
			if got := hints(t, a, "markt", "Dienstfahrrad"); !slices.Equal(got, []hint{firstHint}) {
				t.Errorf("%s: hints = %+v, want %+v", name, got, firstHint)
			}
		}
	})
	t.Run("moderators also see hidden ideas, never merged ones", func(t *testing.T) {
		want := []hint{firstHint, {hidden.ID, "Dienstfahrrad-Leasing", 0}}
		for name, a := range map[string]backend.Actor{"moderator": m.moderator, "organiser": m.orga} {
			if got := hints(t, a, "markt", "Dienstfahrrad"); !slices.Equal(got, want) {
				t.Errorf("%s: hints = %+v, want %+v", name, got, want)
			}
		}
	})
	t.Run("the author of a hidden idea is not hinted it either", func(t *testing.T) {
		if got := hints(t, m.other, "markt", "Dienstfahrrad-Leasing"); !slices.Equal(got, []hint{firstHint}) {
			t.Errorf("hints = %+v", got)
		}
	})
	t.Run("other conferences never", func(t *testing.T) {
		got := hints(t, stranger, "andere", "Dienstfahrräder")
		if len(got) != 1 || got[0].Title != "Dienstfahrrad" {
			t.Errorf("hints in the other conference = %+v, want only its own idea", got)
		}
	})
	t.Run("empty, short and stop-word titles give an empty list", func(t *testing.T) {
		for _, title := range []string{"", "  ", "ab", "Di", "der die das", "!!!", "für alle"} {
			if got := hints(t, m.other, "markt", title); len(got) != 0 {
				t.Errorf("%q: hints = %+v, want none", title, got)
			}
		}
	})
	t.Run("unrelated titles give no hints", func(t *testing.T) {
		if got := hints(t, m.other, "markt", "Kantine länger öffnen"); len(got) != 0 {
			t.Errorf("hints = %+v", got)
		}
	})
	t.Run("a 10,000-character title is fine", func(t *testing.T) {
		if got := hints(t, m.other, "markt", strings.Repeat("x", 10000)); len(got) != 0 {
			t.Errorf("hints = %+v", got)
		}
		if got := hints(t, m.other, "markt", strings.Repeat("Dienstfahrrad ", 715)); !slices.Equal(got, []hint{firstHint}) {
			t.Errorf("hints = %+v", got)
		}
		if got := hints(t, m.other, "markt", strings.Repeat("ä", 10000)); len(got) != 0 {
			t.Errorf("hints = %+v", got)
		}
	})
	t.Run("at most five hints, best first", func(t *testing.T) {
		for _, amt := range []string{"Bauamt", "Ordnungsamt", "Personalamt", "Jugendamt", "Bürgeramt", "Standesamt", "Umweltamt"} {
			MustSubmit(t, app, m.author, "markt", idea("Jobticket für Azubis im "+amt))
		}
		got := hints(t, m.other, "markt", "Jobticket für Azubis")
		if len(got) != backend.MaxSimilar || got[0].Title != "Jobticket für Azubis" {
			t.Errorf("hints = %+v, want 5 with the exact title first", got)
		}
	})
	t.Run("drafts and unknown conferences are not found", func(t *testing.T) {
		_, err := app.SimilarIdeas(ctx, m.other, "entwurf", "Dienstfahrrad")
		wantCode(t, err, backend.ENOTFOUND)
		_, err = app.SimilarIdeas(ctx, m.other, "gibt-es-nicht", "Dienstfahrrad")
		wantCode(t, err, backend.ENOTFOUND)
	})
}

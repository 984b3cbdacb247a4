package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func testMerge(t *testing.T, open Opener) {
	t.Run("MovesSupportsAndComments", func(t *testing.T) {
		s := open(t)
		f := newMergeFixture(t, s)
		start := lastSeq(t, s)
		at := now.Add(2 * time.Hour)
		audit := f.audit(backend.AuditMerge, "Doppelt eingereicht 🚲", at)
		m := &backend.Merge{ConferenceID: f.c.ID, SourceID: f.src.ID, TargetID: f.tgt.ID, Actor: audit.Actor, Reason: audit.Reason}
		mustNoErr(t, s.MergeIdeas(t.Context(), m, audit), "merge")

		if m.ID == 0 || audit.ID == 0 {
			t.Fatalf("after merge: merge id = %d, audit id = %d; want both set", m.ID, audit.ID)
		}
		want := &backend.Merge{ID: m.ID, ConferenceID: f.c.ID, SourceID: f.src.ID, TargetID: f.tgt.ID, PreviousStatus: f.src.Status,
			MovedSupports: 2, DroppedSupports: 1, MovedComments: 3, MovedImported: 0, // p1 supported both: dropped once
			Actor: audit.Actor, Reason: audit.Reason, CreatedAt: at}
		sameMerge(t, "returned", m, want)
		got, err := s.FindMerge(t.Context(), m.ID)
		mustNoErr(t, err, "find merge")
		sameMerge(t, "found", got, want)
		got, err = s.FindActiveMerge(t.Context(), f.src.ID)
		mustNoErr(t, err, "find active merge")
		sameMerge(t, "active", got, want)
		_, err = s.FindActiveMerge(t.Context(), f.tgt.ID)
		wantCode(t, err, backend.ENOTFOUND) // the target is no merge's source

		src, tgt := *f.src, *f.tgt
		src.Status, src.MergedIntoID, src.SupportCount, src.CommentCount, src.Version = backend.IdeaMerged, &f.tgt.ID, 0, 0, f.src.Version+1
		tgt.SupportCount, tgt.CommentCount, tgt.Version = 4, 3, f.tgt.Version+1 // the hidden comment moves but is not counted
		mergeWantIdea(t, s, "source after merge", &src, at)
		mergeWantIdea(t, s, "target after merge", &tgt, at)
		for k, want := range [][]int64{{f.tgt.ID}, {f.tgt.ID}, {f.tgt.ID}, {f.tgt.ID}, nil} {
			wantSupported(t, s, f.people[k].ID, []int64{f.src.ID, f.tgt.ID}, want...)
		}
		moved := mergeCommentsOn(f.srcComments, f.tgt.ID)
		mergeWantComments(t, s, "source after merge", f.src.ID)
		mergeWantComments(t, s, "target after merge", f.tgt.ID, moved[0], f.tgtComments[0], moved[1], moved[2])
		wantAuditLog(t, s, "after merge", f.c.ID, 0, 10, 1, audit)
		wantChanges(t, s, start,
			backend.Change{Entity: backend.EntityIdea, EntityID: f.src.ID, Op: backend.OpUpdate, ConferenceID: f.c.ID},
			backend.Change{Entity: backend.EntityIdea, EntityID: f.tgt.ID, Op: backend.OpUpdate, ConferenceID: f.c.ID},
			backend.Change{Entity: backend.EntityComment, EntityID: f.srcComments[0].ID, Op: backend.OpUpdate, ConferenceID: f.c.ID},
			backend.Change{Entity: backend.EntityComment, EntityID: f.srcComments[1].ID, Op: backend.OpUpdate, ConferenceID: f.c.ID},
			backend.Change{Entity: backend.EntityComment, EntityID: f.srcComments[2].ID, Op: backend.OpUpdate, ConferenceID: f.c.ID},
		)
		wantIdeas(t, s, "listing after merge", backend.IdeaFilter{ConferenceID: f.c.ID, Sort: backend.SortNewest, IncludeHidden: true}, 1, f.tgt.ID)
	})
	t.Run("UndoRestoresEverything", func(t *testing.T) {
		s := open(t)
		f := newMergeFixture(t, s)
		at := now.Add(2 * time.Hour)
		audit := f.audit(backend.AuditMerge, "Doppelt", at)
		m := &backend.Merge{ConferenceID: f.c.ID, SourceID: f.src.ID, TargetID: f.tgt.ID, Actor: audit.Actor, Reason: audit.Reason, CreatedAt: at}
		mustNoErr(t, s.MergeIdeas(t.Context(), m, audit), "merge")

		start := lastSeq(t, s)
		undoneAt := at.Add(time.Hour)
		undo := f.audit(backend.AuditUndoMerge, "Doch verschieden", undoneAt)
		mustNoErr(t, s.UndoMerge(t.Context(), m.ID, undo), "undo")
		if undo.ID == 0 || undo.ID == audit.ID {
			t.Fatalf("after undo: audit ids %d then %d, want two distinct ids", audit.ID, undo.ID)
		}
		src, tgt := *f.src, *f.tgt
		src.Version, tgt.Version = f.src.Version+2, f.tgt.Version+2
		mergeWantIdea(t, s, "source after undo", &src, undoneAt) // previous status, no MergedIntoID, counts as before
		mergeWantIdea(t, s, "target after undo", &tgt, undoneAt)
		for k, want := range [][]int64{{f.src.ID}, {f.src.ID, f.tgt.ID}, {f.src.ID}, {f.tgt.ID}, nil} {
			wantSupported(t, s, f.people[k].ID, []int64{f.src.ID, f.tgt.ID}, want...)
		}
		mergeWantComments(t, s, "source after undo", f.src.ID, f.srcComments...)
		mergeWantComments(t, s, "target after undo", f.tgt.ID, f.tgtComments...)
		wantAuditLog(t, s, "after undo", f.c.ID, 0, 10, 2, undo, audit)
		wantChanges(t, s, start,
			backend.Change{Entity: backend.EntityIdea, EntityID: f.src.ID, Op: backend.OpUpdate, ConferenceID: f.c.ID},
			backend.Change{Entity: backend.EntityIdea, EntityID: f.tgt.ID, Op: backend.OpUpdate, ConferenceID: f.c.ID},
			backend.Change{Entity: backend.EntityComment, EntityID: f.srcComments[0].ID, Op: backend.OpUpdate, ConferenceID: f.c.ID},
			backend.Change{Entity: backend.EntityComment, EntityID: f.srcComments[1].ID, Op: backend.OpUpdate, ConferenceID: f.c.ID},
			backend.Change{Entity: backend.EntityComment, EntityID: f.srcComments[2].ID, Op: backend.OpUpdate, ConferenceID: f.c.ID},
		)
		want := *m
		want.UndoneAt = &undoneAt
		got, err := s.FindMerge(t.Context(), m.ID)
		mustNoErr(t, err, "find undone merge")
		sameMerge(t, "undone", got, &want)
		_, err = s.FindActiveMerge(t.Context(), f.src.ID)
		wantCode(t, err, backend.ENOTFOUND)
		wantIdeas(t, s, "listing after undo", backend.IdeaFilter{ConferenceID: f.c.ID, Sort: backend.SortNewest, IncludeHidden: true}, 2, f.tgt.ID, f.src.ID)

		// Undoing twice is a conflict and writes nothing.
		start = lastSeq(t, s)
		again := f.audit(backend.AuditUndoMerge, "Nochmal", undoneAt.Add(time.Hour))
		wantCode(t, s.UndoMerge(t.Context(), m.ID, again), backend.ECONFLICT)
		wantChanges(t, s, start)
		wantAuditLog(t, s, "after second undo", f.c.ID, 0, 10, 2, undo, audit)
		mergeWantIdea(t, s, "source after second undo", &src, undoneAt)

		// The restored idea can be merged again, and the new merge is the active one.
		m2 := &backend.Merge{ConferenceID: f.c.ID, SourceID: f.src.ID, TargetID: f.tgt.ID, Actor: "orga@example.org"}
		mustNoErr(t, s.MergeIdeas(t.Context(), m2, f.audit(backend.AuditMerge, "", undoneAt.Add(2*time.Hour))), "merge again")
		if m2.ID == m.ID || m2.PreviousStatus != f.src.Status || m2.MovedSupports != 2 || m2.DroppedSupports != 1 || m2.MovedComments != 3 {
			t.Fatalf("second merge = %+v, want a new id, previous status %q and the same counts as the first %+v", m2, f.src.Status, m)
		}
		got, err = s.FindActiveMerge(t.Context(), f.src.ID)
		mustNoErr(t, err, "find active merge")
		sameMerge(t, "active after merging again", got, m2)
	})
	t.Run("Conflicts", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "conflicts")
		other := MustCreateConference(t, s, "other")
		p := MustCreateParticipant(t, s, c, "p")
		a := MustCreateIdea(t, s, c, p, "A")
		b := MustCreateIdea(t, s, c, p, "B")
		x := MustCreateIdea(t, s, c, p, "X")
		o := MustCreateIdea(t, s, other, nil, "Fremd")
		o2 := MustCreateIdea(t, s, other, nil, "Fremd 2")
		_, err := s.SetSupport(t.Context(), a.ID, p.ID, true, now)
		mustNoErr(t, err, "support")
		ab := &backend.Merge{ConferenceID: c.ID, SourceID: a.ID, TargetID: b.ID, Actor: "orga@example.org"}
		abAudit := &backend.AuditEntry{ConferenceID: c.ID, Actor: "orga@example.org",
			Action: backend.AuditMerge, Entity: backend.EntityIdea, EntityID: a.ID, CreatedAt: now}
		mustNoErr(t, s.MergeIdeas(t.Context(), ab, abAudit), "merge a into b")
		before := map[int64]*backend.Idea{}
		for _, i := range []*backend.Idea{a, b, x, o, o2} {
			before[i.ID] = mergeFindIdea(t, s, i.ID)
		}
		start := lastSeq(t, s)
		for _, tc := range []struct {
			name                 string
			conf, source, target int64
			code                 string
		}{
			{"same idea", c.ID, x.ID, x.ID, backend.ECONFLICT},
			{"source already merged", c.ID, a.ID, x.ID, backend.ECONFLICT},
			{"target merged", c.ID, x.ID, a.ID, backend.ECONFLICT},
			{"target of another conference", c.ID, x.ID, o.ID, backend.ECONFLICT},
			{"source of another conference", c.ID, o.ID, x.ID, backend.ECONFLICT},
			{"both of another conference", c.ID, o.ID, o2.ID, backend.ECONFLICT},
			{"unknown source", c.ID, 987654, x.ID, backend.ENOTFOUND},
			{"unknown target", c.ID, x.ID, 987654, backend.ENOTFOUND},
			{"unknown both", c.ID, 987654, 987655, backend.ENOTFOUND},
		} {
			m := &backend.Merge{ConferenceID: tc.conf, SourceID: tc.source, TargetID: tc.target, Actor: "orga@example.org"}
			audit := &backend.AuditEntry{ConferenceID: c.ID, Actor: "orga@example.org", Action: backend.AuditMerge,
				Entity: backend.EntityIdea, EntityID: tc.source, CreatedAt: now.Add(time.Hour)}
			err := s.MergeIdeas(t.Context(), m, audit)
			if got := backend.ErrorCode(err); got != tc.code {
				t.Fatalf("%s: error code = %q (%v), want %q", tc.name, got, err, tc.code)
			}
			if m.ID != 0 || audit.ID != 0 {
				t.Fatalf("%s: failed merge set merge id %d, audit id %d; want both 0", tc.name, m.ID, audit.ID)
			}
		}
		wantChanges(t, s, start)
		wantAuditLog(t, s, "after rejected merges", c.ID, 0, 10, 1, abAudit)
		wantAuditLog(t, s, "other conference after rejected merges", other.ID, 0, 10, 0)
		for id, want := range before {
			sameIdea(t, mergeFindIdea(t, s, id), want)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "missing")
		i := MustCreateIdea(t, s, c, nil, "Einzeln")
		_, err := s.FindMerge(t.Context(), 987654)
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindActiveMerge(t.Context(), i.ID)
		wantCode(t, err, backend.ENOTFOUND)
		_, err = s.FindActiveMerge(t.Context(), 987654)
		wantCode(t, err, backend.ENOTFOUND)
		start := lastSeq(t, s)
		wantCode(t, s.UndoMerge(t.Context(), 987654, &backend.AuditEntry{ConferenceID: c.ID, Actor: "orga@example.org",
			Action: backend.AuditUndoMerge, Entity: backend.EntityIdea, EntityID: i.ID, CreatedAt: now}), backend.ENOTFOUND)
		wantChanges(t, s, start)
		wantAuditLog(t, s, "after rejected undo", c.ID, 0, 10, 0)
	})
	t.Run("UndoAfterTargetMerged", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "chain")
		people := MustCreateParticipants(t, s, c, 3)
		a := MustCreateIdea(t, s, c, people[0], "A")
		b := MustCreateIdea(t, s, c, people[1], "B")
		x := MustCreateIdea(t, s, c, people[2], "C")
		for k, i := range []*backend.Idea{a, b, x} {
			_, err := s.SetSupport(t.Context(), i.ID, people[k].ID, true, now)
			mustNoErr(t, err, "support")
		}
		merge := func(src, tgt *backend.Idea, at time.Time) *backend.Merge {
			m := &backend.Merge{ConferenceID: c.ID, SourceID: src.ID, TargetID: tgt.ID, Actor: "orga@example.org"}
			mustNoErr(t, s.MergeIdeas(t.Context(), m, &backend.AuditEntry{ConferenceID: c.ID, Actor: "orga@example.org",
				Action: backend.AuditMerge, Entity: backend.EntityIdea, EntityID: src.ID, CreatedAt: at}), fmt.Sprintf("merge %s into %s", src.Title, tgt.Title))
			return m
		}
		undo := func(m *backend.Merge, at time.Time) error {
			return s.UndoMerge(t.Context(), m.ID, &backend.AuditEntry{ConferenceID: c.ID, Actor: "orga@example.org",
				Action: backend.AuditUndoMerge, Entity: backend.EntityIdea, EntityID: m.SourceID, CreatedAt: at})
		}
		ab := merge(a, b, now.Add(time.Hour))
		bc := merge(b, x, now.Add(2*time.Hour))
		if bc.MovedSupports != 2 {
			t.Fatalf("second merge moved %d supports, want 2 (b's own and the one a brought)", bc.MovedSupports)
		}
		start := lastSeq(t, s)
		wantCode(t, undo(ab, now.Add(3*time.Hour)), backend.ECONFLICT)
		wantChanges(t, s, start)
		if got := supportCount(t, s, x.ID); got != 3 {
			t.Fatalf("after rejected undo: c has %d supports, want 3", got)
		}
		mustNoErr(t, undo(bc, now.Add(4*time.Hour)), "undo b into c")
		mustNoErr(t, undo(ab, now.Add(5*time.Hour)), "undo a into b, now that b stands again")
		for k, i := range []*backend.Idea{a, b, x} {
			if got := supportCount(t, s, i.ID); got != 1 {
				t.Fatalf("after both undos: %s has %d supports, want 1", i.Title, got)
			}
			for j, p := range people {
				var want []int64
				if j == k {
					want = []int64{i.ID}
				}
				wantSupported(t, s, p.ID, []int64{i.ID}, want...)
			}
			got := mergeFindIdea(t, s, i.ID)
			if got.Status != backend.IdeaNew || got.MergedIntoID != nil {
				t.Fatalf("after both undos: %s has status %q, merged into %s; want %q and none", i.Title, got.Status, fmtID(got.MergedIntoID), backend.IdeaNew)
			}
		}
	})
	t.Run("UndoAfterChangesOnTarget", func(t *testing.T) {
		s := open(t)
		f := newMergeFixture(t, s)
		at := now.Add(2 * time.Hour)
		m := &backend.Merge{ConferenceID: f.c.ID, SourceID: f.src.ID, TargetID: f.tgt.ID, Actor: "orga@example.org"}
		mustNoErr(t, s.MergeIdeas(t.Context(), m, f.audit(backend.AuditMerge, "", at)), "merge")

		// On the target: p0 withdraws the support that moved there, p4
		// supports it anew, someone comments and replies to a moved comment.
		later := at.Add(10 * time.Minute)
		_, err := s.SetSupport(t.Context(), f.tgt.ID, f.people[0].ID, false, later)
		mustNoErr(t, err, "withdraw moved support")
		_, err = s.SetSupport(t.Context(), f.tgt.ID, f.people[4].ID, true, later)
		mustNoErr(t, err, "support target after merge")
		fresh := NewComment(f.tgt, f.people[4], "Neu nach dem Zusammenführen")
		fresh.CreatedAt, fresh.UpdatedAt = later, later
		mustNoErr(t, s.CreateComment(t.Context(), fresh), "comment after merge")
		reply := NewComment(f.tgt, f.people[1], "Antwort auf verschobenen Kommentar")
		reply.ParentID, reply.CreatedAt, reply.UpdatedAt = &f.srcComments[0].ID, later, later
		mustNoErr(t, s.CreateComment(t.Context(), reply), "reply after merge")

		start := lastSeq(t, s)
		undoneAt := at.Add(time.Hour)
		mustNoErr(t, s.UndoMerge(t.Context(), m.ID, f.audit(backend.AuditUndoMerge, "", undoneAt)), "undo")
		// p0 gets the support back on the source; p4's stays on the target.
		for k, want := range [][]int64{{f.src.ID}, {f.src.ID, f.tgt.ID}, {f.src.ID}, {f.tgt.ID}, {f.tgt.ID}} {
			wantSupported(t, s, f.people[k].ID, []int64{f.src.ID, f.tgt.ID}, want...)
		}
		reply.IdeaID = f.src.ID // a reply follows its parent
		mergeWantComments(t, s, "source after undo", f.src.ID, append(slices.Clone(f.srcComments), reply)...)
		mergeWantComments(t, s, "target after undo", f.tgt.ID, f.tgtComments[0], fresh)
		src, tgt := *f.src, *f.tgt
		src.Version, src.CommentCount = f.src.Version+2, 3
		tgt.Version, tgt.SupportCount, tgt.CommentCount = f.tgt.Version+2, 3, 2
		mergeWantIdea(t, s, "source after undo", &src, undoneAt)
		mergeWantIdea(t, s, "target after undo", &tgt, undoneAt)
		wantChanges(t, s, start,
			backend.Change{Entity: backend.EntityIdea, EntityID: f.src.ID, Op: backend.OpUpdate, ConferenceID: f.c.ID},
			backend.Change{Entity: backend.EntityIdea, EntityID: f.tgt.ID, Op: backend.OpUpdate, ConferenceID: f.c.ID},
			backend.Change{Entity: backend.EntityComment, EntityID: f.srcComments[0].ID, Op: backend.OpUpdate, ConferenceID: f.c.ID},
			backend.Change{Entity: backend.EntityComment, EntityID: f.srcComments[1].ID, Op: backend.OpUpdate, ConferenceID: f.c.ID},
			backend.Change{Entity: backend.EntityComment, EntityID: f.srcComments[2].ID, Op: backend.OpUpdate, ConferenceID: f.c.ID},
			backend.Change{Entity: backend.EntityComment, EntityID: reply.ID, Op: backend.OpUpdate, ConferenceID: f.c.ID},
		)
	})
	t.Run("ImportedSupports", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "imported")
		people := MustCreateParticipants(t, s, c, 2)
		a := NewIdea(c, nil, "Importiert A")
		a.ImportedSupports = 5
		b := NewIdea(c, nil, "Importiert B")
		b.ImportedSupports = 3
		mustNoErr(t, s.ImportIdeas(t.Context(), c, []backend.ImportIdea{{Idea: a}, {Idea: b}}, nil), "import")
		if a.ID == 0 || b.ID == 0 {
			t.Fatalf("after import: idea ids %d, %d; want both set", a.ID, b.ID)
		}
		for _, st := range []struct {
			idea *backend.Idea
			p    int
		}{{a, 0}, {b, 0}, {b, 1}} {
			_, err := s.SetSupport(t.Context(), st.idea.ID, people[st.p].ID, true, now)
			mustNoErr(t, err, "support")
		}
		wantCounts := func(what string, i *backend.Idea, imported, supports int) {
			t.Helper()
			got := mergeFindIdea(t, s, i.ID)
			if got.ImportedSupports != imported || got.SupportCount != supports {
				t.Fatalf("%s: %s has %d imported supports, support count %d; want %d and %d", what, i.Title,
					got.ImportedSupports, got.SupportCount, imported, supports)
			}
		}
		m := &backend.Merge{ConferenceID: c.ID, SourceID: a.ID, TargetID: b.ID, Actor: "orga@example.org"}
		mustNoErr(t, s.MergeIdeas(t.Context(), m, &backend.AuditEntry{ConferenceID: c.ID, Actor: "orga@example.org",
			Action: backend.AuditMerge, Entity: backend.EntityIdea, EntityID: a.ID, CreatedAt: now.Add(time.Hour)}), "merge")
		if m.MovedImported != 5 || m.MovedSupports != 0 || m.DroppedSupports != 1 {
			t.Fatalf("merge moved %d imported, %d supports, dropped %d; want 5, 0, 1", m.MovedImported, m.MovedSupports, m.DroppedSupports)
		}
		got, err := s.FindMerge(t.Context(), m.ID)
		mustNoErr(t, err, "find merge")
		sameMerge(t, "with imported supports", got, m)
		wantCounts("source after merge", a, 0, 0)
		wantCounts("target after merge", b, 8, 10)
		mustNoErr(t, s.UndoMerge(t.Context(), m.ID, &backend.AuditEntry{ConferenceID: c.ID, Actor: "orga@example.org",
			Action: backend.AuditUndoMerge, Entity: backend.EntityIdea, EntityID: a.ID, CreatedAt: now.Add(2 * time.Hour)}), "undo")
		wantCounts("source after undo", a, 5, 6)
		wantCounts("target after undo", b, 3, 5)
	})
	t.Run("ConcurrentMergesOfOneSource", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "race")
		people := MustCreateParticipants(t, s, c, 3)
		for round := range 5 {
			src := MustCreateIdea(t, s, c, people[0], fmt.Sprint("Quelle ", round))
			targets := []*backend.Idea{
				MustCreateIdea(t, s, c, people[1], fmt.Sprint("Ziel A ", round)),
				MustCreateIdea(t, s, c, people[2], fmt.Sprint("Ziel B ", round)),
			}
			for _, p := range people {
				_, err := s.SetSupport(t.Context(), src.ID, p.ID, true, now)
				mustNoErr(t, err, "support")
			}
			cm := NewComment(src, people[1], "Kommentar")
			mustNoErr(t, s.CreateComment(t.Context(), cm), "comment")
			merges := make([]*backend.Merge, len(targets))
			ok := winners(t, len(targets), func(k int) error {
				merges[k] = &backend.Merge{ConferenceID: c.ID, SourceID: src.ID, TargetID: targets[k].ID, Actor: "orga@example.org"}
				return s.MergeIdeas(context.Background(), merges[k], &backend.AuditEntry{ConferenceID: c.ID, Actor: "orga@example.org",
					Action: backend.AuditMerge, Entity: backend.EntityIdea, EntityID: src.ID, CreatedAt: now})
			})
			if ok != 1 {
				t.Fatalf("round %d: %d of two concurrent merges of one source succeeded, want exactly 1", round, ok)
			}
			won := slices.IndexFunc(merges, func(m *backend.Merge) bool { return m.ID != 0 })
			winner, loser := targets[won], targets[1-won]
			got := mergeFindIdea(t, s, src.ID)
			if got.MergedIntoID == nil || *got.MergedIntoID != winner.ID || got.SupportCount != 0 || got.CommentCount != 0 {
				t.Fatalf("round %d: source merged into %s with %d supports, %d comments; want %d, 0, 0", round,
					fmtID(got.MergedIntoID), got.SupportCount, got.CommentCount, winner.ID)
			}
			if n := supportCount(t, s, winner.ID); n != 3 || commentCount(t, s, winner.ID) != 1 {
				t.Fatalf("round %d: winning target has %d supports, %d comments; want 3 and 1", round, n, commentCount(t, s, winner.ID))
			}
			if n := supportCount(t, s, loser.ID); n != 0 || commentCount(t, s, loser.ID) != 0 {
				t.Fatalf("round %d: losing target has %d supports, %d comments; want none", round, n, commentCount(t, s, loser.ID))
			}
			active, err := s.FindActiveMerge(t.Context(), src.ID)
			mustNoErr(t, err, "find active merge")
			if active.ID != merges[won].ID || active.TargetID != winner.ID {
				t.Fatalf("round %d: active merge %+v, want %+v", round, active, merges[won])
			}
		}
		_, total, err := s.FindAuditLog(t.Context(), c.ID, 0, 100)
		mustNoErr(t, err, "audit log")
		if total != 5 {
			t.Fatalf("audit log holds %d entries after 5 contested merges, want 5", total)
		}
	})
	t.Run("ConcurrentUndos", func(t *testing.T) {
		s := open(t)
		f := newMergeFixture(t, s)
		m := &backend.Merge{ConferenceID: f.c.ID, SourceID: f.src.ID, TargetID: f.tgt.ID, Actor: "orga@example.org"}
		mustNoErr(t, s.MergeIdeas(t.Context(), m, f.audit(backend.AuditMerge, "", now.Add(time.Hour))), "merge")
		ok := winners(t, 3, func(k int) error {
			return s.UndoMerge(context.Background(), m.ID, f.audit(backend.AuditUndoMerge, "", now.Add(2*time.Hour)))
		})
		if ok != 1 {
			t.Fatalf("%d of three concurrent undos succeeded, want exactly 1", ok)
		}
		src, tgt := *f.src, *f.tgt
		src.Version, tgt.Version = f.src.Version+2, f.tgt.Version+2
		mergeWantIdea(t, s, "source after undo", &src, now.Add(2*time.Hour))
		mergeWantIdea(t, s, "target after undo", &tgt, now.Add(2*time.Hour))
	})
}

// mergeFixture is a conference with five participants and two ideas: src
// (supported by p0, p1, p2; comments c1, a reply r1 to it and a hidden c2)
// and tgt (supported by p1 and p3; comment t1). Comment ids ascend in the
// order c1, t1, r1, c2. src has a status other than new, to be restored.
type mergeFixture struct {
	c           *backend.Conference
	people      []*backend.Participant
	src, tgt    *backend.Idea
	srcComments []*backend.Comment // c1, r1, c2
	tgtComments []*backend.Comment // t1
}

func newMergeFixture(tb testing.TB, s backend.Store) *mergeFixture {
	tb.Helper()
	ctx := context.Background()
	f := &mergeFixture{c: MustCreateConference(tb, s, "merge")}
	f.people = MustCreateParticipants(tb, s, f.c, 5)
	f.src = MustCreateIdea(tb, s, f.c, f.people[0], "Mehr Radwege in der Innenstadt")
	f.tgt = MustCreateIdea(tb, s, f.c, f.people[1], "Radwege ausbauen")
	f.src.Status = backend.IdeaStatus("shortlisted")
	mustNoErr(tb, s.UpdateIdea(ctx, f.src, false), "set status")
	for _, st := range []struct {
		idea *backend.Idea
		p    int
	}{{f.src, 0}, {f.src, 1}, {f.src, 2}, {f.tgt, 1}, {f.tgt, 3}} {
		_, err := s.SetSupport(ctx, st.idea.ID, f.people[st.p].ID, true, now.Add(time.Duration(st.p)*time.Minute))
		mustNoErr(tb, err, "support")
	}
	comment := func(idea *backend.Idea, p int, body string, parent *backend.Comment, hidden bool) *backend.Comment {
		cm := NewComment(idea, f.people[p], body)
		if parent != nil {
			cm.ParentID = &parent.ID
		}
		cm.Hidden = hidden
		if hidden {
			cm.HiddenReason = "Spam"
		}
		mustNoErr(tb, s.CreateComment(ctx, cm), "comment "+body)
		return cm
	}
	c1 := comment(f.src, 2, "Gute Idee", nil, false)
	t1 := comment(f.tgt, 3, "Unbedingt", nil, false)
	r1 := comment(f.src, 3, "Finde ich auch", c1, false)
	c2 := comment(f.src, 4, "Werbung", nil, true)
	f.srcComments, f.tgtComments = []*backend.Comment{c1, r1, c2}, []*backend.Comment{t1}
	f.src, f.tgt = mergeFindIdea(tb, s, f.src.ID), mergeFindIdea(tb, s, f.tgt.ID)
	if f.src.SupportCount != 3 || f.src.CommentCount != 2 || f.tgt.SupportCount != 2 || f.tgt.CommentCount != 1 {
		tb.Fatalf("fixture counts: source %d supports, %d comments; target %d, %d; want 3, 2, 2, 1",
			f.src.SupportCount, f.src.CommentCount, f.tgt.SupportCount, f.tgt.CommentCount)
	}
	return f
}

// audit returns an audit entry of the fixture's merge.
func (f *mergeFixture) audit(action, reason string, at time.Time) *backend.AuditEntry {
	return &backend.AuditEntry{ConferenceID: f.c.ID, Actor: "Jörg Müller (Moderation)", Action: action,
		Entity: backend.EntityIdea, EntityID: f.src.ID, Reason: reason, CreatedAt: at}
}

func mergeFindIdea(tb testing.TB, s backend.Store, id int64) *backend.Idea {
	tb.Helper()
	i, err := s.FindIdeaByID(context.Background(), id)
	mustNoErr(tb, err, "find idea")
	return i
}

// mergeWantIdea fails unless the stored idea equals want and was updated at.
func mergeWantIdea(tb testing.TB, s backend.Store, what string, want *backend.Idea, at time.Time) {
	tb.Helper()
	got := mergeFindIdea(tb, s, want.ID)
	if !got.UpdatedAt.Equal(at) {
		tb.Fatalf("%s: idea %d updated at %v, want %v", what, want.ID, got.UpdatedAt, at)
	}
	sameIdea(tb, got, want)
}

// mergeCommentsOn returns copies of cs that belong to idea ideaID.
func mergeCommentsOn(cs []*backend.Comment, ideaID int64) []*backend.Comment {
	out := make([]*backend.Comment, len(cs))
	for k, c := range cs {
		cp := *c
		cp.IdeaID = ideaID
		out[k] = &cp
	}
	return out
}

// mergeWantComments fails unless an idea's comments are exactly want, by id.
func mergeWantComments(tb testing.TB, s backend.Store, what string, ideaID int64, want ...*backend.Comment) {
	tb.Helper()
	want = slices.SortedFunc(slices.Values(want), func(a, b *backend.Comment) int { return int(a.ID - b.ID) })
	got, err := s.FindComments(context.Background(), ideaID)
	mustNoErr(tb, err, "comments "+what)
	if got == nil {
		tb.Fatalf("%s: FindComments = nil, want a non-nil slice", what)
	}
	if !slices.Equal(commentIDs(got), commentIDs(want)) {
		tb.Fatalf("%s: comments %v, want %v", what, commentIDs(got), commentIDs(want))
	}
	for k := range want {
		sameComment(tb, got[k], want[k])
	}
}

// sameMerge compares every field; times must be the same instants, in UTC.
func sameMerge(tb testing.TB, what string, got, want *backend.Merge) {
	tb.Helper()
	g, w := *got, *want
	if !g.CreatedAt.Equal(w.CreatedAt) || g.CreatedAt.Location() != time.UTC {
		tb.Fatalf("%s: merge %d created at %v, want %v in UTC", what, w.ID, g.CreatedAt, w.CreatedAt)
	}
	switch {
	case g.UndoneAt == nil && w.UndoneAt == nil:
	case g.UndoneAt == nil || w.UndoneAt == nil || !g.UndoneAt.Equal(*w.UndoneAt) || g.UndoneAt.Location() != time.UTC:
		tb.Fatalf("%s: merge %d undone at %s, want %s in UTC", what, w.ID, fmtTime(g.UndoneAt), fmtTime(w.UndoneAt))
	}
	g.CreatedAt, w.CreatedAt, g.UndoneAt, w.UndoneAt = time.Time{}, time.Time{}, nil, nil
	if !reflect.DeepEqual(g, w) {
		tb.Fatalf("%s: merge =\n%+v\nwant\n%+v", what, g, w)
	}
}

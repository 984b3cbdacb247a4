package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func testFollowUp(t *testing.T, open Opener) {
	t.Run("IdeaKeepsFollowUpFields", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "felder")
		i := NewIdea(c, nil, "Mit Antwort angelegt")
		i.Status, i.StatusReason, i.OfficialAnswer, i.ResponsibleUnit, i.Progress = backend.IdeaRejected, "Zu teuer",
			"**Danke!** <script>x</script> '; --", "Amt 20 – Kämmerei", 40
		mustNoErr(t, s.CreateIdea(t.Context(), i), "create")
		sameIdea(t, mergeFindIdea(t, s, i.ID), i)
		i.Status, i.StatusReason, i.OfficialAnswer, i.ResponsibleUnit, i.Progress = backend.IdeaInProgress, "", "Neu\nzweizeilig", "", 75
		mustNoErr(t, s.UpdateIdea(t.Context(), i, false), "update")
		sameIdea(t, mergeFindIdea(t, s, i.ID), i)
		// A progress outside 0..100 is refused by the schema, not stored.
		i.Progress = 101
		wantCode(t, s.UpdateIdea(t.Context(), i, false), backend.EINVALID)
	})
	t.Run("RecordAndList", func(t *testing.T) {
		s := open(t)
		f := newFollowUpFixture(t, s)
		start := lastSeq(t, s)
		next := *f.idea
		next.Status, next.OfficialAnswer, next.ResponsibleUnit, next.Progress = backend.IdeaInProgress, "Wird umgesetzt 🚲", "Amt 61", 30
		next.UpdatedAt = now.Add(time.Hour)
		answer, unit, progress := next.OfficialAnswer, next.ResponsibleUnit, next.Progress
		e := &backend.FollowUpEntry{Kind: backend.FollowUpKindUpdate, AccountID: &f.orga.ID, AuthorName: "Orga Müller",
			FromStatus: backend.IdeaNew, ToStatus: backend.IdeaInProgress, OfficialAnswer: &answer, ResponsibleUnit: &unit, Progress: &progress,
			Note: "Gespräch am 3.2.", CreatedAt: now.Add(time.Hour)}
		audit := &backend.AuditEntry{ConferenceID: f.c.ID, Actor: f.orga.Email, Action: backend.AuditFollowUp, Entity: backend.EntityIdea,
			EntityID: f.idea.ID, Reason: "Status: new → in_progress", CreatedAt: now.Add(time.Hour)}
		mustNoErr(t, s.RecordFollowUp(t.Context(), &next, e, audit), "record")
		if next.Version != f.idea.Version+1 || e.ID == 0 || e.ConferenceID != f.c.ID || e.IdeaID != f.idea.ID || audit.ID == 0 {
			t.Fatalf("after record: version %d, entry %+v, audit id %d; want version %d, ids set", next.Version, e, audit.ID, f.idea.Version+1)
		}
		mergeWantIdea(t, s, "after follow-up", &next, now.Add(time.Hour))
		wantChanges(t, s, start, backend.Change{Entity: backend.EntityIdea, EntityID: f.idea.ID, Op: backend.OpUpdate, ConferenceID: f.c.ID})
		wantAuditLog(t, s, "after follow-up", f.c.ID, 0, 10, 1, audit)

		// A second step that clears the answer records "" (changed), not nil (unchanged).
		second := next
		second.Status, second.StatusReason, second.OfficialAnswer = backend.IdeaRejected, "Kein Budget", ""
		second.UpdatedAt = now.Add(2 * time.Hour)
		cleared := ""
		e2 := &backend.FollowUpEntry{Kind: backend.FollowUpKindUpdate, AuthorName: "Organisation", FromStatus: backend.IdeaInProgress,
			ToStatus: backend.IdeaRejected, Reason: "Kein Budget", OfficialAnswer: &cleared, CreatedAt: now.Add(2 * time.Hour)}
		mustNoErr(t, s.RecordFollowUp(t.Context(), &second, e2, &backend.AuditEntry{Actor: f.orga.Email, CreatedAt: now.Add(2 * time.Hour)}), "record second")
		got, err := s.ListFollowUps(t.Context(), f.idea.ID)
		mustNoErr(t, err, "list")
		wantEntries(t, got, *e, *e2)
		if got[1].OfficialAnswer == nil || *got[1].OfficialAnswer != "" || got[1].ResponsibleUnit != nil || got[1].Progress != nil || got[1].AccountID != nil {
			t.Fatalf("second entry = %s, want a cleared answer and nothing else set", fmtEntry(got[1]))
		}
		none, err := s.ListFollowUps(t.Context(), 987654)
		mustNoErr(t, err, "list unknown")
		if none == nil || len(none) != 0 {
			t.Fatalf("timeline of an unknown idea = %#v, want empty, not nil", none)
		}
	})
	t.Run("RecordRefusesStaleAndMissing", func(t *testing.T) {
		s := open(t)
		f := newFollowUpFixture(t, s)
		start := lastSeq(t, s)
		stale := *f.idea
		stale.Version--
		stale.Status = backend.IdeaAccepted
		e := &backend.FollowUpEntry{Kind: backend.FollowUpKindUpdate, AuthorName: "Orga", Note: "x", CreatedAt: now}
		audit := &backend.AuditEntry{ConferenceID: f.c.ID, Actor: "orga", CreatedAt: now}
		wantCode(t, s.RecordFollowUp(t.Context(), &stale, e, audit), backend.ECONFLICT)
		ghost := *f.idea
		ghost.ID = 987654
		wantCode(t, s.RecordFollowUp(t.Context(), &ghost, e, audit), backend.ENOTFOUND)
		if e.ID != 0 || audit.ID != 0 {
			t.Fatalf("failed records set entry id %d, audit id %d; want 0", e.ID, audit.ID)
		}
		wantChanges(t, s, start)
		wantAuditLog(t, s, "after refused records", f.c.ID, 0, 10, 0)
		got, err := s.ListFollowUps(t.Context(), f.idea.ID)
		mustNoErr(t, err, "list")
		wantEntries(t, got)
		sameIdea(t, mergeFindIdea(t, s, f.idea.ID), f.idea)
	})
	t.Run("ConcurrentRecordsOneWins", func(t *testing.T) {
		s := open(t)
		f := newFollowUpFixture(t, s)
		const n = 8
		ok := winners(t, n, func(k int) error {
			next := *f.idea
			next.Progress = k + 1
			p := k + 1
			return s.RecordFollowUp(context.Background(), &next,
				&backend.FollowUpEntry{Kind: backend.FollowUpKindUpdate, AuthorName: "Orga", Progress: &p, CreatedAt: now},
				&backend.AuditEntry{ConferenceID: f.c.ID, Actor: "orga", CreatedAt: now})
		})
		if ok != 1 {
			t.Fatalf("%d of %d concurrent follow-ups at one version succeeded, want exactly 1", ok, n)
		}
		got, err := s.ListFollowUps(t.Context(), f.idea.ID)
		mustNoErr(t, err, "list")
		idea := mergeFindIdea(t, s, f.idea.ID)
		if len(got) != 1 || got[0].Progress == nil || *got[0].Progress != idea.Progress || idea.Version != f.idea.Version+1 {
			t.Fatalf("after the race: %d entries (%v), idea progress %d version %d; want one entry matching the idea at version %d",
				len(got), got, idea.Progress, idea.Version, f.idea.Version+1)
		}
	})
	t.Run("CarryOver", func(t *testing.T) { testCarryOver(t, open) })
	t.Run("IdeasOfKey", func(t *testing.T) { testIdeasOfKey(t, open) })
}

// followUpFixture is a conference with an organiser and one idea by a
// participant, supported by two people and commented once.
type followUpFixture struct {
	c      *backend.Conference
	orga   *backend.Account
	people []*backend.Participant
	idea   *backend.Idea
}

func newFollowUpFixture(tb testing.TB, s backend.Store) *followUpFixture {
	tb.Helper()
	f := &followUpFixture{c: MustCreateConference(tb, s, "nachgang"), orga: MustCreateAccount(tb, s, "orga@example.org")}
	f.people = MustCreateParticipants(tb, s, f.c, 3)
	f.idea = MustCreateIdea(tb, s, f.c, f.people[0], "Radwege in der Innenstadt")
	for _, p := range f.people[1:] {
		_, err := s.SetSupport(context.Background(), f.idea.ID, p.ID, true, now)
		mustNoErr(tb, err, "support")
	}
	mustNoErr(tb, s.CreateComment(context.Background(), NewComment(f.idea, f.people[1], "Gute Idee")), "comment")
	f.idea = mergeFindIdea(tb, s, f.idea.ID)
	return f
}

func testCarryOver(t *testing.T, open Opener) {
	t.Run("MovesAllWithStagesEntriesAndChanges", func(t *testing.T) {
		s := open(t)
		f := newFollowUpFixture(t, s)
		target := MustCreateConference(t, s, "naechstes-jahr")
		second := MustCreateIdea(t, s, f.c, f.people[1], "Jobticket")
		second.Status = backend.IdeaInReview
		mustNoErr(t, s.UpdateIdea(t.Context(), second, false), "set status")
		stay := MustCreateIdea(t, s, f.c, f.people[2], "Bleibt hier")
		start := lastSeq(t, s)
		at := now.Add(24 * time.Hour)
		co := backend.CarryOver{SourceConferenceID: f.c.ID, TargetConferenceID: target.ID,
			Ideas: []backend.CarryOverIdea{{ID: f.idea.ID, Version: f.idea.Version}, {ID: second.ID, Version: second.Version}},
			Entry: backend.FollowUpEntry{Kind: backend.FollowUpKindCarriedOver, AccountID: &f.orga.ID, AuthorName: "Orga", Note: "Weiter 2027", CreatedAt: at},
			Audit: backend.AuditEntry{ConferenceID: f.c.ID, Actor: f.orga.Email, Action: backend.AuditCarryOver, Entity: backend.EntityIdea, Reason: "→ 2027", CreatedAt: at}}
		mustNoErr(t, s.CarryOver(t.Context(), co), "carry over")

		for _, want := range []*backend.Idea{f.idea, second} {
			moved := *want
			moved.ConferenceID, moved.Version = target.ID, want.Version+1
			mergeWantIdea(t, s, "carried idea", &moved, at)
			entries, err := s.ListFollowUps(t.Context(), want.ID)
			mustNoErr(t, err, "timeline")
			e := co.Entry
			e.IdeaID, e.ConferenceID, e.TargetConferenceID = want.ID, f.c.ID, &target.ID
			wantEntries(t, entries, e)
			stages, err := s.ListIdeaStages(t.Context(), want.ID)
			mustNoErr(t, err, "idea stages")
			wantStages(t, stages, backend.IdeaStage{IdeaID: want.ID, ConferenceID: f.c.ID, Status: want.Status, Supports: want.SupportCount,
				Comments: want.CommentCount, TargetConferenceID: target.ID, CarriedAt: at})
		}
		stages, err := s.ListConferenceStages(t.Context(), f.c.ID)
		mustNoErr(t, err, "conference stages")
		if got := stageIdeas(stages); !slices.Equal(got, []int64{f.idea.ID, second.ID}) {
			t.Fatalf("stages of the source: ideas %v, want %v", got, []int64{f.idea.ID, second.ID})
		}
		stages, err = s.ListConferenceStages(t.Context(), target.ID)
		mustNoErr(t, err, "target stages")
		wantStages(t, stages)
		wantIdeas(t, s, "source after carry-over", backend.IdeaFilter{ConferenceID: f.c.ID, Sort: backend.SortNewest}, 1, stay.ID)
		wantIdeas(t, s, "target after carry-over", backend.IdeaFilter{ConferenceID: target.ID, Sort: backend.SortNewest}, 2, second.ID, f.idea.ID)
		wantSupported(t, s, f.people[1].ID, []int64{f.idea.ID}, f.idea.ID) // supports stay with the idea
		var chs []backend.Change
		for _, id := range []int64{f.idea.ID, second.ID} {
			chs = append(chs, backend.Change{Entity: backend.EntityIdea, EntityID: id, Op: backend.OpUpdate, ConferenceID: f.c.ID},
				backend.Change{Entity: backend.EntityIdea, EntityID: id, Op: backend.OpUpdate, ConferenceID: target.ID})
		}
		wantChanges(t, s, start, chs...)
		log, total, err := s.FindAuditLog(t.Context(), f.c.ID, 0, 10)
		mustNoErr(t, err, "audit log")
		if total != 2 || log[0].Action != backend.AuditCarryOver || log[0].EntityID != second.ID || log[1].EntityID != f.idea.ID || log[0].ID == 0 {
			t.Fatalf("audit log after carry-over = %d entries %+v, want one carry_over entry per idea", total, log)
		}
	})
	t.Run("AllOrNothing", func(t *testing.T) {
		s := open(t)
		f := newFollowUpFixture(t, s)
		target := MustCreateConference(t, s, "ziel")
		other := MustCreateConference(t, s, "fremd")
		foreign := MustCreateIdea(t, s, other, nil, "Fremde Idee")
		merged := MustCreateIdea(t, s, f.c, nil, "Doppelt")
		mustNoErr(t, s.MergeIdeas(t.Context(), &backend.Merge{ConferenceID: f.c.ID, SourceID: merged.ID, TargetID: f.idea.ID, Actor: "orga"},
			&backend.AuditEntry{ConferenceID: f.c.ID, Actor: "orga", CreatedAt: now}), "merge")
		merged = mergeFindIdea(t, s, merged.ID)
		f.idea = mergeFindIdea(t, s, f.idea.ID)
		good := backend.CarryOverIdea{ID: f.idea.ID, Version: f.idea.Version}
		start := lastSeq(t, s)
		for _, tc := range []struct {
			name   string
			target int64
			bad    backend.CarryOverIdea
			code   string
		}{
			{"stale version", target.ID, backend.CarryOverIdea{ID: f.idea.ID, Version: f.idea.Version - 1}, backend.ECONFLICT},
			{"idea of another conference", target.ID, backend.CarryOverIdea{ID: foreign.ID, Version: foreign.Version}, backend.ECONFLICT},
			{"merged idea", target.ID, backend.CarryOverIdea{ID: merged.ID, Version: merged.Version}, backend.ECONFLICT},
			{"unknown idea", target.ID, backend.CarryOverIdea{ID: 987654, Version: 1}, backend.ENOTFOUND},
			{"unknown target", 987654, good, backend.ENOTFOUND},
			{"into the source itself", f.c.ID, good, backend.ECONFLICT},
		} {
			co := backend.CarryOver{SourceConferenceID: f.c.ID, TargetConferenceID: tc.target, Ideas: []backend.CarryOverIdea{good, tc.bad},
				Entry: backend.FollowUpEntry{Kind: backend.FollowUpKindCarriedOver, AuthorName: "Orga", CreatedAt: now},
				Audit: backend.AuditEntry{ConferenceID: f.c.ID, Actor: "orga", CreatedAt: now}}
			if tc.name == "into the source itself" || tc.name == "unknown target" {
				co.Ideas = []backend.CarryOverIdea{good}
			}
			if got := backend.ErrorCode(s.CarryOver(t.Context(), co)); got != tc.code {
				t.Fatalf("%s: error code %q, want %q", tc.name, got, tc.code)
			}
		}
		wantChanges(t, s, start)
		sameIdea(t, mergeFindIdea(t, s, f.idea.ID), f.idea)
		stages, err := s.ListConferenceStages(t.Context(), f.c.ID)
		mustNoErr(t, err, "stages")
		wantStages(t, stages)
		entries, err := s.ListFollowUps(t.Context(), f.idea.ID)
		mustNoErr(t, err, "timeline")
		wantEntries(t, entries)
	})
	t.Run("NeverTwiceThroughOneConference", func(t *testing.T) {
		s := open(t)
		f := newFollowUpFixture(t, s)
		b := MustCreateConference(t, s, "b")
		carry := func(from, to int64, i *backend.Idea, at time.Time) error {
			return s.CarryOver(t.Context(), backend.CarryOver{SourceConferenceID: from, TargetConferenceID: to,
				Ideas: []backend.CarryOverIdea{{ID: i.ID, Version: i.Version}},
				Entry: backend.FollowUpEntry{Kind: backend.FollowUpKindCarriedOver, AuthorName: "Orga", CreatedAt: at},
				Audit: backend.AuditEntry{ConferenceID: from, Actor: "orga", CreatedAt: at}})
		}
		mustNoErr(t, carry(f.c.ID, b.ID, f.idea, now.Add(time.Hour)), "a → b")
		back := mergeFindIdea(t, s, f.idea.ID)
		wantCode(t, carry(b.ID, f.c.ID, back, now.Add(2*time.Hour)), backend.ECONFLICT)
		c := MustCreateConference(t, s, "c")
		mustNoErr(t, carry(b.ID, c.ID, back, now.Add(3*time.Hour)), "b → c")
		stages, err := s.ListIdeaStages(t.Context(), f.idea.ID)
		mustNoErr(t, err, "stages")
		if got := stageConferences(stages); !slices.Equal(got, []int64{f.c.ID, b.ID}) {
			t.Fatalf("lineage stages %v, want %v (oldest first)", got, []int64{f.c.ID, b.ID})
		}
		// The same for a page of ideas at once: only the asked ideas' stages,
		// by idea, oldest first; an idea without stages and an unknown id
		// add nothing.
		never := MustCreateIdea(t, s, c, MustCreateParticipant(t, s, c, "author"), "never carried")
		many, err := s.ListStagesOfIdeas(t.Context(), []int64{never.ID, f.idea.ID, 1 << 40})
		mustNoErr(t, err, "stages of ideas")
		if got := stageConferences(many); !slices.Equal(got, []int64{f.c.ID, b.ID}) || many[0].IdeaID != f.idea.ID || many[1].IdeaID != f.idea.ID {
			t.Fatalf("stages of ideas %+v, want the two of idea %d, oldest first", many, f.idea.ID)
		}
		none, err := s.ListStagesOfIdeas(t.Context(), nil)
		mustNoErr(t, err, "stages of no ideas")
		if len(none) != 0 {
			t.Fatalf("stages of no ideas: %+v", none)
		}
	})
	t.Run("ConcurrentCarryOversOneWins", func(t *testing.T) {
		s := open(t)
		f := newFollowUpFixture(t, s)
		targets := []*backend.Conference{MustCreateConference(t, s, "t1"), MustCreateConference(t, s, "t2"), MustCreateConference(t, s, "t3")}
		ok := winners(t, len(targets)+1, func(k int) error {
			if k == len(targets) { // a follow-up racing the carry-overs
				next := *f.idea
				next.Status = backend.IdeaAccepted
				return s.RecordFollowUp(context.Background(), &next,
					&backend.FollowUpEntry{Kind: backend.FollowUpKindUpdate, AuthorName: "Orga", ToStatus: backend.IdeaAccepted, CreatedAt: now},
					&backend.AuditEntry{ConferenceID: f.c.ID, Actor: "orga", CreatedAt: now})
			}
			return s.CarryOver(context.Background(), backend.CarryOver{SourceConferenceID: f.c.ID, TargetConferenceID: targets[k].ID,
				Ideas: []backend.CarryOverIdea{{ID: f.idea.ID, Version: f.idea.Version}},
				Entry: backend.FollowUpEntry{Kind: backend.FollowUpKindCarriedOver, AuthorName: "Orga", CreatedAt: now},
				Audit: backend.AuditEntry{ConferenceID: f.c.ID, Actor: "orga", CreatedAt: now}})
		})
		if ok != 1 {
			t.Fatalf("%d of %d racing writes at one version succeeded, want exactly 1", ok, len(targets)+1)
		}
		entries, err := s.ListFollowUps(t.Context(), f.idea.ID)
		mustNoErr(t, err, "timeline")
		stages, err := s.ListIdeaStages(t.Context(), f.idea.ID)
		mustNoErr(t, err, "stages")
		if len(entries) != 1 || len(stages) > 1 {
			t.Fatalf("after the race: %d entries, %d stages; want one entry and at most one stage", len(entries), len(stages))
		}
	})
}

func testIdeasOfKey(t *testing.T, open Opener) {
	s := open(t)
	a := MustCreateConference(t, s, "a")
	b := MustCreateConference(t, s, "b")
	me := []*backend.Participant{MustCreateParticipant(t, s, a, "browser"), MustCreateParticipant(t, s, b, "browser")}
	other := []*backend.Participant{MustCreateParticipant(t, s, a, "other"), MustCreateParticipant(t, s, b, "other")}
	at := func(i *backend.Idea, h int) *backend.Idea {
		i.UpdatedAt = now.Add(time.Duration(h) * time.Hour)
		mustNoErr(t, s.UpdateIdea(t.Context(), i, false), "touch")
		return i
	}
	written := at(MustCreateIdea(t, s, a, me[0], "Meine in A"), 1)
	anon := NewIdea(b, me[1], "Anonym in B")
	anon.Anonymous, anon.AuthorName = true, ""
	mustNoErr(t, s.CreateIdea(t.Context(), anon), "create anonymous")
	anon = at(anon, 3)
	supported := at(MustCreateIdea(t, s, b, other[1], "Unterstützt in B"), 2)
	both := at(MustCreateIdea(t, s, a, me[0], "Eigene, selbst unterstützt"), 0)
	at(MustCreateIdea(t, s, a, other[0], "Fremd"), 4)
	for _, sp := range []struct {
		idea *backend.Idea
		p    *backend.Participant
	}{{supported, me[1]}, {both, me[0]}, {written, other[0]}} {
		_, err := s.SetSupport(t.Context(), sp.idea.ID, sp.p.ID, true, now)
		mustNoErr(t, err, "support")
	}
	got, err := s.ListIdeasOfKey(t.Context(), "browser")
	mustNoErr(t, err, "ideas of key")
	var lines []string
	for _, k := range got {
		lines = append(lines, fmt.Sprintf("%s authored=%v supported=%v", k.Idea.Title, k.Authored, k.Supported))
	}
	want := []string{
		"Anonym in B authored=true supported=false",
		"Unterstützt in B authored=false supported=true",
		"Meine in A authored=true supported=false",
		"Eigene, selbst unterstützt authored=true supported=true",
	}
	if !slices.Equal(lines, want) {
		t.Fatalf("ideas of key =\n%s\nwant (newest update first)\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if got[0].Idea.Anonymous != true || got[0].Idea.Tags == nil {
		t.Fatalf("anonymous idea read back as %+v", got[0].Idea)
	}
	for _, key := range []string{"", "unknown"} {
		none, err := s.ListIdeasOfKey(t.Context(), key)
		mustNoErr(t, err, "ideas of key "+key)
		if none == nil || len(none) != 0 {
			t.Fatalf("ideas of key %q = %#v, want empty, not nil", key, none)
		}
	}
}

// wantEntries fails unless the timeline is exactly want (ids and the
// conference filled in by the store are compared only when want has them).
func wantEntries(tb testing.TB, got []backend.FollowUpEntry, want ...backend.FollowUpEntry) {
	tb.Helper()
	if got == nil {
		tb.Fatalf("timeline = nil, want a non-nil slice")
	}
	if len(got) != len(want) {
		tb.Fatalf("timeline has %d entries, want %d: %v", len(got), len(want), got)
	}
	for k := range want {
		g, w := got[k], want[k]
		if k > 0 && g.ID <= got[k-1].ID {
			tb.Fatalf("timeline not in id order: %d after %d", g.ID, got[k-1].ID)
		}
		if !g.CreatedAt.Equal(w.CreatedAt) || g.CreatedAt.Location() != time.UTC {
			tb.Fatalf("entry %d created at %v, want %v in UTC", k, g.CreatedAt, w.CreatedAt)
		}
		if w.ID == 0 {
			w.ID = g.ID
		}
		if w.IdeaID == 0 {
			w.IdeaID = g.IdeaID
		}
		if w.ConferenceID == 0 {
			w.ConferenceID = g.ConferenceID
		}
		g.CreatedAt, w.CreatedAt = time.Time{}, time.Time{}
		if !reflect.DeepEqual(g, w) {
			tb.Fatalf("entry %d =\n%s\nwant\n%s", k, fmtEntry(g), fmtEntry(w))
		}
	}
}

func fmtEntry(e backend.FollowUpEntry) string {
	s := fmt.Sprintf("%+v", e)
	for name, p := range map[string]*string{"answer": e.OfficialAnswer, "unit": e.ResponsibleUnit} {
		if p != nil {
			s += fmt.Sprintf(" %s=%q", name, *p)
		}
	}
	if e.Progress != nil {
		s += fmt.Sprintf(" progress=%d", *e.Progress)
	}
	return s + " account=" + fmtID(e.AccountID) + " target=" + fmtID(e.TargetConferenceID)
}

// wantStages fails unless the stages are exactly want, in order.
func wantStages(tb testing.TB, got []backend.IdeaStage, want ...backend.IdeaStage) {
	tb.Helper()
	if got == nil {
		tb.Fatalf("stages = nil, want a non-nil slice")
	}
	if len(got) != len(want) {
		tb.Fatalf("%d stages %+v, want %d %+v", len(got), got, len(want), want)
	}
	for k := range want {
		g, w := got[k], want[k]
		if !g.CarriedAt.Equal(w.CarriedAt) || g.CarriedAt.Location() != time.UTC {
			tb.Fatalf("stage %d carried at %v, want %v in UTC", k, g.CarriedAt, w.CarriedAt)
		}
		g.CarriedAt, w.CarriedAt = time.Time{}, time.Time{}
		if g != w {
			tb.Fatalf("stage %d = %+v, want %+v", k, g, w)
		}
	}
}

func stageIdeas(stages []backend.IdeaStage) []int64 {
	var out []int64
	for _, st := range stages {
		out = append(out, st.IdeaID)
	}
	return out
}

func stageConferences(stages []backend.IdeaStage) []int64 {
	var out []int64
	for _, st := range stages {
		out = append(out, st.ConferenceID)
	}
	return out
}

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

func testModeration(t *testing.T, open Opener) {
	t.Run("ReportCreateAndFind", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "reports")
		other := MustCreateConference(t, s, "other")
		empty := MustCreateConference(t, s, "empty")
		p := MustCreateParticipant(t, s, c, "p")
		q := MustCreateParticipant(t, s, c, "q")
		po := MustCreateParticipant(t, s, other, "po")
		i := MustCreateIdea(t, s, c, nil, "Gemeldet")
		cm := NewComment(i, q, "Gemeldeter Kommentar")
		mustNoErr(t, s.CreateComment(t.Context(), cm), "create comment")
		oi := MustCreateIdea(t, s, other, nil, "Fremd")

		start := lastSeq(t, s)
		r := &backend.Report{
			ConferenceID: c.ID, Entity: backend.EntityIdea, EntityID: i.ID, ParticipantID: p.ID,
			Reason:    `Beleidigend 🤬 <script>alert("x")</script> '; DROP TABLE reports; -- Straße e` + "\u0301\r\nzweite Zeile",
			CreatedAt: now.Add(time.Hour),
		}
		mustNoErr(t, s.CreateReport(t.Context(), r), "create report")
		if r.ID == 0 {
			t.Fatal("after create: report id = 0, want it set")
		}
		wantChanges(t, s, start, backend.Change{Entity: backend.EntityReport, EntityID: r.ID, Op: backend.OpCreate, ConferenceID: c.ID})
		wantReports(t, s, "after one report", c.ID, false, r)
		wantReports(t, s, "open after one report", c.ID, true, r)

		start = lastSeq(t, s)
		dup := &backend.Report{ConferenceID: c.ID, Entity: backend.EntityIdea, EntityID: i.ID, ParticipantID: p.ID, Reason: "Nochmal, anders begründet", CreatedAt: now.Add(2 * time.Hour)}
		wantCode(t, s.CreateReport(t.Context(), dup), backend.ECONFLICT)
		wantChanges(t, s, start) // failed writes record nothing
		wantReports(t, s, "after duplicate", c.ID, false, r)

		byQ := &backend.Report{ConferenceID: c.ID, Entity: backend.EntityIdea, EntityID: i.ID, ParticipantID: q.ID, Reason: "Ich auch", CreatedAt: now.Add(3 * time.Hour)}
		mustNoErr(t, s.CreateReport(t.Context(), byQ), "another participant reports the same idea")
		// The same participant may report a comment; in a fresh store the
		// comment and the idea usually share the id, so the key must include
		// the entity.
		onComment := &backend.Report{ConferenceID: c.ID, Entity: backend.EntityComment, EntityID: cm.ID, ParticipantID: p.ID, Reason: "Kommentar auch", CreatedAt: now.Add(4 * time.Hour)}
		mustNoErr(t, s.CreateReport(t.Context(), onComment), "same participant reports a comment")
		if byQ.ID == r.ID || onComment.ID == r.ID || onComment.ID == byQ.ID {
			t.Fatalf("report ids %d, %d, %d; want three distinct ids", r.ID, byQ.ID, onComment.ID)
		}
		inOther := &backend.Report{ConferenceID: other.ID, Entity: backend.EntityIdea, EntityID: oi.ID, ParticipantID: po.ID, Reason: "Anderswo", CreatedAt: now}
		mustNoErr(t, s.CreateReport(t.Context(), inOther), "report in another conference")

		wantReports(t, s, "all", c.ID, false, r, byQ, onComment)
		wantReports(t, s, "open", c.ID, true, r, byQ, onComment)
		wantReports(t, s, "other conference", other.ID, false, inOther)
		wantReports(t, s, "conference without reports", empty.ID, false)
		wantReports(t, s, "conference without reports, open", empty.ID, true)
	})
	t.Run("ReportUnknownParticipantIsNotFound", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "ghost")
		i := MustCreateIdea(t, s, c, nil, "Gemeldet")
		start := lastSeq(t, s)
		r := &backend.Report{ConferenceID: c.ID, Entity: backend.EntityIdea, EntityID: i.ID, ParticipantID: 4711, Reason: "Geist", CreatedAt: now}
		wantCode(t, s.CreateReport(t.Context(), r), backend.ENOTFOUND)
		wantChanges(t, s, start)
		wantReports(t, s, "after rejected report", c.ID, false)
	})
	t.Run("UnreviewedComments", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "queue")
		other := MustCreateConference(t, s, "other")
		empty := MustCreateConference(t, s, "empty")
		p := MustCreateParticipant(t, s, c, "p")
		a := MustCreateIdea(t, s, c, p, "A")
		b := MustCreateIdea(t, s, c, nil, "B, versteckt")
		b.Hidden, b.HiddenReason = true, "Spam"
		mustNoErr(t, s.UpdateIdea(t.Context(), b, false), "hide idea")
		o := MustCreateIdea(t, s, other, nil, "Fremd")

		var cms []*backend.Comment
		for k, idea := range []*backend.Idea{a, b, a, a, a, o, a, a} {
			cm := NewComment(idea, p, fmt.Sprint("Kommentar ", k))
			if idea == o {
				cm.AuthorID, cm.AuthorName = nil, "Import"
			}
			cm.CreatedAt = now.Add(time.Duration(k) * time.Minute)
			cm.UpdatedAt = cm.CreatedAt
			if k == 6 {
				cm.ParentID = &cms[0].ID
			}
			mustNoErr(t, s.CreateComment(t.Context(), cm), fmt.Sprint("create ", k))
			cms = append(cms, cm)
		}
		for k, edit := range map[int]func(*backend.Comment){
			2: func(cm *backend.Comment) { cm.Reviewed = true },
			3: func(cm *backend.Comment) { cm.Deleted, cm.Body = true, "" },
			4: func(cm *backend.Comment) { cm.Hidden, cm.HiddenReason = true, "Beleidigend" }, // hidden is still in the queue
			7: func(cm *backend.Comment) { cm.Deleted, cm.Body, cm.Reviewed = true, "", true },
		} {
			edit(cms[k])
			cms[k].UpdatedAt = cms[k].UpdatedAt.Add(time.Second)
			mustNoErr(t, s.UpdateComment(t.Context(), cms[k]), fmt.Sprint("update ", k))
		}

		wantUnreviewed(t, s, "conference", c.ID, cms[0], cms[1], cms[4], cms[6])
		wantUnreviewed(t, s, "other conference", other.ID, cms[5])
		wantUnreviewed(t, s, "conference without comments", empty.ID)

		cms[0].Reviewed = true
		mustNoErr(t, s.UpdateComment(t.Context(), cms[0]), "review first")
		cms[2].Reviewed = false // back into the queue
		mustNoErr(t, s.UpdateComment(t.Context(), cms[2]), "unreview third")
		wantUnreviewed(t, s, "after review", c.ID, cms[1], cms[2], cms[4], cms[6])
	})
	t.Run("ModerateHideIdea", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "hide")
		p := MustCreateParticipant(t, s, c, "p")
		q := MustCreateParticipant(t, s, c, "q")
		u := MustCreateParticipant(t, s, c, "u")
		i := MustCreateIdea(t, s, c, p, "Beleidigende Idee")
		o := MustCreateIdea(t, s, c, p, "Harmlose Idee")
		cm := NewComment(i, q, "Kommentar dazu")
		mustNoErr(t, s.CreateComment(t.Context(), cm), "create comment")
		i.CommentCount = 1
		rp := MustCreateReport(t, s, p, backend.EntityIdea, i.ID)
		rq := MustCreateReport(t, s, q, backend.EntityIdea, i.ID)
		ro := MustCreateReport(t, s, p, backend.EntityIdea, o.ID)
		rc := MustCreateReport(t, s, p, backend.EntityComment, cm.ID)

		start := lastSeq(t, s)
		at := now.Add(2 * time.Hour)
		i.Hidden, i.HiddenReason, i.Reviewed = true, "Beleidigend – siehe Meldung 🚫", true
		i.Tags, i.UpdatedAt = []string{"Spam", "Überprüft"}, at
		m := &backend.ModerationChange{Idea: i, ResolveReports: true,
			Audit: backend.AuditEntry{ConferenceID: c.ID, Actor: "Jörg Müller (Moderation)", Action: backend.AuditHide,
				Entity: backend.EntityIdea, EntityID: i.ID, Reason: i.HiddenReason, CreatedAt: at}}
		mustNoErr(t, s.Moderate(t.Context(), m), "moderate")
		if i.Version != 2 || m.Audit.ID == 0 {
			t.Fatalf("after moderate: idea version = %d, audit id = %d; want 2 and an id", i.Version, m.Audit.ID)
		}
		got, err := s.FindIdeaByID(t.Context(), i.ID)
		mustNoErr(t, err, "find idea")
		sameIdea(t, got, i)
		versions, err := s.FindIdeaVersions(t.Context(), i.ID)
		mustNoErr(t, err, "versions")
		if len(versions) != 0 {
			t.Fatalf("moderation stored %d idea versions %+v, want none", len(versions), versions)
		}
		wantAuditLog(t, s, "after hide", c.ID, 0, 10, 1, &m.Audit)
		resolved := func(r *backend.Report, at time.Time) *backend.Report {
			w := *r
			w.ResolvedAt = &at
			return &w
		}
		wantReports(t, s, "after hide", c.ID, false, resolved(rp, at), resolved(rq, at), ro, rc)
		wantReports(t, s, "open after hide", c.ID, true, ro, rc)
		wantModerationChanges(t, s, start, c.ID,
			backend.Change{Entity: backend.EntityIdea, EntityID: i.ID, Op: backend.OpUpdate, ConferenceID: c.ID})
		wantIdeas(t, s, "public after hide", backend.IdeaFilter{ConferenceID: c.ID, Sort: backend.SortNewest}, 1, o.ID)

		// A later resolution only touches reports still open then.
		ru := MustCreateReport(t, s, u, backend.EntityIdea, i.ID)
		start = lastSeq(t, s)
		later := at.Add(time.Hour)
		i.Hidden, i.HiddenReason, i.UpdatedAt = false, "", later
		m2 := &backend.ModerationChange{Idea: i, ResolveReports: true,
			Audit: backend.AuditEntry{ConferenceID: c.ID, Actor: "orga@example.org", Action: backend.AuditUnhide,
				Entity: backend.EntityIdea, EntityID: i.ID, CreatedAt: later}}
		mustNoErr(t, s.Moderate(t.Context(), m2), "moderate again")
		if i.Version != 3 || m2.Audit.ID == 0 || m2.Audit.ID == m.Audit.ID {
			t.Fatalf("after second moderate: idea version = %d, audit ids %d then %d; want 3 and two distinct ids", i.Version, m.Audit.ID, m2.Audit.ID)
		}
		got, err = s.FindIdeaByID(t.Context(), i.ID)
		mustNoErr(t, err, "find idea again")
		sameIdea(t, got, i)
		wantReports(t, s, "after second resolution", c.ID, false, resolved(rp, at), resolved(rq, at), ro, rc, resolved(ru, later))
		wantAuditLog(t, s, "after unhide (newest first)", c.ID, 0, 10, 2, &m2.Audit, &m.Audit)
		wantModerationChanges(t, s, start, c.ID,
			backend.Change{Entity: backend.EntityIdea, EntityID: i.ID, Op: backend.OpUpdate, ConferenceID: c.ID})
	})
	t.Run("ModerateWithoutResolvingKeepsReportsOpen", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "keep")
		p := MustCreateParticipant(t, s, c, "p")
		i := MustCreateIdea(t, s, c, nil, "Gemeldet")
		r := MustCreateReport(t, s, p, backend.EntityIdea, i.ID)
		i.CommentsLocked, i.Reviewed = true, true
		m := &backend.ModerationChange{Idea: i,
			Audit: backend.AuditEntry{ConferenceID: c.ID, Actor: "orga@example.org", Action: backend.AuditLock,
				Entity: backend.EntityIdea, EntityID: i.ID, CreatedAt: now.Add(time.Hour)}}
		mustNoErr(t, s.Moderate(t.Context(), m), "moderate")
		got, err := s.FindIdeaByID(t.Context(), i.ID)
		mustNoErr(t, err, "find idea")
		sameIdea(t, got, i)
		wantReports(t, s, "open", c.ID, true, r)
		wantAuditLog(t, s, "after lock", c.ID, 0, 10, 1, &m.Audit)
	})
	t.Run("ModerateFailureWritesNothing", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "atomic")
		p := MustCreateParticipant(t, s, c, "p")
		i := MustCreateIdea(t, s, c, p, "Umstritten")
		cm := NewComment(i, p, "Kommentar")
		mustNoErr(t, s.CreateComment(t.Context(), cm), "create comment")
		ri := MustCreateReport(t, s, p, backend.EntityIdea, i.ID)
		rc := MustCreateReport(t, s, p, backend.EntityComment, cm.ID)
		stale := *i
		i.Title = "Vom Autor geändert"
		mustNoErr(t, s.UpdateIdea(t.Context(), i, false), "update")
		storedComment := *cm

		unchanged := func(what string, seq int64) {
			t.Helper()
			wantChanges(t, s, seq)
			wantAuditLog(t, s, what, c.ID, 0, 10, 0)
			wantReports(t, s, what, c.ID, true, ri, rc)
			got, err := s.FindIdeaByID(t.Context(), i.ID)
			mustNoErr(t, err, "find idea")
			want := *i
			want.CommentCount = 1
			sameIdea(t, got, &want)
			gotComment, err := s.FindCommentByID(t.Context(), cm.ID)
			mustNoErr(t, err, "find comment")
			sameComment(t, gotComment, &storedComment)
			versions, err := s.FindIdeaVersions(t.Context(), i.ID)
			mustNoErr(t, err, "versions")
			if len(versions) != 0 {
				t.Fatalf("%s: %d idea versions %+v, want none", what, len(versions), versions)
			}
		}
		unchanged("before", lastSeq(t, s))

		at := now.Add(time.Hour)
		audit := backend.AuditEntry{ConferenceID: c.ID, Actor: "orga@example.org", Action: backend.AuditHide,
			Entity: backend.EntityIdea, EntityID: i.ID, Reason: "Beleidigend", CreatedAt: at}

		start := lastSeq(t, s)
		stale.Hidden, stale.HiddenReason, stale.Reviewed, stale.UpdatedAt = true, "Beleidigend", true, at
		hideComment := *cm
		hideComment.Hidden, hideComment.HiddenReason, hideComment.Reviewed, hideComment.UpdatedAt = true, "Beleidigend", true, at
		m := &backend.ModerationChange{Idea: &stale, Comment: &hideComment, Audit: audit, ResolveReports: true}
		wantCode(t, s.Moderate(t.Context(), m), backend.ECONFLICT)
		unchanged("stale idea version", start)
		if got := commentCount(t, s, i.ID); got != 1 {
			t.Fatalf("after failed moderation: comment count = %d, want 1", got)
		}

		// The idea write is fine, the comment is missing: nothing of it stays.
		current := *i
		current.Hidden, current.HiddenReason, current.Reviewed, current.UpdatedAt = true, "Beleidigend", true, at
		missing := hideComment
		missing.ID = 4711
		m = &backend.ModerationChange{Idea: &current, Comment: &missing, Audit: audit, ResolveReports: true}
		wantCode(t, s.Moderate(t.Context(), m), backend.ENOTFOUND)
		unchanged("missing comment", start)

		// A missing idea alone is not found, and also writes no audit entry.
		ghost := *i
		ghost.ID = 4711
		m = &backend.ModerationChange{Idea: &ghost, Audit: audit, ResolveReports: true}
		wantCode(t, s.Moderate(t.Context(), m), backend.ENOTFOUND)
		unchanged("missing idea", start)
	})
	t.Run("ModerateComment", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "comment")
		p := MustCreateParticipant(t, s, c, "p")
		q := MustCreateParticipant(t, s, c, "q")
		i := MustCreateIdea(t, s, c, p, "Diskutiert")
		c1 := NewComment(i, q, "Beleidigend")
		mustNoErr(t, s.CreateComment(t.Context(), c1), "create first comment")
		c2 := NewComment(i, q, "Harmlos")
		mustNoErr(t, s.CreateComment(t.Context(), c2), "create second comment")
		if got := commentCount(t, s, i.ID); got != 2 {
			t.Fatalf("comment count = %d, want 2", got)
		}
		// In a fresh store the idea and the first comment usually share an
		// id: resolving the comment's reports must leave the idea's alone.
		ri := MustCreateReport(t, s, p, backend.EntityIdea, i.ID)
		rc1 := MustCreateReport(t, s, p, backend.EntityComment, c1.ID)
		rc2 := MustCreateReport(t, s, p, backend.EntityComment, c2.ID)

		start := lastSeq(t, s)
		at := now.Add(time.Hour)
		c1.Hidden, c1.HiddenReason, c1.Reviewed, c1.UpdatedAt = true, "Beleidigung", true, at
		m := &backend.ModerationChange{Comment: c1, ResolveReports: true,
			Audit: backend.AuditEntry{ConferenceID: c.ID, Actor: "Moderatorin (Moderation)", Action: backend.AuditHide,
				Entity: backend.EntityComment, EntityID: c1.ID, Reason: "Beleidigung", CreatedAt: at}}
		mustNoErr(t, s.Moderate(t.Context(), m), "moderate comment")
		if m.Audit.ID == 0 {
			t.Fatal("after moderate: audit id = 0, want it set")
		}
		if got := commentCount(t, s, i.ID); got != 1 {
			t.Fatalf("after hiding a comment by moderation: comment count = %d, want 1", got)
		}
		got, err := s.FindCommentByID(t.Context(), c1.ID)
		mustNoErr(t, err, "find comment")
		sameComment(t, got, c1)
		resolved := *rc1
		resolved.ResolvedAt = &at
		wantReports(t, s, "after comment moderation", c.ID, false, ri, &resolved, rc2)
		wantAuditLog(t, s, "after comment moderation", c.ID, 0, 10, 1, &m.Audit)
		wantUnreviewed(t, s, "after comment moderation", c.ID, c2)
		wantModerationChanges(t, s, start, c.ID,
			backend.Change{Entity: backend.EntityComment, EntityID: c1.ID, Op: backend.OpUpdate, ConferenceID: c.ID})

		// Unhiding by moderation counts it again.
		c1.Hidden, c1.HiddenReason, c1.UpdatedAt = false, "", at.Add(time.Minute)
		m = &backend.ModerationChange{Comment: c1,
			Audit: backend.AuditEntry{ConferenceID: c.ID, Actor: "Moderatorin (Moderation)", Action: backend.AuditUnhide,
				Entity: backend.EntityComment, EntityID: c1.ID, CreatedAt: at.Add(time.Minute)}}
		mustNoErr(t, s.Moderate(t.Context(), m), "unhide comment")
		if got := commentCount(t, s, i.ID); got != 2 {
			t.Fatalf("after unhiding a comment by moderation: comment count = %d, want 2", got)
		}
	})
	t.Run("ModerateAuditOnly", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "audit")
		p := MustCreateParticipant(t, s, c, "p")
		i := MustCreateIdea(t, s, c, nil, "Nur angesehen")
		r := MustCreateReport(t, s, p, backend.EntityIdea, i.ID)
		start := lastSeq(t, s)
		m := &backend.ModerationChange{Audit: backend.AuditEntry{ConferenceID: c.ID, Actor: "orga@example.org",
			Action: backend.AuditReview, Entity: backend.EntityIdea, EntityID: i.ID, Reason: "Passt 👍", CreatedAt: now.Add(time.Hour)}}
		mustNoErr(t, s.Moderate(t.Context(), m), "moderate without idea or comment")
		if m.Audit.ID == 0 {
			t.Fatal("after moderate: audit id = 0, want it set")
		}
		wantAuditLog(t, s, "audit only", c.ID, 0, 10, 1, &m.Audit)
		wantModerationChanges(t, s, start, c.ID) // no idea or comment was written
		got, err := s.FindIdeaByID(t.Context(), i.ID)
		mustNoErr(t, err, "find idea")
		sameIdea(t, got, i)
		wantReports(t, s, "open", c.ID, true, r)
	})
	t.Run("AuditLogPaging", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "log")
		other := MustCreateConference(t, s, "other")
		empty := MustCreateConference(t, s, "empty")
		i := MustCreateIdea(t, s, c, nil, "Idee")
		oi := MustCreateIdea(t, s, other, nil, "Fremde Idee")
		var mine, theirs []*backend.AuditEntry
		for k := range 7 {
			conf, idea, into := c, i, &mine
			if k == 1 || k == 4 {
				conf, idea, into = other, oi, &theirs
			}
			m := &backend.ModerationChange{Audit: backend.AuditEntry{ConferenceID: conf.ID,
				Actor:  fmt.Sprintf("Person %d – Ärger <b>", k),
				Action: []string{backend.AuditHide, backend.AuditUnhide, backend.AuditTag, backend.AuditReview}[k%4],
				Entity: backend.EntityIdea, EntityID: idea.ID, Reason: fmt.Sprintf("Grund %d: '; DROP TABLE audit_log; --", k),
				CreatedAt: now.Add(time.Duration(k) * time.Minute)}}
			mustNoErr(t, s.Moderate(t.Context(), m), fmt.Sprint("moderate ", k))
			*into = append(*into, &m.Audit)
		}
		wantAuditLog(t, s, "all", c.ID, 0, 10, 5, mine[4], mine[3], mine[2], mine[1], mine[0])
		wantAuditLog(t, s, "page 2 of size 2", c.ID, 2, 2, 5, mine[2], mine[1])
		wantAuditLog(t, s, "last page", c.ID, 4, 2, 5, mine[0])
		wantAuditLog(t, s, "past the end", c.ID, 100, 2, 5)
		wantAuditLog(t, s, "other conference", other.ID, 0, 10, 2, theirs[1], theirs[0])
		wantAuditLog(t, s, "conference without entries", empty.ID, 0, 10, 0)
	})
}

// MustCreateReport saves p's report on an entity of p's conference and fails
// the test on error.
func MustCreateReport(tb testing.TB, s backend.Store, p *backend.Participant, entity string, id int64) *backend.Report {
	tb.Helper()
	r := &backend.Report{ConferenceID: p.ConferenceID, Entity: entity, EntityID: id, ParticipantID: p.ID,
		Reason: fmt.Sprintf("Meldung von %s: %s %d", p.DisplayName, entity, id), CreatedAt: now}
	if err := s.CreateReport(context.Background(), r); err != nil {
		tb.Fatalf("create report by %d on %s %d: %v", p.ID, entity, id, err)
	}
	return r
}

// wantReports lists a conference's reports and fails unless they are exactly
// want, in order, as a non-nil slice.
func wantReports(tb testing.TB, s backend.Store, what string, conferenceID int64, openOnly bool, want ...*backend.Report) {
	tb.Helper()
	got, err := s.FindReports(context.Background(), conferenceID, openOnly)
	mustNoErr(tb, err, "reports "+what)
	if got == nil {
		tb.Fatalf("%s: FindReports(openOnly=%v) = nil, want a non-nil slice", what, openOnly)
	}
	if !slices.Equal(reportIDs(got), reportIDs(want)) {
		tb.Fatalf("%s: FindReports(openOnly=%v) ids = %v, want %v", what, openOnly, reportIDs(got), reportIDs(want))
	}
	for k := range want {
		sameReport(tb, got[k], want[k])
	}
}

// sameReport compares every field; times must be the same instants, in UTC.
func sameReport(tb testing.TB, got, want *backend.Report) {
	tb.Helper()
	g, w := *got, *want
	if !g.CreatedAt.Equal(w.CreatedAt) || g.CreatedAt.Location() != time.UTC {
		tb.Fatalf("report %d created at %v, want %v in UTC", w.ID, g.CreatedAt, w.CreatedAt)
	}
	switch {
	case g.ResolvedAt == nil && w.ResolvedAt == nil:
	case g.ResolvedAt == nil || w.ResolvedAt == nil || !g.ResolvedAt.Equal(*w.ResolvedAt) || g.ResolvedAt.Location() != time.UTC:
		tb.Fatalf("report %d resolved at %s, want %s in UTC", w.ID, fmtTime(g.ResolvedAt), fmtTime(w.ResolvedAt))
	}
	g.CreatedAt, w.CreatedAt, g.ResolvedAt, w.ResolvedAt = time.Time{}, time.Time{}, nil, nil
	if !reflect.DeepEqual(g, w) {
		tb.Fatalf("report =\n%+v\nwant\n%+v", g, w)
	}
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "nil"
	}
	return t.String()
}

func reportIDs(rs []*backend.Report) []int64 {
	ids := []int64{}
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

// wantAuditLog reads one page of a conference's audit log and fails unless it
// is exactly want, in order, as a non-nil slice, with the given total.
func wantAuditLog(tb testing.TB, s backend.Store, what string, conferenceID int64, offset, limit, total int, want ...*backend.AuditEntry) {
	tb.Helper()
	got, n, err := s.FindAuditLog(context.Background(), conferenceID, offset, limit)
	mustNoErr(tb, err, "audit log "+what)
	if got == nil {
		tb.Fatalf("%s: FindAuditLog(%d, %d) = nil, want a non-nil slice", what, offset, limit)
	}
	if !slices.Equal(auditIDs(got), auditIDs(want)) || n != total {
		tb.Fatalf("%s: FindAuditLog(%d, %d) ids = %v (total %d), want %v (total %d)", what, offset, limit, auditIDs(got), n, auditIDs(want), total)
	}
	for k := range want {
		g, w := *got[k], *want[k]
		if !g.CreatedAt.Equal(w.CreatedAt) || g.CreatedAt.Location() != time.UTC {
			tb.Fatalf("%s: audit entry %d created at %v, want %v in UTC", what, w.ID, g.CreatedAt, w.CreatedAt)
		}
		g.CreatedAt, w.CreatedAt = time.Time{}, time.Time{}
		if g != w {
			tb.Fatalf("%s: audit entry =\n%+v\nwant\n%+v", what, g, w)
		}
	}
}

func auditIDs(es []*backend.AuditEntry) []int64 {
	ids := []int64{}
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	return ids
}

// wantUnreviewed fails unless a conference's unreviewed comments are exactly
// want, in order, as a non-nil slice.
func wantUnreviewed(tb testing.TB, s backend.Store, what string, conferenceID int64, want ...*backend.Comment) {
	tb.Helper()
	got, err := s.FindUnreviewedComments(context.Background(), conferenceID)
	mustNoErr(tb, err, "unreviewed comments "+what)
	if got == nil {
		tb.Fatalf("%s: FindUnreviewedComments = nil, want a non-nil slice", what)
	}
	if !slices.Equal(commentIDs(got), commentIDs(want)) {
		tb.Fatalf("%s: unreviewed comments %v, want %v", what, commentIDs(got), commentIDs(want))
	}
	for k := range want {
		sameComment(tb, got[k], want[k])
	}
}

// wantModerationChanges fails unless the idea and comment changes after seq
// are exactly want, in order. A moderation may also record changes of the
// reports it resolves; those must belong to the same conference.
func wantModerationChanges(tb testing.TB, s backend.Store, seq, conferenceID int64, want ...backend.Change) {
	tb.Helper()
	all, err := s.ChangesSince(context.Background(), seq, 1000)
	mustNoErr(tb, err, "changes")
	var got []backend.Change
	for _, g := range all {
		if g.Entity == backend.EntityReport && g.ConferenceID == conferenceID {
			continue
		}
		got = append(got, g)
	}
	if len(got) != len(want) {
		tb.Fatalf("got changes %+v, want %d (besides report changes) %+v", all, len(want), want)
	}
	for i, g := range got {
		if g.Entity != want[i].Entity || g.EntityID != want[i].EntityID || g.Op != want[i].Op || g.ConferenceID != want[i].ConferenceID {
			tb.Errorf("change %d = %+v, want %+v", i, g, want[i])
		}
	}
}

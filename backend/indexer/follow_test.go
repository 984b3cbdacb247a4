package indexer_test

import (
	"strings"
	"testing"
	"time"

	"ideenmarkt/backend"
)

// Writes through the App reach the index: new ideas and comments are found,
// edits replace what was found, removed text and merged ideas disappear.
func TestFollowsTheFeed(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App) {
		ctx := t.Context()
		idx := mustBleve(t, t.TempDir())
		m := mustMarket(t, app, "herbst")
		x := mustStart(t, app, idx)
		c := m.conf.ID

		t.Log("a new idea and a comment on it become searchable")
		stand := m.submit(t, m.alice, "Fahrradständer am Rathaus", "Vor dem Haupteingang ist kein Platz.")
		eventuallyHits(t, idx, "Fahrradständer", c, stand.ID)
		note := m.comment(t, m.bob, stand.ID, "Eine Überdachung wäre schön.")
		eventuallyHits(t, idx, "Überdachung", c, stand.ID)

		t.Log("an edit replaces the old text")
		m.retitle(t, m.alice, stand.ID, "Lastenradstellplätze am Rathaus")
		eventuallyHits(t, idx, "Lastenradstellplätze", c, stand.ID)
		eventuallyHits(t, idx, "Fahrradständer", c)

		t.Log("a deleted comment and a hidden one leave the index")
		if err := app.DeleteComment(ctx, m.bob, note.ID); err != nil {
			t.Fatalf("delete comment: %v", err)
		}
		eventuallyHits(t, idx, "Überdachung", c)
		rude := m.comment(t, m.bob, stand.ID, "Quatschvorschlag, völlig überflüssig.")
		eventuallyHits(t, idx, "Quatschvorschlag", c, stand.ID)
		if _, err := app.ModerateComment(ctx, m.mod, rude.ID, backend.AuditHide, "Unsachlich"); err != nil {
			t.Fatalf("hide comment: %v", err)
		}
		eventuallyHits(t, idx, "Quatschvorschlag", c)

		t.Log("a merged idea leaves the index; undoing the merge brings it back")
		dup := m.submit(t, m.bob, "Radbügel vor dem Rathaus", "Wie beim Bahnhof.")
		eventuallyHits(t, idx, "Radbügel", c, dup.ID)
		merge, err := app.MergeIdea(ctx, m.mod, dup.ID, backend.MergeInput{TargetID: stand.ID, Reason: "Doppelt"})
		if err != nil {
			t.Fatalf("merge: %v", err)
		}
		eventuallyHits(t, idx, "Radbügel", c)
		if _, err := app.UndoMerge(ctx, m.mod, merge.ID, "Doch verschieden"); err != nil {
			t.Fatalf("undo merge: %v", err)
		}
		eventuallyHits(t, idx, "Radbügel", c, dup.ID)

		t.Log("a new conference title reaches every idea's document")
		title := "Zukunftswerkstatt Verwaltung"
		if _, err := app.UpdateConference(ctx, m.orga, m.conf.Slug, backend.ConferenceUpdate{Title: &title}); err != nil {
			t.Fatalf("rename conference: %v", err)
		}
		eventuallyHits(t, idx, "Zukunftswerkstatt", c, stand.ID, dup.ID)

		t.Log("the index holds no names, before and after an author leaves")
		eventuallyHits(t, idx, "Quastenflosser", c)
		if err := app.Leave(ctx, m.alice, m.conf.Slug); err != nil {
			t.Fatalf("leave: %v", err)
		}
		caughtUp(t, app, x)
		eventuallyHits(t, idx, "Quastenflosser", c)
		eventuallyHits(t, idx, "Lastenradstellplätze", c, stand.ID)

		if got, want := mustCursor(t, app), mustLatest(t, app); got != want {
			t.Errorf("stored cursor = %d after catching up, want the feed's head %d", got, want)
		}
		if st := x.Stats(); st.Indexed == 0 || st.Deleted == 0 || st.Failures != 0 {
			t.Errorf("stats = %+v, want documents indexed and deleted, no failures", st)
		}
	})
}

// Round results, the sessions that offered an idea and a hidden tally's
// secrecy, as the document and the index see them.
func TestRoundsReachTheDocuments(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App) {
		ctx := t.Context()
		idx := mustBleve(t, t.TempDir())
		m := mustMarket(t, app, "tag")
		x := mustStart(t, app, idx)
		a := m.submit(t, m.alice, "Jobticket für alle", "Bus und Bahn.")
		b := m.submit(t, m.bob, "Dienstfahrräder", "Für kurze Wege.")
		if _, err := app.SetPhase(ctx, m.orga, m.conf.Slug, backend.PhaseLive, nil); err != nil {
			t.Fatalf("go live: %v", err)
		}
		sess, err := app.CreateSession(ctx, m.orga, m.conf.Slug, backend.AgendaInput{Title: "Forum Mobilität", Room: "Saal", StartsAt: start, EndsAt: start.Add(time.Hour)})
		if err != nil {
			t.Fatalf("create session: %v", err)
		}
		// A hidden vote: results only after the reveal.
		r, err := app.CreateRound(ctx, m.orga, sess.ID, backend.RoundInput{Title: "Was zuerst?", Method: backend.MethodSingle, IdeaIDs: []int64{a.ID, b.ID}})
		if err != nil {
			t.Fatalf("create round: %v", err)
		}
		doc := mustDoc(t, app, a.ID)
		if len(doc.Sessions) != 0 {
			t.Errorf("sessions of an idea in a draft round = %q, want none", doc.Sessions)
		}
		if r, err = app.OpenRound(ctx, m.orga, r.ID, backend.OpenInput{Version: r.Version}); err != nil {
			t.Fatalf("open: %v", err)
		}
		for i, who := range []backend.Actor{m.alice, m.bob, m.mod} {
			opt := 1
			if i == 2 {
				opt = 2
			}
			if _, err := app.CastBallot(ctx, who, r.ID, backend.BallotInput{ClientBallotID: "b" + who.ParticipantKey[:8], Values: map[int]int{opt: 1}}); err != nil {
				t.Fatalf("cast: %v", err)
			}
		}
		if r, err = app.CloseRound(ctx, m.orga, r.ID, r.Version); err != nil {
			t.Fatalf("close: %v", err)
		}
		doc = mustDoc(t, app, a.ID)
		if doc.Votes != 0 || doc.Results != "" || strings.Join(doc.Sessions, "|") != "Forum Mobilität" {
			t.Errorf("closed hidden round: votes %d, results %q, sessions %q; want 0, \"\", [Forum Mobilität]", doc.Votes, doc.Results, doc.Sessions)
		}
		onlyA := backend.SearchQuery{ConferenceIDs: []int64{m.conf.ID}, Filters: map[string][]string{backend.FacetSession: {"Forum Mobilität"}}}
		eventually(t, "the session facet finds both ideas", func() bool { return len(query(t, idx, onlyA)) == 2 })

		if _, err = app.RevealRound(ctx, m.orga, r.ID, r.Version); err != nil {
			t.Fatalf("reveal: %v", err)
		}
		doc = mustDoc(t, app, a.ID)
		want := "Platz 1 von 2 in „Was zuerst?“ (Forum Mobilität): 2 Stimmen."
		if doc.Votes != 2 || doc.Results != want {
			t.Errorf("revealed: votes %d, results %q; want 2, %q", doc.Votes, doc.Results, want)
		}
		eventually(t, "the revealed result is searchable", func() bool {
			return len(hits(t, idx, "Platz", m.conf.ID)) == 2
		})
		caughtUp(t, app, x)
		top, err := idx.Search(ctx, backend.SearchQuery{ConferenceIDs: []int64{m.conf.ID}, Sort: backend.SearchVotes})
		if err != nil || len(top.Hits) != 2 || top.Hits[0].ID != a.ID {
			t.Errorf("by votes = %+v, %v; want %d first", top, err, a.ID)
		}
	})
}

func mustDoc(tb testing.TB, app *backend.App, id int64) *backend.SearchDocument {
	tb.Helper()
	d, err := app.SearchDocument(tb.Context(), id)
	if err != nil {
		tb.Fatalf("search document of idea %d: %v", id, err)
	}
	return d
}

func TestSearchDocument(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App) {
		m := mustMarket(t, app, "doc")
		i := m.submit(t, m.alice, "Grüne Dächer", "Auf allen Amtsgebäuden.")
		m.comment(t, m.bob, i.ID, "Gute Idee!")
		if _, err := app.SetSupport(t.Context(), m.bob, i.ID, true); err != nil {
			t.Fatal(err)
		}
		d := mustDoc(t, app, i.ID)
		if d.ID != i.ID || d.ConferenceID != m.conf.ID || d.ConferenceSlug != "doc" || d.ConferenceTitle != "Mitarbeiterkonferenz Herbst" || d.Year != 2026 ||
			d.Title != "Grüne Dächer" || d.Body != "Auf allen Amtsgebäuden." || d.Topic != "Mobilität" || d.Status != string(backend.IdeaNew) ||
			d.Supports != 1 || len(d.Comments) != 1 || d.Comments[0] != "Gute Idee!" || len(d.Lineage) != 1 || d.Lineage[0] != m.conf.ID || d.Hidden {
			t.Errorf("document = %+v", d)
		}
		_, err := app.SearchDocument(t.Context(), i.ID+1000)
		if backend.ErrorCode(err) != backend.ENOTFOUND {
			t.Errorf("document of a missing idea: %v, want ENOTFOUND", err)
		}
		index, remove, err := app.SearchUpdates(t.Context(), []int64{i.ID, i.ID + 1000})
		if err != nil || len(index) != 1 || index[0].ID != i.ID || len(remove) != 1 || remove[0] != i.ID+1000 {
			t.Errorf("SearchUpdates = %d docs, remove %v, %v; want the idea indexed and the missing one removed", len(index), remove, err)
		}
	})
}

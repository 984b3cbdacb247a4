package indexer_test

import (
	"slices"
	"testing"
	"time"

	"ideenmarkt/backend"
)

// Follow-ups and carry-overs record changes for the idea, and that is all
// the index needs: the official answer becomes searchable, and a carried
// idea moves to its new conference with the old one in its lineage.
func TestFollowUpReachesTheIndex(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *backend.App) {
		ctx := t.Context()
		idx := mustBleve(t, t.TempDir())
		m := mustMarket(t, app, "nachgang")
		x := mustStart(t, app, idx)
		c := m.conf.ID
		idea := m.submit(t, m.alice, "Trinkwasser im Foyer", "Ein Spender für alle.")
		eventuallyHits(t, idx, "Trinkwasser", c, idea.ID)

		t.Log("an official answer is found")
		answer, unit := "Das Gebäudemanagement bestellt Quellwasserspender.", "Gebäudemanagement"
		v, err := app.RecordFollowUp(ctx, m.orga, idea.ID, backend.FollowUpInput{Status: ptr(backend.IdeaAccepted),
			OfficialAnswer: &answer, ResponsibleUnit: &unit, Version: &idea.Version})
		if err != nil {
			t.Fatalf("follow-up: %v", err)
		}
		eventuallyHits(t, idx, "Quellwasserspender", c, idea.ID)

		t.Log("a carried idea moves to the target conference")
		next := "fruehjahr"
		if _, err := app.CreateConference(ctx, m.orga, backend.ConferenceInput{Slug: next, Title: "Frühjahr", StartsAt: start.Add(90 * 24 * time.Hour),
			EndsAt: start.Add(90*24*time.Hour + 8*time.Hour), Venue: "Rathaus", Capacity: 100}); err != nil {
			t.Fatalf("create target: %v", err)
		}
		if _, err := app.CarryOver(ctx, m.orga, m.conf.Slug, backend.CarryOverInput{IdeaIDs: []int64{v.ID}, Target: next}); err != nil {
			t.Fatalf("carry over: %v", err)
		}
		target, err := app.Store.FindConferenceBySlug(ctx, next)
		if err != nil {
			t.Fatal(err)
		}
		eventuallyHits(t, idx, "Quellwasserspender", target.ID, idea.ID)
		eventuallyHits(t, idx, "Quellwasserspender", c)
		caughtUp(t, app, x)
		if d := mustDoc(t, app, idea.ID); !slices.Equal(d.Lineage, []int64{c, target.ID}) || d.OfficialAnswer != answer || d.Status != "accepted" {
			t.Fatalf("document after carry-over: lineage %v, answer %q, status %q", d.Lineage, d.OfficialAnswer, d.Status)
		}
	})
}

func ptr[T any](v T) *T { return &v }

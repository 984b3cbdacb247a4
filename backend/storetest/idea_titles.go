package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"ideenmarkt/backend"
)

func testIdeaTitles(t *testing.T, open Opener) {
	t.Run("UnmergedByID", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "titles")
		other := MustCreateConference(t, s, "other")
		empty := MustCreateConference(t, s, "empty")
		people := MustCreateParticipants(t, s, c, 3)
		a := MustCreateIdea(t, s, c, people[0], "Mehr Bänke im Park")
		b := MustCreateIdea(t, s, c, nil, "Versteckt 🙈")
		d := MustCreateIdea(t, s, c, people[1], "Mehr Sitzbänke")
		x := MustCreateIdea(t, s, c, people[2], "Längere Öffnungszeiten")
		o := MustCreateIdea(t, s, other, nil, "Fremde Idee")
		b.Hidden, b.HiddenReason = true, "Spam"
		mustNoErr(t, s.UpdateIdea(t.Context(), b, false), "hide")
		for _, st := range []struct {
			idea *backend.Idea
			p    int
		}{{a, 0}, {b, 1}, {d, 1}, {d, 2}, {x, 0}} {
			_, err := s.SetSupport(t.Context(), st.idea.ID, people[st.p].ID, true, now)
			mustNoErr(t, err, "support")
		}
		wantIdeaTitles(t, s, "before merge", c.ID,
			backend.IdeaTitle{ID: a.ID, Title: a.Title, SupportCount: 1},
			backend.IdeaTitle{ID: b.ID, Title: b.Title, SupportCount: 1, Hidden: true},
			backend.IdeaTitle{ID: d.ID, Title: d.Title, SupportCount: 2},
			backend.IdeaTitle{ID: x.ID, Title: x.Title, SupportCount: 1},
		)
		m := &backend.Merge{ConferenceID: c.ID, SourceID: d.ID, TargetID: a.ID, Actor: "orga@example.org"}
		mustNoErr(t, s.MergeIdeas(t.Context(), m, &backend.AuditEntry{ConferenceID: c.ID, Actor: "orga@example.org",
			Action: backend.AuditMerge, Entity: backend.EntityIdea, EntityID: d.ID, CreatedAt: now.Add(time.Hour)}), "merge")
		wantIdeaTitles(t, s, "after merge", c.ID,
			backend.IdeaTitle{ID: a.ID, Title: a.Title, SupportCount: 3},
			backend.IdeaTitle{ID: b.ID, Title: b.Title, SupportCount: 1, Hidden: true},
			backend.IdeaTitle{ID: x.ID, Title: x.Title, SupportCount: 1},
		)
		wantIdeaTitles(t, s, "other conference", other.ID, backend.IdeaTitle{ID: o.ID, Title: o.Title})
		wantIdeaTitles(t, s, "conference without ideas", empty.ID)
		wantIdeaTitles(t, s, "unknown conference", 987654)
	})
}

// wantIdeaTitles fails unless a conference's idea titles are exactly want,
// in order, as a non-nil slice.
func wantIdeaTitles(tb testing.TB, s backend.Store, what string, conferenceID int64, want ...backend.IdeaTitle) {
	tb.Helper()
	got, err := s.FindIdeaTitles(context.Background(), conferenceID)
	mustNoErr(tb, err, "idea titles "+what)
	if got == nil {
		tb.Fatalf("%s: FindIdeaTitles = nil, want a non-nil slice", what)
	}
	if want == nil {
		want = []backend.IdeaTitle{}
	}
	if !reflect.DeepEqual(got, want) {
		tb.Fatalf("%s: FindIdeaTitles =\n%+v\nwant\n%+v", what, got, want)
	}
}

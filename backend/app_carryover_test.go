package backend_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"ideenmarkt/backend"
)

// pgLikeStore answers a lookup of a text with a NUL byte as PostgreSQL does:
// it refuses to compare it at all ("invalid byte sequence for encoding
// UTF8: 0x00", SQLSTATE 22021), which the adapter reports as EINTERNAL.
type pgLikeStore struct{ backend.Store }

func (s pgLikeStore) FindConferenceBySlug(ctx context.Context, slug string) (*backend.Conference, error) {
	if strings.IndexByte(slug, 0) >= 0 {
		return nil, backend.Errorf(backend.EINTERNAL, "database error")
	}
	return s.Store.FindConferenceBySlug(ctx, slug)
}

func TestCarryOverTargetIsCheckedBeforeTheStore(t *testing.T) {
	m := MustMarket(t, nil)
	m.app.Store = pgLikeStore{m.app.Store}
	idea := MustSubmit(t, m.app, m.author, "markt", backend.IdeaInput{Title: "Jobrad für alle", Topic: "Umwelt"})
	MustSetPhases(t, m.app, m.orga, "markt", backend.PhaseLive, backend.PhaseClosed)
	MustCreateMarket(t, m.app, m.orga, marketInput("markt-2027"), backend.PhaseDraft)
	for _, target := range []string{"\x00", "markt-2027\x00", "MARKT 2027", strings.Repeat("a", 1<<20), "markt/../markt-2027"} {
		_, err := m.app.CarryOver(t.Context(), m.orga, "markt", backend.CarryOverInput{Target: target, IdeaIDs: []int64{idea.ID}})
		wantFields(t, err, "target:unknown")
	}
	if got := MustStoredIdea(t, m.app, idea.ID); got.ConferenceID != m.conf.ID {
		t.Fatalf("idea moved to conference %d by a refused carry-over", got.ConferenceID)
	}
}

// countingStore counts the single-idea reads, the N+1 of list pages.
type countingStore struct {
	backend.Store
	byID *atomic.Int64
}

func (s countingStore) FindIdeaByID(ctx context.Context, id int64) (*backend.Idea, error) {
	s.byID.Add(1)
	return s.Store.FindIdeaByID(ctx, id)
}

func TestOutcomesOfManyCarriedIdeas(t *testing.T) {
	m := MustMarket(t, nil)
	const n = 60
	var ids []int64
	for k := range n {
		ids = append(ids, MustSubmit(t, m.app, m.author, "markt", backend.IdeaInput{Title: fmt.Sprintf("Idee Nummer %d", k), Topic: "Umwelt"}).ID)
	}
	if _, err := m.app.SetSupport(t.Context(), m.other, ids[7], true); err != nil {
		t.Fatal(err)
	}
	MustSetPhases(t, m.app, m.orga, "markt", backend.PhaseLive, backend.PhaseClosed)
	MustCreateMarket(t, m.app, m.orga, marketInput("markt-2027"), backend.PhaseIdeas)
	if _, err := m.app.CarryOver(t.Context(), m.orga, "markt", backend.CarryOverInput{Target: "markt-2027", IdeaIDs: ids}); err != nil {
		t.Fatal(err)
	}

	reads := &atomic.Int64{}
	m.app.Store = countingStore{m.app.Store, reads}
	o, err := m.app.Outcomes(t.Context(), m.other, "markt")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.CarriedOver) != n {
		t.Fatalf("outcomes list %d carried ideas, want %d", len(o.CarriedOver), n)
	}
	if got := reads.Load(); got > 5 {
		t.Errorf("outcomes read %d ideas one by one for %d carried ideas, want a few list queries", got, n)
	}
	for _, ci := range o.CarriedOver {
		if want := ci.ID == ids[7]; ci.Supported != want || ci.ConferenceSlug != "markt-2027" || ci.Stage.Supports != map[bool]int{true: 1}[want] {
			t.Errorf("carried idea %d: supported %v, now in %q, stage supports %d; want supported %v in markt-2027",
				ci.ID, ci.Supported, ci.ConferenceSlug, ci.Stage.Supports, want)
		}
	}
}

// What "Meine Ideen", the timeline and the outcomes must not show: another
// browser's anonymous idea, a hidden idea one merely supports, a conference
// that went back to draft, and an idea in a draft it did not come into by
// carry-over.
func TestFollowUpViewsKeepHiddenThingsHidden(t *testing.T) {
	m := MustMarket(t, nil)
	anon := MustSubmit(t, m.app, m.author, "markt", backend.IdeaInput{Title: "Anonymer Hinweis", Topic: "Umwelt", Anonymous: true})
	hidden := MustSubmit(t, m.app, m.author, "markt", backend.IdeaInput{Title: "Wird ausgeblendet", Topic: "Umwelt"})
	for _, who := range []backend.Actor{m.other, m.moderator} {
		for _, id := range []int64{anon.ID, hidden.ID} {
			if _, err := m.app.SetSupport(t.Context(), who, id, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	MustHide(t, m.app, hidden.ID)
	titles := func(actor backend.Actor) []string {
		t.Helper()
		mine, err := m.app.MyIdeas(t.Context(), actor)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, i := range mine {
			if i.Anonymous && i.AuthorName != "" {
				t.Errorf("anonymous idea %d shows author %q", i.ID, i.AuthorName)
			}
			out = append(out, fmt.Sprintf("%s mine=%v", i.Title, i.Mine))
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		name  string
		actor backend.Actor
		want  []string
	}{
		{"the author", m.author, []string{"Anonymer Hinweis mine=true", "Wird ausgeblendet mine=true"}},
		{"a supporter", m.other, []string{"Anonymer Hinweis mine=false"}},
		{"a supporting moderator", m.moderator, []string{"Anonymer Hinweis mine=false", "Wird ausgeblendet mine=false"}},
	} {
		if got := titles(tc.actor); !slices.Equal(got, tc.want) {
			t.Errorf("%s: my ideas = %v, want %v", tc.name, got, tc.want)
		}
	}
	_, err := m.app.Timeline(t.Context(), m.other, hidden.ID)
	wantCode(t, err, backend.ENOTFOUND)

	// Back to draft: the conference and its ideas are gone for everyone but
	// organisers, in every view.
	MustSetPhases(t, m.app, m.orga, "markt", backend.PhaseDraft)
	for _, who := range []backend.Actor{m.author, m.other, m.moderator} {
		if got := titles(who); len(got) != 0 {
			t.Errorf("my ideas in a conference back in draft = %v, want none", got)
		}
		_, err := m.app.Timeline(t.Context(), who, anon.ID)
		wantCode(t, err, backend.ENOTFOUND)
		_, err = m.app.Outcomes(t.Context(), who, "markt")
		wantCode(t, err, backend.ENOTFOUND)
	}
}

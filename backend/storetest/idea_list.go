package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"ideenmarkt/backend"
)

// testIdeaList covers FindIdeas: scope, visibility, filters, sorts and paging.
func testIdeaList(t *testing.T, open Opener) {
	t.Run("ScopeHiddenAndMerged", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "scope")
		other := MustCreateConference(t, s, "other")
		a1 := MustCreateIdea(t, s, c, nil, "Eins")
		a2 := MustCreateIdea(t, s, c, nil, "Zwei")
		a3 := MustCreateIdea(t, s, c, nil, "Drei")
		a4 := MustCreateIdea(t, s, c, nil, "Vier")
		MustCreateIdea(t, s, other, nil, "Fremd")
		a2.Hidden, a2.HiddenReason = true, "Beleidigend"
		mustNoErr(t, s.UpdateIdea(t.Context(), a2, false), "hide")
		a3.MergedIntoID, a3.Status = &a1.ID, backend.IdeaMerged
		mustNoErr(t, s.UpdateIdea(t.Context(), a3, false), "merge")

		f := backend.IdeaFilter{ConferenceID: c.ID, Sort: backend.SortNewest}
		wantIdeas(t, s, "public", f, 2, a4.ID, a1.ID)
		f.IncludeHidden = true
		wantIdeas(t, s, "moderator", f, 3, a4.ID, a2.ID, a1.ID)
		f.Status = backend.IdeaMerged
		wantIdeas(t, s, "status merged", f, 0) // merged ideas are never listed, not even by status

		got, err := s.FindIdeaByID(t.Context(), a3.ID)
		mustNoErr(t, err, "find merged idea by id")
		if got.MergedIntoID == nil || *got.MergedIntoID != a1.ID {
			t.Fatalf("merged into %v, want %d", got.MergedIntoID, a1.ID)
		}
	})
	t.Run("Unreviewed", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "queue")
		other := MustCreateConference(t, s, "other")
		open1 := MustCreateIdea(t, s, c, nil, "Offen")
		done := MustCreateIdea(t, s, c, nil, "Gesehen")
		hiddenOpen := MustCreateIdea(t, s, c, nil, "Versteckt, offen")
		hiddenDone := MustCreateIdea(t, s, c, nil, "Versteckt, gesehen")
		merged := MustCreateIdea(t, s, c, nil, "Zusammengeführt, offen")
		open2 := MustCreateIdea(t, s, c, nil, "Auch offen")
		MustCreateIdea(t, s, other, nil, "Fremd, offen")
		for _, st := range []struct {
			idea             *backend.Idea
			reviewed, hidden bool
		}{{done, true, false}, {hiddenOpen, false, true}, {hiddenDone, true, true}} {
			st.idea.Reviewed, st.idea.Hidden = st.reviewed, st.hidden
			mustNoErr(t, s.UpdateIdea(t.Context(), st.idea, false), "update "+st.idea.Title)
		}
		merged.MergedIntoID, merged.Status = &open1.ID, backend.IdeaMerged
		mustNoErr(t, s.UpdateIdea(t.Context(), merged, false), "merge")

		f := backend.IdeaFilter{ConferenceID: c.ID, Sort: backend.SortNewest}
		wantIdeas(t, s, "all public", f, 3, open2.ID, done.ID, open1.ID)
		f.Unreviewed = true
		wantIdeas(t, s, "unreviewed public", f, 2, open2.ID, open1.ID)
		f.IncludeHidden = true
		list := wantIdeas(t, s, "unreviewed incl. hidden", f, 3, open2.ID, hiddenOpen.ID, open1.ID)
		for _, i := range list {
			if i.Reviewed {
				t.Fatalf("unreviewed list has idea %d with Reviewed = true", i.ID)
			}
		}
		f.Offset, f.Limit = 1, 1
		wantIdeas(t, s, "unreviewed incl. hidden, page 2", f, 3, hiddenOpen.ID)
		f.Offset, f.Limit, f.Unreviewed = 0, 0, false
		wantIdeas(t, s, "all incl. hidden", f, 5, open2.ID, hiddenDone.ID, hiddenOpen.ID, done.ID, open1.ID)

		open1.Reviewed = true
		mustNoErr(t, s.UpdateIdea(t.Context(), open1, false), "review")
		f.Unreviewed = true
		wantIdeas(t, s, "after review", f, 2, open2.ID, hiddenOpen.ID)
	})
	t.Run("Filters", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "filters")
		mk := func(title, topic, dept string, status backend.IdeaStatus) *backend.Idea {
			t.Helper()
			i := NewIdea(c, nil, title)
			i.Topic, i.Department, i.Status = topic, dept, status
			mustNoErr(t, s.CreateIdea(t.Context(), i), "create "+title)
			return i
		}
		digHaupt := mk("A", "Digitalisierung", "Amt 10 – Hauptamt", backend.IdeaNew)
		mobHaupt := mk("B", "Mobilität", "Amt 10 – Hauptamt", statusDone)
		mobPlan := mk("C", "Mobilität", "Amt 61 – Stadtplanung", backend.IdeaNew)
		none := mk("D", "", "", backend.IdeaNew)
		f := func(topic, dept string, status backend.IdeaStatus) backend.IdeaFilter {
			return backend.IdeaFilter{ConferenceID: c.ID, Topic: topic, Department: dept, Status: status, Sort: backend.SortNewest}
		}
		wantIdeas(t, s, "no filter", f("", "", ""), 4, none.ID, mobPlan.ID, mobHaupt.ID, digHaupt.ID)
		wantIdeas(t, s, "topic", f("Mobilität", "", ""), 2, mobPlan.ID, mobHaupt.ID)
		wantIdeas(t, s, "department", f("", "Amt 10 – Hauptamt", ""), 2, mobHaupt.ID, digHaupt.ID)
		wantIdeas(t, s, "status", f("", "", statusDone), 1, mobHaupt.ID)
		wantIdeas(t, s, "topic and department", f("Mobilität", "Amt 61 – Stadtplanung", ""), 1, mobPlan.ID)
		wantIdeas(t, s, "all three", f("Mobilität", "Amt 61 – Stadtplanung", backend.IdeaNew), 1, mobPlan.ID)
		wantIdeas(t, s, "no match", f("Digitalisierung", "Amt 61 – Stadtplanung", ""), 0)
		wantIdeas(t, s, "SQL in a filter", f("' OR '1'='1", "", ""), 0)
	})
	t.Run("SortSupports", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "supports")
		var ideas []*backend.Idea
		for _, title := range []string{"null", "zwei", "eins", "zwei-b", "drei"} {
			ideas = append(ideas, MustCreateIdea(t, s, c, nil, title))
		}
		var people []*backend.Participant
		for k := range 3 {
			people = append(people, MustCreateParticipant(t, s, c, fmt.Sprint("p", k)))
		}
		for idx, n := range []int{0, 2, 1, 2, 3} {
			for _, p := range people[:n] {
				_, err := s.SetSupport(t.Context(), ideas[idx].ID, p.ID, true, now)
				mustNoErr(t, err, "support")
			}
		}
		f := backend.IdeaFilter{ConferenceID: c.ID, Sort: backend.SortSupports}
		list := wantIdeas(t, s, "supports", f, 5, ideas[4].ID, ideas[3].ID, ideas[1].ID, ideas[2].ID, ideas[0].ID)
		for k, want := range []int{3, 2, 2, 1, 0} {
			if list[k].SupportCount != want {
				t.Errorf("listed idea %d has support count %d, want %d", list[k].ID, list[k].SupportCount, want)
			}
		}
	})
	t.Run("SortComments", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "comments")
		var want []int64
		for k := range 4 {
			want = append([]int64{MustCreateIdea(t, s, c, nil, fmt.Sprint("Idee ", k)).ID}, want...)
		}
		wantIdeas(t, s, "comments (all zero: id desc)", backend.IdeaFilter{ConferenceID: c.ID, Sort: backend.SortComments}, 4, want...)
	})
	t.Run("SortNewest", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "newest")
		var ids []int64
		for k, h := range []int{2, 0, 3, 1, 2} { // the first and last share a time: id breaks the tie
			i := NewIdea(c, nil, fmt.Sprint("Idee ", k))
			i.CreatedAt = now.Add(time.Duration(h) * time.Hour)
			i.UpdatedAt = i.CreatedAt
			mustNoErr(t, s.CreateIdea(t.Context(), i), "create")
			ids = append(ids, i.ID)
		}
		wantIdeas(t, s, "newest", backend.IdeaFilter{ConferenceID: c.ID, Sort: backend.SortNewest}, 5, ids[2], ids[4], ids[0], ids[3], ids[1])
	})
	t.Run("Paging", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "paging")
		var ids []int64
		for k := range 5 {
			ids = append(ids, MustCreateIdea(t, s, c, nil, fmt.Sprint("Idee ", k)).ID)
		}
		f := backend.IdeaFilter{ConferenceID: c.ID, Sort: backend.SortNewest, Offset: 1, Limit: 2}
		wantIdeas(t, s, "page 2 of size 2", f, 5, ids[3], ids[2])
		f.Offset = 4
		wantIdeas(t, s, "last page", f, 5, ids[0])
		f.Offset = 100
		wantIdeas(t, s, "past the end", f, 5)
		empty := MustCreateConference(t, s, "empty")
		wantIdeas(t, s, "no ideas", backend.IdeaFilter{ConferenceID: empty.ID, Sort: backend.SortSupports}, 0)
	})
	t.Run("SortRandom", func(t *testing.T) {
		s := open(t)
		c := MustCreateConference(t, s, "random")
		var ids []int64
		for k := range 30 {
			ids = append(ids, MustCreateIdea(t, s, c, nil, fmt.Sprint("Idee ", k)).ID)
		}
		order := func(seed int64) []int64 {
			t.Helper()
			f := backend.IdeaFilter{ConferenceID: c.ID, Sort: backend.SortRandom, Seed: seed, Limit: backend.MaxPageSize}
			list, total, err := s.FindIdeas(t.Context(), f)
			mustNoErr(t, err, "random list")
			if total != len(ids) {
				t.Fatalf("random list total = %d, want %d", total, len(ids))
			}
			return idsOf(list)
		}
		one := order(42)
		if again := order(42); !slices.Equal(one, again) {
			t.Fatalf("seed 42 gave\n%v\nthen\n%v\nwant the same order", one, again)
		}
		if sorted := slices.Sorted(slices.Values(one)); !slices.Equal(sorted, ids) {
			t.Fatalf("seed 42 listed %v, want a permutation of %v", one, ids)
		}
		if two := order(4711); slices.Equal(one, two) {
			t.Fatalf("seeds 42 and 4711 both gave %v, want different orders", one)
		}
		var paged []int64
		for off := 0; off < len(ids); off += 7 {
			f := backend.IdeaFilter{ConferenceID: c.ID, Sort: backend.SortRandom, Seed: 42, Offset: off, Limit: 7}
			list, _, err := s.FindIdeas(t.Context(), f)
			mustNoErr(t, err, "random page")
			paged = append(paged, idsOf(list)...)
		}
		if !slices.Equal(paged, one) {
			t.Fatalf("pages of seed 42 joined =\n%v\nwant the unpaged order\n%v", paged, one)
		}
	})
}

// wantIdeas lists f and fails unless it yields exactly the ids want, in order,
// as a non-nil slice, with the given total.
func wantIdeas(tb testing.TB, s backend.Store, what string, f backend.IdeaFilter, total int, want ...int64) []*backend.Idea {
	tb.Helper()
	list, n, err := s.FindIdeas(tb.Context(), f)
	mustNoErr(tb, err, "list "+what)
	if list == nil {
		tb.Fatalf("%s: list is nil, want a non-nil slice", what)
	}
	if got := idsOf(list); !slices.Equal(got, want) || n != total {
		tb.Fatalf("%s: ids = %v (total %d), want %v (total %d)", what, got, n, want, total)
	}
	for _, i := range list {
		if i.Tags == nil {
			tb.Fatalf("%s: idea %d has nil tags, want a non-nil slice", what, i.ID)
		}
	}
	return list
}

func idsOf(list []*backend.Idea) []int64 {
	ids := []int64{}
	for _, i := range list {
		ids = append(ids, i.ID)
	}
	return ids
}

package searchtest

import (
	"slices"
	"testing"

	"ideenmarkt/backend"
)

// testText: how text matches on the fixture: every searchable field, title
// above comments, words combined, stop words and odd characters harmless.
func (s *suite) testText(t *testing.T) {
	ix := s.fixtureIndex(t)
	search := func(t *testing.T, text string) *backend.SearchResult {
		t.Helper()
		return MustSearch(t, ix, backend.SearchQuery{Text: text, ConferenceIDs: allConfs()})
	}
	t.Run("CommentsSearchable", func(t *testing.T) {
		if got := IDs(search(t, "Kalenderexport")); !slices.Equal(got, []int64{6}) {
			t.Errorf("a word only in a comment: got %v, want [6]", got)
		}
	})
	t.Run("BodySearchable", func(t *testing.T) {
		if got := IDs(search(t, "Lückenschluss")); !slices.Equal(got, []int64{4}) {
			t.Errorf("a word only in the body: got %v, want [4]", got)
		}
	})
	t.Run("TitleAboveComment", func(t *testing.T) {
		res := MustSearch(t, ix, backend.SearchQuery{Text: "Radweg", ConferenceIDs: []int64{confA}})
		if got := IDs(res); !slices.Equal(got, []int64{1, 8}) {
			t.Errorf("Radweg in confA: %v, want [1 8] (title before comment)", got)
		}
	})
	t.Run("Inflection", func(t *testing.T) {
		if got := IDs(search(t, "Baum")); !slices.Contains(got, 2) {
			t.Errorf(`"Baum" should find "Mehr Bäume im Stadtpark" (2): got %v`, got)
		}
	})
	t.Run("UmlautFolding", func(t *testing.T) {
		if got := IDs(search(t, "Baeume")); !slices.Contains(got, 2) {
			t.Errorf(`"Baeume" should find "Bäume" (2): got %v`, got)
		}
	})
	t.Run("Typo", func(t *testing.T) {
		if got := IDs(search(t, "Hauptstrase")); !slices.Contains(got, 1) {
			t.Errorf(`"Hauptstrase" should find "Hauptstraße" (1): got %v`, got)
		}
	})
	t.Run("AllWordsFirst", func(t *testing.T) {
		got := IDs(search(t, "Radweg Flussufer"))
		if len(got) == 0 || got[0] != 4 {
			t.Errorf(`"Radweg Flussufer": got %v, want 4 first`, got)
		}
	})
	t.Run("CaseInsensitive", func(t *testing.T) {
		if got := sorted(IDs(search(t, "RADWEG"))); !slices.Equal(got, []int64{1, 4, 8}) {
			t.Errorf(`"RADWEG": got %v, want [1 4 8]`, got)
		}
	})
	t.Run("StopWordsOnlyListEverything", func(t *testing.T) {
		res := search(t, "der die das")
		if got := sorted(IDs(res)); !slices.Equal(got, visible()) || res.Total != len(visible()) {
			t.Errorf(`"der die das": got %v (Total %d), want every visible idea %v`, got, res.Total, visible())
		}
	})
	t.Run("BlankIsEmpty", func(t *testing.T) {
		res := search(t, " \t\n ")
		if res.Total != len(visible()) {
			t.Errorf("blank text: Total %d, want %d", res.Total, len(visible()))
		}
	})
	t.Run("NoMatch", func(t *testing.T) {
		if res := search(t, "Zyxwvutsrq"); res.Total != 0 || len(res.Hits) != 0 {
			t.Errorf("nonsense word: %d hits, Total %d", len(res.Hits), res.Total)
		}
	})
	t.Run("OddCharactersAreText", func(t *testing.T) {
		for _, text := range []string{`"`, `\`, `Radweg"`, `"Radweg`, `(Radweg`, `Radweg)`, `*`, `-Radweg`, `+Radweg`,
			`title:Radweg`, `Radweg~2`, `Radweg^3`, `Rad*`, `AND OR NOT`, `<script>`, `'; DROP TABLE ideas; --`,
			"😀 Radweg", "Radweg\x00", "a", "ß", `Radweg AND Flussufer`, `{}[]`, `/Rad.*/`} {
			if _, err := ix.Search(t.Context(), backend.SearchQuery{Text: text, ConferenceIDs: allConfs()}); err != nil {
				t.Errorf("text %q: %v", text, err)
			}
		}
		if got := sorted(IDs(search(t, `"Radweg"`))); !slices.Equal(got, []int64{1, 4, 8}) {
			t.Errorf(`quotes are no phrase syntax of ours, but the word still counts: "\"Radweg\"" got %v, want [1 4 8]`, got)
		}
	})
	t.Run("LongText", func(t *testing.T) {
		long := ""
		for range 200 {
			long += "Radweg Brücke Schule Baum "
		}
		if _, err := ix.Search(t.Context(), backend.SearchQuery{Text: long, ConferenceIDs: allConfs()}); err != nil {
			t.Errorf("800-word text: %v", err)
		}
	})
}

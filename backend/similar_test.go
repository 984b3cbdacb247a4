package backend

import (
	"encoding/csv"
	"os"
	"slices"
	"strconv"
	"testing"
)

// thfTitles reads the titles of the real Tempelhofer Feld proposals.
func thfTitles(t *testing.T) []IdeaTitle {
	t.Helper()
	f, err := os.Open("../testdata/proposals/thf_proposals.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []IdeaTitle
	for _, r := range recs[1:] {
		id, err := strconv.ParseInt(r[0], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, IdeaTitle{ID: id, Title: r[1]})
	}
	return out
}

func TestSimilarFindsDuplicatesAmongRealTitles(t *testing.T) {
	titles := thfTitles(t)
	tests := []struct {
		query string
		want  int64 // an idea that must be among the hints
	}{
		{"Obstbäume pflanzen", 110},                 // Obstbäume und Bienen
		{"Schattige Bäume", 24},                     // Bäume nicht nur für Schatten
		{"Baeume fuer Schatten", 24},                // typed without umlauts
		{"Mehr Basketballplätze", 211},              // Mehr Basketball-Plätze: compound
		{"Kinderspeilplätze", 50},                   // typo: Kinderspielplätze
		{"Trinkwasserbrunnen", 66},                  // Trinkwasserbrunnen auf dem Tempelhofer Feld
		{"Legale Graffiti-Wände", 201},              // Legale Graffiti Wand
		{"Öffnungszeiten des Feldes erweitern", 30}, // Öffnungszeiten erweitern/abschaffen
	}
	for _, tt := range tests {
		got := Similar(tt.query, titles, MaxSimilar)
		ids := make([]int64, len(got))
		for n, s := range got {
			ids[n] = s.ID
		}
		if !slices.Contains(ids, tt.want) {
			t.Errorf("Similar(%q) = %v, want idea %d among them", tt.query, got, tt.want)
		}
	}
}

func TestSimilarStaysQuietForUnrelatedTitles(t *testing.T) {
	titles := thfTitles(t)
	for _, q := range []string{"Digitale Akte im Bürgeramt", "Homeoffice für alle", "Kantine vegetarisch", "die und der", "ab", ""} {
		if got := Similar(q, titles, MaxSimilar); len(got) != 0 {
			t.Errorf("Similar(%q) = %v, want no hints", q, got)
		}
	}
}

func TestSimilarOrdersBestFirstAndLimits(t *testing.T) {
	titles := []IdeaTitle{
		{ID: 1, Title: "Mehr Fahrradwege in der Innenstadt", SupportCount: 3},
		{ID: 2, Title: "Fahrradwege", SupportCount: 1},
		{ID: 3, Title: "Fahrradwege", SupportCount: 9},
		{ID: 4, Title: "Kantine", SupportCount: 50},
	}
	got := Similar("Fahrradwege", titles, 2)
	if len(got) != 2 || got[0].ID != 3 || got[1].ID != 2 {
		t.Fatalf("Similar = %+v, want ideas 3 then 2 (equal score, more supports first), limited to 2", got)
	}
}

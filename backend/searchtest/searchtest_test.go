package searchtest

import (
	"testing"
)

// The suite's own checks: the real data loads as documented, every quality
// case names exactly one idea, and the fragment check rejects bad HTML.

func TestLoadRealData(t *testing.T) {
	rd := LoadRealData(t)
	if len(rd.Docs) != 340+4711 {
		t.Errorf("%d documents, want 5,051 (340 THF + 4,711 CIMT)", len(rd.Docs))
	}
	if len(rd.Conferences) != 6 {
		t.Errorf("conferences %v, want THF and five cycling processes", rd.Conferences)
	}
	comments := 0
	seen := map[int64]bool{}
	for i, d := range rd.Docs {
		if d.ID != int64(i+1) || seen[d.ID] {
			t.Fatalf("document %d has id %d, want dense ids from 1", i, d.ID)
		}
		seen[d.ID] = true
		comments += len(d.Comments)
	}
	if comments != 1389 {
		t.Errorf("%d comments on THF ideas, want 1,389", comments)
	}
	if id := rd.ByRef["thf:24"]; rd.Docs[id-1].Title != "Bäume nicht nur für Schatten" {
		t.Errorf("thf:24 is %q", rd.Docs[id-1].Title)
	}
}

func TestQualityCasesResolve(t *testing.T) {
	rd := LoadRealData(t)
	cases := LoadQualityCases(t)
	if len(cases) < 20 {
		t.Errorf("%d cases, want at least 20", len(cases))
	}
	for _, c := range cases {
		rd.Resolve(t, c) // fails on a ref or fragment that names no idea or several
	}
}

func TestFragmentProblem(t *testing.T) {
	const orig = `Ein <b>Radweg</b> & mehr`
	cases := []struct {
		frag string
		ok   bool
	}{
		{"Ein &lt;b&gt;<mark>Radweg</mark>&lt;/b&gt; &amp; mehr", true},
		{"…<mark>Radweg</mark>&lt;/b&gt;…", true},
		{"Ein <b><mark>Radweg</mark></b>", false},             // markup of the idea
		{"<mark><mark>Radweg</mark></mark>", false},           // nested
		{"<mark>Radweg", false},                               // unclosed
		{"Radweg</mark>", false},                              // unbalanced
		{"Ein &lt;b&gt;Radweg", false},                        // nothing marked
		{"<mark>Radweg</mark> & mehr", false},                 // bare &
		{"<mark>Radweg</mark> und weniger", false},            // not from the idea
		{`<mark>Radweg</mark>&lt;/b&gt; &amp; "mehr"`, false}, // bare quote
	}
	for _, c := range cases {
		if p := fragmentProblem(c.frag, orig); (p == "") != c.ok {
			t.Errorf("fragmentProblem(%q) = %q, want ok=%v", c.frag, p, c.ok)
		}
	}
}

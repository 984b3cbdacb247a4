package bleve

import (
	"strings"
	"testing"
)

func TestFragment(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		spans []span
		want  string
	}{
		{"Escapes", `<b>Rad</b> & "Weg"`, []span{{3, 6}}, `&lt;b&gt;<mark>Rad</mark>&lt;/b&gt; &amp; &#34;Weg&#34;`},
		{"MatchIsEscapedToo", `a<b>c`, []span{{1, 4}}, `a<mark>&lt;b&gt;</mark>c`},
		{"Umlauts", "Mehr Bäume", []span{{5, 11}}, "Mehr <mark>Bäume</mark>"},
		{"Merged", "Radweg", []span{{0, 3}, {2, 6}}, "<mark>Radweg</mark>"},
		{"Unsorted", "a b c", []span{{4, 5}, {0, 1}}, "<mark>a</mark> b <mark>c</mark>"},
		{"MidRuneDropped", "Bäume", []span{{2, 4}}, ""},
		{"OutOfRangeDropped", "Bäume", []span{{3, 99}, {-1, 2}, {4, 4}}, ""},
		{"NoSpans", "Bäume", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := fragment(c.text, c.spans); got != c.want {
				t.Errorf("fragment(%q, %v)\n got %q\nwant %q", c.text, c.spans, got, c.want)
			}
		})
	}
}

// A long text is cut to whole words around the match, the cuts marked.
func TestFragmentExcerpt(t *testing.T) {
	long := strings.Repeat("Füllwort ", 60) + "Treffer " + strings.Repeat("Füllwort ", 60)
	at := strings.Index(long, "Treffer")
	got := fragment(long, []span{{at, at + len("Treffer")}})
	if !strings.HasPrefix(got, "…Füllwort") || !strings.HasSuffix(got, "Füllwort…") ||
		!strings.Contains(got, " <mark>Treffer</mark> ") || len(got) > fragmentBytes+20 {
		t.Errorf("excerpt %q: want whole words around the match, cuts marked with …, about %d bytes", got, fragmentBytes)
	}
}

// The excerpt of a long text goes where the matches are densest.
func TestWindowPrefersDenseMatches(t *testing.T) {
	text := "Radweg " + strings.Repeat("x ", 200) + "Radweg Radweg Radweg " + strings.Repeat("y ", 200)
	var spans []span
	for i := 0; ; {
		j := strings.Index(text[i:], "Radweg")
		if j < 0 {
			break
		}
		spans = append(spans, span{i + j, i + j + 6})
		i += j + 6
	}
	got := fragment(text, spans)
	if strings.Count(got, "<mark>") != 3 {
		t.Errorf("fragment %q: want the three close matches", got)
	}
}

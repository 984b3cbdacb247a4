package meili

import "testing"

func TestMarkedHTML(t *testing.T) {
	cases := []struct{ in, want string }{
		{"kein Treffer", ""},
		{"a " + preTag + "b" + postTag + " c", "a <mark>b</mark> c"},
		{"<i>" + preTag + "&" + postTag + "</i>", "&lt;i&gt;<mark>&amp;</mark>&lt;/i&gt;"},
		{preTag + "offen", "<mark>offen</mark>"},
		{postTag + "a" + preTag + preTag + "b" + postTag + postTag, "a<mark>b</mark>"},
		{preTag + postTag + "leer", ""},
		{`"Zitat" ` + preTag + "x" + postTag, "&#34;Zitat&#34; <mark>x</mark>"},
	}
	for _, c := range cases {
		if got := markedHTML(c.in); got != c.want {
			t.Errorf("markedHTML(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

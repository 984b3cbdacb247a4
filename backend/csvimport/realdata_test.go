package csvimport

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"
)

// The expected values below were taken independently with Python's csv
// module (newline="", utf-8; record start line = previous reader.line_num+1),
// with "\r\n" inside fields replaced by "\n" as encoding/csv does.

const dataDir = "../../testdata/proposals/"

func openData(t testing.TB, name string) *os.File {
	t.Helper()
	f, err := os.Open(dataDir + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func thfIdeas(t testing.TB) []Idea {
	t.Helper()
	ideas, err := ReadIdeas(openData(t, "thf_proposals.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return ideas
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestTHFProposals(t *testing.T) {
	ideas := thfIdeas(t)
	if len(ideas) != 340 {
		t.Fatalf("got %d ideas, want 340", len(ideas))
	}
	byRef := map[string]Idea{}
	sum := 0
	for _, i := range ideas {
		if _, dup := byRef[i.Ref]; dup {
			t.Errorf("ref %q twice", i.Ref)
		}
		byRef[i.Ref] = i
		sum += i.Supports
		if strings.Contains(i.Body, "\r") || strings.Contains(i.Title, "\r") {
			t.Errorf("line %d: CR left in text", i.Line)
		}
		if i.Author != "" || i.Department != "" {
			t.Errorf("line %d: author/department set without a column", i.Line)
		}
		if i.CreatedAt.IsZero() || i.CreatedAt.Location() != time.UTC {
			t.Errorf("line %d: CreatedAt %v", i.Line, i.CreatedAt)
		}
	}
	if sum != 4420 {
		t.Errorf("sum of supports = %d, want 4420", sum)
	}

	first := Idea{
		Line: 2, Ref: "16", Title: "Führungen", Topic: "Erinnerung", Supports: 20,
		Body:      `Führungen aus verschiedenen Blickwinkeln zu den vielfältigen Geschichtsebenen Tempelhofs für verschiedenen Zielgruppen: Kinder, Jugendliche, Familien, Senioren und Touristen multimedial aufbereiten und als ein "Wissenspaket" Berliner Geschichte bekannt machen.`,
		CreatedAt: utc("2014-11-22T11:40:04.984486Z"),
	}
	// A Markdown link, a heart in the category, a body over three lines.
	second := Idea{
		Line: 3, Ref: "20", Title: "Weite, Horizont, Himmel", Topic: "I ❤ THF", Supports: 17,
		Body:      "[Airlift sQad Berlin - Kite-Video Herbst 2014](https://vimeo.com/109395837)\nDer weite Horizont ist großartig!\n",
		CreatedAt: utc("2014-11-25T16:53:36.849014Z"),
	}
	// Starts on line 6 because the record before it spans lines 3–5.
	third := Idea{
		Line: 6, Ref: "22", Title: "es fehlt noch Wasserfläche", Topic: "Mitmachen", Supports: 14,
		Body:      "im Nordwest könnte eine große Wasserfläche (Teich) ausbilden, für die Vielfältigkeit des Biotops ist sehr wichtig. Eine Seite ist der Lebensraum für die Tiere, andere Seite ist auch Erholungsgebiet für die Besucher.\n",
		CreatedAt: utc("2014-11-25T17:31:39.212967Z"),
	}
	for i, want := range []Idea{first, second, third} {
		if ideas[i] != want {
			t.Errorf("idea %d:\n got %+v\nwant %+v", i, ideas[i], want)
		}
	}

	for _, c := range []struct {
		ref, title, topic, bodySHA string
		line, bodyLen, supports    int
		bodyHas                    string
	}{
		{"24", "Bäume nicht nur für Schatten", "Natur", "3a04a2ecde9f446ec39c6087b21a8fcc5b42fce319040854ebed2971e013a8cb", 8, 401, 12, "Lehrpfad in Alleeform"},
		{"56", "Getränkestationen/Toiletten ", "", "", 78, -1, -1, ""}, // trailing space kept
		{"309", "Tümpelhof –\u00a0ein Biotop", "", "7ed22bd71483f7ea96976980c6142495e258cd1ec592cf7f01b78bdd11f5dc52", 662, 192, 1, "beschwimmbar. "},
		{"362", "Hängende Gärten - Tempelturm", "I ❤ THF", "f7e64c49a9c2131f2f7ecc756a5349c3c4231a58ee5a802574b60fb2f0724c1e", 777, 995, 3, "[**Wolkenkratzer**](http://de.wikipedia.org/wiki/Wolkenkratzer)"},
		{"366", "", "", "", 796, -1, -1, "\n•\tDas Mitgl"},  // 62 lines, with tabs
		{"368", "Learners Garden", "", "", 858, -1, -1, ""}, // after the longest record
		{"713", `"ZERO" - die besten Ideen überleben`, "Freizeit", "1a2490542d6750dd5dcbe42af92dc7592765fe4098bbd4144d7346e75cb8333d", 1907, 1030, 3, "kostet nix\uf04a\nDie Ideen"},
		{"764", "ein earthship landet auf dem Tempelhofer Feld", "", "", 2011, -1, -1, ""},
	} {
		got, ok := byRef[c.ref]
		if !ok {
			t.Errorf("ref %s missing", c.ref)
			continue
		}
		if got.Line != c.line {
			t.Errorf("ref %s: line %d, want %d", c.ref, got.Line, c.line)
		}
		if c.title != "" && got.Title != c.title {
			t.Errorf("ref %s: title %q, want %q", c.ref, got.Title, c.title)
		}
		if c.topic != "" && got.Topic != c.topic {
			t.Errorf("ref %s: topic %q, want %q", c.ref, got.Topic, c.topic)
		}
		if c.bodySHA != "" && (sha(got.Body) != c.bodySHA || len([]rune(got.Body)) != c.bodyLen) {
			t.Errorf("ref %s: body (%d runes) differs from Python's (%d runes): %q", c.ref, len([]rune(got.Body)), c.bodyLen, got.Body)
		}
		if c.supports >= 0 && got.Supports != c.supports {
			t.Errorf("ref %s: supports %d, want %d", c.ref, got.Supports, c.supports)
		}
		if !strings.Contains(got.Body, c.bodyHas) {
			t.Errorf("ref %s: body lacks %q", c.ref, c.bodyHas)
		}
	}
	if last := ideas[len(ideas)-1]; last.Ref != "764" {
		t.Errorf("last idea is %q, want 764", last.Ref)
	}
}

func TestTHFComments(t *testing.T) {
	comments, err := ReadComments(openData(t, "thf_comments.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(comments) != 1389 {
		t.Fatalf("got %d comments, want 1389", len(comments))
	}
	ideaRefs := map[string]bool{}
	for _, i := range thfIdeas(t) {
		ideaRefs[i.Ref] = true
	}
	refs := map[string]Comment{}
	for _, c := range comments {
		if _, dup := refs[c.Ref]; dup {
			t.Errorf("comment ref %q twice", c.Ref)
		}
		refs[c.Ref] = c
	}
	withParent, empty := 0, 0
	for _, c := range comments {
		if !ideaRefs[c.IdeaRef] {
			t.Errorf("line %d: idea %q not among the THF ideas", c.Line, c.IdeaRef)
		}
		if c.ParentRef != "" {
			withParent++
			if _, ok := refs[c.ParentRef]; !ok {
				t.Errorf("line %d: parent %q not among the comments", c.Line, c.ParentRef)
			}
		}
		if strings.TrimSpace(c.Body) == "" {
			empty++
			if c.Line != 191 || c.Ref != "208" {
				t.Errorf("unexpected empty comment: line %d, ref %s", c.Line, c.Ref)
			}
		}
		if strings.Contains(c.Body, "\r") {
			t.Errorf("line %d: CR left in text", c.Line)
		}
	}
	if withParent != 785 {
		t.Errorf("%d comments with a parent, want 785", withParent)
	}
	if empty != 1 {
		t.Errorf("%d empty comments, want 1", empty)
	}

	want := Comment{Line: 2, Ref: "803", IdeaRef: "217", Body: "Eine Fallobstwiese im Außenbereich!",
		CreatedAt: utc("2015-03-05T07:13:40.613520Z")}
	if comments[0] != want {
		t.Errorf("first comment\n got %+v\nwant %+v", comments[0], want)
	}
	for _, c := range []struct {
		ref, idea, parent, bodySHA string
		line                       int
		created                    string
	}{
		{"578", "217", "", "ec24524a3d12be65778b2935c6d37806db41026e70d2ef02063ae25fc9234ddf", 9, "2015-02-03T10:25:46.540759Z"},
		{"906", "217", "578", "80743ceaf0fed7dddc9c21ba1aadb5f7e628d82052498eb52817dfae64ee6735", 15, "2015-03-09T21:22:53.664814Z"},
		// Last record; its text starts with a space and ends with blank lines.
		{"1299", "680", "", "def621a4f61476b95c22b06ad5952d0279f1accaff91961e4308cbc82ee6d55f", 3386, "2015-04-04T10:49:43.856289Z"},
	} {
		got := refs[c.ref]
		if got.Line != c.line || got.IdeaRef != c.idea || got.ParentRef != c.parent ||
			sha(got.Body) != c.bodySHA || !got.CreatedAt.Equal(utc(c.created)) {
			t.Errorf("comment %s: got %+v", c.ref, got)
		}
	}
}

func TestCIMTProposals(t *testing.T) {
	ideas, err := ReadIdeas(openData(t, "cimt_proposals.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ideas) != 4711 {
		t.Fatalf("got %d ideas, want 4711", len(ideas))
	}
	refs := map[string]bool{}
	noTitle, noBody := 0, 0
	topics := map[string]int{}
	for n, i := range ideas {
		if i.Line != n+2 { // no multi-line fields in this file
			t.Fatalf("idea %d on line %d", n, i.Line)
		}
		if refs[i.Ref] {
			t.Errorf("ref %q twice", i.Ref)
		}
		refs[i.Ref] = true
		if i.Title == "" {
			noTitle++
		}
		if i.Body == "" {
			noBody++
		}
		topics[i.Topic]++
		if i.Supports != 0 || !i.CreatedAt.IsZero() {
			t.Errorf("line %d: supports/created without a column", i.Line)
		}
	}
	if noTitle != 1400 || noBody != 50 {
		t.Errorf("%d without title (want 1400), %d without text (want 50)", noTitle, noBody)
	}
	wantTopics := map[string]int{
		"Bonn (Raddialog 2017)":             2163,
		"Bonn (Umfrage Leben in Bonn 2017)": 1386,
		"Moers (Raddialog 2017)":            459,
		"Köln-Ehrenfeld (Raddialog 2017)":   366,
		"Krefeld (Krefeld bewegen 2020)":    337,
	}
	if len(topics) != len(wantTopics) {
		t.Errorf("topics %v", topics)
	}
	for k, v := range wantTopics {
		if topics[k] != v {
			t.Errorf("topic %q: %d, want %d", k, topics[k], v)
		}
	}
	first := Idea{Line: 2, Ref: "B1592", Title: "Fahrradstraßen in der Innenstadt", Topic: "Bonn (Raddialog 2017)",
		Body: "Von der markierten Ecke der Innenstadt kommt man grundsätzlich nicht gut in Richtung Osten (Adenauerallee/Belderberg). Über Regina-Pacis-Weg und Fußgängerampel ist sehr unpraktisch, aber Franziskanerstraße und Rathausgasse funktionieren auch nicht. Könnte man aus mehreren Straßen der Innenstadt (Am Hof, Rathausgasse, Wesselstraße, Am Neutor) nicht beidseitig geöffnete Fahrradstraßen machen?"}
	if ideas[0] != first {
		t.Errorf("first\n got %+v\nwant %+v", ideas[0], first)
	}
	k := ideas[3006-2]
	if k.Ref != "Kmeas113" || k.Title != "Venloer Straße ➜ kein Radweg, sondern nur Wirtschaftsweg (zum Teil stark verschmutzt!)" || k.Body != "" {
		t.Errorf("line 3006: %+v", k)
	}
	if last := ideas[len(ideas)-1]; last.Line != 4712 || last.Ref != "Bon979_1" || last.Title != "" || last.Body != "Sicherheit für Fahrradfahrer" {
		t.Errorf("last: %+v", last)
	}
}

// The THF file converted as German Excel would save it (";", BOM) must read
// the same.
func TestTHFAsGermanExcel(t *testing.T) {
	want := thfIdeas(t)
	raw, err := os.ReadFile(dataDir + "thf_proposals.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs := readAllCSV(t, raw, ',')
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	writeCSV(t, &buf, recs, ';')
	got, err := ReadIdeas(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d ideas, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("idea %d differs:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func BenchmarkReadCIMT(b *testing.B) {
	data, err := os.ReadFile(dataDir + "cimt_proposals.csv")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		ideas, err := ReadIdeas(bytes.NewReader(data))
		if err != nil || len(ideas) != 4711 {
			b.Fatal(len(ideas), err)
		}
	}
}

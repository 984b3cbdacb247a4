package backend_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"ideenmarkt/backend"
	"ideenmarkt/backend/csvimport"
)

const proposals = "../testdata/proposals/"

// MustReadImport parses real files the way the web handler and the command
// line do; comments may be "".
func MustReadImport(tb testing.TB, ideas []byte, comments []byte) backend.ImportRequest {
	tb.Helper()
	var req backend.ImportRequest
	var err error
	if comments == nil {
		req, err = csvimport.Read(bytes.NewReader(ideas), nil)
	} else {
		req, err = csvimport.Read(bytes.NewReader(ideas), bytes.NewReader(comments))
	}
	if err != nil {
		tb.Fatalf("read import files: %v", err)
	}
	return req
}

func mustReadFile(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(proposals + name)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// allIdeas reads every idea of a conference straight from the store, oldest
// id first, hidden ones included.
func allIdeas(tb testing.TB, app *backend.App, conferenceID int64) []*backend.Idea {
	tb.Helper()
	var out []*backend.Idea
	for offset := 0; ; offset += backend.MaxPageSize {
		page, total, err := app.Store.FindIdeas(tb.Context(), backend.IdeaFilter{ConferenceID: conferenceID, IncludeHidden: true,
			Sort: backend.SortNewest, Offset: offset, Limit: backend.MaxPageSize})
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, page...)
		if len(out) >= total || len(page) == 0 {
			break
		}
	}
	slices.SortFunc(out, func(a, b *backend.Idea) int { return int(a.ID - b.ID) })
	return out
}

func ideaByTitle(tb testing.TB, ideas []*backend.Idea, title string) *backend.Idea {
	tb.Helper()
	var found *backend.Idea
	for _, i := range ideas {
		if i.Title == title {
			if found != nil {
				tb.Fatalf("two ideas titled %q", title)
			}
			found = i
		}
	}
	if found == nil {
		tb.Fatalf("no idea titled %q", title)
	}
	return found
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05.999999", s)
	if err != nil {
		panic(err)
	}
	return t
}

// importMarket is a conference in the ideas phase whose topic list holds
// "natur" in lower case, so that the file's "Natur" is the same topic.
func importMarket(t *testing.T, slug string) (*backend.App, backend.Actor, backend.ConferenceView) {
	t.Helper()
	app, _ := MustNewApp(t)
	orga := MustOrganizer(t, app)
	in := validInput(slug)
	in.Topics = []string{"natur"}
	in.Departments = []string{"Bauamt"}
	return app, orga, MustCreateMarket(t, app, orga, in, backend.PhaseIdeas)
}

func TestImportTempelhoferFeld(t *testing.T) {
	app, orga, conf := importMarket(t, "thf")
	ctx := t.Context()
	req := MustReadImport(t, mustReadFile(t, "thf_proposals.csv"), mustReadFile(t, "thf_comments.csv"))
	var calls [][2]int
	req.Progress = func(done, total int) { calls = append(calls, [2]int{done, total}) }
	res, err := app.Import(ctx, orga, "thf", req)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	// The comments file has 1,389 rows; one (id 208, line 191) is blank
	// and is kept as a deleted comment.
	wantTopics := []string{"Erinnerung", "I ❤ THF", "Mitmachen", "Bewirtschaftung", "Freizeit", "Was vergessen?"}
	if res.Ideas != 340 || res.Comments != 1389 || res.DryRun || !slices.Equal(res.AddedTopics, wantTopics) || len(res.AddedDepartments) != 0 {
		t.Fatalf("result = %+v", res)
	}
	if len(res.Adjusted) != 1 || res.Adjusted[0].Line != 191 || res.Adjusted[0].Field != "comments.text" || res.Adjusted[0].Code != "empty" {
		t.Errorf("adjusted = %+v, want the blank comment on line 191", res.Adjusted)
	}
	if len(calls) == 0 || calls[len(calls)-1] != [2]int{340, 340} {
		t.Errorf("progress calls = %v, want them to end at 340/340", calls)
	}
	for n, c := range calls {
		if c[1] != 340 || (n > 0 && c[0] <= calls[n-1][0]) {
			t.Errorf("progress calls = %v, want rising counts of 340", calls)
			break
		}
	}

	stored, _ := app.GetConference(ctx, orga, "thf")
	if want := append([]string{"natur"}, wantTopics...); !slices.Equal(stored.Topics, want) || !slices.Equal(stored.Departments, []string{"Bauamt"}) {
		t.Errorf("topics %q departments %q, want %q and [Bauamt]", stored.Topics, stored.Departments, want)
	}
	if stored.Version != conf.Version+1 {
		t.Errorf("conference version %d, want %d", stored.Version, conf.Version+1)
	}

	ideas := allIdeas(t, app, conf.ID)
	t.Run("every idea is there, with its supports and comments", func(t *testing.T) {
		if len(ideas) != 340 {
			t.Fatalf("%d ideas stored, want 340", len(ideas))
		}
		supports, imported, comments := 0, 0, 0
		for _, i := range ideas {
			supports += i.SupportCount
			imported += i.ImportedSupports
			comments += i.CommentCount
			if i.Status != backend.IdeaNew || !i.Reviewed || i.Hidden || i.AuthorID != nil || i.AuthorName != "" || i.Anonymous ||
				i.MergedIntoID != nil || i.Department != "" || i.Version < 1 || !i.CreatedAt.Equal(i.UpdatedAt) || i.CreatedAt.Year() < 2014 {
				t.Errorf("idea %d = %+v", i.ID, *i)
			}
			if utf8.RuneCountInString(i.Title) < 3 || utf8.RuneCountInString(i.Title) > backend.MaxTitleLen || strings.Contains(i.Body, "\r\n") {
				t.Errorf("idea %d: title %q, body with CRLF %v", i.ID, i.Title, strings.Contains(i.Body, "\r\n"))
			}
			if i.Topic == "Natur" {
				t.Errorf("idea %d has topic Natur, want the conference's natur", i.ID)
			}
		}
		// rate_pro adds up to 4,420; 1,389 comments minus the blank one.
		if supports != 4420 || imported != 4420 || comments != 1388 {
			t.Errorf("supports %d imported %d comments %d, want 4420, 4420, 1388", supports, imported, comments)
		}
	})
	t.Run("ideas field by field", func(t *testing.T) {
		tests := []struct {
			title, topic, bodySHA string
			bodyLen, supports     int
			created               string
			comments              int
		}{
			{"Führungen", "Erinnerung", "8319cd21082ae1197e4e53125160df474c9d61840d241db9612fb52bb0f065f8", 260, 20, "2014-11-22T11:40:04.984486", 2},
			{"Weite, Horizont, Himmel", "I ❤ THF", "c5abd9dae6ddca8d722ca57fca42dadc7a7150ee0df636c31b11db50d02b4ed0", 109, 17, "2014-11-25T16:53:36.849014", 0},
			{"Bäume / Obstbäume-Sträucher", "natur", "472143055be32b3b3996ab957d805d34615049b22abfb70c07c0ab45a52732ff", 407, 56, "2015-01-21T15:08:06.915879", 11},
			{"Hängende Gärten - Tempelturm", "I ❤ THF", "0dd9ec1fbd9466c116039cb9f29d43bd63bce578dda81099e5c3861fe8eac0cf", 994, 3, "2015-02-06T19:52:33.920825", 1},
			{"Landkite- und Landsurf-Schule", "Freizeit", "", 0, 17, "", 10},
			{"Flugzeughotel und -caffe", "Freizeit", "", 0, 2, "", 3},
		}
		for _, tt := range tests {
			i := ideaByTitle(t, ideas, tt.title)
			if i.Topic != tt.topic || i.SupportCount != tt.supports || i.ImportedSupports != tt.supports || i.CommentCount != tt.comments {
				t.Errorf("%q: topic %q supports %d/%d comments %d; want %q %d %d", tt.title, i.Topic, i.SupportCount, i.ImportedSupports, i.CommentCount, tt.topic, tt.supports, tt.comments)
			}
			if tt.bodySHA != "" && (sha(i.Body) != tt.bodySHA || utf8.RuneCountInString(i.Body) != tt.bodyLen) {
				t.Errorf("%q: body (%d characters) differs from the file's: %.200q", tt.title, utf8.RuneCountInString(i.Body), i.Body)
			}
			if tt.created != "" && (!i.CreatedAt.Equal(utc(tt.created)) || i.CreatedAt.Location() != time.UTC) {
				t.Errorf("%q: created %v, want %s UTC", tt.title, i.CreatedAt, tt.created)
			}
		}
		weite := ideaByTitle(t, ideas, "Weite, Horizont, Himmel")
		if want := "[Airlift sQad Berlin - Kite-Video Herbst 2014](https://vimeo.com/109395837)\nDer weite Horizont ist großartig!"; weite.Body != want {
			t.Errorf("Markdown body = %q, want %q", weite.Body, want)
		}
		turm := ideaByTitle(t, ideas, "Hängende Gärten - Tempelturm")
		if !strings.Contains(turm.Body, "verpassen.\n\nDenkbar wäre ein [**Wolkenkratzer**](http://de.wikipedia.org/wiki/Wolkenkratzer) mit [**wirtschaftlicher**]") {
			t.Errorf("multi-line body lost its paragraphs: %.300q", turm.Body)
		}
	})
	t.Run("threads keep their shape and replies to replies hang on the top-level comment", func(t *testing.T) {
		i := ideaByTitle(t, ideas, "Flugzeughotel und -caffe")
		list, err := app.ListComments(ctx, backend.Actor{}, i.ID)
		if err != nil || len(list) != 3 {
			t.Fatalf("comments = %+v (%v)", list, err)
		}
		top, reply, deep := list[0], list[1], list[2]
		if top.ParentID != nil || !strings.HasPrefix(top.Body, "Flugzeuge sind klein... Als Hotel passen da vielleicht 5-10 Zimmer rei") ||
			utf8.RuneCountInString(top.Body) != 381 || !top.CreatedAt.Equal(utc("2015-03-21T16:39:14.687300")) || !top.Reviewed || top.AuthorName != "" {
			t.Errorf("top-level comment = %+v", *top.Comment)
		}
		if reply.ParentID == nil || *reply.ParentID != top.ID || !strings.HasPrefix(reply.Body, "Es gibt Flugzeuge in verschiedener Größe") ||
			!reply.CreatedAt.Equal(utc("2015-03-22T13:11:01.515809")) {
			t.Errorf("reply = %+v", *reply.Comment)
		}
		if deep.ParentID == nil || *deep.ParentID != top.ID || !strings.HasPrefix(deep.Body, "Ein auf mehreren Seiten materiell abgegrenzter\nRaum") ||
			utf8.RuneCountInString(deep.Body) != 612 || !deep.CreatedAt.Equal(utc("2015-03-22T14:19:59.509523")) {
			t.Errorf("reply to the reply = %+v, want it attached to %d", *deep.Comment, top.ID)
		}
	})
	t.Run("the blank comment is kept as deleted and its replies stay", func(t *testing.T) {
		i := ideaByTitle(t, ideas, "Landkite- und Landsurf-Schule")
		list, err := app.ListComments(ctx, backend.Actor{}, i.ID)
		if err != nil || len(list) != 11 {
			t.Fatalf("%d comments (%v), want 11", len(list), err)
		}
		deleted := 0
		for _, c := range list {
			if c.Deleted {
				deleted++
				if c.Body != "" || c.ParentID == nil {
					t.Errorf("deleted comment = %+v, want an empty reply", *c.Comment)
				}
			}
			if c.ParentID != nil {
				parent, err := app.Store.FindCommentByID(ctx, *c.ParentID)
				if err != nil || parent.ParentID != nil || parent.IdeaID != i.ID {
					t.Errorf("comment %d replies to %+v (%v), want a top-level comment of the idea", c.ID, parent, err)
				}
			}
		}
		if deleted != 1 {
			t.Errorf("%d deleted comments, want 1", deleted)
		}
	})
	t.Run("imported ideas and comments are not in the moderation queue", func(t *testing.T) {
		q, err := app.Queue(ctx, orga, "thf")
		if err != nil || len(q.Ideas) != 0 || len(q.Comments) != 0 {
			t.Errorf("queue: %d ideas, %d comments (%v); want none", len(q.Ideas), len(q.Comments), err)
		}
	})
}

// cimtRow is one row of cimt_proposals.csv, read here with encoding/csv so
// that the expectations do not come from the code under test.
type cimtRow struct {
	line                   int
	ref, process, title, t string
}

func readCIMT(tb testing.TB, data []byte) []cimtRow {
	tb.Helper()
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "source_dataset,process,document_id,title,text,n_sentences,codes,url,license" {
		tb.Fatalf("header %s", got)
	}
	out := make([]cimtRow, 0, len(recs)-1)
	for n, r := range recs[1:] {
		out = append(out, cimtRow{line: n + 2, ref: r[2], process: r[1], title: r[3], t: r[4]}) // no multi-line fields in this file
	}
	return out
}

func TestImportCIMT(t *testing.T) {
	raw := mustReadFile(t, "cimt_proposals.csv")
	rows := readCIMT(t, raw)
	if len(rows) != 4711 {
		t.Fatalf("%d rows, want 4711", len(rows))
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	// What the rules should do with each row, worked out here: 14 rows of
	// the corpus lost both title and text (their other columns are shifted)
	// and are skipped; 1,387 get a title from their text; 22 titles are
	// shortened.
	var wantAdjusted []string
	var skipped []int
	for _, r := range rows {
		switch n := utf8.RuneCountInString(norm(r.title)); {
		case strings.TrimSpace(r.title) == "" && strings.TrimSpace(r.t) == "":
			wantAdjusted = append(wantAdjusted, fmt.Sprintf("%d:ideas.title:skipped_empty", r.line))
			skipped = append(skipped, r.line)
		case n < 3:
			wantAdjusted = append(wantAdjusted, fmt.Sprintf("%d:ideas.title:derived", r.line))
		case n > backend.MaxTitleLen:
			wantAdjusted = append(wantAdjusted, fmt.Sprintf("%d:ideas.title:shortened", r.line))
		}
	}
	if want := []int{1467, 1549, 1636, 1729, 1787, 1839, 2035, 2207, 2252, 2306, 2371, 2431, 2478, 2508}; !slices.Equal(skipped, want) {
		t.Fatalf("rows without title and text on lines %v, want %v", skipped, want)
	}
	if len(wantAdjusted) != 14+1387+22 {
		t.Fatalf("%d adjustments expected, want 1423", len(wantAdjusted))
	}

	app, _ := MustNewApp(t)
	orga := MustOrganizer(t, app)
	conf := MustCreateMarket(t, app, orga, validInput("cimt"), backend.PhaseIdeas)
	res, err := app.Import(t.Context(), orga, "cimt", MustReadImport(t, raw, nil))
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	wantTopics := []string{"Bonn (Raddialog 2017)", "Köln-Ehrenfeld (Raddialog 2017)", "Moers (Raddialog 2017)", "Krefeld (Krefeld bewegen 2020)", "Bonn (Umfrage Leben in Bonn 2017)"}
	if res.Ideas != 4711-14 || res.Comments != 0 || !slices.Equal(res.AddedTopics, wantTopics) || len(res.AddedDepartments) != 0 {
		t.Fatalf("result: %d ideas, %d comments, topics %q", res.Ideas, res.Comments, res.AddedTopics)
	}
	var adjusted []string
	for _, f := range res.Adjusted {
		adjusted = append(adjusted, fmt.Sprintf("%d:%s:%s", f.Line, f.Field, f.Code))
	}
	if res.AdjustedTotal != 1423 || !slices.Equal(adjusted, wantAdjusted[:200]) {
		t.Errorf("adjusted %d, listed %d; want 1423 and the first 200 of them", res.AdjustedTotal, len(adjusted))
	}
	stored, _ := app.GetConference(t.Context(), orga, "cimt")
	if !slices.Equal(stored.Topics, wantTopics) {
		t.Errorf("topics = %q", stored.Topics)
	}

	ideas := allIdeas(t, app, conf.ID)
	if len(ideas) != 4697 {
		t.Fatalf("%d ideas stored, want 4697", len(ideas))
	}
	byBody := map[string][]*backend.Idea{}
	perTopic := map[string]int{}
	for _, i := range ideas {
		byBody[i.Body] = append(byBody[i.Body], i)
		perTopic[i.Topic]++
		if n := utf8.RuneCountInString(i.Title); n < 3 || n > backend.MaxTitleLen || i.SupportCount != 0 || !i.CreatedAt.Equal(t0) || i.AuthorName != "" {
			t.Errorf("idea %d: title %q (%d characters), supports %d, created %v", i.ID, i.Title, n, i.SupportCount, i.CreatedAt)
		}
	}
	take := func(body string, ok func(*backend.Idea) bool) *backend.Idea {
		for n, i := range byBody[body] {
			if ok(i) {
				byBody[body] = slices.Delete(byBody[body], n, n+1)
				return i
			}
		}
		return nil
	}
	// A cut title is a prefix of what it was cut from, ends in an ellipsis
	// and ends at a word.
	cutFrom := func(title, from string) bool {
		prefix, ok := strings.CutSuffix(title, "…")
		if !ok || !strings.HasPrefix(from, prefix) {
			return false
		}
		next, _ := utf8.DecodeRuneInString(from[len(prefix):])
		return !unicode.IsLetter(next) && !unicode.IsDigit(next)
	}
	wantPerTopic := map[string]int{}
	for _, r := range rows {
		if slices.Contains(skipped, r.line) {
			continue
		}
		title, text := norm(r.title), strings.TrimSpace(r.t)
		wantPerTopic[r.process]++
		var got *backend.Idea
		switch n := utf8.RuneCountInString(title); {
		case n > backend.MaxTitleLen: // shortened; the full title opens the body
			got = take(strings.TrimSpace(title+"\n\n"+text), func(i *backend.Idea) bool { return cutFrom(i.Title, title) })
		case n < 3: // made from the start of the text, a short title kept in front
			from := norm(title + " " + text) // the texts are single lines
			got = take(text, func(i *backend.Idea) bool {
				return i.Title == from || (utf8.RuneCountInString(from) > backend.MaxTitleLen && cutFrom(i.Title, from))
			})
		default:
			got = take(text, func(i *backend.Idea) bool { return i.Title == title })
		}
		if got == nil {
			t.Errorf("line %d (%s): no stored idea for title %q, text %.80q", r.line, r.ref, r.title, r.t)
			continue
		}
		if got.Topic != r.process {
			t.Errorf("line %d: topic %q, want %q", r.line, got.Topic, r.process)
		}
	}
	for topic, n := range wantPerTopic {
		if perTopic[topic] != n {
			t.Errorf("topic %q: %d ideas, want %d", topic, perTopic[topic], n)
		}
	}
	t.Run("the row titled 44 keeps it in front", func(t *testing.T) {
		var found []string
		for _, i := range ideas {
			if strings.HasPrefix(i.Title, "44 ") {
				found = append(found, i.Title)
			}
		}
		if len(found) != 1 || !strings.HasPrefix(found[0], "44 Die Taktung der 044-Bahn verdichten. 10Minuten anstatt 15 wären angebracht.") || !strings.HasSuffix(found[0], "…") {
			t.Errorf("titles starting with 44: %q", found)
		}
	})
	t.Run("a shortened title keeps the full title in the body", func(t *testing.T) {
		full := "Hier gibt es überhaupt keine brauchbare Möglichkeit für Radfahrer, aus Richtung Norden kommend nach links auf den kleinen Verbindungsweg Richtung Edeka zu kommen."
		for _, i := range ideas {
			if strings.HasPrefix(i.Body, full+"\n\nDort gibt es keinen abgesenkten Bordstein") {
				if !cutFrom(i.Title, full) || utf8.RuneCountInString(i.Title) > backend.MaxTitleLen || i.Topic != "Bonn (Raddialog 2017)" {
					t.Errorf("idea of line 134 = %+v", *i)
				}
				return
			}
		}
		t.Error("no idea with the full title of line 134 in its body")
	})
}

// rows builds ideas rows from titles, one per line from line 2.
func rows(titles ...string) []backend.ImportRow {
	out := make([]backend.ImportRow, len(titles))
	for n, title := range titles {
		out[n] = backend.ImportRow{Line: n + 2, Ref: fmt.Sprint(n + 1), Title: title, Body: "Text " + title}
	}
	return out
}

func TestImportRules(t *testing.T) {
	ctx := t.Context()
	check := func(t *testing.T, req backend.ImportRequest, want ...string) {
		t.Helper()
		app, orga, conf := importMarket(t, "regeln")
		_, err := app.Import(ctx, orga, "regeln", req)
		wantCode(t, err, backend.EINVALID)
		if got := lineCodes(t, err); !slices.Equal(got, want) {
			t.Errorf("errors = %v, want %v", got, want)
		}
		if n := len(allIdeas(t, app, conf.ID)); n != 0 {
			t.Errorf("%d ideas stored after a rejected import, want 0", n)
		}
		if stored, _ := app.GetConference(ctx, orga, "regeln"); stored.Version != conf.Version || !slices.Equal(stored.Topics, []string{"natur"}) {
			t.Errorf("conference changed: version %d topics %q", stored.Version, stored.Topics)
		}
	}
	t.Run("one bad row in the middle: nothing is imported, that line is reported", func(t *testing.T) {
		r := rows("Erste Idee", "Zweite Idee", "ab", "Vierte Idee", "Fünfte Idee")
		r[2].Body, r[2].Topic = "  ", "Neues Thema"
		check(t, backend.ImportRequest{Ideas: r}, "4:ideas.title:too_short")
	})
	t.Run("every problem is reported with its line", func(t *testing.T) {
		r := rows("Gute Idee", "Glocke\x07", "Zu lang", "Doppelt", "Negativ", "Thema", "Steuerzeichen im Text")
		r[1].Body = "Ohne Glocke"
		r[2].Body = strings.Repeat("ä", backend.MaxIdeaBodyLen+1)
		r[3].Ref = "1"
		r[4].Supports = -1
		r[5].Topic = strings.Repeat("T", 81)
		r[6].Body = "Zeile\x00"
		check(t, backend.ImportRequest{Ideas: r}, "3:ideas.title:control_char", "4:ideas.body:too_long", "5:ideas.id:duplicate",
			"6:ideas.supports:negative", "7:ideas.topic:too_long", "8:ideas.body:control_char")
	})
	t.Run("a row with neither title nor text is skipped, and comments on it are unknown", func(t *testing.T) {
		app, orga, conf := importMarket(t, "regeln")
		r := rows("Erste Idee", "", "Dritte Idee")
		r[1].Body, r[1].Topic, r[1].Supports = " \n ", "Leer", 4
		res, err := app.Import(ctx, orga, "regeln", backend.ImportRequest{Ideas: r})
		if err != nil || res.Ideas != 2 || len(res.AddedTopics) != 0 || res.AdjustedTotal != 1 ||
			len(res.Adjusted) != 1 || res.Adjusted[0].Line != 3 || res.Adjusted[0].Code != "skipped_empty" {
			t.Fatalf("result = %+v, %v", res, err)
		}
		if ideas := allIdeas(t, app, conf.ID); len(ideas) != 2 || ideas[0].Title != "Erste Idee" || ideas[1].Title != "Dritte Idee" {
			t.Errorf("ideas = %v", ideas)
		}
		check(t, backend.ImportRequest{Ideas: r, Comments: []backend.ImportCommentRow{{Line: 2, IdeaRef: "2", Body: "Zur leeren Zeile"}}},
			"2:comments.idea:unknown")
	})
	t.Run("a duplicate id names the first line", func(t *testing.T) {
		app, orga, _ := importMarket(t, "regeln")
		r := rows("Erste Idee", "Zweite Idee")
		r[1].Ref = "1"
		_, err := app.Import(ctx, orga, "regeln", backend.ImportRequest{Ideas: r})
		var be *backend.Error
		if !errors.As(err, &be) || len(be.Fields) != 1 || be.Fields[0].EN != `The id "1" already occurs in line 2.` {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a title of one word over 140 characters is cut hard", func(t *testing.T) {
		app, orga, conf := importMarket(t, "regeln")
		r := rows(strings.Repeat("x", 300))
		res, err := app.Import(ctx, orga, "regeln", backend.ImportRequest{Ideas: r})
		if err != nil {
			t.Fatal(err)
		}
		i := allIdeas(t, app, conf.ID)[0]
		if utf8.RuneCountInString(i.Title) != backend.MaxTitleLen || !strings.HasSuffix(i.Title, "…") || i.Body != strings.Repeat("x", 300)+"\n\nText "+strings.Repeat("x", 300) {
			t.Errorf("title %q (%d), body %.40q", i.Title, utf8.RuneCountInString(i.Title), i.Body)
		}
		if len(res.Adjusted) != 1 || res.Adjusted[0].Code != "shortened" || res.Adjusted[0].Line != 2 {
			t.Errorf("adjusted = %+v", res.Adjusted)
		}
	})
	t.Run("no ideas at all", func(t *testing.T) {
		check(t, backend.ImportRequest{}, "0:ideas:empty")
		check(t, backend.ImportRequest{Comments: []backend.ImportCommentRow{{Line: 2, Ref: "1", IdeaRef: "1", Body: "Kommentar ohne Ideen"}}}, "0:ideas:empty")
	})
	t.Run("more than 200 problems are summed up", func(t *testing.T) {
		r := make([]backend.ImportRow, 250)
		for n := range r {
			r[n] = backend.ImportRow{Line: n + 2, Title: "x"}
		}
		app, orga, _ := importMarket(t, "regeln")
		_, err := app.Import(ctx, orga, "regeln", backend.ImportRequest{Ideas: r})
		got := lineCodes(t, err)
		if len(got) != 201 || got[0] != "2:ideas.title:too_short" || got[199] != "201:ideas.title:too_short" || got[200] != "0:file:more_errors" {
			t.Fatalf("%d errors: first %v, last %v", len(got), got[:2], got[len(got)-2:])
		}
		var be *backend.Error
		errors.As(err, &be)
		if be.Fields[200].EN != "… and 50 more errors." {
			t.Errorf("summary = %q", be.Fields[200].EN)
		}
	})
	t.Run("too many topics for the conference", func(t *testing.T) {
		r := make([]backend.ImportRow, 101)
		for n := range r {
			r[n] = backend.ImportRow{Line: n + 2, Title: fmt.Sprintf("Idee %d", n), Topic: fmt.Sprintf("Thema %d", n)}
		}
		check(t, backend.ImportRequest{Ideas: r}, "0:topics:too_many")
	})

	comments := func(cs ...backend.ImportCommentRow) backend.ImportRequest {
		return backend.ImportRequest{Ideas: rows("Erste Idee", "Zweite Idee"), Comments: cs}
	}
	t.Run("comments on ideas that are not in the file", func(t *testing.T) {
		check(t, comments(
			backend.ImportCommentRow{Line: 2, Ref: "a", IdeaRef: "1", Body: "Gut"},
			backend.ImportCommentRow{Line: 3, Ref: "b", IdeaRef: "99", Body: "Wo?"},
			backend.ImportCommentRow{Line: 4, Ref: "c", IdeaRef: "", Body: "Ohne Idee"},
		), "3:comments.idea:unknown", "4:comments.idea:unknown")
	})
	t.Run("broken threads and bad comments", func(t *testing.T) {
		check(t, comments(
			backend.ImportCommentRow{Line: 2, Ref: "a", IdeaRef: "1", Body: "Gut"},
			backend.ImportCommentRow{Line: 3, Ref: "b", IdeaRef: "1", ParentRef: "fehlt", Body: "Antwort ins Leere"},
			backend.ImportCommentRow{Line: 4, Ref: "c", IdeaRef: "2", ParentRef: "a", Body: "Antwort auf die andere Idee"},
			backend.ImportCommentRow{Line: 5, Ref: "d", IdeaRef: "1", ParentRef: "e", Body: "Kreis 1"},
			backend.ImportCommentRow{Line: 6, Ref: "e", IdeaRef: "1", ParentRef: "d", Body: "Kreis 2"},
			backend.ImportCommentRow{Line: 7, Ref: "a", IdeaRef: "1", Body: "Doppelt"},
			backend.ImportCommentRow{Line: 8, Ref: "f", IdeaRef: "1", Body: strings.Repeat("ü", backend.MaxCommentLen+1)},
			backend.ImportCommentRow{Line: 9, Ref: "g", IdeaRef: "1", Body: "Piep\x07"},
		), "7:comments.id:duplicate", "8:comments.text:too_long", "9:comments.text:control_char",
			"3:comments.parent:unknown", "4:comments.parent:other_idea", "5:comments.parent:unknown", "6:comments.parent:unknown")
	})
	t.Run("the rules that take what can be taken", func(t *testing.T) {
		app, orga, conf := importMarket(t, "regeln")
		longAuthor := strings.Repeat("Ä", 70)
		req := backend.ImportRequest{
			Ideas: []backend.ImportRow{
				{Line: 2, Ref: "1", Title: "  Mehr   Bäume\tim Hof  ", Body: "  Schatten.  \n", Topic: "NATUR", Department: "Grünflächenamt", Author: "  Anna \n Autorin ", Supports: 3,
					CreatedAt: time.Date(2015, 3, 5, 8, 13, 40, 613520999, time.FixedZone("CET", 3600))},
				{Line: 3, Ref: "2", Title: "44", Body: "Die Taktung der 044-Bahn verdichten.\nZweite Zeile.", Topic: "Mobilität", Department: "bauamt", Author: longAuthor},
				{Line: 4, Ref: "3", Title: "", Body: "Nur Text, kein Titel", Topic: "Mobilität"},
			},
			Comments: []backend.ImportCommentRow{
				{Line: 2, Ref: "r2", IdeaRef: "1", ParentRef: "r1", Body: "Antwort vor dem Kommentar", Author: "Ben"},
				{Line: 3, Ref: "r1", IdeaRef: "1", Body: "Erster Kommentar", Author: "Carla", CreatedAt: time.Date(2015, 3, 6, 0, 0, 0, 0, time.UTC)},
				{Line: 4, Ref: "r3", IdeaRef: "1", ParentRef: "r2", Body: "Antwort auf die Antwort"},
				{Line: 5, Ref: "r4", IdeaRef: "1", Body: " \n "},
				{Line: 6, Ref: "r5", IdeaRef: "1", ParentRef: "r4", Body: "Antwort auf einen leeren"},
			},
		}
		res, err := app.Import(ctx, orga, "regeln", req)
		if err != nil {
			t.Fatal(err)
		}
		if res.Ideas != 3 || res.Comments != 5 || !slices.Equal(res.AddedTopics, []string{"Mobilität"}) || !slices.Equal(res.AddedDepartments, []string{"Grünflächenamt"}) {
			t.Errorf("result = %+v", res)
		}
		var adj []string
		for _, f := range res.Adjusted {
			adj = append(adj, fmt.Sprintf("%d:%s:%s", f.Line, f.Field, f.Code))
		}
		if want := []string{"3:ideas.title:derived", "4:ideas.title:derived", "5:comments.text:empty"}; !slices.Equal(adj, want) {
			t.Errorf("adjusted = %v, want %v", adj, want)
		}
		if res.Adjusted[0].EN != "Title made from the text: 44 Die Taktung der 044-Bahn verdichten." {
			t.Errorf("message = %q", res.Adjusted[0].EN)
		}
		ideas := allIdeas(t, app, conf.ID)
		if len(ideas) != 3 {
			t.Fatalf("%d ideas", len(ideas))
		}
		a, b, c := ideas[0], ideas[1], ideas[2]
		if a.Title != "Mehr Bäume im Hof" || a.Body != "Schatten." || a.Topic != "natur" || a.Department != "Grünflächenamt" || a.AuthorName != "Anna Autorin" ||
			a.SupportCount != 3 || !a.CreatedAt.Equal(time.Date(2015, 3, 5, 7, 13, 40, 613520000, time.UTC)) || a.CreatedAt.Location() != time.UTC || a.CommentCount != 4 {
			t.Errorf("first idea = %+v", *a)
		}
		if b.Title != "44 Die Taktung der 044-Bahn verdichten." || b.Body != "Die Taktung der 044-Bahn verdichten.\nZweite Zeile." || b.Department != "Bauamt" ||
			b.AuthorName != strings.Repeat("Ä", 60) || !b.CreatedAt.Equal(t0) {
			t.Errorf("second idea = %+v", *b)
		}
		if c.Title != "Nur Text, kein Titel" || c.Body != "Nur Text, kein Titel" {
			t.Errorf("third idea = %+v", *c)
		}
		list, err := app.ListComments(ctx, orga, a.ID)
		if err != nil || len(list) != 5 {
			t.Fatalf("comments = %+v (%v)", list, err)
		}
		byBody := map[string]*backend.Comment{}
		for _, cm := range list {
			byBody[cm.Body] = cm.Comment
			if !cm.Reviewed {
				t.Errorf("comment %d is not reviewed", cm.ID)
			}
		}
		first := byBody["Erster Kommentar"]
		if first == nil || first.ParentID != nil || first.AuthorName != "Carla" || !first.CreatedAt.Equal(time.Date(2015, 3, 6, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("top-level comment = %+v", first)
		}
		for _, body := range []string{"Antwort vor dem Kommentar", "Antwort auf die Antwort"} {
			if r := byBody[body]; r == nil || r.ParentID == nil || *r.ParentID != first.ID {
				t.Errorf("%q = %+v, want a reply to %d", body, r, first.ID)
			}
		}
		empty := byBody[""]
		if empty == nil || !empty.Deleted || empty.ParentID != nil {
			t.Fatalf("blank comment = %+v, want a deleted top-level comment", empty)
		}
		if r := byBody["Antwort auf einen leeren"]; r == nil || r.ParentID == nil || *r.ParentID != empty.ID {
			t.Errorf("reply to the blank comment = %+v", r)
		}
	})
	t.Run("dry run checks everything and writes nothing", func(t *testing.T) {
		app, orga, conf := importMarket(t, "regeln")
		req := comments(backend.ImportCommentRow{Line: 2, Ref: "a", IdeaRef: "1", Body: "Gut"})
		req.Ideas[0].Topic = "Neu"
		req.DryRun = true
		res, err := app.Import(ctx, orga, "regeln", req)
		if err != nil || res.Ideas != 2 || res.Comments != 1 || !res.DryRun || !slices.Equal(res.AddedTopics, []string{"Neu"}) {
			t.Fatalf("dry run = %+v, %v", res, err)
		}
		if n := len(allIdeas(t, app, conf.ID)); n != 0 {
			t.Errorf("%d ideas after a dry run", n)
		}
		if stored, _ := app.GetConference(ctx, orga, "regeln"); stored.Version != conf.Version || !slices.Equal(stored.Topics, []string{"natur"}) {
			t.Errorf("conference changed by a dry run: version %d topics %q", stored.Version, stored.Topics)
		}
		r := rows("Gut", "ab")
		r[1].Body = ""
		_, err = app.Import(ctx, orga, "regeln", backend.ImportRequest{Ideas: r, DryRun: true})
		if got := lineCodes(t, err); !slices.Equal(got, []string{"3:ideas.title:too_short"}) {
			t.Errorf("dry run of a bad file: %v", got)
		}
	})
	t.Run("who may import, and when", func(t *testing.T) {
		app, orga, conf := importMarket(t, "regeln")
		participant, _ := MustJoin(t, app, "regeln", conf.JoinCode, "Paula", "")
		req := backend.ImportRequest{Ideas: rows("Erste Idee")}
		for name, tt := range map[string]struct {
			actor backend.Actor
			slug  string
			want  string
		}{
			"a visitor must log in":           {backend.Actor{}, "regeln", backend.EUNAUTHORIZED},
			"a participant must log in":       {participant, "regeln", backend.EUNAUTHORIZED},
			"an account that is no organiser": {backend.Actor{Account: &backend.Account{ID: 99, Role: "participant"}}, "regeln", backend.EFORBIDDEN},
			"an unknown conference":           {orga, "gibt-es-nicht", backend.ENOTFOUND},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := app.Import(ctx, tt.actor, tt.slug, req)
				wantCode(t, err, tt.want)
			})
		}
		if n := len(allIdeas(t, app, conf.ID)); n != 0 {
			t.Errorf("%d ideas after refused imports", n)
		}
		MustCreateMarket(t, app, orga, marketInput("entwurf"), backend.PhaseDraft)
		if _, err := app.Import(ctx, orga, "entwurf", req); err != nil {
			t.Errorf("import into a draft: %v", err)
		}
		MustCreateMarket(t, app, orga, marketInput("archiv"), backend.PhaseArchived)
		_, err := app.Import(ctx, orga, "archiv", req)
		wantCode(t, err, backend.ECONFLICT)
	})
}

package backend

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ImportRow is one idea read from an uploaded file (see backend/csvimport).
type ImportRow struct {
	Line                                   int
	Ref                                    string // the file's own id; comments refer to it
	Title, Body, Topic, Department, Author string
	Supports                               int
	CreatedAt                              time.Time
}

// ImportCommentRow is one comment read from an uploaded file.
type ImportCommentRow struct {
	Line                    int
	Ref, IdeaRef, ParentRef string
	Body, Author            string
	CreatedAt               time.Time
}

// ImportRequest is a whole import: the rows of the ideas file and of the
// optional comments file.
type ImportRequest struct {
	Ideas    []ImportRow
	Comments []ImportCommentRow
	// FormatProblems are what reading the files found (bad quoting, a
	// missing column, …), by line; Ideas and Comments hold the rows that
	// could be read. Import reports both kinds together and writes nothing.
	FormatProblems []FieldError
	DryRun         bool                  // check everything, write nothing
	Progress       func(done, total int) // called while writing, if set
}

// ImportResult says what an import did (or, dry, would do). Adjusted lists
// rows that were taken with a change the organiser should know about.
type ImportResult struct {
	Ideas            int          `json:"ideas"`
	Comments         int          `json:"comments"`
	AddedTopics      []string     `json:"addedTopics"`
	AddedDepartments []string     `json:"addedDepartments"`
	Adjusted         []FieldError `json:"adjusted"`      // the first 200
	AdjustedTotal    int          `json:"adjustedTotal"` // all of them
	DryRun           bool         `json:"dryRun"`
}

// maxReportedLines keeps an answer about a completely wrong file readable.
const maxReportedLines = 200

// Import adds ideas (and their comments) from files to a conference, for
// organisers: all of them or, if any row is wrong, none, with every wrong row
// reported by line. Real exports are messy, so the rules take what can be
// taken without losing text:
//   - a missing or too short title is made from the start of the body (a
//     short title like "44" is kept in front);
//   - a title over 140 characters is shortened at a word and the full title
//     becomes the body's first line;
//   - topics and departments not yet in the conference's lists are added;
//   - an empty comment is kept as a deleted one, so its replies keep their
//     place; replies to replies are attached to the top-level comment;
//   - a row with neither title nor text is skipped (there is nothing to lose);
//   - imported ideas and comments count as reviewed: an organiser brought them.
//
// Rows are rejected for what cannot be fixed without guessing: a title too
// short to stand alone and no body, a body or comment over the limits, control characters, a comment
// whose idea or parent is not in the files, and ids used twice.
func (a *App) Import(ctx context.Context, actor Actor, slug string, req ImportRequest) (ImportResult, error) {
	if err := requireOrganizer(actor); err != nil {
		return ImportResult{}, err
	}
	c, err := a.findVisibleConference(ctx, actor, slug)
	if err != nil {
		return ImportResult{}, err
	}
	if c.Phase == PhaseArchived {
		return ImportResult{}, Errorf(ECONFLICT, "The conference is archived.")
	}
	b := importBuilder{conf: c, now: a.now(), res: ImportResult{AddedTopics: []string{}, AddedDepartments: []string{}, Adjusted: []FieldError{}, DryRun: req.DryRun}}
	if len(req.Ideas) == 0 && len(req.FormatProblems) == 0 {
		b.v.Add("ideas", "empty", "Die Datei enthält keine Ideen.", "The file contains no ideas.")
		return b.res, b.v.Err()
	}
	items := b.ideas(req.Ideas)
	b.comments(items, req.Comments)
	if err := withFormatProblems(req.FormatProblems, b.err()); err != nil {
		return ImportResult{}, err
	}
	b.res.Ideas = len(items)
	if req.DryRun {
		return b.res, nil
	}
	next := *c
	next.Topics = append(append([]string{}, c.Topics...), b.res.AddedTopics...)
	next.Departments = append(append([]string{}, c.Departments...), b.res.AddedDepartments...)
	var v Validation
	validateSettings(&v, next.Topics, next.Departments, next.Anonymity)
	if err := v.Err(); err != nil {
		return ImportResult{}, err // e.g. more than 100 topics
	}
	next.UpdatedAt = b.now
	var progress func(int)
	if req.Progress != nil {
		progress = func(done int) { req.Progress(done, len(items)) }
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := a.Store.ImportIdeas(ctx, &next, items, progress); err != nil {
		return ImportResult{}, err
	}
	return b.res, nil
}

// withFormatProblems puts the files' format problems and the rule
// violations of the readable rows (rules, nil or EINVALID) into one error,
// each file's problems by line, those without a line last.
func withFormatProblems(format []FieldError, rules error) error {
	if len(format) == 0 {
		return rules
	}
	fields := slices.Clone(format)
	var re *Error
	if errors.As(rules, &re) {
		fields = append(fields, re.Fields...)
	}
	order := func(f FieldError) (int, int) {
		file := 2
		if strings.HasPrefix(f.Field, "ideas") {
			file = 0
		} else if strings.HasPrefix(f.Field, "comments") {
			file = 1
		}
		if f.Line == 0 {
			return file, math.MaxInt
		}
		return file, f.Line
	}
	slices.SortStableFunc(fields, func(a, b FieldError) int {
		af, al := order(a)
		bf, bl := order(b)
		return cmp.Or(cmp.Compare(af, bf), cmp.Compare(al, bl))
	})
	return &Error{Code: EINVALID, Message: "The files have problems; nothing was imported.", Fields: fields}
}

// importBuilder turns rows into store items, collecting every problem.
type importBuilder struct {
	conf     *Conference
	now      time.Time
	v        Validation
	problems int
	res      ImportResult
	// ideaIndex finds an idea's item by the file's id, for comments.
	ideaIndex map[string]int
}

func (b *importBuilder) reject(line int, field, code, de, en string) {
	b.problems++
	if b.problems <= maxReportedLines {
		b.v.AddLine(line, field, code, de, en)
	}
}

func (b *importBuilder) adjust(line int, field, code, de, en string) {
	b.res.AdjustedTotal++
	if len(b.res.Adjusted) < maxReportedLines {
		b.res.Adjusted = append(b.res.Adjusted, FieldError{Field: field, Code: code, DE: de, EN: en, Line: line})
	}
}

func (b *importBuilder) err() error {
	if b.problems > maxReportedLines {
		n := strconv.Itoa(b.problems - maxReportedLines)
		b.v.Add("file", "more_errors", "… und "+n+" weitere Fehler.", "… and "+n+" more errors.")
	}
	return b.v.Err()
}

func (b *importBuilder) ideas(rows []ImportRow) []ImportIdea {
	topics, departments := listSet(b.conf.Topics), listSet(b.conf.Departments)
	refs := map[string]int{}
	b.ideaIndex = map[string]int{}
	items := make([]ImportIdea, 0, len(rows))
	for _, r := range rows {
		if strings.TrimSpace(r.Title) == "" && strings.TrimSpace(r.Body) == "" {
			b.adjust(r.Line, "ideas.title", "skipped_empty", "Zeile ohne Titel und Text übersprungen.", "Row without title and text skipped.")
			continue
		}
		title, body := b.titleAndBody(r)
		if body != "" {
			before := len(b.v.fields)
			validateText(&b.v, "ideas.body", body, MaxIdeaBodyLen, false)
			b.lineErrors(before, r.Line)
		}
		topic, dept := strings.TrimSpace(r.Topic), strings.TrimSpace(r.Department)
		topic = b.addToList(topics, &b.res.AddedTopics, topic, r.Line, "topic")
		dept = b.addToList(departments, &b.res.AddedDepartments, dept, r.Line, "department")
		if r.Ref != "" {
			if first, dup := refs[r.Ref]; dup {
				b.reject(r.Line, "ideas.id", "duplicate", fmt.Sprintf("Die Kennung %q kommt schon in Zeile %d vor.", r.Ref, first),
					fmt.Sprintf("The id %q already occurs in line %d.", r.Ref, first))
			}
			refs[r.Ref] = r.Line
			b.ideaIndex[r.Ref] = len(items)
		}
		if r.Supports < 0 {
			b.reject(r.Line, "ideas.supports", "negative", "Die Zahl der Unterstützungen darf nicht negativ sein.", "Supports cannot be negative.")
		}
		created := r.CreatedAt
		if created.IsZero() {
			created = b.now
		}
		author := strings.Join(strings.Fields(r.Author), " ")
		if utf8.RuneCountInString(author) > MaxDisplayNameLen {
			author = string([]rune(author)[:MaxDisplayNameLen])
		}
		items = append(items, ImportIdea{Idea: &Idea{
			ConferenceID: b.conf.ID, Title: title, Body: body, Topic: topic, Department: dept, AuthorName: author,
			Status: IdeaNew, Tags: []string{}, Reviewed: true, ImportedSupports: max(r.Supports, 0),
			CreatedAt: created.UTC().Truncate(time.Microsecond), UpdatedAt: created.UTC().Truncate(time.Microsecond),
		}})
	}
	return items
}

// titleAndBody applies the title rules (see Import) to one row.
func (b *importBuilder) titleAndBody(r ImportRow) (string, string) {
	title := strings.Join(strings.Fields(r.Title), " ")
	body := strings.TrimSpace(r.Body)
	n := utf8.RuneCountInString(title)
	switch {
	case n < 3 && body == "":
		b.reject(r.Line, "ideas.title", "too_short", "Der Titel ist zu kurz, und es gibt keinen Text, aus dem sich einer bilden ließe.",
			"The title is too short, and there is no text to make one from.")
		return title, body
	case n < 3:
		title = shortenAtWord(strings.TrimSpace(title+" "+firstLine(body)), MaxTitleLen)
		b.adjust(r.Line, "ideas.title", "derived", "Titel aus dem Text gebildet: "+title, "Title made from the text: "+title)
	case n > MaxTitleLen:
		full := title
		title = shortenAtWord(full, MaxTitleLen)
		body = strings.TrimSpace(full + "\n\n" + body)
		b.adjust(r.Line, "ideas.title", "shortened", "Titel gekürzt; der volle Titel steht am Anfang des Textes.", "Title shortened; the full title opens the text.")
	}
	before := len(b.v.fields)
	validateText(&b.v, "ideas.title", title, MaxTitleLen, true)
	b.lineErrors(before, r.Line)
	return title, body // the body, with its length, is checked by the caller
}

// lineErrors moves the field errors added since before to the row's line.
func (b *importBuilder) lineErrors(before, line int) {
	added := b.v.fields[before:]
	b.v.fields = b.v.fields[:before]
	for _, f := range added {
		b.reject(line, f.Field, f.Code, f.DE, f.EN)
	}
}

// addToList returns name as the conference knows it (same entry ignoring
// case), adding it when new.
func (b *importBuilder) addToList(known map[string]string, added *[]string, name string, line int, field string) string {
	if name == "" {
		return ""
	}
	if have, ok := known[strings.ToLower(name)]; ok {
		return have
	}
	if utf8.RuneCountInString(name) > MaxListEntryLen {
		b.reject(line, "ideas."+field, "too_long", "Der Name ist länger als 80 Zeichen.", "The name is longer than 80 characters.")
		return name
	}
	known[strings.ToLower(name)] = name
	*added = append(*added, name)
	return name
}

func listSet(list []string) map[string]string {
	m := make(map[string]string, len(list))
	for _, s := range list {
		m[strings.ToLower(s)] = s
	}
	return m
}

// comments attaches comment rows to their ideas.
func (b *importBuilder) comments(items []ImportIdea, rows []ImportCommentRow) {
	type placed struct {
		idea, top int // index of the idea and of the top-level comment
		line      int
	}
	byRef := map[string]placed{}
	// Parents may come after their replies in a file: place top-level
	// comments first, then replies, following parent chains.
	parentOf := map[string]string{}
	for _, r := range rows {
		if r.Ref != "" {
			parentOf[r.Ref] = r.ParentRef
		}
	}
	type reply struct {
		row  ImportCommentRow
		idea int
	}
	var pending []reply
	for _, r := range rows {
		if p, dup := byRef[r.Ref]; dup && r.Ref != "" {
			b.reject(r.Line, "comments.id", "duplicate", fmt.Sprintf("Die Kennung %q kommt schon in Zeile %d vor.", r.Ref, p.line),
				fmt.Sprintf("The id %q already occurs in line %d.", r.Ref, p.line))
			continue
		}
		idx, ok := b.ideaIndex[r.IdeaRef]
		if !ok {
			b.reject(r.Line, "comments.idea", "unknown", fmt.Sprintf("Die Idee %q ist nicht in der Ideen-Datei.", r.IdeaRef),
				fmt.Sprintf("The idea %q is not in the ideas file.", r.IdeaRef))
			continue
		}
		if r.ParentRef != "" {
			pending = append(pending, reply{r, idx})
			if r.Ref != "" {
				byRef[r.Ref] = placed{idea: idx, top: -1, line: r.Line}
			}
			continue
		}
		cm, ok := b.comment(r)
		if !ok {
			continue
		}
		items[idx].Comments = append(items[idx].Comments, ImportComment{Comment: cm})
		if r.Ref != "" {
			byRef[r.Ref] = placed{idea: idx, top: len(items[idx].Comments) - 1, line: r.Line}
		}
		b.res.Comments++
	}
	for _, p := range pending {
		r := p.row
		// Walk up to the top-level ancestor; a cycle or a missing parent is
		// an error of the file.
		ref, steps := r.ParentRef, 0
		for parentOf[ref] != "" && steps <= len(rows) {
			ref, steps = parentOf[ref], steps+1
		}
		top, ok := byRef[ref]
		switch {
		case !ok || steps > len(rows) || top.top < 0:
			b.reject(r.Line, "comments.parent", "unknown", fmt.Sprintf("Der Kommentar %q, auf den geantwortet wird, ist nicht in der Datei.", r.ParentRef),
				fmt.Sprintf("The comment %q this replies to is not in the file.", r.ParentRef))
			continue
		case top.idea != p.idea:
			b.reject(r.Line, "comments.parent", "other_idea", "Die Antwort gehört zu einer anderen Idee als der Kommentar, auf den sie antwortet.",
				"The reply belongs to another idea than the comment it answers.")
			continue
		}
		cm, ok := b.comment(r)
		if !ok {
			continue
		}
		parent := &items[top.idea].Comments[top.top]
		parent.Replies = append(parent.Replies, cm)
		b.res.Comments++
	}
}

// comment builds one comment, or reports why it cannot be taken.
func (b *importBuilder) comment(r ImportCommentRow) (*Comment, bool) {
	body := strings.TrimSpace(r.Body)
	before := len(b.v.fields)
	if utf8.RuneCountInString(body) > MaxCommentLen {
		b.reject(r.Line, "comments.text", "too_long", fmt.Sprintf("Der Kommentar ist länger als %d Zeichen.", MaxCommentLen),
			fmt.Sprintf("The comment is longer than %d characters.", MaxCommentLen))
		return nil, false
	}
	validateText(&b.v, "comments.text", body, MaxCommentLen, false)
	if len(b.v.fields) > before {
		b.lineErrors(before, r.Line)
		return nil, false
	}
	created := r.CreatedAt
	if created.IsZero() {
		created = b.now
	}
	created = created.UTC().Truncate(time.Microsecond)
	author := strings.Join(strings.Fields(r.Author), " ")
	if utf8.RuneCountInString(author) > MaxDisplayNameLen {
		author = string([]rune(author)[:MaxDisplayNameLen])
	}
	cm := &Comment{AuthorName: author, Body: body, Reviewed: true, CreatedAt: created, UpdatedAt: created}
	if body == "" {
		cm.Deleted = true
		b.adjust(r.Line, "comments.text", "empty", "Leerer Kommentar als gelöscht übernommen.", "Empty comment taken as deleted.")
	}
	return cm, true
}

// firstLine is the start of a text up to its first line break.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.Join(strings.Fields(s), " ")
}

// shortenAtWord cuts s to at most n characters at a word boundary, with an
// ellipsis when it cut.
func shortenAtWord(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := n - 1
	for i := cut; i > n/2; i-- {
		if unicode.IsSpace(r[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRightFunc(string(r[:cut]), func(c rune) bool { return unicode.IsSpace(c) || unicode.IsPunct(c) }) + "…"
}

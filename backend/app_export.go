package backend

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ExportTable is a conference's ideas as organisers export them after the
// conference (docs/follow-up.md, "Export columns"): one row per idea of the
// conference, hidden ones included (marked), and one per idea carried out of
// it. The web adapter turns it into CSV or XLSX; the texts meant for staff
// are German.
type ExportTable struct {
	Conference *Conference
	CreatedAt  time.Time
	Rows       []ExportRow // by idea id
}

// ExportRow is one idea in an export.
type ExportRow struct {
	IdeaID     int64
	Title      string
	Body       string
	Topic      string
	Department string
	Author     string // empty for anonymous ideas
	// Status is the idea's status, or IdeaCarriedOver for an idea that left
	// the conference; StatusLabel is its German name.
	Status      IdeaStatus
	StatusLabel string
	// StatusNote explains the status: why it was rejected, or where a
	// carried-over idea went and how it stands now.
	StatusNote string
	Hidden     bool
	// Supports and Comments are the idea's counts, or for a carried-over
	// idea those it had when it left.
	Supports int
	Comments int
	// Results are the idea's results in this conference's finished rounds,
	// in the order the rounds closed: "Runde: Platz 2 von 8, 41 Stimmen; …".
	Results         string
	OfficialAnswer  string
	ResponsibleUnit string
	Progress        int // percent
	// LastUpdate is the idea's UpdatedAt: its last edit, follow-up or
	// carry-over (a timeline per idea would cost a query per idea).
	LastUpdate time.Time
	CreatedAt  time.Time
	// Path is the idea's page in the app ("/ideas/42"); the web adapter puts
	// the public base URL in front of it where one is configured.
	Path string
}

// ExportIdeas collects a conference's ideas for an export; organisers only.
// A visitor is told to log in (EUNAUTHORIZED); a participant or an account
// without the organiser role is refused (EFORBIDDEN).
//
// It reads the ideas a page at a time and the round results once per
// finished round (not per idea), so that a conference of thousands of ideas
// takes a few dozen queries.
func (a *App) ExportIdeas(ctx context.Context, actor Actor, slug string) (*ExportTable, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, err := a.conferenceMember(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	if err := Permit(m, c, ActViewIdeas, nil); err != nil { // a draft is not found but for organisers
		return nil, err
	}
	if err := needOrganizer(actor, m); err != nil {
		return nil, err
	}

	ideas, err := a.allIdeas(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	results, err := a.exportResults(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	t := &ExportTable{Conference: c, CreatedAt: a.now(), Rows: make([]ExportRow, 0, len(ideas))}
	for _, i := range ideas {
		row := exportRow(i, results[i.ID])
		row.Supports, row.Comments = i.SupportCount, i.CommentCount
		row.StatusLabel = exportStatusLabel(i.Status)
		if i.Status == IdeaRejected {
			row.StatusNote = i.StatusReason
		}
		t.Rows = append(t.Rows, row)
	}
	if err := a.addStages(ctx, t, results); err != nil {
		return nil, err
	}
	// An idea never comes back into a conference it left (CarryOver), so
	// each id is one row.
	slices.SortFunc(t.Rows, func(x, y ExportRow) int { return cmp.Compare(x.IdeaID, y.IdeaID) })
	return t, nil
}

// exportRow fills the columns an idea gives the same way whether it is in
// the conference or was carried out of it.
func exportRow(i *Idea, results []string) ExportRow {
	r := ExportRow{
		IdeaID: i.ID, Title: i.Title, Body: i.Body, Topic: i.Topic, Department: i.Department,
		Status: i.Status, Hidden: i.Hidden, Results: strings.Join(results, "; "),
		OfficialAnswer: i.OfficialAnswer, ResponsibleUnit: i.ResponsibleUnit, Progress: i.Progress,
		LastUpdate: i.UpdatedAt, CreatedAt: i.CreatedAt, Path: "/ideas/" + strconv.FormatInt(i.ID, 10),
	}
	if !i.Anonymous {
		r.Author = i.AuthorName
	}
	return r
}

// allIdeas lists every idea of a conference that is not merged (merged ones
// live on in their target), hidden ones included, by id. It pages through
// the store, skipping ideas seen twice when one was added in between.
func (a *App) allIdeas(ctx context.Context, conferenceID int64) ([]*Idea, error) {
	var out []*Idea
	seen := map[int64]bool{}
	for offset := 0; ; offset += MaxPageSize {
		page, total, err := a.Store.FindIdeas(ctx, IdeaFilter{ConferenceID: conferenceID, IncludeHidden: true,
			Sort: SortNewest, Offset: offset, Limit: MaxPageSize})
		if err != nil {
			return nil, err
		}
		for _, i := range page {
			if !seen[i.ID] {
				seen[i.ID] = true
				out = append(out, i)
			}
		}
		if len(page) < MaxPageSize || offset+MaxPageSize >= total {
			break
		}
	}
	slices.SortFunc(out, func(x, y *Idea) int { return cmp.Compare(x.ID, y.ID) })
	return out, nil
}

// exportResults returns, per idea, its results in the conference's finished
// rounds (closed or revealed; organisers see hidden results too), in the
// order the rounds closed. It reads each round's stored results once; a
// finished round without stored results is counted from its ballots.
func (a *App) exportResults(ctx context.Context, conferenceID int64) (map[int64][]string, error) {
	sessions, err := a.Store.FindAgendaSessions(ctx, conferenceID)
	if err != nil {
		return nil, err
	}
	var rounds []*Round
	for _, s := range sessions {
		rs, err := a.Store.FindRounds(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if r.State == RoundClosed || r.State == RoundRevealed {
				rounds = append(rounds, r)
			}
		}
	}
	closedAt := func(r *Round) time.Time {
		if r.ClosedAt != nil {
			return *r.ClosedAt
		}
		return r.UpdatedAt
	}
	slices.SortFunc(rounds, func(x, y *Round) int {
		if c := closedAt(x).Compare(closedAt(y)); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	out := map[int64][]string{}
	eligible := -1
	for _, r := range rounds {
		res, err := a.Store.FindRoundResults(ctx, r.ID)
		if ErrorCode(err) == ENOTFOUND {
			if eligible < 0 {
				if eligible, err = a.Store.CountActiveParticipants(ctx, conferenceID); err != nil {
					return nil, err
				}
			}
			var t Tally
			if t, err = a.Store.TallyRound(ctx, r.ID); err != nil {
				return nil, err
			}
			res, err = ComputeResults(r, t, eligible), nil
		}
		if err != nil {
			return nil, err
		}
		seen := map[int64]bool{}
		for _, o := range res.Options {
			if o.IdeaID == nil || seen[*o.IdeaID] {
				continue
			}
			seen[*o.IdeaID] = true
			out[*o.IdeaID] = append(out[*o.IdeaID], r.Title+": "+resultPhrase(r.Method, o, len(res.Options)))
		}
	}
	return out, nil
}

// resultPhrase says in German how an option fared, as staff read it:
// "Platz 2 von 8, 41 Stimmen".
func resultPhrase(m VoteMethod, o OptionResult, options int) string {
	var what string
	switch m {
	case MethodApproval:
		what = fmt.Sprintf("%d Ja, %d Nein", o.Votes, o.No)
	case MethodDots, MethodRanking:
		what = plural(o.Points, "Punkt", "Punkte")
	case MethodRating:
		what = "Ø " + strings.Replace(strconv.FormatFloat(o.Mean, 'f', 1, 64), ".", ",", 1) + " von 5 (" +
			plural(o.Votes, "Bewertung", "Bewertungen") + ")"
	default:
		what = plural(o.Votes, "Stimme", "Stimmen")
	}
	return fmt.Sprintf("Platz %d von %d, %s", o.Rank, options, what)
}

// exportStatusLabel is a status's German name (docs/follow-up.md).
func exportStatusLabel(s IdeaStatus) string {
	switch s {
	case IdeaNew:
		return "Neu"
	case IdeaInReview:
		return "In Prüfung"
	case IdeaAccepted:
		return "Angenommen"
	case IdeaInProgress:
		return "In Umsetzung"
	case IdeaImplemented:
		return "Umgesetzt"
	case IdeaRejected:
		return "Abgelehnt"
	case IdeaMerged:
		return "Zusammengeführt"
	case IdeaCarriedOver:
		return "Übernommen"
	case "":
		return "Neu"
	}
	return string(s)
}

// addStages adds a row for every idea carried out of the conference: its
// status there is carried_over, its counts are those it had when it left,
// and the rest (texts, answer, unit, progress) is the idea as it is now.
func (a *App) addStages(ctx context.Context, t *ExportTable, results map[int64][]string) error {
	stages, err := a.Store.ListConferenceStages(ctx, t.Conference.ID)
	if err != nil || len(stages) == 0 {
		return err
	}
	ideas, err := a.stageIdeas(ctx, stages)
	if err != nil {
		return err
	}
	targets := map[int64]*Conference{}
	for _, s := range stages {
		i := ideas[s.IdeaID]
		if i == nil {
			continue // gone since; nothing to show
		}
		target, ok := targets[s.TargetConferenceID]
		if !ok {
			target, err = a.Store.FindConferenceByID(ctx, s.TargetConferenceID)
			if ErrorCode(err) == ENOTFOUND {
				target, err = nil, nil
			}
			if err != nil {
				return err
			}
			targets[s.TargetConferenceID] = target
		}
		row := exportRow(i, results[i.ID])
		row.Status, row.StatusLabel = IdeaCarriedOver, exportStatusLabel(IdeaCarriedOver)
		row.Supports, row.Comments = s.Supports, s.Comments
		note := "übernommen"
		if target != nil {
			note += " in „" + target.Title + "“ (" + target.Slug + ")"
		}
		row.StatusNote = note + "; Status heute: " + exportStatusLabel(i.Status)
		if i.Status == IdeaRejected && i.StatusReason != "" {
			row.StatusNote += " (" + i.StatusReason + ")"
		}
		t.Rows = append(t.Rows, row)
	}
	return nil
}

// stageIdeas loads the ideas of stages, wherever they are now.
func (a *App) stageIdeas(ctx context.Context, stages []IdeaStage) (map[int64]*Idea, error) {
	ids := make([]int64, len(stages))
	for n, st := range stages {
		ids[n] = st.IdeaID
	}
	return a.Store.FindIdeasByIDs(ctx, ids)
}

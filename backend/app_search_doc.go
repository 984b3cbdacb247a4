package backend

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// SearchDocument builds the search engines' copy of one idea from the
// Store: the idea's fields, its conference (id, slug, title, year of its
// start), the text of its visible comments (neither hidden nor deleted), the
// titles of the sessions whose rounds offered it (drafts left out: an
// unannounced vote is nobody's business yet) and its round results as a
// sentence with Votes, their sum. Only results everyone may see count
// (Round.ResultsPublic): the index serves participants too, and a hidden
// tally must not leak through a sort by votes. An idea that is gone is
// ENOTFOUND.
//
// A merged idea gets Status "merged"; SearchUpdates removes such ideas from
// the index (see there). The follow-up fields come along: the status, the
// official answer and the responsible unit, so that staff find ideas by the
// administration's answer too, and Lineage, the conferences the idea passed
// through by carry-over (oldest first, the current one last), so that
// search can say "aus 2025 übernommen". Follow-ups and carry-overs record a
// change for the idea, which is how they reach the index.
func (a *App) SearchDocument(ctx context.Context, ideaID int64) (*SearchDocument, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	return newSearchDocBuilder(a.Store).build(ctx, ideaID)
}

// SearchUpdates turns idea ids into what an index must do: the documents to
// add or replace, and the ids to remove. An idea is removed when it is gone
// or merged. Merged ideas leave the index because the merge made them part
// of their target, which now carries their supports and comments: listings
// never show them, and a search that did would bring back the duplicate the
// moderator removed (the merged idea's page still redirects, by URL). Undoing
// a merge records a change for the idea, which indexes it again.
//
// Conference and round data are read once per call, so a batch of a
// conference's ideas costs a few queries per idea, not per round.
func (a *App) SearchUpdates(ctx context.Context, ideaIDs []int64) (index []SearchDocument, remove []int64, err error) {
	b := newSearchDocBuilder(a.Store)
	for _, id := range ideaIDs {
		doc, err := b.build(ctx, id)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			remove = append(remove, id)
		case err != nil:
			return nil, nil, fmt.Errorf("build search document of idea %d: %w", id, err)
		case doc.Status == string(IdeaMerged):
			remove = append(remove, id)
		default:
			index = append(index, *doc)
		}
	}
	return index, remove, nil
}

// searchDocBuilder caches what ideas of one conference share.
type searchDocBuilder struct {
	store       Store
	conferences map[int64]*Conference
	sessions    map[int64]map[int64][]string // conference → idea → titles of sessions that offered it
}

func newSearchDocBuilder(s Store) *searchDocBuilder {
	return &searchDocBuilder{store: s, conferences: map[int64]*Conference{}, sessions: map[int64]map[int64][]string{}}
}

func (b *searchDocBuilder) build(ctx context.Context, ideaID int64) (*SearchDocument, error) {
	i, err := b.store.FindIdeaByID(ctx, ideaID)
	if err != nil {
		return nil, err
	}
	c, err := b.conference(ctx, i.ConferenceID)
	if err != nil {
		return nil, err
	}
	d := &SearchDocument{
		ID: i.ID, ConferenceID: c.ID, ConferenceSlug: c.Slug, ConferenceTitle: c.Title, Year: c.StartsAt.Year(),
		Title: i.Title, Body: i.Body, Topic: i.Topic, Department: i.Department, Status: string(i.Status),
		OfficialAnswer: i.OfficialAnswer, ResponsibleUnit: i.ResponsibleUnit,
		Supports: i.SupportCount, Hidden: i.Hidden,
		Sessions: []string{}, Comments: []string{},
		CreatedAt: i.CreatedAt, UpdatedAt: i.UpdatedAt,
	}
	stages, err := b.store.ListIdeaStages(ctx, i.ID)
	if err != nil {
		return nil, err
	}
	for _, st := range stages {
		d.Lineage = append(d.Lineage, st.ConferenceID)
	}
	d.Lineage = append(d.Lineage, c.ID)
	comments, err := b.store.FindComments(ctx, i.ID)
	if err != nil {
		return nil, err
	}
	for _, cm := range comments {
		if !cm.Hidden && !cm.Deleted && strings.TrimSpace(cm.Body) != "" {
			d.Comments = append(d.Comments, cm.Body)
		}
	}
	offered, err := b.offeredIn(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	d.Sessions = append(d.Sessions, offered[i.ID]...)
	results, err := b.store.FindIdeaRoundResults(ctx, i.ID)
	if err != nil {
		return nil, err
	}
	var sentences []string
	for _, r := range results {
		if !(&Round{State: r.State, LiveResults: r.LiveResults}).ResultsPublic() {
			continue
		}
		d.Votes += r.score()
		sentences = append(sentences, r.sentence())
		if !contains(d.Sessions, r.SessionTitle) {
			d.Sessions = append(d.Sessions, r.SessionTitle)
		}
	}
	d.Results = strings.Join(sentences, " ")
	return d, nil
}

func (b *searchDocBuilder) conference(ctx context.Context, id int64) (*Conference, error) {
	if c, ok := b.conferences[id]; ok {
		return c, nil
	}
	c, err := b.store.FindConferenceByID(ctx, id)
	if err != nil {
		return nil, err
	}
	b.conferences[id] = c
	return c, nil
}

// offeredIn maps each idea of a conference to the titles of the sessions
// (in agenda order) whose rounds beyond draft offered it.
func (b *searchDocBuilder) offeredIn(ctx context.Context, conferenceID int64) (map[int64][]string, error) {
	if m, ok := b.sessions[conferenceID]; ok {
		return m, nil
	}
	sessions, err := b.store.FindAgendaSessions(ctx, conferenceID)
	if err != nil {
		return nil, err
	}
	m := map[int64][]string{}
	for _, s := range sessions {
		rounds, err := b.store.FindRounds(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		for _, r := range rounds {
			if r.State == RoundDraft {
				continue
			}
			for _, o := range r.Options {
				if o.IdeaID != nil && !contains(m[*o.IdeaID], s.Title) {
					m[*o.IdeaID] = append(m[*o.IdeaID], s.Title)
				}
			}
		}
	}
	b.sessions[conferenceID] = m
	return m, nil
}

// score is what a round contributes to SearchDocument.Votes: points where
// the method hands out points (dots, ranking), else votes.
func (r IdeaRoundResult) score() int {
	if r.Method == MethodDots || r.Method == MethodRanking {
		return r.Points
	}
	return r.Votes
}

// sentence says in German (the index analyses German) how the idea fared:
// "Platz 2 von 8 in „Was zuerst?“ (Forum Digitales): 12 Stimmen."
func (r IdeaRoundResult) sentence() string {
	var what string
	switch r.Method {
	case MethodApproval:
		what = fmt.Sprintf("%d Ja, %d Nein", r.Votes, r.No)
	case MethodDots, MethodRanking:
		what = plural(r.Points, "Punkt", "Punkte")
	case MethodRating:
		what = "Durchschnitt " + strings.Replace(strconv.FormatFloat(r.Mean, 'f', 1, 64), ".", ",", 1) + " von 5 bei " + plural(r.Votes, "Bewertung", "Bewertungen")
	default:
		what = plural(r.Votes, "Stimme", "Stimmen")
	}
	return fmt.Sprintf("Platz %d von %d in „%s“ (%s): %s.", r.Rank, r.Options, r.RoundTitle, r.SessionTitle, what)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

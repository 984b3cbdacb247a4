package backend

import (
	"cmp"
	"context"
	"slices"
)

// Outcomes is a conference's public "Wie geht's weiter?" page: its visible
// ideas grouped by follow-up status, and the ideas carried out of it into
// later conferences. It is also the printable report.
type Outcomes struct {
	Conference  ConferenceView `json:"conference"`
	Groups      []OutcomeGroup `json:"groups"`      // one per FollowUpStatuses entry, in that order, empty ones included
	CarriedOver []CarriedIdea  `json:"carriedOver"` // by carry time
}

// OutcomeGroup holds the ideas of one status, most supported first.
type OutcomeGroup struct {
	Status IdeaStatus    `json:"status"`
	Ideas  []OutcomeIdea `json:"ideas"`
}

// OutcomeIdea is an idea with its public round results (newest round
// first; empty when it was in no round, or the results are not public).
type OutcomeIdea struct {
	IdeaView
	Results []IdeaRoundResult `json:"results"`
}

// CarriedIdea is an idea that left the conference: its stage there (status,
// supports and comments when it left), where it went (slug and title, empty
// while that conference is a draft the actor cannot see), and its public
// round results. The embedded idea is as it is now, in its new conference.
type CarriedIdea struct {
	IdeaView
	Stage                 IdeaStage         `json:"stage"`
	TargetConferenceSlug  string            `json:"targetConferenceSlug"`
	TargetConferenceTitle string            `json:"targetConferenceTitle"`
	Results               []IdeaRoundResult `json:"results"`
}

// Outcomes returns a conference's outcomes to whoever may see the
// conference. Hidden and merged ideas are left out for everyone (the page
// is public and printed); round results only where they are public. Results
// are read for the ideas that this conference's rounds offered, which keeps
// the page at a few queries per voted idea rather than per idea.
func (a *App) Outcomes(ctx context.Context, actor Actor, slug string) (Outcomes, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, err := a.conferenceMember(ctx, actor, slug)
	if err != nil {
		return Outcomes{}, err
	}
	if err := Permit(m, c, ActViewIdeas, nil); err != nil {
		return Outcomes{}, err
	}
	offered, err := newSearchDocBuilder(a.Store).offeredIn(ctx, c.ID)
	if err != nil {
		return Outcomes{}, err
	}
	results := func(id int64) ([]IdeaRoundResult, error) {
		out := []IdeaRoundResult{}
		if len(offered[id]) == 0 {
			return out, nil
		}
		all, err := a.Store.FindIdeaRoundResults(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, r := range all {
			if (&Round{State: r.State, LiveResults: r.LiveResults}).ResultsPublic() {
				out = append(out, r)
			}
		}
		return out, nil
	}

	o := Outcomes{Conference: viewConference(actor, c), Groups: make([]OutcomeGroup, len(FollowUpStatuses)), CarriedOver: []CarriedIdea{}}
	index := map[IdeaStatus]int{}
	for k, s := range FollowUpStatuses {
		o.Groups[k] = OutcomeGroup{Status: s, Ideas: []OutcomeIdea{}}
		index[s] = k
	}
	for offset := 0; ; offset += MaxPageSize {
		// Pages in creation order, which supports arriving meanwhile cannot
		// shuffle (no idea read twice or skipped); sorted by supports below.
		ideas, total, err := a.Store.FindIdeas(ctx, IdeaFilter{ConferenceID: c.ID, Sort: SortNewest, Offset: offset, Limit: MaxPageSize})
		if err != nil {
			return Outcomes{}, err
		}
		supported, err := a.supported(ctx, m, ideas)
		if err != nil {
			return Outcomes{}, err
		}
		for _, i := range ideas {
			g, ok := index[i.Status]
			if !ok {
				continue // merged ideas are not listed; no other status exists
			}
			res, err := results(i.ID)
			if err != nil {
				return Outcomes{}, err
			}
			o.Groups[g].Ideas = append(o.Groups[g].Ideas, OutcomeIdea{IdeaView: viewIdea(m, c, i, supported[i.ID]), Results: res})
		}
		if len(ideas) == 0 || offset+len(ideas) >= total {
			break
		}
	}
	for _, g := range o.Groups {
		slices.SortStableFunc(g.Ideas, func(x, y OutcomeIdea) int {
			return cmp.Or(cmp.Compare(y.SupportCount, x.SupportCount), cmp.Compare(x.ID, y.ID))
		})
	}

	stages, err := a.Store.ListConferenceStages(ctx, c.ID)
	if err != nil {
		return Outcomes{}, err
	}
	// The carried ideas are read like the export reads them (a page of the
	// target at a time where many went there, not one query per idea): the
	// page is public, and a conference may have carried hundreds.
	carried, err := a.stageIdeas(ctx, stages)
	if err != nil {
		return Outcomes{}, err
	}
	var shown []*Idea
	for _, st := range stages {
		if i := carried[st.IdeaID]; i != nil && !i.Hidden {
			shown = append(shown, i)
		}
	}
	// Supports stay with the idea, so the supporter's membership here still
	// supports it.
	supported, err := a.supported(ctx, m, shown)
	if err != nil {
		return Outcomes{}, err
	}
	names := newConferenceNames(a, actor)
	for _, st := range stages {
		i := carried[st.IdeaID]
		if i == nil || i.Hidden {
			continue
		}
		ci := CarriedIdea{IdeaView: viewIdea(m, c, i, supported[i.ID]), Stage: st}
		if ci.TargetConferenceSlug, ci.TargetConferenceTitle, err = names.name(ctx, st.TargetConferenceID); err != nil {
			return Outcomes{}, err
		}
		ci.ConferenceSlug = ""
		if now, err := names.conference(ctx, i.ConferenceID); err != nil {
			return Outcomes{}, err
		} else if now != nil {
			ci.ConferenceSlug = now.Slug // where the idea is today, for the link
		}
		if ci.Results, err = results(i.ID); err != nil {
			return Outcomes{}, err
		}
		o.CarriedOver = append(o.CarriedOver, ci)
	}
	return o, nil
}

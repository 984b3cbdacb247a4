package backend

import "context"

// MyIdea is one entry of "Meine Ideen": an idea this browser wrote or
// supports, its conference, and what happened last (nil before any
// follow-up). Mine says the browser wrote it (anonymous ideas included:
// only the author's own browser knows); Supported that it supports it.
type MyIdea struct {
	IdeaView
	ConferenceTitle string         `json:"conferenceTitle"`
	Latest          *TimelineEntry `json:"latest"`
}

// MyIdeas lists the ideas the actor's browser wrote or supports, in every
// conference it joined (found by the participant key, the same for all of a
// browser's memberships), newest update first. Without a participant key
// the list is empty. Hidden ideas are listed for their author and for
// moderators of their conference only. An idea carried into a conference
// that is still a draft is shown under the conference it left, since the
// draft is not public yet.
func (a *App) MyIdeas(ctx context.Context, actor Actor) ([]MyIdea, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	out := []MyIdea{}
	if actor.ParticipantKey == "" {
		return out, nil
	}
	list, err := a.Store.ListIdeasOfKey(ctx, HashToken(actor.ParticipantKey))
	if err != nil {
		return nil, err
	}
	names := newConferenceNames(a, actor)
	members := map[int64]Member{}
	for _, k := range list {
		i := k.Idea
		c, err := names.conference(ctx, i.ConferenceID)
		if err != nil {
			return nil, err
		}
		if c == nil { // carried into a draft: show it where it was
			if c, err = a.lastVisibleStage(ctx, names, i.ID); err != nil || c == nil {
				if err != nil {
					return nil, err
				}
				continue
			}
		}
		m, ok := members[c.ID]
		if !ok {
			if m, err = a.member(ctx, actor, c); err != nil {
				return nil, err
			}
			members[c.ID] = m
		}
		if i.Hidden && !k.Authored && m.Role < MemberModerator {
			continue
		}
		item := MyIdea{IdeaView: viewIdea(m, c, i, k.Supported), ConferenceTitle: c.Title}
		item.Mine = k.Authored
		item.ConferenceID = c.ID // the conference shown, so that id, slug and title agree (viewIdea copied the idea)
		entries, err := a.Store.ListFollowUps(ctx, i.ID)
		if err != nil {
			return nil, err
		}
		if len(entries) > 0 {
			te, err := names.entry(ctx, entries[len(entries)-1])
			if err != nil {
				return nil, err
			}
			item.Latest = &te
		}
		out = append(out, item)
	}
	return out, nil
}

// lastVisibleStage returns the newest conference an idea left that the
// actor can see, or nil.
func (a *App) lastVisibleStage(ctx context.Context, names *conferenceNames, ideaID int64) (*Conference, error) {
	stages, err := a.Store.ListIdeaStages(ctx, ideaID)
	if err != nil {
		return nil, err
	}
	for k := len(stages) - 1; k >= 0; k-- {
		c, err := names.conference(ctx, stages[k].ConferenceID)
		if err != nil || c != nil {
			return c, err
		}
	}
	return nil, nil
}

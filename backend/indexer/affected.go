package indexer

import (
	"context"
	"fmt"
	"slices"

	"ideenmarkt/backend"
)

// affected returns the ideas whose documents a batch of changes may have
// altered, in ascending id order, and the conference fields seen (to be
// remembered once the batch is applied). Entities that no document copies
// (accounts, invites, reports, participants – an erasure records changes
// for the ideas whose author name it cleared) touch nothing.
func (x *Indexer) affected(ctx context.Context, cs []backend.Change) ([]int64, map[int64]conferenceKey, error) {
	ids := map[int64]bool{}
	seen := map[int64]conferenceKey{}
	wholeConference := map[int64]bool{}
	for _, c := range cs {
		switch c.Entity {
		case backend.EntityIdea:
			ids[c.EntityID] = true
		case backend.EntityComment:
			cm, err := x.app.Store.FindCommentByID(ctx, c.EntityID)
			if backend.ErrorCode(err) == backend.ENOTFOUND {
				continue
			} else if err != nil {
				return nil, nil, fmt.Errorf("find comment %d: %w", c.EntityID, err)
			}
			ids[cm.IdeaID] = true
		case backend.EntityRound:
			// A deleted round's options are unknown; deletes are rare (only
			// rounds without ballots), so its conference is redone whole.
			if c.Op == backend.OpDelete {
				wholeConference[c.ConferenceID] = true
				continue
			}
			r, err := x.app.Store.FindRoundByID(ctx, c.EntityID)
			if backend.ErrorCode(err) == backend.ENOTFOUND {
				wholeConference[c.ConferenceID] = true
				continue
			} else if err != nil {
				return nil, nil, fmt.Errorf("find round %d: %w", c.EntityID, err)
			}
			addOptions(ids, r)
		case backend.EntitySession:
			// Only a session without rounds can be deleted: no idea names it.
			if c.Op == backend.OpDelete {
				continue
			}
			rounds, err := x.app.Store.FindRounds(ctx, c.EntityID)
			if err != nil {
				return nil, nil, fmt.Errorf("find rounds of session %d: %w", c.EntityID, err)
			}
			for _, r := range rounds {
				addOptions(ids, r)
			}
		case backend.EntityConference:
			conf, err := x.app.Store.FindConferenceByID(ctx, c.EntityID)
			if backend.ErrorCode(err) == backend.ENOTFOUND {
				continue
			} else if err != nil {
				return nil, nil, fmt.Errorf("find conference %d: %w", c.EntityID, err)
			}
			k := conferenceKey{slug: conf.Slug, title: conf.Title, year: conf.StartsAt.Year()}
			x.mu.Lock()
			old, ok := x.known[conf.ID]
			x.mu.Unlock()
			if !ok || old != k {
				wholeConference[conf.ID] = true
			}
			seen[conf.ID] = k
		}
	}
	for id := range wholeConference {
		if id == 0 {
			continue
		}
		all, err := x.app.Store.FindIdeaTitles(ctx, id)
		if err != nil {
			return nil, nil, fmt.Errorf("list ideas of conference %d: %w", id, err)
		}
		for _, t := range all {
			ids[t.ID] = true
		}
	}
	out := make([]int64, 0, len(ids))
	for id := range ids {
		out = append(out, id)
	}
	slices.Sort(out)
	return out, seen, nil
}

func addOptions(ids map[int64]bool, r *backend.Round) {
	for _, o := range r.Options {
		if o.IdeaID != nil {
			ids[*o.IdeaID] = true
		}
	}
}

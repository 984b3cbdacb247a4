package backend

import (
	"context"
	"strings"
)

// IdeaView is an idea as one actor may see it. An anonymous idea never shows
// its author to anyone (not even organisers); its author still recognises it
// as Mine and may edit it.
type IdeaView struct {
	*Idea
	ConferenceSlug string `json:"conferenceSlug"` // so that clients can link back without a lookup
	Mine           bool   `json:"mine"`
	Supported      bool   `json:"supported"`
	CanEdit        bool   `json:"canEdit"`
}

func viewIdea(m Member, c *Conference, i *Idea, supported bool) IdeaView {
	cp := *i
	if cp.Anonymous {
		cp.AuthorName = ""
	}
	return IdeaView{Idea: &cp, ConferenceSlug: c.Slug, Mine: m.isAuthor(i), Supported: supported, CanEdit: Permit(m, c, ActEditIdea, i) == nil}
}

// IdeaUpdate carries the fields of an idea edit; nil leaves a field unchanged.
type IdeaUpdate struct {
	Title      *string `json:"title"`
	Body       *string `json:"body"`
	Topic      *string `json:"topic"`
	Department *string `json:"department"`
	Version    *int    `json:"version"`
}

// IdeaQuery is a listing request from the API.
type IdeaQuery struct {
	Topic, Department string
	Status            IdeaStatus
	Sort              IdeaSort
	Seed              int64
	Offset, Limit     int
}

// SubmitIdea adds an idea to a conference's market in the actor's name, or
// anonymously where the conference allows or requires it.
func (a *App) SubmitIdea(ctx context.Context, actor Actor, slug string, in IdeaInput) (IdeaView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, err := a.conferenceMember(ctx, actor, slug)
	if err != nil {
		return IdeaView{}, err
	}
	if err := Permit(m, c, ActSubmitIdea, nil); err != nil {
		return IdeaView{}, err
	}
	if err := in.validate(c); err != nil {
		return IdeaView{}, err
	}
	switch c.Anonymity {
	case AnonymityAlways:
		in.Anonymous = true
	case AnonymityNever:
		if in.Anonymous {
			var v Validation
			v.Add("anonymous", "not_allowed", "In dieser Konferenz sind keine anonymen Ideen möglich.", "This conference does not accept anonymous ideas.")
			return IdeaView{}, v.Err()
		}
	}
	now := a.now()
	author := m.Participant.ID
	i := &Idea{ConferenceID: c.ID, Title: in.Title, Body: in.Body, Topic: in.Topic, Department: in.Department,
		AuthorID: &author, AuthorName: m.Participant.DisplayName, Anonymous: in.Anonymous, Status: IdeaNew,
		CreatedAt: now, UpdatedAt: now}
	if i.Anonymous {
		// Not even stored: an export or a database dump must not reveal it
		// either, and a small department could give the author away.
		i.AuthorName = ""
	} else if i.Department == "" {
		i.Department = m.Participant.Department
	}
	if err := a.Store.CreateIdea(ctx, i); err != nil {
		return IdeaView{}, err
	}
	return viewIdea(m, c, i, false), nil
}

// GetIdea returns one idea as the actor may see it.
func (a *App) GetIdea(ctx context.Context, actor Actor, id int64) (IdeaView, error) {
	c, m, i, err := a.ideaMember(ctx, actor, id)
	if err != nil {
		return IdeaView{}, err
	}
	if err := Permit(m, c, ActViewIdeas, i); err != nil {
		return IdeaView{}, err
	}
	supported, err := a.supported(ctx, m, []*Idea{i})
	if err != nil {
		return IdeaView{}, err
	}
	return viewIdea(m, c, i, supported[i.ID]), nil
}

// ListIdeas lists a conference's ideas; moderators also see hidden ones.
func (a *App) ListIdeas(ctx context.Context, actor Actor, slug string, q IdeaQuery) ([]IdeaView, int, error) {
	c, m, err := a.conferenceMember(ctx, actor, slug)
	if err != nil {
		return nil, 0, err
	}
	if err := Permit(m, c, ActViewIdeas, nil); err != nil {
		return nil, 0, err
	}
	var v Validation
	switch q.Sort {
	case "", SortNewest, SortSupports, SortComments, SortRandom:
	default:
		v.Add("sort", "invalid", "Sortierung: supports, newest, comments oder random.", "Sort must be supports, newest, comments or random.")
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	ideas, total, err := a.Store.FindIdeas(ctx, IdeaFilter{ConferenceID: c.ID, Topic: strings.TrimSpace(q.Topic),
		Department: strings.TrimSpace(q.Department), Status: q.Status, IncludeHidden: m.Role >= MemberModerator,
		Sort: q.Sort, Seed: q.Seed, Offset: q.Offset, Limit: q.Limit})
	if err != nil {
		return nil, 0, err
	}
	supported, err := a.supported(ctx, m, ideas)
	if err != nil {
		return nil, 0, err
	}
	out := make([]IdeaView, len(ideas))
	for n, i := range ideas {
		out[n] = viewIdea(m, c, i, supported[i.ID])
	}
	return out, total, nil
}

// UpdateIdea edits an idea. The text before the edit is kept as a version
// that moderators can read.
func (a *App) UpdateIdea(ctx context.Context, actor Actor, id int64, upd IdeaUpdate) (IdeaView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, i, err := a.ideaMember(ctx, actor, id)
	if err != nil {
		return IdeaView{}, err
	}
	if err := Permit(m, c, ActEditIdea, i); err != nil {
		return IdeaView{}, err
	}
	if upd.Version != nil && *upd.Version != i.Version {
		return IdeaView{}, ErrStaleVersion
	}
	in := IdeaInput{Title: i.Title, Body: i.Body, Topic: i.Topic, Department: i.Department}
	for _, f := range []struct {
		dst *string
		src *string
	}{{&in.Title, upd.Title}, {&in.Body, upd.Body}, {&in.Topic, upd.Topic}, {&in.Department, upd.Department}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if err := in.validate(c); err != nil {
		return IdeaView{}, err
	}
	changed := in.Title != i.Title || in.Body != i.Body || in.Topic != i.Topic || in.Department != i.Department
	if changed {
		i.Title, i.Body, i.Topic, i.Department, i.UpdatedAt = in.Title, in.Body, in.Topic, in.Department, a.now()
		if err := a.Store.UpdateIdea(ctx, i, true); err != nil {
			return IdeaView{}, err
		}
	}
	supported, err := a.supported(ctx, m, []*Idea{i})
	if err != nil {
		return IdeaView{}, err
	}
	return viewIdea(m, c, i, supported[i.ID]), nil
}

// IdeaVersions returns an idea's earlier texts, for moderators.
func (a *App) IdeaVersions(ctx context.Context, actor Actor, id int64) ([]IdeaVersion, error) {
	c, m, i, err := a.ideaMember(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := Permit(m, c, ActModerate, i); err != nil {
		return nil, err
	}
	return a.Store.FindIdeaVersions(ctx, i.ID)
}

// SetSupport adds or withdraws the actor's support; repeating either is
// harmless. It returns the new number of supports.
func (a *App) SetSupport(ctx context.Context, actor Actor, id int64, on bool) (int, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, m, i, err := a.ideaMember(ctx, actor, id)
	if err != nil {
		return 0, err
	}
	if err := Permit(m, c, ActSupport, i); err != nil {
		return 0, err
	}
	return a.Store.SetSupport(ctx, i.ID, m.Participant.ID, on, a.now())
}

func (a *App) conferenceMember(ctx context.Context, actor Actor, slug string) (*Conference, Member, error) {
	c, err := a.Store.FindConferenceBySlug(ctx, slug)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Member{}, Errorf(ENOTFOUND, "Conference not found.")
	}
	if err != nil {
		return nil, Member{}, err
	}
	m, err := a.member(ctx, actor, c)
	return c, m, err
}

// ideaMember loads an idea, its conference and the actor's standing there.
func (a *App) ideaMember(ctx context.Context, actor Actor, id int64) (*Conference, Member, *Idea, error) {
	i, err := a.Store.FindIdeaByID(ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Member{}, nil, Errorf(ENOTFOUND, "Idea not found.")
	}
	if err != nil {
		return nil, Member{}, nil, err
	}
	c, err := a.Store.FindConferenceByID(ctx, i.ConferenceID)
	if err != nil {
		return nil, Member{}, nil, err
	}
	m, err := a.member(ctx, actor, c)
	return c, m, i, err
}

func (a *App) supported(ctx context.Context, m Member, ideas []*Idea) (map[int64]bool, error) {
	if m.Participant == nil || len(ideas) == 0 {
		return map[int64]bool{}, nil
	}
	ids := make([]int64, len(ideas))
	for n, i := range ideas {
		ids[n] = i.ID
	}
	return a.Store.SupportedBy(ctx, m.Participant.ID, ids)
}

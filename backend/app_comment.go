package backend

import "context"

// CommentView is a comment as one actor sees it. Deleted comments keep their
// place (replies refer to them) but show neither text nor name.
type CommentView struct {
	*Comment
	Mine    bool `json:"mine"`
	CanEdit bool `json:"canEdit"`
}

func (m Member) wrote(c *Comment) bool {
	return m.Participant != nil && c.AuthorID != nil && *c.AuthorID == m.Participant.ID
}

// ListComments returns an idea's comments, oldest first. Hidden comments are
// shown only to moderators and to their author, who sees why.
func (a *App) ListComments(ctx context.Context, actor Actor, ideaID int64) ([]CommentView, error) {
	conf, m, idea, err := a.ideaMember(ctx, actor, ideaID)
	if err != nil {
		return nil, err
	}
	if err := Permit(m, conf, ActViewIdeas, idea); err != nil {
		return nil, err
	}
	all, err := a.Store.FindComments(ctx, idea.ID)
	if err != nil {
		return nil, err
	}
	canComment := Permit(m, conf, ActComment, idea) == nil
	out := []CommentView{}
	for _, c := range all {
		if c.Hidden && m.Role < MemberModerator && !m.wrote(c) {
			continue
		}
		cp := *c
		if cp.Deleted {
			cp.Body, cp.AuthorName = "", ""
		}
		out = append(out, CommentView{Comment: &cp, Mine: m.wrote(c), CanEdit: canComment && m.wrote(c) && !c.Deleted})
	}
	return out, nil
}

// AddComment writes a comment or, with ParentID, a reply to a top-level comment.
func (a *App) AddComment(ctx context.Context, actor Actor, ideaID int64, in CommentInput) (CommentView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	conf, m, idea, err := a.ideaMember(ctx, actor, ideaID)
	if err != nil {
		return CommentView{}, err
	}
	if err := Permit(m, conf, ActComment, idea); err != nil {
		return CommentView{}, err
	}
	body, err := validateCommentBody(in.Body)
	if err != nil {
		return CommentView{}, err
	}
	if in.ParentID != nil {
		parent, err := a.Store.FindCommentByID(ctx, *in.ParentID)
		var v Validation
		switch {
		case ErrorCode(err) == ENOTFOUND || (err == nil && (parent.IdeaID != idea.ID || parent.Hidden)):
			v.Add("parentId", "not_found", "Der Kommentar, auf den Sie antworten, existiert nicht.", "The comment you reply to does not exist.")
		case err != nil:
			return CommentView{}, err
		case parent.ParentID != nil:
			v.Add("parentId", "too_deep", "Antworten auf Antworten sind nicht möglich.", "Replies to replies are not possible.")
		}
		if err := v.Err(); err != nil {
			return CommentView{}, err
		}
	}
	now := a.now()
	author := m.Participant.ID
	c := &Comment{IdeaID: idea.ID, ParentID: in.ParentID, AuthorID: &author, AuthorName: m.Participant.DisplayName,
		Body: body, CreatedAt: now, UpdatedAt: now}
	if err := a.Store.CreateComment(ctx, c); err != nil {
		return CommentView{}, err
	}
	return CommentView{Comment: c, Mine: true, CanEdit: true}, nil
}

// EditComment changes the text of one's own comment.
func (a *App) EditComment(ctx context.Context, actor Actor, id int64, body string) (CommentView, error) {
	return a.changeOwnComment(ctx, actor, id, func(c *Comment) error {
		b, err := validateCommentBody(body)
		c.Body = b
		return err
	})
}

// DeleteComment removes the text of one's own comment; replies stay.
func (a *App) DeleteComment(ctx context.Context, actor Actor, id int64) error {
	_, err := a.changeOwnComment(ctx, actor, id, func(c *Comment) error {
		c.Deleted = true
		return nil
	})
	return err
}

func (a *App) changeOwnComment(ctx context.Context, actor Actor, id int64, change func(*Comment) error) (CommentView, error) {
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	c, err := a.Store.FindCommentByID(ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		return CommentView{}, Errorf(ENOTFOUND, "Comment not found.")
	}
	if err != nil {
		return CommentView{}, err
	}
	conf, m, idea, err := a.ideaMember(ctx, actor, c.IdeaID)
	if err != nil {
		return CommentView{}, err
	}
	if err := Permit(m, conf, ActComment, idea); err != nil {
		return CommentView{}, err
	}
	if c.Deleted || (c.Hidden && !m.wrote(c)) {
		return CommentView{}, Errorf(ENOTFOUND, "Comment not found.")
	}
	if !m.wrote(c) {
		return CommentView{}, Errorf(EFORBIDDEN, "Only the author may change this comment.")
	}
	if err := change(c); err != nil {
		return CommentView{}, err
	}
	c.UpdatedAt = a.now()
	if err := a.Store.UpdateComment(ctx, c); err != nil {
		return CommentView{}, err
	}
	return CommentView{Comment: c, Mine: true, CanEdit: !c.Deleted}, nil
}

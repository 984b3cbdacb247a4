package backend

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Comment is a remark on an idea. Replies go one level deep: a reply's
// ParentID names a top-level comment of the same idea. A deleted comment keeps
// its row (so its replies keep their context) but loses its text.
type Comment struct {
	ID           int64     `json:"id"`
	IdeaID       int64     `json:"ideaId"`
	ParentID     *int64    `json:"parentId,omitempty"`
	AuthorID     *int64    `json:"-"`
	AuthorName   string    `json:"authorName"`
	Body         string    `json:"body"`
	Hidden       bool      `json:"hidden"`
	HiddenReason string    `json:"hiddenReason,omitempty"`
	Deleted      bool      `json:"deleted"`
	Reviewed     bool      `json:"reviewed"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
}

// CommentInput is what a participant writes.
type CommentInput struct {
	Body     string `json:"body"`
	ParentID *int64 `json:"parentId"`
}

// MaxCommentLen bounds a comment in characters. Real participation comments
// run long: the longest of the Tempelhofer Feld dialogue has 4,342.
const MaxCommentLen = 5000

func validateCommentBody(body string) (string, error) {
	body = strings.TrimSpace(body)
	var v Validation
	if body == "" {
		v.Add("body", "required", "Bitte einen Kommentar schreiben.", "Please write a comment.")
	} else if utf8.RuneCountInString(body) > MaxCommentLen {
		v.Add("body", "too_long", "Der Kommentar darf höchstens 5000 Zeichen lang sein.", "The comment may be at most 5000 characters long.")
	} else {
		validateText(&v, "body", body, MaxCommentLen, false)
	}
	return body, v.Err()
}

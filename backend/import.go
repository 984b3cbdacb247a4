package backend

// ImportIdea is one idea of an import with its comments. The store writes
// Idea (with its ImportedSupports, AuthorName and CreatedAt as given) and the
// comments, and sets the counts.
type ImportIdea struct {
	Idea     *Idea
	Comments []ImportComment
}

// ImportComment is a top-level comment with its replies (one level, as in
// the market; deeper replies of the source are attached to their top-level
// ancestor before they get here).
type ImportComment struct {
	Comment *Comment
	Replies []*Comment
}

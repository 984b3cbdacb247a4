package csvimport

import (
	"errors"
	"io"

	"ideenmarkt/backend"
)

// Read parses an ideas file and, if comments is not nil, a comments file
// into a backend.ImportRequest. Format problems of both files come back
// together as one EINVALID *backend.Error with a field error per line
// (fields "ideas" or "comments", or the file's column), so that the organiser
// sees them all at once; I/O errors are returned as they are.
func Read(ideas io.Reader, comments io.Reader) (backend.ImportRequest, error) {
	var req backend.ImportRequest
	var v backend.Validation
	rows, err := ReadIdeas(ideas)
	if err := collectErrors(&v, "ideas", err); err != nil {
		return req, err
	}
	for _, r := range rows {
		req.Ideas = append(req.Ideas, backend.ImportRow{Line: r.Line, Ref: r.Ref, Title: r.Title, Body: r.Body, Topic: r.Topic,
			Department: r.Department, Author: r.Author, Supports: r.Supports, CreatedAt: r.CreatedAt})
	}
	if comments != nil {
		crows, err := ReadComments(comments)
		if err := collectErrors(&v, "comments", err); err != nil {
			return req, err
		}
		for _, c := range crows {
			req.Comments = append(req.Comments, backend.ImportCommentRow{Line: c.Line, Ref: c.Ref, IdeaRef: c.IdeaRef,
				ParentRef: c.ParentRef, Body: c.Body, Author: c.Author, CreatedAt: c.CreatedAt})
		}
	}
	return req, v.Err()
}

// collectErrors adds a file's line errors to v and returns any other error.
func collectErrors(v *backend.Validation, file string, err error) error {
	var es Errors
	if err == nil || !errors.As(err, &es) {
		return err
	}
	for _, e := range es {
		field := file
		if e.Column != "" {
			field = file + "." + e.Column
		}
		v.AddLine(e.Line, field, e.Code, e.DE, e.EN)
	}
	return nil
}

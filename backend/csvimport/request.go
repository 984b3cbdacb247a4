package csvimport

import (
	"errors"
	"io"

	"ideenmarkt/backend"
)

// Read parses an ideas file and, if comments is not nil, a comments file
// into a backend.ImportRequest. Format problems of both files go into
// FormatProblems, a field error per line (fields "ideas" or "comments", or
// "file.column"), next to the rows that could be read: App.Import reports
// them together with the rule violations of those rows, so that the
// organiser sees every problem at once. Only I/O errors are returned.
func Read(ideas io.Reader, comments io.Reader) (backend.ImportRequest, error) {
	var req backend.ImportRequest
	rows, err := ReadIdeas(ideas)
	if err := collectErrors(&req.FormatProblems, "ideas", err); err != nil {
		return req, err
	}
	for _, r := range rows {
		req.Ideas = append(req.Ideas, backend.ImportRow{Line: r.Line, Ref: r.Ref, Title: r.Title, Body: r.Body, Topic: r.Topic,
			Department: r.Department, Author: r.Author, Supports: r.Supports, CreatedAt: r.CreatedAt})
	}
	if comments != nil {
		crows, err := ReadComments(comments)
		if err := collectErrors(&req.FormatProblems, "comments", err); err != nil {
			return req, err
		}
		for _, c := range crows {
			req.Comments = append(req.Comments, backend.ImportCommentRow{Line: c.Line, Ref: c.Ref, IdeaRef: c.IdeaRef,
				ParentRef: c.ParentRef, Body: c.Body, Author: c.Author, CreatedAt: c.CreatedAt})
		}
	}
	return req, nil
}

// collectErrors adds a file's line errors to problems and returns any other
// error.
func collectErrors(problems *[]backend.FieldError, file string, err error) error {
	var es Errors
	if err == nil || !errors.As(err, &es) {
		return err
	}
	for _, e := range es {
		field := file
		if e.Column != "" {
			field = file + "." + e.Column
		}
		*problems = append(*problems, backend.FieldError{Field: field, Code: e.Code, DE: e.DE, EN: e.EN, Line: e.Line})
	}
	return nil
}

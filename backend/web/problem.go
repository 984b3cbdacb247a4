package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
)

// Problem is an RFC 9457 problem document. Code is the stable backend error
// code; Fields lists per-field validation messages in German and English.
type Problem struct {
	Type   string               `json:"type"`
	Title  string               `json:"title"`
	Status int                  `json:"status"`
	Detail string               `json:"detail,omitempty"`
	Code   string               `json:"code"`
	Fields []backend.FieldError `json:"fields,omitempty"`
}

var statusByCode = map[string]int{
	backend.EINVALID:      http.StatusUnprocessableEntity,
	backend.ENOTFOUND:     http.StatusNotFound,
	backend.ECONFLICT:     http.StatusConflict,
	backend.EUNAUTHORIZED: http.StatusUnauthorized,
	backend.EFORBIDDEN:    http.StatusForbidden,
	backend.ERATELIMIT:    http.StatusTooManyRequests,
	backend.EUNAVAILABLE:  http.StatusServiceUnavailable,
	backend.EINTERNAL:     http.StatusInternalServerError,
}

// errBadRequest marks input that is not even well-formed (malformed JSON), as
// opposed to well-formed input that fails validation (422).
type errBadRequest struct{ err *backend.Error }

func (e errBadRequest) Error() string { return e.err.Error() }

func badRequest(fields ...backend.FieldError) error {
	return errBadRequest{&backend.Error{Code: backend.EINVALID, Message: "The request body is not valid JSON of the expected shape.", Fields: fields}}
}

// errorHandler turns any error returned by a handler into problem+json. It is
// Fiber's ErrorHandler, so it also covers Fiber's own errors (404, 413, …).
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	p := Problem{Type: "about:blank"}
	var fe *fiber.Error
	var br errBadRequest
	switch {
	case errors.As(err, &br):
		p.Status, p.Code, p.Detail, p.Fields = http.StatusBadRequest, backend.EINVALID, br.err.Message, br.err.Fields
	case errors.As(err, &fe):
		p.Status, p.Detail = fe.Code, fe.Message
		p.Code = codeForStatus(fe.Code)
	default:
		code := backend.ErrorCode(err)
		p.Status, p.Code, p.Detail = statusByCode[code], code, backend.ErrorMessage(err)
		var be *backend.Error
		if errors.As(err, &be) {
			p.Fields = be.Fields
		}
	}
	if p.Status >= 500 {
		s.log.Error("request failed", slog.String("method", c.Method()), slog.String("path", c.Path()), slog.Any("err", err))
	}
	p.Title = http.StatusText(p.Status)
	switch p.Code {
	case backend.EINVALID, backend.ECONFLICT, backend.ENOTFOUND, backend.EFORBIDDEN:
		// Field messages say which input was wrong ("this ticket is
		// unknown", "check in first"); other errors carry none.
	default:
		p.Fields = nil
	}
	s.setSecurityHeaders(c) // errors raised before routing skipped the middleware
	c.Status(p.Status)
	c.Set(fiber.HeaderContentType, "application/problem+json; charset=utf-8")
	return c.JSON(p, "application/problem+json; charset=utf-8")
}

func codeForStatus(status int) string {
	for code, st := range statusByCode {
		if st == status {
			return code
		}
	}
	switch {
	case status == http.StatusRequestEntityTooLarge, status == http.StatusBadRequest, status == http.StatusMethodNotAllowed:
		return backend.EINVALID
	case status >= 500:
		return backend.EINTERNAL
	}
	return backend.EINVALID
}

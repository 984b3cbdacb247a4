// Package backend holds ideenmarkt's domain: types, error codes, the rules, and the
// interfaces it consumes (Store). It imports no other project package; adapters
// (sqlite, postgres, web, …) import it and never each other.
package backend

import (
	"errors"
	"fmt"
)

// Error codes are stable strings: the web layer maps them to HTTP statuses and
// clients may switch on them.
const (
	EINVALID      = "invalid"      // input failed validation; see Fields
	ENOTFOUND     = "not_found"    // the entity does not exist or is not visible to the actor
	ECONFLICT     = "conflict"     // unique key taken, stale version, illegal state transition
	EUNAUTHORIZED = "unauthorized" // no valid login
	EFORBIDDEN    = "forbidden"    // logged in, but not allowed
	ERATELIMIT    = "rate_limited" // too many attempts
	EINTERNAL     = "internal"     // everything else; details are logged, not shown
	EUNAVAILABLE  = "unavailable"  // a dependency is down; retry later
)

// FieldError explains why one input field was rejected, in both UI languages, so
// that API clients and the SPA can show it next to the field.
type FieldError struct {
	Field string `json:"field"`
	Code  string `json:"code"`
	DE    string `json:"de"`
	EN    string `json:"en"`
	// Line is the 1-based line of an uploaded file (an import, a list of
	// e-mail addresses) that the error is about; 0 for form fields.
	Line int `json:"line,omitempty"`
}

// Error is the one error type of the domain. Message is safe to show to users;
// Fields carries per-field validation messages for EINVALID.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	Err     error // wrapped cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted, user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any
// other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err; internal errors never leak.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Internal error."
}

// Validation collects field errors; Err returns nil when there are none.
type Validation struct{ fields []FieldError }

// Add records a problem with one field.
func (v *Validation) Add(field, code, de, en string) {
	v.fields = append(v.fields, FieldError{Field: field, Code: code, DE: de, EN: en})
}

// AddLine records a problem with one line of an uploaded file.
func (v *Validation) AddLine(line int, field, code, de, en string) {
	v.fields = append(v.fields, FieldError{Field: field, Code: code, DE: de, EN: en, Line: line})
}

// Err returns an EINVALID *Error listing every recorded field, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Some fields are not valid.", Fields: v.fields}
}

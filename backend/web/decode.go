package web

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"ideenmarkt/backend"
)

// Body limits: JSON requests are forms and lists of addresses; only imports
// upload files.
const (
	maxJSONBytes   = 2 << 20
	maxUploadBytes = 32 << 20
)

// decodeBody decodes a JSON object into dst (a pointer to a struct with json
// tags) field by field, so that every wrong type, unknown field or bad date is
// reported against its field instead of as one opaque parse error.
func decodeBody(c *fiber.Ctx, dst any) error {
	if len(c.Body()) > maxJSONBytes {
		return fiber.ErrRequestEntityTooLarge
	}
	body := bytes.TrimSpace(c.Body())
	if len(body) == 0 {
		return badRequest(backend.FieldError{Field: "body", Code: "required", DE: "Die Anfrage enthält keine Daten.", EN: "The request body is empty."})
	}
	if !utf8.Valid(body) {
		return badRequest(backend.FieldError{Field: "body", Code: "encoding", DE: "Die Anfrage ist kein gültiges UTF-8.", EN: "The request body is not valid UTF-8."})
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		return badRequest(backend.FieldError{Field: "body", Code: "malformed", DE: "Die Anfrage ist kein gültiges JSON-Objekt.", EN: "The request body is not a valid JSON object."})
	}
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	known := map[string]reflect.Value{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			known[name] = v.Field(i)
		}
	}
	var fields []backend.FieldError
	for key, val := range raw {
		fv, ok := known[key]
		if !ok {
			fields = append(fields, backend.FieldError{Field: key, Code: "unknown", DE: "Unbekanntes Feld.", EN: "Unknown field."})
			continue
		}
		if string(val) == "null" {
			continue // null means "not given", as if the field were absent
		}
		if err := json.Unmarshal(val, fv.Addr().Interface()); err != nil {
			fields = append(fields, typeError(key, fv.Type()))
		}
	}
	if len(fields) > 0 {
		sortFields(fields)
		return badRequest(fields...)
	}
	return nil
}

func typeError(field string, t reflect.Type) backend.FieldError {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	de, en := "Ungültiger Wert.", "Invalid value."
	switch {
	case t == reflect.TypeOf(time.Time{}):
		de, en = "Bitte ein Datum mit Uhrzeit im Format 2026-05-04T09:00:00+02:00 angeben.", "Please give a date and time like 2026-05-04T09:00:00+02:00."
	case t.Kind() == reflect.String:
		de, en = "Bitte einen Text angeben.", "Please give a text."
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Float64:
		de, en = "Bitte eine ganze Zahl angeben.", "Please give a whole number."
	case t.Kind() == reflect.Bool:
		de, en = "Bitte true oder false angeben.", "Please give true or false."
	}
	return backend.FieldError{Field: field, Code: "type", DE: de, EN: en}
}

func sortFields(fs []backend.FieldError) {
	sort.Slice(fs, func(i, j int) bool { return fs[i].Field < fs[j].Field })
}

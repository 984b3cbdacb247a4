package csvimport

import (
	"strconv"
	"strings"
	"time"
)

// parseCount converts a supports value: a whole number ≥ 0, "" meaning 0.
// Spreadsheets may write whole numbers as "12.0" or "12,00", which are
// accepted; "1.000" is not, since in German it is a thousand and in English
// one, and a wrong count is worse than a question to the organiser.
func parseCount(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	digits := s
	if i := strings.IndexAny(s, ".,"); i >= 0 {
		if frac := s[i+1:]; frac != "0" && frac != "00" {
			return 0, false
		}
		digits = s[:i]
	}
	if digits == "" {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false // also "-3" and "+3"
		}
	}
	n, err := strconv.Atoi(digits)
	return n, err == nil
}

// dateLayouts are the accepted date formats, tried in order. Times without a
// zone are taken as UTC (exports of platforms usually are; the market shows
// times in the conference's zone anyway). time.Parse accepts fractional
// seconds after the seconds even where the layout has none, with '.' or ','.
var dateLayouts = []string{
	time.RFC3339,          // 2015-03-05T07:13:40.613520+01:00, …Z
	"2006-01-02T15:04:05", // 2015-03-05T07:13:40.613520 (Adhocracy's export)
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05-07", // as PostgreSQL prints timestamptz
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	"2.1.2006 15:04:05", // German, as Excel writes dates and times
	"2.1.2006 15:04",
	"2.1.2006",
}

// parseDate converts a date in one of dateLayouts to UTC; "" is the zero time.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

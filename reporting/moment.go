package reporting

import (
	"errors"
	"strings"
	"time"
)

// ErrMoment is ParseMoment's refusal; callers say it in their own words.
var ErrMoment = errors.New("not a moment: use 2026-06-30, \"2026-06-30 08:00\" or RFC 3339")

// momentLayouts are the local forms ParseMoment takes after RFC 3339; a
// bare day is its midnight.
var momentLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"}

// ParseMoment reads a moment as people type it for --at and ?at=: RFC 3339
// (with its offset), or a local "2006-01-02 15:04[:05]" or a day (its
// midnight) in loc, the service's time zone.
func ParseMoment(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range momentLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, ErrMoment
}

package main

import (
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/job"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// taiwan is the portal's time zone; Taiwan keeps no daylight saving time.
var taiwan = time.FixedZone("CST", 8*3600)

// today is the calendar date in Taiwan, or the date BLANKTRACK_TODAY names
// (YYYY-MM-DD): for rehearsing a month end, and for tests.
func today(e *env) (time.Time, error) {
	if v := e.getenv("BLANKTRACK_TODAY"); v != "" {
		d, err := time.ParseInLocation("2006-01-02", v, taiwan)
		if err != nil {
			return time.Time{}, usagef("BLANKTRACK_TODAY=%s: want a date as 2026-11-05", ranges.Quote(v))
		}
		return d, nil
	}
	return time.Now().In(taiwan), nil
}

// periodFlag parses --period: a period, "last" (the last one that has
// ended), or "" (none given).
func periodFlag(e *env, s string) (ranges.Period, error) {
	switch s {
	case "":
		return ranges.Period{}, nil
	case "last":
		d, err := today(e)
		if err != nil {
			return ranges.Period{}, err
		}
		return ranges.LastPeriod(d), nil
	}
	p, err := ranges.ParsePeriod(s)
	if err != nil {
		return p, usagef("--period: %v", err)
	}
	return p, nil
}

// calendarNote tells where today stands with the period: a period still
// running is a warning, printed before the report; a deadline passed is a
// note, printed once at the end (late is the caller's call to settle).
type calendarNote struct {
	text    msg.Message
	warning bool
}

func noteFor(e *env, p ranges.Period) (calendarNote, error) {
	d, err := today(e)
	if err != nil {
		return calendarNote{}, err
	}
	text, warning := job.CalendarNote(p, d)
	return calendarNote{text, warning}, nil
}

// before prints a warning for a period still running.
func (n calendarNote) before(e *env) {
	if n.warning {
		e.p.Say(e.stderr, "warning: %v\n", n.text)
	}
}

// after prints the note of a deadline passed.
func (n calendarNote) after(e *env) {
	if !n.text.IsZero() && !n.warning {
		e.p.Say(e.stderr, "note: %v\n", n.text)
	}
}

// checkToday fails a command whose BLANKTRACK_TODAY is not a date, before
// it reads any input.
func checkToday(e *env) error {
	_, err := today(e)
	return err
}

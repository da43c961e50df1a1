package main

import (
	"fmt"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/job"
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

// warnPeriod warns when the period is still running or its report is late.
// A mistyped BLANKTRACK_TODAY is an error, never a reason to skip the
// warning; commands check it before reading any input (checkToday).
func warnPeriod(e *env, p ranges.Period) error {
	d, err := today(e)
	if err != nil {
		return err
	}
	if note := job.CalendarNote(p, d); note != "" {
		fmt.Fprintf(e.stderr, "warning: %s\n", note)
	}
	return nil
}

// checkToday fails a command whose BLANKTRACK_TODAY is not a date, before
// it reads any input.
func checkToday(e *env) error {
	_, err := today(e)
	return err
}

package main

import (
	"fmt"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// taiwan is the portal's time zone; Taiwan keeps no daylight saving time.
var taiwan = time.FixedZone("CST", 8*3600)

// today is the calendar date in Taiwan, or the date BLANKTRACK_TODAY names
// (YYYY-MM-DD): for rehearsing a month end, and for tests.
func today(e *env) (time.Time, error) {
	if v := e.getenv("BLANKTRACK_TODAY"); v != "" {
		d, err := time.ParseInLocation("2006-01-02", v, taiwan)
		if err != nil {
			return time.Time{}, usagef("BLANKTRACK_TODAY=%q: want a date as 2026-11-05", v)
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
// These warnings are about the calendar, not the data: --strict ignores them.
func warnPeriod(e *env, p ranges.Period) {
	d, err := today(e)
	if err != nil {
		return
	}
	switch p.TimingOn(d) {
	case ranges.Running:
		fmt.Fprintf(e.stderr, "warning: %s is still running until %s: numbers reported blank can still be used; report after it ends\n",
			p, p.End(time.UTC).AddDate(0, 0, -1).Format("2006-01-02"))
	case ranges.Late:
		fmt.Fprintf(e.stderr, "warning: the blank numbers of %s were due by %s (today is %s): the report is late\n",
			p, p.Deadline().Format("2006-01-02"), d.Format("2006-01-02"))
	}
}

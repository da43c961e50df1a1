package sheet

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"
)

var (
	reDateSep     = regexp.MustCompile(`^(\d{2,4})[/\-.](\d{1,2})[/\-.](\d{1,2})$`)
	reDateChinese = regexp.MustCompile(`^(?:民國)?(\d{2,4})年(\d{1,2})月(\d{1,2})日?$`)
	reDateCompact = regexp.MustCompile(`^\d{7,8}$`)
	reSerial      = regexp.MustCompile(`^\d{1,5}(\.\d+)?$`)
	// A weekday after the date, as reports print it: (一), （二）, (週三),
	// 星期四, 週五, (Sat); full-width brackets are narrowed first.
	reWeekday = regexp.MustCompile(`\s*(?:\(\s*(?:星期|週|周|禮拜)?([一二三四五六日天])\s*\)|(?:星期|週|周|禮拜)([一二三四五六日天])|\(\s*(?i:(sun|mon|tue|wed|thu|fri|sat))[a-z]*\.?\s*\))`)
)

var weekdays = map[string]time.Weekday{
	"日": time.Sunday, "天": time.Sunday, "一": time.Monday, "二": time.Tuesday, "三": time.Wednesday,
	"四": time.Thursday, "五": time.Friday, "六": time.Saturday,
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// cutWeekday removes a weekday written after the date, returning it; ok is
// false when there is none.
func cutWeekday(v string) (rest string, day time.Weekday, ok bool) {
	if strings.IndexByte(v, '(') < 0 && !strings.Contains(v, "星期") && !strings.Contains(v, "週") && !strings.Contains(v, "周") && !strings.Contains(v, "禮拜") {
		return v, 0, false // the common case, without the regexp
	}
	g := reWeekday.FindStringSubmatchIndex(v)
	if g == nil || g[0] == 0 {
		return v, 0, false
	}
	for k := 2; k < len(g); k += 2 {
		if g[k] >= 0 {
			day = weekdays[strings.ToLower(v[g[k]:g[k+1]])]
		}
	}
	return strings.TrimSpace(v[:g[0]] + " " + v[g[1]:]), day, true
}

// ParseDate reads an invoice date in the forms exports use: 2026-01-05,
// 2026/01/05, 2026/1/5 13:05, ROC 115/01/05, 1150105, 20260105,
// 115年01月05日 and, when serials is set (a workbook cell), an Excel date
// serial such as 46027, counted from 1900 or, with date1904, from 1904. A
// time of day after the date (13:05, 13:05:00.250, 下午 01:05:00, 1:05 PM)
// must be a valid one; it is ignored, except that a date-time with a zone
// (2026-01-04T17:30:00Z, 2026-01-05T01:30:00+08:00) is taken in Taiwan's
// time (UTC+8), the day the invoice was issued. The result is the calendar
// date at midnight UTC.
func ParseDate(s string, serials, date1904 bool) (time.Time, error) {
	v := strings.TrimSpace(width.Narrow.String(strings.TrimSpace(s)))
	v = ranges.UnwrapExcelText(v)
	if serials && reSerial.MatchString(v) {
		f, err := strconv.ParseFloat(v, 64)
		// A date-time belongs to the day it shows: 23:59:59.750 is still
		// that day, so the time of day is cut, never rounded.
		f = math.Floor(f)
		if err == nil && f >= 1 {
			t, err := excelize.ExcelDateToTime(f, date1904)
			if err == nil {
				return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
			}
		}
	}
	v, weekday, hasWeekday := cutWeekday(v)
	// A time of day follows a space or a T.
	var clock string
	if i := strings.IndexAny(v, " T"); i > 0 {
		v, clock = v[:i], strings.TrimSpace(v[i+1:])
	}
	var y, m, d int
	if g := reDateSep.FindStringSubmatch(v); g != nil {
		y, m, d = atoi(g[1]), atoi(g[2]), atoi(g[3])
	} else if g := reDateChinese.FindStringSubmatch(v); g != nil {
		y, m, d = atoi(g[1]), atoi(g[2]), atoi(g[3])
	} else if reDateCompact.MatchString(v) {
		k := len(v) - 4
		y, m, d = atoi(v[:k]), atoi(v[k:k+2]), atoi(v[k+2:])
	} else {
		return time.Time{}, msg.Errorf("%s is not a date: want a form such as 2026/01/05, 2026-01-05, 115/01/05 or 1150105", ranges.Quote(s))
	}
	if y < 1000 {
		y += ranges.ROCYearOffset // ROC (民國) year
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d || y < 1912 || y > 2200 {
		return time.Time{}, msg.Errorf("%s is not a date: no such day", ranges.Quote(s))
	}
	if hasWeekday && t.Weekday() != weekday {
		// The date or the weekday is wrong: which one, only the person
		// who typed it knows.
		return time.Time{}, msg.Errorf("%s is not a date: %s is a %s, not a %s", ranges.Quote(s), t.Format("2006-01-02"), weekdayName(t.Weekday()), weekdayName(weekday))
	}
	if clock == "" {
		return t, nil
	}
	tod, offset, zoned, ok := parseClock(clock)
	if !ok {
		return time.Time{}, msg.Errorf("%s is not a date and time: %s is not a time of day; want a form such as 13:05, 13:05:00 or 下午 01:05:00", ranges.Quote(s), ranges.Quote(clock))
	}
	if zoned {
		// The instant, in Taiwan's time: the day it shows there.
		tw := t.Add(tod - offset + taiwanOffset)
		return time.Date(tw.Year(), tw.Month(), tw.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	return t, nil
}

// taiwanOffset is Taiwan's time, UTC+8, without daylight saving time.
const taiwanOffset = 8 * time.Hour

// parseClock reads a time of day: H:MM, H:MM:SS or H:MM:SS.fff (or the
// digits alone, HHMM or HHMMSS), with 上午 or 下午 (AM or PM) before or
// after it, and then, optionally, a zone: Z, +08:00, +0800 or +08. It
// returns the time since midnight, the zone's offset east of UTC and
// whether a zone was given.
func parseClock(s string) (tod, offset time.Duration, zoned, ok bool) {
	meridiem := 0 // 1 AM, 2 PM
	if m, rest := cutMeridiem(s, true); m != 0 {
		meridiem, s = m, strings.TrimSpace(rest)
	}
	// The clock's digits and colons.
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == ':' || s[i] == '.') {
		i++
	}
	digits, rest := s[:i], strings.TrimSpace(s[i:])
	var h, m, sec int
	var frac string
	if k := strings.IndexByte(digits, '.'); k >= 0 {
		digits, frac = digits[:k], digits[k+1:]
		if !allDigits(frac) {
			return 0, 0, false, false
		}
	}
	parts := strings.Split(digits, ":")
	switch {
	case len(parts) == 1 && (len(digits) == 4 || len(digits) == 6) && allDigits(digits):
		parts = []string{digits[:2], digits[2:4]}
		if len(digits) == 6 {
			parts = append(parts, digits[4:])
		}
	case len(parts) < 2 || len(parts) > 3:
		return 0, 0, false, false
	}
	if frac != "" && len(parts) != 3 {
		return 0, 0, false, false
	}
	for k, p := range parts {
		if len(p) < 1 || len(p) > 2 || (k > 0 && len(p) != 2) || !allDigits(p) {
			return 0, 0, false, false
		}
	}
	h, m = atoi(parts[0]), atoi(parts[1])
	if len(parts) == 3 {
		sec = atoi(parts[2])
	}
	if meridiem == 0 {
		if mm, after := cutMeridiem(rest, false); mm != 0 {
			meridiem, rest = mm, strings.TrimSpace(after)
		}
	}
	switch {
	case m > 59 || sec > 59:
		return 0, 0, false, false
	case meridiem == 0 && h > 23, meridiem != 0 && h > 12:
		return 0, 0, false, false
	case meridiem == 1 && h == 12:
		h = 0
	case meridiem == 2 && h < 12:
		h += 12
	}
	tod = time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second
	if rest == "" {
		return tod, 0, false, true
	}
	if rest == "Z" || rest == "z" {
		return tod, 0, true, true
	}
	if rest[0] != '+' && rest[0] != '-' {
		return 0, 0, false, false
	}
	z := strings.Replace(rest[1:], ":", "", 1)
	if (len(z) != 2 && len(z) != 4) || !allDigits(z) {
		return 0, 0, false, false
	}
	zh, zm := atoi(z[:2]), 0
	if len(z) == 4 {
		zm = atoi(z[2:])
	}
	if zh > 14 || zm > 59 {
		return 0, 0, false, false
	}
	offset = time.Duration(zh)*time.Hour + time.Duration(zm)*time.Minute
	if rest[0] == '-' {
		offset = -offset
	}
	return tod, offset, true, true
}

// cutMeridiem takes 上午 or AM (1), 下午 or PM (2) off the start of s, or,
// when prefix is false, takes s when it is one of them.
func cutMeridiem(s string, prefix bool) (int, string) {
	for _, w := range []struct {
		word string
		m    int
	}{{"上午", 1}, {"下午", 2}, {"AM", 1}, {"PM", 2}, {"am", 1}, {"pm", 2}} {
		if prefix && strings.HasPrefix(s, w.word) {
			return w.m, s[len(w.word):]
		}
		if !prefix && s == w.word {
			return w.m, ""
		}
	}
	return 0, s
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// weekdayName is a weekday in the user's language.
func weekdayName(d time.Weekday) msg.Message {
	switch d {
	case time.Sunday:
		return msg.T("Sunday")
	case time.Monday:
		return msg.T("Monday")
	case time.Tuesday:
		return msg.T("Tuesday")
	case time.Wednesday:
		return msg.T("Wednesday")
	case time.Thursday:
		return msg.T("Thursday")
	case time.Friday:
		return msg.T("Friday")
	}
	return msg.T("Saturday")
}

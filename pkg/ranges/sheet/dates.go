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
)

// ParseDate reads an invoice date in the forms exports use: 2026-01-05,
// 2026/01/05, 2026/1/5 13:05 (a time of day is ignored), ROC 115/01/05,
// 1150105, 20260105, 115年01月05日 and, when serials is set (a workbook cell),
// an Excel date serial such as 46027, counted from 1900 or, with date1904,
// from 1904. The result is the calendar date at midnight UTC.
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
	// A time of day follows a space or a T: drop it.
	if i := strings.IndexAny(v, " T"); i > 0 {
		v = v[:i]
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
	return t, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

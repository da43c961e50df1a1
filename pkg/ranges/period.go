package ranges

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
	"golang.org/x/text/width"
)

// ROCYearOffset turns a Gregorian year into a ROC (民國) year.
const ROCYearOffset = 1911

// Period is a two-month reporting period (字軌期別): Jan-Feb, Mar-Apr, May-Jun,
// Jul-Aug, Sep-Oct or Nov-Dec, named by its ROC year and its even month.
type Period struct {
	Year     int // ROC year, Gregorian - 1911
	EndMonth int // 2, 4, 6, 8, 10 or 12
}

// StartMonth is the odd month the period starts with.
func (p Period) StartMonth() int { return p.EndMonth - 1 }

// Code is the portal's 5-character form: ROC year and even month, 11410.
func (p Period) Code() string { return fmt.Sprintf("%03d%02d", p.Year, p.EndMonth) }

// String is the portal's 字軌期別 form, 114/09~114/10.
func (p Period) String() string {
	return fmt.Sprintf("%03d/%02d~%03d/%02d", p.Year, p.StartMonth(), p.Year, p.EndMonth)
}

// IsZero reports whether p is the zero Period.
func (p Period) IsZero() bool { return p == Period{} }

// Start is midnight of the period's first day, in loc.
func (p Period) Start(loc *time.Location) time.Time {
	return time.Date(p.Year+ROCYearOffset, time.Month(p.StartMonth()), 1, 0, 0, 0, 0, loc)
}

// End is midnight of the first day after the period, in loc.
func (p Period) End(loc *time.Location) time.Time {
	return p.Start(loc).AddDate(0, 2, 0)
}

// Contains reports whether the calendar date of t falls inside the period.
func (p Period) Contains(t time.Time) bool { return PeriodOf(t) == p }

// Next is the period after p.
func (p Period) Next() Period {
	if p.EndMonth == 12 {
		return Period{Year: p.Year + 1, EndMonth: 2}
	}
	return Period{Year: p.Year, EndMonth: p.EndMonth + 2}
}

// Previous is the period before p.
func (p Period) Previous() Period {
	if p.EndMonth == 2 {
		return Period{Year: p.Year - 1, EndMonth: 12}
	}
	return Period{Year: p.Year, EndMonth: p.EndMonth - 2}
}

// Before reports whether p comes before q.
func (p Period) Before(q Period) bool {
	return p.Year < q.Year || (p.Year == q.Year && p.EndMonth < q.EndMonth)
}

// PeriodOf is the period the calendar date of t falls in.
func PeriodOf(t time.Time) Period {
	m := int(t.Month())
	return Period{Year: t.Year() - ROCYearOffset, EndMonth: (m + 1) / 2 * 2}
}

var (
	// 114/09~114/10, 114/09 ~ 114/10, 114/9~114/10, 114-09~114-10
	rePeriodRange = regexp.MustCompile(`^(\d{2,3})[/.-](\d{1,2})\s*[~～\-至]\s*(\d{2,3})[/.-](\d{1,2})$`)
	// 114年09-10月, 114年9~10月
	rePeriodChinese = regexp.MustCompile(`^(?:民國)?(\d{2,3})年\s*(\d{1,2})\s*[-~～至]\s*(\d{1,2})\s*月$`)
	// 11410
	rePeriodCode = regexp.MustCompile(`^(\d{3})(\d{2})$`)
)

// ParsePeriod parses a period in the forms the portal and its users write:
// 114/09 ~ 114/10, 114/09~114/10, 11410 and 114年09-10月.
func ParsePeriod(s string) (Period, error) {
	v := strings.TrimSpace(width.Narrow.String(strings.TrimSpace(s)))
	bad := func(why msg.Message) (Period, error) {
		return Period{}, msg.Errorf("%s is not a period: %v; want a form such as 114/09~114/10, 11410 or 114年09-10月", Quote(s), why)
	}
	var y1, m1, y2, m2 int
	if m := rePeriodRange.FindStringSubmatch(v); m != nil {
		y1, m1, y2, m2 = atoi(m[1]), atoi(m[2]), atoi(m[3]), atoi(m[4])
	} else if m := rePeriodChinese.FindStringSubmatch(v); m != nil {
		y1, m1, m2 = atoi(m[1]), atoi(m[2]), atoi(m[3])
		y2 = y1
	} else if m := rePeriodCode.FindStringSubmatch(v); m != nil {
		y2, m2 = atoi(m[1]), atoi(m[2])
		if m2 < 1 || m2 > 12 || m2%2 != 0 {
			return bad(msg.T("the month must be the even (last) month of a period, 02 to 12"))
		}
		y1, m1 = y2, m2-1
	} else {
		return bad(msg.T("unrecognised form"))
	}
	switch {
	case y1 < 1 || y2 != y1:
		return bad(msg.T("both months must be in the same ROC year"))
	case m1 < 1 || m1 > 12 || m2 < 1 || m2 > 12:
		return bad(msg.T("months run from 01 to 12"))
	case m1%2 != 1 || m2 != m1+1:
		return bad(msg.T("a period is an odd month and the even month after it"))
	}
	return Period{Year: y2, EndMonth: m2}, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// Deadline is the last day to report the period's blank numbers: the 10th
// of the month after it (the 10th of the next odd month).
func (p Period) Deadline() time.Time {
	e := p.End(time.UTC)
	return time.Date(e.Year(), e.Month(), 10, 0, 0, 0, 0, time.UTC)
}

// Timing is where today stands relative to a period's reporting window.
type Timing uint8

// Timings of a period.
const (
	Running Timing = iota // the period has not ended: numbers can still be used
	Due                   // ended, and the deadline has not passed
	Late                  // the deadline has passed
)

// TimingOn says whether p is still running, due or late on the calendar
// date of today.
func (p Period) TimingOn(today time.Time) Timing {
	d := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case d.Before(p.End(time.UTC)):
		return Running
	case d.After(p.Deadline()):
		return Late
	}
	return Due
}

// LastPeriod is the last period that has ended on the calendar date of
// today: the one to report by the 10th of this odd month.
func LastPeriod(today time.Time) Period { return PeriodOf(today).Previous() }

// ErrSeveralPeriods means allocations span several periods and no period
// was chosen.
var ErrSeveralPeriods = msg.New("the allocations span several periods")

// SettlePeriod is the period to report: p when it is given, else the one
// period every allocation is of. Allocations of several periods without a
// chosen one are ErrSeveralPeriods, naming them and where the first
// allocation of each was read (a hidden template sheet is hard to find).
func SettlePeriod(p Period, allocs []Allocation) (Period, error) {
	if !p.IsZero() {
		return p, nil
	}
	ps := Periods(allocs)
	switch len(ps) {
	case 0:
		return p, msg.New("no allocation: want the allocation download(s) of the period")
	case 1:
		return ps[0], nil
	}
	from := make(msg.Semicolons, len(ps))
	for i, q := range ps {
		a := allocs[slices.IndexFunc(allocs, func(a Allocation) bool { return a.Period == q })]
		from[i] = msg.T("%s from %v, row %d", q, a.From(), a.Pos.Row)
	}
	return p, msg.Errorf("%w (%v): choose one", ErrSeveralPeriods, from)
}

// PeriodList prints periods as a comma-separated list.
func PeriodList(ps []Period) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ", ")
}

package job

import (
	"errors"
	"slices"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// WarningKind is a kind of doubt about a branch's data. Every warning makes
// a Strict run fail the branch.
type WarningKind uint8

// Kinds of warnings.
const (
	// Unallocated: invoices whose number lies in no loaded allocation; they
	// are not counted.
	Unallocated WarningKind = iota
	// OutsidePeriod: invoices dated outside the period; they are not
	// counted.
	OutsidePeriod
	// NotReissued: nullified (註銷) invoices whose number no other invoice of
	// the exports used: nullified numbers are meant to be reissued. They
	// stay used.
	NotReissued
	// NoDateColumn: an export without a date column. Invoices of another
	// period whose numbers fall in this period's allocations (字軌 letters
	// are reused) cannot be told apart: they would count as used.
	NoDateColumn
	// Undated: invoices counted without a date in an export that has a
	// date column (an empty date cell, a short row): taken as in the
	// period, unchecked.
	Undated
	// HiddenSheet: a hidden sheet of a workbook held invoices, and they
	// were counted: an old copy kept out of sight would hide blank numbers.
	HiddenSheet
	// NoBulkFile: a 字軌 has more blank ranges than a bulk file holds; its
	// 統編 gets E0402 files only, to report through Turnkey. So many
	// ranges are rare: the exports may lack invoices.
	NoBulkFile
	// HiddenAllocationSheet: a hidden sheet of an allocation workbook held
	// allocations of the period, and they were read: an old copy or a
	// template kept out of sight would have its numbers reported blank.
	HiddenAllocationSheet
)

// Warning is one doubt about a branch's data, with the invoices it concerns.
type Warning struct {
	Kind     WarningKind
	Period   ranges.Period
	File     string         // for NoDateColumn, Undated, HiddenSheet: the export; HiddenAllocationSheet: the allocation workbook
	Sheet    string         // for a workbook: the sheet
	Counted  int            // for HiddenSheet: the invoices counted from the sheet; HiddenAllocationSheet: the allocations read
	Invoices ranges.Listing // the invoices concerned: the first ones and their count
	// Track, for NoBulkFile: the track too large for a bulk file.
	Track *importfile.TrackTooLargeError
}

// where names the warning's export, and its sheet in a workbook.
func (w Warning) where() msg.Message {
	if w.Sheet != "" {
		return msg.T("%s, sheet %s", ranges.VisibleName(w.File), ranges.VisibleName(w.Sheet))
	}
	return msg.T("%s", ranges.VisibleName(w.File))
}

// String is the warning in one line.
func (w Warning) String() string { return w.Line().String() }

// Line is the warning in one line, in any language.
func (w Warning) Line() msg.Message {
	switch w.Kind {
	case Unallocated:
		return msg.T("%d invoice(s) in no allocation, first %s", w.Invoices.Count, first(w.Invoices))
	case OutsidePeriod:
		return msg.T("%d invoice(s) dated outside %s, first %s", w.Invoices.Count, w.Period, first(w.Invoices))
	case NotReissued:
		return msg.T("%d nullified invoice(s) never reissued, first %s", w.Invoices.Count, first(w.Invoices))
	case NoDateColumn:
		return msg.T("%v has no date column: invoices of other periods cannot be told apart", w.where())
	case Undated:
		return msg.T("%d invoice(s) without a date counted, first %s", w.Invoices.Count, first(w.Invoices))
	case HiddenSheet:
		return msg.T("%v is hidden, and its %d invoice(s) were counted", w.where(), w.Counted)
	case HiddenAllocationSheet:
		return msg.T("%v is hidden, and its %d allocation(s) were read", w.where(), w.Counted)
	case NoBulkFile:
		return msg.T("%s 字軌 %s has %d blank ranges, more than a bulk file holds: no bulk file for %s; report it through Turnkey with its E0402 files", w.Track.Ban, w.Track.Track, w.Track.Ranges, w.Track.Ban)
	}
	return msg.T("unknown warning")
}

// Heading introduces the warning's list of invoices in a report.
func (w Warning) Heading() msg.Message {
	switch w.Kind {
	case Unallocated:
		return msg.T("%d invoice(s) lie in no allocation of %s; they are not counted", w.Invoices.Count, w.Period)
	case OutsidePeriod:
		return msg.T("%d invoice(s) are dated outside %s; they are not counted", w.Invoices.Count, w.Period)
	case NotReissued:
		return msg.T("%d invoice(s) are nullified (註銷) and never reissued in the exports; they stay used, but check them", w.Invoices.Count)
	case NoDateColumn:
		return msg.T("%v has no date column: an invoice of another period with a number in this period's allocations (字軌 letters are reused) would count as used; export it with the invoice date, or check that it holds %s only", w.where(), w.Period)
	case Undated:
		return msg.T("%d invoice(s) of %v have no date; they are counted as used in %s, unchecked: fill in their dates, or check that they belong to the period", w.Invoices.Count, w.where(), w.Period)
	case HiddenSheet:
		return msg.T("%v is hidden in the workbook, and its %d invoice(s) were counted as used: if it is an old copy, delete it or export the current sheet alone; its numbers would otherwise not be reported blank", w.where(), w.Counted)
	case HiddenAllocationSheet:
		return msg.T("%v is hidden, and its %d allocation(s) of %s were read: the numbers of those no export uses are reported blank; if the sheet is an old copy or a template, delete it", w.where(), w.Counted, w.Period)
	case NoBulkFile:
		t := w.Track
		return msg.T("%s %s 字軌 %s has %d blank ranges, more than one bulk file holds (%d): no bulk file is written for %s, and its E0402 files hold all its ranges: report %s through Turnkey, not the portal's 匯入字軌. So many ranges mean about every other number unused: check that the exports hold every invoice",
			t.Ban, t.Type, t.Track, t.Ranges, importfile.MaxBulkLines, t.Ban, t.Ban)
	}
	return w.Line()
}

func first(l ranges.Listing) msg.Message {
	if len(l.First) == 0 {
		return msg.T("-")
	}
	inv := l.First[0]
	return msg.T("%s at %v", inv.Number, inv.Pos)
}

// StrictError fails a branch that has warnings in a Strict run.
type StrictError struct{ Warnings []Warning }

func (e *StrictError) Error() string { return e.Localize(nil) }

// Localize prints the error in p's language.
func (e *StrictError) Localize(p *msg.Printer) string {
	lines := make([]string, len(e.Warnings))
	for i, w := range e.Warnings {
		lines[i] = w.Line().Localize(p)
	}
	return p.Text("strict: %d warning(s): %s", len(e.Warnings), strings.Join(lines, p.Text("; ")))
}

// warnings are the branch's warnings, in a stable order.
func (br *BranchResult) warnings() []Warning {
	var w []Warning
	p := br.Blank.Period
	if n := br.Usage.Unallocated; n.Count > 0 {
		w = append(w, Warning{Kind: Unallocated, Period: p, Invoices: n})
	}
	if n := br.Usage.OutsidePeriod; n.Count > 0 {
		w = append(w, Warning{Kind: OutsidePeriod, Period: p, Invoices: n})
	}
	if n := br.Usage.NotReissued(); n.Count > 0 {
		w = append(w, Warning{Kind: NotReissued, Period: p, Invoices: n})
	}
	for _, t := range br.NoBulk {
		w = append(w, Warning{Kind: NoBulkFile, Period: p, Track: t})
	}
	for _, st := range br.Stats {
		if !st.HasDate {
			w = append(w, Warning{Kind: NoDateColumn, Period: p, File: st.File, Sheet: st.Sheet})
		}
		if st.NoDate > 0 {
			w = append(w, Warning{Kind: Undated, Period: p, File: st.File, Sheet: st.Sheet, Invoices: st.NoDateRows})
		}
		if st.Hidden && st.Invoices > 0 {
			w = append(w, Warning{Kind: HiddenSheet, Period: p, File: st.File, Sheet: st.Sheet, Counted: st.Invoices})
		}
	}
	var hidden []Warning // of allocation sheets, in the order read
	for _, a := range br.Allocs {
		if !a.Hidden {
			continue
		}
		i := slices.IndexFunc(hidden, func(h Warning) bool { return h.File == a.Pos.File && h.Sheet == a.Pos.Sheet })
		if i < 0 {
			i = len(hidden)
			hidden = append(hidden, Warning{Kind: HiddenAllocationSheet, Period: p, File: a.Pos.File, Sheet: a.Pos.Sheet})
		}
		hidden[i].Counted++
	}
	w = append(w, hidden...)
	return w
}

func asStrict(err error, target **StrictError) bool { return errors.As(err, target) }

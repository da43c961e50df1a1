package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

func asErrorList(err error, list **ranges.ErrorList) bool {
	if errors.As(err, list) {
		return true
	}
	var ce *ranges.CellError
	if errors.As(err, &ce) {
		*list = &ranges.ErrorList{Errs: []error{ce}}
		return true
	}
	return false
}

// printErrors writes input errors to stderr, one a line.
func printErrors(e *env, list *ranges.ErrorList) {
	for _, err := range list.Errs {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
	}
	if list.Truncated {
		fmt.Fprintf(e.stderr, "error: stopped after %d errors\n", ranges.MaxErrors)
	}
	fmt.Fprintf(e.stderr, "blanktrack: %d input error(s); no file written\n", len(list.Errs))
}

// printWarnings writes the warnings of a run to stderr and returns how many
// count for --strict.
func printWarnings(e *env, o generateOptions, g *generation) int {
	w := e.stderr
	n := 0
	listing := func(l ranges.Listing, what string) {
		if l.Count == 0 {
			return
		}
		n++
		fmt.Fprintf(w, "warning: %d invoice(s) %s; they are not counted:\n", l.Count, what)
		for _, inv := range l.First {
			date := ""
			if !inv.Date.IsZero() {
				date = " dated " + inv.Date.Format("2006-01-02")
			}
			fmt.Fprintf(w, "  %s: %s%s\n", inv.Pos, inv.Number, date)
		}
		if more := l.Count - len(l.First); more > 0 {
			fmt.Fprintf(w, "  ... and %d more\n", more)
		}
	}
	p := g.Result.Period
	listing(g.Usage.Unallocated, "lie in no allocation of "+p.String())
	listing(g.Usage.OutsidePeriod, "are dated outside "+p.String())
	if g.NoInvoices {
		n++
		fmt.Fprintf(w, "warning: no invoice file given: every allocated number is reported blank\n")
	}
	for _, st := range g.Stats {
		if !st.HasDate {
			fmt.Fprintf(w, "note: %s has no date column: its invoices could not be checked against the period\n", st.File)
		}
	}
	if len(g.Skipped) > 0 {
		fmt.Fprintf(w, "note: %d allocation(s) of other periods than %s were left out\n", len(g.Skipped), p)
	}
	return n
}

// printReport writes the aligned report table to stdout.
func printReport(w io.Writer, o generateOptions, g *generation) {
	res := g.Result
	fmt.Fprintf(w, "Period %s (%s)\n\n", res.Period, res.Period.Code())
	num := []bool{false, false, false, true, true, true, true, true}
	t := &textTable{header: []string{"BAN", "TYPE", "TRACK", "ALLOCATED", "USED", "VOIDED", "BLANK", "RANGES"}, right: num}
	// Voided numbers are known only from a status or void column; without
	// one in any input, 0 would be a claim the data cannot make.
	voided := func(n int) string { return itoa(n) }
	if !slices.ContainsFunc(g.Stats, func(st ranges.FileStats) bool { return st.HasStatus }) {
		voided = func(int) string { return "-" }
	}
	var tot ranges.Summary
	for _, s := range res.Summaries {
		t.add(string(s.Ban), s.Type.String(), string(s.Track), itoa(s.Allocated), itoa(s.Used), voided(s.Voided), itoa(s.Blank), itoa(s.Ranges))
		tot.Allocated += s.Allocated
		tot.Used += s.Used
		tot.Voided += s.Voided
		tot.Blank += s.Blank
		tot.Ranges += s.Ranges
	}
	t.add("TOTAL", "", "", itoa(tot.Allocated), itoa(tot.Used), voided(tot.Voided), itoa(tot.Blank), itoa(tot.Ranges))
	t.write(w)

	if len(g.Stats) > 0 {
		fmt.Fprintln(w)
		t = &textTable{
			header: []string{"INPUT", "SHEET/ENCODING", "ROWS", "COUNTED", "VOIDED", "NULLIFIED", "OUTSIDE PERIOD", "NO ALLOCATION", "NO NUMBER"},
			right:  []bool{false, false, true, true, true, true, true, true, true},
		}
		for _, st := range g.Stats {
			where := st.Sheet
			if where == "" {
				where = st.Encoding
			}
			t.add(st.File, where, itoa(st.Rows), itoa(st.Invoices), itoa(st.Voided), itoa(st.Nullified), itoa(st.OutsidePeriod), itoa(st.Unallocated), itoa(st.NoNumber))
		}
		t.write(w)
	}

	fmt.Fprintln(w)
	if len(g.Files) == 0 {
		fmt.Fprintf(w, "No file written to %s.\n", o.Out)
	}
	for _, f := range g.Files {
		fmt.Fprintf(w, "wrote %s (%s)\n", filepath.Join(o.Out, f.Name), describeFile(f.Name, f.Data))
	}
	for _, b := range g.NoBlank {
		fmt.Fprintf(w, "%s has no blank number in %s: no file written for it\n", b, res.Period)
	}
}

func describeFile(name string, data []byte) string {
	if strings.HasSuffix(name, ".csv") {
		return plural(strings.Count(string(data), "\n"), "range")
	}
	return plural(strings.Count(string(data), "<BranchTrackBlankItem>"), "item")
}

func itoa(n int) string { return strconv.Itoa(n) }

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

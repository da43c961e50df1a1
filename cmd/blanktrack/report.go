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
		fmt.Fprintf(w, "warning: %d invoice(s) %s:\n", l.Count, what)
		for _, inv := range l.First {
			date := ""
			if !inv.Date.IsZero() {
				date = " dated " + inv.Date.Format("2006-01-02")
			}
			if inv.Pos.Row == 0 {
				fmt.Fprintf(w, "  %s%s\n", inv.Number, date)
				continue
			}
			fmt.Fprintf(w, "  %s: %s%s\n", inv.Pos, inv.Number, date)
		}
		if more := l.Count - len(l.First); more > 0 {
			fmt.Fprintf(w, "  ... and %d more\n", more)
		}
	}
	p := g.Result.Period
	listing(g.Usage.Unallocated, "lie in no allocation of "+p.String()+"; they are not counted")
	listing(g.Usage.OutsidePeriod, "are dated outside "+p.String()+"; they are not counted")
	for _, st := range g.Stats {
		listing(st.NotReissued, "of "+st.File+" are nullified (註銷) and never reissued in the file; they stay used, but check them")
	}
	if g.NoInvoices {
		n++
		fmt.Fprintf(w, "warning: no invoice file given: every allocated number is reported blank\n")
	}
	for _, st := range g.Stats {
		if st.Repaired.Count > 0 {
			fmt.Fprintf(w, "note: %s: %d row(s) have more fields than the header: a comma in 買方名稱 was not quoted; read with the fields after the name shifted back:\n", st.File, st.Repaired.Count)
			for _, inv := range st.Repaired.First {
				fmt.Fprintf(w, "  %s\n", inv.Pos)
			}
			if more := st.Repaired.Count - len(st.Repaired.First); more > 0 {
				fmt.Fprintf(w, "  ... and %d more\n", more)
			}
		}
		var missing []string
		if !st.HasSeller {
			missing = append(missing, "seller (賣方統一編號): purchases cannot be told apart")
		}
		if !st.HasDate {
			missing = append(missing, "date: invoices of other periods cannot be told apart")
		}
		if len(missing) > 0 {
			fmt.Fprintf(w, "note: %s has no column for %s\n", st.File, strings.Join(missing, "; nor for "))
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
		tot.Add(s)
	}
	t.add("TOTAL", "", "", itoa(tot.Allocated), itoa(tot.Used), voided(tot.Voided), itoa(tot.Blank), itoa(tot.Ranges))
	t.write(w)

	if len(g.Stats) > 0 {
		fmt.Fprintln(w)
		t = &textTable{
			header: []string{"INPUT", "SHEET/ENCODING", "ROWS", "COUNTED", "VOIDED", "NULLIFIED", "PURCHASES", "OUTSIDE PERIOD", "NO ALLOCATION", "NO NUMBER", "FILTERED BY"},
			right:  []bool{false, false, true, true, true, true, true, true, true, true, false},
		}
		for _, st := range g.Stats {
			where := st.Sheet
			if where == "" {
				where = st.Encoding
			}
			t.add(st.File, where, itoa(st.Rows), itoa(st.Invoices), itoa(st.Voided), itoa(st.Nullified), itoa(st.Purchases),
				itoa(st.OutsidePeriod), itoa(st.Unallocated), itoa(st.NoNumber), filters(st))
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

// filters says which of the period and seller checks a file allowed.
func filters(st ranges.FileStats) string {
	var f []string
	if st.HasSeller {
		f = append(f, "seller")
	}
	if st.HasDate {
		f = append(f, "date")
	}
	if len(f) == 0 {
		return "-"
	}
	return strings.Join(f, "+")
}

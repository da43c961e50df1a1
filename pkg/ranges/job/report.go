package job

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/internal/texttable"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/sheet"
)

// WriteReport writes the report of a run whose files were written into
// out: for a run from the command line, per 統編, 類別 and 字軌 the numbers
// allocated, used, voided and blank, per input file what was read, and the
// files; for a config run, a row per branch and a total.
func (r *Result) WriteReport(w io.Writer, out string) error {
	var b strings.Builder
	if r.Config {
		r.branchTable(&b, out)
	} else if len(r.Branches) == 1 && r.Branches[0].Err == nil {
		r.Branches[0].report(&b, out)
	}
	for _, name := range r.Removed {
		ban, _, _ := importfile.OwnedName(name)
		fmt.Fprintf(&b, "removed %s: a file of an earlier run for %s %s that this run no longer writes\n", filepath.Join(out, name), ban, r.Period)
	}
	if r.Period != (ranges.Period{}) {
		fmt.Fprintf(&b, "report to keep: %s (and %s)\n", filepath.Join(out, ReportHTML), ReportText)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (br *BranchResult) report(w *strings.Builder, out string) {
	res := br.Blank
	fmt.Fprintf(w, "Period %s (%s)\n\n", res.Period, res.Period.Code())
	t := &texttable.Table{
		Header: []string{"BAN", "TYPE", "TRACK", "ALLOCATED", "USED", "VOIDED", "BLANK", "RANGES"},
		Right:  []bool{false, false, false, true, true, true, true, true},
	}
	// Voided numbers are known only from a status or void column; without
	// one in any input, 0 would be a claim the data cannot make.
	voided := itoa
	if !slices.ContainsFunc(br.Stats, func(st sheet.FileStats) bool { return st.HasStatus }) {
		voided = func(int) string { return "-" }
	}
	var tot ranges.Summary
	for _, s := range res.Summaries {
		t.Add(string(s.Ban), s.Type.String(), string(s.Track), itoa(s.Allocated), itoa(s.Used), voided(s.Voided), itoa(s.Blank), itoa(s.Ranges))
		tot.Add(s)
	}
	t.Add("TOTAL", "", "", itoa(tot.Allocated), itoa(tot.Used), voided(tot.Voided), itoa(tot.Blank), itoa(tot.Ranges))
	t.Write(w)

	if len(br.Stats) > 0 {
		fmt.Fprintln(w)
		t = &texttable.Table{
			Header: []string{"INPUT", "SHEET/ENCODING", "ROWS", "COUNTED", "VOIDED", "NULLIFIED", "PURCHASES", "OUTSIDE PERIOD", "NO ALLOCATION", "NO NUMBER", "FILTERED BY"},
			Right:  []bool{false, false, true, true, true, true, true, true, true, true, false},
		}
		for _, st := range br.Stats {
			where := st.Sheet
			if where == "" {
				where = st.Encoding
			}
			t.Add(st.File, where, itoa(st.Rows), itoa(st.Invoices), itoa(st.Voided), itoa(st.Nullified), itoa(st.Purchases),
				itoa(st.OutsidePeriod), itoa(st.Unallocated), itoa(st.NoNumber), filters(st))
		}
		t.Write(w)
	}

	fmt.Fprintln(w)
	if len(br.Files) == 0 {
		fmt.Fprintf(w, "No file written to %s.\n", out)
	}
	for _, f := range br.Files {
		fmt.Fprintf(w, "wrote %s (%s)\n", filepath.Join(out, f.Name), describeFile(f.Name, f.Data))
	}
	for _, b := range br.NoBlank {
		fmt.Fprintf(w, "%s has no blank number in %s: no file written for it\n", b, res.Period)
	}
}

// branchTable prints one row per branch and a total, and the files.
func (r *Result) branchTable(w *strings.Builder, out string) {
	p := r.Period
	fmt.Fprintf(w, "Period %s (%s)\n\n", p, p.Code())
	t := &texttable.Table{
		Header: []string{"BRANCH", "BAN", "ALLOCATED", "USED", "VOIDED", "BLANK", "RANGES", "FILES", "STATUS"},
		Right:  []bool{false, false, true, true, true, true, true, true, false},
	}
	var tot ranges.Summary
	files := 0
	for _, br := range r.Branches {
		if br.Err != nil {
			t.Add(br.Label(), string(br.Ban), "", "", "", "", "", "", "FAILED")
			continue
		}
		var s ranges.Summary
		for _, x := range br.Blank.Summaries {
			s.Add(x)
		}
		status := "ok"
		if len(br.NoInvoices) > 0 {
			status = "ok, no invoices"
		}
		if len(br.Warnings) > 0 {
			status = Plural(len(br.Warnings), "warning")
		}
		t.Add(br.Label(), string(br.Ban), itoa(s.Allocated), itoa(s.Used), itoa(s.Voided), itoa(s.Blank), itoa(s.Ranges), itoa(len(br.Files)), status)
		tot.Add(s)
		files += len(br.Files)
	}
	t.Add("TOTAL", "", itoa(tot.Allocated), itoa(tot.Used), itoa(tot.Voided), itoa(tot.Blank), itoa(tot.Ranges), itoa(files),
		fmt.Sprintf("%d of %d ok", len(r.Branches)-r.Failed(), len(r.Branches)))
	t.Write(w)
	fmt.Fprintln(w)
	for _, br := range r.ok() {
		for _, f := range br.Files {
			fmt.Fprintf(w, "wrote %s\n", filepath.Join(out, f.Name))
		}
	}
}

// WriteWarnings writes the warnings and notes of a run, one a line with the
// invoices concerned listed below; for a config run, each branch's failure
// or warnings.
func (r *Result) WriteWarnings(w io.Writer) error {
	var b strings.Builder
	if r.Config {
		for _, br := range r.Branches {
			label := fmt.Sprintf("branch %s (%s)", br.Label(), br.Ban)
			if br.Err != nil {
				fmt.Fprintf(&b, "error: %s failed, nothing written for it:\n", label)
				for _, line := range strings.Split(br.Err.Error(), "\n") {
					fmt.Fprintf(&b, "  %s\n", line)
				}
				continue
			}
			for _, warn := range br.Warnings {
				fmt.Fprintf(&b, "warning: %s: %s\n", label, warn)
			}
			br.declaredNone(&b, label+": ")
		}
	} else {
		for _, br := range r.Branches {
			br.details(&b)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// details writes a branch's warnings with their invoices, then its notes.
func (br *BranchResult) details(w *strings.Builder) {
	warnings := br.Warnings
	var strict *StrictError
	if br.Err != nil {
		if !asStrict(br.Err, &strict) {
			return
		}
		warnings = strict.Warnings
	}
	for _, warn := range warnings {
		if warn.Invoices.Count == 0 {
			fmt.Fprintf(w, "warning: %s\n", warn.Heading())
			continue
		}
		fmt.Fprintf(w, "warning: %s:\n", warn.Heading())
		listing(w, warn.Invoices)
	}
	if br.Blank == nil {
		return
	}
	br.declaredNone(w, "")
	for _, st := range br.Stats {
		if st.Repaired.Count > 0 {
			fmt.Fprintf(w, "note: %s: %d row(s) have more fields than the header: a comma in 買方名稱 was not quoted; read with the fields after the name shifted back:\n", st.File, st.Repaired.Count)
			for _, inv := range st.Repaired.First {
				fmt.Fprintf(w, "  %s\n", inv.Pos)
			}
			if more := st.Repaired.Count - len(st.Repaired.First); more > 0 {
				fmt.Fprintf(w, "  ... and %d more\n", more)
			}
		}
		if !st.HasSeller {
			fmt.Fprintf(w, "note: %s has no column for seller (賣方統一編號): purchases cannot be told apart\n", st.File)
		}
	}
	if len(br.Skipped) > 0 {
		fmt.Fprintf(w, "note: %d allocation(s) of other periods than %s were left out\n", len(br.Skipped), br.Blank.Period)
	}
}

// declaredNone notes the 統編 declared to have issued no invoice, whose
// every allocated number is reported blank on that word alone.
func (br *BranchResult) declaredNone(w *strings.Builder, prefix string) {
	for _, b := range br.NoInvoices {
		n := 0
		for _, s := range br.Blank.Summaries {
			if s.Ban == b {
				n += s.Allocated
			}
		}
		fmt.Fprintf(w, "note: %s%s issued no invoice in %s, as declared: all its %s are reported blank\n", prefix, b, br.Blank.Period, Plural(n, "allocated number"))
	}
}

func listing(w *strings.Builder, l ranges.Listing) {
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

func describeFile(name string, data []byte) string {
	if strings.HasSuffix(name, ".csv") {
		return Plural(strings.Count(string(data), "\n"), "range")
	}
	return Plural(strings.Count(string(data), "<BranchTrackBlankItem>"), "item")
}

func itoa(n int) string { return strconv.Itoa(n) }

// Plural is n and the noun, with an s when n is not 1.
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// filters says which of the period and seller checks a file allowed.
func filters(st sheet.FileStats) string {
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

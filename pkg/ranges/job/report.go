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
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
	"github.com/blanktrack/blanktrack/pkg/ranges/sheet"
)

// WriteReport writes the report of a run whose files were written into
// out: for a run from the command line, per 統編, 類別 and 字軌 the numbers
// allocated, used, voided and blank, per input file what was read, and the
// files; for a config run, a row per branch and a total.
func (r *Result) WriteReport(w io.Writer, out string) error {
	var b strings.Builder
	p := r.p
	if r.Config {
		r.branchTable(&b, out)
	} else if len(r.Branches) == 1 && r.Branches[0].Err == nil {
		r.Branches[0].report(&b, p, out)
	}
	out = ranges.VisibleName(out)
	for _, name := range r.RemovedTemps {
		p.Say(&b, "removed %s: a temporary file of an earlier run that was killed while writing\n", filepath.Join(out, name))
	}
	for _, name := range r.Removed {
		ban, _, _ := importfile.OwnedName(name)
		p.Say(&b, "removed %s: a file of an earlier run for %s %s that this run no longer writes\n", filepath.Join(out, name), ban, r.Period)
	}
	switch {
	case !r.written:
	case r.Failed() == len(r.Branches):
		p.Say(&b, "nothing to file: every branch failed; this run's report: %s (and %s)\n", filepath.Join(out, ReportHTML), ReportText)
	default:
		p.Say(&b, "report to keep: %s (and %s)\n", filepath.Join(out, ReportHTML), ReportText)
	}
	_, err := io.WriteString(w, ranges.Visible(b.String()))
	return err
}

func (br *BranchResult) report(w *strings.Builder, p *msg.Printer, out string) {
	res := br.Blank
	p.Say(w, "Period %s (%s)\n\n", res.Period, res.Period.Code())
	t := &texttable.Table{
		Header: []string{p.Text("BAN"), p.Text("TYPE"), p.Text("TRACK"), p.Text("ALLOCATED"), p.Text("USED"), p.Text("VOIDED"), p.Text("BLANK"), p.Text("RANGES")},
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
	t.Add(p.Text("TOTAL"), "", "", itoa(tot.Allocated), itoa(tot.Used), voided(tot.Voided), itoa(tot.Blank), itoa(tot.Ranges))
	t.Write(w)
	for _, n := range br.unusedTracks() {
		p.Say(w, "note: %v\n", n)
	}

	if len(br.Stats) > 0 {
		fmt.Fprintln(w)
		t = &texttable.Table{
			Header: []string{p.Text("INPUT"), p.Text("SHEET/ENCODING"), p.Text("ROWS"), p.Text("COUNTED"), p.Text("VOIDED"), p.Text("NULLIFIED"), p.Text("PURCHASES"),
				p.Text("OUTSIDE PERIOD"), p.Text("NO ALLOCATION"), p.Text("NO NUMBER"), p.Text("FILTERED BY")},
			Right: []bool{false, false, true, true, true, true, true, true, true, true, false},
		}
		for _, st := range br.Stats {
			t.Add(st.File, where(p, st), itoa(st.Rows), itoa(st.Invoices), itoa(st.Voided), itoa(st.Nullified), itoa(st.Purchases),
				itoa(st.OutsidePeriod), itoa(st.Unallocated), itoa(st.NoNumber), filters(p, st))
		}
		t.Write(w)
	}

	fmt.Fprintln(w)
	if len(br.Files) == 0 {
		p.Say(w, "No file written to %s.\n", ranges.VisibleName(out))
	}
	for _, f := range br.Files {
		p.Say(w, "wrote %s (%s)\n", ranges.VisibleName(filepath.Join(out, f.Name)), describeFile(p, f.Name, f.Data))
	}
	for _, b := range br.NoBlank {
		p.Say(w, "%s has no blank number in %s: no file written for it\n", b, res.Period)
	}
}

// branchTable prints one row per branch and a total, and the files.
func (r *Result) branchTable(w *strings.Builder, out string) {
	p := r.p
	p.Say(w, "Period %s (%s)\n\n", r.Period, r.Period.Code())
	t := &texttable.Table{
		Header: []string{p.Text("BRANCH"), p.Text("BAN"), p.Text("ALLOCATED"), p.Text("USED"), p.Text("VOIDED"), p.Text("BLANK"), p.Text("RANGES"), p.Text("FILES"), p.Text("STATUS")},
		Right:  []bool{false, false, true, true, true, true, true, true, false},
	}
	var tot ranges.Summary
	files := 0
	for _, br := range r.Branches {
		if br.Err != nil {
			t.Add(br.Label(), string(br.Ban), "", "", "", "", "", "", p.Text("FAILED"))
			continue
		}
		var s ranges.Summary
		for _, x := range br.Blank.Summaries {
			s.Add(x)
		}
		status := p.Text("ok")
		if len(br.NoInvoices) > 0 {
			status = p.Text("ok, no invoices")
		}
		if n := len(br.Warnings); n > 0 {
			status = count(p, n, msg.T("%d warning", n), msg.T("%d warnings", n))
		}
		voided := "-"
		if slices.ContainsFunc(br.Stats, func(st sheet.FileStats) bool { return st.HasStatus }) {
			voided = itoa(s.Voided)
		}
		t.Add(br.Label(), string(br.Ban), itoa(s.Allocated), itoa(s.Used), voided, itoa(s.Blank), itoa(s.Ranges), itoa(len(br.Files)), status)
		tot.Add(s)
		files += len(br.Files)
	}
	t.Add(p.Text("TOTAL"), "", itoa(tot.Allocated), itoa(tot.Used), itoa(tot.Voided), itoa(tot.Blank), itoa(tot.Ranges), itoa(files),
		p.Text("%d of %d ok", len(r.Branches)-r.Failed(), len(r.Branches)))
	t.Write(w)
	for _, br := range r.ok() {
		for _, n := range br.unusedTracks() {
			p.Say(w, "note: %s%v\n", p.Text("branch %s (%s)", br.Label(), br.Ban)+p.Text(": "), n)
		}
	}
	fmt.Fprintln(w)
	for _, br := range r.ok() {
		for _, f := range br.Files {
			p.Say(w, "wrote %s\n", ranges.VisibleName(filepath.Join(out, f.Name)))
		}
	}
}

// WriteWarnings writes the warnings and notes of a run, one a line with the
// invoices concerned listed below; for a config run, each branch's failure
// or warnings.
func (r *Result) WriteWarnings(w io.Writer) error {
	var b strings.Builder
	p := r.p
	if r.Config {
		for _, br := range r.Branches {
			label := p.Text("branch %s (%s)", ranges.VisibleName(br.Label()), br.Ban)
			if br.Err != nil {
				p.Say(&b, "error: %s failed, nothing written for it:\n", label)
				for _, line := range strings.Split(p.Localize(br.Err), "\n") {
					fmt.Fprintf(&b, "  %s\n", line)
				}
				continue
			}
			for _, warn := range br.Warnings {
				p.Say(&b, "warning: %s: %v\n", label, warn.Line())
			}
			br.declaredNone(&b, p, label+p.Text(": "))
			for _, n := range br.notes() {
				p.Say(&b, "note: %s%v\n", label+p.Text(": "), n)
			}
		}
	} else {
		for _, br := range r.Branches {
			br.details(&b, p)
		}
	}
	_, err := io.WriteString(w, ranges.Visible(b.String()))
	return err
}

// details writes a branch's warnings with their invoices, then its notes.
func (br *BranchResult) details(w *strings.Builder, p *msg.Printer) {
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
			p.Say(w, "warning: %v\n", warn.Heading())
			continue
		}
		p.Say(w, "warning: %v:\n", warn.Heading())
		listing(w, p, warn.Invoices)
	}
	if br.Blank == nil {
		return
	}
	br.declaredNone(w, p, "")
	for _, n := range br.notes() {
		p.Say(w, "note: %v\n", n)
	}
}

// declaredNone notes the 統編 declared to have issued no invoice, whose
// every allocated number is reported blank on that word alone.
func (br *BranchResult) declaredNone(w *strings.Builder, p *msg.Printer, prefix string) {
	for _, n := range br.declaredNoneNotes() {
		p.Say(w, "note: %s%v\n", prefix, n)
	}
}

func (br *BranchResult) declaredNoneNotes() []msg.Message {
	var notes []msg.Message
	for _, b := range br.NoInvoices {
		n := 0
		for _, s := range br.Blank.Summaries {
			if s.Ban == b {
				n += s.Allocated
			}
		}
		if n == 1 {
			notes = append(notes, msg.T("%s issued no invoice in %s, as declared: its 1 allocated number is reported blank", b, br.Blank.Period))
			continue
		}
		notes = append(notes, msg.T("%s issued no invoice in %s, as declared: all its %d allocated numbers are reported blank", b, br.Blank.Period, n))
	}
	return notes
}

func listing(w *strings.Builder, p *msg.Printer, l ranges.Listing) {
	for _, inv := range l.First {
		date := ""
		if !inv.Date.IsZero() {
			date = p.Text(" dated %s", inv.Date.Format("2006-01-02"))
		}
		if inv.Pos.Row == 0 {
			fmt.Fprintf(w, "  %s%s\n", inv.Number, date)
			continue
		}
		fmt.Fprintf(w, "  %s%s%s%s\n", inv.Pos.Localize(p), p.Text(": "), inv.Number, date)
	}
	if more := l.Count - len(l.First); more > 0 {
		p.Say(w, "  ... and %d more\n", more)
	}
}

func describeFile(p *msg.Printer, name string, data []byte) string {
	if strings.HasSuffix(name, ".csv") {
		n := strings.Count(string(data), "\n")
		return count(p, n, msg.T("%d range", n), msg.T("%d ranges", n))
	}
	n := strings.Count(string(data), "<BranchTrackBlankItem>")
	return count(p, n, msg.T("%d item", n), msg.T("%d items", n))
}

// count picks the singular or the plural text of a count, in p's
// language (Chinese has one form; English two).
func count(p *msg.Printer, n int, one, many msg.Message) string {
	if n == 1 {
		return one.Localize(p)
	}
	return many.Localize(p)
}

// notes are a branch's notes: what blanktrack did that a person should
// know, none of them a doubt about the data.
func (br *BranchResult) notes() []msg.Message {
	var notes []msg.Message
	for _, st := range br.Stats {
		if st.Repaired.Count > 0 {
			rows := make(msg.Commas, 0, len(st.Repaired.First)+1)
			for _, inv := range st.Repaired.First {
				rows = append(rows, msg.T("%v", inv.Pos))
			}
			if more := st.Repaired.Count - len(st.Repaired.First); more > 0 {
				rows = append(rows, msg.T("... and %d more", more))
			}
			notes = append(notes, msg.T("%s: %d row(s) have more fields than the header: a comma in 買方名稱 was not quoted; read with the fields after the name shifted back:%v", ranges.VisibleName(st.File), st.Repaired.Count, indented(rows)))
		}
	}
	notes = append(notes, br.noSellerNotes()...)
	if len(br.Skipped) > 0 {
		notes = append(notes, msg.T("%d allocation(s) of other periods than %s were left out", len(br.Skipped), br.Blank.Period))
	}
	return notes
}

// noSellerSheets is how many sheets without a seller column a note names.
const noSellerSheets = 5

// noSellerNotes say which exports have no seller column: one note a file,
// naming the sheets of a workbook read from several.
func (br *BranchResult) noSellerNotes() []msg.Message {
	type file struct {
		name   string
		tables int      // the tables read: 1 for a CSV file
		sheets []string // those without a seller column, the first noSellerSheets
		n      int      // how many
	}
	var files []*file
	byName := map[string]*file{}
	for _, st := range br.Stats {
		f := byName[st.File]
		if f == nil {
			f = &file{name: ranges.VisibleName(st.File)}
			byName[st.File] = f
			files = append(files, f)
		}
		f.tables++
		if !st.HasSeller {
			f.n++
			if len(f.sheets) < noSellerSheets {
				f.sheets = append(f.sheets, ranges.VisibleName(st.Sheet))
			}
		}
	}
	var notes []msg.Message
	for _, f := range files {
		switch {
		case f.n == 0:
		case f.tables == 1:
			notes = append(notes, msg.T("%s has no column for seller (賣方統一編號): purchases cannot be told apart", f.name))
		case f.n > len(f.sheets):
			notes = append(notes, msg.T("%s has no column for seller (賣方統一編號) in %d sheets (%s and %d more): purchases cannot be told apart",
				f.name, f.n, strings.Join(f.sheets, ", "), f.n-len(f.sheets)))
		default:
			notes = append(notes, msg.T("%s has no column for seller (賣方統一編號) in sheet(s) %s: purchases cannot be told apart", f.name, strings.Join(f.sheets, ", ")))
		}
	}
	return notes
}

// unusedTracks notes each 字軌 of the branch that no invoice of the
// exports used while its 統編 used others: the whole track is reported
// blank, as it should be for a booklet the business never used, and as it
// would be, wrongly, for a register whose export was not given. A note, not
// a warning (which --strict fails on): unused booklets are common, and a
// person can tell the two apart, a program cannot. A 統編 with no invoice
// at all is an error or declared (NoInvoicesError, Branch.NoInvoices).
func (br *BranchResult) unusedTracks() []msg.Message {
	if br.Blank == nil {
		return nil
	}
	used := map[ranges.Ban]int{}
	for _, s := range br.Blank.Summaries {
		used[s.Ban] += s.Used
	}
	var notes []msg.Message
	for _, s := range br.Blank.Summaries {
		if s.Used > 0 || used[s.Ban] == 0 {
			continue
		}
		var rs []string
		var from msg.Commas // where the allocations were read, a file or sheet once
		var seen []ranges.Pos
		for _, a := range br.Allocs {
			if a.Ban == s.Ban && a.Type == s.Type && a.Period == s.Period && a.Track == s.Track {
				rs = append(rs, fmt.Sprintf("%s%s-%s", a.Track, a.Start, a.End))
				if at := (ranges.Pos{File: a.Pos.File, Sheet: a.Pos.Sheet}); !slices.Contains(seen, at) {
					seen, from = append(seen, at), append(from, a.From())
				}
			}
		}
		slices.Sort(rs)
		notes = append(notes, msg.T("%s %s track %s (%s, %d numbers, allocated in %v): no invoice at all: the whole track is reported blank; check that no register's export is missing",
			s.Ban, s.Type, s.Track, strings.Join(rs, ", "), s.Allocated, from))
	}
	return notes
}

// indented prints texts a line each, indented, after a line break.
type indented []msg.Message

func (in indented) String() string { return in.Localize(nil) }

// Localize prints the lines in p's language.
func (in indented) Localize(p *msg.Printer) string {
	var b strings.Builder
	for _, m := range in {
		b.WriteString("\n  ")
		b.WriteString(m.Localize(p))
	}
	return b.String()
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
func filters(p *msg.Printer, st sheet.FileStats) string {
	var f []string
	if st.HasSeller {
		f = append(f, p.Text("seller"))
	}
	if st.HasDate {
		f = append(f, p.Text("date"))
	}
	if len(f) == 0 {
		return "-"
	}
	return strings.Join(f, "+")
}

// where is the sheet a workbook was read from, or the encoding of a text
// file, in p's language.
func where(p *msg.Printer, st sheet.FileStats) string {
	if st.Sheet != "" {
		return st.Sheet
	}
	return encodingName(p, st.Encoding)
}

// encodingName translates the words of the readers' encoding names
// ("UTF-8 with BOM", "CP950, tab-separated"); the names themselves stay.
func encodingName(p *msg.Printer, enc string) string {
	name, tabs := strings.CutSuffix(enc, ", tab-separated")
	name, semicolons := strings.CutSuffix(name, ", semicolon-separated")
	if base, ok := strings.CutSuffix(name, " with BOM"); ok {
		name = p.Text("%s with BOM", base)
	}
	switch {
	case tabs:
		name = p.Text("%s, tab-separated", name)
	case semicolons:
		name = p.Text("%s, semicolon-separated", name)
	}
	return name
}

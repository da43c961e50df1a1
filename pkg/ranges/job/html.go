package job

import (
	"bytes"
	"embed"
	"html/template"
	"path/filepath"
	"slices"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
	"github.com/blanktrack/blanktrack/pkg/ranges/sheet"
)

//go:embed report.html.tmpl
var reportFS embed.FS

// reportTemplate is parsed once; the functions that need the run's
// language are bound per rendering (see HTML).
var reportTemplate = template.Must(template.New("report.html.tmpl").Funcs(pageFuncs(nil)).ParseFS(reportFS, "report.html.tmpl"))

// pageFuncs are the page's functions in p's language: t translates a
// heading (TestEveryMessageTranslated reads the template for them).
func pageFuncs(p *msg.Printer) template.FuncMap {
	return template.FuncMap{
		"base":    filepath.Base,
		"t":       func(format string) string { return p.Text(format) },
		"loc":     func(m msg.Message) string { return m.Localize(p) },
		"filters": func(st sheet.FileStats) string { return filters(p, st) },
		"where":   func(st sheet.FileStats) string { return where(p, st) },
		"more": func(n int) string {
			return p.Text("… and %d more ranges: the bulk files hold them all.", n)
		},
	}
}

// htmlRangesMax is how many blank ranges of one 統編 the page lists; the
// bulk files hold them all.
const htmlRangesMax = 200

// ReportInfo is what a report says beyond the computation: the tool that
// made it and the files it read and wrote, with their hashes.
type ReportInfo struct {
	Tool    string // name, version and commit
	Out     string // the output folder
	Inputs  []FileHash
	Outputs []FileHash
}

// FileHash names a file with its size and SHA-256.
type FileHash struct {
	Name   string
	Size   int64
	SHA256 string
}

// htmlPage is the data of report.html.
type htmlPage struct {
	Period   ranges.Period
	Deadline string
	Note     string // where today stands with the deadline, if the run knew today
	Warning  bool   // Note is a warning: the period is still running
	Info     ReportInfo
	Branches []htmlBranch
	Total    ranges.Summary
	Config   bool
}

type htmlBranch struct {
	Label       string
	VoidedKnown bool
	Ban         ranges.Ban
	Err         string
	Rows        []htmlRow
	Total       ranges.Summary
	Bans        []htmlBan
	Stats       []sheet.FileStats
	Warnings    []Warning
	Notes       []string
}

type htmlRow struct {
	ranges.Summary
	// Shares of the allocated numbers, in percent, for the bar.
	UsedPct, VoidedPct, BlankPct float64
	VoidedKnown                  bool
}

type htmlBan struct {
	Ban    ranges.Ban
	Ranges []ranges.BlankRange
	More   int // ranges not listed
}

// HTML renders the run as a self-contained page an accountant keeps with
// the filing: no scripts, no network, laid out for one or two A4 pages.
func (r *Result) HTML(info ReportInfo) ([]byte, error) {
	page := htmlPage{Period: r.Period, Deadline: r.Period.Deadline().Format("2006-01-02"), Info: info, Config: r.Config}
	if note, warning := r.Calendar(); !note.IsZero() {
		page.Note, page.Warning = note.Localize(r.p), warning
	}
	for _, br := range r.Branches {
		hb := htmlBranch{Label: br.Label(), Ban: br.Ban}
		if br.Err != nil {
			hb.Err = r.p.Localize(br.Err)
			page.Branches = append(page.Branches, hb)
			continue
		}
		voidedKnown := false
		for _, st := range br.Stats {
			voidedKnown = voidedKnown || st.HasStatus
		}
		hb.VoidedKnown = voidedKnown
		for _, s := range br.Blank.Summaries {
			row := htmlRow{Summary: s, VoidedKnown: voidedKnown}
			if s.Allocated > 0 {
				row.VoidedPct = pct(s.Voided, s.Allocated)
				row.UsedPct = pct(s.Used-s.Voided, s.Allocated)
				row.BlankPct = pct(s.Blank, s.Allocated)
			}
			hb.Rows = append(hb.Rows, row)
			hb.Total.Add(s)
		}
		for _, b := range br.Blank.Bans() {
			rs := br.Blank.RangesOf(b)
			hbn := htmlBan{Ban: b, Ranges: rs}
			if len(rs) > htmlRangesMax {
				hbn.Ranges, hbn.More = rs[:htmlRangesMax], len(rs)-htmlRangesMax
			}
			hb.Bans = append(hb.Bans, hbn)
		}
		hb.Stats = br.Stats
		hb.Warnings = br.Warnings
		for _, n := range slices.Concat(br.unusedTracks(), br.declaredNoneNotes(), br.notes()) {
			hb.Notes = append(hb.Notes, n.Localize(r.p))
		}
		page.Total.Add(hb.Total)
		page.Branches = append(page.Branches, hb)
	}
	tmpl, err := reportTemplate.Clone()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := tmpl.Funcs(pageFuncs(r.p)).Execute(&b, page); err != nil {
		return nil, err
	}
	// A name with an escape sequence or a bidirectional override is shown
	// written out, in the page as on the terminal.
	return []byte(ranges.Visible(b.String())), nil
}

func pct(n, of int) float64 {
	return float64(int(float64(n)*1000/float64(of)+0.5)) / 10
}

// PlainReport is the report as WriteReport prints it and WriteWarnings' warnings
// and notes, for report.txt.
func (r *Result) PlainReport(out string) []byte {
	var b bytes.Buffer
	note, warning := r.Calendar()
	if warning {
		r.p.Say(&b, "warning: %v\n\n", note)
	}
	_ = r.WriteReport(&b, out)
	var w bytes.Buffer
	_ = r.WriteWarnings(&w)
	if w.Len() > 0 {
		b.WriteString("\n")
		b.Write(w.Bytes())
	}
	if !note.IsZero() && !warning {
		r.p.Say(&b, "note: %v\n", note)
	}
	return b.Bytes()
}

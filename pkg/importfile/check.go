package importfile

import (
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// Kind is the format of a file to check.
type Kind uint8

// File kinds.
const (
	KindBulk   Kind = iota // 匯入字軌 bulk CSV
	KindE0402              // E0402 XML
	KindReport             // generate's manifest or report: not checked
)

// KindOf tells a file's kind by its extension: .xml is E0402, anything else
// a bulk file.
func KindOf(name string) Kind {
	switch {
	case strings.EqualFold(filepath.Ext(name), ".xml"):
		return KindE0402
	case isReport(filepath.Base(name)):
		return KindReport
	}
	return KindBulk
}

// isReport tells generate's manifest and reports, which a glob such as
// out/* brings along: check passes over them.
func isReport(base string) bool {
	switch base {
	case ManifestName, "report.txt", "report.html":
		return true
	}
	return false
}

// located is a blank range and where it was read.
type located struct {
	ranges.BlankRange
	file    string
	line    int
	element string
}

func (l located) finding(problem msg.Message) Finding {
	return Finding{File: l.file, Line: l.line, Element: l.element}.with(problem)
}

// Checker checks bulk and E0402 files before anyone uploads them.
type Checker struct {
	// Allocs, if set, are the allocations every range must lie in.
	Allocs []ranges.Allocation
	// Expected, if set, is what generate computes from the inputs: the
	// files must hold exactly its ranges.
	Expected *ranges.Result
	// All says the files checked are the whole output: with Expected, a
	// 統編 with blank numbers and no bulk file among them is a finding.
	All bool
	// Head is the E0402 HeadBan generate would write, for the comparison
	// with Expected; empty: the HeadBan each E0402 file names.
	Head ranges.Ban

	manifests Manifests
	// messages caches, per HeadBan and 統編, the E0402 messages generate
	// writes: every E0402 file of a 統編 is compared with one of them.
	messages map[[2]ranges.Ban][]E0402File
}

// CheckReport is the outcome of a check.
type CheckReport struct {
	Findings []Finding
	Files    int      // files read
	Ranges   int      // ranges read
	Skipped  []string // generate's manifest and reports, passed over
}

// Check reads every file, checks it, and never modifies it. Findings are
// ordered by file, then line.
//
// A file in a folder with a manifest (ManifestName) must be one the
// manifest records, with the SHA-256 it records. With Expected, each file
// must be byte for byte what generate writes from the inputs, and the
// first difference is named with its line.
func (c *Checker) Check(names []string) CheckReport {
	var rep CheckReport
	fs := &perFile{n: map[string]int{}}
	byKind := map[Kind][]located{}
	for _, name := range names {
		if KindOf(name) == KindReport {
			rep.Skipped = append(rep.Skipped, name)
			continue
		}
		rf := readLocated(name, c.Expected != nil || c.manifests.has(filepath.Dir(name)))
		// Every range is kept to compare the files with each other: their
		// number is bounded as generate bounds it, and so is the memory.
		if kind := KindOf(name); len(byKind[kind])+len(rf.ranges) > ranges.MaxRanges {
			fs.add(Finding{File: name}.with(msg.T("the files hold more than %d ranges, more than any run writes: this file and those after it are not checked", ranges.MaxRanges)))
			break
		}
		for _, f := range rf.findings {
			fs.add(f)
		}
		if rf.sum != nil {
			if err := c.manifests.Verify(name, rf.sum); err != nil {
				fs.add(Finding{File: name}.with(msg.T("%v", err)))
			}
		}
		if c.Expected != nil && len(rf.findings) == 0 {
			for _, f := range c.exact(name, rf) {
				fs.add(f)
			}
		}
		rep.Files++
		rep.Ranges += len(rf.ranges)
		byKind[KindOf(name)] = append(byKind[KindOf(name)], rf.ranges...)
	}
	splitTracks(byKind[KindBulk], fs)
	// The same ranges legitimately stand in a bulk file and in E0402 XML,
	// so overlaps are looked for among files of one kind.
	for _, k := range []Kind{KindBulk, KindE0402} {
		overlaps(byKind[k], fs)
		if c.Allocs != nil {
			outsideAllocations(byKind[k], c.Allocs, fs)
		}
		if c.Expected != nil {
			c.compare(k, byKind[k], fs)
		}
	}
	rep.Findings = fs.fs
	slices.SortStableFunc(rep.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmpBool(a.more, b.more), cmp.Compare(a.Line, b.Line))
	})
	return rep
}

// perFile collects a check's findings, at most MaxFindings a file and then
// one saying that the file's findings stopped there, whichever check finds
// them: the output and the memory stay bounded on files that are wrong on
// every line.
type perFile struct {
	fs []Finding
	n  map[string]int // findings kept per file, the stop included
}

// full reports whether file has had all the findings it gets: a check
// skips the work of a finding that would not be kept.
func (c *perFile) full(file string) bool { return c.n[file] > MaxFindings }

func (c *perFile) add(f Finding) {
	n := c.n[f.File]
	switch {
	case n > MaxFindings:
		return
	case n == MaxFindings && !f.more:
		f = Finding{File: f.File, more: true}.with(msg.T("stopped after %d findings", MaxFindings))
	}
	c.fs = append(c.fs, f)
	c.n[f.File] = n + 1
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// reBulkName is a bulk file's name as generate and the portal's vendors
// give it, in any case: a file renamed on a system that ignores case is
// still checked against its name.
var reBulkName = regexp.MustCompile(`(?i)^(?:空白發票_)?(\d{8})[_(](\d{5})\)?(_part\d+)?\.csv$`)

// reE0402Name is the name generate gives an E0402 file, in any case:
// E0402_<HeadBan>_<BranchBan>_<yyyMM>_<類別>_<字軌>.xml, and _partN.
var reE0402Name = regexp.MustCompile(`(?i)^E0402_(\d{8})_(\d{8})_(\d{5})_(\d{2})_([A-Z]{2})(_part\d+)?\.xml$`)

// rePart is a part number generate gives: the first part has no suffix,
// the next ones are _part2, _part3….
var rePart = regexp.MustCompile(`^_part([2-9]|[1-9]\d+)$`)

// partNamed finds a part suffix generate never gives (_part0, _part1,
// _part02): a file so named was renamed or written by hand, and could
// stand for a part it is not.
func partNamed(name, suffix string) []Finding {
	if suffix == "" || rePart.MatchString(suffix) {
		return nil
	}
	return []Finding{Finding{File: name}.with(msg.T("%s: generate numbers a file's parts from _part2 (its first part has no suffix) and did not write this name: give the file the name generate gives it, or run generate again", suffix))}
}

// e0402Named finds the fields of an E0402 file named as generate names it
// that its message does not hold: a file renamed, or copied over another,
// would be filed or uploaded for what its name says.
func e0402Named(name string, m E0402Main) []Finding {
	n := reE0402Name.FindStringSubmatch(filepath.Base(name))
	if n == nil {
		return nil
	}
	fs := partNamed(name, n[6])
	for i, f := range []struct{ elem, has string }{
		{"HeadBan", m.HeadBan}, {"BranchBan", m.BranchBan}, {"YearMonth", m.YearMonth}, {"InvoiceType", m.InvoiceType}, {"InvoiceTrack", m.InvoiceTrack},
	} {
		// zk for ZK is the same track: only the case of the name differs.
		if !strings.EqualFold(n[i+1], f.has) {
			fs = append(fs, Finding{File: name, Element: "BranchTrackBlank/Main/" + f.elem}.with(
				msg.T("%s, but the file's name says %s: a file named as generate names its E0402 files (E0402_<HeadBan>_<BranchBan>_<yyyMM>_<類別>_<字軌>.xml) must hold what its name says", f.has, n[i+1])))
		}
	}
	return fs
}

// readFile is what reading one file found.
type readFile struct {
	ranges   []located
	findings []Finding
	sum      []byte    // SHA-256 of all its bytes, when asked for and read
	bulk     []BulkRow // a bulk file's rows
	e0402    *E0402    // an E0402 file's message, when it has no finding
}

// readLocated reads one file of either kind with its findings and, with
// hash, the SHA-256 of all its bytes.
func readLocated(name string, hash bool) (rf readFile) {
	f, err := os.Open(name)
	if err != nil {
		rf.findings = []Finding{Finding{File: name}.with(msg.T("%v", err))}
		return rf
	}
	defer f.Close()
	var r io.Reader = f
	if hash {
		h := sha256.New()
		r = io.TeeReader(f, h)
		defer func() {
			// The readers may stop early: the hash is of every byte.
			if _, err := io.Copy(io.Discard, r); err == nil {
				rf.sum = h.Sum(nil)
			}
		}()
	}
	if KindOf(name) == KindE0402 {
		m, fs := ReadE0402(r, name)
		if len(fs) > 0 {
			rf.findings = fs
			return rf
		}
		rs, err := m.Ranges()
		if err != nil {
			rf.findings = []Finding{Finding{File: name}.with(msg.T("%v", err))}
			return rf
		}
		rf.findings = e0402Named(name, m.Main)
		if len(rf.findings) == 0 {
			rf.e0402 = &m
		}
		for i, br := range rs {
			rf.ranges = append(rf.ranges, located{BlankRange: br, file: name, line: m.Items[i].Line,
				element: fmt.Sprintf("BranchTrackBlank/Details/BranchTrackBlankItem[%d]", i+1)})
		}
		return rf
	}
	rows, fs := ReadBulk(r, name)
	rf.bulk = rows
	for _, r := range rows {
		rf.ranges = append(rf.ranges, located{BlankRange: r.Range(), file: name, line: r.Line})
	}
	col := &findings{name: name, fs: fs}
	// A bulk file is for one 字軌期別: the portal's page imports it under
	// the period chosen there.
	for _, r := range rows[min(1, len(rows)):] {
		if r.Period != rows[0].Period && !col.addAt(Finding{File: name, Line: r.Line, Field: "period"}.with(msg.T("period %s: the file's first line is of %s; want one period a file", r.Period.Code(), rows[0].Period.Code()))) {
			break
		}
	}
	// A file named as generate names it must hold what its name says;
	// any bulk file holds one 統編's ranges (generate writes one file per
	// 統編, and upload logs in as one).
	if m := reBulkName.FindStringSubmatch(filepath.Base(name)); m != nil {
		for _, f := range partNamed(name, m[3]) {
			col.addAt(f)
		}
		for _, r := range rows {
			if (string(r.Ban) != m[1] || r.Period.Code() != m[2]) && !col.addAt(Finding{File: name, Line: r.Line}.with(msg.T("range of %s %s in a file named for %s %s", r.Ban, r.Period.Code(), m[1], m[2]))) {
				break
			}
		}
	} else {
		for _, r := range rows[min(1, len(rows)):] {
			if r.Ban != rows[0].Ban && !col.addAt(Finding{File: name, Line: r.Line, Field: "統一編號"}.with(msg.T("統一編號 %s: the file's first line is of %s; want one 統編 a file, as generate writes them", r.Ban, rows[0].Ban))) {
				break
			}
		}
	}
	rf.findings = col.fs
	return rf
}

// splitTracks finds a 字軌 whose ranges stand in more than one bulk file:
// an upload for a track and period may replace what an earlier upload put
// on record, so each track's ranges must travel in one file.
func splitTracks(rs []located, fs *perFile) {
	type track struct {
		ban   ranges.Ban
		p     ranges.Period
		typ   ranges.InvoiceType
		track ranges.Track
	}
	first := map[track]located{}
	reported := map[track]bool{}
	for _, r := range rs {
		k := track{r.Ban, r.Period, r.Type, r.Track}
		f, ok := first[k]
		switch {
		case !ok:
			first[k] = r
		case f.file != r.file && !reported[k]:
			reported[k] = true
			fs.add(r.finding(msg.T("字軌 %s (%s %s %s) has ranges in %s too: an upload for a track may replace what an earlier one put on record; keep a track's ranges in one file",
				r.Track, r.Ban, r.Period.Code(), r.Type, f.file)))
		}
	}
}

// overlaps finds ranges sharing a number. Invoice numbers are unique per
// 字軌 and period nationwide, so 統編 and 類別 do not separate them.
func overlaps(rs []located, fs *perFile) {
	// The ranges are sorted through their indexes: a copy of them would
	// double the memory of a check of many large files.
	order := make([]int32, len(rs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(i, j int32) int {
		a, b := &rs[i], &rs[j]
		return cmp.Or(cmp.Compare(a.Period.Year, b.Period.Year), cmp.Compare(a.Period.EndMonth, b.Period.EndMonth),
			cmp.Compare(a.Track, b.Track), cmp.Compare(a.Start, b.Start))
	})
	var reach located
	for i, k := range order {
		r := rs[k]
		same := i > 0 && reach.Period == r.Period && reach.Track == r.Track
		if same && r.Start <= reach.End && !fs.full(r.file) {
			problem := msg.T("range %s%s-%s overlaps %s%s-%s at %s: a number may be reported once",
				r.Track, r.Start, r.End, reach.Track, reach.Start, reach.End, where(reach))
			if r.BlankRange == reach.BlankRange {
				problem = msg.T("range %s%s-%s repeats %s%s-%s at %s: a number may be reported once",
					r.Track, r.Start, r.End, reach.Track, reach.Start, reach.End, where(reach))
			}
			fs.add(r.finding(problem))
		}
		if !same || r.End > reach.End {
			reach = r
		}
	}
}

func where(l located) string {
	if l.line > 0 {
		return fmt.Sprintf("%s:%d", l.file, l.line)
	}
	return l.file
}

// outsideAllocations finds ranges not wholly inside allocations of the same
// 統編, 類別, period and 字軌.
func outsideAllocations(rs []located, allocs []ranges.Allocation, fs *perFile) {
	byKey := map[ranges.Key][]ranges.Allocation{}
	for _, a := range allocs {
		k := ranges.Key{Ban: a.Ban, Type: a.Type, Period: a.Period, Track: a.Track}
		byKey[k] = append(byKey[k], a)
	}
	for _, as := range byKey {
		slices.SortFunc(as, func(x, y ranges.Allocation) int { return cmp.Compare(x.Start, y.Start) })
	}
	for _, r := range rs {
		if fs.full(r.file) {
			continue
		}
		// Walk the allocations of the key from the one holding Start; a range
		// may span adjacent allocations.
		next := r.Start
		for _, a := range byKey[r.Key] {
			if a.Start <= next && next <= a.End {
				if a.End >= r.End {
					next = r.End + 1
					break
				}
				next = a.End + 1
			}
		}
		if next <= r.End {
			fs.add(r.finding(msg.T("range %s%s-%s: number %s%s is in no allocation of %s %s %s %s",
				r.Track, r.Start, r.End, r.Track, next, r.Ban, r.Type, r.Period, r.Track)))
		}
	}
}

// compare finds the ranges that generate would write and a file lacks, and
// those a file has that generate would not write (a stale or hand-edited
// file). Bulk files are compared per 統編, E0402 files per message key; only
// keys present in the checked files are compared, and with All every 統編
// with blank numbers must have a bulk file.
func (c *Checker) compare(k Kind, rs []located, fs *perFile) {
	want := c.Expected.Ranges
	group := func(r ranges.BlankRange) string {
		if k == KindBulk {
			return string(r.Ban) + " " + r.Period.Code()
		}
		return fmt.Sprintf("%s %s %s %s", r.Ban, r.Period.Code(), r.Type, r.Track)
	}
	present := map[string]string{} // group -> first file holding it
	have := map[ranges.BlankRange]bool{}
	for _, r := range rs {
		if _, ok := present[group(r.BlankRange)]; !ok {
			present[group(r.BlankRange)] = r.file
		}
		have[r.BlankRange] = true
	}
	wanted := map[ranges.BlankRange]bool{}
	for _, r := range want {
		wanted[r] = true
	}
	for _, r := range rs {
		if !wanted[r.BlankRange] && !fs.full(r.file) {
			fs.add(r.finding(msg.T("extra range %s %s%s-%s: generate would not write it from the inputs (numbers used, not allocated, or the range is split or merged differently)",
				r.Type, r.Track, r.Start, r.End)))
		}
	}
	missingFile := map[string]bool{}
	for _, r := range want {
		file, ok := present[group(r)]
		switch {
		case ok && !have[r] && !fs.full(file):
			fs.add(Finding{File: file}.with(msg.T("missing range %s %s %s%s-%s: generate would write it from the inputs", r.Ban, r.Type, r.Track, r.Start, r.End)))
		case !ok && c.All && k == KindBulk && r.Period == c.Expected.Period && !missingFile[string(r.Ban)]:
			missingFile[string(r.Ban)] = true
			if _, err := BulkFiles(c.Expected.RangesOf(r.Ban)); errors.Is(err, ErrTrackTooLarge) {
				break // generate writes it E0402 files only
			}
			fs.add(Finding{File: BulkFileName(r.Ban, r.Period)}.with(msg.T("no bulk file for %s among the files checked: generate would write %s", r.Ban, BulkFileName(r.Ban, r.Period))))
		}
	}
}

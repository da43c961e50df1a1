package portal

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"slices"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// bulkFileMax is the largest bulk file ReadBulkFiles reads: 99,999 lines
// of 46 bytes are 4.6 MB.
const bulkFileMax = 8 << 20

// Files are the bulk files of one upload, read and checked: what
// PlanUpload takes.
type Files struct {
	Period ranges.Period
	Names  []string                       // as given, each once
	Ranges map[string][]ranges.BlankRange // each file's ranges, by name
}

// FindingsError is a file to upload that is not a valid bulk file: it is
// not uploaded.
type FindingsError struct {
	Findings []importfile.Finding // at least one
}

func (e *FindingsError) text() msg.Message {
	if len(e.Findings) == 1 {
		return msg.T("%v", e.Findings[0])
	}
	return msg.T("%v (and %d more finding(s))", e.Findings[0], len(e.Findings)-1)
}

// E0402FileError is a file to upload that is an E0402 XML message, not a
// bulk file: upload reads bulk files, and makes E0402 messages of them
// itself where the layout's import format is E0402.
type E0402FileError struct {
	File string
}

func (e *E0402FileError) text() msg.Message {
	return msg.T("%s: an E0402 XML file, not a 匯入字軌 bulk CSV file: upload reads the bulk CSV files generate writes (BAN_PERIOD.csv), and makes E0402 XML of them itself where the portal takes E0402", e.File)
}

func (e *E0402FileError) Error() string                  { return e.text().String() }
func (e *E0402FileError) Localize(p *msg.Printer) string { return e.text().Localize(p) }

func (e *FindingsError) Error() string                  { return e.text().String() }
func (e *FindingsError) Localize(p *msg.Printer) string { return e.text().Localize(p) }

// SameContentError is the same content given twice to one upload: a file
// named twice, another path to it, a copy of it, or another file holding
// one of its ranges. Each would be sent, and imported, once for each time
// it is given.
type SameContentError struct {
	First, Second string             // the files, as given, in their order
	Range         *ranges.BlankRange // a range both hold, when their bytes differ
	// Other, when set, is First's range that overlaps Range, Second's
	// (without being equal to it): an older and a regenerated output
	// folder split or join ranges differently.
	Other *ranges.BlankRange
}

func (e *SameContentError) text() msg.Message {
	switch {
	case e.First == e.Second:
		return msg.T("%s: named twice", e.First)
	case e.Range != nil && e.Other != nil:
		r, o := e.Range, e.Other
		return msg.T("%s holds %s %s %s%s-%s and %s holds %s%s-%s, which overlap: an upload sends a number once (an older and a regenerated output folder?); give one of the files", e.First, o.Ban, o.Type, o.Track, o.Start, o.End, e.Second, r.Track, r.Start, r.End)
	case e.Range != nil:
		r := e.Range
		return msg.T("%s and %s both hold %s %s %s%s-%s: an upload sends a range once; give one of the files", e.First, e.Second, r.Ban, r.Type, r.Track, r.Start, r.End)
	}
	return msg.T("%s and %s have the same content (the same file by two paths, or a copy): an upload sends a file once; give it once", e.First, e.Second)
}

func (e *SameContentError) Error() string                  { return e.text().String() }
func (e *SameContentError) Localize(p *msg.Printer) string { return e.text().Localize(p) }

// ReadBulkFiles reads and checks the bulk files to upload, for period, or,
// when period is zero, for the period of their first line. It refuses a
// file over the size a bulk file can have, a file that the manifest of its
// folder (which generate writes beside its files) does not record with
// these bytes, an E0402 XML file (an *E0402FileError), a file with
// findings (a *FindingsError), the same content given twice (a
// *SameContentError: the same file by two names, a copy of it, a range in
// two files or two overlapping ranges of one 統編, type, period and 字軌
// in two files) and a line of another period: one period is uploaded at a
// time. A file in a folder without a manifest is read as it is.
func ReadBulkFiles(ctx context.Context, names []string, period ranges.Period) (*Files, error) {
	fs := &Files{Period: period, Ranges: map[string][]ranges.BlankRange{}}
	var ms importfile.Manifests
	bySum := map[[sha256.Size]byte]string{}
	var earlier spans // the ranges of the files before
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return nil, context.Cause(ctx)
		}
		if _, dup := fs.Ranges[n]; dup {
			return nil, &SameContentError{First: n, Second: n}
		}
		data, sum, err := readGenerated(&ms, n)
		if err != nil {
			return nil, err
		}
		// Compared by content, not by name: "out/a.csv" and its absolute
		// path, or a copy of the folder, are the same file to the portal.
		if first, dup := bySum[sum]; dup {
			return nil, &SameContentError{First: first, Second: n}
		}
		bySum[sum] = n
		if importfile.IsE0402(data) {
			return nil, &E0402FileError{File: n}
		}
		rows, found := importfile.ReadBulk(bytes.NewReader(data), n)
		if len(found) > 0 {
			return nil, &FindingsError{Findings: found}
		}
		fs.Ranges[n] = nil
		for _, r := range rows {
			if fs.Period.IsZero() {
				fs.Period = r.Period
			}
			if r.Period != fs.Period {
				return nil, msg.Errorf("%s:%d: period %s: the upload is for %s; upload one period at a time", n, r.Line, r.Period.Code(), fs.Period.Code())
			}
			br := r.Range()
			if o, first, ok := earlier.overlap(br); ok {
				e := &SameContentError{First: first, Second: n, Range: &br}
				if o != br {
					e.Other = &o
				}
				return nil, e
			}
			fs.Ranges[n] = append(fs.Ranges[n], br)
		}
		earlier.add(n, fs.Ranges[n])
		fs.Names = append(fs.Names, n)
	}
	return fs, nil
}

// spans are the ranges of the files read so far, by 統編, type, period and
// 字軌, each sorted by its start, with the range ending last among each
// one and those before it: an overlap is found in O(log n) even where the
// ranges of one file overlap each other.
type spans map[ranges.Key]*keySpans

type keySpans struct {
	rs    []ranges.BlankRange
	files []string
	last  []int // index of the range ending last among rs[:i+1]
}

type fileRange struct {
	r    ranges.BlankRange
	file string
}

// add records a file's ranges.
func (s *spans) add(file string, rs []ranges.BlankRange) {
	if *s == nil {
		*s = spans{}
	}
	changed := map[ranges.Key]bool{}
	for _, r := range rs {
		ks := (*s)[r.Key]
		if ks == nil {
			ks = &keySpans{}
			(*s)[r.Key] = ks
		}
		ks.rs = append(ks.rs, r)
		ks.files = append(ks.files, file)
		changed[r.Key] = true
	}
	for k := range changed {
		ks := (*s)[k]
		all := make([]fileRange, len(ks.rs))
		for i := range ks.rs {
			all[i] = fileRange{ks.rs[i], ks.files[i]}
		}
		// Stable: the earlier file first among equal starts.
		slices.SortStableFunc(all, func(a, b fileRange) int { return cmp.Compare(a.r.Start, b.r.Start) })
		ks.last = ks.last[:0]
		for i, fr := range all {
			ks.rs[i], ks.files[i] = fr.r, fr.file
			if i == 0 || fr.r.End > ks.rs[ks.last[i-1]].End {
				ks.last = append(ks.last, i)
			} else {
				ks.last = append(ks.last, ks.last[i-1])
			}
		}
	}
}

// overlap returns a recorded range that shares a number with r, and its
// file.
func (s spans) overlap(r ranges.BlankRange) (ranges.BlankRange, string, bool) {
	ks := s[r.Key]
	if ks == nil {
		return ranges.BlankRange{}, "", false
	}
	// The ranges starting at or before r's end; of them, the one ending
	// last overlaps r if any does.
	i, _ := slices.BinarySearchFunc(ks.rs, r.End, func(x ranges.BlankRange, end ranges.Number) int {
		if x.Start <= end {
			return -1
		}
		return 1
	})
	if i == 0 {
		return ranges.BlankRange{}, "", false
	}
	j := ks.last[i-1]
	if ks.rs[j].End < r.Start {
		return ranges.BlankRange{}, "", false
	}
	return ks.rs[j], ks.files[j], true
}

// readGenerated reads a file to upload, in bounded memory, and refuses it
// when the manifest of its folder does not record it with these bytes:
// changed after generate wrote it, or left by an earlier run.
func readGenerated(ms *importfile.Manifests, name string) ([]byte, [sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	data, err := importfile.ReadFileAtMost(name, bulkFileMax)
	if errors.Is(err, importfile.ErrTooLarge) {
		return nil, sum, msg.Errorf("%w: not a bulk file (99,999 ranges take 4.6 MB)", err)
	}
	if err != nil {
		return nil, sum, err
	}
	sum = sha256.Sum256(data)
	if err := ms.Verify(name, sum[:]); err != nil {
		return nil, sum, err
	}
	return data, sum, nil
}

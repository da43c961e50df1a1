package portal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"

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

// ReadBulkFiles reads and checks the bulk files to upload, for period, or,
// when period is zero, for the period of their first line. It refuses a
// file over the size a bulk file can have, a file that the manifest of its
// folder (which generate writes beside its files) does not record with
// these bytes, an E0402 XML file (an *E0402FileError), a file with
// findings (a *FindingsError), a file named twice
// and a line of another period: one period is uploaded at a time. A file
// in a folder without a manifest is read as it is.
func ReadBulkFiles(ctx context.Context, names []string, period ranges.Period) (*Files, error) {
	fs := &Files{Period: period, Ranges: map[string][]ranges.BlankRange{}}
	var ms importfile.Manifests
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return nil, context.Cause(ctx)
		}
		if _, dup := fs.Ranges[n]; dup {
			return nil, msg.Errorf("%s: named twice", n)
		}
		data, err := readGenerated(&ms, n)
		if err != nil {
			return nil, err
		}
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
			fs.Ranges[n] = append(fs.Ranges[n], r.Range())
		}
		fs.Names = append(fs.Names, n)
	}
	return fs, nil
}

// readGenerated reads a file to upload, in bounded memory, and refuses it
// when the manifest of its folder does not record it with these bytes:
// changed after generate wrote it, or left by an earlier run.
func readGenerated(ms *importfile.Manifests, name string) ([]byte, error) {
	data, err := importfile.ReadFileAtMost(name, bulkFileMax)
	if errors.Is(err, importfile.ErrTooLarge) {
		return nil, msg.Errorf("%w: not a bulk file (99,999 ranges take 4.6 MB)", err)
	}
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	if err := ms.Verify(name, sum[:]); err != nil {
		return nil, err
	}
	return data, nil
}

package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/internal/texttable"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// State is where one blank range stands with the portal.
type State uint8

// States of a range.
const (
	ToUpload    State = iota // not on record yet: will be uploaded
	OnRecord                 // was already on record before this run
	Conflict                 // overlaps a different range on record: not uploaded
	Uploaded                 // uploaded by this run and now on record
	Rejected                 // uploaded and rejected by the portal
	Unconfirmed              // uploaded but not on record when time ran out
	Vanished                 // was on record, and is no longer
)

func (s State) String() string {
	return [...]string{"to upload", "already on record", "conflict", "uploaded", "rejected", "not confirmed", "no longer on record"}[s]
}

// Done reports whether the range is on record.
func (s State) Done() bool { return s == OnRecord || s == Uploaded }

// RangeStatus is one range of a file and where it stands.
type RangeStatus struct {
	Range  ranges.BlankRange
	State  State
	Reason string // why, for Conflict and Rejected
}

// FilePlan is one bulk file to upload.
type FilePlan struct {
	Name     string // the file as given
	Ranges   []RangeStatus
	UploadAs string // the name sent to the portal: holds a hash of the content
	ImportID int    // the import in 上傳列表, once uploaded or found
}

// Pending returns the ranges to upload.
func (f *FilePlan) Pending() []ranges.BlankRange {
	var out []ranges.BlankRange
	for _, r := range f.Ranges {
		if r.State == ToUpload {
			out = append(out, r.Range)
		}
	}
	return out
}

// Conflicts counts ranges that overlap different ones on record.
func (f *FilePlan) Conflicts() int {
	n := 0
	for _, r := range f.Ranges {
		if r.State == Conflict {
			n++
		}
	}
	return n
}

// Plan is what an upload will do for one period.
type Plan struct {
	Period ranges.Period
	Files  []*FilePlan
}

// PlanUpload compares the files' ranges with what is on record: ranges
// already there are not uploaded again; a range overlapping a different one
// on record is a conflict (someone, perhaps another system, reported other
// numbers) and its file is not uploaded. order is the order of the files
// in the plan, each named once; nil means sorted by name.
func (cl *Client) PlanUpload(ctx context.Context, p ranges.Period, files map[string][]ranges.BlankRange, order []string) (*Plan, error) {
	if order == nil {
		order = slices.Sorted(maps.Keys(files))
	}
	seen := map[string]bool{}
	for _, name := range order {
		if _, ok := files[name]; !ok || seen[name] {
			return nil, fmt.Errorf("upload order: %q is not a file of the upload, or named twice", name)
		}
		seen[name] = true
	}
	if len(seen) != len(files) {
		return nil, fmt.Errorf("upload order names %d of the %d files", len(seen), len(files))
	}
	recs, err := cl.Records(ctx, p)
	if err != nil {
		return nil, err
	}
	plan := &Plan{Period: p}
	for _, name := range order {
		fp := &FilePlan{Name: name}
		for _, r := range files[name] {
			st := RangeStatus{Range: r, State: ToUpload}
			for _, rec := range recs {
				o := rec.Range()
				if o.Period != r.Period || o.Track != r.Track || o.End < r.Start || o.Start > r.End {
					continue
				}
				if o == r {
					st.State, st.Reason = OnRecord, ""
					break
				}
				st.State = Conflict
				st.Reason = fmt.Sprintf("overlaps %s %s %s%s-%s on record", o.Ban, o.Type, o.Track, o.Start, o.End)
			}
			fp.Ranges = append(fp.Ranges, st)
		}
		if pending := fp.Pending(); len(pending) > 0 {
			data, err := importfile.AppendBulk(nil, pending)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			sum := sha256.Sum256(data)
			fp.UploadAs = fmt.Sprintf("%s_%s_%s.csv", pending[0].Ban, p.Code(), hex.EncodeToString(sum[:4]))
		}
		plan.Files = append(plan.Files, fp)
	}
	return plan, nil
}

// Wait bounds the polling after an upload.
type Wait struct {
	First time.Duration // first pause; default 2s
	Max   time.Duration // longest pause; default 30s
	Limit time.Duration // overall; default 10m
}

// Execute uploads the pending ranges of every file without conflicts, then
// polls 上傳列表 and 查詢 until every uploaded range is on record or
// rejected, or the time limit passes. A file whose content was already
// imported (a run that crashed after uploading) is not uploaded again: its
// import is followed instead. log, if set, is told what happens.
func (cl *Client) Execute(ctx context.Context, plan *Plan, w Wait, log func(string)) error {
	if w.First == 0 {
		w.First = 2 * time.Second
	}
	if w.Max == 0 {
		w.Max = 30 * time.Second
	}
	if w.Limit == 0 {
		w.Limit = 10 * time.Minute
	}
	say := func(format string, args ...any) {
		if log != nil {
			log(fmt.Sprintf(format, args...))
		}
	}
	uploads, err := cl.Uploads(ctx, plan.Period)
	if err != nil {
		return err
	}
	for _, f := range plan.Files {
		pending := f.Pending()
		if len(pending) == 0 || f.Conflicts() > 0 {
			continue
		}
		for _, u := range uploads {
			if u.FileName == f.UploadAs {
				f.ImportID = u.ID
			}
		}
		if f.ImportID != 0 {
			say("%s: already imported as %s (上傳編號 %d): following it, not uploading again", f.Name, f.UploadAs, f.ImportID)
			continue
		}
		data, _ := importfile.AppendBulk(nil, pending)
		if f.ImportID, err = cl.Import(ctx, plan.Period, f.UploadAs, data); err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		say("%s: uploaded %d range(s) as %s (上傳編號 %d)", f.Name, len(pending), f.UploadAs, f.ImportID)
	}

	deadline := time.Now().Add(w.Limit)
	pause := w.First
	for {
		open, err := cl.poll(ctx, plan)
		if err != nil {
			return err
		}
		if open == 0 {
			return nil
		}
		if time.Now().Add(pause).After(deadline) {
			for _, f := range plan.Files {
				for i := range f.Ranges {
					if f.ImportID != 0 && f.Ranges[i].State == ToUpload {
						f.Ranges[i].State = Unconfirmed
					}
				}
			}
			return nil
		}
		say("waiting %s for the portal to process %d range(s)", pause.Round(time.Millisecond), open)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause = min(pause*3/2, w.Max)
	}
}

// poll reads 上傳列表 and 查詢 once and updates the plan; it returns how
// many uploaded ranges are still open.
func (cl *Client) poll(ctx context.Context, plan *Plan) (int, error) {
	uploads, err := cl.Uploads(ctx, plan.Period)
	if err != nil {
		return 0, err
	}
	processed := map[int]bool{}
	for _, u := range uploads {
		processed[u.ID] = u.Processed
	}
	recs, err := cl.Records(ctx, plan.Period)
	if err != nil {
		return 0, err
	}
	onRecord := map[ranges.BlankRange]bool{}
	for _, r := range recs {
		onRecord[r.Range()] = true
	}
	open := 0
	for _, f := range plan.Files {
		var rows []RowResult
		if f.ImportID != 0 && processed[f.ImportID] {
			if rows, err = cl.UploadRows(ctx, f.ImportID); err != nil {
				return 0, err
			}
		}
		for i := range f.Ranges {
			st := &f.Ranges[i]
			switch st.State {
			case OnRecord:
				if !onRecord[st.Range] {
					st.State, st.Reason = Vanished, "was on record before the upload and is no longer: the import may have replaced it"
				}
			case ToUpload:
				if f.ImportID == 0 {
					continue
				}
				if onRecord[st.Range] {
					st.State = Uploaded
					continue
				}
				if row, ok := rowFor(rows, st.Range); ok && !row.OK {
					st.State, st.Reason = Rejected, row.Reason
					continue
				}
				open++
			}
		}
	}
	return open, nil
}

func rowFor(rows []RowResult, r ranges.BlankRange) (RowResult, bool) {
	for _, row := range rows {
		if row.Ban == string(r.Ban) && row.Track == string(r.Track) && row.Start == r.Start.String() && row.End == r.End.String() {
			return row, true
		}
	}
	return RowResult{}, false
}

// Summary counts a plan's ranges by state.
func (p *Plan) Summary() map[State]int {
	m := map[State]int{}
	for _, f := range p.Files {
		for _, r := range f.Ranges {
			m[r.State]++
		}
	}
	return m
}

// AllOnRecord reports whether every range of every file is on record.
func (p *Plan) AllOnRecord() bool {
	for _, f := range p.Files {
		for _, r := range f.Ranges {
			if !r.State.Done() {
				return false
			}
		}
	}
	return true
}

// Describe is a one-line account of a plan for logs.
func (p *Plan) Describe() string {
	s := p.Summary()
	var parts []string
	for st := ToUpload; st <= Vanished; st++ {
		if s[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", s[st], st))
		}
	}
	return strings.Join(parts, ", ")
}

// WriteTable prints the plan: a row per range with its file and state, and
// a one-line summary.
func (p *Plan) WriteTable(w io.Writer, heading string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s:\n", heading, p.Period)
	t := &texttable.Table{Header: []string{"FILE", "BAN", "TYPE", "RANGE", "STATE"}}
	for _, f := range p.Files {
		for _, r := range f.Ranges {
			state := r.State.String()
			if r.Reason != "" {
				state += ": " + r.Reason
			}
			t.Add(filepath.Base(f.Name), string(r.Range.Ban), r.Range.Type.String(), fmt.Sprintf("%s%s-%s", r.Range.Track, r.Range.Start, r.Range.End), state)
		}
	}
	_ = t.Write(&b)
	fmt.Fprintf(&b, "(%s)\n", p.Describe())
	_, err := io.WriteString(w, b.String())
	return err
}

package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/internal/texttable"
	"github.com/blanktrack/blanktrack/pkg/portal/internal/layout"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// State is where one blank range stands with the portal.
type State uint8

// States of a range.
const (
	ToUpload     State = iota // not on record yet: will be uploaded
	OnRecord                  // was already on record before this run
	Conflict                  // overlaps a different range on record: not uploaded
	Uploaded                  // uploaded by this run, or in an import it followed, and now on record
	Rejected                  // uploaded and rejected by the portal
	Unconfirmed               // uploaded but not on record when time ran out
	Vanished                  // was on record, and is no longer
	Unauthorized              // a 統編 this login may not act for: not uploaded
	HeldBack                  // not on record, in a file a conflict or a 統編 not authorized keeps back: not uploaded
	Imported                  // in an import sent earlier (上傳編號 in Reason), not on record yet: followed, not sent again
)

func (s State) text() msg.Message {
	return [...]msg.Message{msg.T("to upload"), msg.T("already on record"), msg.T("conflict"), msg.T("uploaded"),
		msg.T("rejected"), msg.T("not confirmed"), msg.T("no longer on record"), msg.T("not authorized"),
		msg.T("held back"), msg.T("imported earlier")}[s]
}

func (s State) String() string { return s.text().String() }

// Localize is the state in a printer's language.
func (s State) Localize(p *msg.Printer) string { return s.text().Localize(p) }

// because is the state with its reason.
func (s State) because(why msg.Message) msg.Message {
	return [...]msg.Message{msg.T("to upload: %v", why), msg.T("already on record: %v", why), msg.T("conflict: %v", why), msg.T("uploaded: %v", why),
		msg.T("rejected: %v", why), msg.T("not confirmed: %v", why), msg.T("no longer on record: %v", why), msg.T("not authorized: %v", why),
		msg.T("held back: %v", why), msg.T("imported earlier: %v", why)}[s]
}

// count is "n ranges in the state", for a plan's summary.
func (s State) count(n int) msg.Message {
	return [...]msg.Message{msg.T("%d to upload", n), msg.T("%d already on record", n), msg.T("%d conflict", n), msg.T("%d uploaded", n),
		msg.T("%d rejected", n), msg.T("%d not confirmed", n), msg.T("%d no longer on record", n), msg.T("%d not authorized", n),
		msg.T("%d held back", n), msg.T("%d imported earlier", n)}[s]
}

// Done reports whether the range is on record.
func (s State) Done() bool { return s == OnRecord || s == Uploaded }

// RangeStatus is one range of a file and where it stands.
type RangeStatus struct {
	Range ranges.BlankRange
	State State
	// Reason says why, for Conflict, Rejected, Vanished and Unauthorized:
	// its String is English, or the portal's own words as it sent them.
	Reason msg.Message
}

// Parcel is one file sent with 匯入字軌: the whole bulk CSV, or one E0402
// message, holding the pending ranges of a file.
type Parcel struct {
	Name   string // the name sent: it holds a hash of the content
	Ranges []int  // indexes into the file's Ranges
	ID     string // the import in 上傳列表, once sent or found
	Sent   bool   // sent by this run (not found from an earlier one)
	data   []byte
	// refused are earlier imports of the same content that the portal
	// refused whole: they put nothing on record, and are not followed.
	refused []UploadInfo
}

// FilePlan is one bulk file to upload.
type FilePlan struct {
	Name    string // the file as given
	Ranges  []RangeStatus
	Parcels []*Parcel
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

// Blocked counts ranges that keep the file from being uploaded: conflicts
// with what is on record, and 統編 the login may not act for.
func (f *FilePlan) Blocked() int {
	n := 0
	for _, r := range f.Ranges {
		if r.State == Conflict || r.State == Unauthorized {
			n++
		}
	}
	return n
}

// Plan is what an upload will do for one period and one login.
type Plan struct {
	Period ranges.Period
	Login  ranges.Ban // the 統編 logged in with
	Files  []*FilePlan
}

// Pending counts the ranges Execute will upload: those not on record yet,
// in the files that nothing blocks.
func (p *Plan) Pending() int {
	n := 0
	for _, f := range p.Files {
		if f.Blocked() == 0 {
			n += len(f.Pending())
		}
	}
	return n
}

// Blocked counts the ranges that keep their files from being uploaded.
func (p *Plan) Blocked() int {
	n := 0
	for _, f := range p.Files {
		n += f.Blocked()
	}
	return n
}

// PlanUpload compares the files' ranges with what is on record: ranges
// already there are not uploaded again; a range overlapping a different one
// on record is a conflict (someone, perhaps another system, reported other
// numbers) and its file is not uploaded (its other ranges are held back);
// a 統編 that btb002i/company/authorized does not list for this login is
// not uploaded either. The ranges of an import 上傳列表 shows from an
// earlier run are imported earlier: Execute follows it. order is the order
// of the files in the plan, each named once; nil means sorted by name.
func (cl *Client) PlanUpload(ctx context.Context, p ranges.Period, files map[string][]ranges.BlankRange, order []string) (_ *Plan, err error) {
	defer func() { err = cl.clean(err) }()
	if order == nil {
		order = slices.Sorted(maps.Keys(files))
	}
	seen := map[string]bool{}
	for _, name := range order {
		if _, ok := files[name]; !ok || seen[name] {
			return nil, msg.Errorf("upload order: %q is not a file of the upload, or named twice", name)
		}
		seen[name] = true
	}
	if len(seen) != len(files) {
		return nil, msg.Errorf("upload order names %d of the %d files", len(seen), len(files))
	}
	offered, err := cl.Periods(ctx)
	if err != nil {
		if sessionWide(err) {
			return nil, err
		}
		return nil, msg.Errorf("reading the 字軌期別 the portal offers: %w", err)
	}
	if !slices.Contains(offered, p) {
		var names []string
		for _, o := range offered {
			names = append(names, o.String())
		}
		return nil, msg.Errorf("the portal does not take blank numbers for %s now; its 字軌期別 are: %s", p, strings.Join(names, ", "))
	}
	companies, err := cl.Companies(ctx)
	if err != nil {
		if sessionWide(err) {
			return nil, err
		}
		return nil, msg.Errorf("the companies this login may act for: %w", err)
	}
	allowed := map[ranges.Ban]bool{}
	var listed []string
	for _, c := range companies {
		allowed[c.Ban] = true
		listed = append(listed, string(c.Ban))
	}
	// What is on record, for every 統編 of the files this login may act for.
	recs := map[ranges.Ban][]Record{}
	for _, name := range order {
		for _, r := range files[name] {
			if _, done := recs[r.Ban]; done || !allowed[r.Ban] {
				continue
			}
			if recs[r.Ban], err = cl.Records(ctx, p, r.Ban); err != nil {
				return nil, msg.Errorf("查詢 %s: %w", r.Ban, err)
			}
		}
	}
	plan := &Plan{Period: p, Login: cl.o.Ban}
	for _, name := range order {
		fp := &FilePlan{Name: name}
		for _, r := range files[name] {
			st := RangeStatus{Range: r, State: ToUpload}
			if !allowed[r.Ban] {
				st.State = Unauthorized
				st.Reason = msg.T("the login %s may not act for %s (btb002i/company/authorized lists %s)", cl.o.Ban, r.Ban, strings.Join(listed, ", "))
			}
			for _, rec := range recs[r.Ban] {
				o := rec.Range()
				if st.State != ToUpload || o.Period != r.Period || o.Track != r.Track || o.End < r.Start || o.Start > r.End {
					continue
				}
				if o == r {
					st.State = OnRecord
					break
				}
				st.State = Conflict
				st.Reason = msg.T("overlaps %s %s %s%s-%s on record", o.Ban, o.Type, o.Track, o.Start, o.End)
			}
			fp.Ranges = append(fp.Ranges, st)
		}
		if fp.Blocked() > 0 {
			for i := range fp.Ranges {
				if st := &fp.Ranges[i]; st.State == ToUpload {
					st.State, st.Reason = HeldBack, msg.T("another range of its file is in conflict or not authorized, and a file is uploaded whole or not at all")
				}
			}
		}
		if err := cl.pack(fp, p); err != nil {
			return nil, msg.Errorf("%s: %w", name, err)
		}
		plan.Files = append(plan.Files, fp)
	}
	if plan.Pending() == 0 {
		return plan, nil
	}
	uploads, err := cl.Uploads(ctx, p)
	if err != nil {
		return nil, msg.Errorf("上傳列表: %w", err)
	}
	for _, fp := range plan.Files {
		for _, pc := range fp.Parcels {
			fp.match(pc, uploads)
		}
	}
	return plan, nil
}

// match sets a parcel and its ranges by what 上傳列表 shows of its
// content: an import to follow (processing, or processed), whose ranges
// are imported earlier; or none, and the parcel is to be sent, also when
// earlier imports of it were refused whole. It reports whether there is
// one to follow.
func (fp *FilePlan) match(pc *Parcel, list []UploadInfo) bool {
	var follow *UploadInfo
	pc.ID, pc.refused = "", nil
	for i, u := range list {
		switch {
		case u.FileName != pc.Name:
		case u.Status == Refused:
			pc.refused = append(pc.refused, u)
		case follow == nil:
			follow = &list[i]
			pc.ID = u.ID
		}
	}
	for _, i := range pc.Ranges {
		st := &fp.Ranges[i]
		switch {
		case follow != nil:
			st.State, st.Reason = Imported, msg.T("上傳編號 %s, sent earlier; not on record yet", follow.ID)
		case pc.refused != nil:
			what, why := pc.lastRefused()
			st.State, st.Reason = ToUpload, msg.T("an earlier import of this file, %v, was refused whole: %v; it put nothing on record, so the file is to be sent again", what, why)
		default:
			st.State, st.Reason = ToUpload, msg.Message{}
		}
	}
	return follow != nil
}

// lastRefused names the latest of the earlier imports of a parcel's
// content that the portal refused whole, and gives the portal's reason.
func (pc *Parcel) lastRefused() (what, why msg.Message) {
	u := pc.refused[0]
	for _, v := range pc.refused[1:] {
		if v.Date > u.Date {
			u = v
		}
	}
	what, why = msg.T("上傳編號 %s", u.ID), msg.T("%s", u.Message)
	if u.Date != "" {
		what = msg.T("上傳編號 %s of %s", u.ID, u.Date)
	}
	if u.Message == "" {
		why = msg.T("no reason given (status %s)", u.Code)
	}
	return what, why
}

// pack puts a file's pending ranges into the files 匯入字軌 takes, in the
// layout's import format. Each name holds a hash of its content, so that a
// later run finds in 上傳列表 what an earlier one sent.
func (cl *Client) pack(fp *FilePlan, p ranges.Period) error {
	var idx []int
	var pending []ranges.BlankRange
	for i, r := range fp.Ranges {
		if r.State == ToUpload {
			idx = append(idx, i)
			pending = append(pending, r.Range)
		}
	}
	if len(pending) == 0 {
		return nil
	}
	name := func(ban ranges.Ban, data []byte, ext string) string {
		sum := sha256.Sum256(data)
		return fmt.Sprintf("%s_%s_%s.%s", ban, p.Code(), hex.EncodeToString(sum[:4]), ext)
	}
	if cl.lay.Blank.ImportFormat != layout.FormatE0402 {
		data, err := importfile.AppendBulk(nil, pending)
		if err != nil {
			return err
		}
		fp.Parcels = []*Parcel{{Name: name(pending[0].Ban, data, "csv"), Ranges: idx, data: data}}
		return nil
	}
	for _, m := range importfile.E0402Messages(cl.o.Head, pending) {
		data, err := importfile.MarshalE0402(m.Message)
		if err != nil {
			return err
		}
		in, err := m.Message.Ranges()
		if err != nil {
			return err
		}
		var mine []int
		for _, r := range in {
			for _, i := range idx {
				if fp.Ranges[i].Range == r {
					mine = append(mine, i)
				}
			}
		}
		fp.Parcels = append(fp.Parcels, &Parcel{Name: name(ranges.Ban(m.Message.Main.BranchBan), data, "xml"), Ranges: mine, data: data})
	}
	return nil
}

// Wait bounds the polling after an upload.
type Wait struct {
	First time.Duration // first pause; default 2s
	Max   time.Duration // longest pause; default 30s
	// Limit bounds the whole wait from the first import: watching
	// 上傳列表 for a file whose sending failed without a clear answer, and
	// polling, which ends with a last look. Default 10m, and never past
	// the context's deadline.
	Limit time.Duration
}

// Execute uploads the pending ranges of every file without conflicts, then
// polls 上傳列表 and 查詢 until every uploaded range is on record or
// rejected, or the time limit passes.
//
// An import is never sent twice: one whose content an earlier run sent
// (its name holds a hash of the content) is followed, not sent again,
// unless the portal refused it whole: that put nothing on record, and the
// file is sent again, saying so.
//
// After an ambiguous failure (a 5xx, a reset, a timeout once the file was
// sent) the file is not sent again in this run: 上傳列表 is watched for it
// until the wait runs out, and when it never shows Execute stops with an
// *UnsureError. Only a file that never left (the connection was refused)
// is sent again.
//
// log, if set, is told at once, in the language of Options.Printer, what an
// audit trail keeps: each file sent with its 上傳編號, each import
// followed, each sending that failed without a clear answer, each import
// refused whole and each rejected row. The waiting in between is progress:
// it goes to Options.Log, like the client's other progress.
func (cl *Client) Execute(ctx context.Context, plan *Plan, w Wait, log func(string)) (err error) {
	defer func() { err = cl.clean(err) }()
	if w.First == 0 {
		w.First = 2 * time.Second
	}
	if w.Max == 0 {
		w.Max = 30 * time.Second
	}
	if w.Limit == 0 {
		w.Limit = 10 * time.Minute
	}
	say := func(m msg.Message) {
		if log != nil {
			log(cl.scrub(m.Localize(cl.o.Printer)))
		}
	}
	// The wait starts with the first import: the time spent watching
	// 上傳列表 for a file whose sending failed is part of it.
	deadline := time.Now().Add(w.Limit)
	if d, ok := ctx.Deadline(); ok {
		// Leave time to report before the run's deadline.
		if d = d.Add(-min(time.Until(d)/10, 2*time.Second)); d.Before(deadline) {
			deadline = d
		}
	}
	uploads, err := cl.Uploads(ctx, plan.Period)
	if err != nil {
		return msg.Errorf("上傳列表: %w", err)
	}
	for _, f := range plan.Files {
		if f.Blocked() > 0 {
			continue
		}
		for _, pc := range f.Parcels {
			// 上傳列表 again: it may have changed since the plan was made.
			if f.match(pc, uploads) {
				say(msg.T("%s: already imported as %s (上傳編號 %s): following it, not sending it again", f.Name, pc.Name, pc.ID))
				continue
			}
			if pc.refused != nil {
				what, why := pc.lastRefused()
				say(msg.T("%s: an earlier import of %s, %v, was refused whole: %v; it put nothing on record: sending it again", f.Name, pc.Name, what, why))
			}
			if err := cl.send1(ctx, plan.Period, f, pc, w, deadline, say); err != nil {
				return err
			}
		}
	}

	pause := w.First
	for {
		open, err := cl.poll(ctx, plan, say)
		if err != nil {
			return err
		}
		if open == 0 {
			return nil
		}
		// The pause before the next look ends at the deadline at the
		// latest: the last look is taken when the wait runs out.
		left := time.Until(deadline)
		if left <= 0 {
			for _, f := range plan.Files {
				for _, pc := range f.Parcels {
					for _, i := range pc.Ranges {
						if st := &f.Ranges[i]; pc.ID != "" && st.open() {
							st.State = Unconfirmed
						}
					}
				}
			}
			return nil
		}
		wait := min(pause, left)
		cl.log(msg.T("waiting %s for the portal to process %d range(s)", wait.Round(time.Millisecond), open))
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		pause = min(pause*3/2, w.Max)
	}
}

// findSent finds in 上傳列表 the import of a parcel this run sent: its
// name, and none of the earlier imports of its content.
func findSent(list []UploadInfo, pc *Parcel) (UploadInfo, bool) {
	for _, u := range list {
		if u.FileName == pc.Name && !slices.ContainsFunc(pc.refused, func(r UploadInfo) bool { return r.ID == u.ID }) {
			return u, true
		}
	}
	return UploadInfo{}, false
}

// send1 sends one parcel, once. When the sending fails without a clear
// answer (the portal may have taken it), it is not sent again: 上傳列表 is
// watched for its name until the deadline. Only a request that never left
// is sent again, after the backoff.
func (cl *Client) send1(ctx context.Context, p ranges.Period, f *FilePlan, pc *Parcel, w Wait, deadline time.Time, say func(msg.Message)) error {
	for try := 0; ; try++ {
		id, err := cl.Import(ctx, p, pc.Name, pc.data)
		if err == nil {
			pc.Sent = true
			pc.ID = id
			if id == "" {
				// The answer does not name the import: 上傳列表 does, once
				// it shows it.
				start := time.Now()
				found, err := cl.watch(ctx, p, pc, w, deadline)
				if err != nil {
					return msg.Errorf("%s: sent as %s; 上傳列表: %w", f.Name, pc.Name, err)
				}
				if !found {
					return msg.Errorf("%s: sent as %s, which 上傳列表 did not show in %s of watching", f.Name, pc.Name, roundWait(time.Since(start)))
				}
			}
			say(msg.T("%s: uploaded %d range(s) as %s (上傳編號 %s)", f.Name, len(pc.Ranges), pc.Name, pc.ID))
			return nil
		}
		if ctx.Err() != nil {
			return msg.Errorf("%s: %w", f.Name, err)
		}
		if neverLeft(err) && try < cl.o.Retries {
			if err := sleep(ctx, cl.o.Backoff<<try); err != nil {
				return err
			}
			continue
		}
		if !ambiguous(err) {
			return msg.Errorf("%s: %w", f.Name, err)
		}
		say(msg.T("%s: sending %s failed without a clear answer (%v): watching 上傳列表 for it until the wait runs out, without sending it again", f.Name, pc.Name, err))
		start := time.Now()
		found, lerr := cl.watch(ctx, p, pc, w, deadline)
		if found {
			pc.Sent = true
			say(msg.T("%s: the portal has it (上傳編號 %s): not sending it again", f.Name, pc.ID))
			return nil
		}
		if ctx.Err() != nil {
			return msg.Errorf("%s: %w", f.Name, context.Cause(ctx))
		}
		return &UnsureError{File: f.Name, Name: pc.Name, Watched: time.Since(start), Err: err, List: lerr}
	}
}

// watch reads 上傳列表 until it shows the parcel as sent by this run, or
// the deadline passes (a last look is taken then), pausing as the wait
// says; found sets the parcel's ID.
func (cl *Client) watch(ctx context.Context, p ranges.Period, pc *Parcel, w Wait, deadline time.Time) (found bool, err error) {
	pause := w.First
	for {
		list, err := cl.Uploads(ctx, p)
		if err != nil {
			return false, err
		}
		if u, ok := findSent(list, pc); ok {
			pc.ID = u.ID
			return true, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return false, nil
		}
		wait := min(pause, left)
		cl.log(msg.T("%s is not in 上傳列表 yet: looking again in %s", pc.Name, wait.Round(time.Millisecond)))
		if err := sleep(ctx, wait); err != nil {
			return false, err
		}
		pause = min(pause*3/2, w.Max)
	}
}

// neverLeft reports whether a failed request certainly did not reach the
// portal: the connection to it could not be made.
func neverLeft(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}

// ambiguous reports whether a failed import may still have reached the
// portal: no answer, or a 5xx.
func ambiguous(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status >= 500
	}
	var fe *FormatError
	var le *LoginError
	return !errors.As(err, &fe) && !errors.As(err, &le) && retryable(err)
}

// poll reads 上傳列表 and 查詢 once and updates the plan; it returns how
// many uploaded ranges are still open.
func (cl *Client) poll(ctx context.Context, plan *Plan, say func(msg.Message)) (int, error) {
	uploads, err := cl.Uploads(ctx, plan.Period)
	if err != nil {
		return 0, msg.Errorf("上傳列表: %w", err)
	}
	byID := map[string]UploadInfo{}
	for _, u := range uploads {
		byID[u.ID] = u
	}
	onRecord := map[ranges.BlankRange]bool{}
	banned := map[ranges.Ban]bool{}
	for _, f := range plan.Files {
		for _, r := range f.Ranges {
			if r.State == OnRecord || r.open() {
				banned[r.Range.Ban] = true
			}
		}
	}
	for _, b := range slices.Sorted(maps.Keys(banned)) {
		recs, err := cl.Records(ctx, plan.Period, b)
		if err != nil {
			return 0, msg.Errorf("查詢 %s: %w", b, err)
		}
		for _, r := range recs {
			onRecord[r.Range()] = true
		}
	}
	open := 0
	for _, f := range plan.Files {
		for i := range f.Ranges {
			if st := &f.Ranges[i]; st.State == OnRecord && !onRecord[st.Range] {
				st.State, st.Reason = Vanished, msg.T("was on record before the upload and is no longer: the import may have replaced it")
			}
		}
		for _, pc := range f.Parcels {
			if pc.ID == "" {
				continue
			}
			u, listed := byID[pc.ID]
			var rows []RowResult
			if listed && u.Status == Processed {
				if rows, err = cl.UploadRows(ctx, pc.ID); err != nil {
					return 0, msg.Errorf("上傳列表 %s: %w", pc.ID, err)
				}
			}
			var reasons []string
			refused := false
			for _, i := range pc.Ranges {
				st := &f.Ranges[i]
				if !st.open() {
					continue
				}
				switch row, ok := rowFor(rows, st.Range); {
				case onRecord[st.Range]:
					st.State, st.Reason = Uploaded, msg.Message{}
				case listed && u.Status == Refused:
					st.State, st.Reason = Rejected, msg.T("the portal refused the file: %s", u.Message)
					refused = true
				case ok && !row.OK:
					st.State, st.Reason = Rejected, msg.T("%s", row.Reason)
					reasons = append(reasons, fmt.Sprintf("%s%s-%s: %s", st.Range.Track, st.Range.Start, st.Range.End, row.Reason))
				default:
					open++
				}
			}
			if refused {
				reasons = append(reasons, u.Message)
			}
			if len(reasons) > 0 {
				say(msg.T("%s: %v", f.Name, &ImportError{File: pc.Name, Reasons: reasons}))
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

// open reports whether a range is in an import not processed yet, or one
// still to be sent.
func (r RangeStatus) open() bool { return r.State == ToUpload || r.State == Imported }

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
func (p *Plan) Describe() string { return p.describe(nil) }

func (p *Plan) describe(pr *msg.Printer) string {
	s := p.Summary()
	var parts []string
	for st := ToUpload; st <= Imported; st++ {
		if s[st] > 0 {
			parts = append(parts, st.count(s[st]).Localize(pr))
		}
	}
	return strings.Join(parts, listSep(pr))
}

// listSep separates the items of a list as the printer's language does.
func listSep(pr *msg.Printer) string {
	if pr != nil && pr.Chinese() {
		return "、"
	}
	return ", "
}

// WriteTable prints the plan in a printer's language (nil: English): a
// row per range with its file and state, and a one-line summary.
func (p *Plan) WriteTable(w io.Writer, pr *msg.Printer) error {
	var b strings.Builder
	// One text for the header row, so that its words cannot clash with
	// another table's translation of the same word.
	t := &texttable.Table{Header: strings.Split(pr.Text("FILE\tBAN\tTYPE\tRANGE\tSTATE"), "\t")}
	for _, f := range p.Files {
		for _, r := range f.Ranges {
			state := r.State.Localize(pr)
			if !r.Reason.IsZero() {
				state = r.State.because(r.Reason).Localize(pr)
			}
			t.Add(filepath.Base(f.Name), string(r.Range.Ban), r.Range.Type.String(), fmt.Sprintf("%s%s-%s", r.Range.Track, r.Range.Start, r.Range.End), state)
		}
	}
	_ = t.Write(&b)
	pr.Say(&b, "(%s)\n", p.describe(pr))
	_, err := io.WriteString(w, b.String())
	return err
}

// sessionWide tells a failed login, a challenge, a missing browser or an
// interrupt: failures of the session, not of the request that met them,
// which say all by themselves.
func sessionWide(err error) bool {
	for _, whole := range []error{ErrLogin, ErrCaptcha, ErrChallenged, ErrNoBrowser, ErrNoDisplay, ErrLoginElsewhere, context.Canceled} {
		if errors.Is(err, whole) {
			return true
		}
	}
	return false
}

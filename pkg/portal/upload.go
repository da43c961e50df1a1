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
	ban    ranges.Ban // the 統編 whose journal records it
	hash   string     // SHA-256 of data
	keys   []string   // rangeKey of each range
	rs     []ranges.BlankRange
	// earlier are imports of the same content that are settled without
	// leaving it on record: refused whole, every row rejected, or on
	// record and gone since. They are not followed, and it is sent again.
	earlier []earlier
	renamed bool   // told that 上傳列表 lists it under another name
	code    string // its 上傳列表 status at the last look ("" not listed)
}

// earlier is an import of a parcel's content that is settled without
// leaving its ranges on record.
type earlier struct {
	u    UploadInfo
	gone bool // its rows all said Y, and its ranges are no longer on record
	// norows: processed without a row for any of its ranges, which are
	// not on record (the layout's detail fields may be wrong).
	norows bool
	// rejected: processed with every row rejected (why lists them), not
	// refused whole.
	rejected bool
	why      msg.Message // the portal's reasons for refusing it
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
	// The journals before the login: one that cannot be read stops the
	// run before a captcha is asked for.
	read := map[ranges.Ban]bool{}
	for _, name := range order {
		for _, r := range files[name] {
			if read[r.Ban] {
				continue
			}
			read[r.Ban] = true
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if _, err := cl.journalOf(r.Ban, p).read(); err != nil {
				return nil, err
			}
		}
	}
	// The login first: its failure is its own, not that of the first
	// request that needs it.
	if err := cl.ensureLogin(ctx); err != nil {
		return nil, err
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
	plan := &Plan{Period: p, Login: cl.o.Ban}
	for _, name := range order {
		fp := &FilePlan{Name: name}
		for _, r := range files[name] {
			st := RangeStatus{Range: r, State: ToUpload}
			if !allowed[r.Ban] {
				st.State = Unauthorized
				st.Reason = msg.T("the login %s may not act for %s (btb002i/company/authorized lists %s)", cl.o.Ban, r.Ban, strings.Join(listed, ", "))
			}
			fp.Ranges = append(fp.Ranges, st)
		}
		plan.Files = append(plan.Files, fp)
	}
	if _, err := cl.assess(ctx, plan); err != nil {
		return nil, err
	}
	return plan, nil
}

// assess sets where each range of a plan stands, but for those the login
// may not act for: on record, in conflict, held back, or to upload, packed
// into parcels that are matched with what 上傳列表 shows. It returns
// 上傳列表 as read, or nil when nothing is to upload.
func (cl *Client) assess(ctx context.Context, plan *Plan) ([]UploadInfo, error) {
	p := plan.Period
	// What is on record, for every 統編 of the files this login may act for.
	recs := map[ranges.Ban][]Record{}
	for _, fp := range plan.Files {
		for i := range fp.Ranges {
			st := &fp.Ranges[i]
			if st.State == Unauthorized {
				continue
			}
			st.State, st.Reason = ToUpload, msg.Message{}
			r := st.Range
			if _, done := recs[r.Ban]; !done {
				var err error
				if recs[r.Ban], err = cl.Records(ctx, p, r.Ban); err != nil {
					return nil, msg.Errorf("查詢 %s: %w", r.Ban, err)
				}
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
		}
		if fp.Blocked() > 0 {
			for i := range fp.Ranges {
				if st := &fp.Ranges[i]; st.State == ToUpload {
					st.State, st.Reason = HeldBack, msg.T("another range of its file is in conflict or not authorized, and a file is uploaded whole or not at all")
				}
			}
		}
		fp.Parcels = nil
		if err := cl.pack(fp, p); err != nil {
			return nil, msg.Errorf("%s: %w", fp.Name, err)
		}
	}
	if plan.Pending() == 0 {
		return nil, nil
	}
	uploads, err := cl.Uploads(ctx, p)
	if err != nil {
		return nil, msg.Errorf("上傳列表: %w", err)
	}
	for _, fp := range plan.Files {
		for _, pc := range fp.Parcels {
			if _, err := cl.match(ctx, p, fp, pc, uploads); err != nil {
				return nil, err
			}
		}
	}
	return uploads, nil
}

// match sets a parcel and its ranges by what 上傳列表 shows of its
// content (by its name, or by a 上傳編號 the journal records for it): an
// import to follow (processing, or processed without a row for
// each range yet), whose ranges are imported earlier; or none, and the
// parcel is to be sent, also when earlier imports of it are settled
// without leaving it on record (refused whole, every row rejected, or on
// record and gone since). It reports whether there is one to follow.
func (cl *Client) match(ctx context.Context, p ranges.Period, fp *FilePlan, pc *Parcel, list []UploadInfo) (bool, error) {
	var follow *UploadInfo
	pc.ID, pc.earlier = "", nil
	// The journal knows an import of this content by its 上傳編號 too: a
	// portal that renames files lists it under its own name.
	es, err := cl.journalOf(pc.ban, p).read()
	if err != nil {
		return false, err
	}
	ids := map[string]bool{}
	for _, e := range es {
		if e.ID != "" && e.SHA256 == pc.hash {
			ids[e.ID] = true
		}
	}
	for i, u := range list {
		if u.FileName != pc.Name && !ids[u.ID] {
			continue
		}
		e, settled, err := cl.settled(ctx, fp, pc, u)
		switch {
		case err != nil:
			return false, err
		case settled:
			pc.earlier = append(pc.earlier, e)
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
		case pc.earlier != nil:
			e, what := pc.lastEarlier()
			switch {
			case e.gone && !cl.o.Resend:
				// 查詢 may lag behind 上傳列表: sending again on its word
				// could put the ranges on record twice.
				st.State, st.Reason = Vanished, msg.T("an earlier import of this file, %v, put it on record, and 查詢 no longer shows it: not sent again; if it was deleted on the portal, run again with --resend (which also sends what the journal of imports sent holds back, saying so)", what)
			case e.gone:
				st.State, st.Reason = ToUpload, msg.T("an earlier import of this file, %v, put it on record, and it is no longer there (deleted on the portal?), so the file is to be sent again", what)
			case e.norows && !cl.o.Resend:
				st.State, st.Reason = Unconfirmed, msg.T("an earlier import of this file, %v, was processed without a row for these ranges, and 查詢 does not show them: not sent again (the layout's detail fields may be wrong); look in 上傳列表 on the portal, and only if they are not on record, run again with --resend (which also sends what the journal of imports sent holds back, saying so)", what)
			case e.norows:
				st.State, st.Reason = ToUpload, msg.T("an earlier import of this file, %v, was processed without a row for these ranges, and 查詢 does not show them: with --resend the file is to be sent again", what)
			case e.rejected:
				st.State, st.Reason = ToUpload, msg.T("an earlier import of this file, %v, was processed with every row rejected: %v; it put nothing on record, so the file is to be sent again", what, e.why)
			default:
				st.State, st.Reason = ToUpload, msg.T("an earlier import of this file, %v, was refused whole: %v; it put nothing on record, so the file is to be sent again", what, e.why)
			}
		default:
			st.State, st.Reason = ToUpload, msg.Message{}
		}
	}
	return follow != nil, nil
}

// settled tells whether an import of a parcel's content, which its ranges
// are not on record after, is done with: refused whole, or processed with
// a row for each range (each rejected, or put on record and gone since,
// deleted on the portal), or processed with every row rejected by its
// counts, or processed without a row for any of its ranges (the layout's
// detail fields may be wrong). One still processing, or with rows for
// some of its ranges only, is followed.
func (cl *Client) settled(ctx context.Context, fp *FilePlan, pc *Parcel, u UploadInfo) (earlier, bool, error) {
	switch u.Status {
	case Refused:
		why := msg.T("%s", u.Message)
		if u.Message == "" {
			why = msg.T("no reason given (status %s)", u.Code)
		}
		return earlier{u: u, why: why}, true, nil
	case Processing:
		return earlier{}, false, nil
	}
	rows, err := cl.UploadRows(ctx, u.ID)
	if err != nil {
		return earlier{}, false, msg.Errorf("上傳列表 %s: %w", u.ID, err)
	}
	if len(rows) == 0 && u.OK == 0 && u.Failed > 0 {
		why := msg.T("%s", u.Message)
		if u.Message == "" {
			why = msg.T("%d row(s), by 上傳列表's counts", u.Failed)
		}
		return earlier{u: u, why: why, rejected: true}, true, nil
	}
	if !slices.ContainsFunc(pc.Ranges, func(i int) bool { _, ok := rowFor(rows, fp.Ranges[i].Range); return ok }) {
		// The plan's 查詢 may predate the processing: 查詢 again.
		if on, err := cl.anyOnRecord(ctx, fp, pc); on || err != nil {
			return earlier{}, false, err
		}
		return earlier{u: u, norows: true}, true, nil
	}
	var reasons []string
	for _, i := range pc.Ranges {
		r := fp.Ranges[i].Range
		row, ok := rowFor(rows, r)
		switch {
		case !ok:
			return earlier{}, false, nil
		case !row.OK:
			reasons = append(reasons, fmt.Sprintf("%s%s-%s: %s", r.Track, r.Start, r.End, row.Reason))
		}
	}
	if len(reasons) == 0 {
		if on, err := cl.anyOnRecord(ctx, fp, pc); on || err != nil {
			return earlier{}, false, err
		}
		return earlier{u: u, gone: true}, true, nil
	}
	return earlier{u: u, why: msg.T("%s", strings.Join(reasons, "; ")), rejected: true}, true, nil
}

// anyOnRecord reports whether 查詢 shows a range of a parcel now.
func (cl *Client) anyOnRecord(ctx context.Context, fp *FilePlan, pc *Parcel) (bool, error) {
	if len(pc.Ranges) == 0 {
		return false, nil
	}
	first := fp.Ranges[pc.Ranges[0]].Range
	recs, err := cl.Records(ctx, first.Period, pc.ban)
	if err != nil {
		return false, msg.Errorf("查詢 %s: %w", pc.ban, err)
	}
	for _, rec := range recs {
		for _, i := range pc.Ranges {
			if rec.Range() == fp.Ranges[i].Range {
				return true, nil
			}
		}
	}
	return false, nil
}

// lastEarlier is the latest of the settled earlier imports of a parcel's
// content, and its 上傳編號 and date.
func (pc *Parcel) lastEarlier() (earlier, msg.Message) {
	e := pc.earlier[0]
	for _, v := range pc.earlier[1:] {
		if v.u.Date > e.u.Date {
			e = v
		}
	}
	what := msg.T("上傳編號 %s", e.u.ID)
	if e.u.Date != "" {
		what = msg.T("上傳編號 %s of %s", e.u.ID, e.u.Date)
	}
	return e, what
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
		fp.Parcels = []*Parcel{fp.parcel(name(pending[0].Ban, data, "csv"), pending[0].Ban, idx, data)}
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
		ban := ranges.Ban(m.Message.Main.BranchBan)
		fp.Parcels = append(fp.Parcels, fp.parcel(name(ban, data, "xml"), ban, mine, data))
	}
	return nil
}

func (fp *FilePlan) parcel(name string, ban ranges.Ban, idx []int, data []byte) *Parcel {
	pc := &Parcel{Name: name, Ranges: idx, data: data, ban: ban, hash: contentHash(data)}
	for _, i := range idx {
		pc.keys = append(pc.keys, rangeKey(fp.Ranges[i].Range))
		pc.rs = append(pc.rs, fp.Ranges[i].Range)
	}
	return pc
}

// Wait bounds the polling after an upload.
type Wait struct {
	First time.Duration // first pause; default 2s
	Max   time.Duration // longest pause; default 30s
	// Limit bounds the whole wait from the first import sent (or, when
	// none is sent, from the end of the wait for earlier imports):
	// watching 上傳列表 for a file whose sending failed without a clear
	// answer, and polling, which ends with a last look. Default 10m, and
	// never past the context's deadline. The wait for earlier imports
	// before sending is bounded by the context's deadline (by Limit when
	// the context has none), and says until when.
	Limit time.Duration
}

// Execute uploads the pending ranges of every file without conflicts, then
// polls 上傳列表 and 查詢 until every uploaded range is on record or
// rejected, or the time limit passes.
//
// An import is never sent twice: one whose content an earlier run sent
// (its name holds a hash of the content) is followed, not sent again,
// unless it is settled without leaving it on record (refused whole, every
// row rejected, or on record and deleted since): then the file is sent
// again, saying so. Before anything is sent, an import of the period
// 上傳列表 shows as not processed yet (any name), and an import the
// journal (Options.Journal) records for the content or a range to send
// that 上傳列表 does not show, are waited for until the context's deadline
// (Wait.Limit without one); then the plan is made again, or Execute stops
// with an *OpenImportError, having sent nothing. Wait.Limit is counted
// from then on.
//
// After an ambiguous failure (a 5xx, a reset, a timeout once the file was
// sent, a success answer that cannot be read) the file is not sent again
// in this run: 上傳列表 is watched for it until the wait runs out, and when
// it never shows Execute stops with an *UnsureError. After a 401 it is
// looked for in 上傳列表 once logged in again, and sent again only when
// 上傳列表 shows nothing new: an import that was not there when sending
// began, or one not processed yet, may be it under the portal's own name,
// and makes the 401 an unclear answer. Only a file that never left (the connection was refused) is
// sent again without looking.
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
	// by is when a wait of Limit from now ends, or the run's deadline if
	// sooner, leaving time to report before it.
	reportBy := func(d time.Time) time.Time { return d.Add(-min(time.Until(d)/10, 2*time.Second)) }
	by := func(limit time.Duration) time.Time {
		t := time.Now().Add(limit)
		if d, ok := ctx.Deadline(); ok && reportBy(d).Before(t) {
			t = reportBy(d)
		}
		return t
	}
	uploads, err := cl.Uploads(ctx, plan.Period)
	if err != nil {
		return msg.Errorf("上傳列表: %w", err)
	}
	// 上傳列表 again: it may have changed since the plan was made.
	for _, f := range plan.Files {
		if f.Blocked() > 0 {
			continue
		}
		for _, pc := range f.Parcels {
			if _, err := cl.match(ctx, plan.Period, f, pc, uploads); err != nil {
				return err
			}
		}
	}
	cl.standing(plan, nil)
	// Earlier imports are waited for until the run's deadline.
	settleBy := by(w.Limit)
	if d, ok := ctx.Deadline(); ok {
		settleBy = reportBy(d)
	}
	// before is what 上傳列表 showed when sending began: after a 401, an
	// import it did not show may be the file under the portal's name.
	uploads, err = cl.settle(ctx, plan, uploads, w, settleBy, say)
	if err != nil {
		return err
	}
	before := map[string]bool{}
	for _, u := range uploads {
		before[u.ID] = true
	}
	// The wait starts with the first import: the time spent watching
	// 上傳列表 for a file whose sending failed is part of it.
	deadline := by(w.Limit)
	for _, f := range plan.Files {
		if f.Blocked() > 0 {
			continue
		}
		for _, pc := range f.Parcels {
			if pc.ID != "" {
				say(msg.T("%s: already imported as %s (上傳編號 %s): following it, not sending it again", f.Name, pc.Name, pc.ID))
				continue
			}
			if pc.earlier != nil {
				e, what := pc.lastEarlier()
				switch {
				case e.gone && !cl.o.Resend:
					say(msg.T("%s: the ranges of %s were on record after %v and 查詢 no longer shows them: not sending it again without --resend (which also sends what the journal of imports sent holds back, saying so)", f.Name, pc.Name, what))
					continue
				case e.gone:
					say(msg.T("%s: the ranges of %s were on record after %v and are gone (deleted on the portal?): sending it again", f.Name, pc.Name, what))
				case e.norows && !cl.o.Resend:
					say(msg.T("%s: %v was processed without a row for the ranges of %s, and 查詢 does not show them: not sending it again without --resend", f.Name, what, pc.Name))
					continue
				case e.norows:
					say(msg.T("%s: %v was processed without a row for the ranges of %s, and 查詢 does not show them: sending it again (--resend)", f.Name, what, pc.Name))
				case e.rejected:
					say(msg.T("%s: an earlier import of %s, %v, was processed with every row rejected: %v; it put nothing on record: sending it again", f.Name, pc.Name, what, e.why))
				default:
					say(msg.T("%s: an earlier import of %s, %v, was refused whole: %v; it put nothing on record: sending it again", f.Name, pc.Name, what, e.why))
				}
			}
			cl.standing(plan, pc)
			if err := cl.send1(ctx, plan.Period, f, pc, sent{before: before, ours: plan.ids()}, w, deadline, say); err != nil {
				// It may have reached the portal: the note stands.
				return err
			}
			cl.standing(plan, nil)
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
							if pc.code == "" {
								st.Reason = msg.T("上傳編號 %s, not in 上傳列表 when the wait ran out: run the same upload again later to follow it", pc.ID)
							} else {
								st.Reason = msg.T("上傳編號 %s, 上傳列表 status %s when the wait ran out: run the same upload again later to follow it", pc.ID, pc.code)
							}
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

// settle holds back the sending until no earlier import could hold the
// same ranges: while 上傳列表 shows an import of the period that is not
// processed yet (whatever its name: partly processed, renamed by the
// portal, sent by hand), and while the journal records an import of the
// content or of a range to send that 上傳列表 does not show, it waits,
// until the deadline; then it plans again. At the deadline it stops with
// an *OpenImportError, having sent nothing.
func (cl *Client) settle(ctx context.Context, plan *Plan, list []UploadInfo, w Wait, deadline time.Time, say func(msg.Message)) ([]UploadInfo, error) {
	start := time.Now()
	pause := w.First
	waited := false
	for {
		busy, unseen, err := cl.holds(plan, list)
		if err != nil {
			return nil, err
		}
		var overridden []JournalEntry
		var passed []UploadInfo
		if cl.o.Resend {
			overridden, unseen = unseen, nil
			passed, busy = busy, nil
		}
		if len(busy) == 0 && len(unseen) == 0 {
			if !waited {
				// Resend sends what the journal holds back, and despite
				// imports not processed yet that the run does not
				// follow: each is said before anything is sent.
				for _, e := range overridden {
					say(e.overridden())
				}
				for _, u := range passed {
					say(msg.T("--resend: sending despite an import not processed yet: %v", u.notProcessed()))
				}
				return list, nil
			}
			// What the earlier imports left on record decides anew.
			waited = false
			if list, err = cl.assess(ctx, plan); err != nil {
				return nil, err
			}
			say(msg.T("planned again after the wait: %s", plan.describe(cl.o.Printer)))
			continue
		}
		if !waited {
			say((&OpenImportError{Busy: busy, Unseen: unseen}).waiting(deadline))
		}
		waited = true
		left := time.Until(deadline)
		if left <= 0 {
			return nil, &OpenImportError{Busy: busy, Unseen: unseen, Watched: time.Since(start)}
		}
		wait := min(pause, left)
		cl.log(msg.T("waiting %s for earlier imports to settle before sending", wait.Round(time.Millisecond)))
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
		pause = min(pause*3/2, w.Max)
		if list, err = cl.Uploads(ctx, plan.Period); err != nil {
			return nil, msg.Errorf("上傳列表: %w", err)
		}
	}
}

// holds lists what keeps the plan's parcels to send from being sent now:
// imports 上傳列表 shows as processing that no parcel follows, and entries
// of the journal for their content or ranges whose import 上傳列表 does
// not show (which Options.Resend overrides). With nothing to send,
// nothing holds.
func (cl *Client) holds(plan *Plan, list []UploadInfo) (busy []UploadInfo, unseen []JournalEntry, err error) {
	followed := map[string]bool{}
	var toSend []*Parcel
	for _, f := range plan.Files {
		if f.Blocked() > 0 {
			continue
		}
		for _, pc := range f.Parcels {
			if pc.ID != "" {
				followed[pc.ID] = true
			} else {
				toSend = append(toSend, pc)
			}
		}
	}
	if len(toSend) == 0 {
		return nil, nil, nil
	}
	for _, u := range list {
		if u.Status == Processing && !followed[u.ID] {
			busy = append(busy, u)
		}
	}
	for _, pc := range toSend {
		es, err := cl.journalOf(pc.ban, plan.Period).read()
		if err != nil {
			return nil, nil, err
		}
		for _, e := range es {
			if _, ok := e.seen(list); !ok && e.covers(pc.hash, pc.rs) && !slices.ContainsFunc(unseen, func(x JournalEntry) bool { return x.SHA256 == e.SHA256 && x.Sent.Equal(e.Sent) }) {
				unseen = append(unseen, e)
			}
		}
	}
	return busy, unseen, nil
}

// standing tells Options.Standing what stopping now leaves on the portal:
// the imports this run sent, which the portal has and a rerun follows; the
// one being sent (sending, or nil), which may have reached it; or nothing
// sent by this run, and the earlier imports it follows.
func (cl *Client) standing(plan *Plan, sending *Parcel) {
	if cl.o.Standing == nil {
		return
	}
	var sent, followed []string
	for _, f := range plan.Files {
		for _, pc := range f.Parcels {
			switch {
			case pc.Sent && pc.ID != "":
				sent = append(sent, pc.ID)
			case !pc.Sent && pc.ID != "":
				followed = append(followed, pc.ID)
			}
		}
	}
	var parts msg.Semicolons
	if len(sent) > 0 {
		parts = append(parts, msg.T("上傳編號 %s, sent by this run, is on the portal being processed: run the same upload again to follow it", strings.Join(sent, ", ")))
	}
	switch {
	case sending != nil && cl.o.Journal != "":
		parts = append(parts, msg.T("%s was being sent and may have reached the portal: run the same upload again; its journal keeps it from sending the file again while 上傳列表 does not show it", sending.Name))
	case sending != nil:
		parts = append(parts, msg.T("%s was being sent and may have reached the portal: look for it in 上傳列表 before sending it again", sending.Name))
	case len(sent) == 0 && len(followed) > 0:
		parts = append(parts, msg.T("nothing sent by this run; 上傳編號 %s, sent earlier, is on the portal: run the same upload again to follow it", strings.Join(followed, ", ")))
	case len(sent) == 0:
		parts = append(parts, msg.T("nothing sent to the portal"))
	}
	cl.o.Standing(msg.T("%v", parts))
}

// findSent finds in 上傳列表 the import of a parcel this run sent: its
// name, and none of the earlier imports of its content.
func findSent(list []UploadInfo, pc *Parcel) (UploadInfo, bool) {
	for _, u := range list {
		if u.FileName == pc.Name && !slices.ContainsFunc(pc.earlier, func(e earlier) bool { return e.u.ID == u.ID }) {
			return u, true
		}
	}
	return UploadInfo{}, false
}

// sent is what 上傳列表 tells of the imports as a parcel is sent.
type sent struct {
	before map[string]bool // the 上傳編號 it showed when sending began
	ours   map[string]bool // the 上傳編號 of the plan's parcels
}

// ids are the 上傳編號 of the plan's parcels: sent or followed.
func (p *Plan) ids() map[string]bool {
	ids := map[string]bool{}
	for _, f := range p.Files {
		for _, pc := range f.Parcels {
			if pc.ID != "" {
				ids[pc.ID] = true
			}
		}
	}
	return ids
}

// maybe lists the imports in 上傳列表 that may be a parcel's under
// another name: one that was not there when sending began, or one not
// processed yet, of no other parcel of the plan.
func (s sent) maybe(list []UploadInfo) []string {
	var ids []string
	for _, u := range list {
		if !s.ours[u.ID] && (!s.before[u.ID] || u.Status == Processing) {
			ids = append(ids, u.ID)
		}
	}
	return ids
}

// send1 sends one parcel, once, recording it in the journal first. When
// the sending fails without a clear answer (the portal may have taken
// it), it is not sent again: 上傳列表 is watched for its name until the
// deadline. Only a request that never left is sent again, after the
// backoff.
func (cl *Client) send1(ctx context.Context, p ranges.Period, f *FilePlan, pc *Parcel, known sent, w Wait, deadline time.Time, say func(msg.Message)) error {
	j := cl.journalOf(pc.ban, p)
	entry := JournalEntry{SHA256: pc.hash, Name: pc.Name, Sent: time.Now().UTC().Round(0), Unsure: true, Ranges: pc.keys}
	for _, e := range pc.earlier {
		entry.Earlier = append(entry.Earlier, e.u.ID)
	}
	if err := j.put(entry); err != nil {
		return msg.Errorf("%s: %w; nothing sent", f.Name, err)
	}
	note := func() {
		entry.ID = pc.ID
		if err := j.put(entry); err != nil {
			say(msg.T("%s: %v (上傳編號 %s not recorded: a rerun waits for the import until 上傳列表 shows it by its name)", f.Name, err, pc.ID))
		}
	}
	relogged := false
	for try := 0; ; try++ {
		id, err := cl.Import(ctx, p, pc.Name, pc.data)
		if err == nil {
			pc.Sent = true
			pc.ID = cl.printable(id)
			entry.Unsure = false
			if pc.ID == "" {
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
			note()
			say(msg.T("%s: uploaded %d range(s) as %s (上傳編號 %s)", f.Name, len(pc.Ranges), pc.Name, pc.ID))
			return nil
		}
		if ctx.Err() != nil {
			return msg.Errorf("%s: %w", f.Name, err)
		}
		if se := (*StatusError)(nil); errors.As(err, &se) && se.Expired && !relogged {
			// The portal may have taken it before it found the session
			// expired: after the new login, 上傳列表 tells.
			relogged = true
			say(msg.T("%s: the session expired while sending %s: logging in again, and looking for it in 上傳列表 before sending it again", f.Name, pc.Name))
			list, lerr := cl.Uploads(ctx, p)
			if lerr != nil {
				if ctx.Err() != nil {
					return msg.Errorf("%s: %w", f.Name, context.Cause(ctx))
				}
				return &UnsureError{File: f.Name, Name: pc.Name, Err: err, List: lerr, Journal: j != nil}
			}
			if u, ok := findSent(list, pc); ok {
				pc.Sent, pc.ID = true, u.ID
				note()
				say(msg.T("%s: the portal has it (上傳編號 %s): not sending it again", f.Name, pc.ID))
				return nil
			}
			// A portal that lists imports under its own name: an import
			// new since the sending began, or not processed yet, may be
			// this one. Only a 上傳列表 with nothing new lets it go again.
			ids := known.maybe(list)
			if len(ids) == 0 {
				continue
			}
			say(msg.T("%s: 上傳列表 shows 上傳編號 %s, which was not there before it was sent or is not processed yet: it may be %s under the portal's own name", f.Name, strings.Join(ids, ", "), pc.Name))
		} else {
			if neverLeft(err) && try < cl.o.Retries {
				if err := sleep(ctx, cl.o.Backoff<<try); err != nil {
					return err
				}
				continue
			}
			if !ambiguous(err) {
				// A clear refusal: nothing reached the portal.
				if jerr := j.drop(entry); jerr != nil {
					say(msg.T("%s: %v", f.Name, jerr))
				}
				return msg.Errorf("%s: %w", f.Name, err)
			}
		}
		say(msg.T("%s: sending %s failed without a clear answer (%v): watching 上傳列表 for it until the wait runs out, without sending it again", f.Name, pc.Name, err))
		start := time.Now()
		found, lerr := cl.watch(ctx, p, pc, w, deadline)
		if found {
			pc.Sent = true
			note()
			say(msg.T("%s: the portal has it (上傳編號 %s): not sending it again", f.Name, pc.ID))
			return nil
		}
		if ctx.Err() != nil {
			return msg.Errorf("%s: %w", f.Name, context.Cause(ctx))
		}
		return &UnsureError{File: f.Name, Name: pc.Name, Watched: time.Since(start), Err: err, List: lerr, Journal: j != nil}
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
	var ua *unreadableAnswer
	if errors.As(err, &ua) {
		return true
	}
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
			pc.code = u.Code
			if listed && pc.Sent && !pc.renamed && u.FileName != pc.Name {
				pc.renamed = true
				if cl.o.Journal != "" {
					say(msg.T("%s: WARNING: 上傳列表 lists 上傳編號 %s as %q, not as %s, the name it was sent as: a rerun cannot recognise this import by its name (the layout's file_name field may be wrong, or the portal renames files); the journal of imports sent on this machine keeps a rerun here from sending it again", f.Name, pc.ID, u.FileName, pc.Name))
				} else {
					say(msg.T("%s: WARNING: 上傳列表 lists 上傳編號 %s as %q, not as %s, the name it was sent as: a rerun cannot recognise this import by its name (the layout's file_name field may be wrong, or the portal renames files), and no journal records it: look in 上傳列表 before sending these ranges again", f.Name, pc.ID, u.FileName, pc.Name))
				}
			}
			var rows []RowResult
			if listed && u.Status == Processed {
				if rows, err = cl.UploadRows(ctx, pc.ID); err != nil {
					return 0, msg.Errorf("上傳列表 %s: %w", pc.ID, err)
				}
			}
			// Processed without a row for any of its ranges, none on
			// record: settled, though not as it should be.
			norows := listed && u.Status == Processed && !slices.ContainsFunc(pc.Ranges, func(i int) bool {
				_, ok := rowFor(rows, f.Ranges[i].Range)
				return ok || onRecord[f.Ranges[i].Range]
			})
			var reasons []string
			refused := false
			for _, i := range pc.Ranges {
				st := &f.Ranges[i]
				if !st.open() {
					continue
				}
				switch row, ok := rowFor(rows, st.Range); {
				case norows:
					st.State, st.Reason = Unconfirmed, msg.T("上傳編號 %s was processed without a row for these ranges, and 查詢 does not show them (the layout's detail fields may be wrong): look in 上傳列表 on the portal, and only if they are not on record, run again with --resend (which also sends what the journal of imports sent holds back, saying so)", pc.ID)
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

package portalsim

import (
	"bytes"
	"slices"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/portal/internal/layout"
)

// process puts on record the ranges saved with 新增 and handles the
// imports whose time has come, row by row, in the order they arrived.
func (s *Simulator) process() {
	now := s.opts.Now()
	s.state.Entries = slices.DeleteFunc(s.state.Entries, func(e entry) bool {
		if now.Before(e.ReadyAt) {
			return false
		}
		s.state.Records = append(s.state.Records, e.record)
		return true
	})
	for i := range s.state.Uploads {
		u := &s.state.Uploads[i]
		if u.Status != statusProcessing || now.Before(u.ReadyAt) {
			continue
		}
		s.processUpload(u)
	}
}

type line struct {
	seq int
	rec portal.Record
	err error
}

func (s *Simulator) processUpload(u *upload) {
	U := s.lay.Blank.Upload
	var lines []line
	if s.opts.ImportFormat == layout.FormatE0402 {
		m, fs := importfile.ReadE0402(bytes.NewReader(u.Data), u.FileName)
		if len(fs) > 0 {
			u.Status, u.Message = U.StatusFailed[0], ReasonFormat+"：請上傳 E0402 BranchTrackBlank XML"
			return
		}
		rs, err := m.Ranges()
		if err != nil {
			u.Status, u.Message = U.StatusFailed[0], ReasonFormat+"："+err.Error()
			return
		}
		for i, r := range rs {
			lines = append(lines, line{seq: i + 1, rec: portal.Record{Ban: r.Ban, Type: r.Type, Period: r.Period, Track: r.Track, Start: r.Start, End: r.End}})
		}
	} else {
		text := strings.ReplaceAll(string(u.Data), "\r\n", "\n")
		good := 0
		for i, l := range strings.Split(text, "\n") {
			if strings.TrimSpace(l) == "" {
				continue
			}
			row, err := importfile.ParseBulkLine(l)
			if err == nil {
				good++
			}
			lines = append(lines, line{seq: i + 1, rec: portal.Record{Ban: row.Ban, Type: row.Type, Period: row.Period, Track: row.Track, Start: row.Start, End: row.End}, err: err})
		}
		if good == 0 {
			u.Status, u.Message = U.StatusFailed[0], ReasonFormat+"：請上傳無標題列之 7 欄 CSV"
			return
		}
	}
	u.Status = U.StatusDone[0]
	for _, l := range lines {
		res := portal.RowResult{Seq: l.seq}
		if l.err == nil {
			res.Ban, res.Track, res.Start, res.End, res.Type = string(l.rec.Ban), string(l.rec.Track), l.rec.Start.String(), l.rec.End.String(), l.rec.Type.String()
		}
		switch {
		case l.err != nil:
			res.Reason = ReasonMalformed + ": " + l.err.Error()
		case !s.mayActFor(u.Ban, l.rec.Ban):
			res.Reason = ReasonUnknown
		case l.rec.Period != u.Period:
			res.Reason = ReasonPeriod
		default:
			res.Reason = s.conflict(l.rec)
		}
		if res.Reason == "" {
			res.OK = true
			s.state.NextID++
			s.state.Records = append(s.state.Records, record{ID: s.state.NextID, Record: l.rec})
		}
		u.Rows = append(u.Rows, res)
	}
}

// conflict says why rec cannot go on record, or "". Ranges saved with 新增
// and not yet shown count: the portal checks against what it has saved.
func (s *Simulator) conflict(rec portal.Record) string {
	saved := slices.Clone(s.state.Records)
	for _, e := range s.state.Entries {
		saved = append(saved, e.record)
	}
	for _, o := range saved {
		if o.Period != rec.Period || o.Track != rec.Track || o.End < rec.Start || o.Start > rec.End {
			continue
		}
		if o.Record.Range() == rec.Range() {
			return ReasonDuplicate
		}
		return ReasonOverlap
	}
	return ""
}

package portal

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// The journal is the machine's own record of the imports it sent, one
// file per 統編 and period, next to the upload's lock (the lock keeps two
// runs from writing it at once). 上傳列表 alone cannot tell a rerun what
// an earlier run sent: the portal may list an import late, or under
// another name than the one sent, and a file sent with other pending
// ranges has another name. A rerun that finds an entry for content or
// ranges it would send, whose import 上傳列表 does not show, does not send
// them (Options.Resend overrides that, after a person has checked the
// portal). It holds no secret: hashes, names, times and 上傳編號.

// journalKeep bounds the journal: the newest entries are kept.
const journalKeep = 200

// journalGrace is how long after the period's end an entry is kept: the
// blank numbers are due in the first weeks after it.
const journalGrace = 60 * 24 * time.Hour

// JournalEntry is one import sent.
type JournalEntry struct {
	SHA256 string    `json:"sha256"` // of the content sent
	Name   string    `json:"name"`   // the file name sent
	Sent   time.Time `json:"sent"`   // when the sending began
	ID     string    `json:"id,omitempty"`
	// Unsure: no clear answer (yet): a 5xx, a reset, a timeout, an
	// answer that could not be read, or a run that ended while sending.
	Unsure bool     `json:"unsure,omitempty"`
	Ranges []string `json:"ranges"` // rangeKey of each range sent
	// Earlier are the 上傳編號 of the imports of the same name that
	// 上傳列表 showed settled when it was sent: none of them is its import.
	Earlier []string `json:"earlier,omitempty"`
}

// journalSkew is how much earlier than an entry's sending 上傳列表 may
// date its import: the portal's clock and this machine's may differ, and
// 上傳列表 gives minutes.
const journalSkew = 15 * time.Minute

type journalFile struct {
	Ban     ranges.Ban     `json:"ban"`
	Period  string         `json:"period"`
	Entries []JournalEntry `json:"entries"`
}

// journal is the journal of one 統編 and period.
type journal struct {
	path   string
	ban    ranges.Ban
	period ranges.Period
}

func (cl *Client) journalOf(ban ranges.Ban, p ranges.Period) *journal {
	if cl.o.Journal == "" {
		return nil
	}
	return &journal{path: filepath.Join(cl.o.Journal, fmt.Sprintf("upload-%s-%s.journal.json", ban, p.Code())), ban: ban, period: p}
}

// rangeKey names a range in the journal.
func rangeKey(r ranges.BlankRange) string {
	return fmt.Sprintf("%s %s %s %s%s-%s", r.Ban, r.Type, r.Period.Code(), r.Track, r.Start, r.End)
}

func contentHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// journalMax bounds the journal's size, read and written alike. An entry
// of the largest bulk file (99,999 ranges) takes about 5 MB, so a dozen of
// them fit; a put over it drops the oldest settled entries first (see
// change). A variable for the tests only.
var journalMax = 64 << 20

// read returns the journal's entries; a missing journal has none. Only a
// regular file is read (a FIFO or a device, even behind a symlink, is
// never opened), at most journalMax bytes, and only a journal of this
// version for its 統編 and period: one with fields it does not know is
// not read as empty, which the next entry would overwrite.
func (j *journal) read() ([]JournalEntry, error) {
	if j == nil {
		return nil, nil
	}
	fi, err := os.Stat(j.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, msg.Errorf("the journal of imports sent: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, j.unreadable(notRegular(fi.Mode()))
	}
	if fi.Size() > int64(journalMax) {
		return nil, j.unreadable(msg.T("%d bytes, more than the %d a journal holds", fi.Size(), journalMax))
	}
	f, err := os.Open(j.path)
	if err != nil {
		return nil, msg.Errorf("the journal of imports sent: %w", err)
	}
	defer f.Close()
	// It may have changed since: the open file is what counts.
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, j.unreadable(msg.T("not a regular file"))
	}
	b, err := io.ReadAll(io.LimitReader(f, int64(journalMax)+1))
	if err != nil {
		return nil, msg.Errorf("the journal of imports sent: %w", err)
	}
	if len(b) > journalMax {
		return nil, j.unreadable(msg.T("more than the %d bytes a journal holds", journalMax))
	}
	var jf journalFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&jf); err != nil {
		return nil, j.unreadable(msg.T("not a journal this version knows: %v", err.Error()))
	}
	if dec.More() {
		return nil, j.unreadable(msg.T("not a journal this version knows: more after its JSON object"))
	}
	if jf.Ban != j.ban || jf.Period != j.period.Code() {
		return nil, j.unreadable(msg.T("it is the journal of %q and period %q, not of %s and %s", string(jf.Ban), jf.Period, j.ban, j.period.Code()))
	}
	if len(jf.Entries) > journalKeep {
		return nil, j.unreadable(msg.T("%d entries, more than the %d a journal keeps", len(jf.Entries), journalKeep))
	}
	return jf.Entries, nil
}

// notRegular says what a file that is not a regular file is.
func notRegular(m fs.FileMode) msg.Message {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return msg.T("not a regular file: a named pipe (FIFO)")
	case m&fs.ModeDevice != 0:
		return msg.T("not a regular file: a device")
	case m.IsDir():
		return msg.T("not a regular file: a folder")
	}
	return msg.T("not a regular file")
}

// unreadable is a journal this version cannot trust: the run stops rather
// than forget what it may record.
func (j *journal) unreadable(why msg.Message) error {
	return msg.Errorf("the journal of imports sent, %s, cannot be read: %v; move it away only after checking 上傳列表 on the portal by hand", j.path, why)
}

// put records an entry, replacing the one of the same content sent at the
// same time, and writes the journal atomically (a temporary file renamed).
// Entries of a period long past, and the oldest beyond journalKeep, go.
func (j *journal) put(e JournalEntry) error {
	return j.change(func(es []JournalEntry) []JournalEntry {
		es = slices.DeleteFunc(es, func(x JournalEntry) bool { return x.SHA256 == e.SHA256 && x.Sent.Equal(e.Sent) })
		return append(es, e)
	})
}

// drop removes an entry: its sending was refused with a clear answer, so
// nothing reached the portal.
func (j *journal) drop(e JournalEntry) error {
	return j.change(func(es []JournalEntry) []JournalEntry {
		return slices.DeleteFunc(es, func(x JournalEntry) bool { return x.SHA256 == e.SHA256 && x.Sent.Equal(e.Sent) })
	})
}

func (j *journal) change(f func([]JournalEntry) []JournalEntry) error {
	if j == nil {
		return nil
	}
	es, err := j.read()
	if err != nil {
		return err
	}
	es = f(es)
	now := time.Now()
	if now.After(j.period.End(taiwan).Add(journalGrace)) {
		es = slices.DeleteFunc(es, func(x JournalEntry) bool { return now.Sub(x.Sent) > journalGrace })
	}
	slices.SortStableFunc(es, func(a, b JournalEntry) int { return a.Sent.Compare(b.Sent) })
	if len(es) > journalKeep {
		es = es[len(es)-journalKeep:]
	}
	b, err := j.fit(es)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(j.path), 0o700); err != nil {
		return msg.Errorf("the journal of imports sent: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(j.path), ".journal-*")
	if err != nil {
		return msg.Errorf("the journal of imports sent: %w", err)
	}
	_, err = tmp.Write(append(b, '\n'))
	err = cmp.Or(err, tmp.Sync(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), j.path)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return msg.Errorf("the journal of imports sent: %w", err)
	}
	return nil
}

// fit encodes the entries, oldest first, in at most journalMax bytes (the
// most read trusts): over it, the oldest settled entries go first, whose
// imports 上傳列表 showed with their 上傳編號. Entries without a clear
// answer are what keeps a rerun from sending a file twice: when they alone
// are over it, nothing is written, and the caller sends nothing.
func (j *journal) fit(es []JournalEntry) ([]byte, error) {
	for {
		b, err := json.MarshalIndent(journalFile{Ban: j.ban, Period: j.period.Code(), Entries: es}, "", "  ")
		if err != nil {
			return nil, err
		}
		b = append(b, '\n')
		over := len(b) - journalMax
		if over <= 0 {
			return b, nil
		}
		// Drop as many of the oldest settled entries as the excess
		// takes, sized one by one, then encode again.
		drop, freed := map[int]bool{}, 0
		for i := 0; i < len(es) && freed < over; i++ {
			if es[i].Unsure {
				continue
			}
			eb, err := json.MarshalIndent(es[i], "    ", "  ")
			if err != nil {
				return nil, err
			}
			freed += len(eb)
			drop[i] = true
		}
		if len(drop) == 0 {
			return nil, msg.Errorf("the journal of imports sent, %s, would hold %d bytes, more than the %d a journal holds, in entries without a clear answer alone: check 上傳列表 on the portal by hand, then move the journal away", j.path, len(b), journalMax)
		}
		kept := es[:0:0]
		for i, e := range es {
			if !drop[i] {
				kept = append(kept, e)
			}
		}
		es = kept
	}
}

// seen reports whether 上傳列表 shows the import of an entry: by its
// 上傳編號 when known (the portal may list it under another name), and
// only then; else by the name it was sent as, in a row that is none of
// the earlier imports of that name it was sent after (settled ones, which
// a rerun sends again after) and that 上傳列表 does not date before it.
func (e JournalEntry) seen(list []UploadInfo) (UploadInfo, bool) {
	for _, u := range list {
		switch {
		case e.ID != "":
			if u.ID == e.ID {
				return u, true
			}
		case u.FileName == e.Name && !slices.Contains(e.Earlier, u.ID) && !e.older(u):
			return u, true
		}
	}
	return UploadInfo{}, false
}

// older reports whether 上傳列表 dates an import before the entry was
// sent (beyond the clocks' skew): it cannot be the entry's import.
func (e JournalEntry) older(u UploadInfo) bool {
	t, err := time.ParseInLocation("2006-01-02 15:04", u.Date, taiwan)
	return err == nil && t.Before(e.Sent.Add(-journalSkew))
}

// covers reports whether an entry holds the content of a parcel, or a
// range that overlaps one of its ranges (of the same 統編, type, period
// and 字軌): a regenerated file may split or join the ranges it sent.
func (e JournalEntry) covers(hash string, rs []ranges.BlankRange) bool {
	if e.SHA256 == hash {
		return true
	}
	if len(rs) == 0 || len(e.Ranges) == 0 {
		return false
	}
	// The entry's ranges by 統編, type, period and 字軌, sorted by their
	// start, with the furthest end so far: each range of rs is then one
	// binary search, not a pass over the entry (a 25,000-range file took
	// a minute and a half of comparisons).
	type span struct{ start, end, reach uint64 }
	spans := map[string][]span{}
	for _, k := range e.Ranges {
		sp := strings.LastIndexByte(k, ' ')
		if sp < 0 || len(k) < sp+3 {
			continue
		}
		a, b, ok := strings.Cut(k[sp+3:], "-")
		start, err1 := strconv.ParseUint(a, 10, 32)
		end, err2 := strconv.ParseUint(b, 10, 32)
		if !ok || len(a) != 8 || err1 != nil || err2 != nil {
			continue
		}
		spans[k[:sp+3]] = append(spans[k[:sp+3]], span{start: start, end: end})
	}
	for p, ss := range spans {
		slices.SortFunc(ss, func(x, y span) int { return cmp.Compare(x.start, y.start) })
		var reach uint64
		for i := range ss {
			reach = max(reach, ss[i].end)
			ss[i].reach = reach
		}
		spans[p] = ss
	}
	for _, r := range rs {
		ss := spans[fmt.Sprintf("%s %s %s %s", r.Ban, r.Type, r.Period.Code(), r.Track)]
		// The spans that start at or before r's end; the furthest of
		// their ends reaches r's start when one overlaps it.
		n, _ := slices.BinarySearchFunc(ss, uint64(r.End)+1, func(x span, t uint64) int { return cmp.Compare(x.start, t) })
		if n > 0 && ss[n-1].reach >= uint64(r.Start) {
			return true
		}
	}
	return false
}

// overridden says that Options.Resend sends despite an entry.
func (e JournalEntry) overridden() msg.Message {
	if e.ID != "" {
		return msg.T("--resend: sending despite the journal of imports sent: %s was sent on %s (上傳編號 %s), and 上傳列表 does not show it", e.Name, journalTime(e.Sent), e.ID)
	}
	return msg.T("--resend: sending despite the journal of imports sent: %s was sent on %s without a clear answer, and 上傳列表 does not show it", e.Name, journalTime(e.Sent))
}

// journalTime is when an entry was sent, in the portal's time zone, with
// the zone: the machine's clock may keep another.
func journalTime(t time.Time) string {
	return t.In(taiwan).Format("2006-01-02 15:04:05 -07:00")
}

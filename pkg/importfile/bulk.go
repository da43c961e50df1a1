package importfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// BulkFields is the number of fields of a bulk-file line.
const BulkFields = 7

// BulkRow is one line of a 匯入字軌 bulk file.
type BulkRow struct {
	Seq    int
	Ban    ranges.Ban
	Period ranges.Period
	Track  ranges.Track
	Start  ranges.Number
	End    ranges.Number
	Type   ranges.InvoiceType
	Line   int // 1-based line in the file, when read
}

// Range returns the blank range the row describes.
func (r BulkRow) Range() ranges.BlankRange {
	return ranges.BlankRange{
		Key:   ranges.Key{Ban: r.Ban, Type: r.Type, Period: r.Period, Track: r.Track},
		Start: r.Start,
		End:   r.End,
	}
}

// BulkFileName is the portal vendors' name for a bulk file: <統編>_<yyyMM>.csv.
func BulkFileName(b ranges.Ban, p ranges.Period) string {
	return fmt.Sprintf("%s_%s.csv", b, p.Code())
}

// BulkPartName is the name of the k-th bulk file of a 統編 and period when
// its ranges need more than one: the first is BulkFileName, then
// <統編>_<yyyMM>_part2.csv, _part3 and so on.
func BulkPartName(b ranges.Ban, p ranges.Period, k int) string {
	if k <= 1 {
		return BulkFileName(b, p)
	}
	return fmt.Sprintf("%s_%s_part%d.csv", b, p.Code(), k)
}

// MaxBulkLines is how many ranges one bulk file holds: its sequence field
// has 5 digits.
const MaxBulkLines = 99999

// ErrTrackTooLarge is a 字軌 with more blank ranges than one bulk file
// holds. Its ranges cannot be split across files: uploading again for a
// track and period appears to replace what is on record.
var ErrTrackTooLarge = msg.New("more blank ranges than one bulk file holds")

// TrackTooLargeError is ErrTrackTooLarge for one 字軌: the portal's 匯入字軌
// cannot take its 統編's ranges. Its E0402 messages (split at
// E0402MaxItems items) can, through Turnkey.
type TrackTooLargeError struct {
	Ban    ranges.Ban
	Period ranges.Period
	Type   ranges.InvoiceType
	Track  ranges.Track
	Ranges int // the track's blank ranges
}

func (e *TrackTooLargeError) Error() string { return e.message().String() }

// Localize prints the error in p's language.
func (e *TrackTooLargeError) Localize(p *msg.Printer) string { return e.message().Localize(p) }

func (e *TrackTooLargeError) Unwrap() error { return ErrTrackTooLarge }

func (e *TrackTooLargeError) message() msg.Message {
	return msg.T("%s %s %s 字軌 %s: %d ranges: %v (%d): the portal's 匯入字軌 cannot take %s's ranges; check the exports (so many ranges mean about every other number unused), or write E0402 (--xml, or xml = true in a config) and report %s through Turnkey",
		e.Ban, e.Period.Code(), e.Type, e.Track, e.Ranges, ErrTrackTooLarge, MaxBulkLines, e.Ban, e.Ban)
}

// BulkFiles renders the bulk files of one 統編 and period: its ranges,
// ordered by 類別, 字軌 and 起號, in as few files as hold them, at most
// MaxBulkLines lines each, named by BulkPartName. A 字軌 is never split
// across files, since an upload for a track may replace what an earlier
// one put on record.
func BulkFiles(rs []ranges.BlankRange) ([]File, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	var files []File
	start := 0 // first range of the file being filled
	for i := 0; i < len(rs); {
		// The ranges of one 類別 and 字軌: rs[i:j].
		j := i + 1
		for j < len(rs) && rs[j].Type == rs[i].Type && rs[j].Track == rs[i].Track {
			j++
		}
		if j-i > MaxBulkLines {
			return nil, &TrackTooLargeError{Ban: rs[i].Ban, Period: rs[i].Period, Type: rs[i].Type, Track: rs[i].Track, Ranges: j - i}
		}
		if j-start > MaxBulkLines {
			f, err := bulkFile(rs[start:i], len(files)+1)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
			start = i
		}
		i = j
	}
	f, err := bulkFile(rs[start:], len(files)+1)
	if err != nil {
		return nil, err
	}
	return append(files, f), nil
}

func bulkFile(rs []ranges.BlankRange, k int) (File, error) {
	data, err := AppendBulk(make([]byte, 0, len(rs)*48), rs)
	if err != nil {
		return File{}, err
	}
	return File{Name: BulkPartName(rs[0].Ban, rs[0].Period, k), Data: data}, nil
}

// AppendBulk appends the bulk-file lines of rs, which must all be of one
// 統一編號 and period, ordered by 類別, 字軌 and 起號: 00001,83012410,11410,ZK,37210312,37210499,07
func AppendBulk(dst []byte, rs []ranges.BlankRange) ([]byte, error) {
	if len(rs) > MaxBulkLines {
		return nil, msg.Errorf("%d ranges do not fit the 5-digit sequence of one bulk file", len(rs))
	}
	for i, r := range rs {
		if r.Ban != rs[0].Ban || r.Period != rs[0].Period {
			return nil, msg.Errorf("bulk file mixes %s %s with %s %s", rs[0].Ban, rs[0].Period.Code(), r.Ban, r.Period.Code())
		}
		dst = fmt.Appendf(dst, "%05d,%s,%s,%s,%s,%s,%s\r\n", i+1, r.Ban, r.Period.Code(), r.Track, r.Start, r.End, r.Type)
	}
	return dst, nil
}

// Limits of the readers: a file that passes them is far larger than any
// bulk file or E0402 message can be; one that does not is refused with a
// finding at the place, in memory that does not grow with it.
const (
	// BulkLineMax is the longest bulk-file line read: a range line is 44
	// bytes.
	BulkLineMax = 1024
	// MaxFindings is how many findings one file gets before reading stops.
	MaxFindings = 100
)

// findings collects a file's findings, at most MaxFindings of them.
type findings struct {
	name string
	fs   []Finding
}

// add records a finding and reports whether reading should go on.
func (f *findings) add(line int, field string, problem msg.Message) bool {
	return f.addAt(Finding{File: f.name, Line: line, Field: field}.with(problem))
}

func (f *findings) addAt(x Finding) bool {
	if len(f.fs) >= MaxFindings {
		return false
	}
	f.fs = append(f.fs, x)
	if len(f.fs) == MaxFindings {
		f.fs = append(f.fs, Finding{File: f.name, Line: x.Line, more: true}.with(msg.T("stopped after %d findings", MaxFindings)))
		return false
	}
	return true
}

// ReadBulk reads a bulk file and checks every field of every line. It returns
// the rows that are well formed and a finding for each problem. A line
// longer than BulkLineMax, more than MaxBulkLines lines or MaxFindings
// findings stop it with a finding: memory stays bounded on any input.
func ReadBulk(r io.Reader, name string) ([]BulkRow, []Finding) {
	var rows []BulkRow
	fs := &findings{name: name}
	add := fs.add
	br := bufio.NewReaderSize(r, BulkLineMax+2)
	if what := sniffNotText(br); !what.IsZero() {
		add(1, "", what)
		return nil, fs.fs
	}
	line, ordinal := 0, 0
	for {
		raw, err := br.ReadSlice('\n')
		if len(raw) == 0 && err != nil {
			if err != io.EOF {
				add(line, "", msg.T("%v", err))
			}
			break
		}
		line++
		if errors.Is(err, bufio.ErrBufferFull) {
			add(line, "", msg.T("line longer than %d bytes: not a bulk-file line (a range line is 44 bytes); is this the right file?", BulkLineMax))
			break
		}
		if line > MaxBulkLines {
			add(line, "", msg.T("more than %d lines: a bulk file holds at most %d ranges (the sequence has 5 digits)", MaxBulkLines, MaxBulkLines))
			break
		}
		if !readBulkLine(raw, line, &ordinal, &rows, add) {
			break
		}
		if err != nil {
			break
		}
	}
	if line == 0 {
		add(0, "", msg.T("empty file: want one line per blank range"))
	}
	return rows, fs.fs
}

// readBulkLine checks one line, without regard to its line end, and
// appends it to rows when well formed. It reports whether reading should
// go on.
func readBulkLine(raw []byte, line int, ordinal *int, rows *[]BulkRow, add func(int, string, msg.Message) bool) bool {
	text := bytes.TrimSuffix(bytes.TrimSuffix(raw, []byte("\n")), []byte("\r"))
	if bytes.IndexByte(text, '\r') >= 0 {
		return add(line, "", msg.T("stray CR inside the line: want CRLF or LF line ends"))
	}
	if len(bytes.TrimSpace(text)) == 0 {
		return add(line, "", msg.T("empty line: want one range a line, no blank lines"))
	}
	if bytes.HasPrefix(text, []byte{0xEF, 0xBB, 0xBF}) {
		if !add(line, "", msg.T("byte-order mark: the portal wants plain ASCII")) {
			return false
		}
		text = text[3:]
	}
	if i := bytes.IndexFunc(text, func(r rune) bool { return r > 0x7e || r < 0x20 }); i >= 0 {
		return add(line, "", msg.T("non-ASCII or control character at byte %d: the portal wants plain ASCII", i+1))
	}
	*ordinal++
	row, problems := parseBulkLine(string(text))
	row.Line = line
	for _, p := range problems {
		if !add(line, p.field, p.problem) {
			return false
		}
	}
	// The sequence is the line's place among the range lines, whether
	// or not the lines before it were well formed.
	if row.Seq >= 0 && row.Seq != *ordinal {
		if !add(line, "sequence", msg.T("sequence %05d: want %05d (numbered from 00001 without gaps)", row.Seq, *ordinal)) {
			return false
		}
	}
	if len(problems) == 0 {
		// The 統編 and 字軌 are cut from the line's text: the previous
		// row's copies let the line go (a file repeats them on every line).
		if n := len(*rows); n > 0 {
			prev := &(*rows)[n-1]
			if row.Ban == prev.Ban {
				row.Ban = prev.Ban
			}
			if row.Track == prev.Track {
				row.Track = prev.Track
			}
		}
		*rows = append(*rows, row)
	}
	return true
}

type fieldProblem struct {
	field   string
	problem msg.Message
}

var bulkFieldNames = [BulkFields]string{"sequence", "統一編號", "period", "字軌", "起號", "迄號", "發票類別"}

func parseBulkLine(s string) (BulkRow, []fieldProblem) {
	row := BulkRow{Seq: -1} // -1 until the sequence field is read
	var ps []fieldProblem
	f := strings.Split(s, ",")
	if len(f) != BulkFields {
		return row, []fieldProblem{{"", msg.T("%d fields: want %d (sequence,統編,yyyMM,字軌,起號,迄號,類別)", len(f), BulkFields)}}
	}
	bad := func(i int, want msg.Message) {
		ps = append(ps, fieldProblem{bulkFieldNames[i], msg.T("field %d (%s) %s: want %v", i+1, bulkFieldNames[i], ranges.Quote(f[i]), want)})
	}
	if len(f[0]) != 5 || !ranges.AllDigits(f[0]) {
		bad(0, msg.T("5 digits, from 00001"))
	} else {
		row.Seq, _ = strconv.Atoi(f[0])
	}
	if len(f[1]) != 8 || !ranges.AllDigits(f[1]) {
		bad(1, msg.T("8 digits"))
	} else if f[1] == "00000000" {
		bad(1, msg.T("a 統一編號 a business has"))
	} else if b, err := ranges.ParseBan(f[1]); err != nil {
		bad(1, msg.T("a valid 統一編號 (the checksum is wrong)"))
	} else {
		row.Ban = b
	}
	if p, err := ranges.ParsePeriod(f[2]); err != nil || len(f[2]) != 5 {
		bad(2, msg.T("ROC year and the even month of the period, as 11410"))
	} else {
		row.Period = p
	}
	if t, err := ranges.ParseTrack(f[3]); err != nil || string(t) != f[3] {
		bad(3, msg.T("two capital letters"))
	} else {
		row.Track = t
	}
	if len(f[4]) != 8 || !ranges.AllDigits(f[4]) {
		bad(4, msg.T("8 digits, zero-padded"))
	} else {
		n, _ := ranges.ParseNumber(f[4])
		row.Start = n
	}
	if len(f[5]) != 8 || !ranges.AllDigits(f[5]) {
		bad(5, msg.T("8 digits, zero-padded"))
	} else {
		n, _ := ranges.ParseNumber(f[5])
		row.End = n
	}
	switch f[6] {
	case "07":
		row.Type = ranges.TypeGeneral
	case "08":
		row.Type = ranges.TypeSpecial
	default:
		bad(6, msg.T("07 (一般稅額計算) or 08 (特種稅額計算)"))
	}
	if len(ps) == 0 && row.Start > row.End {
		ps = append(ps, fieldProblem{"迄號", msg.T("起號 %s is after 迄號 %s", row.Start, row.End)})
	}
	return row, ps
}

// ParseBulkLine parses one line of a bulk file, without its line end, and
// returns the first problem of its fields.
func ParseBulkLine(s string) (BulkRow, error) {
	row, ps := parseBulkLine(s)
	if len(ps) > 0 {
		return row, msg.Errorf("%v", ps[0].problem)
	}
	return row, nil
}

// FindBulkFiles lists the bulk files of a 統編 and period in dir, as
// BulkFiles names them, in order: the first, then _part2, _part3… A
// missing first file gives none.
func FindBulkFiles(dir string, b ranges.Ban, p ranges.Period) ([]string, error) {
	var out []string
	for k := 1; ; k++ {
		name := filepath.Join(dir, BulkPartName(b, p, k))
		if _, err := os.Stat(name); errors.Is(err, os.ErrNotExist) {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		out = append(out, name)
	}
}

// sniffNotText tells, from a bulk file's first bytes, a file that is not
// a bulk file at all, which line-by-line findings would only obscure: UTF-16
// (what Notepad and Excel call "Unicode"), a workbook, an E0402 message
// or other XML or HTML.
func sniffNotText(br *bufio.Reader) msg.Message {
	head, _ := br.Peek(sniffSize)
	switch {
	case IsE0402(head):
		return msg.T("an E0402 XML file, not a 匯入字軌 bulk CSV file (7 comma-separated fields a line): give the BAN_PERIOD.csv blanktrack generate writes beside it, or name the file .xml for check to read it as E0402")
	case markup(head) != nil:
		return msg.T("XML or HTML, not a 匯入字軌 bulk CSV file (7 comma-separated fields a line): is this the right file?")
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return msg.T("a workbook or zip, not text: the portal wants the bulk file as plain CSV text, as blanktrack generate writes it")
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}),
		len(head) >= 4 && bytes.Count(head, []byte{0}) >= len(head)/4:
		return msg.T("UTF-16 text (Notepad's or Excel's \"Unicode\"): the portal wants plain ASCII; save it as ANSI or UTF-8 text, or write it again with blanktrack generate")
	}
	return msg.Message{}
}

// sniffSize is how much of a file IsE0402 and sniffNotText look at.
const sniffSize = 512

// IsE0402 reports whether a file's first bytes are those of an E0402 XML
// message (its root element BranchTrackBlank), as generate writes one
// beside each bulk file: what a person may give where a bulk file is
// wanted.
func IsE0402(head []byte) bool {
	h := markup(head)
	return h != nil && bytes.Contains(h[:min(len(h), sniffSize)], []byte("BranchTrackBlank"))
}

// markup is a file's text from its first '<', when it starts as XML and
// HTML do: after a byte-order mark and white space at most; nil when not.
func markup(head []byte) []byte {
	h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	if len(h) == 0 || h[0] != '<' {
		return nil
	}
	return h
}

package sheet

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// csvRecords are the records of a chunk: their fields one after the other,
// where each record ends, and its row number.
type csvRecords struct {
	fields []string
	ends   []int
	rows   []int
	err    error // a located error after the last record
}

func (r *csvRecords) reset() {
	clear(r.fields) // let the chunk's text go
	r.fields, r.ends, r.rows, r.err = r.fields[:0], r.ends[:0], r.rows[:0], nil
}

func (r *csvRecords) record(i int) []string {
	start := 0
	if i > 0 {
		start = r.ends[i-1]
	}
	return r.fields[start:r.ends[i]:r.ends[i]]
}

// add is an emit function that keeps the records.
func (r *csvRecords) add(fields []string, row int) bool {
	r.fields = append(r.fields, fields...)
	r.ends = append(r.ends, len(r.fields))
	r.rows = append(r.rows, row)
	return true
}

// csvParser parses chunks of CSV text as Excel reads CSV: a field starting
// with a quote is quoted ("" inside is a quote, a line end inside is kept,
// and the first quote that is not doubled ends the quoted section; the
// rest of the field up to a separator or a line end is text, quotes
// included); quotes inside unquoted fields are text, so Excel's
// ="00000050" stays as written; blank lines are skipped; CRLF and LF end
// lines. Rows are numbered as a spreadsheet shows the file: a record is a
// row however many lines its quoted cells span, and a blank line is a row.
// One parser serves one goroutine.
type csvParser struct {
	file   string
	cp950  *cp950Decoder
	buf    []byte
	fields []string
	stops  string // the separator and LF
	mode   encodingMode
}

func newCSVParser(file string) *csvParser { return &csvParser{file: file} }

// parse parses chunk c and gives each record and its row number to emit,
// which returns false to stop. The fields are valid until emit returns.
// The error is a located one: a cell or a row over the limits.
func (p *csvParser) parse(c *csvChunk, emit func(fields []string, row int) bool) error {
	if c.mode == modeCP950 && p.cp950 == nil {
		p.cp950 = newCP950Decoder()
	}
	p.mode = c.mode
	if len(p.stops) != 2 || p.stops[0] != c.sep {
		p.stops = string([]byte{c.sep, '\n'})
	}
	s, sep, row := c.data, c.sep, c.row
	for i := 0; i < len(s); {
		nl := strings.IndexByte(s[i:], '\n')
		next := len(s)
		line := s[i:]
		if nl >= 0 {
			line, next = s[i:i+nl], i+nl+1
		}
		if c.quotes && strings.IndexByte(line, '"') >= 0 {
			start := i
			var err error
			if i, err = p.quotedRecord(c, i, row); err != nil {
				return err
			}
			if i-start > maxRecordBytes {
				return p.tooLong(row)
			}
		} else {
			if len(line) > maxRecordBytes {
				return p.tooLong(row)
			}
			line = strings.TrimSuffix(line, "\r")
			i = next
			if line == "" {
				row++ // a blank line is an empty row
				continue
			}
			p.fields = p.fields[:0]
			plain := p.mode != modeCP950 && len(line) <= maxCellChars
			for {
				j := strings.IndexByte(line, sep)
				if j < 0 {
					break
				}
				if plain && len(p.fields) < maxColumns {
					p.fields = append(p.fields, line[:j])
				} else if err := p.add(line[:j], row); err != nil {
					return err
				}
				line = line[j+1:]
			}
			if err := p.add(line, row); err != nil {
				return err
			}
		}
		if !emit(p.fields, row) {
			return nil
		}
		row++
	}
	return nil
}

// quotedRecord parses the record at s[i], which has quotes, into p.fields
// and returns where the next record starts.
func (p *csvParser) quotedRecord(c *csvChunk, i, row int) (int, error) {
	s, sep := c.data, c.sep
	p.fields = p.fields[:0]
	for {
		if i < len(s) && s[i] == '"' {
			i++
			p.buf = p.buf[:0]
			closed := true
			for {
				k := strings.IndexByte(s[i:], '"')
				if k < 0 {
					// Not closed: the field runs to the end of the input.
					p.appendText(strings.TrimSuffix(s[i:], "\r"))
					i, closed = len(s), false
					break
				}
				p.appendText(s[i : i+k])
				i += k + 1
				if i < len(s) && s[i] == '"' {
					p.buf = append(p.buf, '"')
					i++
					continue
				}
				break
			}
			// A quote closes a quoted cell well when the cell ends there.
			closed = closed && (i == len(s) || s[i] == sep || s[i] == '\n' || s[i] == '\r')
			if err := p.checkSpan(sep, row, closed); err != nil {
				return 0, err
			}
			// The rest of the field, up to a separator or a line end, is
			// text, as Excel reads it: "好市多"台中店 is 好市多台中店.
			end := len(s)
			if j := strings.IndexAny(s[i:], p.stops); j >= 0 {
				end = i + j
			}
			rest := s[i:end]
			if end == len(s) || s[end] == '\n' {
				rest = strings.TrimSuffix(rest, "\r")
			}
			p.buf = append(p.buf, rest...)
			if err := p.add(string(p.buf), row); err != nil {
				return 0, err
			}
			if end < len(s) && s[end] == sep {
				i = end + 1
				continue
			}
			return min(end+1, len(s)), nil
		}
		j := strings.IndexAny(s[i:], p.stops)
		if j >= 0 && s[i+j] == sep {
			if err := p.add(s[i:i+j], row); err != nil {
				return 0, err
			}
			i += j + 1
			continue
		}
		end := len(s)
		if j >= 0 {
			end = i + j
		}
		return min(end+1, len(s)), p.add(strings.TrimSuffix(s[i:end], "\r"), row)
	}
}

// ErrQuoteNotClosed is a quoted CSV cell that runs over lines looking like
// invoice rows and is not closed where a cell ends: a quote that was never
// closed swallowed them.
var ErrQuoteNotClosed = msg.New("a quote is not closed")

// ErrQuotedRows is a quoted CSV cell, closed where a cell ends, that spans
// lines looking like invoice rows: a note of several lines, or a quote not
// closed that swallowed rows up to a quote at the end of a later cell.
// Which one, only the person who wrote the file knows.
var ErrQuotedRows = msg.New("a quoted cell spans lines that look like invoice rows")

// checkSpan looks at the quoted text in p.buf, the cell in column
// len(p.fields)+1 of the record at row: a cell spanning lines that holds a
// line looking like an invoice row is most likely a quote that was never
// closed, swallowing the rows up to some later quote. closed says the
// quote closing the cell is where a cell ends, as in a well-formed file.
func (p *csvParser) checkSpan(sep byte, row int, closed bool) error {
	nl := bytes.IndexByte(p.buf, '\n')
	if nl < 0 {
		return nil
	}
	first, rest := p.buf[:nl], p.buf[nl+1:]
	for n := 2; len(rest) > 0; n++ {
		line := rest
		if k := bytes.IndexByte(rest, '\n'); k >= 0 {
			line, rest = rest[:k], rest[k+1:]
		} else {
			rest = nil
		}
		if !looksLikeInvoiceRow(line, sep) {
			continue
		}
		v := string(first)
		if p.mode == modeCP950 {
			v = p.cp950.decode(v)
		}
		err := msg.Errorf("%w: a quote opens this cell, and the cell runs on over the lines below to a quote that does not end a cell; its line %d, %s, looks like an invoice row: end the cell with a quote, or double a quote meant as text (\"\")",
			ErrQuoteNotClosed, n, ranges.Quote(string(line)))
		if closed {
			err = msg.Errorf("%w: its line %d of %d, %s, would not be read as an invoice; if a quote opened in this cell was not closed, swallowing the rows up to a quote at the end of a later cell, end this cell with a quote, or double a quote meant as text (\"\"); if the cell is a note of several lines, put the note on one line",
				ErrQuotedRows, n, bytes.Count(p.buf, []byte{'\n'})+1, ranges.Quote(string(line)))
		}
		return &ranges.Error{Pos: ranges.Pos{File: p.file, Row: row, Col: len(p.fields) + 1}, Value: clipValue(v), Err: err}
	}
	return nil
}

// looksLikeInvoiceRow reports whether a line of CSV text has an invoice
// number among its cells: ZK00000007, ZK-00000007, or a 字軌 cell beside
// 8 digits.
func looksLikeInvoiceRow(line []byte, sep byte) bool {
	if bytes.IndexByte(line, sep) < 0 {
		return false
	}
	var prevTrack bool
	for len(line) > 0 {
		f := line
		if k := bytes.IndexByte(line, sep); k >= 0 {
			f, line = line[:k], line[k+1:]
		} else {
			line = nil
		}
		v := ranges.UnwrapExcelText(strings.TrimSpace(string(f)))
		if isInvoiceNumberText(v) || (prevTrack && len(v) == 8 && allDigits(v)) {
			return true
		}
		prevTrack = len(v) == 2 && isLetter(v[0]) && isLetter(v[1])
	}
	return false
}

// isInvoiceNumberText reports whether v, ASCII, is an invoice number: two
// letters and 8 digits, with or without a dash between.
func isInvoiceNumberText(v string) bool {
	if len(v) == 11 && v[2] == '-' {
		v = v[:2] + v[3:]
	}
	return len(v) == 10 && isLetter(v[0]) && isLetter(v[1]) && allDigits(v[2:])
}

func isLetter(c byte) bool { return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' }

// tooLong is the error of a record over maxRecordBytes, as the splitter
// reports it when the record does not end.
func (p *csvParser) tooLong(row int) error {
	return &ranges.Error{Pos: ranges.Pos{File: p.file, Row: row},
		Err: msg.Errorf("a line (or a quoted cell spanning lines) longer than %s: not a CSV export", byteSize(int64(maxRecordBytes)))}
}

// appendText adds quoted text to the field being built; a CRLF inside a
// quoted field is a line end, read as LF.
func (p *csvParser) appendText(t string) {
	for {
		k := strings.Index(t, "\r\n")
		if k < 0 {
			p.buf = append(p.buf, t...)
			return
		}
		p.buf = append(p.buf, t[:k]...)
		p.buf = append(p.buf, '\n')
		t = t[k+2:]
	}
}

// add adds a field to the record, decoded and checked against the cell
// and column limits.
func (p *csvParser) add(f string, row int) error {
	col := len(p.fields) + 1
	if col > maxColumns {
		return &ranges.Error{Pos: ranges.Pos{File: p.file, Row: row},
			Err: msg.Errorf("more than %d cells in a row (Excel's limit): not a CSV export", maxColumns)}
	}
	if p.mode == modeCP950 {
		f = p.cp950.decode(f)
	}
	if len(f) > maxCellChars {
		if n := utf8.RuneCountInString(f); n > maxCellChars {
			return cellTooLong(ranges.Pos{File: p.file, Row: row, Col: col}, f, n)
		}
	}
	p.fields = append(p.fields, f)
	return nil
}

// cellTooLong is the error of a cell of n characters.
func cellTooLong(pos ranges.Pos, v string, n int) *ranges.Error {
	return &ranges.Error{Pos: pos, Value: clipValue(v),
		Err: msg.Errorf("a cell of %d characters, %s: a spreadsheet cell holds at most %d (Excel's limit)", n, ranges.Quote(v), maxCellChars)}
}

// clipValue is a copy of the start of v, for an error's Value: an error
// must not hold on to a megabyte cell or the chunk it was cut from.
func clipValue(v string) string {
	const n = 256
	if len(v) <= n {
		return strings.Clone(v)
	}
	i := n
	for i > 0 && !utf8.RuneStart(v[i]) {
		i--
	}
	return strings.Clone(v[:i])
}

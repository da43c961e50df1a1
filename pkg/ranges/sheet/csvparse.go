package sheet

import (
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

// csvParser parses chunks of CSV text with the rules of encoding/csv with
// LazyQuotes: a field starting with a quote is quoted ("" inside is a
// quote, a line end inside is kept, a quote not before a separator or line
// end is text); quotes inside unquoted fields are text, so Excel's
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
			for {
				k := strings.IndexByte(s[i:], '"')
				if k < 0 {
					// Not closed: the field runs to the end of the input.
					p.appendText(strings.TrimSuffix(s[i:], "\r"))
					return len(s), p.add(string(p.buf), row)
				}
				p.appendText(s[i : i+k])
				i += k + 1
				var done, last bool
				switch {
				case i == len(s):
					done, last = true, true
				case s[i] == '"':
					p.buf = append(p.buf, '"')
					i++
				case s[i] == sep:
					done = true
					i++
				case s[i] == '\n':
					done, last = true, true
					i++
				case s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n':
					done, last = true, true
					i += 2
				case s[i] == '\r' && i+1 == len(s):
					done, last = true, true // a CR before the end of the input is dropped
					i++
				default:
					p.buf = append(p.buf, '"') // a bare quote is text
				}
				if !done {
					continue
				}
				if err := p.add(string(p.buf), row); err != nil {
					return 0, err
				}
				if last {
					return i, nil
				}
				break
			}
			continue
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

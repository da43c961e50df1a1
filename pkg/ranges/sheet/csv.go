package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/transform"
)

// csvTable reads rows of CSV text.
type csvTable struct {
	r        *csv.Reader
	row      []string
	n        int
	err      error
	encoding *sniffReader

	extraLines int
}

// newCSV reads CSV text whose encoding (UTF-8, UTF-8 with BOM or CP950) is
// detected from its bytes.
func newCSV(src io.Reader) *csvTable {
	sr := newSniffReader(src)
	r := csv.NewReader(sr)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true // ="00000050" and stray quotes from hand-made files
	r.ReuseRecord = true
	return &csvTable{r: r, encoding: sr}
}

func (t *csvTable) Next() bool {
	if t.err != nil {
		return false
	}
	rec, err := t.r.Read()
	if err != nil {
		if !errors.Is(err, io.EOF) {
			t.err = err
		}
		return false
	}
	// encoding/csv skips blank lines, which a spreadsheet counts as rows, so
	// the row is the record's first line less the extra lines that quoted
	// multi-line fields of earlier records took.
	start, _ := t.r.FieldPos(0)
	end, _ := t.r.FieldPos(len(rec) - 1)
	t.n = start - t.extraLines
	t.extraLines += end - start
	t.row = rec
	return true
}

func (t *csvTable) Row() []string             { return t.row }
func (t *csvTable) RowNum() int               { return t.n }
func (t *csvTable) Err() error                { return t.err }
func (t *csvTable) Sheet() string             { return "" }
func (t *csvTable) DateSerials() (bool, bool) { return false, false }
func (t *csvTable) Encoding() string          { return t.encoding.Name() }

// sniffReader decodes a text file that is UTF-8 (with or without a BOM) or
// CP950 (Big5), the encodings Taiwanese portals and POS systems write. It
// passes ASCII through and decides at the first non-ASCII byte: if the bytes
// from there are valid UTF-8 the file is UTF-8, otherwise CP950.
type sniffReader struct {
	br   *bufio.Reader
	mode encodingMode
	dec  io.Reader
	bom  bool
}

type encodingMode uint8

const (
	modeUndecided encodingMode = iota
	modeUTF8
	modeCP950
)

const sniffWindow = 4096

func newSniffReader(r io.Reader) *sniffReader {
	s := &sniffReader{br: bufio.NewReaderSize(r, 64*1024)}
	if b, _ := s.br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = s.br.Discard(3)
		s.bom = true
		s.mode = modeUTF8
	}
	return s
}

// Name is the encoding found so far.
func (s *sniffReader) Name() string {
	switch {
	case s.bom:
		return "UTF-8 with BOM"
	case s.mode == modeUTF8:
		return "UTF-8"
	case s.mode == modeCP950:
		return "CP950"
	}
	return "ASCII"
}

func (s *sniffReader) Read(p []byte) (int, error) {
	switch s.mode {
	case modeUTF8:
		return s.br.Read(p)
	case modeCP950:
		return s.dec.Read(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if _, err := s.br.Peek(1); err != nil {
		return 0, err
	}
	buf, _ := s.br.Peek(s.br.Buffered())
	i := bytes.IndexFunc(buf, func(r rune) bool { return r >= utf8.RuneSelf })
	switch {
	case i < 0:
		n := copy(p, buf)
		_, _ = s.br.Discard(n)
		return n, nil
	case i > 0:
		n := copy(p, buf[:i])
		_, _ = s.br.Discard(n)
		return n, nil
	}
	look, err := s.br.Peek(sniffWindow)
	atEOF := err != nil
	if looksUTF8(look, atEOF) {
		s.mode = modeUTF8
	} else {
		s.mode = modeCP950
		s.dec = transform.NewReader(s.br, traditionalchinese.Big5.NewDecoder())
	}
	return s.Read(p)
}

// looksUTF8 reports whether b is valid UTF-8, allowing a rune cut off at the
// end of the window when more bytes follow.
func looksUTF8(b []byte, atEOF bool) bool {
	if utf8.Valid(b) {
		return true
	}
	if atEOF {
		return false
	}
	for k := 1; k <= utf8.UTFMax && k <= len(b); k++ {
		j := len(b) - k
		if utf8.RuneStart(b[j]) {
			return !utf8.FullRune(b[j:]) && utf8.Valid(b[:j])
		}
	}
	return false
}

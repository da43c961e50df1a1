package sheet

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// encodingMode is the encoding of a text file's bytes as the CSV reader
// sees them: UTF-16 is decoded to UTF-8 before, CP950 one cell at a time.
type encodingMode uint8

const (
	modeUndecided encodingMode = iota // ASCII so far
	modeUTF8
	modeCP950
)

// sniffWindow is how many bytes from the first non-ASCII one decide
// between UTF-8 and CP950.
const sniffWindow = 4096

// textInput is the text of a CSV file as the CSV reader takes it: bytes
// that are ASCII, UTF-8 or CP950, without a byte-order mark.
type textInput struct {
	r    io.Reader
	mode encodingMode // decided already: a BOM or UTF-16 says UTF-8
	name string       // the encoding, when decided by the BOM
}

// newTextInput strips a byte-order mark and decodes UTF-16.
func newTextInput(br *bufio.Reader, kind textKind) textInput {
	switch kind {
	case textUTF8BOM:
		_, _ = br.Discard(len(bomUTF8))
		return textInput{r: br, mode: modeUTF8, name: "UTF-8 with BOM"}
	case textUTF16LE, textUTF16BE:
		order, name := unicode.LittleEndian, "UTF-16LE"
		if kind == textUTF16BE {
			order, name = unicode.BigEndian, "UTF-16BE"
		}
		dec := unicode.UTF16(order, unicode.UseBOM).NewDecoder()
		return textInput{r: transform.NewReader(br, dec), mode: modeUTF8, name: name}
	}
	return textInput{r: br}
}

// encodingName names a decided mode for FileStats.Encoding.
func encodingName(mode encodingMode) string {
	switch mode {
	case modeUTF8:
		return "UTF-8"
	case modeCP950:
		return "CP950"
	}
	return "ASCII"
}

// decideEncoding looks at b, text from its first non-ASCII byte on: valid
// UTF-8 is UTF-8, anything else CP950 (Big5), the encodings Taiwanese
// portals and POS systems write. atEOF says b reaches the end of the input.
func decideEncoding(b []byte, atEOF bool) encodingMode {
	if len(b) > sniffWindow {
		b, atEOF = b[:sniffWindow], false
	}
	if looksUTF8(b, atEOF) {
		return modeUTF8
	}
	return modeCP950
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

// firstNonASCII is the index of the first byte of b at or above 0x80, or
// -1.
func firstNonASCII(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := uint64(b[i]) | uint64(b[i+1])<<8 | uint64(b[i+2])<<16 | uint64(b[i+3])<<24 |
			uint64(b[i+4])<<32 | uint64(b[i+5])<<40 | uint64(b[i+6])<<48 | uint64(b[i+7])<<56
		if w&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			return i
		}
	}
	return -1
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// cp950Decoder decodes the cells of a CP950 file one at a time: the CSV
// structure (quotes, separators, line ends) is ASCII, and no byte of a
// two-byte Big5 character is below 0x40, so the file can be split into
// cells before it is decoded. Short cells repeat (status words, names), so
// their decoded text is kept. One decoder serves one goroutine.
type cp950Decoder struct {
	dec   *encoding.Decoder
	cache map[string]string
}

const (
	cp950CacheMax     = 4096
	cp950CacheCellLen = 32
)

func newCP950Decoder() *cp950Decoder {
	return &cp950Decoder{dec: traditionalchinese.Big5.NewDecoder(), cache: make(map[string]string)}
}

// decode returns s decoded, s itself when it is ASCII.
func (d *cp950Decoder) decode(s string) string {
	if isASCII(s) {
		return s
	}
	short := len(s) <= cp950CacheCellLen
	if short {
		if v, ok := d.cache[s]; ok {
			return v
		}
	}
	// Decoding never fails: bytes that are not Big5 become U+FFFD.
	v, _, _ := transform.String(d.dec, s)
	if short {
		if len(d.cache) >= cp950CacheMax {
			clear(d.cache)
		}
		d.cache[strings.Clone(s)] = v
	}
	return v
}

// separators are the cell separators of text exports, in the order a tie
// between them is decided.
var separators = [...]byte{',', '\t', ';'}

// separatorOf decides the separator of a text file from its first bytes:
// Excel's "Unicode text" and "Text (Tab delimited)" exports separate
// cells with tabs, CSV with commas, and a CSV written where the list
// separator is a semicolon (where the decimal separator is a comma) with
// semicolons, leaving a comma inside a cell (1234,50, 大同,台北分公司)
// unquoted. So the header line decides: the first of the first rows a
// reader looks at for a header that has an invoice-number column when
// split by a separator, by the one that splits it into the most cells.
// Failing that (a header named with --col-number), the separator that
// occurs most on one of those lines, outside quotes.
func separatorOf(head []byte) byte {
	lines := headLines(head, headerScanRows)
	var dec *encoding.Decoder
	for _, line := range lines {
		best, most := byte(0), 0
		for _, sep := range separators {
			fields := splitHeadLine(line, sep)
			if len(fields) <= most {
				continue
			}
			for _, f := range fields {
				if !utf8.Valid(f) {
					if dec == nil {
						dec = traditionalchinese.Big5.NewDecoder()
					}
					f, _ = dec.Bytes(f)
				}
				if n, ok := lookupRole(string(f)); ok && n.role == roleNumber {
					best, most = sep, len(fields)
					break
				}
			}
		}
		if best != 0 {
			return best
		}
	}
	best, most := byte(','), 0
	for _, line := range lines {
		for _, sep := range separators {
			if n := len(splitHeadLine(line, sep)) - 1; n > most {
				best, most = sep, n
			}
		}
	}
	return best
}

// headLines are the first n lines of head, a line break inside quotes
// being part of its line; the last may be cut short.
func headLines(head []byte, n int) [][]byte {
	var lines [][]byte
	quoted, start := false, 0
	for i := 0; i < len(head) && len(lines) < n; i++ {
		switch head[i] {
		case '"':
			quoted = !quoted
		case '\n', '\r':
			if !quoted {
				lines = append(lines, head[start:i])
				if head[i] == '\r' && i+1 < len(head) && head[i+1] == '\n' {
					i++
				}
				start = i + 1
			}
		}
	}
	if len(lines) < n && start < len(head) {
		lines = append(lines, head[start:])
	}
	return lines
}

// splitHeadLine splits a line at sep outside quotes, and unquotes each
// cell.
func splitHeadLine(line []byte, sep byte) [][]byte {
	var fields [][]byte
	quoted, start := false, 0
	for i := 0; i <= len(line); i++ {
		if i < len(line) && line[i] == '"' {
			quoted = !quoted
		}
		if i == len(line) || !quoted && line[i] == sep {
			f := bytes.TrimSpace(line[start:i])
			if len(f) >= 2 && f[0] == '"' && f[len(f)-1] == '"' {
				f = bytes.ReplaceAll(f[1:len(f)-1], []byte(`""`), []byte(`"`))
			}
			fields = append(fields, f)
			start = i + 1
		}
	}
	return fields
}

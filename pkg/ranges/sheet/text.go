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

// separatorOf decides the separator of a text file from its first
// bytes: Excel's "Unicode text" and "Text (Tab delimited)" exports separate
// cells with tabs, CSV with commas; a CSV file written where the list
// separator is a semicolon has semicolons between its cells, and is taken
// so only when that is unambiguous: semicolons, and no tab nor any comma
// outside quotes.
func separatorOf(head []byte) byte {
	tabs := bytes.Count(head, []byte{'\t'})
	if tabs > bytes.Count(head, []byte{','}) {
		return '\t'
	}
	if tabs == 0 && bytes.IndexByte(head, ';') >= 0 {
		var commas, semicolons int
		quoted := false
		for _, c := range head {
			switch {
			case c == '"':
				quoted = !quoted
			case quoted:
			case c == ',':
				commas++
			case c == ';':
				semicolons++
			}
		}
		if commas == 0 && semicolons > 0 {
			return ';'
		}
	}
	return ','
}

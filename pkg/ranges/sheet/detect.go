package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
	"github.com/richardlehane/mscfb"
)

// Format is what a file holds, told from its first bytes, never from its
// name: an export saved as .csv may be a workbook, and the other way round.
type Format uint8

// Formats of input files.
const (
	FormatText     Format = iota // CSV text: UTF-8, UTF-8 with BOM, CP950 or UTF-16
	FormatWorkbook               // an .xlsx workbook (a zip archive)
)

// ErrNotSpreadsheet is an input whose content is no format blanktrack
// reads (an old .xls, a password-protected workbook, a PDF, an HTML page,
// a binary file). The message says what the content is and how to save it
// in a form that is read.
var ErrNotSpreadsheet = msg.New("not a CSV file or an .xlsx workbook")

// source is an input: a stream and, when it can be read at any offset (a
// file, a bytes.Reader), the same bytes by offset, which a workbook needs.
type source struct {
	r    io.Reader
	ra   io.ReaderAt // nil for a plain stream
	size int64
}

// newSource takes ra and the size from r when r can seek and read at
// offsets, from r's current offset on.
func newSource(r io.Reader) source {
	src := source{r: r}
	ra, ok1 := r.(io.ReaderAt)
	sk, ok2 := r.(io.Seeker)
	if !ok1 || !ok2 {
		return src
	}
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
			return src
		}
	}
	pos, err := sk.Seek(0, io.SeekCurrent)
	if err != nil {
		return src
	}
	end, err := sk.Seek(0, io.SeekEnd)
	if err != nil {
		return src
	}
	if _, err := sk.Seek(pos, io.SeekStart); err != nil {
		return src
	}
	src.ra, src.size = io.NewSectionReader(ra, pos, end-pos), end-pos
	return src
}

// textKind is how a text file's bytes are told apart before the CSV reader
// decides between UTF-8 and CP950.
type textKind uint8

const (
	textPlain   textKind = iota // UTF-8 or CP950, decided from the bytes
	textUTF8BOM                 // UTF-8 with a byte-order mark
	textUTF16LE                 // Excel's "Unicode text": UTF-16 little-endian
	textUTF16BE
)

// sniffLen is how many leading bytes sniff looks at.
const sniffLen = 4096

var (
	magicZip   = []byte("PK\x03\x04")
	magicOLE2  = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// sniff tells the format of src from its first bytes. For text it returns
// a reader that still yields every byte, and the kind of text; inputs that
// are neither text nor an .xlsx workbook are an error wrapping
// ErrNotSpreadsheet that names what they are.
func sniff(src source, name string) (Format, textKind, *bufio.Reader, error) {
	br := bufio.NewReaderSize(src.r, 64*1024)
	head, err := br.Peek(sniffLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return 0, 0, nil, msg.Errorf("%s: %w", name, err)
	}
	notSheet := func(what msg.Message) error {
		return msg.Errorf("%s: %v: %w", name, what, ErrNotSpreadsheet)
	}
	switch {
	case bytes.HasPrefix(head, magicZip):
		return FormatWorkbook, 0, br, nil
	case bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return 0, 0, nil, notSheet(msg.T("an empty zip archive"))
	case bytes.HasPrefix(head, magicOLE2):
		return 0, 0, nil, notSheet(describeOLE2(src, br))
	case bytes.HasPrefix(head, bomUTF8):
		return FormatText, textUTF8BOM, br, nil
	case bytes.HasPrefix(head, bomUTF16LE):
		return FormatText, textUTF16LE, br, nil
	case bytes.HasPrefix(head, bomUTF16BE):
		return FormatText, textUTF16BE, br, nil
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return 0, 0, nil, notSheet(msg.T("a PDF document: export the data as CSV or .xlsx instead"))
	}
	if what, ok := markupKind(head); ok {
		return 0, 0, nil, notSheet(what)
	}
	if bytes.IndexByte(head, 0) >= 0 {
		// Text has no NUL bytes, except UTF-16 written without its
		// byte-order mark: ASCII characters are then a byte and a NUL.
		switch utf16WithoutBOM(head) {
		case textUTF16LE:
			return FormatText, textUTF16LE, br, nil
		case textUTF16BE:
			return FormatText, textUTF16BE, br, nil
		}
		return 0, 0, nil, notSheet(msg.T("a binary file (it holds NUL bytes), not CSV text"))
	}
	return FormatText, textPlain, br, nil
}

// utf16WithoutBOM recognises UTF-16 by its NUL bytes: nearly all at odd
// offsets (little-endian) or at even ones (big-endian).
func utf16WithoutBOM(b []byte) textKind {
	b = b[:len(b)&^1]
	var even, odd int
	for i := 0; i < len(b); i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	pairs := len(b) / 2
	switch {
	case pairs == 0:
		return textPlain
	case odd*10 >= pairs*6 && even*50 <= pairs:
		return textUTF16LE
	case even*10 >= pairs*6 && odd*50 <= pairs:
		return textUTF16BE
	}
	return textPlain
}

// markupKind names HTML and XML content: web systems save an HTML table as
// .xls, and Excel 2003 wrote an XML spreadsheet. Neither is read.
func markupKind(head []byte) (msg.Message, bool) {
	h := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(head, bomUTF8), " \t\r\n"))
	switch {
	case bytes.HasPrefix(h, []byte("<!doctype html")), bytes.HasPrefix(h, []byte("<html")),
		bytes.HasPrefix(h, []byte("<table")), bytes.HasPrefix(h, []byte("<meta")):
		return msg.T("an HTML page (web systems often save one as .xls): open it in Excel and save it as .xlsx (Excel Workbook) or CSV"), true
	case bytes.HasPrefix(h, []byte("<?xml")) && bytes.Contains(h, []byte("urn:schemas-microsoft-com:office:spreadsheet")):
		return msg.T("an Excel 2003 XML spreadsheet: open it in Excel and save it as .xlsx (Excel Workbook) or CSV"), true
	case bytes.HasPrefix(h, []byte("<?xml")):
		return msg.T("an XML document, not a spreadsheet export"), true
	}
	return msg.Message{}, false
}

// describeOLE2 tells what an OLE2 compound file (the container of old
// Office files) holds: Excel keeps a password-protected .xlsx in one as an
// EncryptedPackage stream, and an old .xls as a Workbook (or Book) stream.
func describeOLE2(src source, br *bufio.Reader) msg.Message {
	var (
		encrypted = msg.T("a password-protected workbook: open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password) and save it as .xlsx, or save it as CSV")
		xls       = msg.T("an old Excel 97-2003 .xls workbook: open it in Excel and save it as .xlsx (Excel Workbook) or CSV")
		either    = msg.T("an old Excel .xls workbook or a password-protected one: open it in Excel and save it as .xlsx (Excel Workbook) without a password, or as CSV")
	)
	ra := src.ra
	if ra == nil {
		// A stream: look at what fits in the sniffing buffer's reach.
		data, err := io.ReadAll(io.LimitReader(br, maxStreamedWorkbookSize))
		if err != nil {
			return either
		}
		ra = bytes.NewReader(data)
	}
	doc, err := mscfb.New(ra)
	if err != nil {
		return either
	}
	var kind msg.Message
	for _, f := range doc.File {
		switch f.Name {
		case "EncryptedPackage", "EncryptionInfo":
			return encrypted
		case "Workbook", "Book":
			kind = xls
		case "WordDocument":
			if kind.IsZero() {
				kind = msg.T("a Word document, not a spreadsheet")
			}
		case "PowerPoint Document":
			if kind.IsZero() {
				kind = msg.T("a PowerPoint document, not a spreadsheet")
			}
		}
	}
	if kind.IsZero() {
		return either
	}
	return kind
}

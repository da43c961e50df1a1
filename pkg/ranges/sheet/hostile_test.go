package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/blanktrack/blanktrack/pkg/internal/benchmem"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// part is one file of a test zip archive; raw parts are written as they
// are, with the sizes and CRC given (a zip bomb).
type part struct {
	name string
	data []byte
	raw  *zip.FileHeader
}

func zipOf(t testing.TB, parts ...part) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, p := range parts {
		var w interface{ Write([]byte) (int, error) }
		var err error
		if p.raw != nil {
			h := *p.raw
			h.Name, h.Method = p.name, zip.Deflate
			w, err = z.CreateRaw(&h)
		} else {
			w, err = z.Create(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(p.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const (
	sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetTail = `</sheetData></worksheet>`
)

// workbookParts are the parts of a one-sheet workbook around sheet and
// sst (no shared-strings part when sst is nil).
func workbookParts(sheet part, sst *part) []part {
	rels := `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if sst != nil {
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	parts := []part{
		{name: "_rels/.rels", data: []byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)},
		{name: "xl/workbook.xml", data: []byte(`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)},
		{name: "xl/_rels/workbook.xml.rels", data: []byte(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels + `</Relationships>`)},
	}
	sheet.name = "xl/worksheets/sheet1.xml"
	parts = append(parts, sheet)
	if sst != nil {
		sst.name = "xl/sharedStrings.xml"
		parts = append(parts, *sst)
	}
	return parts
}

func sheetPart(rows string) part { return part{data: []byte(sheetHead + rows + sheetTail)} }

// readWorkbookBytes reads data as an invoice export with a ZK usage.
func readWorkbookBytes(t *testing.T, data []byte) (FileStats, *ranges.ErrorList, error) {
	t.Helper()
	var errs ranges.ErrorList
	st, err := one(ReadInvoices(context.Background(), bytes.NewReader(data), "w.xlsx", Options{}, zkUsage(t), &errs))
	return st, &errs, err
}

// bomb is a deflate stream of segment repeated n times, a few kilobytes a
// gigabyte: each copy of the compressed segment refers only to itself.
func bomb(t testing.TB, segment []byte, n int) (data []byte, size int64, crc uint32) {
	t.Helper()
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression)
	w.Write(segment)
	w.Flush()
	one := b.Bytes()
	data = bytes.Repeat(one, n)
	data = append(data, 0x03, 0x00) // an empty final block
	for range n {
		crc = crc32.Update(crc, crc32.IEEETable, segment)
	}
	return data, int64(len(segment)) * int64(n), crc
}

// noTempFiles points the temporary folder at an empty one and checks, at
// the end of the test, that nothing was left in it.
func noTempFiles(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	t.Cleanup(func() {
		if ents, _ := os.ReadDir(dir); len(ents) > 0 {
			t.Errorf("left in the temporary folder: %v", ents)
		}
	})
}

func TestZipBombs(t *testing.T) {
	noTempFiles(t)
	row := []byte(strings.Repeat(`<row><c t="inlineStr"><is><t>ZK00000100</t></is></c></row>`, 16<<10))
	data, size, crc := bomb(t, row, 2200) // 2 GiB of rows
	if len(data) > 8<<20 {
		t.Fatalf("the bomb is %d bytes", len(data))
	}
	sheetBomb := part{data: data, raw: &zip.FileHeader{CRC32: crc, CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(size)}}
	// The same stream in a part that says it is small: archive/zip stops
	// at the size it claims.
	liar := part{data: data, raw: &zip.FileHeader{CRC32: crc, CompressedSize64: uint64(len(data)), UncompressedSize64: 12 << 20}}
	sst := part{data: []byte(`<sst><si><t>x</t></si></sst>`)}
	tests := []struct {
		name  string
		parts []part
		want  string
	}{
		{"sheet", workbookParts(sheetBomb, &sst), "xl/worksheets/sheet1.xml inflates to 1.9 GiB, over the limit of 1.0 GiB"},
		{"shared strings", workbookParts(sheetPart(`<row r="1"><c t="s"><v>0</v></c></row>`), &sheetBomb), "xl/sharedStrings.xml inflates to 1.9 GiB"},
		{"lying sheet", workbookParts(liar, &sst), "xl/worksheets/sheet1.xml is damaged: zip: not a valid zip file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, _, err := readWorkbookBytes(t, zipOf(t, tt.parts...))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "w.xlsx") {
				t.Errorf("err = %v, want one naming the file and containing %q", err, tt.want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	// A part far more compressed than any sheet is a bomb, whatever its
	// size.
	old := maxPartBytes
	maxPartBytes = 1 << 40
	defer func() { maxPartBytes = old }()
	_, _, err := readWorkbookBytes(t, zipOf(t, workbookParts(sheetBomb, &sst)...))
	if err == nil || !strings.Contains(err.Error(), "times): spreadsheets compress far less; a zip bomb") {
		t.Errorf("ratio: err = %v", err)
	}
}

func TestWorkbookRowLimit(t *testing.T) {
	_, _, err := readWorkbookBytes(t, zipOf(t, workbookParts(sheetPart(`<row r="1"><c t="inlineStr"><is><t>發票號碼</t></is></c></row><row r="1048577"><c t="inlineStr"><is><t>ZK00000100</t></is></c></row>`), nil)...))
	if err == nil || !strings.Contains(err.Error(), "w.xlsx: sheet Sheet1, row 1048577: a worksheet has at most 1048576 rows") {
		t.Errorf("err = %v", err)
	}
}

func TestWorkbookFormulas(t *testing.T) {
	header := `<row r="1"><c r="A1" t="inlineStr"><is><t>發票號碼</t></is></c><c r="B1" t="inlineStr"><is><t>金額</t></is></c></row>`
	tests := []struct {
		name, rows, err string
		invoices        int
	}{
		// Written by a script: the formula has no saved value.
		{"excelize style", `<row r="2"><c r="A2"><f>"ZK"&amp;TEXT(100,"00000000")</f></c></row>`, `w.xlsx: sheet Sheet1, row 2, column A (發票號碼): a formula without a saved value`, 0},
		{"openpyxl style", `<row r="2"><c r="A2"><f>C2</f><v/></c></row>`, `row 2, column A (發票號碼): a formula without a saved value`, 0},
		// Saved by Excel: the value is there.
		{"cached", `<row r="2"><c r="A2" t="str"><f>C2</f><v>ZK00000100</v></c></row>`, "", 1},
		{"cached in another column", `<row r="2"><c r="A2" t="inlineStr"><is><t>ZK00000101</t></is></c><c r="B2"><f>C2*2</f></c></row>`, "", 1},
		{"empty text result", `<row r="2"><c r="A2" t="str"><f>IF(C2="","",C2)</f><v></v></c></row>`, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, errs, err := readWorkbookBytes(t, zipOf(t, workbookParts(sheetPart(header+tt.rows), nil)...))
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if len(errs.Errs) > 0 {
				got = errs.Errs[0].Error()
				if !errors.Is(errs.Errs[0], ErrNoCachedValue) {
					t.Errorf("%v is not ErrNoCachedValue", errs.Errs[0])
				}
			}
			if (tt.err == "") != (got == "") || !strings.Contains(got, tt.err) || st.Invoices != tt.invoices {
				t.Errorf("errors %q, invoices %d; want %q, %d", got, st.Invoices, tt.err, tt.invoices)
			}
		})
	}
}

func TestWorkbookHugeCells(t *testing.T) {
	long := strings.Repeat("長", maxCellChars+1)
	header := `<row r="1"><c r="A1" t="inlineStr"><is><t>發票號碼</t></is></c></row>`
	_, _, err := readWorkbookBytes(t, zipOf(t, workbookParts(sheetPart(header+`<row r="2"><c r="B2" t="inlineStr"><is><t>`+long+`</t></is></c></row>`), nil)...))
	var e *ranges.Error
	if !errors.As(err, &e) || e.Row != 2 || e.Col != 2 || !strings.Contains(err.Error(), "32768 characters") || len(err.Error()) > 300 {
		t.Errorf("a long inline cell: %v", err)
	}
	sst := part{data: []byte(`<sst><si><t>發票號碼</t></si><si><t>` + long + `</t></si></sst>`)}
	_, _, err = readWorkbookBytes(t, zipOf(t, workbookParts(sheetPart(`<row r="1"><c t="s"><v>0</v></c></row>`), &sst)...))
	if err == nil || !strings.Contains(err.Error(), "xl/sharedStrings.xml: shared string 1 has 32768 characters") {
		t.Errorf("a long shared string: %v", err)
	}
	// 8 MiB of text in one node: stopped at the text limit, not read whole.
	huge := strings.Repeat("x", 8<<20)
	_, _, err = readWorkbookBytes(t, zipOf(t, workbookParts(sheetPart(header+`<row r="2"><c r="B2"><v>`+huge+`</v></c></row>`), nil)...))
	if err == nil || !strings.Contains(err.Error(), "a text longer than 1 MiB") {
		t.Errorf("a huge text node: %v", err)
	}
}

func TestWorkbookWithoutSharedStrings(t *testing.T) {
	_, _, err := readWorkbookBytes(t, zipOf(t, workbookParts(sheetPart(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`), nil)...))
	var e *ranges.Error
	if !errors.As(err, &e) || e.Row != 1 || e.Col != 1 || !strings.Contains(err.Error(), "has no shared-strings part") {
		t.Errorf("err = %v", err)
	}
	sst := part{data: []byte(`<sst><si><t>發票號碼</t></si></sst>`)}
	_, _, err = readWorkbookBytes(t, zipOf(t, workbookParts(sheetPart(`<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>7</v></c></row>`), &sst)...))
	if !errors.As(err, &e) || e.Row != 2 || !strings.Contains(err.Error(), "refers to shared string 7, but the table has 1 strings") {
		t.Errorf("err = %v", err)
	}
}

// The shared strings move to a temporary file past the budget; the reading
// is the same, and the file is gone after, and after a cancelled read.
func TestSharedStringsSpill(t *testing.T) {
	noTempFiles(t)
	defer func(b int) { sstMemoryBudget = b }(sstMemoryBudget)
	sstMemoryBudget = 4096
	var rows, sis strings.Builder
	rows.WriteString(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`)
	sis.WriteString(`<si><t>發票號碼</t></si><si><t>發票狀態</t></si>`)
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&sis, `<si><t>ZK%08d</t></si><si><r><t>作</t></r><r><t>廢%d</t></r></si>`, 100+i%100, i)
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d" t="s"><v>%d</v></c></row>`, i+2, i+2, 2+2*i, i+2, 3+2*i)
	}
	// Out of order too: a lookup back.
	fmt.Fprintf(&rows, `<row r="3100"><c r="A3100" t="s"><v>2</v></c><c r="B3100" t="s"><v>1</v></c></row>`)
	sst := part{data: []byte(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + sis.String() + `</sst>`)}
	data := zipOf(t, workbookParts(sheetPart(rows.String()), &sst)...)
	st, errs, err := readWorkbookBytes(t, data)
	if err != nil || errs.Err() != nil || st.Invoices != 3001 || st.Voided != 3000 {
		t.Fatalf("stats %+v, err %v %v", st, err, errs.Err())
	}
	compareReaders(t, "spilled", data)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = ReadInvoices(ctx, bytes.NewReader(data), "w.xlsx", Options{}, zkUsage(t), &ranges.ErrorList{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

func TestWorkbookStreamCap(t *testing.T) {
	defer func(n int64) { maxStreamedWorkbookSize = n }(maxStreamedWorkbookSize)
	maxStreamedWorkbookSize = 1000
	data := genWorkbook(3)
	_, err := ReadInvoices(context.Background(), struct{ io.Reader }{bytes.NewReader(data)}, "s.xlsx", Options{}, zkUsage(t), &ranges.ErrorList{})
	if err == nil || !strings.Contains(err.Error(), "s.xlsx: a workbook over 1000 B read from a stream: give it as a file") {
		t.Errorf("err = %v", err)
	}
}

// cfb writes a minimal OLE2 compound file holding empty streams.
func cfb(names ...string) []byte {
	const sector = 512
	const free, end, fatSect, noStream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
	entries := 1 + len(names)
	dirSectors := (entries + 3) / 4
	out := make([]byte, sector*(2+dirSectors))
	h := out[:sector]
	copy(h, magicOLE2)
	le := binary.LittleEndian
	le.PutUint16(h[24:], 0x3E)
	le.PutUint16(h[26:], 3)
	le.PutUint16(h[28:], 0xFFFE)
	le.PutUint16(h[30:], 9)
	le.PutUint16(h[32:], 6)
	le.PutUint32(h[44:], 1) // FAT sectors
	le.PutUint32(h[48:], 1) // first directory sector
	le.PutUint32(h[56:], 4096)
	le.PutUint32(h[60:], end) // no mini FAT
	le.PutUint32(h[68:], end) // no DIFAT sectors
	le.PutUint32(h[76:], 0)   // FAT in sector 0
	for i := 1; i < 109; i++ {
		le.PutUint32(h[76+4*i:], free)
	}
	fat := out[sector : 2*sector]
	for i := 0; i < sector/4; i++ {
		le.PutUint32(fat[4*i:], free)
	}
	le.PutUint32(fat[0:], fatSect)
	for i := 0; i < dirSectors; i++ {
		next := uint32(end)
		if i+1 < dirSectors {
			next = uint32(2 + i)
		}
		le.PutUint32(fat[4*(1+i):], next)
	}
	dir := out[2*sector:]
	entry := func(i int, name string, typ byte, child, right uint32) {
		e := dir[128*i : 128*(i+1)]
		u := utf16.Encode([]rune(name))
		for k, c := range u {
			le.PutUint16(e[2*k:], c)
		}
		le.PutUint16(e[64:], uint16(2*len(u)+2))
		e[66], e[67] = typ, 1
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], right)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], end)
	}
	entry(0, "Root Entry", 5, 1, noStream)
	for i, n := range names {
		right := uint32(noStream)
		if i+2 <= len(names) {
			right = uint32(i + 2)
		}
		entry(1+i, n, 2, noStream, right)
	}
	return out
}

func TestSniffSaysWhatTheFileIs(t *testing.T) {
	zipped := zipOf(t, part{name: "sales.csv", data: []byte("發票號碼\nZK00000100\n")})
	ods := zipOf(t, part{name: "mimetype", data: []byte("application/vnd.oasis.opendocument.spreadsheet")}, part{name: "content.xml", data: []byte("<x/>")})
	xlsb := zipOf(t, part{name: "xl/workbook.bin", data: []byte{1}})
	whole := genWorkbook(1)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"encrypted.xlsx", cfb("\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"), "a password-protected workbook"},
		{"old.xls", cfb("Workbook", "\x05SummaryInformation"), "an old Excel 97-2003 .xls workbook"},
		{"old95.xls", cfb("Book"), "an old Excel 97-2003 .xls workbook"},
		{"letter.doc", cfb("WordDocument"), "a Word document"},
		{"broken.xls", magicOLE2, "an old Excel .xls workbook or a password-protected one"},
		{"cut.xlsx", whole[:len(whole)/2], "the file is cut short"},
		{"sales.zip.xlsx", zipped, "a zip archive, not an .xlsx workbook (it holds sales.csv): unzip it"},
		{"book.ods", ods, "an OpenDocument spreadsheet (.ods)"},
		{"book.xlsb", xlsb, "an Excel binary workbook (.xlsb)"},
		{"report.pdf", []byte("%PDF-1.7\n..."), "a PDF document"},
		{"export.xls", []byte("<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><table><tr><td>發票號碼</td></tr></table></html>"), "an HTML page (web systems often save one as .xls)"},
		{"xml2003.xls", []byte(`<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">`), "an Excel 2003 XML spreadsheet"},
		{"image.csv", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "a binary file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, open := range []string{"file", "stream"} {
				var err error
				if open == "file" {
					_, err = ReadInvoiceFile(context.Background(), writeFile(t, tt.name, tt.data), Options{}, zkUsage(t), &ranges.ErrorList{})
				} else {
					_, err = ReadInvoices(context.Background(), struct{ io.Reader }{bytes.NewReader(tt.data)}, tt.name, Options{}, zkUsage(t), &ranges.ErrorList{})
				}
				if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.name) {
					t.Errorf("%s: err = %v, want %q", open, err, tt.want)
				}
			}
		})
	}
	// The allocation reader tells them too.
	_, err := ReadAllocations(context.Background(), bytes.NewReader(cfb("EncryptedPackage")), "a.xlsx", &ranges.ErrorList{})
	if !errors.Is(err, ErrNotSpreadsheet) {
		t.Errorf("allocations: err = %v", err)
	}
}

// BenchmarkHostileInputs reads inputs built to exhaust memory and reports
// the peak, which must stay far under 256 MiB: most must stop with an
// error.
func BenchmarkHostileInputs(b *testing.B) {
	dir := b.TempDir()
	write := func(name string, f func(w io.Writer) error) string {
		path := dir + "/" + name
		out, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := errors.Join(f(out), out.Close()); err != nil {
			b.Fatal(err)
		}
		return path
	}
	// One 300 MiB line after the header.
	line := write("line.csv", func(w io.Writer) error {
		io.WriteString(w, "發票號碼\n")
		chunk := bytes.Repeat([]byte("ZK00000100 "), 1<<16)
		for n := 0; n < 300<<20; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return err
			}
		}
		return nil
	})
	// A workbook whose one cell is a 100 MiB text node.
	text := write("text.xlsx", func(w io.Writer) error {
		z := zip.NewWriter(w)
		for _, p := range workbookParts(part{}, nil) {
			if p.data == nil {
				continue
			}
			pw, _ := z.Create(p.name)
			pw.Write(p.data)
		}
		pw, _ := z.Create("xl/worksheets/sheet1.xml")
		io.WriteString(pw, sheetHead+`<row r="1"><c r="A1" t="inlineStr"><is><t>發票號碼</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>`)
		chunk := bytes.Repeat([]byte("x"), 1<<20)
		for range 100 {
			pw.Write(chunk)
		}
		io.WriteString(pw, `</t></is></c></row>`+sheetTail)
		return z.Close()
	})
	// A 2 GiB sheet in a few MB.
	bombFile := write("bomb.xlsx", func(w io.Writer) error {
		data, size, crc := bomb(b, []byte(strings.Repeat(`<row><c t="inlineStr"><is><t>ZK00000100</t></is></c></row>`, 16<<10)), 2200)
		sheet := part{data: data, raw: &zip.FileHeader{CRC32: crc, CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(size)}}
		_, err := w.Write(zipOf(b, workbookParts(sheet, nil)...))
		return err
	})
	// 50 million rows of three bytes: small chunks, not 16 million
	// parsed rows a chunk.
	tiny := write("tiny.csv", func(w io.Writer) error {
		io.WriteString(w, "發票號碼,備註\n")
		chunk := bytes.Repeat([]byte(",x\n"), 1<<20)
		for range 50 {
			if _, err := w.Write(chunk); err != nil {
				return err
			}
		}
		return nil
	})
	for _, in := range []struct {
		name, path string
		fails      bool
	}{{"csv-line-300MiB", line, true}, {"csv-tiny-rows-50M", tiny, false}, {"xlsx-text-100MiB", text, true}, {"xlsx-bomb-2GiB", bombFile, true}} {
		b.Run(in.name, func(b *testing.B) {
			var peak uint64
			for b.Loop() {
				peak = max(peak, benchmem.Peak(func() {
					u, err := ranges.NewUsage(testPeriod, []ranges.Allocation{alloc("53212539", ranges.TypeGeneral, "ZK", 100, 199)})
					if err != nil {
						b.Fatal(err)
					}
					if _, err := ReadInvoiceFile(context.Background(), in.path, Options{}, u, &ranges.ErrorList{}); (err != nil) != in.fails {
						b.Fatalf("err = %v", err)
					}
				}))
			}
			benchmem.Report(b, peak)
		})
	}
}

// cancelSink cancels the reading's context at the first invoice and counts
// the invoices after.
type cancelSink struct {
	*recorder
	cancel func()
	adds   int
}

func (c *cancelSink) Add(inv ranges.Invoice) ranges.Outcome {
	c.adds++
	c.cancel()
	return c.recorder.Add(inv)
}

// A cancelled read stops within ctxCheckRows rows, even when the sheet's
// row numbers skip (every other row here) or the rows are parsed ahead.
func TestCancelStopsReading(t *testing.T) {
	var rows strings.Builder
	rows.WriteString(`<row r="1"><c r="A1" t="inlineStr"><is><t>發票號碼</t></is></c></row>`)
	var text strings.Builder
	text.WriteString("發票號碼\n")
	for i := 0; i < 50000; i++ {
		fmt.Fprintf(&rows, `<row r="%d"><c t="inlineStr"><is><t>ZK%08d</t></is></c></row>`, 3+2*i, 100+i%100)
		fmt.Fprintf(&text, "ZK%08d\n\n", 100+i%100)
	}
	for name, data := range map[string][]byte{
		"w.xlsx": zipOf(t, workbookParts(sheetPart(rows.String()), nil)...),
		"c.csv":  []byte(text.String()),
	} {
		ctx, cancel := context.WithCancel(context.Background())
		sink := &cancelSink{recorder: zkUsage(t), cancel: cancel}
		_, err := ReadInvoices(ctx, bytes.NewReader(data), name, Options{}, sink, &ranges.ErrorList{})
		if !errors.Is(err, context.Canceled) || sink.adds > ctxCheckRows+1 {
			t.Errorf("%s: err %v after %d invoices", name, err, sink.adds)
		}
	}
}

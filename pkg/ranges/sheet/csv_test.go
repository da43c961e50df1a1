package sheet

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// refCSV is the obvious reading of CSV text, a byte at a time, as Excel
// and Python's csv (Excel dialect) read it, to check the chunked parser
// against: a field that starts with a quote is quoted, "" inside is a
// quote, the first quote that is not doubled ends the quoted section, and
// the rest of the field up to the separator (a comma, or a tab when the
// start of the text has more tabs) or a line end is text, quotes
// included. It returns the records, and the row each starts on as a
// spreadsheet numbers rows (a blank line is a row; a record is one row
// however many lines its quoted cells span). Unlike Python, a lone CR is
// text, not a line end, in a file with LF line ends; a file whose start
// has CRs and no LF (old Mac Excel's "CSV (Macintosh)") ends its lines
// with CR.
func refCSV(s string) (recs [][]string, rows []int) {
	if crOnly(s) {
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	sep := headSep(s)
	row, i := 1, 0
	for i < len(s) {
		switch {
		case s[i] == '\n':
			row, i = row+1, i+1
			continue
		case strings.HasPrefix(s[i:], "\r\n"):
			row, i = row+1, i+2
			continue
		case s[i:] == "\r":
			i++
			continue
		}
		var fields []string
		endRec := false
		for !endRec {
			var f []byte
			if i < len(s) && s[i] == '"' {
				i++
				for i < len(s) {
					c := s[i]
					if c == '"' {
						if i+1 < len(s) && s[i+1] == '"' {
							f = append(f, '"')
							i += 2
							continue
						}
						i++
						break
					}
					if c == '\r' && i+1 < len(s) && s[i+1] == '\n' {
						f = append(f, '\n')
						i += 2
						continue
					}
					if c == '\r' && i+1 == len(s) {
						i++
						continue
					}
					f = append(f, c)
					i++
				}
			}
			// An unquoted field, or the rest of a quoted one.
			rest := len(f)
			for i < len(s) && s[i] != sep && s[i] != '\n' {
				f = append(f, s[i])
				i++
			}
			switch {
			case i < len(s) && s[i] == sep:
				i++
			default:
				if i < len(s) {
					i++
				}
				if len(f) > rest && f[len(f)-1] == '\r' {
					f = f[:len(f)-1]
				}
				endRec = true
			}
			fields = append(fields, string(f))
		}
		recs = append(recs, fields)
		rows = append(rows, row)
		row++
	}
	return recs, rows
}

// headSep is the separator the start of s says: a tab or a comma.
func headSep(s string) byte {
	return separatorOf([]byte(s[:min(len(s), sepSniffLen)]))
}

// crOnly reports whether the start of s has CRs and no LF: its lines end
// with CR.
func crOnly(s string) bool {
	head := s[:min(len(s), sepSniffLen)]
	return !strings.Contains(head, "\n") && strings.Contains(head, "\r")
}

// parseChunked reads UTF-8 CSV text through the splitter and the parser
// with chunks of about size bytes.
func parseChunked(t testing.TB, s string, size int) (recs [][]string, rows []int, err error) {
	old := csvChunkSize
	csvChunkSize = size
	defer func() { csvChunkSize = old }()
	sp := newSplitter(textInput{r: strings.NewReader(s), mode: modeUTF8}, "t.csv")
	p := newCSVParser("t.csv")
	for {
		c := sp.next(context.Background())
		if c == nil {
			return recs, rows, nil
		}
		if c.err != nil {
			return recs, rows, c.err
		}
		err := p.parse(c, func(fields []string, row int) bool {
			recs = append(recs, slices.Clone(fields))
			rows = append(rows, row)
			return true
		})
		if errors.Is(err, ErrQuoteNotClosed) || errors.Is(err, ErrQuotedRows) {
			recs, rows = refCSV(s)
			if !spansInvoiceRow(recs) {
				t.Fatalf("%q: %v, but no cell spans a line with a separator", s, err)
			}
			return recs, rows, nil
		}
		if err != nil {
			return recs, rows, err
		}
	}
}

// spansInvoiceRow reports whether a field of recs spans lines and holds,
// after its first line, a line with a separator and an invoice number:
// what the parser takes for a quote not closed.
func spansInvoiceRow(recs [][]string) bool {
	number := regexp.MustCompile(`[A-Za-z]{2}-?[0-9]{8}|[A-Za-z]{2}[,\t][0-9]{8}`)
	for _, r := range recs {
		for _, f := range r {
			if i := strings.IndexByte(f, '\n'); i >= 0 && strings.ContainsAny(f[i:], ",\t") && number.MatchString(f[i:]) {
				return true
			}
		}
	}
	return false
}

// encodingCSV reads s with encoding/csv as the old reader did.
func encodingCSV(s string, lazy bool) ([][]string, error) {
	r := csv.NewReader(strings.NewReader(s))
	r.FieldsPerRecord = -1
	r.LazyQuotes = lazy
	r.Comma = rune(headSep(s))
	return r.ReadAll()
}

var csvCases = []string{
	"a,b,c\n1,2,3\n",
	"a,b\r\n\r\n1,2\r\n",
	"\n\na\n",
	`="00000050",x` + "\n",
	`a,"b,c","d""e"` + "\n",
	"\"multi\nline\",x\nnext\n",
	"x,\"multi\r\nline\"\nnext\n",
	"\"last\nfield\"\nnext\n",
	`a"b,c` + "\n",
	`"a"b,c` + "\n",
	`"unterminated,x` + "\nmore\n",
	"no newline at end",
	"trailing cr\r",
	"\"q\"\r",
	"a,\r\nb\r\r\n",
	",,\n",
	`""` + "\n",
	"\"a\"\"\"\n",
	"\"\"\"\"\n",
	"a\rb,c\n",
	"\"x\"\ry\"\n",
	"a,\"好\"x,b\nc\n",
	"\"a\" ,b\n",
	"\"a\"b\"c\",d\n",
	"a\rb\r\r\"c\rd\"\r",
	"a\tb,c\t\"d\"e\n",
}

func TestCSVParserMatchesReference(t *testing.T) {
	for _, s := range csvCases {
		wantRecs, wantRows := refCSV(s)
		for _, size := range []int{1, 2, 3, 7, 64, 1 << 20} {
			recs, rows, err := parseChunked(t, s, size)
			if err != nil {
				t.Fatalf("%q: %v", s, err)
			}
			if !slices.EqualFunc(recs, wantRecs, slices.Equal) || !slices.Equal(rows, wantRows) {
				t.Errorf("%q, chunks of %d:\n got %q rows %v\nwant %q rows %v", s, size, recs, rows, wantRecs, wantRows)
			}
		}
		if want, err := encodingCSV(s, false); err == nil && !crOnly(s) && !slices.EqualFunc(wantRecs, want, slices.Equal) {
			t.Errorf("%q: reference %q, encoding/csv %q", s, wantRecs, want)
		}
	}
}

// The row numbers are the spreadsheet's: what a user sees opening the file.
func TestCSVRowNumbers(t *testing.T) {
	tests := []struct {
		in   string
		rows []int
	}{
		{"a\n\nb\n", []int{1, 3}},
		{"a,\"x\ny\"\nb\n", []int{1, 2}},
		// A quoted last cell spanning lines: the old reader said row 3.
		{"\"x\ny\"\nb\n", []int{1, 2}},
		{"a\r\n\r\nb", []int{1, 3}},
		{"h\n\"1\n2\n3\",x\n\nz\n", []int{1, 2, 4}},
	}
	for _, tt := range tests {
		_, rows, err := parseChunked(t, tt.in, 3)
		if err != nil || !slices.Equal(rows, tt.rows) {
			t.Errorf("%q: rows %v (%v), want %v", tt.in, rows, err, tt.rows)
		}
	}
}

// randomCSV is CSV-ish text made of the pieces that matter to the parser.
func randomCSV(r *rand.Rand) string {
	pieces := []string{"a", "b", "ZK00000100", ",", ",", "\n", "\r\n", "\"", "\"\"", "\r", "=\"0050\"", " ", "字軌", "\"x,y\"", "\"a\nb\""}
	var b strings.Builder
	for n := r.IntN(60); n > 0; n-- {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

func TestCSVChunkBoundaries(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		s := randomCSV(r)
		wantRecs, wantRows := refCSV(s)
		size := 1 + r.IntN(16)
		recs, rows, err := parseChunked(t, s, size)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if !slices.EqualFunc(recs, wantRecs, slices.Equal) || !slices.Equal(rows, wantRows) {
			t.Fatalf("%q, chunks of %d:\n got %q rows %v\nwant %q rows %v", s, size, recs, rows, wantRecs, wantRows)
		}
	}
}

// FuzzCSVParser checks the chunked parser against the reference on any
// text, and against encoding/csv on well-formed CSV (which it reads
// strictly; its lazy quotes are not Excel's).
func FuzzCSVParser(f *testing.F) {
	for _, s := range csvCases {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, size uint8) {
		if !utf8.ValidString(s) || len(s) > 4096 {
			return
		}
		wantRecs, wantRows := refCSV(s)
		recs, rows, err := parseChunked(t, s, 1+int(size%32))
		if err != nil {
			t.Fatalf("%v", err)
		}
		if !slices.EqualFunc(recs, wantRecs, slices.Equal) || !slices.Equal(rows, wantRows) {
			t.Fatalf("got %q rows %v\nwant %q rows %v", recs, rows, wantRecs, wantRows)
		}
		if crOnly(s) {
			return // encoding/csv knows no CR line ends
		}
		if want, err := encodingCSV(s, false); err == nil && !slices.EqualFunc(recs, want, slices.Equal) {
			t.Fatalf("got %q, encoding/csv %q", recs, want)
		}
	})
}

// readText reads text as ReadInvoices sees it and returns its rows.
func readText(t *testing.T, data []byte) (rows [][]string, nums []int, enc string, err error) {
	t.Helper()
	format, kind, br, err := sniff(newSource(bytes.NewReader(data)), "x.csv")
	if err != nil {
		return nil, nil, "", err
	}
	if format != FormatText {
		t.Fatalf("format %v", format)
	}
	ct := newCSV(context.Background(), newTextInput(br, kind), "x.csv")
	for ct.Next() {
		rows = append(rows, slices.Clone(ct.Row()))
		nums = append(nums, ct.RowNum())
	}
	ct.Close()
	return rows, nums, ct.Encoding(), ct.Err()
}

// Excel's "Unicode text" export: UTF-16 little-endian with a BOM, cells
// separated by tabs.
func TestReadInvoicesExcelUnicodeText(t *testing.T) {
	text := "發票號碼\t發票狀態\t發票日期\r\nZK00000100\t開立\t2025/10/01\r\nZK00000101\t作廢\t2025/10/02\r\n\"ZK00000102\"\t\"開立\"\t2025/10/03\r\n"
	for _, tt := range []struct {
		name, enc string
		order     unicode.Endianness
		bom       unicode.BOMPolicy
	}{
		{"le.txt", "UTF-16LE, tab-separated", unicode.LittleEndian, unicode.UseBOM},
		{"be.txt", "UTF-16BE, tab-separated", unicode.BigEndian, unicode.UseBOM},
		{"nobom.txt", "UTF-16LE, tab-separated", unicode.LittleEndian, unicode.IgnoreBOM},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data, err := unicode.UTF16(tt.order, tt.bom).NewEncoder().Bytes([]byte(text))
			if err != nil {
				t.Fatal(err)
			}
			u := zkUsage(t)
			var errs ranges.ErrorList
			st, err := one(ReadInvoiceFile(context.Background(), writeFile(t, tt.name, data), Options{}, u, &errs))
			if err != nil || errs.Err() != nil {
				t.Fatalf("err %v, errs %v", err, errs.Err())
			}
			if st.Encoding != tt.enc || st.Invoices != 3 || st.Voided != 1 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestCSVTabSeparatedCP950(t *testing.T) {
	rows, _, enc, err := readText(t, big5(t, "發票號碼\t狀態\nZK00000100\t作廢\n"))
	if err != nil || enc != "CP950, tab-separated" || len(rows) != 2 || rows[1][1] != "作廢" {
		t.Fatalf("rows %q, encoding %q, err %v", rows, enc, err)
	}
}

// Review 14: a CSV file separated by semicolons (Excel's CSV where the
// list separator is ';') got "no header row", and --col-number could not
// help. A semicolon is the separator when that is unambiguous: semicolons,
// and no tab nor comma outside quotes.
func TestCSVSemicolonSeparated(t *testing.T) {
	tests := []struct {
		name, data string
		sep        byte
	}{
		{"semicolons", "發票號碼;發票日期\nZK00000100;2025/10/01\n", ';'},
		{"comma quoted", "發票號碼;買方名稱\nZK00000100;\"甲, 乙\"\n", ';'},
		{"comma outside quotes", "發票號碼;金額\nZK00000100;1,200\n", ';'},
		{"semicolon in a cell", "發票號碼,備註\nZK00000100,a;b\n", ','},
		{"tab", "發票號碼\t備註\nZK00000100\ta;b\n", '\t'},
		{"none", "發票號碼\nZK00000100\n", ','},
	}
	for _, tt := range tests {
		if got := headSep(tt.data); got != tt.sep {
			t.Errorf("%s: separator %q, want %q", tt.name, got, tt.sep)
		}
	}
	rows, _, enc, err := readText(t, big5(t, "發票號碼;發票狀態\r\nZK00000100;作廢\r\n"))
	if err != nil || enc != "CP950, semicolon-separated" || len(rows) != 2 || rows[1][1] != "作廢" {
		t.Fatalf("rows %q, encoding %q, err %v", rows, enc, err)
	}
}

// Review rv1, finding 6: a semicolon CSV was taken so only when its first
// 64 KiB held no comma outside quotes, but where the decimal separator is
// a comma Excel writes 1234,50 and 大同,台北分公司 unquoted, and the file
// got "no header row". The header line decides: the first line of the
// first 10 with an invoice-number header when split by a separator, or
// else the line with the most separators. A comma CSV with semicolons in
// its cells stays a comma CSV.
func TestCSVSeparatorFromHeaderLine(t *testing.T) {
	tests := []struct {
		name, data string
		c          Columns
		want       []string
	}{
		{"decimal comma", "發票號碼;發票日期;金額\nZK00000000;2025/10/01;1234,50\nZK00000001;2025/10/01;99,00\n", Columns{}, []string{"ZK00000000", "ZK00000001"}},
		{"track apart", "字軌;發票號碼;日期;金額\nZK;00000002;2025/10/01;1,5\n", Columns{}, []string{"ZK00000002"}},
		{"unquoted comma", "發票號碼;發票日期;買方名稱\nZK00000003;2025/10/01;大同,台北分公司\n", Columns{}, []string{"ZK00000003"}},
		{"title line", "銷項發票,2025年,10月\n\n發票號碼;發票日期\nZK00000004;2025/10/01\n", Columns{}, []string{"ZK00000004"}},
		{"comma CSV, semicolons in cells", "發票號碼,發票日期,買方名稱\nZK00000005,2025/10/01,\"A;B\"\nZK00000006,2025/10/01,C;D\n", Columns{}, []string{"ZK00000005", "ZK00000006"}},
		{"header named", "票號;日期;金額\nZK00000007;2025/10/01;1,5\n", Columns{Number: "票號"}, []string{"ZK00000007"}},
	}
	for _, tt := range tests {
		got, err := readCSV(t, tt.data, tt.c)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, %v: want %v", tt.name, got, err, tt.want)
		}
	}
	u := newRecorder(t, alloc("53212539", ranges.TypeGeneral, "ZK", 0, 49))
	var errs ranges.ErrorList
	_, err := ReadInvoices(context.Background(), bytes.NewReader(big5(t, "發票號碼;買方名稱\r\nZK00000008;大同,台北\r\n")), "big5.csv", Options{}, u, &errs)
	if err != nil || errs.Err() != nil || !slices.Equal(usedNumbers(t, u), []string{"ZK00000008"}) {
		t.Errorf("CP950: %v, %v, %v", usedNumbers(t, u), err, errs.Err())
	}
	// A file read as semicolon-separated that has no header says so.
	_, err = readCSV(t, "票號;日期;金額\nZK00000007;2025/10/01;1,5\n", Columns{})
	if !errors.Is(err, ErrNoHeader) || !strings.Contains(err.Error(), "made the file read as semicolon-separated") {
		t.Errorf("no header: %v", err)
	}
}

// CP950 text is split into cells before it is decoded: a Big5 character
// whose second byte is a backslash or a letter stays whole, and bytes that
// are not Big5 become U+FFFD in their own cell only.
func TestCSVCP950DecodedPerCell(t *testing.T) {
	data := append(big5(t, "號碼,許功蓋,備註\nZK00000100,"), 0x81, ',')
	data = append(data, big5(t, "開立\n")...)
	rows, _, enc, err := readText(t, data)
	if err != nil || enc != "CP950" {
		t.Fatalf("encoding %q, err %v", enc, err)
	}
	if rows[0][1] != "許功蓋" || rows[1][1] != "\ufffd" || rows[1][2] != "開立" {
		t.Errorf("rows %q", rows)
	}
}

func TestCSVLimits(t *testing.T) {
	old := maxRecordBytes
	maxRecordBytes = 1 << 16
	var e *ranges.Error
	oldChunk := csvChunkSize
	for _, chunk := range []int{oldChunk, 4096} { // the parser finds it, or the splitter
		csvChunkSize = chunk
		huge := "發票號碼\nZK00000100\n" + strings.Repeat("x,", 3<<15) + "\nZK00000101\n"
		_, err := ReadInvoices(context.Background(), strings.NewReader(huge), "long.csv", Options{}, zkUsage(t), &ranges.ErrorList{})
		if !errors.As(err, &e) || e.Row != 3 || !strings.Contains(err.Error(), "longer than 64.0 KiB") {
			t.Errorf("a long line: err %v, want a located error at row 3", err)
		}
	}
	maxRecordBytes, csvChunkSize = old, oldChunk

	cellText := "發票號碼,備註\nZK00000100," + strings.Repeat("長", maxCellChars+1) + "\n"
	_, err := ReadInvoices(context.Background(), strings.NewReader(cellText), "cell.csv", Options{}, zkUsage(t), &ranges.ErrorList{})
	if !errors.As(err, &e) || e.Row != 2 || e.Col != 2 || !strings.Contains(err.Error(), "32768 characters") {
		t.Errorf("a long cell: err %v", err)
	}
	if err != nil && len(err.Error()) > 300 {
		t.Errorf("the message quotes %d bytes", len(err.Error()))
	}

	wide := "發票號碼\n" + strings.Repeat(",", maxColumns+1) + "\n"
	_, err = ReadInvoices(context.Background(), strings.NewReader(wide), "wide.csv", Options{}, zkUsage(t), &ranges.ErrorList{})
	if !errors.As(err, &e) || e.Row != 2 || !strings.Contains(err.Error(), "16384 cells") {
		t.Errorf("too many cells: err %v", err)
	}
}

// A formula in a CSV file is text: its result is not in the file.
func TestCSVFormulaIsAnError(t *testing.T) {
	data := "字軌,號碼\nZK,=B1+1\nZK,=\"00000101\"\n"
	var errs ranges.ErrorList
	st, err := one(ReadInvoices(context.Background(), strings.NewReader(data), "f.csv", Options{}, zkUsage(t), &errs))
	if err != nil {
		t.Fatal(err)
	}
	if st.Invoices != 1 || len(errs.Errs) != 1 || !strings.Contains(errs.Errs[0].Error(), `f.csv: row 2, column B (號碼): "=B1+1" is a formula`) {
		t.Errorf("stats %+v, errors %v", st, errs.Error())
	}
}

// dripReader hands out a little at a time, after a pause, like a pipe or
// a share, and counts its reads.
type dripReader struct {
	r     io.Reader
	pause time.Duration
	reads int
}

func (d *dripReader) Read(p []byte) (int, error) {
	d.reads++
	time.Sleep(d.pause)
	return d.r.Read(p[:min(len(p), 1024)])
}

// Cancelling stops the reader and its goroutines.
func TestCSVCancel(t *testing.T) {
	var b strings.Builder
	b.WriteString("發票號碼\n")
	for i := 0; i < 200000; i++ {
		fmt.Fprintf(&b, "ZK%08d\n", 100+i%100)
	}
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sr := &dripReader{r: strings.NewReader(b.String())}
	_, err := ReadInvoices(ctx, sr, "c.csv", Options{}, zkUsage(t), &ranges.ErrorList{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
	if sr.reads > 100 {
		t.Errorf("%d reads after the context was cancelled", sr.reads)
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines left running", n-before)
	}
}

// Many rows through the workers: every invoice counted once, in order,
// with its row.
func TestCSVParallelOrder(t *testing.T) {
	defer func(s int) { csvChunkSize = s }(csvChunkSize)
	csvChunkSize = 256
	var b strings.Builder
	b.WriteString("發票號碼,狀態\n")
	want := 0
	for i := 0; i < 5000; i++ {
		if i%7 == 3 {
			b.WriteString("\n") // blank rows count
			continue
		}
		fmt.Fprintf(&b, "ZK%08d,\"開\n立\"\n", 100+i%100)
		want++
	}
	b.WriteString("bad\n")
	u := zkUsage(t)
	var errs ranges.ErrorList
	st, err := one(ReadInvoices(context.Background(), strings.NewReader(b.String()), "p.csv", Options{}, u, &errs))
	if err != nil {
		t.Fatal(err)
	}
	if st.Invoices != want || len(errs.Errs) != 1 {
		t.Fatalf("%d invoices, want %d; errors %v", st.Invoices, want, errs.Error())
	}
	var e *ranges.Error
	if !errors.As(errs.Errs[0], &e) || e.Row != 5002 {
		t.Errorf("error at %+v, want row 5002", e)
	}
	for i, n := range u.counted {
		if want := fmt.Sprintf("ZK%08d", 100+i%100); i < 3 && n != want {
			t.Errorf("invoice %d is %s, want %s", i, n, want)
		}
	}
}

// Cancelled while the reader waits for a slow source in the middle of a
// chunk, the reading ends with the context's error: no chunk is lost, so
// nothing waits for it.
func TestCSVCancelWhileFilling(t *testing.T) {
	var b strings.Builder
	b.WriteString("發票號碼\n")
	for i := 0; i < 300000; i++ {
		fmt.Fprintf(&b, "ZK%08d\n", 100+i%100)
	}
	for _, after := range []time.Duration{0, 20 * time.Millisecond, 150 * time.Millisecond} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(after, cancel)
		done := make(chan error, 1)
		go func() {
			_, err := ReadInvoices(ctx, &dripReader{r: strings.NewReader(b.String()), pause: 200 * time.Microsecond}, "d.csv", Options{}, zkUsage(t), &ranges.ErrorList{})
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled after %v: err = %v", after, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("cancelled after %v: the reading did not end", after)
		}
	}
}

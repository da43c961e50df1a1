// Package xlsxfixture writes .xlsx workbooks shaped the way Excel and
// LibreOffice save them: every text cell in the shared-string table (t="s"),
// numbers as numeric cells, dates as serials with a date number format, and a
// <dimension>. excelize's StreamWriter writes inline strings only, so
// fixtures made with it never exercise the shared-string path real exports
// take; this package exists for realistic test data and benchmarks.
package xlsxfixture

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// Kind is what a cell holds.
type Kind uint8

// Cell kinds.
const (
	Empty Kind = iota
	String
	Number
	Date
)

// Cell is one cell.
type Cell struct {
	Kind Kind
	S    string
	N    float64
	T    time.Time
}

// S makes a text cell, N a numeric cell, D a date cell.
func S(s string) Cell      { return Cell{Kind: String, S: s} }
func N(n float64) Cell     { return Cell{Kind: Number, N: n} }
func D(t time.Time) Cell   { return Cell{Kind: Date, T: t} }
func Row(c ...Cell) []Cell { return c }

// Sheet is a named sheet whose rows come from Rows, called once with a
// function to pass each row to; rows may be produced on the fly.
type Sheet struct {
	Name string
	Rows func(emit func([]Cell))
	// State is the sheet's visibility as workbook.xml says it: "hidden",
	// "veryHidden", or empty for a visible sheet.
	State string
}

// Write writes a workbook with the given sheets to w.
func Write(w io.Writer, sheets []Sheet) error {
	z := zip.NewWriter(w)
	sst := &sharedStrings{index: map[string]int{}}
	for i, sh := range sheets {
		f, err := z.Create(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1))
		if err != nil {
			return err
		}
		if err := writeSheet(f, sh, sst); err != nil {
			return err
		}
	}
	parts := map[string]string{
		"[Content_Types].xml":        contentTypes(len(sheets)),
		"_rels/.rels":                rootRels,
		"xl/workbook.xml":            workbook(sheets),
		"xl/_rels/workbook.xml.rels": workbookRels(len(sheets)),
		"xl/styles.xml":              styles,
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"} {
		f, err := z.Create(name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, parts[name]); err != nil {
			return err
		}
	}
	f, err := z.Create("xl/sharedStrings.xml")
	if err != nil {
		return err
	}
	if err := sst.write(f); err != nil {
		return err
	}
	return z.Close()
}

type sharedStrings struct {
	index map[string]int
	list  []string
	count int
}

func (s *sharedStrings) id(v string) int {
	s.count++
	if i, ok := s.index[v]; ok {
		return i
	}
	s.index[v] = len(s.list)
	s.list = append(s.list, v)
	return len(s.list) - 1
}

func (s *sharedStrings) write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, s.count, len(s.list))
	for _, v := range s.list {
		bw.WriteString(`<si><t xml:space="preserve">`)
		xml.EscapeText(bw, []byte(v))
		bw.WriteString(`</t></si>`)
	}
	bw.WriteString(`</sst>`)
	return bw.Flush()
}

func writeSheet(w io.Writer, sh Sheet, sst *sharedStrings) error {
	// The dimension comes first in the file but is known only at the end, so
	// rows are counted in a first pass over the generator.
	nrows, ncols := 0, 0
	sh.Rows(func(r []Cell) {
		nrows++
		ncols = max(ncols, len(r))
	})
	bw := bufio.NewWriterSize(w, 64*1024)
	dim := "A1"
	if nrows > 0 && ncols > 0 {
		end, _ := excelize.CoordinatesToCellName(ncols, nrows)
		dim = "A1:" + end
	}
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+
		`<dimension ref="%s"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>`, dim)
	rowNum := 0
	var buf []byte
	sh.Rows(func(r []Cell) {
		rowNum++
		buf = buf[:0]
		buf = fmt.Appendf(buf, `<row r="%d">`, rowNum)
		for i, c := range r {
			if c.Kind == Empty || (c.Kind == String && c.S == "") {
				continue // Excel stores no cell for an empty one
			}
			ref, _ := excelize.CoordinatesToCellName(i+1, rowNum)
			switch c.Kind {
			case String:
				buf = fmt.Appendf(buf, `<c r="%s" t="s"><v>%d</v></c>`, ref, sst.id(c.S))
			case Number:
				buf = fmt.Appendf(buf, `<c r="%s"><v>%s</v></c>`, ref, strconv.FormatFloat(c.N, 'f', -1, 64))
			case Date:
				serial := excelSerial(c.T)
				buf = fmt.Appendf(buf, `<c r="%s" s="1"><v>%s</v></c>`, ref, strconv.FormatFloat(serial, 'f', -1, 64))
			}
		}
		buf = append(buf, "</row>"...)
		bw.Write(buf)
	})
	bw.WriteString(`</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`)
	return bw.Flush()
}

// excelSerial is the 1900-system serial of t's calendar date and time,
// fractions of a second included, as Excel keeps them.
func excelSerial(t time.Time) float64 {
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	d := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	return d.Sub(base).Hours() / 24
}

func contentTypes(n int) string {
	s := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`
	for i := 1; i <= n; i++ {
		s += fmt.Sprintf(`<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i)
	}
	return s + `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
		`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`
}

const rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
	`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`

func workbook(sheets []Sheet) string {
	s := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`
	for i, sh := range sheets {
		var name []byte
		name, _ = xmlEscape(sh.Name)
		state := ""
		if sh.State != "" {
			state = fmt.Sprintf(` state="%s"`, sh.State)
		}
		s += fmt.Sprintf(`<sheet name="%s" sheetId="%d"%s r:id="rId%d"/>`, name, i+1, state, i+1)
	}
	return s + `</sheets></workbook>`
}

func xmlEscape(s string) ([]byte, error) {
	var b []byte
	w := &appendWriter{&b}
	err := xml.EscapeText(w, []byte(s))
	return b, err
}

type appendWriter struct{ b *[]byte }

func (a *appendWriter) Write(p []byte) (int, error) { *a.b = append(*a.b, p...); return len(p), nil }

func workbookRels(n int) string {
	s := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`
	for i := 1; i <= n; i++ {
		s += fmt.Sprintf(`<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i, i)
	}
	return s + fmt.Sprintf(`<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, n+1) +
		fmt.Sprintf(`<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, n+2) +
		`</Relationships>`
}

// styles has two cell formats: 0 general, 1 a date (built-in format 14).
const styles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
	`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`

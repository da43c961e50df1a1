package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// genWorkbook writes a random workbook of the kinds of XML that real
// writers produce, to compare the reader with excelize on: shared strings
// (plain, rich text in runs, with phonetic runs and _xHHHH_ escapes),
// inline strings, numbers, booleans, errors, formulas with and without
// saved values, empty styled cells, rows and cells without r attributes,
// gaps between rows, namespace prefixes, the 1904 date system, entities,
// CDATA, comments and line ends in text.
func genWorkbook(seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var sst []string // raw <si> contents
	prefix := ""
	if r.IntN(6) == 0 {
		prefix = "x:"
	}
	nsheets := 1 + r.IntN(3)
	var sheets []string
	for s := 0; s < nsheets; s++ {
		var b strings.Builder
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n")
		if prefix != "" {
			fmt.Fprintf(&b, `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		} else {
			fmt.Fprintf(&b, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`)
		}
		fmt.Fprintf(&b, `<%sdimension ref="A1:H40"/><%ssheetViews><%ssheetView workbookViewId="0"/></%ssheetViews>`, prefix, prefix, prefix, prefix)
		if r.IntN(4) == 0 {
			b.WriteString(`<!-- written by a test -->`)
		}
		fmt.Fprintf(&b, `<%ssheetData>`, prefix)
		row := 0
		nrows := r.IntN(40)
		for i := 0; i < nrows; i++ {
			// Gaps are empty rows; a row without r is the one after the
			// last, so numbers only grow either way.
			row += 1 + r.IntN(3)*r.IntN(2)
			withR := r.IntN(5) != 0
			if withR {
				fmt.Fprintf(&b, `<%srow r="%d" spans="1:8">`, prefix, row)
			} else {
				fmt.Fprintf(&b, `<%srow>`, prefix)
			}
			col := 0
			ncells := r.IntN(9)
			for j := 0; j < ncells; j++ {
				col += 1 + r.IntN(2)*r.IntN(3)
				if col > 12 {
					break
				}
				// A cell without r is the one after the last.
				ref := ""
				if withR && r.IntN(6) != 0 {
					ref = fmt.Sprintf(` r="%s%d"`, ranges.ColumnName(col), row)
				}
				writeCell(&b, r, prefix, ref, &sst)
			}
			fmt.Fprintf(&b, `</%srow>`, prefix)
		}
		fmt.Fprintf(&b, `</%ssheetData><%spageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></%sworksheet>`, prefix, prefix, prefix)
		sheets = append(sheets, b.String())
	}
	return zipWorkbook(sheets, sst, r.IntN(3) == 0, r.IntN(5) == 0)
}

// randText is text with the characters that need care in XML and in OOXML.
func randText(r *rand.Rand) string {
	parts := []string{"ZK", "00000150", "發票", "開立", "作廢", " ", "  lead", "trail ", "a&b", "<tag>", `"q"`, "'s", "_x000D_", "_x005F_x0041_", "x_y", "\n", "1.5", "=SUM(A1)", "é", "😀", "\t"}
	n := 1 + r.IntN(3)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(parts[r.IntN(len(parts))])
	}
	return b.String()
}

// xmlText escapes text for XML, sometimes as CDATA, with CRLF line ends
// now and then (XML reads them as LF).
func xmlText(r *rand.Rand, s string) string {
	if r.IntN(8) == 0 && !strings.Contains(s, "]]>") {
		return "<![CDATA[" + s + "]]>"
	}
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '&':
			b.WriteString("&amp;")
		case c == '<':
			b.WriteString("&lt;")
		case c == '>':
			b.WriteString([]string{"&gt;", ">"}[r.IntN(2)])
		case c == '"':
			b.WriteString([]string{"&quot;", `"`}[r.IntN(2)])
		case c == '\n' && r.IntN(3) == 0:
			b.WriteString("\r\n")
		case c == 'é' && r.IntN(2) == 0:
			b.WriteString("&#233;")
		case c == '😀' && r.IntN(2) == 0:
			b.WriteString("&#x1F600;")
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func tElem(r *rand.Rand, prefix, s string) string {
	space := ""
	if strings.TrimSpace(s) != s || r.IntN(2) == 0 {
		space = ` xml:space="preserve"`
	}
	return fmt.Sprintf(`<%st%s>%s</%st>`, prefix, space, xmlText(r, s), prefix)
}

// richText is the inside of an <si> or <is>: plain, or runs with
// formatting and sometimes a phonetic run that is not shown.
func richText(r *rand.Rand, prefix string) string {
	switch r.IntN(4) {
	case 0:
		var b strings.Builder
		for k := 0; k < 1+r.IntN(3); k++ {
			fmt.Fprintf(&b, `<%sr><%srPr><%sb/><%ssz val="11"/></%srPr>%s</%sr>`, prefix, prefix, prefix, prefix, prefix, tElem(r, prefix, randText(r)), prefix)
		}
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, `<%srPh sb="0" eb="1"><%st>ハツ</%st></%srPh><%sphoneticPr fontId="1"/>`, prefix, prefix, prefix, prefix, prefix)
		}
		return b.String()
	case 1:
		return fmt.Sprintf(`<%st/>`, prefix)
	}
	return tElem(r, prefix, randText(r))
}

func writeCell(b *strings.Builder, r *rand.Rand, prefix, ref string, sst *[]string) {
	style := ""
	if r.IntN(3) == 0 {
		style = ` s="1"`
	}
	c := func(attrs, body string) {
		if body == "" && r.IntN(2) == 0 {
			fmt.Fprintf(b, `<%sc%s%s%s/>`, prefix, ref, style, attrs)
			return
		}
		fmt.Fprintf(b, `<%sc%s%s%s>%s</%sc>`, prefix, ref, style, attrs, body, prefix)
	}
	v := func(s string) string { return fmt.Sprintf(`<%sv>%s</%sv>`, prefix, s, prefix) }
	f := func(s string) string { return fmt.Sprintf(`<%sf>%s</%sf>`, prefix, s, prefix) }
	switch r.IntN(12) {
	case 0, 1, 2:
		*sst = append(*sst, richText(r, prefix))
		c(` t="s"`, v(fmt.Sprint(len(*sst)-1)))
	case 3:
		c(` t="inlineStr"`, fmt.Sprintf(`<%sis>%s</%sis>`, prefix, richText(r, prefix), prefix))
	case 4:
		c("", v(fmt.Sprint(r.IntN(100000))))
	case 5:
		c(` t="n"`, v(fmt.Sprintf("%.4f", r.Float64()*50000)))
	case 6:
		c(` t="b"`, v(fmt.Sprint(r.IntN(2))))
	case 7:
		c(` t="e"`, v("#N/A"))
	case 8:
		c(` t="str"`, f("A1&amp;B1")+v(xmlText(r, randText(r))))
	case 9:
		c("", f("SUM(A1:A3)")+v(fmt.Sprint(r.IntN(1000))))
	case 10:
		// A formula without a saved value, as scripts write them.
		if r.IntN(2) == 0 {
			c("", f("B2+1"))
		} else {
			c("", f("B2+1")+fmt.Sprintf(`<%sv/>`, prefix))
		}
	default:
		c("", "")
	}
}

func zipWorkbook(sheets []string, sst []string, date1904, noRels bool) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	add := func(name, body string) {
		w, _ := z.Create(name)
		w.Write([]byte(body))
	}
	var ct, wbSheets, rels strings.Builder
	for i := range sheets {
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		fmt.Fprintf(&wbSheets, `<sheet name="S%d 表" sheetId="%d" r:id="rId%d"/>`, i+1, i+1, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
	}
	add("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+ct.String()+`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	add("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	pr := ""
	if date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	add("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+pr+`<sheets>`+wbSheets.String()+`</sheets></workbook>`)
	if !noRels {
		rels.WriteString(fmt.Sprintf(`<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, len(sheets)+1))
	}
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels.String()+`</Relationships>`)
	for i, s := range sheets {
		add(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), s)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(sst), len(sst))
	for _, si := range sst {
		sb.WriteString("<si>" + si + "</si>")
	}
	sb.WriteString("</sst>")
	add("xl/sharedStrings.xml", sb.String())
	z.Close()
	return buf.Bytes()
}

func TestGenWorkbookIsDeterministic(t *testing.T) {
	if !bytes.Equal(genWorkbook(7), genWorkbook(7)) {
		t.Fatal("genWorkbook(7) differs between calls")
	}
}

package importfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// Review rv1, finding 10: check said "ok" to E0402 files the schema
// refuses, and two of its findings named no line or a misleading cause.
// Each file is a copy of the review's.
func TestReadE0402Structure(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		// The second Details was read as if it were part of the first.
		{"x_two_details.xml", "x_two_details.xml:15: BranchTrackBlank/Details: appears twice: want Main, Details, each once and in this order"},
		{"x_mainafter.xml", "x_mainafter.xml:3: BranchTrackBlank/Main: after Details: want Main, Details, each once and in this order"},
		{"x_order.xml", "x_order.xml:12: BranchTrackBlank/Details/BranchTrackBlankItem/InvoiceBeginNo: after InvoiceEndNo: want InvoiceBeginNo, InvoiceEndNo, each once and in this order"},
		// Details and its items were in urn:other: not E0402's elements.
		{"x_xmlns_def_inner.xml", `x_xmlns_def_inner.xml:10: BranchTrackBlank/Details: namespace "urn:other": want "urn:GEINV:eInvoiceMessage:E0402:4.1"`},
		{"x_ws_val.xml", `x_ws_val.xml:12: BranchTrackBlank/Details/BranchTrackBlankItem/InvoiceBeginNo: " 48120077 ": spaces around the value`},
		// Was Go's "Decoder.CharsetReader is nil".
		{"x_encl.xml", `x_encl.xml:1: encoding "ISO-8859-1": an E0402 message must be UTF-8`},
		// Was "both months must be in the same ROC year", with no line.
		{"x_ym_zero.xml", `x_ym_zero.xml:7: BranchTrackBlank/Main/YearMonth: "00010": year 000 is no ROC year; want yyyMM`},
	} {
		t.Run(tc.file, func(t *testing.T) {
			fs := readTestdataE0402(t, "rv1", tc.file)
			if got := findingsText(fs); !strings.Contains(got, tc.want) {
				t.Errorf("findings %q do not say %q", got, tc.want)
			}
		})
	}
}

// Review rv3, finding 7: text between elements and an attribute on an
// element passed as ok, though the schema refuses both; a second root
// element was reported as a namespace "". Each is a finding at its line;
// the schema instance's attributes (xsi:schemaLocation) and namespace
// declarations are no finding.
func TestReadE0402NotSchemaValid(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"text_between.xml", `text_between.xml:9: BranchTrackBlank: text "junk" between elements: E0402 has text only inside its value elements`},
		{"attr_on_val.xml", `attr_on_val.xml:12: BranchTrackBlank/Details/BranchTrackBlankItem/InvoiceBeginNo: attribute foo="1": E0402 elements have none`},
		{"two_roots.xml", `two_roots.xml:21: BranchTrackBlank: a second root element: an XML document has one`},
		{"xsi.xml", ``},
	} {
		t.Run(tc.file, func(t *testing.T) {
			fs := readTestdataE0402(t, "rv3", tc.file)
			got := findingsText(fs)
			if tc.want == "" && len(fs) > 0 || tc.want != "" && (len(fs) != 1 || !strings.Contains(got, tc.want)) {
				t.Errorf("findings %q: want one that says %q", got, tc.want)
			}
		})
	}
}

// readTestdataE0402 reads testdata/dir/file as an E0402 message and
// returns its findings.
func readTestdataE0402(t *testing.T, dir, file string) []Finding {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", dir, file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, fs := ReadE0402(f, file)
	return fs
}

// Review rv1, finding 10: a name like generate's in another case, or with a
// part number generate never gives (_part0, _part1: the first part has no
// suffix, the next is _part2), escaped the name checks.
func TestCheckNamesLikeGenerates(t *testing.T) {
	dir := t.TempDir()
	rs := []ranges.BlankRange{{Key: ranges.Key{Ban: "24549210", Type: ranges.TypeGeneral, Period: mustPeriod(t, "11510"), Track: "ZL"}, Start: 48120000, End: 48120049}}
	xmlData, err := MarshalE0402(E0402Messages("53212539", rs)[0].Message)
	if err != nil {
		t.Fatal(err)
	}
	bulk, err := BulkFiles(rs)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"e0402_53212539_24549210_11510_07_zk.xml", xmlData, "BranchTrackBlank/Main/InvoiceTrack: ZL, but the file's name says zk"},
		{"e0402_53212539_24549210_11510_07_zl.xml", xmlData, ""},
		{"E0402_53212539_24549210_11510_07_ZL_part1.xml", xmlData, "_part1: generate numbers a file's parts from _part2"},
		{"E0402_53212539_24549210_11510_07_ZL_part2.xml", xmlData, ""},
		{"24549210_11510_part0.csv", bulk[0].Data, "_part0: generate numbers a file's parts from _part2"},
		{"24549210_11510_PART02.CSV", bulk[0].Data, "_PART02: generate numbers a file's parts from _part2"},
		{"24549210_11510_part2.csv", bulk[0].Data, ""},
		{"53212539_11510.CSV", bulk[0].Data, "range of 24549210 11510 in a file named for 53212539 11510"},
	} {
		checkAlone(t, filepath.Join(dir, tc.name), tc.data, tc.want)
	}
}

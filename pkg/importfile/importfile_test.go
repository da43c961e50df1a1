package importfile

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var (
	period = ranges.Period{Year: 114, EndMonth: 10}
	keyZK  = ranges.Key{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZK"}
	keyZL  = ranges.Key{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZL"}
	keyZM  = ranges.Key{Ban: "83012410", Type: ranges.TypeSpecial, Period: period, Track: "ZM"}
)

func sampleRanges() []ranges.BlankRange {
	return []ranges.BlankRange{
		{Key: keyZK, Start: 37210312, End: 37210499},
		{Key: keyZK, Start: 37210600, End: 37210600},
		{Key: keyZL, Start: 50, End: 99},
		{Key: keyZM, Start: 12311, End: 12349},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n got:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestBulkGolden(t *testing.T) {
	got, err := AppendBulk(nil, sampleRanges())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "83012410_11410.csv.golden", got)
	again, _ := AppendBulk(nil, sampleRanges())
	if !bytes.Equal(got, again) {
		t.Error("two renderings of the same ranges differ")
	}
	if name := BulkFileName("83012410", period); name != "83012410_11410.csv" {
		t.Errorf("BulkFileName = %q", name)
	}
}

func TestBulkRefusesMixedFiles(t *testing.T) {
	rs := sampleRanges()
	rs[1].Ban = "24549210"
	if _, err := AppendBulk(nil, rs); err == nil {
		t.Error("a bulk file mixing two 統編 was written")
	}
}

func TestBulkRoundTrip(t *testing.T) {
	data, _ := AppendBulk(nil, sampleRanges())
	rows, fs := ReadBulk(bytes.NewReader(data), "x.csv")
	if len(fs) != 0 {
		t.Fatalf("findings on a generated file: %v", fs)
	}
	var got []ranges.BlankRange
	for _, r := range rows {
		got = append(got, r.Range())
	}
	if !reflect.DeepEqual(got, sampleRanges()) {
		t.Errorf("read back %v", got)
	}
}

func TestReadBulkFindings(t *testing.T) {
	ok := "00001,83012410,11410,ZK,37210312,37210499,07"
	tests := []struct {
		name, data, want string
	}{
		{"fields", "00001,83012410,11410,ZK,37210312,07\r\n", "x.csv:1: 6 fields: want 7"},
		{"sequence width", "1,83012410,11410,ZK,37210312,37210499,07\r\n", `x.csv:1: field 1 (sequence) "1": want 5 digits`},
		{"sequence zero", "00000,83012410,11410,ZK,37210312,37210499,07\r\n", "x.csv:1: sequence 00000: want 00001"},
		{"sequence gap", ok + "\r\n00003,83012410,11410,ZK,37210500,37210599,07\r\n", "x.csv:2: sequence 00003: want 00002"},
		{"sequence after a bad line", "00001,83012410,11410,ZK,1,2,07\r\n00002,83012410,11410,ZK,37210500,37210599,07\r\n00004,83012410,11410,ZK,37210600,37210699,07\r\n", "x.csv:3: sequence 00004: want 00003"},
		{"ban checksum", "00001,83012411,11410,ZK,37210312,37210499,07\r\n", "checksum is wrong"},
		{"ban zeros", "00001,00000000,11410,ZK,37210312,37210499,07\r\n", `field 2 (統一編號) "00000000": want a 統一編號 a business has`},
		{"odd month", "00001,83012410,11409,ZK,37210312,37210499,07\r\n", `field 3 (period) "11409"`},
		{"long period", "00001,83012410,114/09~114/10,ZK,37210312,37210499,07\r\n", `field 3 (period)`},
		{"track case", "00001,83012410,11410,zk,37210312,37210499,07\r\n", `field 4 (字軌) "zk": want two capital letters`},
		{"short number", "00001,83012410,11410,ZK,210312,37210499,07\r\n", `field 5 (起號) "210312": want 8 digits`},
		{"reversed", "00001,83012410,11410,ZK,37210499,37210312,07\r\n", "起號 37210499 is after 迄號 37210312"},
		{"type", "00001,83012410,11410,ZK,37210312,37210499,7\r\n", `field 7 (發票類別) "7": want 07`},
		{"blank line", ok + "\r\n\r\n", "x.csv:2: empty line"},
		{"non-ascii", "00001,83012410,11410,ＺＫ,37210312,37210499,07\r\n", "non-ASCII"},
		{"bom", "\ufeff" + ok + "\r\n", "byte-order mark"},
		{"spaces", "00001, 83012410,11410,ZK,37210312,37210499,07\r\n", `field 2 (統一編號) " 83012410"`},
		{"empty", "", "empty file"},
		// Not text at all: one finding that says what the file is, not a
		// finding per line about stray CRs and control characters.
		{"utf-16 with bom", "\xff\xfe" + utf16le(ok+"\r\n"), "x.csv:1: UTF-16 text"},
		{"utf-16 without bom", utf16le(ok + "\r\n"), "x.csv:1: UTF-16 text"},
		{"workbook", "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "x.csv:1: a workbook or zip, not text"},
		// E0402 XML, as generate writes it beside the bulk file: said so,
		// not "1 fields: want 7".
		{"e0402", e0402Text, "x.csv:1: an E0402 XML file, not a 匯入字軌 bulk CSV file"},
		{"e0402 with bom", "\ufeff" + e0402Text, "x.csv:1: an E0402 XML file"},
		{"e0402 without declaration", e0402Text[strings.Index(e0402Text, "<BranchTrackBlank"):], "x.csv:1: an E0402 XML file"},
		{"html", "<!DOCTYPE html>\n<html><head><title>系統維護中</title></head></html>\n", "x.csv:1: XML or HTML, not a 匯入字軌 bulk CSV file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, fs := ReadBulk(strings.NewReader(tt.data), "x.csv")
			if all := findingsText(fs); !strings.Contains(all, tt.want) {
				t.Errorf("findings %q do not contain %q", all, tt.want)
			}
			if strings.Contains(tt.want, "not text") || strings.Contains(tt.want, "UTF-16") || strings.Contains(tt.want, "XML") {
				if len(fs) != 1 {
					t.Errorf("%d findings, want the one saying what the file is: %q", len(fs), findingsText(fs))
				}
			}
		})
	}
	// LF line ends are accepted as well as CRLF.
	if _, fs := ReadBulk(strings.NewReader(ok+"\n"), "x.csv"); len(fs) != 0 {
		t.Errorf("LF file: %v", fs)
	}
}

func TestE0402Golden(t *testing.T) {
	files := E0402Messages("53212539", sampleRanges())
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	wantNames := []string{
		"E0402_53212539_83012410_11410_07_ZK.xml",
		"E0402_53212539_83012410_11410_07_ZL.xml",
		"E0402_53212539_83012410_11410_08_ZM.xml",
	}
	if !reflect.DeepEqual(names, wantNames) {
		t.Fatalf("names %q, want %q", names, wantNames)
	}
	data, err := MarshalE0402(files[0].Message)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "E0402_ZK.xml.golden", data)

	// Without a head office each branch is its own HeadBan.
	if m := E0402Messages("", sampleRanges())[0].Message; m.Main.HeadBan != "83012410" {
		t.Errorf("HeadBan = %q, want the BranchBan", m.Main.HeadBan)
	}
}

func TestE0402RoundTripAndSplit(t *testing.T) {
	var rs []ranges.BlankRange
	for i := 0; i < E0402MaxItems+5; i++ {
		rs = append(rs, ranges.BlankRange{Key: keyZK, Start: ranges.Number(i * 2), End: ranges.Number(i * 2)})
	}
	files := E0402Messages("", rs)
	if len(files) != 2 || len(files[0].Message.Items) != E0402MaxItems || len(files[1].Message.Items) != 5 {
		t.Fatalf("split into %d files", len(files))
	}
	if files[1].Name != "E0402_83012410_83012410_11410_07_ZK_part2.xml" {
		t.Errorf("second part named %q", files[1].Name)
	}
	var back []ranges.BlankRange
	for _, f := range files {
		data, err := MarshalE0402(f.Message)
		if err != nil {
			t.Fatal(err)
		}
		m, fs := ReadE0402(bytes.NewReader(data), f.Name)
		if len(fs) != 0 {
			t.Fatalf("findings on a generated file: %v", fs[:min(3, len(fs))])
		}
		got, err := m.Ranges()
		if err != nil {
			t.Fatal(err)
		}
		back = append(back, got...)
	}
	if !reflect.DeepEqual(back, rs) {
		t.Error("ranges read back differ from those written")
	}
}

func TestReadE0402Findings(t *testing.T) {
	doc := func(ns, main, items string) string {
		return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<BranchTrackBlank xmlns="%s">
  <Main>%s</Main>
  <Details>%s</Details>
</BranchTrackBlank>`, ns, main, items)
	}
	main := "<HeadBan>53212539</HeadBan><BranchBan>83012410</BranchBan><InvoiceType>07</InvoiceType><YearMonth>11410</YearMonth><InvoiceTrack>ZK</InvoiceTrack>"
	item := "<BranchTrackBlankItem><InvoiceBeginNo>37210312</InvoiceBeginNo><InvoiceEndNo>37210499</InvoiceEndNo></BranchTrackBlankItem>"
	tests := []struct {
		name, data, want string
	}{
		{"namespace", doc("urn:GEINV:eInvoiceMessage:E0402:3.2", main, item), `namespace "urn:GEINV:eInvoiceMessage:E0402:3.2"`},
		{"odd month", doc(E0402Namespace, strings.Replace(main, "11410", "11409", 1), item), `x.xml:3: BranchTrackBlank/Main/YearMonth: "11409"`},
		{"checksum", doc(E0402Namespace, strings.Replace(main, "83012410", "83012411", 1), item), "83012411 is not a valid 統一編號"},
		{"missing", doc(E0402Namespace, strings.Replace(main, "<InvoiceTrack>ZK</InvoiceTrack>", "", 1), item), "BranchTrackBlank/Main/InvoiceTrack: missing"},
		{"no items", doc(E0402Namespace, main, ""), "no BranchTrackBlankItem"},
		{"reversed", doc(E0402Namespace, main, strings.Replace(item, "37210312", "37210999", 1)), "InvoiceBeginNo 37210999 is after InvoiceEndNo 37210499"},
		{"short", doc(E0402Namespace, main, strings.Replace(item, "37210312", "210312", 1)), `"210312": want 8 digits`},
		{"unknown", doc(E0402Namespace, main+"<Extra>1</Extra>", item), "BranchTrackBlank/Main/Extra: unknown element"},
		{"broken", "<BranchTrackBlank", "not well-formed"},
		// Only the last of two InvoiceBeginNo was read, with no finding.
		{"repeated in an item", doc(E0402Namespace, main, strings.Replace(item, "<InvoiceEndNo>", "<InvoiceBeginNo>37210300</InvoiceBeginNo><InvoiceEndNo>", 1)),
			"BranchTrackBlank/Details/BranchTrackBlankItem/InvoiceBeginNo: appears twice"},
		{"no business", doc(E0402Namespace, strings.Replace(main, "83012410", "00000000", 1), item), "x.xml:3: BranchTrackBlank/Main/BranchBan: 00000000 is not a 統一編號: no business has it"},
		// A DTD, its entities declared and used: a finding, nothing expanded.
		{"doctype", `<?xml version="1.0"?>` + "\n" + `<!DOCTYPE x [<!ENTITY a "37210312">]>` + doc(E0402Namespace, main, strings.Replace(item, "37210312", "&a;", 1))[len(`<?xml version="1.0" encoding="UTF-8"?>`):],
			"x.xml:2: a DOCTYPE or other <!…> declaration: an E0402 message has none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, fs := ReadE0402(strings.NewReader(tt.data), "x.xml")
			if all := findingsText(fs); !strings.Contains(all, tt.want) {
				t.Errorf("findings %q do not contain %q", all, tt.want)
			}
			if strings.Contains(tt.want, "not text") || strings.Contains(tt.want, "UTF-16") {
				if len(fs) != 1 {
					t.Errorf("%d findings, want the one saying what the file is: %q", len(fs), findingsText(fs))
				}
			}
		})
	}
}

func TestWriteFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	files := []File{{Name: "a.csv", Data: []byte("a")}, {Name: "b.xml", Data: []byte("b")}}
	if err := WriteFiles(context.Background(), dir, files); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil || !bytes.Equal(got, f.Data) {
			t.Errorf("%s: %q, %v", f.Name, got, err)
		}
	}
	assertOnly(t, dir, "a.csv", "b.xml")
}

// A failure part way leaves the folder as it was: no new file, no temporary
// file, and files already there untouched.
func TestWriteFilesAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.csv"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteFiles(context.Background(), dir, []File{{Name: "a.csv", Data: []byte("new")}, {Name: "../escape.csv", Data: []byte("x")}})
	if err == nil {
		t.Fatal("no error for a name outside the folder")
	}
	assertOnly(t, dir, "a.csv")
	if got, _ := os.ReadFile(filepath.Join(dir, "a.csv")); string(got) != "old" {
		t.Errorf("a.csv = %q, want it untouched", got)
	}
}

// An interrupted write leaves the folder as it was.
func TestWriteFilesCancelled(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := WriteFiles(ctx, dir, []File{{Name: "a.csv", Data: []byte("new")}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	assertOnly(t, dir)
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if !reflect.DeepEqual(got, names) {
		t.Errorf("folder holds %q, want %q", got, names)
	}
}

func FuzzReadBulk(f *testing.F) {
	f.Add([]byte("00001,83012410,11410,ZK,37210312,37210499,07\r\n00002,83012410,11410,ZL,00000050,00000099,08\r\n"))
	f.Add([]byte("00001,83012410,11409,ZK,37210312,37210499,7\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, fs := ReadBulk(bytes.NewReader(data), "f.csv")
		if len(fs) > 0 {
			return
		}
		// A file without findings renders back to the same bytes, up to
		// line ends.
		var rs []ranges.BlankRange
		for _, r := range rows {
			rs = append(rs, r.Range())
		}
		out, err := AppendBulk(nil, rs)
		if err != nil {
			return // ranges of several 統編 in one file: valid lines, not one of our files
		}
		lf := func(b []byte) string { return strings.ReplaceAll(string(b), "\r\n", "\n") }
		if in, back := lf(data), lf(out); back != in && back != in+"\n" {
			t.Fatalf("clean file %q renders back as %q", data, out)
		}
	})
}

func FuzzReadE0402(f *testing.F) {
	data, _ := MarshalE0402(E0402Messages("", sampleRanges())[0].Message)
	f.Add(data)
	f.Add([]byte("<BranchTrackBlank/>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, fs := ReadE0402(bytes.NewReader(data), "f.xml")
		if len(fs) > 0 {
			return
		}
		if _, err := m.Ranges(); err != nil {
			t.Fatalf("no findings, but the message does not give ranges: %v", err)
		}
	})
}

func findingsText(fs []Finding) string {
	var msgs []string
	for _, f := range fs {
		msgs = append(msgs, f.Error())
	}
	return strings.Join(msgs, "\n")
}

// utf16le is s as UTF-16LE, the way Notepad saves "Unicode".
func utf16le(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteByte(byte(r))
		b.WriteByte(byte(r >> 8))
	}
	return b.String()
}

// e0402Text is an E0402 message as generate writes it.
var e0402Text = func() string {
	m := E0402Messages("83012410", sampleRanges()[:1])
	data, err := MarshalE0402(m[0].Message)
	if err != nil {
		panic(err)
	}
	return string(data)
}()

// An E0402 file named as generate names it must hold what its name says:
// before, E0402_…_07_ZK.xml holding ZL's ranges passed check.
func TestCheckE0402NameAgreesWithContent(t *testing.T) {
	dir := t.TempDir()
	rs := []ranges.BlankRange{{Key: ranges.Key{Ban: "24549210", Type: ranges.TypeGeneral, Period: mustPeriod(t, "11510"), Track: "ZL"}, Start: 48120000, End: 48120049}}
	files := E0402Messages("53212539", rs)
	data, err := MarshalE0402(files[0].Message)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, want string }{
		{files[0].Name, ""},
		{"E0402_53212539_24549210_11510_07_ZL_part2.xml", ""},
		{"renamed.xml", ""},
		{"E0402_53212539_24549210_11510_07_ZK.xml", "BranchTrackBlank/Main/InvoiceTrack: ZL, but the file's name says ZK"},
		{"E0402_99999999_24549210_11512_08_ZL.xml", "BranchTrackBlank/Main/HeadBan: 53212539, but the file's name says 99999999"},
		{"E0402_53212539_04595257_11510_07_ZL.xml", "BranchTrackBlank/Main/BranchBan: 24549210, but the file's name says 04595257"},
	} {
		checkAlone(t, filepath.Join(dir, tc.name), data, tc.want)
	}
}

// checkAlone writes data at path, checks that file alone and removes it:
// its findings must say want, or be none when want is empty.
func checkAlone(t *testing.T, path string, data []byte, want string) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(path)
	var c Checker
	got := findingsText(c.Check([]string{path}).Findings)
	switch {
	case want == "" && got != "":
		t.Errorf("%s: findings %q", filepath.Base(path), got)
	case want != "" && !strings.Contains(got, want):
		t.Errorf("%s: findings %q do not say %q", filepath.Base(path), got, want)
	}
}

func mustPeriod(t *testing.T, s string) ranges.Period {
	t.Helper()
	p, err := ranges.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

package ranges

import (
	"strings"
	"testing"
)

func TestVisible(t *testing.T) {
	for in, want := range map[string]string{
		"pos.csv":                 "pos.csv",
		"發票.xlsx":                 "發票.xlsx",
		"a\x1b[2Jb":               `a\x1b[2Jb`,
		"tab\there\r\nline\n":     "tab\there\r\nline\n",
		"over\rwrite":             `over\x0dwrite`,
		"end\r":                   `end\x0d`,
		"csi\u009b31m":            `csi\u009b31m`,
		"degree°, section§":       "degree°, section§",
		"bell\a del\x7f nul\x00.": `bell\x07 del\x7f nul\x00.`,
		"txt.\u202egpj.exe":       `txt.\u202egpj.exe`,
		"a\u2028b\u2066c\u200fd":  `a\u2028b\u2066c\u200fd`,
		"中文—“引號”…":                "中文—“引號”…",
	} {
		if got := Visible(in); got != want {
			t.Errorf("Visible(%q) = %q, want %q", in, got, want)
		}
	}
}

// A write split anywhere, even inside "\r\n" or a C1 control's two bytes,
// gives what one write of the whole would.
func TestVisibleWriterSplitWrites(t *testing.T) {
	in := "ok\r\nred\x1b[31m\u009b1m°\rX\u202e—中\r\n"
	want := Visible(in)
	for cut := 0; cut <= len(in); cut++ {
		var b strings.Builder
		w := &VisibleWriter{W: &b}
		w.Write([]byte(in[:cut]))
		w.Write([]byte(in[cut:]))
		w.Flush()
		if b.String() != want {
			t.Errorf("cut at %d: %q, want %q", cut, b.String(), want)
		}
	}
	var b strings.Builder
	w := &VisibleWriter{W: &b}
	w.Write([]byte("last\r"))
	w.Flush()
	if b.String() != `last\x0d` {
		t.Errorf("a held carriage return flushed as %q", b.String())
	}
}

func TestPosEscapesNames(t *testing.T) {
	p := Pos{File: "a\x1b[8m.csv", Sheet: "s\x1b]0;title\a", Row: 2, Col: 1, Header: "h\x1b[0m"}
	got := p.String()
	if strings.ContainsAny(got, "\x1b\a") {
		t.Errorf("%q: control characters printed raw", got)
	}
}

// A name cannot break a line: its newlines and tabs are written out too.
func TestVisibleName(t *testing.T) {
	for in, want := range map[string]string{
		"pos.csv":            "pos.csv",
		"a\nerror: fake.csv": `a\nerror: fake.csv`,
		"發票號碼\nInvoice No.":  `發票號碼\nInvoice No.`,
		"tab\there\r":        `tab\there\r`,
		"s\x1b[2J\u202e":     `s\x1b[2J\u202e`,
		"分店—台北":              "分店—台北",
	} {
		if got := VisibleName(in); got != want {
			t.Errorf("VisibleName(%q) = %q, want %q", in, got, want)
		}
	}
}

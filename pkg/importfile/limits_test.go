package importfile

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/internal/benchmem"
)

// endless yields size bytes: head, then fill repeated, then tail, and
// counts what was read from it.
type endless struct {
	head, fill, tail []byte
	size, read       int64
}

func (e *endless) Read(p []byte) (int, error) {
	if e.read >= e.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && e.read < e.size {
		var b byte
		switch off := e.read; {
		case off < int64(len(e.head)):
			b = e.head[off]
		case off >= e.size-int64(len(e.tail)):
			b = e.tail[off-(e.size-int64(len(e.tail)))]
		default:
			b = e.fill[(off-int64(len(e.head)))%int64(len(e.fill))]
		}
		p[n] = b
		n++
		e.read++
	}
	return n, nil
}

// The readers stop a hostile file at the first line or token past their
// limits, with a finding at its line, after reading a few KB of it: a
// 300 MiB line or a 100 MiB XML text costs no more than a good file.
func TestReadersStopHostileFilesEarly(t *testing.T) {
	ok := "00001,83012410,11410,ZK,37210312,37210499,07\r\n"
	const huge = 300 << 20
	tests := []struct {
		name  string
		kind  Kind
		input *endless
		want  string
	}{
		{"bulk: one huge line", KindBulk, &endless{head: []byte(ok), fill: []byte("0"), size: huge},
			"x:2: line longer than 1024 bytes: not a bulk-file line"},
		{"bulk: endless lines", KindBulk, &endless{head: numbered(MaxBulkLines + 1), fill: []byte(ok), size: huge},
			"x:100000: more than 99999 lines"},
		{"bulk: endless bad lines", KindBulk, &endless{fill: []byte("x\n"), size: huge},
			"x:100: stopped after 100 findings"},
		{"E0402: huge text node", KindE0402, &endless{head: []byte(`<?xml version="1.0"?>` + "\n<BranchTrackBlank xmlns=\"" + E0402Namespace + "\">\n<Main><HeadBan>"), fill: []byte("8"), size: huge},
			"x:3: BranchTrackBlank/Main/HeadBan: more than 4096 bytes of one text or tag"},
		{"E0402: huge comment", KindE0402, &endless{head: []byte("<BranchTrackBlank><!--"), fill: []byte(" x"), size: huge},
			"more than 4096 bytes of one text or tag"},
		{"E0402: text split by comments", KindE0402, &endless{head: []byte("<BranchTrackBlank><Main><HeadBan>"), fill: []byte("1<!---->"), size: huge},
			"BranchTrackBlank/Main/HeadBan: text longer than 4096 bytes"},
		{"E0402: deep nesting", KindE0402, &endless{fill: []byte("<a>"), size: huge},
			"x:1: a/a/a/a/a: nested 5 deep: E0402 elements nest 4 deep at most"},
		{"E0402: endless unknown elements", KindE0402, &endless{head: []byte("<BranchTrackBlank>"), fill: []byte("<x/>\n"), size: huge},
			"stopped after 100 findings"},
		{"E0402: endless items", KindE0402, &endless{head: []byte("<BranchTrackBlank xmlns=\"" + E0402Namespace + "\"><Details>"),
			fill: []byte("<BranchTrackBlankItem><InvoiceBeginNo>00000001</InvoiceBeginNo><InvoiceEndNo>00000001</InvoiceEndNo></BranchTrackBlankItem>\n"), size: huge},
			"BranchTrackBlank/Details/BranchTrackBlankItem: more than 10000 items: split the message"},
		{"E0402: endless whitespace between tags", KindE0402, &endless{head: []byte("<BranchTrackBlank>"), fill: []byte("<?pi?>"), size: huge},
			"larger than 8 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fs []Finding
			if tt.kind == KindBulk {
				_, fs = ReadBulk(tt.input, "x")
			} else {
				_, fs = ReadE0402(tt.input, "x")
			}
			if all := findingsText(fs); !strings.Contains(all, tt.want) {
				t.Errorf("findings %q do not contain %q", clipText(all), tt.want)
			}
			if len(fs) > MaxFindings+1 {
				t.Errorf("%d findings, want at most %d", len(fs), MaxFindings+1)
			}
			if tt.input.read > 16<<20 {
				t.Errorf("read %d MiB of the input before stopping", tt.input.read>>20)
			}
		})
	}
}

// A message quotes at most a few dozen characters of a value.
func TestBulkFindingQuotesLittle(t *testing.T) {
	line := "00001," + strings.Repeat("9", 900) + ",11410,ZK,37210312,37210499,07\r\n"
	_, fs := ReadBulk(strings.NewReader(line), "x.csv")
	if all := findingsText(fs); !strings.Contains(all, "(900 B)") || len(all) > 300 {
		t.Errorf("findings %q", clipText(all))
	}
}

// numbered is n well-formed bulk lines.
func numbered(n int) []byte {
	var b []byte
	for i := 1; i <= n; i++ {
		b = fmt.Appendf(b, "%05d,83012410,11410,ZK,%08d,%08d,07\r\n", i%100000, 2*i, 2*i)
	}
	return b
}

func clipText(s string) string {
	if len(s) > 500 {
		return s[:500] + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return s
}

// BenchmarkReadersHostile reports the peak memory of the readers on a
// 300 MiB bulk line and a 100 MiB E0402 text node (check on such files
// took 0.8-0.9 GB before the limits).
func BenchmarkReadersHostile(b *testing.B) {
	var peak uint64
	for b.Loop() {
		peak = max(peak, benchmem.Peak(func() {
			ReadBulk(&endless{fill: []byte("0"), size: 300 << 20}, "x.csv")
			ReadE0402(&endless{head: []byte("<BranchTrackBlank><Main><HeadBan>"), fill: []byte("8"), size: 100 << 20}, "x.xml")
			ReadBulk(bytes.NewReader(bytes.Repeat([]byte("00001,83012410,11410,ZK,37210312,37210499,07\r\n"), 99999)), "x.csv")
		}))
	}
	benchmem.Report(b, peak)
}

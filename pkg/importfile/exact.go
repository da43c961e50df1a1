package importfile

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// exact compares a file that read without findings with what generate
// writes from the inputs, byte for byte: order, sequence numbers and line
// ends included. Its one finding names the first line that differs and
// what generate writes there. A file of a 統編 or period the inputs do not
// have is left to the range comparison.
func (c *Checker) exact(name string, rf readFile) []Finding {
	want, what, ok := c.wanted(name, rf)
	if !ok {
		return nil
	}
	if want == nil {
		return []Finding{Finding{File: name}.with(msg.T("generate writes no such file from these inputs: %v", what))}
	}
	if sum := sha256.Sum256(want); rf.sum != nil && bytes.Equal(sum[:], rf.sum) {
		return nil
	}
	f, err := firstDifference(name, want)
	if err != nil {
		return []Finding{Finding{File: name}.with(msg.T("%v", err))}
	}
	return f
}

// wanted is the bytes generate writes for the file's 統編 and period (and
// for E0402 its 類別 and 字軌), from the file's name or, failing that, its
// content; nil with a reason when generate writes no such file; ok false
// when the inputs do not cover the file's 統編 and period.
func (c *Checker) wanted(name string, rf readFile) (want []byte, why msg.Message, ok bool) {
	exp := c.Expected
	bans := exp.Bans()
	if rf.e0402 != nil {
		m := rf.e0402
		k, err := m.key()
		if err != nil || k.Period != exp.Period || !slices.Contains(bans, k.Ban) {
			return nil, msg.Message{}, false
		}
		head := c.Head
		if head == "" {
			head = ranges.Ban(m.Main.HeadBan)
		}
		if c.messages == nil {
			c.messages = map[[2]ranges.Ban][]E0402File{}
		}
		all, ok := c.messages[[2]ranges.Ban{head, k.Ban}]
		if !ok {
			all = E0402Messages(head, exp.RangesOf(k.Ban))
			c.messages[[2]ranges.Ban{head, k.Ban}] = all
		}
		var same []E0402File
		for _, m := range all {
			if mk, _ := m.Message.key(); mk == k {
				same = append(same, m)
			}
		}
		if len(same) == 0 {
			return nil, msg.T("no number of %s %s %s %s is blank", k.Ban, k.Type, k.Period, k.Track), true
		}
		pick := same[0]
		for _, m := range same {
			if m.Name == filepath.Base(name) {
				pick = m
			}
		}
		data, err := MarshalE0402(pick.Message)
		return data, msg.Message{}, err == nil
	}
	var ban ranges.Ban
	var period ranges.Period
	if m := reBulkName.FindStringSubmatch(filepath.Base(name)); m != nil {
		ban = ranges.Ban(m[1])
		period, _ = ranges.ParsePeriod(m[2])
	} else if len(rf.bulk) > 0 {
		ban, period = rf.bulk[0].Ban, rf.bulk[0].Period
	}
	if period != exp.Period || !slices.Contains(bans, ban) {
		return nil, msg.Message{}, false
	}
	rs := exp.RangesOf(ban)
	if len(rs) == 0 {
		return nil, msg.T("every allocated number of %s in %s is used", ban, period), true
	}
	// A 統編 with more ranges than one file holds has parts: the file's
	// name says which, else it is taken for the first.
	files, err := BulkFiles(rs)
	if err != nil {
		return nil, msg.Message{}, false
	}
	pick := files[0]
	for _, f := range files {
		if f.Name == filepath.Base(name) {
			pick = f
		}
	}
	return pick.Data, msg.Message{}, true
}

// diffLineMax is how much of a line firstDifference reads: more than any
// line generate writes.
const diffLineMax = 4096

// firstDifference reads the file line by line beside want and names the
// first line that differs.
func firstDifference(name string, want []byte) ([]Finding, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, diffLineMax)
	lines := bytes.SplitAfter(want, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	differs := func(line int, what msg.Message) []Finding {
		return []Finding{Finding{File: name, Line: line}.with(msg.T("not what generate writes from these inputs: %v", what))}
	}
	for i := 0; ; i++ {
		got, err := br.ReadSlice('\n')
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
		switch {
		case len(got) == 0 && i >= len(lines):
			return nil, nil // the same; only a hash mismatch brought us here
		case len(got) == 0:
			return differs(i+1, msg.T("the file ends here; generate writes %s", quoteLine(lines[i]))), nil
		case i >= len(lines):
			return differs(i+1, msg.T("generate writes no more lines; the file has %s", quoteLine(got))), nil
		case bytes.Equal(got, lines[i]):
			continue
		case bytes.Equal(trimEnd(got), trimEnd(lines[i])):
			return differs(i+1, msg.T("the line ends in %s; generate writes %s", lineEnd(got), lineEnd(lines[i]))), nil
		default:
			return differs(i+1, msg.T("generate writes %s; the file has %s", quoteLine(lines[i]), quoteLine(got))), nil
		}
	}
}

func trimEnd(b []byte) []byte { return bytes.TrimRight(b, "\r\n") }

// quoteLine quotes a line for a finding: whole when it is as long as a
// line generate writes, cut otherwise.
func quoteLine(b []byte) string {
	const max = 120
	b = trimEnd(b)
	if len(b) <= max {
		return fmt.Sprintf("%q", b)
	}
	return fmt.Sprintf("%q… (%d B)", b[:max], len(b))
}

func lineEnd(b []byte) string {
	switch {
	case bytes.HasSuffix(b, []byte("\r\n")):
		return "CRLF"
	case bytes.HasSuffix(b, []byte("\n")):
		return "LF"
	}
	return "no line end"
}

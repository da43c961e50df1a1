package main

import (
	"bytes"
	"fmt"
	"testing"
)

// A warning written while a progress line is drawn starts on a clean
// line; the reader's last report clears the line, the total known or not.
func TestProgressLineEnds(t *testing.T) {
	for _, total := range []int64{0, 1000} {
		t.Run(fmt.Sprint("total ", total), func(t *testing.T) {
			var out bytes.Buffer
			term := &terminal{w: &out}
			bar := &progressBar{t: term, label: "pos.csv"}
			bar.update(500, total)
			if !term.open {
				t.Fatal("no progress line drawn")
			}
			fmt.Fprintln(term, "warning: something")
			if got := out.String(); !bytes.HasSuffix([]byte(got), []byte("\r\033[Kwarning: something\n")) {
				t.Errorf("output %q: the warning does not start on a cleared line", got)
			}
			bar.update(600, total)
			bar.last = bar.last.AddDate(0, 0, -1) // let the next report draw
			bar.update(700, total)
			bar.update(total, total) // the reader's last report
			if term.open {
				t.Errorf("progress line left open after the last report; output %q", out.String())
			}
		})
	}
}

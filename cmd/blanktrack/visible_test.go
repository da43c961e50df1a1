package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A file name or cell holding a terminal escape is printed with it written
// out (\x1b), never raw: a crafted export cannot clear, recolour or retitle
// the screen the accountant reads the report on.
func TestEscapesInNamesAndCellsArePrintedVisibly(t *testing.T) {
	dir := t.TempDir()
	alloc, err := os.ReadFile("../../examples/basic/alloc/invnoapply_24549210_11510.csv")
	if err != nil {
		t.Fatal(err)
	}
	name := "pos\x1b[2J\x1b]0;owned\a.csv"
	files := map[string]string{
		"alloc.csv": string(alloc),
		name:        "字軌,發票號碼,發票日期,作廢\nZL,4812005\x1b[31m0,115/09/01,N\n",
	}
	for n, data := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(data), 0o644); err != nil {
			t.Skipf("this file system does not take the name: %v", err)
		}
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"blanktrack", "generate", "--alloc", filepath.Join(dir, "alloc.csv"), "--out", filepath.Join(dir, "out"), filepath.Join(dir, name)},
		strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
	if code == 0 {
		t.Fatalf("a bad number was accepted:\n%s", stderr.String())
	}
	all := stdout.String() + stderr.String()
	if strings.ContainsAny(all, "\x1b\a") {
		t.Errorf("control characters printed raw:\n%q", all)
	}
	if !strings.Contains(stderr.String(), `pos\x1b[2J\x1b]0;owned\x07.csv`) || !strings.Contains(stderr.String(), `\x1b[31m`) {
		t.Errorf("the name and the value are not shown with their escapes written out:\n%s", stderr.String())
	}
}

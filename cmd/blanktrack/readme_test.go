package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMECommands runs every `bin/blanktrack ...` command of the README,
// from the repository root, as a user would type it, and requires exit 0.
func TestREADMECommands(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var cmds [][]string
	for _, line := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(line, "bin/blanktrack ") {
			cmds = append(cmds, strings.Fields(line))
		}
	}
	if len(cmds) == 0 {
		t.Fatal("the README shows no bin/blanktrack command")
	}
	// Run in a copy of the examples so the test writes nothing into the tree.
	work := t.TempDir()
	if err := os.CopyFS(filepath.Join(work, "examples"), os.DirFS(filepath.Join(root, "examples"))); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	for _, args := range cmds {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr, os.Getenv)
		if code != 0 {
			t.Errorf("%s: exit %d\n%s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
		}
	}
	// The README's generate command is the one make run uses: same output.
	for _, f := range []string{"53212539_11510.csv", "24549210_11510.csv"} {
		got, err := os.ReadFile(filepath.Join(work, "out/basic", f))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile(filepath.Join(root, "examples/basic/expected", f))
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from examples/basic/expected", f)
		}
	}
}

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/xuri/excelize/v2"
)

func TestMain(m *testing.M) {
	// The test binary is blanktrack itself when a test runs it as a
	// process (TestInterrupt): signals need a process of their own.
	if os.Getenv("BLANKTRACK_TEST_MAIN") == "1" {
		main()
	}
	testscript.Main(m, map[string]func(){
		"blanktrack": func() {
			os.Exit(run(context.Background(), os.Args, os.Stdin, os.Stdout, os.Stderr, os.Getenv))
		},
	})
}

// TestScripts runs the end-to-end scenarios in testdata/script: the
// blanktrack command as a user runs it, its exit codes, messages and files.
func TestScripts(t *testing.T) {
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			e.Setenv("EXAMPLES", examples)
			// A fixed today: 115/09~115/10 is due, not late, in every run.
			e.Setenv("BLANKTRACK_TODAY", "2026-11-05")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// crlf FILE: give a file CRLF line ends, as the portal's bulk
			// files have (txtar files hold LF only).
			"crlf": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: crlf FILE")
				}
				data := ts.ReadFile(args[0])
				data = strings.ReplaceAll(strings.ReplaceAll(data, "\r\n", "\n"), "\n", "\r\n")
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(data), 0o644))
			},
			// fill [-append] FILE COUNT TEXT: write TEXT COUNT times into
			// FILE, for inputs too large to keep in a script; \n in TEXT
			// is a line end.
			"fill": func(ts *testscript.TestScript, neg bool, args []string) {
				flag := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
				if len(args) > 0 && args[0] == "-append" {
					flag, args = os.O_CREATE|os.O_WRONLY|os.O_APPEND, args[1:]
				}
				if neg || len(args) != 3 {
					ts.Fatalf("usage: fill [-append] FILE COUNT TEXT")
				}
				n, err := strconv.Atoi(args[1])
				ts.Check(err)
				f, err := os.OpenFile(ts.MkAbs(args[0]), flag, 0o644)
				ts.Check(err)
				_, err = f.WriteString(strings.Repeat(strings.ReplaceAll(args[2], `\n`, "\n"), n))
				ts.Check(errors.Join(err, f.Close()))
			},
			// xlsx OUT SPEC: write the workbook SPEC describes: a line
			// [NAME] starts a sheet ([NAME hidden], a hidden one), any
			// other line is a row of text cells separated by commas; \n
			// in a cell is a line break.
			"xlsx": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 2 {
					ts.Fatalf("usage: xlsx OUT SPEC")
				}
				ts.Check(writeXLSX(ts.MkAbs(args[0]), ts.ReadFile(args[1])))
			},
			// snapshot: remember every file and folder of $WORK with the
			// hash of its bytes, for unchanged to compare with.
			"snapshot": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 0 {
					ts.Fatalf("usage: snapshot")
				}
				snapshots.Store(ts, workTree(ts))
			},
			// unchanged [-except PATH...]: since the last snapshot, no file
			// or folder of $WORK was added, removed or modified, but under
			// the paths named: the inputs are as the user gave them and a
			// failed command wrote nothing.
			"unchanged": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg {
					ts.Fatalf("usage: unchanged [-except PATH...]")
				}
				var except []string
				if len(args) > 0 {
					if args[0] != "-except" || len(args) < 2 {
						ts.Fatalf("usage: unchanged [-except PATH...]")
					}
					for _, a := range args[1:] {
						except = append(except, filepath.Clean(a))
					}
				}
				before, ok := snapshots.Load(ts)
				if !ok {
					ts.Fatalf("unchanged: no snapshot taken")
				}
				ts.Check(compareTrees(before.(map[string]string), workTree(ts), except))
			},
			// exits N cmd args...: run cmd and require exit code N.
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exits CODE command [args...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("exits: bad code %q", args[0])
				}
				err = ts.Exec(args[1], args[2:]...)
				got := 0
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					got = ee.ExitCode()
				} else if err != nil {
					ts.Fatalf("exits: %v", err)
				}
				if got != want {
					ts.Fatalf("exit code %d, want %d", got, want)
				}
			},
		},
	})
}

// snapshots holds each script's last snapshot of its work folder.
var snapshots sync.Map // *testscript.TestScript -> map[string]string

// workTree maps every path under $WORK, but testscript's own temporary
// folder, to the SHA-256 of its bytes ("dir" for a folder, the target for
// a symbolic link).
func workTree(ts *testscript.TestScript) map[string]string {
	root := ts.Getenv("WORK")
	tree := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case rel == ".":
			return nil
		case rel == ".tmp":
			return filepath.SkipDir
		case d.IsDir():
			tree[rel] = "dir"
			return nil
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			tree[rel] = "link to " + target
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		tree[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	ts.Check(err)
	return tree
}

// compareTrees names every path added, removed or changed from before to
// after, but those under except.
func compareTrees(before, after map[string]string, except []string) error {
	skip := func(p string) bool {
		for _, e := range except {
			if p == e || strings.HasPrefix(p, e+string(filepath.Separator)) {
				return true
			}
		}
		return false
	}
	var diffs []string
	for p, h := range before {
		switch a, ok := after[p]; {
		case skip(p):
		case !ok:
			diffs = append(diffs, "removed "+p)
		case a != h:
			diffs = append(diffs, "changed "+p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok && !skip(p) {
			diffs = append(diffs, "added "+p)
		}
	}
	if len(diffs) > 0 {
		slices.Sort(diffs)
		return fmt.Errorf("the work folder changed since the snapshot:\n%s", strings.Join(diffs, "\n"))
	}
	return nil
}

// writeXLSX writes the workbook spec describes (see the xlsx command).
func writeXLSX(name, spec string) error {
	f := excelize.NewFile()
	defer f.Close()
	var sheet string
	row := 0
	for _, line := range strings.Split(strings.TrimRight(spec, "\n"), "\n") {
		if h, ok := strings.CutPrefix(line, "["); ok && strings.HasSuffix(h, "]") {
			h = strings.TrimSuffix(h, "]")
			name, hidden := strings.CutSuffix(h, " hidden")
			if sheet == "" {
				if err := f.SetSheetName("Sheet1", name); err != nil {
					return err
				}
			} else if _, err := f.NewSheet(name); err != nil {
				return err
			}
			if hidden {
				if err := f.SetSheetVisible(name, false); err != nil {
					return err
				}
			}
			sheet, row = name, 0
			continue
		}
		if sheet == "" {
			return fmt.Errorf("xlsx: a row before the first [sheet] line")
		}
		row++
		var cells []any
		for _, c := range strings.Split(line, ",") {
			cells = append(cells, strings.ReplaceAll(c, `\n`, "\n"))
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
			return err
		}
	}
	return f.SaveAs(name)
}

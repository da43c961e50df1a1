package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the examples' expected manifests and reports (blanktrack-report.json, report.txt, report.html)")

// TestMakeRunMatchesExpected runs the generate commands of the Makefile's
// run target, as written there, from a copy of the examples, and compares
// every file each writes with the example's expected/ folder: the same
// names, the same bytes. The manifest's tool version is the one field
// that differs between builds. With -update it rewrites the expected
// manifests and reports.
func TestMakeRunMatchesExpected(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmds, runEnv := makeRunCommands(t, filepath.Join(root, "Makefile"))
	if len(cmds) != 3 {
		t.Fatalf("the Makefile's run target has %d generate commands; the test expects the three examples", len(cmds))
	}
	work := t.TempDir()
	if err := os.CopyFS(filepath.Join(work, "examples"), os.DirFS(filepath.Join(root, "examples"))); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	// The environment the run target exports (its fixed date), and nothing
	// else of the machine's.
	getenv := func(k string) string { return runEnv[k] }
	for _, args := range cmds {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr, getenv); code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
		}
		out := args[slices.Index(args, "--out")+1]
		expected := filepath.Join(root, "examples", filepath.Base(out), "expected")
		compareFolders(t, out, expected)
	}
}

// makeRunCommands reads the generate commands of the Makefile's run
// target, with its variables expanded.
func makeRunCommands(t *testing.T, makefile string) ([][]string, map[string]string) {
	data, err := os.ReadFile(makefile)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	vars := map[string]string{}
	reVar := regexp.MustCompile(`(?m)^([A-Z]+)\s*\??=\s*(\S+)\s*$`)
	for _, m := range reVar.FindAllStringSubmatch(text, -1) {
		vars[m[1]] = m[2]
	}
	env := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^run: export ([A-Z_]+) = (\S+)$`).FindAllStringSubmatch(text, -1) {
		env[m[1]] = m[2]
	}
	expand := regexp.MustCompile(`\$\(([A-Z]+)\)`)
	var cmds [][]string
	inRun := false
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "run:"):
			inRun = true
		case inRun && !strings.HasPrefix(line, "\t"):
			inRun = false
		case inRun && strings.Contains(line, "$(BIN) generate"):
			line = expand.ReplaceAllStringFunc(strings.TrimSpace(line), func(v string) string { return vars[v[2:len(v)-1]] })
			args := strings.Fields(line)
			args[0] = "blanktrack"
			cmds = append(cmds, args)
		}
	}
	return cmds, env
}

// The tool's version is the one thing that differs between builds: in the
// manifest and in the HTML report.
var (
	reVersion = regexp.MustCompile(`"version": "[^"]*"`)
	reTool    = regexp.MustCompile(`<span class="tool">[^<]*</span>`)
)

// normalize blanks the tool's version in a file of a run.
func normalize(name string, data []byte) []byte {
	switch name {
	case "blanktrack-report.json":
		return reVersion.ReplaceAll(data, []byte(`"version": "(devel)"`))
	case "report.html":
		return reTool.ReplaceAll(data, []byte(`<span class="tool">blanktrack (devel)</span>`))
	}
	return data
}

func compareFolders(t *testing.T, got, want string) {
	t.Helper()
	names := func(dir string) []string {
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, e := range ents {
			n = append(n, e.Name())
		}
		return n
	}
	if *update {
		for _, n := range []string{"blanktrack-report.json", "report.txt", "report.html"} {
			data, err := os.ReadFile(filepath.Join(got, n))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(want, n), normalize(n, data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if g, w := names(got), names(want); !slices.Equal(g, w) {
		t.Errorf("%s holds %q; %s holds %q", got, g, want, w)
		return
	}
	for _, n := range names(want) {
		g, _ := os.ReadFile(filepath.Join(got, n))
		w, _ := os.ReadFile(filepath.Join(want, n))
		g = normalize(n, g)
		if !bytes.Equal(g, w) {
			t.Errorf("%s differs from %s", filepath.Join(got, n), filepath.Join(want, n))
		}
	}
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/portal"
)

// TestREADMECommands runs every blanktrack command line of the README, in
// order, from a copy of the repository's examples, as a user would type it:
// `VAR=value` prefixes set the environment, single quotes group words, and
// portal-sim (which serves until interrupted) runs in the background while
// the lines after it run. It binds no fixed port: a simulator's address is
// rewritten to port 0, and the address it then prints replaces the README's
// in the lines after it. An upload through a simulator with --gate needs a
// browser: without one it is skipped, except under CI.
func TestREADMECommands(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	reLine := regexp.MustCompile(`^(?:[A-Z_]+=\S+ )*bin/blanktrack `)
	var lines []string
	for _, line := range strings.Split(string(readme), "\n") {
		if reLine.MatchString(line) {
			lines = append(lines, line)
		}
	}
	if len(lines) < 4 {
		t.Fatalf("the README shows %d blanktrack commands; the test expects the generate, config, check, portal-sim and upload examples", len(lines))
	}
	work := t.TempDir()
	if err := os.CopyFS(filepath.Join(work, "examples"), os.DirFS(filepath.Join(root, "examples"))); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var background []chan int
	reAddr := regexp.MustCompile(`127\.0\.0\.1:\d+`)
	addrs := map[string]string{} // the README's address -> the simulator's
	gated := map[string]bool{}   // layout files of simulators with --gate
	for _, line := range lines {
		line = reAddr.ReplaceAllStringFunc(line, func(a string) string {
			if real, ok := addrs[a]; ok {
				return real
			}
			return a
		})
		env, args := shellWords(t, line)
		getenv := withCache(t, env)
		if len(args) > 1 && args[1] == "portal-sim" {
			shown := ""
			for i, a := range args {
				if i > 0 && args[i-1] == "--addr" {
					shown, args[i] = a, "127.0.0.1:0"
				}
				if i > 0 && args[i-1] == "--write-layout" && slices.Contains(args, "--gate") {
					gated[a] = true
				}
			}
			var out syncBuffer
			done := make(chan int, 1)
			go func() { done <- run(ctx, args, strings.NewReader(""), &out, &out, getenv) }()
			background = append(background, done)
			for i := 0; i < 300 && !strings.Contains(out.String(), "portal simulator on"); i++ {
				time.Sleep(10 * time.Millisecond)
			}
			if !strings.Contains(out.String(), "portal simulator on") {
				t.Fatalf("%s: did not start: %s", line, out.String())
			}
			if shown != "" {
				addrs[shown] = reAddr.FindString(out.String())
			}
			continue
		}
		if i := slices.Index(args, "--layout"); i > 0 && i+1 < len(args) && gated[args[i+1]] {
			if _, err := portal.FindBrowser(); err != nil {
				if os.Getenv("CI") != "" {
					t.Fatalf("%s: CI is set and %v", line, err)
				}
				t.Logf("skipped, it needs a browser (%v): %s", err, line)
				continue
			}
		}
		var stdout, stderr bytes.Buffer
		if code := run(ctx, args, strings.NewReader(""), &stdout, &stderr, getenv); code != 0 {
			t.Errorf("%s: exit %d\n%s%s", line, code, stdout.String(), stderr.String())
		}
	}
	cancel()
	for _, done := range background {
		if code := <-done; code != 0 {
			t.Errorf("portal-sim exited %d", code)
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

// shellWords splits a README command line as sh would for the forms the
// README uses: leading VAR=value assignments, words, and '…' quoting.
func shellWords(t *testing.T, line string) (map[string]string, []string) {
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for _, r := range line {
		switch {
		case r == '\'':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quote in %q", line)
	}
	if inWord {
		words = append(words, cur.String())
	}
	env := map[string]string{}
	for len(words) > 0 && strings.Contains(words[0], "=") && !strings.HasPrefix(words[0], "bin/") {
		k, v, _ := strings.Cut(words[0], "=")
		env[k] = v
		words = words[1:]
	}
	words[0] = "blanktrack"
	return env, words
}

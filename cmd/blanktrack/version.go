package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version and commit are stamped by make dist with -ldflags -X; a build
// without them takes what the Go toolchain recorded (go install, go build
// in a checkout).
var (
	version = ""
	commit  = ""
)

// buildInfo is the version, commit and Go version of this binary.
type buildInfo struct {
	Version, Commit, Go string
	Modified            bool
}

func readBuildInfo() buildInfo {
	b := buildInfo{Version: version, Commit: commit, Go: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b.orUnknown()
	}
	if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		b.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			if b.Commit == "" {
				b.Commit = s.Value
			}
		case "vcs.modified":
			b.Modified = s.Value == "true" && commit == ""
		}
	}
	return b.orUnknown()
}

func (b buildInfo) orUnknown() buildInfo {
	if b.Version == "" {
		b.Version = "devel"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	return b
}

func (b buildInfo) String() string {
	c := b.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	if b.Modified {
		c += "+modified"
	}
	return fmt.Sprintf("blanktrack %s (commit %s, %s %s/%s)", b.Version, c, b.Go, runtime.GOOS, runtime.GOARCH)
}

func printVersion(w io.Writer) { fmt.Fprintln(w, readBuildInfo()) }

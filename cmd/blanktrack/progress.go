package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// progressMinBytes is the file size from which reading shows progress.
const progressMinBytes = 4 << 20

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressBar draws one line on a terminal, at most ten times a second.
type progressBar struct {
	w     *os.File
	label string
	last  time.Time
}

func newProgressBar(w *os.File, label string) *progressBar {
	return &progressBar{w: w, label: label}
}

func (p *progressBar) update(done, total int64) {
	finished := total > 0 && done >= total
	if !finished && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	if finished {
		fmt.Fprintf(p.w, "\r\033[K")
		return
	}
	if total <= 0 {
		fmt.Fprintf(p.w, "\rreading %s: %d", p.label, done)
		return
	}
	const width = 30
	filled := int(done * width / total)
	bar := make([]byte, width)
	for i := range bar {
		if i < filled {
			bar[i] = '#'
		} else {
			bar[i] = '.'
		}
	}
	fmt.Fprintf(p.w, "\rreading %s [%s] %3d%%", p.label, bar, done*100/total)
}

// progressFor returns a progress reporter for a large file when stderr is a
// terminal, else nil.
func progressFor(e *env, name string) func(done, total int64) {
	f, ok := e.stderr.(*os.File)
	if !ok || !isTerminal(f) {
		return nil
	}
	fi, err := os.Stat(name)
	if err != nil || fi.Size() < progressMinBytes {
		return nil
	}
	return newProgressBar(f, filepath.Base(name)).update
}

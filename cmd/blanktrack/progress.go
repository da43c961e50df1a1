package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// progressMinBytes is the file size from which reading shows progress.
const progressMinBytes = 4 << 20

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// terminal is stderr when it is a terminal: it draws one progress line and
// ends it before anything else is written, so that a warning never lands
// at the end of a half-drawn bar.
type terminal struct {
	mu   sync.Mutex
	w    io.Writer
	open bool // a progress line is on the screen
}

func (t *terminal) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.endLocked()
	return t.w.Write(b)
}

// draw replaces the progress line with s.
func (t *terminal) draw(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.w, "\r%s\033[K", s)
	t.open = true
}

// end clears the progress line, if one is drawn.
func (t *terminal) end() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.endLocked()
}

func (t *terminal) endLocked() {
	if t.open {
		fmt.Fprint(t.w, "\r\033[K")
		t.open = false
	}
}

// progressBar reports the reading of one file on the terminal, at most ten
// times a second.
type progressBar struct {
	p     *msg.Printer
	t     *terminal
	label string
	last  time.Time
}

// update shows done of total (bytes or rows); total 0 is unknown. The
// reader's last call has done == total: the line is cleared.
func (p *progressBar) update(done, total int64) {
	if done >= total && (total > 0 || done == 0) {
		p.t.end()
		return
	}
	if time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	if total <= 0 {
		p.t.draw(p.p.Text("reading %s: %d rows", p.label, done))
		return
	}
	const width = 30
	filled := int(done * width / total)
	p.t.draw(p.p.Text("reading %s [%s%s] %3d%%", p.label, strings.Repeat("#", filled), strings.Repeat(".", width-filled), done*100/total))
}

// progressFor returns a progress reporter for a large file when stderr is a
// terminal, else nil.
func progressFor(e *env, name string) func(done, total int64) {
	if e.term == nil {
		return nil
	}
	fi, err := os.Stat(name)
	if err != nil || fi.Size() < progressMinBytes {
		return nil
	}
	return (&progressBar{p: e.p, t: e.term, label: ranges.Visible(filepath.Base(name))}).update
}

//go:build unix

package portal

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// A journal that cannot be trusted stops the run before the login, with
// why, naming the file, and is left as it is: a FIFO (which blocked the run
// past its deadline), a symlink to /dev/zero (read until the memory ran
// out), a file larger than a journal can be, one of another shape (read as
// empty and overwritten), another 統編's.
func TestJournalThatCannotBeTrustedStopsBeforeTheLogin(t *testing.T) {
	for _, c := range []struct {
		name, why string
		make      func(path string) error
	}{
		{"fifo", "not a regular file: a named pipe (FIFO)", func(p string) error { return syscall.Mkfifo(p, 0o600) }},
		{"zero", "not a regular file: a device", func(p string) error { return os.Symlink("/dev/zero", p) }},
		{"huge", fmt.Sprintf("%d bytes, more than the %d a journal holds", journalMax+1, journalMax), func(p string) error {
			// Sparse: only its size is read.
			if err := os.WriteFile(p, []byte(`{"ban":"83012410","period":"11410","entries":[`), 0o600); err != nil {
				return err
			}
			return os.Truncate(p, int64(journalMax)+1)
		}},
		{"v2", `not a journal this version knows: json: unknown field "version"`, func(p string) error {
			return os.WriteFile(p, []byte(`{"ban":"83012410","period":"11410","version":2,"imports":[{"sha256":"ab","name":"x.csv"}]}`), 0o600)
		}},
		{"ban", `it is the journal of "53212539" and period "11410", not of 83012410 and 11410`, func(p string) error {
			return os.WriteFile(p, []byte(`{"ban":"53212539","period":"11410","entries":[]}`), 0o600)
		}},
	} {
		f := newFake(t)
		path := filepath.Join(f.journal, "upload-83012410-11410.journal.json")
		if err := c.make(path); err != nil {
			t.Fatal(err)
		}
		before, _ := os.Lstat(path)
		cl, _ := f.client()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		start := time.Now()
		_, err := cl.PlanUpload(ctx, fakePeriod, map[string][]ranges.BlankRange{"f.csv": {fakeRange(100, 199)}}, nil)
		cancel()
		text := errText(err)
		if err == nil || !strings.Contains(text, "the journal of imports sent, "+path+", cannot be read: "+c.why+"; move it away only after checking 上傳列表") ||
			!strings.Contains(text, "無法讀取") || time.Since(start) > 2*time.Second {
			t.Errorf("%s: %v in %s", c.name, text, time.Since(start))
		}
		f.mu.Lock()
		if len(f.seen) != 0 {
			t.Errorf("%s: requests before the journal was read: %q", c.name, f.seen)
		}
		f.mu.Unlock()
		if after, _ := os.Lstat(path); after == nil || !after.ModTime().Equal(before.ModTime()) || after.Mode() != before.Mode() {
			t.Errorf("%s: the journal was changed", c.name)
		}
	}
}

package portal_test

import (
	"errors"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// An upload locks every 統編 it uploads for, for its period: a second one
// that shares a 統編 and the period is refused and holds nothing; another
// period, or the first one released, goes.
func TestLockUpload(t *testing.T) {
	dir := t.TempDir()
	first, err := portal.LockUpload(dir, period, "53212539", "24549210", "53212539")
	if err != nil {
		t.Fatal(err)
	}
	var busy *portal.BusyError
	if _, err := portal.LockUpload(dir, period, "83012410", "24549210"); !errors.As(err, &busy) || busy.Ban != "24549210" || busy.Period != period {
		t.Errorf("a 統編 locked by another upload: %v", err)
	}
	// The refused one let go of 83012410, which it took first.
	if l, err := portal.LockUpload(dir, period, "83012410"); err != nil {
		t.Errorf("a 統編 the refused upload let go of: %v", err)
	} else {
		l.Release()
	}
	if l, err := portal.LockUpload(dir, period.Next(), "53212539"); err != nil {
		t.Errorf("another period: %v", err)
	} else {
		l.Release()
	}
	first.Release()
	if l, err := portal.LockUpload(dir, period, ranges.Ban("24549210")); err != nil {
		t.Errorf("after the first ended: %v", err)
	} else {
		l.Release()
	}
}

package portal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/blanktrack/blanktrack/pkg/internal/flock"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// UploadLock keeps a second upload for the same 統編 and period from
// running on this machine while one runs: both would import the same
// files. The system lets the locks go when the process ends, however it
// ends, so that a killed run leaves none behind.
type UploadLock struct{ held []*flock.Lock }

// BusyError is an upload that another one running on this machine, for
// the same 統編 and period, holds the lock of.
type BusyError struct {
	Ban    ranges.Ban
	Period ranges.Period
	Path   string // the lock file, which the other run holds open
}

func (e *BusyError) text() msg.Message {
	return msg.T("another blanktrack upload for %s, %s is running on this machine (it holds %s): let it end first; two at once would import the same files twice", e.Ban, e.Period, e.Path)
}

func (e *BusyError) Error() string                  { return e.text().String() }
func (e *BusyError) Localize(p *msg.Printer) string { return e.text().Localize(p) }

// LockUpload takes, without waiting, the lock of each 統編 of an upload
// for period, kept as files in dir (created if need be): a *BusyError when
// another upload holds one of them, and then none is held.
func LockUpload(dir string, period ranges.Period, bans ...ranges.Ban) (*UploadLock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, msg.Errorf("the folder of upload's locks: %w", err)
	}
	l := &UploadLock{}
	bans = slices.Clone(bans)
	slices.Sort(bans)
	for _, b := range slices.Compact(bans) {
		path := filepath.Join(dir, fmt.Sprintf("upload-%s-%s.lock", b, period.Code()))
		f, err := flock.Try(path)
		if err != nil {
			l.Release()
			if errors.Is(err, flock.ErrHeld) {
				return nil, &BusyError{Ban: b, Period: period, Path: path}
			}
			return nil, msg.Errorf("locking the upload of %s, %s: %w", b, period, err)
		}
		l.held = append(l.held, f)
	}
	return l, nil
}

// Release lets the locks go.
func (l *UploadLock) Release() {
	for _, f := range l.held {
		f.Release()
	}
	l.held = nil
}

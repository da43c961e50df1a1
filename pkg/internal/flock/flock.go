// Package flock takes exclusive locks on files without waiting for them:
// the system releases a lock when the process that holds it ends, however
// it ends (kill -9 and power loss included), so that no lock is ever left
// stale. flock(2) on Unix, LockFileEx on Windows.
package flock

import (
	"os"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// ErrHeld is a lock another process (or another Lock of this one) holds.
var ErrHeld = msg.New("the lock is held by another process")

// Lock is a lock held on a file.
type Lock struct{ f *os.File }

// Try takes the lock of the file at path, creating the file (not its
// folder) if need be, or fails at once with ErrHeld. The file is left in
// place when the lock is released: removing it would let two processes
// each lock a file of the same name.
func Try(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := lock(f); err != nil {
		f.Close()
		return nil, err
	}
	return &Lock{f: f}, nil
}

// Release lets the lock go.
func (l *Lock) Release() error {
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	return err
}

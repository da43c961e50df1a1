package flock

import (
	"errors"
	"path/filepath"
	"testing"
)

// One holder at a time; released, the lock can be taken again; another
// file's lock is another lock.
func TestTry(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.lock"), filepath.Join(dir, "b.lock")
	la, err := Try(a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Try(a); !errors.Is(err, ErrHeld) {
		t.Errorf("a lock held, taken again: %v", err)
	}
	lb, err := Try(b)
	if err != nil {
		t.Errorf("another file's lock: %v", err)
	} else {
		lb.Release()
	}
	if err := la.Release(); err != nil {
		t.Fatal(err)
	}
	la, err = Try(a)
	if err != nil {
		t.Fatalf("released, taken again: %v", err)
	}
	la.Release()
	if _, err := Try(filepath.Join(dir, "no", "folder.lock")); err == nil || errors.Is(err, ErrHeld) {
		t.Errorf("a lock in a missing folder: %v", err)
	}
}

package importfile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Review rv1, finding 11: a probe file left by a run killed with kill -9
// (.blanktrack-probe-123.tmp) was never cleaned: RemoveTemps wanted
// .<name>.<digits>.tmp. The probe's name is now of that form, and the form
// earlier versions left is removed too.
func TestRemoveTempsRemovesLeftProbes(t *testing.T) {
	dir := t.TempDir()
	f, err := os.CreateTemp(dir, probePattern)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	old := ".blanktrack-probe-123.tmp"
	keep := ".blanktrack-probe-x.tmp"
	for _, n := range []string{old, keep} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	removed, err := RemoveTemps(dir, func(string) bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(removed)
	want := []string{old, filepath.Base(f.Name())}
	slices.Sort(want)
	if !slices.Equal(removed, want) {
		t.Errorf("removed %q, want %q", removed, want)
	}
	if _, err := os.Stat(filepath.Join(dir, keep)); err != nil {
		t.Errorf("%s, not a probe's name, was removed: %v", keep, err)
	}
}

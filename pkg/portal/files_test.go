package portal_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

func bulkFile(t *testing.T, dir, name, lines string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(lines, "\n", "\r\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadBulkFiles(t *testing.T) {
	dir := t.TempDir()
	a := bulkFile(t, dir, "a.csv", "00001,83012410,11410,ZK,00000100,00000199,07\n00002,83012410,11410,ZL,00000000,00000049,07\n")
	b := bulkFile(t, dir, "b.csv", "00001,24549210,11410,ZM,00000000,00000009,07\n")
	ctx := context.Background()

	// The period comes from the files; the order is kept.
	fs, err := portal.ReadBulkFiles(ctx, []string{b, a}, ranges.Period{})
	if err != nil {
		t.Fatal(err)
	}
	if fs.Period != period || len(fs.Names) != 2 || fs.Names[0] != b || len(fs.Ranges[a]) != 2 || fs.Ranges[a][1] != rng("83012410", "ZL", 0, 49) {
		t.Errorf("%+v", fs)
	}
	// Another period than asked for, a file named twice, a file with
	// findings: refused.
	if _, err := portal.ReadBulkFiles(ctx, []string{a}, period.Next()); err == nil || !strings.Contains(err.Error(), "a.csv:1: period 11410: the upload is for 11412") {
		t.Errorf("another period: %v", err)
	}
	if _, err := portal.ReadBulkFiles(ctx, []string{a, a}, ranges.Period{}); err == nil || !strings.Contains(err.Error(), "named twice") {
		t.Errorf("named twice: %v", err)
	}
	bad := bulkFile(t, dir, "bad.csv", "00001,83012410,11410,ZK,00000100,00000099,07\n")
	var fe *portal.FindingsError
	if _, err := portal.ReadBulkFiles(ctx, []string{a, bad}, ranges.Period{}); !errors.As(err, &fe) || !strings.Contains(err.Error(), "bad.csv:1") {
		t.Errorf("a file with findings: %v", err)
	}
	// Ctrl-C before the reading: nothing is read.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := portal.ReadBulkFiles(cctx, []string{a}, ranges.Period{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// The same content twice in one upload is refused before anything is
// sent, naming both files: the same file by two paths, a copy of it (a
// copy of the folder, manifest and all), or its ranges written again with
// other line ends. Sent twice, it would be imported twice.
func TestReadBulkFilesRefusesTheSameContentTwice(t *testing.T) {
	dir, copyDir := t.TempDir(), t.TempDir()
	lines := "00001,83012410,11410,ZK,00000100,00000199,07\n00002,83012410,11410,ZL,00000000,00000049,07\n"
	a := bulkFile(t, dir, "83012410_11410.csv", lines)
	b := bulkFile(t, dir, "24549210_11410.csv", "00001,24549210,11410,ZM,00000000,00000009,07\n")
	acopy := bulkFile(t, copyDir, "83012410_11410.csv", lines)
	// A regenerated output folder: the same 統編 and period, ranges split
	// otherwise, overlapping a's.
	regen := bulkFile(t, t.TempDir(), "83012410_11410.csv", "00001,83012410,11410,ZK,00000150,00000160,07\n00002,83012410,11410,ZK,00000190,00000250,07\n")
	lf := filepath.Join(t.TempDir(), "lf.csv")
	if err := os.WriteFile(lf, []byte("00001,83012410,11410,ZL,00000000,00000049,07\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []struct {
		name          string
		files         []string
		first, second string
		also          string
	}{
		{"two paths to one file", []string{a, b, dir + string(filepath.Separator) + "." + string(filepath.Separator) + "83012410_11410.csv"}, a, dir + string(filepath.Separator) + "." + string(filepath.Separator) + "83012410_11410.csv", "the same content"},
		{"a copy", []string{acopy, b, a}, acopy, a, "the same content"},
		{"a range in two files", []string{a, b, lf}, a, lf, "ZL00000000-00000049"},
		{"overlapping ranges in two files", []string{a, b, regen}, a, regen, "ZK00000100-00000199 and " + regen + " holds ZK00000150-00000160, which overlap"},
		{"overlapping, the other way", []string{regen, a}, regen, a, "ZK00000190-00000250 and " + a + " holds ZK00000100-00000199, which overlap"},
	} {
		_, err := portal.ReadBulkFiles(ctx, c.files, ranges.Period{})
		var same *portal.SameContentError
		if !errors.As(err, &same) || same.First != c.first || same.Second != c.second || !strings.Contains(err.Error(), c.first) || !strings.Contains(err.Error(), c.second) || !strings.Contains(err.Error(), c.also) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if _, err := portal.ReadBulkFiles(ctx, []string{a, b}, ranges.Period{}); err != nil {
		t.Errorf("two different files: %v", err)
	}
}

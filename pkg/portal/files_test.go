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

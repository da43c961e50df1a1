package importfile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// A run owns its 統編 of its period: it takes them and their files from
// earlier runs, and leaves other 統編 and periods recorded.
func TestManifestRecord(t *testing.T) {
	var m Manifest
	out := func(file string, ban ranges.Ban) ManifestOutput {
		return ManifestOutput{File: file, Ban: ban, SHA256: "x"}
	}
	m.Record(ManifestRun{Period: "114/09~114/10", Bans: []ranges.Ban{"24549210", "53212539"},
		Outputs: []ManifestOutput{out("24549210_11410.csv", "24549210"), out("53212539_11410.csv", "53212539")}})
	m.Record(ManifestRun{Period: "114/11~114/12", Bans: []ranges.Ban{"53212539"}, Outputs: []ManifestOutput{out("53212539_11412.csv", "53212539")}})
	m.Record(ManifestRun{Period: "114/09~114/10", Bans: []ranges.Ban{"53212539"}})
	var got []string
	for _, r := range m.Runs {
		for _, o := range r.Outputs {
			got = append(got, r.Period+" "+o.File)
		}
	}
	want := []string{"114/09~114/10 24549210_11410.csv", "114/11~114/12 53212539_11412.csv"}
	if !slices.Equal(got, want) {
		t.Errorf("outputs %q, want %q", got, want)
	}
	if len(m.Runs) != 3 || !slices.Equal(m.Runs[0].Bans, []ranges.Ban{"24549210"}) {
		t.Errorf("runs %+v", m.Runs)
	}
	// A run left with no 統編 is dropped.
	m.Record(ManifestRun{Period: "114/09~114/10", Bans: []ranges.Ban{"24549210", "53212539"}})
	if len(m.Runs) != 2 {
		t.Errorf("runs %+v, want the two latest", m.Runs)
	}
}

func TestManifestVerify(t *testing.T) {
	dir := t.TempDir()
	data := []byte("00001,83012410,11410,ZK,37210312,37210499,07\r\n")
	sum := sha256.Sum256(data)
	m := &Manifest{}
	m.Record(ManifestRun{Period: "114/09~114/10", Bans: []ranges.Ban{"83012410"},
		Outputs: []ManifestOutput{{File: "83012410_11410.csv", Ban: "83012410", SHA256: hex.EncodeToString(sum[:])}}})
	seal, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var ms Manifests
	if err := ms.Verify(filepath.Join(dir, "83012410_11410.csv"), sum[:]); err != nil {
		t.Errorf("a folder without a manifest: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestName), seal, 0o644); err != nil {
		t.Fatal(err)
	}
	ms = Manifests{}
	if err := ms.Verify(filepath.Join(dir, "83012410_11410.csv"), sum[:]); err != nil {
		t.Errorf("the recorded file: %v", err)
	}
	other := sha256.Sum256([]byte("changed"))
	var me *ManifestError
	if err := ms.Verify(filepath.Join(dir, "83012410_11410.csv"), other[:]); !errors.As(err, &me) || me.Want != hex.EncodeToString(sum[:]) || me.Got != hex.EncodeToString(other[:]) {
		t.Errorf("a changed file: %v", err)
	}
	if err := ms.Verify(filepath.Join(dir, "24549210_11410.csv"), sum[:]); !errors.As(err, &me) || me.Want != "" {
		t.Errorf("an unrecorded file: %v", err)
	}
	// Not blanktrack's: an error, never silently ignored.
	os.WriteFile(filepath.Join(dir, ManifestName), []byte(`{"files": []}`), 0o644)
	if _, err := ReadManifest(dir); !errors.Is(err, ErrManifest) {
		t.Errorf("a foreign manifest: %v", err)
	}
}

func TestOwnedName(t *testing.T) {
	for name, want := range map[string]string{
		"53212539_11510.csv":                            "53212539 11510",
		"53212539_11510_part2.csv":                      "53212539 11510",
		"E0402_53212539_24549210_11510_08_ZM.xml":       "24549210 11510",
		"E0402_53212539_24549210_11510_07_ZL_part2.xml": "24549210 11510",
		"空白發票_53212539(11510).csv":                      "",
		"53212539_11510.csv.bak":                        "",
		"blanktrack-report.json":                        "",
	} {
		ban, code, ok := OwnedName(name)
		if got := string(ban) + " " + code; ok != (want != "") || (ok && got != want) {
			t.Errorf("OwnedName(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

// Commit removes the files it is asked to only once the new ones are in
// place, and puts the seal last; on an error before that, nothing changes.
func TestCommitRemovesAndSeals(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"old.csv", "keep.csv"} {
		os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644)
	}
	err := Commit(context.Background(), dir, Change{Write: []File{{Name: "new.csv", Data: []byte("n")}}, Remove: []string{"old.csv"}, Seal: &File{Name: "seal.json", Data: []byte("{}")}})
	if err != nil {
		t.Fatal(err)
	}
	assertOnly(t, dir, "keep.csv", "new.csv", "seal.json")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = Commit(ctx, dir, Change{Write: []File{{Name: "x.csv", Data: []byte("x")}}, Remove: []string{"keep.csv"}, Seal: &File{Name: "seal.json", Data: []byte("new")}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	assertOnly(t, dir, "keep.csv", "new.csv", "seal.json")
}

// ProbeDir leaves no folder it created and no probe file behind, and says
// why a folder cannot be written.
func TestProbeDir(t *testing.T) {
	root := t.TempDir()
	if err := ProbeDir(filepath.Join(root, "a", "b", "out")); err != nil {
		t.Fatal(err)
	}
	assertOnly(t, root)
	os.WriteFile(filepath.Join(root, "file"), []byte("x"), 0o644)
	if err := ProbeDir(filepath.Join(root, "file", "out")); err == nil {
		t.Error("a folder under a file: no error")
	}
	if err := ProbeDir(filepath.Join(root, "file")); err == nil {
		t.Error("a file as the folder: no error")
	}
	assertOnly(t, root, "file")
}

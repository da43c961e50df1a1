package importfile

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// manyRanges is n single-number ranges of one track: every other number.
func manyRanges(key ranges.Key, n int) []ranges.BlankRange {
	rs := make([]ranges.BlankRange, n)
	for i := range rs {
		rs[i] = ranges.BlankRange{Key: key, Start: ranges.Number(2 * i), End: ranges.Number(2 * i)}
	}
	return rs
}

// Two tracks of 99,945 ranges (199,890 in all) need two files; each track
// stays whole in one, numbered from 00001, and the first file keeps the
// plain name.
func TestBulkFilesSplitAtTracks(t *testing.T) {
	rs := append(manyRanges(keyZK, 99945), manyRanges(keyZL, 99945)...)
	files, err := BulkFiles(rs)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Name != "83012410_11410.csv" || files[1].Name != "83012410_11410_part2.csv" {
		t.Fatalf("files %v", names(files))
	}
	for i, f := range files {
		rows, fs := ReadBulk(bytes.NewReader(f.Data), f.Name)
		if len(fs) > 0 {
			t.Fatalf("%s: %v", f.Name, fs[0])
		}
		if len(rows) != 99945 || rows[0].Seq != 1 || rows[0].Track != rs[i*99945].Track {
			t.Errorf("%s: %d rows, first %+v", f.Name, len(rows), rows[0])
		}
	}
	// Small tracks share a file.
	small := append(manyRanges(keyZK, 3), manyRanges(keyZL, 4)...)
	if files, err := BulkFiles(small); err != nil || len(files) != 1 {
		t.Errorf("7 ranges: %d files, %v", len(files), err)
	}
}

// One track with more ranges than a file holds cannot be split safely.
func TestBulkFilesTrackTooLarge(t *testing.T) {
	_, err := BulkFiles(manyRanges(keyZK, MaxBulkLines+1))
	if !errors.Is(err, ErrTrackTooLarge) {
		t.Fatalf("err = %v, want ErrTrackTooLarge", err)
	}
}

// check takes a set of files as generate splits it, and refuses a track
// whose ranges stand in two files.
func TestCheckSplitFiles(t *testing.T) {
	dir := t.TempDir()
	rs := append(manyRanges(keyZK, 99945), manyRanges(keyZL, 99945)...)
	files, err := BulkFiles(rs)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFiles(context.Background(), dir, files); err != nil {
		t.Fatal(err)
	}
	found, err := FindBulkFiles(dir, "83012410", period)
	if err != nil || len(found) != 2 {
		t.Fatalf("FindBulkFiles = %v, %v", found, err)
	}
	if rep := (&Checker{}).Check(found); len(rep.Findings) > 0 || rep.Ranges != len(rs) {
		t.Fatalf("findings %v, %d ranges", rep.Findings, rep.Ranges)
	}
	// A ZK range moved into the second file: ZK is now in both.
	moved := append(append([]ranges.BlankRange{}, manyRanges(keyZK, 1)...), manyRanges(keyZL, 2)...)
	moved[0].Start, moved[0].End = 500000, 500000
	data, _ := AppendBulk(nil, moved)
	if err := os.WriteFile(filepath.Join(dir, "83012410_11410_part2.csv"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	rep := (&Checker{}).Check(found)
	if len(rep.Findings) != 1 || rep.Findings[0].File != found[1] || !bytes.Contains([]byte(rep.Findings[0].Problem), []byte("字軌 ZK")) {
		t.Fatalf("findings %v, want one naming ZK in the second file", rep.Findings)
	}
}

func names(fs []File) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

// A bulk file holds one 統編, whatever its name: a renamed file mixing two
// 統編 is a finding, as it is under generate's name.
func TestCheckOneBanAFile(t *testing.T) {
	dir := t.TempDir()
	other := ranges.Key{Ban: "04595257", Type: ranges.TypeGeneral, Period: period, Track: "ZM"}
	data, _ := AppendBulk(nil, manyRanges(keyZK, 2))
	more, _ := AppendBulk(nil, manyRanges(other, 1))
	// Renumber the second part's line after the first two.
	data = append(data, bytes.Replace(more, []byte("00001,"), []byte("00003,"), 1)...)
	name := filepath.Join(dir, "x.csv")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	rep := (&Checker{}).Check([]string{name})
	if len(rep.Findings) != 1 || rep.Findings[0].Line != 3 || !strings.Contains(rep.Findings[0].Problem, "want one 統編 a file") {
		t.Fatalf("findings %v", rep.Findings)
	}
}

// With XML, a 統編 with a track too large for a bulk file gets its E0402
// messages (split at E0402MaxItems) and no bulk file, and Render lists the
// track; another 統編 keeps its bulk file. Before, the run failed saying
// "report this track through Turnkey (E0402)" and wrote no E0402 file.
// Without XML it fails, saying how to get them.
func TestRenderTrackTooLargeForBulk(t *testing.T) {
	other := keyZK
	other.Ban = "53212539"
	res := &ranges.Result{Period: keyZK.Period, Ranges: append(manyRanges(keyZK, MaxBulkLines+1), manyRanges(other, 2)...)}
	res.Summaries = []ranges.Summary{{Key: keyZK}, {Key: other}}
	slices.SortStableFunc(res.Summaries, func(a, b ranges.Summary) int { return strings.Compare(string(a.Ban), string(b.Ban)) })
	slices.SortStableFunc(res.Ranges, func(a, b ranges.BlankRange) int { return strings.Compare(string(a.Ban), string(b.Ban)) })

	files, _, noBulk, err := Render(context.Background(), res, RenderOptions{XML: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(noBulk) != 1 || noBulk[0].Ban != keyZK.Ban || noBulk[0].Track != "ZK" || noBulk[0].Ranges != MaxBulkLines+1 {
		t.Fatalf("noBulk %v", noBulk)
	}
	var e0402, items int
	for _, f := range files {
		switch {
		case strings.HasPrefix(f.Name, string(keyZK.Ban)):
			t.Errorf("bulk file %s for a track it cannot hold", f.Name)
		case strings.HasPrefix(f.Name, "E0402_"+string(keyZK.Ban)):
			e0402++
			items += strings.Count(string(f.Data), "<BranchTrackBlankItem>")
		}
	}
	if want := (MaxBulkLines + E0402MaxItems) / E0402MaxItems; e0402 != want || items != MaxBulkLines+1 {
		t.Errorf("%d E0402 files with %d items, want %d with %d", e0402, items, want, MaxBulkLines+1)
	}
	if !slices.ContainsFunc(files, func(f File) bool { return f.Name == "53212539_11410.csv" }) {
		t.Errorf("the other 統編 lost its bulk file: %v", names(files))
	}

	_, _, _, err = Render(context.Background(), res, RenderOptions{})
	var tl *TrackTooLargeError
	if !errors.As(err, &tl) || !errors.Is(err, ErrTrackTooLarge) || !strings.Contains(err.Error(), "or write E0402 (--xml, or xml = true in a config) and report 83012410 through Turnkey") {
		t.Errorf("without XML: %v", err)
	}
}

package job

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// OverwriteError is an output path that is one of the run's inputs: the
// same file, by its path or through a hard or symbolic link. Nothing is
// written.
type OverwriteError struct {
	Output string // the path the run would write or remove
	Input  string // the input it is
	Remove bool   // the run would remove it (a file of an earlier run)
}

func (e *OverwriteError) Error() string { return e.message().String() }

// Localize prints the error in p's language.
func (e *OverwriteError) Localize(p *msg.Printer) string { return e.message().Localize(p) }

func (e *OverwriteError) message() msg.Message {
	same := filepath.Clean(e.Output) == filepath.Clean(e.Input)
	switch {
	case same && e.Remove:
		return msg.T("%s is an input, and the run would remove it: write into a folder that holds no input", e.Output)
	case same:
		return msg.T("%s is an input, and the run would write it: write into a folder that holds no input", e.Output)
	case e.Remove:
		return msg.T("the run would remove %s, which is the input %s (the same file, through a link): write into a folder that holds no input", e.Output, e.Input)
	}
	return msg.T("the run would write %s, which is the input %s (the same file, through a link): write into a folder that holds no input", e.Output, e.Input)
}

// ForeignFileError is a file of the output folder, named as blanktrack
// names its files, that the run would overwrite although the folder's
// manifest does not record it (blanktrack did not write it: the user put
// it there), or would remove although the manifest does not record it with
// the bytes it has (not written by blanktrack, or changed since). Nothing
// is written.
type ForeignFileError struct {
	Path    string // the file
	Changed bool   // the manifest records the name with other bytes
	Remove  bool   // the run would remove it; else overwrite it
	Link    bool   // a symbolic link or not a regular file: never blanktrack's
}

func (e *ForeignFileError) Error() string { return e.message().String() }

// Localize prints the error in p's language.
func (e *ForeignFileError) Localize(p *msg.Printer) string { return e.message().Localize(p) }

func (e *ForeignFileError) message() msg.Message {
	switch {
	case e.Link:
		return msg.T("%s is a symbolic link or not a regular file: blanktrack writes only regular files, and this run would replace or remove it: move it away, or pick another --out", e.Path)
	case e.Changed:
		return msg.T("%s changed since blanktrack wrote it (%s records other bytes), and this run would remove it: move it away, or pick another --out", e.Path, importfile.ManifestName)
	case e.Remove:
		return msg.T("%s is named like blanktrack's files, but no %s of its folder records it: blanktrack did not write it, and this run would remove it: move it away, or pick another --out", e.Path, importfile.ManifestName)
	}
	return msg.T("%s is named like blanktrack's files, but no %s of its folder records it: blanktrack did not write it, and this run would overwrite it: move it away, or pick another --out", e.Path, importfile.ManifestName)
}

// CheckOut makes sure a run can write into dir before it reads any input:
// the folder can be created and written, and a manifest already there is
// blanktrack's. It leaves dir as it was.
func CheckOut(dir string) error {
	if err := importfile.ProbeDir(dir); err != nil {
		return err
	}
	_, err := importfile.ReadManifest(dir)
	return err
}

// Write writes the files of every branch that did not fail into dir and
// makes the run the owner of its 統編's files of the period there: files
// of an earlier run of the same 統編 and period that this run does not
// write are removed (and listed in r.Removed), and the folder's manifest
// (importfile.ManifestName) records the inputs, the outputs and their
// SHA-256. All of it or nothing: the files are written under temporary
// names first, and the manifest is renamed into place last. Before
// anything is written, an output path that is an input fails with an
// *OverwriteError, and a file the run would replace or remove that the
// manifest does not record with its bytes (blanktrack did not write it,
// or it changed since) with a *ForeignFileError.
func (r *Result) Write(ctx context.Context, dir string) error {
	files := r.Files()
	m, err := importfile.ReadManifest(dir)
	if err != nil {
		return err
	}
	owned := r.ownedBans()
	stale, err := r.staleFiles(dir, files, owned)
	if err != nil {
		return err
	}
	names := []string{importfile.ManifestName, ReportText, ReportHTML}
	for _, f := range files {
		names = append(names, f.Name)
	}
	if err := r.refuseInputs(dir, names, stale); err != nil {
		return err
	}
	if err := refuseForeign(dir, m, files, stale); err != nil {
		return err
	}
	if m == nil {
		m = &importfile.Manifest{}
	}
	// A run killed while writing (kill -9 cannot be cleaned up after)
	// leaves hidden temporary files of the names it wrote.
	temps, err := importfile.RemoveTemps(dir, func(name string) bool {
		if ban, code, ok := importfile.OwnedName(name); ok {
			return code == r.Period.Code() && slices.Contains(owned, ban)
		}
		return name == importfile.ManifestName || name == ReportText || name == ReportHTML
	})
	r.RemovedTemps = temps
	if err != nil {
		return err
	}
	run := importfile.ManifestRun{Period: r.Period.String(), Version: cmp.Or(r.tool, Version()), Bans: owned,
		Inputs: []importfile.ManifestInput{}, Outputs: []importfile.ManifestOutput{}}
	for _, in := range r.Inputs {
		run.Inputs = append(run.Inputs, importfile.ManifestInput{Path: relativePath(dir, in.Path), Size: in.Size, SHA256: in.SHA256})
	}
	for _, f := range files {
		ban, _, _ := importfile.OwnedName(f.Name)
		sum := sha256.Sum256(f.Data)
		run.Outputs = append(run.Outputs, importfile.ManifestOutput{File: f.Name, Ban: ban, SHA256: hex.EncodeToString(sum[:])})
	}
	m.Record(run)
	data, err := m.Marshal()
	if err != nil {
		return err
	}
	seal := importfile.File{Name: importfile.ManifestName, Data: data}
	// The reports say what the run removes, as the command does.
	r.Removed = stale
	reports, err := r.reports(dir, run)
	if err != nil {
		r.Removed = nil
		return err
	}
	written := slices.Concat(files, reports)
	if err := importfile.Commit(ctx, dir, importfile.Change{Write: written, Remove: stale, Seal: &seal}); err != nil {
		r.Removed = nil
		return err
	}
	r.Removed = stale
	r.written = true
	return nil
}

// Names of the reports a run writes beside its files.
const (
	ReportText = "report.txt"
	ReportHTML = "report.html"
)

// reports renders report.txt (the tables and warnings the command prints)
// and report.html (the page to keep with the filing) of a run into dir.
func (r *Result) reports(dir string, run importfile.ManifestRun) ([]importfile.File, error) {
	info := ReportInfo{Tool: run.Version, Out: dir}
	for _, in := range run.Inputs {
		info.Inputs = append(info.Inputs, FileHash{Name: in.Path, Size: in.Size, SHA256: in.SHA256})
	}
	for _, f := range r.Files() {
		sum := sha256.Sum256(f.Data)
		info.Outputs = append(info.Outputs, FileHash{Name: f.Name, Size: int64(len(f.Data)), SHA256: hex.EncodeToString(sum[:])})
	}
	page, err := r.HTML(info)
	if err != nil {
		return nil, err
	}
	return []importfile.File{{Name: ReportText, Data: r.PlainReport(dir)}, {Name: ReportHTML, Data: page}}, nil
}

// ownedBans are the 統編 whose files of the period the run owns: those of
// the allocations of every branch that did not fail, and of a config's
// branches that did (their earlier files would no longer match their
// inputs).
func (r *Result) ownedBans() []ranges.Ban {
	var bans []ranges.Ban
	for _, br := range r.Branches {
		switch {
		case br.Err == nil && br.Blank != nil:
			bans = append(bans, br.Blank.Bans()...)
		case br.Ban != "":
			bans = append(bans, br.Ban)
		}
	}
	slices.Sort(bans)
	return slices.Compact(bans)
}

// staleFiles lists the files of dir named as generate names its files, of
// an owned 統編 and the run's period, that the run does not write.
func (r *Result) staleFiles(dir string, files []importfile.File, owned []ranges.Ban) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var stale []string
	for _, e := range entries {
		ban, code, ok := importfile.OwnedName(e.Name())
		if !ok || code != r.Period.Code() || !slices.Contains(owned, ban) || e.IsDir() {
			continue
		}
		if !slices.ContainsFunc(files, func(f importfile.File) bool { return f.Name == e.Name() }) {
			stale = append(stale, e.Name())
		}
	}
	return stale, nil
}

// refuseInputs fails when a path the run would write (names) or remove
// (stale) in dir is one of its inputs.
func (r *Result) refuseInputs(dir string, names, stale []string) error {
	check := func(name string, remove bool) error {
		p := filepath.Join(dir, name)
		fi, err := os.Stat(p)
		if err != nil {
			return nil // nothing there: nothing to overwrite
		}
		for _, in := range r.Inputs {
			if os.SameFile(fi, in.info) {
				return &OverwriteError{Output: p, Input: in.Path, Remove: remove}
			}
		}
		return nil
	}
	for _, name := range names {
		if err := check(name, false); err != nil {
			return err
		}
	}
	for _, name := range stale {
		if err := check(name, true); err != nil {
			return err
		}
	}
	return nil
}

// refuseForeign fails when a file the run would overwrite (one of files)
// or remove (stale) in dir may be the user's, as the folder's manifest m
// (nil: the folder has none) tells: a file it would remove must be
// recorded with the bytes it has; one it would overwrite must be recorded
// (an output changed by hand is regenerated, as check advises) or hold
// the bytes the run writes already. The reports are the last run's in a
// folder with a manifest; in one without, they are the user's.
//
// A symbolic link (or anything not a regular file) at a name the run
// writes or removes is never blanktrack's, whatever the manifest records:
// the rename would replace the link the user put there, its target
// untouched, without a word.
func refuseForeign(dir string, m *importfile.Manifest, files []importfile.File, stale []string) error {
	names := slices.Concat([]string{importfile.ManifestName, ReportText, ReportHTML}, stale)
	for _, f := range files {
		names = append(names, f.Name)
	}
	for _, name := range names {
		p := filepath.Join(dir, name)
		if fi, err := os.Lstat(p); err == nil && !fi.Mode().IsRegular() {
			return &ForeignFileError{Path: p, Link: true, Remove: slices.Contains(stale, name)}
		}
	}
	check := func(name string, data []byte, remove bool) error {
		p := filepath.Join(dir, name)
		sum, err := fileSum(p)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if !remove && sum == sha256.Sum256(data) {
			return nil
		}
		e := &ForeignFileError{Path: p, Remove: remove}
		if m != nil {
			o, ok := m.Output(name)
			if ok && (!remove || o.SHA256 == hex.EncodeToString(sum[:])) {
				return nil
			}
			e.Changed = ok
		}
		return e
	}
	for _, f := range files {
		if err := check(f.Name, f.Data, false); err != nil {
			return err
		}
	}
	for _, name := range stale {
		if err := check(name, nil, true); err != nil {
			return err
		}
	}
	if m == nil {
		for _, name := range []string{ReportText, ReportHTML} {
			if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
				return &ForeignFileError{Path: filepath.Join(dir, name)}
			}
		}
	}
	return nil
}

// fileSum is the SHA-256 of a file's bytes, read as a stream.
func fileSum(path string) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	f, err := os.Open(path)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, msg.Errorf("%s: %w", path, err)
	}
	h.Sum(sum[:0])
	return sum, nil
}

// relativePath is path relative to dir, with forward slashes, so that the
// manifest reads the same on every machine; an absolute path when there is
// no relative one.
func relativePath(dir, path string) string {
	ad, err1 := filepath.Abs(dir)
	ap, err2 := filepath.Abs(path)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(ad, ap); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(path)
}

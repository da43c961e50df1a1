package importfile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// File is an output file: its name inside the output folder and its bytes.
type File struct {
	Name string
	Data []byte
}

// WriteFiles writes files into dir so that no file is ever half-written:
// each is written to a temporary name in dir, synced, and only when all of
// them are complete are they renamed to their names. On any error, ctx's
// included, every temporary file is removed and no named file has been
// touched.
func WriteFiles(ctx context.Context, dir string, files []File) error {
	return Commit(ctx, dir, Change{Write: files})
}

// Change is what Commit does to a folder.
type Change struct {
	Write  []File   // files to write
	Remove []string // names of files to remove, after Write is in place
	// Seal, if set, is written last, after the removals: a manifest that
	// is in place only when everything it records is.
	Seal *File
}

// Commit writes and removes files in dir as WriteFiles does: every file is
// written under a temporary name first, and only when all are complete
// (and ctx still holds) are they renamed, the files of Remove removed, and
// Seal renamed last. On an error before the renames, every temporary file
// is removed and dir is as it was.
func Commit(ctx context.Context, dir string, c Change) (err error) {
	files := c.Write
	if c.Seal != nil {
		files = append(slices.Clip(files), *c.Seal)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	temps := make([]string, 0, len(files))
	defer func() {
		if err != nil {
			for _, t := range temps {
				os.Remove(t)
			}
		}
	}()
	for _, f := range files {
		if f.Name != filepath.Base(f.Name) || f.Name == "." || f.Name == ".." {
			return msg.Errorf("output name %q is not a plain file name", f.Name)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		tmp, err := writeTemp(dir, f)
		if err != nil {
			return err
		}
		temps = append(temps, tmp)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	last := len(files)
	if c.Seal != nil {
		last--
	}
	for i, f := range files[:last] {
		if err := os.Rename(temps[i], filepath.Join(dir, f.Name)); err != nil {
			return err
		}
	}
	for _, name := range c.Remove {
		if name != filepath.Base(name) {
			return msg.Errorf("name to remove %q is not a plain file name", name)
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if c.Seal != nil {
		return os.Rename(temps[last], filepath.Join(dir, c.Seal.Name))
	}
	return nil
}

// ProbeDir makes sure files can be written into dir before any work
// starts: it creates dir (and any missing parent), writes and removes a
// temporary file in it, and removes again the folders it created, so that
// a run that fails later leaves nothing behind.
func ProbeDir(dir string) error {
	var created []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || !errors.Is(err, os.ErrNotExist) {
			break
		}
		created = append(created, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	defer func() {
		for _, d := range created { // deepest first
			os.Remove(d)
		}
	}()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return msg.Errorf("cannot create the folder %s: %w", dir, err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return msg.Errorf("%s is not a folder", dir)
	}
	f, err := os.CreateTemp(dir, probePattern)
	if err != nil {
		return msg.Errorf("cannot write into %s: %w", dir, err)
	}
	_, werr := f.Write([]byte("probe"))
	cerr := f.Close()
	rerr := os.Remove(f.Name())
	if err := errors.Join(werr, cerr, rerr); err != nil {
		return msg.Errorf("cannot write into %s: %w", dir, err)
	}
	return nil
}

// probePattern names ProbeDir's file as Commit names its temporary files,
// .<name>.<digits>.tmp, so that RemoveTemps finds one a killed run left.
const probePattern = ".blanktrack-probe.*.tmp"

func writeTemp(dir string, f File) (string, error) {
	t, err := os.CreateTemp(dir, "."+f.Name+".*.tmp")
	if err != nil {
		return "", err
	}
	_, werr := t.Write(f.Data)
	serr := t.Sync()
	cerr := t.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(t.Name())
		return "", msg.Errorf("writing %s: %w", filepath.Join(dir, f.Name), err)
	}
	if err := os.Chmod(t.Name(), 0o644); err != nil {
		os.Remove(t.Name())
		return "", err
	}
	return t.Name(), nil
}

// reTemp matches the temporary files Commit and ProbeDir write: a dot, the
// final name (or blanktrack-probe), a random number, .tmp.
var reTemp = regexp.MustCompile(`^\.(.+)\.[0-9]+\.tmp$`)

// reOldProbe is the probe's name before it took reTemp's form, as
// versions up to 5c85967 leave it.
var reOldProbe = regexp.MustCompile(`^\.blanktrack-probe-[0-9]+\.tmp$`)

// RemoveTemps removes from dir the temporary files an earlier run left
// when it was killed mid-write (a kill -9 cannot be cleaned up after):
// those named for a file blanktrack writes there (owned reports whether a
// name is one). It returns the names removed.
func RemoveTemps(dir string, owned func(name string) bool) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range ents {
		m := reTemp.FindStringSubmatch(e.Name())
		if reOldProbe.MatchString(e.Name()) {
			m = []string{e.Name(), "blanktrack-probe"}
		}
		if m == nil || !e.Type().IsRegular() || !(m[1] == "blanktrack-probe" || owned(m[1])) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			return removed, err
		}
		removed = append(removed, e.Name())
	}
	return removed, nil
}

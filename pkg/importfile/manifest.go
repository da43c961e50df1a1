package importfile

import (
	"bytes"
	"cmp"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// ManifestName is the file a generate run writes beside its output files:
// what it read and what it wrote, with their SHA-256, so that a file
// changed after the run, or left by an earlier run, is never uploaded.
const ManifestName = "blanktrack-report.json"

// manifestMax is the largest manifest read: a run records a few hundred
// files at most.
const manifestMax = 16 << 20

// Manifest is an output folder's record of the runs that wrote into it,
// one per period and set of 統編: a later run for the same 統編 and period
// replaces that part of an earlier one.
type Manifest struct {
	Tool string        `json:"tool"` // always "blanktrack"
	Runs []ManifestRun `json:"runs"`
}

// ManifestRun is one generate run: its period, the 統編 whose files of the
// period it owns, the inputs it read and the files it wrote.
type ManifestRun struct {
	Period  string           `json:"period"`  // as 115/09~115/10
	Version string           `json:"version"` // the tool's version
	Bans    []ranges.Ban     `json:"bans"`
	Inputs  []ManifestInput  `json:"inputs"`
	Outputs []ManifestOutput `json:"outputs"`
}

// ManifestInput is a file a run read: its path relative to the output
// folder, its size and SHA-256.
type ManifestInput struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// ManifestOutput is a file a run wrote into the folder.
type ManifestOutput struct {
	File   string     `json:"file"`
	Ban    ranges.Ban `json:"ban"`
	SHA256 string     `json:"sha256"`
}

// ErrManifest is a manifest that cannot be read: not JSON, or not
// blanktrack's.
var ErrManifest = msg.New("not a blanktrack-report.json blanktrack can read")

// ReadManifest reads the manifest of dir. It returns nil and no error when
// dir has none.
func ReadManifest(dir string) (*Manifest, error) {
	path := filepath.Join(dir, ManifestName)
	data, err := ReadFileAtMost(path, manifestMax)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if errors.Is(err, ErrTooLarge) {
		return nil, manifestLink(path, msg.Errorf("%w: %w", err, ErrManifest))
	}
	if err != nil {
		return nil, manifestLink(path, err)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, manifestLink(path, msg.Errorf("%s: %w: %v; move it away if it is not blanktrack's", path, ErrManifest, err))
	}
	if m.Tool != "blanktrack" {
		return nil, manifestLink(path, msg.Errorf("%s: %w: its tool is %s; move it away if it is not blanktrack's", path, ErrManifest, ranges.Quote(m.Tool)))
	}
	return &m, nil
}

// manifestLink is err, the error of a manifest that cannot be read, or,
// when path is a symbolic link, an error that says so first: blanktrack
// never writes one there, and what the target holds is no concern of the
// message.
func manifestLink(path string, err error) error {
	if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&os.ModeSymlink != 0 {
		return msg.Errorf("%s is a symbolic link, to a file that is %w; blanktrack writes its manifest as a regular file, never a link: move the link away", path, ErrManifest)
	}
	return err
}

// Marshal is the manifest as indented JSON, runs in a stable order.
func (m *Manifest) Marshal() ([]byte, error) {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// Record makes run the owner of its 統編 in its period: earlier runs lose
// those 統編 and their files, and a run left with no 統編 is dropped.
func (m *Manifest) Record(run ManifestRun) {
	m.Tool = "blanktrack"
	var kept []ManifestRun
	for _, r := range m.Runs {
		if r.Period == run.Period {
			r.Bans = slices.DeleteFunc(slices.Clone(r.Bans), func(b ranges.Ban) bool { return slices.Contains(run.Bans, b) })
			r.Outputs = slices.DeleteFunc(slices.Clone(r.Outputs), func(o ManifestOutput) bool { return slices.Contains(run.Bans, o.Ban) })
			if len(r.Bans) == 0 {
				continue
			}
		}
		kept = append(kept, r)
	}
	m.Runs = append(kept, run)
	slices.SortStableFunc(m.Runs, func(a, b ManifestRun) int {
		return cmp.Or(cmp.Compare(a.Period, b.Period), cmp.Compare(firstBan(a), firstBan(b)))
	})
}

func firstBan(r ManifestRun) ranges.Ban {
	if len(r.Bans) == 0 {
		return ""
	}
	return r.Bans[0]
}

// Output finds the record of a file of the folder by its name.
func (m *Manifest) Output(name string) (ManifestOutput, bool) {
	for _, r := range m.Runs {
		for _, o := range r.Outputs {
			if o.File == name {
				return o, true
			}
		}
	}
	return ManifestOutput{}, false
}

// ManifestError is a file of an output folder that is not what the
// folder's manifest records: changed after generate wrote it, or not
// written by the run that owns its 統編 and period (a file of an earlier
// run, or one put there by hand).
type ManifestError struct {
	File     string // the file checked
	Manifest string // the manifest
	Want     string // the SHA-256 the manifest records; "" when it records none
	Got      string // the file's SHA-256
}

func (e *ManifestError) Error() string { return e.message().String() }

// Localize prints the error in p's language.
func (e *ManifestError) Localize(p *msg.Printer) string { return e.message().Localize(p) }

func (e *ManifestError) message() msg.Message {
	if e.Want == "" {
		return msg.T("%s is not among the files %s records: the last generate run into that folder did not write it (a file of an earlier run, or one put there by hand); run generate again", e.File, e.Manifest)
	}
	return msg.T("%s has SHA-256 %s, but %s records %s for it: the file changed after generate wrote it; run generate again", e.File, e.Got, e.Manifest, e.Want)
}

// Manifests reads and keeps the manifests of the folders files are
// checked in, each once.
type Manifests struct {
	dirs map[string]manifestOrErr
}

type manifestOrErr struct {
	m   *Manifest
	err error
}

// has reports whether dir has a manifest (readable or not).
func (ms *Manifests) has(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, ManifestName))
	return err == nil
}

// Verify checks a file's SHA-256 against the manifest of its folder, if it
// has one: a *ManifestError when the manifest records another hash or no
// such file, the manifest's own error when it cannot be read, and nil in a
// folder without a manifest.
func (ms *Manifests) Verify(path string, sum []byte) error {
	dir := filepath.Dir(path)
	if ms.dirs == nil {
		ms.dirs = map[string]manifestOrErr{}
	}
	got, ok := ms.dirs[dir]
	if !ok {
		got.m, got.err = ReadManifest(dir)
		ms.dirs[dir] = got
	}
	if got.err != nil || got.m == nil {
		return got.err
	}
	e := &ManifestError{File: path, Manifest: filepath.Join(dir, ManifestName), Got: hex.EncodeToString(sum)}
	o, ok := got.m.Output(filepath.Base(path))
	if !ok {
		return e
	}
	if o.SHA256 != e.Got {
		e.Want = o.SHA256
		return e
	}
	return nil
}

var (
	reOwnedBulk  = regexp.MustCompile(`^(\d{8})_(\d{5})(?:_part\d+)?\.csv$`)
	reOwnedE0402 = regexp.MustCompile(`^E0402_\d{8}_(\d{8})_(\d{5})_0[78]_[A-Z]{2}(?:_part\d+)?\.xml$`)
)

// OwnedName reports whether name is one of the names generate gives its
// files (<統編>_<yyyMM>.csv and its _partN.csv,
// E0402_<head>_<統編>_<yyyMM>_<類別>_<字軌>.xml and its _partN.xml),
// and of which 統編 and period (as yyyMM).
func OwnedName(name string) (ranges.Ban, string, bool) {
	for _, re := range []*regexp.Regexp{reOwnedBulk, reOwnedE0402} {
		if m := re.FindStringSubmatch(name); m != nil {
			return ranges.Ban(m[1]), m[2], true
		}
	}
	return "", "", false
}

// ErrTooLarge is a file larger than its kind can be.
var ErrTooLarge = msg.New("larger than such a file can be")

// ReadFileAtMost reads a file of at most max bytes, in memory that never
// exceeds that: a larger file is an error wrapping ErrTooLarge.
func ReadFileAtMost(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, msg.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, msg.Errorf("%s: over %d MiB: %w", path, max>>20, ErrTooLarge)
	}
	return data, nil
}

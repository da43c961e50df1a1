package job

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// Input is a file a run read, as the manifest records it.
type Input struct {
	Path   string // as given
	Size   int64
	SHA256 string
	info   os.FileInfo
}

// hashInputs records the size and SHA-256 of every branch's files before
// they are read, each file once, and fails a branch given the same file
// (or the same bytes) twice: one of the two was surely meant to be
// another file, and allocations would overlap with themselves.
func (r *Result) hashInputs(ctx context.Context) error {
	byPath := map[string]*Input{}
	for _, br := range r.Branches {
		if br.Err != nil {
			continue
		}
		var own []*Input
		for _, name := range slices.Concat(br.Branch.Allocs, br.Invoices) {
			in, ok := byPath[name]
			if !ok {
				var err error
				if in, err = hashFile(ctx, name); err != nil {
					if ctx.Err() != nil {
						return ctx.Err()
					}
					br.Err = err
					break
				}
				byPath[name] = in
				r.Inputs = append(r.Inputs, in)
			}
			for _, o := range own {
				if os.SameFile(o.info, in.info) {
					br.Err = msg.Errorf("%s and %s are the same file, given twice: one of them is probably meant to be another file", o.Path, in.Path)
					break
				}
				if o.SHA256 == in.SHA256 {
					br.Err = msg.Errorf("%s and %s are the same bytes, given twice: one of them is probably meant to be another file", o.Path, in.Path)
					break
				}
			}
			if br.Err != nil {
				break
			}
			own = append(own, in)
		}
	}
	slices.SortFunc(r.Inputs, func(a, b *Input) int { return strings.Compare(a.Path, b.Path) })
	return nil
}

// checkInputsUnchanged fails the branches whose files changed while they
// were read: their size or time of change is not what it was when they
// were hashed.
func (r *Result) checkInputsUnchanged() {
	for _, in := range r.Inputs {
		fi, err := os.Stat(in.Path)
		if err == nil && fi.Size() == in.Size && fi.ModTime().Equal(in.info.ModTime()) {
			continue
		}
		for _, br := range r.ok() {
			if slices.Contains(br.Branch.Allocs, in.Path) || slices.Contains(br.Invoices, in.Path) {
				br.Err = msg.Errorf("%s changed while blanktrack read it: run again once it is complete", in.Path)
			}
		}
	}
}

func hashFile(ctx context.Context, name string) (*Input, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, msg.Errorf("%s is a folder: want a file", name)
	}
	h := sha256.New()
	n, err := io.Copy(h, &ctxReader{ctx: ctx, r: f})
	if err != nil {
		return nil, msg.Errorf("%s: %w", name, err)
	}
	return &Input{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil)), info: fi}, nil
}

// ctxReader stops a long read when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Version is blanktrack's version as the binary's build information
// records it: the module version of a release, a pseudo-version of a build
// from a checkout, or (devel). Commands that stamp their own version pass
// it in Spec.Tool.
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

package importfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
func WriteFiles(ctx context.Context, dir string, files []File) (err error) {
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
			return fmt.Errorf("output name %q is not a plain file name", f.Name)
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
	for i, f := range files {
		if err := os.Rename(temps[i], filepath.Join(dir, f.Name)); err != nil {
			return err
		}
	}
	return nil
}

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
		return "", fmt.Errorf("writing %s: %w", filepath.Join(dir, f.Name), err)
	}
	if err := os.Chmod(t.Name(), 0o644); err != nil {
		os.Remove(t.Name())
		return "", err
	}
	return t.Name(), nil
}

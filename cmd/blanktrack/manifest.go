package main

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/blanktrack/blanktrack/pkg/importfile"
)

// bulkFileMax is the largest bulk file upload reads: 99,999 lines of 46
// bytes are 4.6 MB.
const bulkFileMax = 8 << 20

// readGeneratedFile reads a file to upload, in bounded memory, and refuses
// it when the manifest of its folder (blanktrack-report.json, which
// generate writes beside its files) does not record it with these bytes:
// changed after generate wrote it, or left by an earlier run. A file in a
// folder without a manifest is read as it is.
func readGeneratedFile(name string) ([]byte, error) {
	data, err := importfile.ReadFileAtMost(name, bulkFileMax)
	if errors.Is(err, importfile.ErrTooLarge) {
		return nil, fmt.Errorf("%w: not a bulk file (99,999 ranges take 4.6 MB)", err)
	}
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	var ms importfile.Manifests
	if err := ms.Verify(name, sum[:]); err != nil {
		return nil, err
	}
	return data, nil
}

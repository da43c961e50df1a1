package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// lockUpload takes the locks of a login's upload: its own 統編 and each
// 統編 of its files, for their period. A second upload for one of them on
// this machine stops at once, before logging in.
func lockUpload(e *env, l portal.LoginPlan, files *portal.Files) (*portal.UploadLock, error) {
	bans := []ranges.Ban{l.Ban}
	for _, rs := range files.Ranges {
		for _, r := range rs {
			bans = append(bans, r.Ban)
		}
	}
	return portal.LockUpload(uploadLockDir(e), files.Period, bans...)
}

// uploadLockDir is the folder of upload's locks and of its journal of
// imports sent: in the user's cache
// folder, found as os.UserCacheDir finds it, from the command's
// environment; without one (a service with no home), in the temporary
// folder, one per user.
func uploadLockDir(e *env) string {
	var dir string
	switch runtime.GOOS {
	case "windows":
		dir = e.getenv("LocalAppData")
	case "darwin", "ios":
		if home := e.getenv("HOME"); home != "" {
			dir = filepath.Join(home, "Library", "Caches")
		}
	default:
		if dir = e.getenv("XDG_CACHE_HOME"); !filepath.IsAbs(dir) {
			dir = ""
			if home := e.getenv("HOME"); filepath.IsAbs(home) {
				dir = filepath.Join(home, ".cache")
			}
		}
	}
	if dir == "" {
		return filepath.Join(os.TempDir(), fmt.Sprintf("blanktrack-%d-locks", os.Getuid()))
	}
	return filepath.Join(dir, "blanktrack", "locks")
}

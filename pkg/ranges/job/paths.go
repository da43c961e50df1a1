package job

import (
	"path"
	"regexp"
	"runtime"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

var reDrive = regexp.MustCompile(`^[A-Za-z]:`)

// resolvePath makes a path written in a config file a path of this system:
// relative to the config's folder dir unless absolute. A config may be
// written on Windows and used on Linux (a CI job) or the other way round, so
// both separators are read on both; a Windows drive path (C:\…) on another
// system is an error that says so. goos is runtime.GOOS, a parameter so that
// both systems' rules are tested on either.
func resolvePath(dir, p, goos string) (string, error) {
	slashed := strings.ReplaceAll(p, `\`, "/")
	if goos != "windows" {
		if reDrive.MatchString(slashed) || strings.HasPrefix(slashed, "//") {
			return "", msg.Errorf("%s is a Windows path: on this system write it as a path here, or relative to the config", ranges.Clip(p))
		}
		if path.IsAbs(slashed) {
			return path.Clean(slashed), nil
		}
		return path.Join(strings.ReplaceAll(dir, `\`, "/"), slashed), nil
	}
	toWin := func(s string) string { return strings.ReplaceAll(s, "/", `\`) }
	switch {
	case strings.HasPrefix(slashed, "//"): // \\server\share\…
		return `\\` + toWin(strings.TrimPrefix(path.Clean("/"+strings.TrimPrefix(slashed, "//")), "/")), nil
	case reDrive.MatchString(slashed) && len(slashed) > 2 && slashed[2] == '/': // C:\…
		return slashed[:2] + toWin(path.Clean(slashed[2:])), nil
	case reDrive.MatchString(slashed): // C:foo, relative to C:'s current folder
		return "", msg.Errorf("%s names a drive without a folder (C:file): write C:\\folder\\file, or a path relative to the config", ranges.Clip(p))
	case strings.HasPrefix(slashed, "/"): // \folder on the current drive
		return toWin(path.Clean(slashed)), nil
	}
	d := strings.ReplaceAll(dir, `\`, "/")
	vol := ""
	if reDrive.MatchString(d) {
		vol, d = d[:2], d[2:]
	} else if strings.HasPrefix(d, "//") {
		// \\server\share: the volume is the first two names.
		parts := strings.SplitN(strings.TrimPrefix(d, "//"), "/", 3)
		if len(parts) >= 2 {
			vol = `\\` + parts[0] + `\` + parts[1]
			d = "/"
			if len(parts) == 3 {
				d = "/" + parts[2]
			}
		}
	}
	joined := path.Join(d, slashed)
	if d == "" || !strings.HasPrefix(d, "/") {
		joined = path.Join(".", d, slashed)
	}
	return vol + toWin(joined), nil
}

// resolve is resolvePath on this system.
func resolve(dir, p string) (string, error) { return resolvePath(dir, p, runtime.GOOS) }

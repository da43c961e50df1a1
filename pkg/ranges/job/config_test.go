package job

import (
	"errors"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// FuzzLoadConfig: any text gives a config or located errors, never a panic,
// and an error never repeats a password the text holds.
func FuzzLoadConfig(f *testing.F) {
	f.Add("head = \"53212539\"\n[[branch]]\nban = \"24549210\"\nalloc = [\"a.csv\"]\n[branch.columns]\nnumber = \"票號\"\n")
	f.Add("[[branch]]\nban = \"1\"\npassword = \"hunter2\"\n")
	f.Add("period = \"last\"\n[[branch]]\n[[branch]]\nban = \"53212539\"\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := ParseConfig([]byte(text), "c.toml")
		if (c == nil) == (err == nil) {
			t.Fatalf("config %v and error %v: want exactly one", c, err)
		}
		if err == nil {
			return
		}
		list := ranges.AsList(err)
		if list == nil {
			t.Fatalf("error %v is not a list of located errors", err)
		}
		// A value given only to a password key must never be repeated.
		secretOnly := strings.Count(text, "hunter2") == 1 && strings.Contains(text, `password = "hunter2"`)
		for _, e := range list.Errs {
			var located *ranges.Error
			if !errors.As(e, &located) || located.File != "c.toml" {
				t.Fatalf("error %v does not name the file", e)
			}
			if secretOnly && strings.Contains(e.Error(), "hunter2") {
				t.Fatalf("an error repeats the password: %v", e)
			}
		}
	})
}

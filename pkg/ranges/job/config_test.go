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

// A config that would make the TOML decoder slow (deep nesting takes time
// and memory growing with its square), or that is not UTF-8, is refused
// at once with its line.
func TestConfigRefusedBeforeDecoding(t *testing.T) {
	deep := "x = " + strings.Repeat("{a=", 8000) + "1" + strings.Repeat("}", 8000) + "\n"
	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"deep":   {[]byte("[[branch]]\nban = \"53212539\"\n" + deep), "c.toml:3: arrays or tables nested more than 8 deep"},
		"utf16":  {[]byte{0xFF, 0xFE, 'h', 0, 'e', 0}, "c.toml: a UTF-16 file"},
		"big5":   {[]byte("head = \"53212539\"\n# \xa4\xa4\xa4\xe5\n"), "c.toml:2: not UTF-8 text"},
		"string": {[]byte("name = \"[[[[[[[[[[[[\"\n[[branch]]\nban = \"53212539\"\nalloc = [\"a.csv\"]\n"), ""},
	} {
		_, err := ParseConfig(c.data, "c.toml")
		switch {
		case c.want == "" && err != nil && strings.Contains(err.Error(), "nested"):
			t.Errorf("%s: brackets inside a string counted: %v", name, err)
		case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want)):
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}

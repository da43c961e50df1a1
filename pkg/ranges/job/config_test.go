package job

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
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

// A value of the wrong kind is told at its line, with the key, what was
// found and the fix, in the user's language: not the decoder's English
// "incompatible types", once per run and without a line.
func TestConfigWrongKindsAtTheirLines(t *testing.T) {
	text := `head = 04595257
`
	_, err := ParseConfig([]byte(text), "c.toml")
	if err == nil || !strings.Contains(err.Error(), `c.toml:1: head: not valid TOML`) || !strings.Contains(err.Error(), `head = "04595257"`) {
		t.Errorf("an unquoted 統一編號 with a leading 0: %v", err)
	}

	text = `head = "53212539"
xml = "yes"
period = 11510
out = ["o"]

[[branch]]
ban = 24549210
alloc = "a.csv"
invoices = ["b.csv", 3]
no_invoices = "true"

[[branch]]
ban = "53212538"
alloc = ["c.csv"]
[branch.columns]
number = 3
`
	_, err = ParseConfig([]byte(text), "c.toml")
	want := []string{
		`c.toml:2: xml: the text "yes": want true or false, without quotes`,
		`c.toml:3: period: the number 11510: want text in quotes, as in period = "11510"`,
		`c.toml:4: out: a list: want text in quotes`,
		`c.toml:8: branch[1].alloc: the text "a.csv": want a list of file names or patterns`,
		`c.toml:9: branch[1].invoices: item 2 is the number 3: want a file name or pattern in quotes`,
		`c.toml:10: branch[1].no_invoices: the text "true": want true or false`,
		`c.toml:13: branch[2].ban: "53212538" is not a valid 統一編號`,
		`c.toml:16: branch[2].columns.number: the number 3: want the column's header text in quotes`,
	}
	list := wantErrors(t, err, want)
	zh := msg.NewPrinter(msg.Chinese).Localize(list.Errs[0])
	if !strings.Contains(zh, `應為 true 或 false`) {
		t.Errorf("in Chinese: %s", zh)
	}
	// An integer 統一編號 without a leading 0 is what the user meant.
	c, err := ParseConfig([]byte("head = 53212539\n[[branch]]\nban = 53212539\nalloc = [\"a.csv\"]\n"), "c.toml")
	if err != nil || c.Head.Ban != "53212539" {
		t.Errorf("an integer 統一編號: %v, %v", c, err)
	}
}

// Unknown keys and values of the wrong kind are told together, in the
// order of their lines, from one run. Before, the unknown keys were told
// only once no wrong kind was left, a key unknown in [branch.columns] got
// the list of the other tables' keys, and every column key was shown
// number = "發票號碼" as its example.
func TestConfigUnknownKeysAndWrongKindsTogether(t *testing.T) {
	text := `head = "53212539"
xml = "yes"
bogus = 1
[[branch]]
ban = "24549210"
alloc = "a.csv"
foo = 2
  [branch.columns]
  numbr = "票號"
  number = 5
  date = true
  sheet = 1
`
	_, err := ParseConfig([]byte(text), "c.toml")
	want := []string{
		`c.toml:2: xml: the text "yes": want true or false`,
		`c.toml:3: bogus: unknown key: want head, period,`,
		`c.toml:6: branch[1].alloc: the text "a.csv": want a list`,
		`c.toml:7: branch[1].foo: unknown key: want head, period,`,
		`c.toml:9: branch[1].columns.numbr: unknown key: want the column keys sheet, number, track, status, void, date, seller`,
		`c.toml:10: branch[1].columns.number: the number 5: want the column's header text in quotes, as in number = "發票號碼"`,
		`c.toml:11: branch[1].columns.date: the boolean true: want the column's header text in quotes, as in date = "發票日期"`,
		`c.toml:12: branch[1].columns.sheet: the number 1: want the sheet's name in quotes, as in sheet = "銷項發票"`,
	}
	list := wantErrors(t, err, want)
	zh := msg.NewPrinter(msg.Chinese).Localize(list.Errs[4])
	if !strings.Contains(zh, "[branch.columns] 可用 sheet、number") {
		t.Errorf("in Chinese: %s", zh)
	}
}

// wantErrors checks that err lists one error per want, in order, each
// beginning with it.
func wantErrors(t *testing.T, err error, want []string) *ranges.ErrorList {
	t.Helper()
	list := ranges.AsList(err)
	if list == nil || len(list.Errs) != len(want) {
		t.Fatalf("errors:\n%v\nwant %d", err, len(want))
	}
	for i, w := range want {
		if got := list.Errs[i].Error(); !strings.HasPrefix(got, w) {
			t.Errorf("error %d: %s\nwant %s…", i+1, got, w)
		}
	}
	return list
}

// A file named with pattern characters, as erp[9-10].xlsx, is the file the
// config names when the pattern matches no file: before, the branch failed
// with "matches no file" beside the file. When the pattern also matches
// other files, which is meant cannot be told: the branch fails saying so.
func TestConfigPatternThatIsAFileName(t *testing.T) {
	dir := t.TempDir()
	alloc := writeTestFile(t, dir, "a.csv", []byte(allocHeader))
	named := writeTestFile(t, dir, "erp[9-10].xlsx", []byte("x"))
	writeTestFile(t, dir, "pos[1].csv", []byte("x"))
	writeTestFile(t, dir, "pos1.csv", []byte("x"))
	text := `[[branch]]
ban = "53212539"
alloc = ["a.csv"]
invoices = ["erp[9-10].xlsx"]
[[branch]]
ban = "24549210"
alloc = ["a.csv"]
invoices = ["pos[1].csv"]
`
	c, err := ParseConfig([]byte(text), filepath.Join(dir, "c.toml"))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Spec(time.Time{})
	if br := s.Branches[0]; br.err != nil || !slices.Equal(br.Invoices, []string{named}) || !slices.Equal(br.Allocs, []string{alloc}) {
		t.Errorf("erp[9-10].xlsx: invoices %v, error %v", br.Invoices, br.err)
	}
	if err := s.Branches[1].err; err == nil || !strings.Contains(err.Error(), `"pos[1].csv" is a file, and as a pattern it matches `+filepath.Join(dir, "pos1.csv")+" too") {
		t.Errorf("pos[1].csv beside pos1.csv: %v", err)
	}
}

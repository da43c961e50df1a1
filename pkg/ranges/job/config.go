package job

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
	"github.com/blanktrack/blanktrack/pkg/ranges/sheet"
)

// Config is a blanktrack.toml: a head office and its branches.
//
//	head = "53212539"            # head office 統一編號 (E0402 HeadBan)
//	period = "115/09~115/10"     # optional: a period or "last"
//	out = "out/branches"         # optional: output folder, relative to this file
//	xml = true                   # optional: also write E0402
//	layout = "portal.toml"       # for upload: a portal layout file (default: the built-in one)
//	carrier = "auto"             # for upload: direct, browser or auto
//
//	[[branch]]
//	ban = "53212539"
//	name = "總公司"
//	alloc = ["alloc/invnoapply_53212539_11510.csv"]
//	invoices = ["invoices/head/*.xlsx"]   # globs allowed; each must match a file
//	no_invoices = true                   # instead of invoices: it issued none
//	user = "acct01"                      # for upload: the branch's account
//	password_env = "HEAD_PORTAL_PASSWORD" # for upload: where its password is
//	[branch.columns]                     # optional overrides
//	number = "票號"
type Config struct {
	Head     banValue       `toml:"head"`
	Period   string         `toml:"period"`
	Out      string         `toml:"out"`
	XML      bool           `toml:"xml"`
	Layout   string         `toml:"layout"`  // for upload: a portal layout file, relative to this file
	Carrier  string         `toml:"carrier"` // for upload: direct, browser or auto
	Branches []BranchConfig `toml:"branch"`

	// Path is the file, as given; paths in it are relative to its folder.
	Path string `toml:"-"`

	lines keyLines // the file's lines, to locate keys in later messages
}

// BranchConfig is one [[branch]] of a config.
type BranchConfig struct {
	Ban      banValue      `toml:"ban"`
	Name     string        `toml:"name"`
	Alloc    []string      `toml:"alloc"`
	Invoices []string      `toml:"invoices"`
	Columns  columnsConfig `toml:"columns"`
	// NoInvoices says the branch issued no invoice in the period: every
	// allocated number is blank. Without it, a branch with allocations and
	// no invoice counted fails.
	NoInvoices bool `toml:"no_invoices"`

	// For upload: the branch's account, and the environment variable that
	// holds its password (never the password itself).
	User        string `toml:"user"`
	PasswordEnv string `toml:"password_env"`
}

// BanOf is the branch's 統一編號.
func (b BranchConfig) BanOf() ranges.Ban { return b.Ban.Ban }

// Label is how reports name a branch: its name, else its 統一編號.
func (b BranchConfig) Label() string {
	if b.Name != "" {
		return b.Name
	}
	return string(b.Ban.Ban)
}

type columnsConfig struct {
	Sheet  string `toml:"sheet"`
	Number string `toml:"number"`
	Track  string `toml:"track"`
	Status string `toml:"status"`
	Void   string `toml:"void"`
	Date   string `toml:"date"`
	Seller string `toml:"seller"`
}

func (c columnsConfig) columns() sheet.Columns {
	return sheet.Columns{Sheet: c.Sheet, Number: c.Number, Track: c.Track, Status: c.Status, Void: c.Void, Date: c.Date, Seller: c.Seller}
}

// banValue is a 統一編號 checked while the file is decoded, so that the
// TOML decoder reports a bad one with its key and line.
type banValue struct{ ranges.Ban }

func (b *banValue) UnmarshalText(text []byte) error {
	v, err := ranges.ParseBan(string(text))
	if err != nil {
		return err
	}
	b.Ban = v
	return nil
}

// LoadConfig reads and checks a config file. Every mistake found is in the
// returned *ranges.ErrorList, each a *ranges.Error naming the file, line and
// key.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(data, path)
}

// ParseConfig checks a config file's text; path names it in messages and
// is the folder its paths are relative to.
func ParseConfig(data []byte, path string) (*Config, error) {
	c := &Config{Path: path}
	var errs ranges.ErrorList
	if err := plainTOML(data); err != nil {
		errs.Add(&ranges.Error{Pos: ranges.Pos{File: path, Line: err.line}, Err: err.what})
		return nil, &errs
	}
	lines := newKeyLines(string(data))
	c.lines = lines
	var found []*ranges.Error
	bad := func(branch int, key string, what msg.Message) {
		name := key
		if branch >= 0 {
			name = fmt.Sprintf("branch[%d].%s", branch+1, key)
		}
		found = append(found, &ranges.Error{Pos: ranges.Pos{File: path, Line: lines.find(branch, key), Key: name}, Err: msg.Errorf("%v", what)})
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			errs.Add(&ranges.Error{Pos: ranges.Pos{File: path, Line: pe.Position.Line, Key: pe.LastKey}, Err: msg.Errorf("%v", syntaxHint(pe.LastKey, pe.Message))})
		} else {
			errs.Add(&ranges.Error{Pos: ranges.Pos{File: path}, Err: msg.Errorf("%v", syntaxHint("", err.Error()))})
		}
		return nil, &errs
	}
	// A value of the wrong kind stops the decoding below: it is told now,
	// with the unknown keys. Unknown keys alone do not: they are told with
	// the checks of the values.
	types := 0
	typeProblems(raw, func(branch int, key string, what msg.Message) { types++; bad(branch, key, what) }, bad)
	if types > 0 {
		return nil, sortedErrors(found)
	}
	if _, err := toml.Decode(string(data), c); err != nil {
		// Every type was checked above; what is left is a bad value, such
		// as a 統一編號 that fails its check digit.
		var pe toml.ParseError
		if errors.As(err, &pe) {
			errs.Add(ranges.Errorf(ranges.Pos{File: path, Line: pe.Position.Line, Key: pe.LastKey}, "%s", pe.Message))
		} else {
			errs.Add(ranges.Errorf(ranges.Pos{File: path}, "%v", err))
		}
		return nil, &errs
	}
	if c.Period != "" && c.Period != "last" {
		if _, err := ranges.ParsePeriod(c.Period); err != nil {
			bad(-1, "period", msg.T("%v", err))
		}
	}
	switch c.Carrier {
	case "", "direct", "browser", "auto":
	default:
		bad(-1, "carrier", msg.T("%q: want direct, browser or auto", c.Carrier))
	}
	if len(c.Branches) == 0 {
		bad(-1, "branch", msg.T("no [[branch]]: want one per 統一編號 (the head office is a branch too)"))
	}
	if c.Out != "" {
		if _, err := resolve(c.Dir(), c.Out); err != nil {
			bad(-1, "out", msg.T("%v", err))
		}
	}
	if c.Layout != "" {
		if _, err := resolve(c.Dir(), c.Layout); err != nil {
			bad(-1, "layout", msg.T("%v", err))
		}
	}
	seen := map[ranges.Ban]int{}
	for i, b := range c.Branches {
		if b.Ban.Ban == "" {
			bad(i, "ban", msg.T("missing: want the branch's 統一編號"))
		} else if j, dup := seen[b.Ban.Ban]; dup {
			bad(i, "ban", msg.T("%s is also branch[%d] (line %d): one [[branch]] per 統一編號", b.Ban, j+1, lines.find(j, "ban")))
		} else {
			seen[b.Ban.Ban] = i
		}
		if len(b.Alloc) == 0 {
			bad(i, "alloc", msg.T("missing: want the branch's allocation download(s)"))
		}
		if b.NoInvoices && len(b.Invoices) > 0 {
			bad(i, "no_invoices", msg.T("the branch names invoice exports too: no_invoices = true says it issued none; keep one of the two"))
		}
		for _, key := range []string{"alloc", "invoices"} {
			list := b.Alloc
			if key == "invoices" {
				list = b.Invoices
			}
			for _, p := range list {
				if _, err := filepath.Match(p, ""); err != nil {
					bad(i, key, msg.T("%s is not a valid pattern: %v", ranges.Quote(p), err))
				} else if _, err := resolve(c.Dir(), p); err != nil {
					bad(i, key, msg.T("%v", err))
				}
			}
		}
	}
	if err := sortedErrors(found); err != nil {
		return nil, err
	}
	return c, nil
}

// sortedErrors lists a config's mistakes in the order of their lines, or
// is nil when there are none.
func sortedErrors(found []*ranges.Error) error {
	slices.SortStableFunc(found, func(a, b *ranges.Error) int { return cmp.Compare(a.Line, b.Line) })
	var errs ranges.ErrorList
	for _, e := range found {
		errs.Add(e)
	}
	return errs.Err()
}

// Dir is the folder the config's paths are relative to.
func (c *Config) Dir() string { return filepath.Dir(c.Path) }

// LayoutFile is the config's portal layout file, relative to the config
// file; "" if it names none.
func (c *Config) LayoutFile() string {
	if c.Layout == "" {
		return ""
	}
	p, err := resolve(c.Dir(), c.Layout)
	if err != nil {
		return c.Layout // ParseConfig checked it
	}
	return p
}

// OutDir is the config's output folder, relative to the config file; "" if
// it names none.
func (c *Config) OutDir() string {
	if c.Out == "" {
		return ""
	}
	out, err := resolve(c.Dir(), c.Out)
	if err != nil {
		return c.Out // ParseConfig checked it
	}
	return out
}

// PeriodOn is the config's period on the calendar date today ("last" is the
// last period ended by then); zero if it names none.
func (c *Config) PeriodOn(today time.Time) ranges.Period {
	switch c.Period {
	case "":
		return ranges.Period{}
	case "last":
		return ranges.LastPeriod(today)
	}
	p, _ := ranges.ParsePeriod(c.Period) // checked by ParseConfig
	return p
}

// Spec is the job the config describes: every branch with its files
// resolved (relative to the config's folder, globs matched), its period
// on the calendar date today, its head office and XML choice.
func (c *Config) Spec(today time.Time) Spec {
	s := Spec{Period: c.PeriodOn(today), Head: c.Head.Ban, XML: c.XML, Config: true}
	for i, b := range c.Branches {
		br := Branch{Ban: b.Ban.Ban, Name: b.Name, Columns: b.Columns.columns()}
		if br.Allocs, br.err = c.files(i, "alloc", b.Alloc); br.err == nil {
			br.Invoices, br.err = c.files(i, "invoices", b.Invoices)
		}
		if b.NoInvoices {
			br.NoInvoices = []ranges.Ban{b.Ban.Ban}
		}
		s.Branches = append(s.Branches, br)
	}
	return s
}

// files expands a branch's paths: relative to the config's folder, globs
// matched. A literal path that does not exist, and a glob that matches no
// file, are errors naming the key: a pattern that silently matched
// nothing would leave a branch without its invoices.
func (c *Config) files(branch int, key string, patterns []string) ([]string, error) {
	var out []string
	at := ranges.Pos{File: c.Path, Line: c.lines.find(branch, key), Key: fmt.Sprintf("branch[%d].%s", branch+1, key)}
	for _, p := range patterns {
		full, err := resolve(c.Dir(), p)
		if err != nil {
			return nil, err
		}
		if !strings.ContainsAny(p, "*?[") {
			fi, err := os.Stat(full)
			switch {
			case errors.Is(err, os.ErrNotExist):
				return nil, ranges.Errorf(at, "no such file: %s", full)
			case err != nil:
				return nil, ranges.Errorf(at, "%w", err)
			case fi.IsDir():
				return nil, ranges.Errorf(at, "%s is a folder: want a file", full)
			}
			out = append(out, full)
			continue
		}
		m, err := filepath.Glob(full)
		if err != nil {
			return nil, ranges.Errorf(at, "%w", err)
		}
		var files []string
		for _, f := range m {
			if fi, err := os.Stat(f); err == nil && !fi.IsDir() {
				files = append(files, f)
			}
		}
		// A file may be named with the pattern characters: erp[9-10].xlsx
		// matches no file as a pattern, and is the file meant.
		literal := false
		if fi, err := os.Stat(full); err == nil && !fi.IsDir() {
			literal = true
		}
		switch {
		case literal && len(files) == 0:
			files = []string{full}
		case literal && !slices.Contains(files, full):
			return nil, ranges.Errorf(at, "%s is a file, and as a pattern it matches %s too: rename the file, or write the pattern so that it names one of them", ranges.Quote(p), files[0])
		case len(files) == 0:
			return nil, ranges.Errorf(at, "%s matches no file (in %s)", ranges.Quote(p), c.Dir())
		}
		out = append(out, files...) // Glob sorts: a stable order
	}
	return out, nil
}

// keyLines finds the line of a key in a TOML file laid out as people write
// them: one key a line, [[branch]] tables in order. The decoder gives lines
// only for values it failed to decode; checks made after decoding use this.
type keyLines struct {
	lines []string
}

var (
	reTableHeader = regexp.MustCompile(`^\s*\[\[?\s*([A-Za-z0-9_.\-]+)\s*\]\]?`)
	reKeyLine     = regexp.MustCompile(`^\s*([A-Za-z0-9_\-]+)\s*=`)
)

func newKeyLines(text string) keyLines { return keyLines{lines: strings.Split(text, "\n")} }

// find returns the line of key in branch (or, with branch -1, at the top
// level), or the line of the branch's [[branch]] header when the key is not
// there, or 0.
func (k keyLines) find(branch int, key string) int {
	current, header := -1, 0
	sub := strings.Contains(key, ".")
	last := key
	if sub {
		last = key[strings.LastIndex(key, ".")+1:]
	}
	table := ""
	for i, l := range k.lines {
		if m := reTableHeader.FindStringSubmatch(l); m != nil {
			table = m[1]
			if strings.HasPrefix(strings.TrimSpace(l), "[[branch") {
				current++
				if current == branch {
					header = i + 1
				}
			}
			continue
		}
		if m := reKeyLine.FindStringSubmatch(l); m != nil && m[1] == last && current == branch {
			if (table == "branch.columns") == sub || branch < 0 {
				return i + 1
			}
		}
	}
	return header
}

// Limits of a config file: far beyond any blanktrack.toml, and short of
// what makes the TOML decoder slow (its time and memory grow with the
// square of the nesting).
const (
	configMaxBytes = 1 << 20
	configMaxDepth = 8
)

type configProblem struct {
	line int
	what error
}

// plainTOML refuses, before decoding, a config that is not UTF-8 text (a
// UTF-16 file from Notepad, a Big5 file) or that nests arrays and inline
// tables deeper than any config needs.
func plainTOML(data []byte) *configProblem {
	switch {
	case len(data) > configMaxBytes:
		return &configProblem{0, msg.Errorf("larger than %d KiB: not a blanktrack config", configMaxBytes>>10)}
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return &configProblem{0, msg.New("a UTF-16 file (Notepad's \"Unicode\"): save it as UTF-8")}
	case !utf8.Valid(data):
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
		return &configProblem{line, msg.New("not UTF-8 text (Big5?): save it as UTF-8")}
	}
	depth, line := 0, 1
	var quote []byte // the open string's delimiter, nil outside strings
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\n' {
			line++
		}
		switch {
		case quote != nil:
			if c == '\\' && quote[0] == '"' {
				i++ // an escaped character
				continue
			}
			if bytes.HasPrefix(data[i:], quote) {
				i += len(quote) - 1
				quote = nil
			}
		case c == '#':
			for i < len(data) && data[i] != '\n' {
				i++
			}
			i--
		case c == '"' || c == '\'':
			quote = data[i : i+1]
			if bytes.HasPrefix(data[i:], []byte{c, c, c}) {
				quote = data[i : i+3]
				i += 2
			}
		case c == '[' || c == '{':
			if depth++; depth > configMaxDepth {
				return &configProblem{line, msg.Errorf("arrays or tables nested more than %d deep: not a blanktrack config", configMaxDepth)}
			}
		case c == ']' || c == '}':
			depth = max(0, depth-1)
		}
	}
	return nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

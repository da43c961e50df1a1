// Package msg speaks to the user in English or Traditional Chinese
// (正體中文, as the portal writes it). Every message blanktrack prints,
// errors included, is written here as an English format string, the key of
// its translation in an x/text/message catalog.
//
// Library code makes errors with Errorf and New, and other text with T;
// their Error and String methods give English. A Printer of the user's
// language prints them, and any text, translated:
//
//	p := msg.NewPrinter(msg.Chinese)
//	p.Say(os.Stderr, "%d input error(s); no file written\n", n)
//	p.Say(os.Stderr, "error: %v\n", err) // err made with msg.Errorf: in Chinese
//
// Formats are printed with fmt, not with x/text's printer, so numbers keep
// their digits as the bulk files and tables write them (no grouping).
// TestEveryMessageTranslated fails when a format in the code has no
// translation.
package msg

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message/catalog"
)

// The languages blanktrack speaks.
var (
	English = language.English
	Chinese = language.MustParse("zh-Hant-TW")
)

var cat = func() *catalog.Builder {
	b := catalog.NewBuilder(catalog.Fallback(English))
	for en, zh := range zhTW {
		if err := b.SetString(Chinese, en, zh); err != nil {
			panic(fmt.Sprintf("msg: catalog entry %q: %v", en, err))
		}
	}
	return b
}()

// Translated reports whether format has a Chinese translation.
func Translated(format string) bool {
	_, ok := zhTW[format]
	return ok
}

// Keys lists every format of the catalog.
func Keys() []string {
	keys := make([]string, 0, len(zhTW))
	for k := range zhTW {
		keys = append(keys, k)
	}
	return keys
}

// Parse reads a language as --lang takes it: en, zh-TW (also zh_TW,
// zh-Hant, zh_TW.UTF-8).
func Parse(s string) (language.Tag, error) {
	switch v := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "-")); {
	case v == "en" || strings.HasPrefix(v, "en-") || v == "c" || v == "posix":
		return English, nil
	case v == "zh-tw" || strings.HasPrefix(v, "zh-tw.") || strings.HasPrefix(v, "zh-hant"):
		return Chinese, nil
	}
	return English, Errorf("language %q: want en or zh-TW", s)
}

// FromEnv is the language the environment asks for: LC_ALL, then
// LC_MESSAGES, then LANG, as POSIX orders them (the first set wins), else
// system, the user's language as the system names it (Windows: zh-TW),
// if any. Anything but Traditional Chinese for Taiwan is English.
func FromEnv(getenv func(string) string, system string) language.Tag {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			t, _ := Parse(v)
			return t
		}
	}
	t, _ := Parse(system)
	return t
}

// Printer prints messages in one language.
type Printer struct {
	tag language.Tag
}

// NewPrinter returns a printer of English or Chinese.
func NewPrinter(tag language.Tag) *Printer {
	if tag != Chinese {
		tag = English
	}
	return &Printer{tag: tag}
}

// Lang is the printer's language.
func (p *Printer) Lang() language.Tag { return p.tag }

// Chinese reports whether the printer speaks Chinese.
func (p *Printer) Chinese() bool { return p.tag == Chinese }

// format returns the translation of an English format, or the format.
func (p *Printer) format(en string) string {
	if p == nil || p.tag != Chinese {
		return en
	}
	var c capture
	if err := cat.Context(Chinese, &c).Execute(en); err != nil {
		return en
	}
	return c.s
}

// capture receives the catalog's message text as written.
type capture struct{ s string }

func (c *capture) Arg(int) interface{} { return nil }
func (c *capture) Render(s string)     { c.s += s }

// Text formats in the printer's language. Arguments that can localize
// themselves (errors made with Errorf, texts made with T) are printed in it
// too.
func (p *Printer) Text(format string, args ...any) string {
	// %w is Errorf's; as text it prints the wrapped error like %v.
	return fmt.Sprintf(strings.ReplaceAll(p.format(format), "%w", "%v"), p.localize(args)...)
}

// Say writes Text to w.
func (p *Printer) Say(w io.Writer, format string, args ...any) {
	_, _ = io.WriteString(w, p.Text(format, args...))
}

// Localizer is a value that prints itself in a printer's language.
type Localizer interface {
	Localize(p *Printer) string
}

// Localize prints v in the printer's language: a Localizer itself, an
// error through the first Localizer it wraps, anything else as %v.
func (p *Printer) Localize(v any) string {
	switch x := v.(type) {
	case Localizer:
		return x.Localize(p)
	case error:
		var l Localizer
		if errors.As(x, &l) && isWhole(x, l) {
			return l.Localize(p)
		}
		return x.Error()
	}
	return fmt.Sprint(v)
}

// isWhole reports whether the localizer found in err's chain says all
// that err says: an error that only wraps it (adding nothing to the
// message) may be printed as the localizer.
func isWhole(err error, l Localizer) bool {
	e, ok := l.(error)
	return ok && e.Error() == err.Error()
}

func (p *Printer) localize(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch a.(type) {
		case Localizer, error:
			out[i] = p.Localize(a)
		default:
			out[i] = a
		}
	}
	return out
}

var english = &Printer{tag: English}

// Error is an error whose message has a translation.
type Error struct {
	format  string
	args    []any
	wrapped []error
}

// Errorf is fmt.Errorf with a translatable message: %w wraps as there.
func Errorf(format string, args ...any) error {
	e := &Error{format: format, args: args}
	for _, i := range wrapVerbs(format) {
		if i < len(args) {
			if err, ok := args[i].(error); ok {
				e.wrapped = append(e.wrapped, err)
			}
		}
	}
	return e
}

// New is errors.New with a translatable message.
func New(text string) error {
	return &Error{format: strings.ReplaceAll(text, "%", "%%")}
}

func (e *Error) Error() string              { return english.Text(e.format, e.args...) }
func (e *Error) Unwrap() []error            { return e.wrapped }
func (e *Error) Localize(p *Printer) string { return p.Text(e.format, e.args...) }

// Format is the English format of the error, its catalog key.
func (e *Error) Format() string { return e.format }

// Message is a text with a translation, printed in English by String.
type Message struct {
	format string
	args   []any
}

// T makes a text that prints itself in a printer's language.
func T(format string, args ...any) Message { return Message{format: format, args: args} }

func (m Message) String() string { return english.Text(m.format, m.args...) }

// IsZero reports whether m is the zero Message: no text at all.
func (m Message) IsZero() bool               { return m.format == "" && m.args == nil }
func (m Message) Localize(p *Printer) string { return p.Text(m.format, m.args...) }

// wrapVerbs returns the indexes of the arguments a format takes with %w.
func wrapVerbs(format string) []int {
	var out []int
	arg := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		// flags, width, precision
		for i < len(format) && strings.IndexByte("+-# 0123456789.*", format[i]) >= 0 {
			if format[i] == '*' {
				arg++
			}
			i++
		}
		if i >= len(format) {
			break
		}
		switch format[i] {
		case '%':
			continue
		case 'w':
			out = append(out, arg)
		}
		arg++
	}
	return out
}

// Commas is messages printed one after the other with ", " between them
// (in Chinese "，"); Semicolons with "; " (in Chinese "；").
type (
	Commas     []Message
	Semicolons []Message
)

func (l Commas) String() string                 { return l.Localize(nil) }
func (l Commas) Localize(p *Printer) string     { return join(l, p.Text(", "), p) }
func (l Semicolons) String() string             { return l.Localize(nil) }
func (l Semicolons) Localize(p *Printer) string { return join(l, p.Text("; "), p) }

func join(ms []Message, sep string, p *Printer) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.Localize(p)
	}
	return strings.Join(s, sep)
}

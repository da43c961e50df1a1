package ranges

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Visible returns s with its control characters written out as Go escapes
// (ESC as \x1b, a C1 control as \u009b): a file or sheet name, a header or
// a cell comes from the user's files or a server and is printed to a
// terminal, where an escape sequence could recolour, hide or rewrite what
// the person reads. Tab, newline and a carriage return before a newline are
// kept.
func Visible(s string) string {
	if !hasControl(s) {
		return s
	}
	var b strings.Builder
	writeVisible(&b, s, false)
	return b.String()
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\t' && c != '\n' || c == 0x7f || c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f {
			return true
		}
		if c == '\r' && (i+1 == len(s) || s[i+1] != '\n') {
			return true
		}
		if (c == 0xe2 || c == 0xd8) && invisible(s[i:]) > 0 {
			return true
		}
	}
	return false
}

// invisible is the length of the format character s starts with that
// reorders or breaks what a terminal shows (bidirectional overrides,
// isolates and marks, the line and paragraph separators), or 0.
func invisible(s string) int {
	r, n := utf8.DecodeRuneInString(s)
	switch {
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x2028, r == 0x2029:
		return n
	}
	return 0
}

// VisibleName is Visible for a name shown inside a line (a file, a sheet,
// a header, a branch): newlines and tabs are written out too, so that a
// name cannot break a table or forge a line of its own.
func VisibleName(s string) string {
	if !hasControl(s) && !strings.ContainsAny(s, "\n\t\r") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		default:
			b.WriteString(Visible(string(r)))
		}
	}
	return b.String()
}

// writeVisible writes s escaped; with held, a trailing '\r' or 0xc2 (which
// the next write may complete as "\r\n" or a C1 control) is left out and
// its length returned.
func writeVisible(b *strings.Builder, s string, held bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\r' && i+1 < len(s) && s[i+1] == '\n':
			b.WriteString("\r\n")
			i += 2
			continue
		case held && (c == '\r' || c == 0xc2) && i+1 == len(s):
			return 1
		case c < 0x20 && c != '\t' && c != '\n', c == 0x7f:
			fmt.Fprintf(b, `\x%02x`, c)
		case c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9f:
			r, _ := utf8.DecodeRuneInString(s[i:])
			fmt.Fprintf(b, `\u%04x`, r)
			i += 2
			continue
		case held && (c == 0xe2 || c == 0xd8) && len(s)-i < 3 && !utf8.FullRuneInString(s[i:]):
			return len(s) - i // a format character the next write may complete
		case (c == 0xe2 || c == 0xd8) && invisible(s[i:]) > 0:
			r, n := utf8.DecodeRuneInString(s[i:])
			fmt.Fprintf(b, `\u%04x`, r)
			i += n
			continue
		default:
			b.WriteByte(c)
		}
		i++
	}
	return 0
}

// VisibleWriter writes what it is given through Visible. Escapes written
// on purpose (a progress line) go to the underlying writer directly.
type VisibleWriter struct {
	W    io.Writer
	held []byte // the end of the last write, which this one may complete
}

func (v *VisibleWriter) Write(p []byte) (int, error) {
	s := string(v.held) + string(p)
	v.held = v.held[:0]
	if !hasControl(s) && !strings.HasSuffix(s, "\r") && !strings.HasSuffix(s, "\xc2") && !partialFormat(s) {
		if _, err := io.WriteString(v.W, s); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	var b strings.Builder
	if n := writeVisible(&b, s, true); n > 0 {
		v.held = append(v.held, s[len(s)-n:]...)
	}
	if _, err := io.WriteString(v.W, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes a held last byte, as Visible would.
func (v *VisibleWriter) Flush() error {
	if len(v.held) == 0 {
		return nil
	}
	s := Visible(string(v.held))
	v.held = v.held[:0]
	_, err := io.WriteString(v.W, s)
	return err
}

// partialFormat reports whether s ends in the first bytes of a character
// that may be a format character.
func partialFormat(s string) bool {
	for k := 1; k <= 2 && k <= len(s); k++ {
		if c := s[len(s)-k]; (c == 0xe2 || c == 0xd8) && !utf8.FullRuneInString(s[len(s)-k:]) {
			return true
		}
	}
	return false
}

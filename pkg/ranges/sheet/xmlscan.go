package sheet

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// xmlCursor reads the XML of a workbook part as tags and text, for the two
// parts that grow with the data (a worksheet and the shared strings). It
// knows as much XML as those parts use: elements with attributes, text with
// the five entities and character references, CDATA, comments and
// processing instructions; names are compared without their namespace
// prefix. A DOCTYPE, which spreadsheets never write, is refused, so no
// entity is ever expanded. Tags and text nodes are capped in length.
type xmlCursor struct {
	r    io.Reader
	part string
	buf  []byte
	i, n int
	eof  bool
	err  error
}

const (
	xmlBufSize = 256 << 10
	maxTagLen  = 64 << 10
	// maxTextLen caps the raw bytes of one text node: a cell of
	// maxCellChars characters, entities and all, fits many times over.
	maxTextLen = 1 << 20
)

var errXMLEnd = msg.New("unexpected end of XML")

func newXMLCursor(r io.Reader, part string) *xmlCursor {
	return &xmlCursor{r: r, part: part, buf: make([]byte, xmlBufSize)}
}

// fill moves the unread bytes to the front and reads more, growing the
// buffer to hold want unread bytes. It reports whether bytes were added.
func (c *xmlCursor) fill(want int) bool {
	if c.eof || c.err != nil {
		return false
	}
	if c.i > 0 {
		c.n = copy(c.buf, c.buf[c.i:c.n])
		c.i = 0
	}
	if want > len(c.buf) {
		nb := make([]byte, max(want, 2*len(c.buf)))
		copy(nb, c.buf[:c.n])
		c.buf = nb
	}
	start := c.n
	for c.n < len(c.buf) {
		m, err := c.r.Read(c.buf[c.n:])
		c.n += m
		if errors.Is(err, io.EOF) {
			c.eof = true
			break
		}
		if err != nil {
			c.err = err
			break
		}
		if m > 0 && c.n-start >= 4096 {
			break
		}
	}
	return c.n > start
}

func (c *xmlCursor) fail(err error) {
	if c.err == nil {
		c.err = msg.Errorf("%s: %w", c.part, err)
	}
}

// xmlTag is one tag; name and attrs point into the cursor's buffer and are
// valid until the next call.
type xmlTag struct {
	end   bool // </name>
	empty bool // <name/>
	name  []byte
	attrs []byte
}

func (t *xmlTag) is(name string) bool { return string(t.name) == name }

// nextTag skips text, comments and processing instructions up to the next
// element tag. It returns false at the end of the input or on an error
// (c.err).
func (c *xmlCursor) nextTag(t *xmlTag) bool {
	for {
		j := bytes.IndexByte(c.buf[c.i:c.n], '<')
		if j < 0 {
			c.i = c.n
			if !c.fill(0) {
				return false
			}
			continue
		}
		c.i += j
		if !c.ensure(2) {
			c.fail(msg.Errorf("%w", errXMLEnd))
			return false
		}
		if c.buf[c.i+1] == '!' {
			if !c.skipBang() {
				return false
			}
			continue
		}
		end, ok := c.tagEnd()
		if !ok {
			return false
		}
		b := c.buf[c.i+1 : end]
		c.i = end + 1
		if len(b) > 0 && b[0] == '?' {
			continue
		}
		*t = xmlTag{}
		if len(b) > 0 && b[0] == '/' {
			t.end, b = true, b[1:]
		} else if len(b) > 0 && b[len(b)-1] == '/' {
			t.empty, b = true, b[:len(b)-1]
		}
		k := 0
		for k < len(b) && !isXMLSpace(b[k]) {
			k++
		}
		t.name, t.attrs = localName(b[:k]), b[k:]
		if len(t.name) == 0 {
			c.fail(msg.Errorf("a tag without a name"))
			return false
		}
		return true
	}
}

// ensure makes k bytes available at c.i, if the input has them.
func (c *xmlCursor) ensure(k int) bool {
	for c.n-c.i < k {
		if !c.fill(k) {
			return false
		}
	}
	return true
}

// tagEnd finds the '>' that ends the tag at c.i, outside quoted attribute
// values.
func (c *xmlCursor) tagEnd() (int, bool) {
	off := 1
	var quote byte
	for {
		for k := c.i + off; k < c.n; k++ {
			b := c.buf[k]
			switch {
			case quote != 0:
				if b == quote {
					quote = 0
				}
			case b == '"' || b == '\'':
				quote = b
			case b == '>':
				return k, true
			case b == '<':
				c.fail(msg.Errorf("a '<' inside a tag"))
				return 0, false
			}
		}
		off = c.n - c.i
		if off > maxTagLen {
			c.fail(msg.Errorf("a tag longer than %d KiB", maxTagLen>>10))
			return 0, false
		}
		if !c.fill(off + 4096) {
			c.fail(msg.Errorf("%w inside a tag", errXMLEnd))
			return 0, false
		}
	}
}

// skipBang skips a comment or CDATA section at c.i; a DOCTYPE is an error.
func (c *xmlCursor) skipBang() bool {
	c.ensure(9)
	rest := c.buf[c.i:c.n]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		c.i += 4
		return c.skipPast([]byte("-->"))
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		c.i += 9
		return c.skipPast([]byte("]]>"))
	}
	c.fail(msg.Errorf("a DOCTYPE or other declaration, which spreadsheets do not write"))
	return false
}

// skipPast moves past the next occurrence of seq.
func (c *xmlCursor) skipPast(seq []byte) bool {
	for {
		if k := bytes.Index(c.buf[c.i:c.n], seq); k >= 0 {
			c.i += k + len(seq)
			return true
		}
		c.i = max(c.i, c.n-len(seq)+1)
		if !c.fill(0) {
			c.fail(msg.Errorf("%w in a comment or CDATA section", errXMLEnd))
			return false
		}
	}
}

// text appends the character data up to the next tag to dst, decoded.
func (c *xmlCursor) text(dst []byte) ([]byte, bool) {
	for {
		j := bytes.IndexByte(c.buf[c.i:c.n], '<')
		if j < 0 {
			if !c.more(msg.T("a text")) {
				return dst, false
			}
			continue
		}
		var ok bool
		if dst, ok = c.decode(dst, c.buf[c.i:c.i+j]); !ok {
			return dst, false
		}
		c.i += j
		if !c.ensure(9) || !bytes.HasPrefix(c.buf[c.i:c.n], []byte("<![CDATA[")) {
			if c.ensure(4) && bytes.HasPrefix(c.buf[c.i:c.n], []byte("<!--")) {
				c.i += 4
				if !c.skipPast([]byte("-->")) {
					return dst, false
				}
				continue
			}
			return dst, true
		}
		c.i += 9
		for {
			if k := bytes.Index(c.buf[c.i:c.n], []byte("]]>")); k >= 0 {
				dst = appendNormalized(dst, c.buf[c.i:c.i+k])
				c.i += k + 3
				break
			}
			if !c.more(msg.T("a CDATA section")) {
				return dst, false
			}
		}
	}
}

// more reads on when a text does not end within the buffer, up to
// maxTextLen.
func (c *xmlCursor) more(what msg.Message) bool {
	if c.n-c.i > maxTextLen {
		c.fail(msg.Errorf("%v longer than %d MiB", what, maxTextLen>>20))
		return false
	}
	if !c.fill(c.n - c.i + 4096) {
		c.fail(msg.Errorf("%w in %v", errXMLEnd, what))
		return false
	}
	return true
}

// decode appends raw character data to dst with entities and character
// references replaced and line ends normalised to LF, as XML reads them.
func (c *xmlCursor) decode(dst, raw []byte) ([]byte, bool) {
	for len(raw) > 0 {
		k := bytes.IndexByte(raw, '&')
		if k < 0 {
			return appendNormalized(dst, raw), true
		}
		dst = appendNormalized(dst, raw[:k])
		raw = raw[k:]
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 || semi > 12 {
			c.fail(msg.Errorf("a '&' that starts no entity"))
			return dst, false
		}
		r, ok := entity(raw[1:semi])
		if !ok {
			c.fail(msg.Errorf("unknown entity %q", raw[:semi+1]))
			return dst, false
		}
		dst = utf8.AppendRune(dst, r)
		raw = raw[semi+1:]
	}
	return dst, true
}

func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	var n uint64
	var err error
	if name[1] == 'x' {
		n, err = strconv.ParseUint(string(name[2:]), 16, 32)
	} else {
		n, err = strconv.ParseUint(string(name[1:]), 10, 32)
	}
	if err != nil || n > utf8.MaxRune {
		return 0, false
	}
	return rune(n), true
}

// appendNormalized appends b with CRLF and CR turned into LF.
func appendNormalized(dst, b []byte) []byte {
	for {
		k := bytes.IndexByte(b, '\r')
		if k < 0 {
			return append(dst, b...)
		}
		dst = append(dst, b[:k]...)
		dst = append(dst, '\n')
		b = b[k+1:]
		if len(b) > 0 && b[0] == '\n' {
			b = b[1:]
		}
	}
}

func isXMLSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// localName drops a namespace prefix.
func localName(b []byte) []byte {
	if k := bytes.LastIndexByte(b, ':'); k >= 0 {
		return b[k+1:]
	}
	return b
}

// attr returns the raw value of the attribute whose local name is name.
func attr(attrs []byte, name string) ([]byte, bool) {
	for {
		i := 0
		for i < len(attrs) && isXMLSpace(attrs[i]) {
			i++
		}
		attrs = attrs[i:]
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 {
			return nil, false
		}
		key, rest := attrs[:eq], attrs[eq+1:]
		for len(key) > 0 && isXMLSpace(key[len(key)-1]) {
			key = key[:len(key)-1]
		}
		for len(rest) > 0 && isXMLSpace(rest[0]) {
			rest = rest[1:]
		}
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return nil, false
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return nil, false
		}
		if string(localName(key)) == name && !bytes.HasPrefix(key, []byte("xmlns")) {
			return rest[1 : 1+end], true
		}
		attrs = rest[end+2:]
	}
}

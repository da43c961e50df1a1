package portal

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"mime"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
	"golang.org/x/text/unicode/norm"
)

// maxField bounds one value of an answer: a name, a code, a reason.
const maxField = 2000

// jsonOf decodes an answer that must be JSON.
func (cl *Client) jsonOf(c call, a *answer) (any, error) {
	ct, _, _ := mime.ParseMediaType(a.header.Get("Content-Type"))
	if !strings.HasSuffix(ct, "json") {
		why := msg.T("want JSON, got %q", a.header.Get("Content-Type"))
		if t := cl.titleOf(a); t != "" {
			why = msg.T("want JSON, got %q, a page titled %q", a.header.Get("Content-Type"), t)
		}
		return nil, &FormatError{Method: c.method, URL: redact(a.url), Why: why}
	}
	v, err := decodeJSON(a.body)
	if err != nil {
		return nil, &FormatError{Method: c.method, URL: redact(a.url), Why: msg.T("not valid JSON: %v", err)}
	}
	return v, nil
}

var reTitle = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// titleOf is the portal's own words in an error answer: the problem
// title of JSON, or the title of a page; cleaned for a terminal.
func (cl *Client) titleOf(a *answer) string {
	if a == nil {
		return ""
	}
	body := a.body[:min(len(a.body), 64<<10)]
	var p map[string]any
	if json.Unmarshal(a.body, &p) == nil {
		if s, ok := p[cl.lay.Session.ErrorField].(string); ok {
			return cl.printable(s)
		}
		return ""
	}
	if m := reTitle.FindSubmatch(body); m != nil {
		return cl.printable(html.UnescapeString(string(m[1])))
	}
	return ""
}

// printable makes a value the portal sent safe to print: no control
// characters (a terminal escape sequence could rewrite the screen), no
// secret, at most 200 characters.
func (cl *Client) printable(s string) string {
	// A secret may come back escaped in any mix of JSON, URL and HTML
	// forms: the portal's words are shown decoded, so that the secret, as
	// the client knows it, is found in them.
	s = unescapeEcho(s)
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	// Secrets go before the text is cut: a cut inside one would show its
	// start.
	s = cl.scrub(s)
	if r := []rune(s); len(r) > 200 {
		cut := 200
		// Not inside a [redacted]: it would read as the start of a value.
		const mark = "[redacted]"
		for i := max(0, cut-len(mark)+1); i < cut; i++ {
			if strings.HasPrefix(string(r[i:]), mark) {
				cut = i + len(mark)
				break
			}
		}
		s = string(r[:cut]) + "…"
	}
	s = cl.scrub(s)
	if cl.disguised(s) {
		return "[redacted]"
	}
	return s
}

// minDisguised is the shortest secret (folded) looked for in disguise:
// a shorter one would be found in ordinary words.
const minDisguised = 6

// disguised reports whether the portal's words hold a secret in a form
// that scrub does not replace: in other letter case or width, with spaces
// or zero-width characters between its characters, as hex, or in base64
// that starts at another byte. Such words are not shown at all.
func (cl *Client) disguised(s string) bool {
	folded := fold(s)
	compact := strings.Join(strings.Fields(s), "")
	for _, v := range cl.secretList() {
		fv := fold(v)
		if len(fv) < minDisguised || slices.ContainsFunc(cl.public, func(p string) bool { return strings.Contains(fold(p), fv) }) {
			continue
		}
		if strings.Contains(folded, fv) || strings.Contains(folded, hex.EncodeToString([]byte(v))) {
			return true
		}
		for j := range 3 { // base64 of the secret after j bytes of something else
			if j >= len(v) {
				break
			}
			rest := []byte(v[j:])
			full := len(rest) / 3 * 4 // the groups made of the secret's bytes alone
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				core := enc.EncodeToString(rest)[:full]
				if len(core) >= 8 && strings.Contains(compact, core) {
					return true
				}
			}
		}
	}
	return false
}

// fold is a text as compared for a disguised secret: compatibility forms
// (full-width letters) as their plain ones, lower case, letters and digits
// only.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, norm.NFKC.String(s))
}

// page is one page of a list, in any of the shapes the API uses: a bare
// array, {content: [...]}, or a Spring page with totals.
type page struct {
	rows          []any
	totalElements int // -1 when not given
	totalPages    int // -1 when not given
}

func (cl *Client) pageOf(c call, a *answer, v any) (page, error) {
	bad := func(why msg.Message) (page, error) {
		return page{}, &FormatError{Method: c.method, URL: redact(a.url), Why: why}
	}
	p := page{totalElements: -1, totalPages: -1}
	switch x := v.(type) {
	case []any:
		p.rows = x
		return p, nil
	case map[string]any:
		rows, ok := x[cl.lay.Paging.Content].([]any)
		if !ok {
			return bad(msg.T("want a list, or an object with %q holding one", cl.lay.Paging.Content))
		}
		p.rows = rows
		for _, f := range []struct {
			name string
			dst  *int
		}{{cl.lay.Paging.TotalElements, &p.totalElements}, {cl.lay.Paging.TotalPages, &p.totalPages}} {
			raw, ok := x[f.name]
			if !ok {
				continue
			}
			n, ok := intOf(raw)
			if !ok || n < 0 {
				return bad(msg.T("%s %v is not a count", f.name, raw))
			}
			*f.dst = n
		}
		return p, nil
	}
	return bad(msg.T("want a list, got %v", kindOf(v)))
}

func kindOf(v any) msg.Message {
	switch v.(type) {
	case nil:
		return msg.T("null")
	case string:
		return msg.T("a string")
	case json.Number:
		return msg.T("a number")
	case bool:
		return msg.T("true or false")
	case []any:
		return msg.T("a list")
	}
	return msg.T("an object")
}

func intOf(v any) (int, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := strconv.ParseInt(string(x), 10, 64)
		return int(n), err == nil && n < 1<<31
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return int(n), err == nil && n < 1<<31
	}
	return 0, false
}

// object is a row of a list.
type object map[string]any

// str reads a field as text: a string, or a number as written.
func (o object) str(name string) (string, bool) {
	switch x := o[name].(type) {
	case string:
		return x, len(x) <= maxField
	case json.Number:
		return string(x), len(x) <= 40
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// rowObject takes a row: an object, or, when the layout says rows come as
// tokens, the fields inside the token.
func rowObject(v any, tokenField string) (object, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, msg.Errorf("a row is %v, want an object", kindOf(v))
	}
	if tokenField == "" {
		return m, nil
	}
	tok, ok := m[tokenField].(string)
	if !ok {
		return m, nil // plain rows: the layout's token field is not there
	}
	return tokenData(tok)
}

// tokenData decodes a row token: a JWT whose payload's `data` is base64
// JSON holding the row's fields (the signature is the portal's business).
func tokenData(tok string) (object, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, msg.Errorf("a row token is not a JWT (%d parts)", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, msg.Errorf("a row token's payload is not base64: %w", err)
	}
	v, err := decodeJSON(payload)
	claims, ok := v.(map[string]any)
	if err != nil || !ok {
		return nil, msg.New("a row token's payload is not a JSON object")
	}
	switch data := claims["data"].(type) {
	case map[string]any:
		return data, nil
	case string:
		raw, err := decodeBase64(data)
		if err != nil {
			return nil, msg.Errorf("a row token's data is not base64: %w", err)
		}
		v, err := decodeJSON(raw)
		fields, ok := v.(map[string]any)
		if err != nil || !ok {
			return nil, msg.New("a row token's data is not a JSON object")
		}
		return fields, nil
	}
	return nil, msg.New("a row token has no data")
}

func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawURLEncoding.DecodeString(s)
}

// decodeJSON decodes one JSON value, numbers as written, and nothing after it.
func decodeJSON(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, msg.New("more after the JSON value")
	}
	return v, nil
}

var (
	reJSONEscape = regexp.MustCompile(`\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\["\\/]`)
	rePercent    = regexp.MustCompile(`(%[0-9a-fA-F]{2})+`)
)

// unescapeEcho decodes, in a text a server sent, the escapes a value it
// echoes may carry: JSON's \uXXXX and \", URL encoding, HTML entities, in
// any mix and nested up to three deep.
func unescapeEcho(s string) string {
	for range 3 {
		was := s
		s = reJSONEscape.ReplaceAllStringFunc(s, func(e string) string {
			if len(e) == 2 {
				return e[1:]
			}
			var units []uint16
			for i := 0; i+6 <= len(e); i += 6 {
				n, _ := strconv.ParseUint(e[i+2:i+6], 16, 16)
				units = append(units, uint16(n))
			}
			return string(utf16.Decode(units))
		})
		s = rePercent.ReplaceAllStringFunc(s, func(e string) string {
			if d, err := url.PathUnescape(e); err == nil && utf8.ValidString(d) {
				return d
			}
			return e
		})
		s = strings.ReplaceAll(s, "+", "+")
		s = html.UnescapeString(s)
		if s == was {
			break
		}
	}
	return s
}

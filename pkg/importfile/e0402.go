package importfile

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// E0402Namespace is the namespace of E0402 BranchTrackBlank, version 4.1.
const E0402Namespace = "urn:GEINV:eInvoiceMessage:E0402:4.1"

// E0402MaxItems is how many BranchTrackBlankItem one message may hold.
const E0402MaxItems = 10000

// E0402 is one BranchTrackBlank (空白未使用字軌檔) message.
type E0402 struct {
	XMLName xml.Name    `xml:"urn:GEINV:eInvoiceMessage:E0402:4.1 BranchTrackBlank"`
	Main    E0402Main   `xml:"Main"`
	Items   []E0402Item `xml:"Details>BranchTrackBlankItem"`
}

// E0402Main is the message's Main element.
type E0402Main struct {
	HeadBan      string `xml:"HeadBan"`
	BranchBan    string `xml:"BranchBan"`
	InvoiceType  string `xml:"InvoiceType"`
	YearMonth    string `xml:"YearMonth"`
	InvoiceTrack string `xml:"InvoiceTrack"`
}

// E0402Item is one blank range.
type E0402Item struct {
	InvoiceBeginNo string `xml:"InvoiceBeginNo"`
	InvoiceEndNo   string `xml:"InvoiceEndNo"`
	Line           int    `xml:"-"` // where the item starts, when read
}

// E0402File is a named E0402 document.
type E0402File struct {
	Name    string
	Message E0402
}

// E0402Messages groups blank ranges into messages: one per (HeadBan,
// BranchBan, 類別, period, 字軌), split after E0402MaxItems items. head is the
// head office's 統一編號; when empty each branch is its own head office.
// rs must be ordered as ranges.Result orders them.
func E0402Messages(head ranges.Ban, rs []ranges.BlankRange) []E0402File {
	var out []E0402File
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j].Key == rs[i].Key && j-i < E0402MaxItems {
			j++
		}
		k := rs[i].Key
		h := head
		if h == "" {
			h = k.Ban
		}
		m := E0402{Main: E0402Main{
			HeadBan:      string(h),
			BranchBan:    string(k.Ban),
			InvoiceType:  k.Type.String(),
			YearMonth:    k.Period.Code(),
			InvoiceTrack: string(k.Track),
		}}
		for _, r := range rs[i:j] {
			m.Items = append(m.Items, E0402Item{InvoiceBeginNo: r.Start.String(), InvoiceEndNo: r.End.String()})
		}
		name := fmt.Sprintf("E0402_%s_%s_%s_%s_%s", h, k.Ban, k.Period.Code(), k.Type, k.Track)
		// A continuation of the same key gets a part number.
		if part := partNumber(out, name); part > 1 {
			name = fmt.Sprintf("%s_part%d", name, part)
		}
		out = append(out, E0402File{Name: name + ".xml", Message: m})
		i = j
	}
	return out
}

func partNumber(prev []E0402File, base string) int {
	n := 1
	for _, f := range prev {
		if strings.HasPrefix(f.Name, base+".") || strings.HasPrefix(f.Name, base+"_part") {
			n++
		}
	}
	return n
}

// MarshalE0402 renders a message as an indented UTF-8 document.
func MarshalE0402(m E0402) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	b.WriteString("\n")
	return b.Bytes(), nil
}

var (
	reYearMonth = regexp.MustCompile(`^\d{3}(02|04|06|08|10|12)$`)
	reTrack     = regexp.MustCompile(`^[A-Z]{2}$`)
	reNumber    = regexp.MustCompile(`^\d{8}$`)
	reBan       = regexp.MustCompile(`^\d{8}$`)
	reType      = regexp.MustCompile(`^0[78]$`)
)

// xsiNamespace is the schema instance's namespace, whose attributes
// (xsi:schemaLocation) any element may have.
const xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance"

// e0402Containers are the elements that hold elements, not text.
var e0402Containers = []string{"BranchTrackBlank", "BranchTrackBlank/Main", "BranchTrackBlank/Details", "BranchTrackBlank/Details/BranchTrackBlankItem"}

// ReadE0402 reads an E0402 document and checks its namespace, structure and
// every field. It returns the message (as far as it could be read) and a
// finding for each problem.
//
// Its memory is bounded on any input: a text or tag longer than
// E0402TokenMax, nesting deeper than E0402 goes, more than E0402MaxItems
// items, a file over E0402MaxBytes or MaxFindings findings stop it with a
// finding at the line.
func ReadE0402(r io.Reader, name string) (E0402, []Finding) {
	var m E0402
	fs := &findings{name: name}
	full := false
	add := func(line int, elem string, problem msg.Message) {
		full = full || !fs.addAt(Finding{File: name, Line: line, Element: elem}.with(problem))
	}
	guard := &xmlGuard{r: r, line: 1}
	dec := xml.NewDecoder(guard)
	// Any encoding but UTF-8 is refused by name, not by the decoder's own
	// words about a CharsetReader.
	dec.CharsetReader = func(label string, _ io.Reader) (io.Reader, error) {
		return nil, &xmlEncodingError{label}
	}
	var path []string
	// Per open element: its namespace, and the index in its parent's
	// sequence (e0402Sequence) of the last child seen, -1 before any.
	var spaces []string
	var last []int
	var text strings.Builder
	var item *E0402Item
	seen := map[string]bool{}   // the elements of Main read
	inItem := map[string]bool{} // the elements of the item being read
	for !full {
		start, _ := dec.InputPos() // where the token starts
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := dec.InputPos()
		var tooLarge *xmlTooLargeError
		if errors.As(err, &tooLarge) {
			add(tooLarge.line, strings.Join(path, "/"), tooLarge.what)
			return m, fs.fs
		}
		var enc *xmlEncodingError
		if errors.As(err, &enc) {
			add(line, strings.Join(path, "/"), msg.T("encoding %q: an E0402 message must be UTF-8: save it as UTF-8 and declare encoding=\"UTF-8\" in its first line", enc.label))
			return m, fs.fs
		}
		if err != nil {
			add(line, strings.Join(path, "/"), msg.T("not well-formed XML: %v", err))
			return m, fs.fs
		}
		switch t := tok.(type) {
		case xml.Directive:
			// A DOCTYPE may declare entities (a billion laughs): E0402 has
			// no DTD, and nothing of one is read or expanded.
			add(start, strings.Join(path, "/"), msg.T("a DOCTYPE or other <!…> declaration: an E0402 message has none; its entities are not read or expanded"))
			return m, fs.fs
		case xml.StartElement:
			if len(path) == 0 && m.XMLName.Local != "" {
				add(line, t.Name.Local, msg.T("a second root element: an XML document has one"))
				return m, fs.fs
			}
			parent := strings.Join(path, "/")
			path = append(path, t.Name.Local)
			text.Reset()
			p := strings.Join(path, "/")
			// The schema declares no attribute: only namespace
			// declarations and the schema instance's (xsi:schemaLocation)
			// may be written.
			for _, a := range t.Attr {
				if a.Name.Space != "xmlns" && (a.Name.Space != "" || a.Name.Local != "xmlns") && a.Name.Space != xsiNamespace {
					add(line, p, msg.T("attribute %s=%q: E0402 elements have none", a.Name.Local, a.Value))
				}
			}
			// Every element is E0402's, in its namespace: one in another
			// is not the element it is named like. Only the outermost such
			// element is reported, not each of its children.
			if len(spaces) > 0 && t.Name.Space != E0402Namespace && spaces[len(spaces)-1] == E0402Namespace {
				add(line, p, msg.T("namespace %q: want %q", t.Name.Space, E0402Namespace))
			}
			spaces = append(spaces, t.Name.Space)
			// The schema's sequences: each child once, in order (the
			// items excepted), or a second one would go unseen.
			if seq, ok := e0402Sequence[parent]; ok && len(last) > 0 {
				if i := slices.Index(seq, t.Name.Local); i >= 0 {
					prev := &last[len(last)-1]
					switch {
					case i < *prev:
						add(line, p, msg.T("after %s: want %s, each once and in this order", seq[*prev], strings.Join(seq, ", ")))
					case i == *prev && t.Name.Local != "BranchTrackBlankItem":
						add(line, p, msg.T("appears twice: want %s, each once and in this order", strings.Join(seq, ", ")))
					}
					*prev = max(*prev, i)
				}
			}
			last = append(last, -1)
			if len(path) > e0402Depth {
				add(line, p, msg.T("nested %d deep: E0402 elements nest %d deep at most", len(path), e0402Depth))
				return m, fs.fs
			}
			if len(path) == 1 {
				if t.Name.Local != "BranchTrackBlank" {
					add(line, p, msg.T("root element: want BranchTrackBlank"))
				}
				if t.Name.Space != E0402Namespace {
					add(line, p, msg.T("namespace %q: want %q", t.Name.Space, E0402Namespace))
				}
				m.XMLName = t.Name
			}
			if p == "BranchTrackBlank/Details/BranchTrackBlankItem" {
				clear(inItem)
				m.Items = append(m.Items, E0402Item{Line: line})
				item = &m.Items[len(m.Items)-1]
				if len(m.Items) == E0402MaxItems+1 {
					add(line, p, msg.T("more than %d items: split the message", E0402MaxItems))
					return m, fs.fs
				}
			}
		case xml.CharData:
			// Between elements, only white space: the schema's complex
			// types have element content. (An unknown element's text is
			// the element's finding.)
			if p := strings.Join(path, "/"); p == "" || slices.Contains(e0402Containers, p) {
				if v := strings.TrimSpace(string(t)); v != "" {
					add(start, strings.Join(path, "/"), msg.T("text %q between elements: E0402 has text only inside its value elements", ranges.Clip(v)))
				}
				continue
			}
			if text.Len()+len(t) > E0402TokenMax {
				add(line, strings.Join(path, "/"), msg.T("text longer than %d bytes: not an E0402 value", E0402TokenMax))
				return m, fs.fs
			}
			text.Write(t)
		case xml.EndElement:
			p := strings.Join(path, "/")
			raw := text.String()
			v := strings.TrimSpace(raw)
			check := func(re *regexp.Regexp, want msg.Message) string {
				// A value given twice is found by the sequence check.
				once := seen
				if strings.HasPrefix(p, "BranchTrackBlank/Details/") {
					once = inItem
				}
				once[p] = true
				switch {
				case !re.MatchString(v):
					add(line, p, msg.T("%q: want %v", v, want))
				case raw != v:
					// The schema's value types restrict xs:string by a
					// pattern; xs:string keeps its spaces
					// (whiteSpace=preserve), and the pattern must match the
					// whole value, spaces included.
					add(line, p, msg.T("%q: spaces around the value: an E0402 value is a string of a fixed pattern, which keeps its spaces; want %v and nothing else", raw, want))
				}
				return v
			}
			switch p {
			case "BranchTrackBlank/Main/HeadBan":
				m.Main.HeadBan = check(reBan, msg.T("8 digits"))
				checkBan(v, line, p, add)
			case "BranchTrackBlank/Main/BranchBan":
				m.Main.BranchBan = check(reBan, msg.T("8 digits"))
				checkBan(v, line, p, add)
			case "BranchTrackBlank/Main/InvoiceType":
				m.Main.InvoiceType = check(reType, msg.T("07 or 08"))
			case "BranchTrackBlank/Main/YearMonth":
				m.Main.YearMonth = check(reYearMonth, yearMonthWant)
				if reYearMonth.MatchString(v) && v[:3] == "000" {
					add(line, p, msg.T("%q: year 000 is no ROC year; want %v", v, yearMonthWant))
				}
			case "BranchTrackBlank/Main/InvoiceTrack":
				m.Main.InvoiceTrack = check(reTrack, msg.T("two capital letters"))
			case "BranchTrackBlank/Details/BranchTrackBlankItem/InvoiceBeginNo":
				item.InvoiceBeginNo = check(reNumber, msg.T("8 digits"))
			case "BranchTrackBlank/Details/BranchTrackBlankItem/InvoiceEndNo":
				item.InvoiceEndNo = check(reNumber, msg.T("8 digits"))
			case "BranchTrackBlank/Details/BranchTrackBlankItem":
				switch {
				case item.InvoiceBeginNo == "" || item.InvoiceEndNo == "":
					add(item.Line, p, msg.T("want InvoiceBeginNo and InvoiceEndNo"))
				case reNumber.MatchString(item.InvoiceBeginNo) && reNumber.MatchString(item.InvoiceEndNo) && item.InvoiceBeginNo > item.InvoiceEndNo:
					add(item.Line, p, msg.T("InvoiceBeginNo %s is after InvoiceEndNo %s", item.InvoiceBeginNo, item.InvoiceEndNo))
				}
			case "BranchTrackBlank", "BranchTrackBlank/Main", "BranchTrackBlank/Details":
			default:
				add(line, p, msg.T("unknown element"))
			}
			path = path[:len(path)-1]
			spaces = spaces[:len(spaces)-1]
			last = last[:len(last)-1]
			text.Reset()
		}
	}
	for _, e := range []string{"HeadBan", "BranchBan", "InvoiceType", "YearMonth", "InvoiceTrack"} {
		if !seen["BranchTrackBlank/Main/"+e] {
			add(0, "BranchTrackBlank/Main/"+e, msg.T("missing"))
		}
	}
	if len(m.Items) == 0 {
		add(0, "BranchTrackBlank/Details", msg.T("no BranchTrackBlankItem: want 1 to 10,000"))
	}
	return m, fs.fs
}

// yearMonthWant says what a YearMonth is.
var yearMonthWant = msg.T("yyyMM: the ROC year in 3 digits and the period's even month, 02 to 12, as 11410 for 114/09~114/10")

// e0402Sequence is, per element that holds others, its children in the
// order the schema's sequence gives them: each once, except
// BranchTrackBlankItem, 1 to 10,000 times.
var e0402Sequence = map[string][]string{
	"BranchTrackBlank":                              {"Main", "Details"},
	"BranchTrackBlank/Main":                         {"HeadBan", "BranchBan", "InvoiceType", "YearMonth", "InvoiceTrack"},
	"BranchTrackBlank/Details":                      {"BranchTrackBlankItem"},
	"BranchTrackBlank/Details/BranchTrackBlankItem": {"InvoiceBeginNo", "InvoiceEndNo"},
}

// xmlEncodingError is a document declaring an encoding other than UTF-8.
type xmlEncodingError struct{ label string }

func (e *xmlEncodingError) Error() string { return "encoding " + e.label }

// Limits of the E0402 reader.
const (
	// E0402TokenMax is the longest text or tag read: E0402 values are 8
	// digits at most, its tags a few dozen bytes.
	E0402TokenMax = 4096
	// E0402MaxBytes is the largest E0402 file read: 10,000 items take
	// about 1.5 MB.
	E0402MaxBytes = 8 << 20
	// e0402Depth is how deep E0402 elements nest:
	// BranchTrackBlank/Details/BranchTrackBlankItem/InvoiceBeginNo.
	e0402Depth = 4
)

// xmlGuard stops an XML document before the decoder buffers an unbounded
// token: a run of more than E0402TokenMax bytes without '<' or '>' (a
// text, a tag, a comment), or more than E0402MaxBytes in all. It counts
// lines, for the finding.
type xmlGuard struct {
	r     io.Reader
	line  int
	run   int // bytes since the last '<' or '>'
	total int64
}

type xmlTooLargeError struct {
	line int
	what msg.Message
}

func (e *xmlTooLargeError) Error() string { return e.what.String() }

func (g *xmlGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for i, b := range p[:n] {
		switch b {
		case '<', '>':
			g.run = 0
			continue
		case '\n':
			g.line++
		}
		g.run++
		if g.run > E0402TokenMax {
			// The bytes up to here are the decoder's; the rest never
			// reach it.
			return i, &xmlTooLargeError{line: g.line, what: msg.T("more than %d bytes of one text or tag: not an E0402 message (its values and tags are a few dozen bytes)", E0402TokenMax)}
		}
	}
	g.total += int64(n)
	if g.total > E0402MaxBytes {
		return n, &xmlTooLargeError{line: g.line, what: msg.T("larger than %d MiB: an E0402 message of %d items is about 1.5 MB", E0402MaxBytes>>20, E0402MaxItems)}
	}
	return n, err
}

func checkBan(v string, line int, p string, add func(int, string, msg.Message)) {
	if reBan.MatchString(v) {
		if _, err := ranges.ParseBan(v); err != nil {
			if v == "00000000" {
				add(line, p, msg.T("%s is not a 統一編號: no business has it", v))
				return
			}
			add(line, p, msg.T("%s is not a valid 統一編號 (the checksum is wrong)", v))
		}
	}
}

// key is the message's 統編 (BranchBan), 類別, period and 字軌.
func (m E0402) key() (ranges.Key, error) {
	b, err := ranges.ParseBan(m.Main.BranchBan)
	if err != nil {
		return ranges.Key{}, err
	}
	t, err := ranges.ParseInvoiceType(m.Main.InvoiceType)
	if err != nil {
		return ranges.Key{}, err
	}
	p, err := ranges.ParsePeriod(m.Main.YearMonth)
	if err != nil {
		return ranges.Key{}, err
	}
	tr, err := ranges.ParseTrack(m.Main.InvoiceTrack)
	if err != nil {
		return ranges.Key{}, err
	}
	return ranges.Key{Ban: b, Type: t, Period: p, Track: tr}, nil
}

// Ranges returns the blank ranges of a message whose fields are valid.
func (m E0402) Ranges() ([]ranges.BlankRange, error) {
	k, err := m.key()
	if err != nil {
		return nil, err
	}
	out := make([]ranges.BlankRange, 0, len(m.Items))
	for _, it := range m.Items {
		s, err := ranges.ParseNumber(it.InvoiceBeginNo)
		if err != nil {
			return nil, err
		}
		e, err := ranges.ParseNumber(it.InvoiceEndNo)
		if err != nil {
			return nil, err
		}
		out = append(out, ranges.BlankRange{Key: k, Start: s, End: e})
	}
	return out, nil
}

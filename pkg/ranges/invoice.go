package ranges

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Status is what an export says of an invoice. Every status counts as used:
// voided (作廢) and nullified (註銷) numbers are never blank.
type Status uint8

// Invoice statuses.
const (
	StatusIssued    Status = iota // 開立
	StatusVoided                  // 作廢
	StatusNullified               // 註銷
)

// Invoice is one invoice number found in an export.
type Invoice struct {
	Number InvoiceNumber
	Date   time.Time // zero when the export has no date column
	Status Status
	Pos    Pos
}

// ListLimit is how many skipped invoices a Listing keeps to show.
const ListLimit = 20

// Listing keeps the first ListLimit invoices of a kind, and their count.
type Listing struct {
	First []Invoice
	Count int
}

// Add counts inv and keeps it when fewer than ListLimit are kept.
func (l *Listing) Add(inv Invoice) {
	l.Count++
	if len(l.First) < ListLimit {
		l.First = append(l.First, inv)
	}
}

// ParseStatus reads a status word: 作廢 (voided), 註銷 (nullified), anything
// else is issued (未作廢, not voided, too). A status that says the number
// was not used at all is UnusedStatus's to catch.
func ParseStatus(s string) Status {
	v := strings.ToLower(NormalizeText(s))
	switch {
	case strings.Contains(v, "未作廢"), strings.Contains(v, "未註銷"):
		return StatusIssued
	case strings.Contains(v, "作廢"), strings.HasPrefix(v, "void"):
		return StatusVoided
	case strings.Contains(v, "註銷"), strings.HasPrefix(v, "cancel"):
		return StatusNullified
	}
	return StatusIssued
}

// unusedWords are the status words of exports that list numbers never
// issued: the portal's 空白未使用, and what POS and ERP systems write for a
// number taken but not issued, skipped or held back; fillerWords name
// what was not used (發票, 號碼, 字軌, invoice, number). Both are written as
// statusParts folds them, the longest first where one holds another.
var (
	unusedWords = []string{"空白未使用", "空白未開立", "取號未開立", "尚未使用", "尚未開立", "未使用", "不使用", "未開立", "待開立",
		"未用", "未開", "空白", "跳號", "空號", "預留", "保留",
		"unused", "notused", "unissued", "notissued", "blank", "skipped", "reserved"}
	fillerWords = []string{"發票號碼", "發票", "號碼", "字軌", "號", "invoices", "invoice", "numbers", "number", "no", "track"}
)

// reNot joins "not used", "not issued" and "not yet issued", in any
// spelling, into one word; reCJKSpace finds a space between two Chinese
// characters (空 白), which is none.
var (
	reNot      = regexp.MustCompile(`not[\s\-_]*(?:yet[\s\-_]*)?(used|issued)`)
	reCJKSpace = regexp.MustCompile(`(\p{Han})\s+(\p{Han})`)
)

// UnusedStatus reports whether a status cell says the number was not used
// (空白未使用, 未使用發票, 跳號, 取號未開立, Unused invoice, blank, …). Every
// number an export lists counts as used, so a reader must not take such a
// row. The cell must say nothing else: made of those words, what was not
// used (發票, 號碼, 字軌, invoice, number), spaces, brackets and
// punctuation, whatever its case and width. A status that holds one of
// the words among others (已開立,未使用載具, Blanket order, Skipped upload,
// 作廢(未使用): a voided number was issued) is another status. (空白) and
// (blank), Excel's label for an empty cell in its filters and pivot
// tables, are an empty status.
func UnusedStatus(s string) bool {
	v := strings.ToLower(width.Narrow.String(NormalizeText(s)))
	if k := strings.TrimSpace(v); k == "(空白)" || k == "(blank)" {
		return false
	}
	unused := false
	v = reCJKSpace.ReplaceAllString(reCJKSpace.ReplaceAllString(v, "$1$2"), "$1$2")
	for _, part := range statusParts(reNot.ReplaceAllString(v, "not$1")) {
		switch rest, found := strip(part, unusedWords); {
		case found && strip1(rest, fillerWords) == "":
			unused = true
		case strip1(part, fillerWords) != "":
			return false // another word
		}
	}
	return unused
}

// statusParts splits a status cell at spaces, punctuation and symbols,
// and between ASCII letters and other text (未使用invoice).
func statusParts(v string) []string {
	var parts []string
	start, ascii := -1, false
	for i, r := range v {
		sep := unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
		isASCII := r < 0x80
		if start >= 0 && (sep || isASCII != ascii) {
			parts = append(parts, v[start:i])
			start = -1
		}
		if !sep && start < 0 {
			start, ascii = i, isASCII
		}
	}
	if start >= 0 {
		parts = append(parts, v[start:])
	}
	return parts
}

// strip removes every word of words from s, the first that fits at each
// place, and says whether it removed any. An ASCII word must be the whole
// of s: "blanket" is not "blank".
func strip(s string, words []string) (rest string, found bool) {
	if s != "" && s[0] < 0x80 {
		if slices.Contains(words, s) {
			return "", true
		}
		return s, false
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		w := ""
		for _, c := range words {
			if c[0] >= 0x80 && strings.HasPrefix(s[i:], c) {
				w = c
				break
			}
		}
		if w == "" {
			_, n := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		found = true
		i += len(w)
	}
	return b.String(), found
}

// strip1 is what is left of s without the words of words.
func strip1(s string, words []string) string {
	rest, _ := strip(s, words)
	return rest
}

package ranges

import (
	"strings"
	"time"
	"unicode"

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
// number taken but not issued, skipped or held back. They are whole
// cells, written as unusedKey folds them.
var unusedWords = map[string]bool{
	"空白未使用": true, "空白": true, "未使用": true, "尚未使用": true, "空白發票": true, "空白未開立": true,
	"未開立": true, "尚未開立": true, "取號未開立": true, "待開立": true, "跳號": true, "空號": true, "預留": true,
	"unused": true, "notused": true, "unissued": true, "notissued": true, "blank": true, "skipped": true,
}

// UnusedStatus reports whether a status word says the number was not used
// (空白未使用, 未使用, 跳號, 取號未開立, unused, blank, …). Every number an
// export lists counts as used, so a reader must not take such a row. The
// word is the whole cell, whatever its case, width, spaces and the
// brackets or punctuation around it: a status that holds one among other
// words (已開立,未使用載具, Blanket order, Skipped upload) is another
// status. (空白) and (blank), Excel's label for an empty cell in its
// filters and pivot tables, are an empty status.
func UnusedStatus(s string) bool {
	v := strings.ToLower(width.Narrow.String(NormalizeText(s)))
	k := unusedKey(v)
	if (k == "空白" || k == "blank") && strings.HasPrefix(v, "(") && strings.HasSuffix(v, ")") {
		return false
	}
	return unusedWords[k]
}

// unusedKey is a status cell, lower case and narrow, without its spaces,
// dashes and underscores and the brackets and punctuation around it.
func unusedKey(v string) string {
	v = strings.TrimFunc(v, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || r == '_' {
			return -1
		}
		return r
	}, v)
}

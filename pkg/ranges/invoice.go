package ranges

import (
	"strings"
	"time"
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
// number taken but not issued, skipped or held back.
var unusedWords = []string{
	"空白", "未使用", "未開立", "跳號", "空號", "預留", "待開立",
	"unused", "not used", "unissued", "not issued", "blank", "skipped",
}

// UnusedStatus reports whether a status word says the number was not used
// (空白未使用, 未使用, 跳號, 取號未開立, unused, blank, …). Every number an
// export lists counts as used, so a reader must not take such a row.
func UnusedStatus(s string) bool {
	v := strings.ToLower(NormalizeText(s))
	for _, w := range unusedWords {
		if strings.Contains(v, w) {
			return true
		}
	}
	return false
}

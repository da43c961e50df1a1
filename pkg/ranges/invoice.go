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
// else is issued.
func ParseStatus(s string) Status {
	v := strings.ToLower(NormalizeText(s))
	switch {
	case strings.Contains(v, "作廢"), strings.HasPrefix(v, "void"):
		return StatusVoided
	case strings.Contains(v, "註銷"), strings.HasPrefix(v, "cancel"):
		return StatusNullified
	}
	return StatusIssued
}

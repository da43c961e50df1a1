package ranges

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// Track is a 字軌: the two capital letters in front of an invoice number.
type Track string

// ParseTrack parses a 字軌 after normalising full-width letters and case.
func ParseTrack(s string) (Track, error) {
	v := NormalizeCode(s)
	if len(v) != 2 || !isUpper(v[0]) || !isUpper(v[1]) {
		return "", msg.Errorf("%s is not a 字軌: want two letters A-Z", Quote(s))
	}
	return Track(v), nil
}

func (t Track) String() string { return string(t) }

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// Number is an invoice number without its 字軌: 0 to 99999999, printed with 8
// digits.
type Number uint32

// MaxNumber is the largest invoice number.
const MaxNumber Number = 99999999

// ParseNumber parses an 8-digit invoice number. Shorter digit strings are
// numbers that lost their leading zeros in a spreadsheet and are padded.
func ParseNumber(s string) (Number, error) {
	v := NormalizeCode(s)
	return parseNumberNormalized(v, s)
}

func parseNumberNormalized(v, orig string) (Number, error) {
	if v == "" {
		return 0, msg.Errorf("empty invoice number: want 8 digits")
	}
	if isScientific(v) {
		return 0, errScientific(orig)
	}
	if len(v) > 8 || !AllDigits(v) {
		return 0, msg.Errorf("%s is not an invoice number: want 8 digits", Quote(orig))
	}
	var n uint32
	for i := 0; i < len(v); i++ {
		n = n*10 + uint32(v[i]-'0')
	}
	return Number(n), nil
}

// String returns the number with 8 digits, zero-padded.
func (n Number) String() string {
	var b [8]byte
	v := uint32(n)
	for i := 7; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[:])
}

// InvoiceNumber is a full invoice number: 字軌 and number, as ZK37210312.
type InvoiceNumber struct {
	Track  Track
	Number Number
}

// ErrNoTrack is an invoice number of digits only where a 字軌 was wanted.
var ErrNoTrack = msg.New("has no 字軌")

// ParseInvoiceNumber parses a combined invoice number such as ZK37210312
// (also zk-37210312 or full-width ＺＫ３７２１０３１２).
func ParseInvoiceNumber(s string) (InvoiceNumber, error) {
	v := NormalizeCode(s)
	if len(v) > 2 && (v[2] == '-' || v[2] == ' ') {
		v = v[:2] + v[3:]
	}
	if len(v) != 10 || !isUpper(v[0]) || !isUpper(v[1]) || !AllDigits(v[2:]) {
		switch {
		case isScientific(v):
			return InvoiceNumber{}, errScientific(s)
		case AllDigits(v):
			return InvoiceNumber{}, msg.Errorf("%s %w: want 2 letters and 8 digits, as ZK37210312, or a 字軌 column beside the number", Quote(s), ErrNoTrack)
		}
		return InvoiceNumber{}, msg.Errorf("%s is not an invoice number: want 2 letters and 8 digits, as ZK37210312", Quote(s))
	}
	n, _ := parseNumberNormalized(v[2:], s)
	return InvoiceNumber{Track: Track(v[:2]), Number: n}, nil
}

func (in InvoiceNumber) String() string { return string(in.Track) + in.Number.String() }

// InvoiceType is the 發票類別 of an allocation: 07 一般稅額計算 or 08
// 特種稅額計算.
type InvoiceType uint8

// The two invoice types that carry blank-number reports.
const (
	TypeGeneral InvoiceType = 7 // 07 一般稅額計算
	TypeSpecial InvoiceType = 8 // 08 特種稅額計算
)

// ParseInvoiceType accepts 7, 07, 8, 08 (the allocation download writes the
// code without its leading zero) and the Chinese names.
func ParseInvoiceType(s string) (InvoiceType, error) {
	switch v := NormalizeText(s); v {
	case "一般稅額計算", "一般稅額":
		return TypeGeneral, nil
	case "特種稅額計算", "特種稅額":
		return TypeSpecial, nil
	default:
		c := NormalizeCode(v)
		if n, err := strconv.Atoi(c); err == nil && AllDigits(c) {
			switch n {
			case 7:
				return TypeGeneral, nil
			case 8:
				return TypeSpecial, nil
			}
		}
	}
	return 0, msg.Errorf("%s is not a 發票類別: want 07 (一般稅額計算) or 08 (特種稅額計算)", Quote(s))
}

// String returns the two-digit code, 07 or 08.
func (t InvoiceType) String() string { return fmt.Sprintf("%02d", uint8(t)) }

// Name returns the portal's name of the type.
func (t InvoiceType) Name() string {
	switch t {
	case TypeGeneral:
		return "一般稅額計算"
	case TypeSpecial:
		return "特種稅額計算"
	}
	return "?"
}

// isScientific reports whether v is a number Excel wrote in scientific
// notation (4.25E+07) when it re-saved a CSV: its last digits are gone.
func isScientific(v string) bool {
	i := strings.IndexAny(v, "Ee")
	if i <= 0 || i == len(v)-1 {
		return false
	}
	mant, exp := v[:i], strings.TrimPrefix(v[i+1:], "+")
	mant = strings.Replace(mant, ".", "", 1)
	return AllDigits(mant) && AllDigits(exp)
}

func errScientific(orig string) error {
	return msg.Errorf("%s is in scientific notation: Excel rounded the number when it saved the file and its digits are lost; export the column again as text", Quote(orig))
}

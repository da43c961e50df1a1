package ranges

import "github.com/blanktrack/blanktrack/pkg/ranges/msg"

// Ban is a 統一編號 (unified business number): 8 digits with a checksum.
type Ban string

// banWeights are the MOF's weights for the 統一編號 checksum.
var banWeights = [8]int{1, 2, 1, 2, 1, 2, 4, 1}

// ParseBan parses a 統一編號 after normalising full-width digits and spaces.
// Numbers that lost their leading zeros in a spreadsheet (4595257) are padded
// to 8 digits before the checksum is checked.
func ParseBan(s string) (Ban, error) {
	v := NormalizeCode(s)
	if v == "" {
		return "", msg.Errorf("empty 統一編號: want 8 digits")
	}
	if len(v) > 8 || !AllDigits(v) {
		return "", msg.Errorf("%s is not a 統一編號: want 8 digits", Quote(s))
	}
	v = padZeros(v, 8)
	if v == "00000000" {
		// Its checksum holds, but no business has it: an empty cell
		// read as 0, or a placeholder.
		return "", msg.Errorf("%s is not a 統一編號: no business has it (an empty cell read as 0?)", Quote(v))
	}
	if !banChecksumOK(v) {
		return "", msg.Errorf("%s is not a valid 統一編號: its checksum is wrong", Quote(v))
	}
	return Ban(v), nil
}

// banChecksumOK applies the MOF rule: multiply each digit by its weight, add
// the digits of every product; the sum must be divisible by 5 (relaxed from 10
// in 2023, so every number valid before stays valid). When the 7th digit is 7
// its product 28 may count as 10 or as 1, so sum+1 divisible by 5 is valid too.
func banChecksumOK(v string) bool {
	if len(v) != 8 || !AllDigits(v) {
		return false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		p := int(v[i]-'0') * banWeights[i]
		sum += p/10 + p%10
	}
	if sum%5 == 0 {
		return true
	}
	return v[6] == '7' && (sum+1)%5 == 0
}

// String returns the 8 digits.
func (b Ban) String() string { return string(b) }

// AllDigits reports whether s is a non-empty run of ASCII digits.
func AllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func padZeros(s string, n int) string {
	if len(s) >= n {
		return s
	}
	b := make([]byte, n)
	k := n - len(s)
	for i := 0; i < k; i++ {
		b[i] = '0'
	}
	copy(b[k:], s)
	return string(b)
}

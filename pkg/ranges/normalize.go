package ranges

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// NormalizeCode prepares a code-like field (invoice number, 字軌, 統一編號,
// 類別) typed by people or exported by other systems: full-width digits and
// letters from Chinese input methods become ASCII, surrounding spaces
// (including the ideographic space) go, letters are upper-cased, and the
// ="..." wrapping that Excel writes to keep leading zeros in a CSV is removed.
//
// Only code-like fields are narrowed: width.Narrow also changes Chinese
// punctuation, which would corrupt names and status words.
func NormalizeCode(s string) string {
	if isPlainASCIIUpper(s) {
		return s
	}
	s = strings.TrimSpace(s)
	if !isASCII(s) {
		s = width.Narrow.String(s)
		s = strings.TrimSpace(s)
	}
	s = UnwrapExcelText(s)
	if isDashes(s) {
		return "" // "--": exports such as iCHEF's write an empty cell so
	}
	return strings.ToUpper(s)
}

// isDashes reports whether s is one or more dashes and nothing else.
func isDashes(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r != '-' && r != '—' && r != '–' {
			return false
		}
	}
	return true
}

// NormalizeText trims a free-text field (a header or a status word) and folds
// full-width spaces, leaving Chinese characters as they are.
func NormalizeText(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u3000", " "))
	s = strings.TrimPrefix(s, "\ufeff")
	return strings.TrimSpace(s)
}

// UnwrapExcelText removes Excel's ="..." formula-string wrapping.
func UnwrapExcelText(s string) string {
	if len(s) >= 3 && s[0] == '=' && s[1] == '"' && s[len(s)-1] == '"' {
		return strings.TrimSpace(s[2 : len(s)-1])
	}
	return s
}

// isPlainASCIIUpper reports whether s needs no normalisation at all: the
// common case of clean exports, kept off the slow path.
func isPlainASCIIUpper(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' || s[0] == '=' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || (c >= 'a' && c <= 'z') || c == '\t' || c == '\r' || c == '\n' {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

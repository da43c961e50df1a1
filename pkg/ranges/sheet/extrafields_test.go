package sheet

import (
	"strings"
	"testing"
)

// Review rv3, finding 4: a row with more fields than its header (two rows
// glued on one line) was read and its extra fields dropped, their invoice
// reported blank, exit 0; so was a bare CR in a CRLF file, which put the
// next row into a cell. It is an error at the first extra field; the
// portal's unquoted comma in 買方名稱 is still repaired.
func TestRowPastTheHeaderIsAnError(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"glued", "發票號碼,發票日期,發票狀態\r\nZK00000010,2025/10/01,開立\r\nZK00000011,2025/10/01,開立,ZK00000012,2025/10/01,開立\r\n",
			`row 3, column D: "ZK00000012": a cell past the header's 3 columns`},
		{"bare CR", "發票號碼,發票日期,發票狀態\r\nZK00000010,2025/10/01,開立\rZK00000011,2025/10/01,開立\r\n",
			`row 2, column D: "2025/10/01": a cell past the header's 3 columns`},
	} {
		_, err := readCSV(t, tc.data, Columns{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v\nwant %q", tc.name, err, tc.want)
		}
	}
	got, err := readCSV(t, "發票號碼,買方名稱,發票日期\nZK00000003,大同,台北分公司,2025/10/01\n", Columns{})
	if err != nil || len(got) != 1 {
		t.Errorf("買方名稱 repair: %v, %v", got, err)
	}
}

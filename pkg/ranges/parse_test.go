package ranges

import (
	"strings"
	"testing"
	"time"
)

func TestParseBan(t *testing.T) {
	tests := []struct {
		in      string
		want    Ban
		wantErr string
	}{
		{"04595257", "04595257", ""},
		{"22099131", "22099131", ""},
		{"53212539", "53212539", ""},
		{"24549210", "24549210", ""},
		{" 2209 9131 ", "", "not a 統一編號"},
		{"４５９５２５７", "04595257", ""},  // full-width, leading zero lost
		{"4595257", "04595257", ""},  // re-saved by Excel
		{"10458575", "10458575", ""}, // 7th digit 7, sum divisible by 5
		{"10458574", "10458574", ""}, // 7th digit 7, sum+1 divisible by 5
		{"10458573", "", "checksum"},
		{"22099132", "", "checksum"},
		{"", "", "empty"},
		{"123456789", "", "want 8 digits"},
		{"2209913A", "", "want 8 digits"},
		// The checksum holds, but no business has it: an empty cell read
		// as 0 passed for a 統編.
		{"00000000", "", "no business has it"},
		{"0", "", "no business has it"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseBan(tt.in)
			checkErr(t, err, tt.wantErr)
			if got != tt.want {
				t.Errorf("ParseBan(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// The 2023 rule keeps every number valid under the old divisor 10 valid.
func TestBanChecksumOldRuleStillValid(t *testing.T) {
	n := 0
	for i := 0; i < 100000000; i += 7919 {
		v := padZeros(itoa8(i), 8)
		sum := 0
		for k := 0; k < 8; k++ {
			p := int(v[k]-'0') * banWeights[k]
			sum += p/10 + p%10
		}
		if sum%10 == 0 || (v[6] == '7' && (sum+1)%10 == 0) {
			n++
			if !banChecksumOK(v) {
				t.Fatalf("%s is valid under the old rule but rejected", v)
			}
		}
	}
	if n == 0 {
		t.Fatal("no number valid under the old rule was tried")
	}
}

func itoa8(i int) string {
	var b [8]byte
	for k := 7; k >= 0; k-- {
		b[k] = byte('0' + i%10)
		i /= 10
	}
	return string(b[:])
}

func TestParseTrack(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{"ZK", "ZK", ""},
		{"zk", "ZK", ""},
		{" ＺＫ ", "ZK", ""},
		{"Z", "", "two letters"},
		{"ZK1", "", "two letters"},
		{"Z1", "", "two letters"},
		{"", "", "two letters"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTrack(tt.in)
			checkErr(t, err, tt.wantErr)
			if string(got) != tt.want {
				t.Errorf("ParseTrack(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{"37210312", "37210312", ""},
		{"00000050", "00000050", ""},
		{"50", "00000050", ""},
		{`="00000050"`, "00000050", ""},
		{"３７２１０３１２", "37210312", ""},
		{" 37210312 ", "37210312", ""},
		{"99999999", "99999999", ""},
		{"", "", "empty"},
		{"372103120", "", "want 8 digits"},
		{"3721O312", "", "want 8 digits"},
		{"-1", "", "want 8 digits"},
		{"4.25E+07", "", "scientific notation"},
		{"3.7210312e7", "", "scientific notation"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseNumber(tt.in)
			checkErr(t, err, tt.wantErr)
			if err == nil && got.String() != tt.want {
				t.Errorf("ParseNumber(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseInvoiceNumber(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{"ZK37210312", "ZK37210312", ""},
		{"zk37210312", "ZK37210312", ""},
		{"ZK-37210312", "ZK37210312", ""},
		{"ＺＫ３７２１０３１２", "ZK37210312", ""},
		{"ZK3721031", "", "2 letters and 8 digits"},
		{"37210312", "", "2 letters and 8 digits"},
		{"Z137210312", "", "2 letters and 8 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseInvoiceNumber(tt.in)
			checkErr(t, err, tt.wantErr)
			if err == nil && got.String() != tt.want {
				t.Errorf("ParseInvoiceNumber(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseInvoiceType(t *testing.T) {
	tests := []struct {
		in      string
		want    InvoiceType
		wantErr string
	}{
		{"7", TypeGeneral, ""},
		{"07", TypeGeneral, ""},
		{"一般稅額計算", TypeGeneral, ""},
		{"8", TypeSpecial, ""},
		{"08", TypeSpecial, ""},
		{" ０８ ", TypeSpecial, ""},
		{"特種稅額計算", TypeSpecial, ""},
		{"09", 0, "want 07"},
		{"", 0, "want 07"},
		{"7a", 0, "want 07"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseInvoiceType(tt.in)
			checkErr(t, err, tt.wantErr)
			if got != tt.want {
				t.Errorf("ParseInvoiceType(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	if TypeGeneral.String() != "07" || TypeSpecial.String() != "08" {
		t.Errorf("String: %s %s, want 07 08", TypeGeneral, TypeSpecial)
	}
}

func TestParsePeriod(t *testing.T) {
	p11410 := Period{Year: 114, EndMonth: 10}
	tests := []struct {
		in      string
		want    Period
		wantErr string
	}{
		{"114/09 ~ 114/10", p11410, ""},
		{"114/09~114/10", p11410, ""},
		{"114/9~114/10", p11410, ""},
		{"11410", p11410, ""},
		{"114年09-10月", p11410, ""},
		{"114年9~10月", p11410, ""},
		{"１１４／０９～１１４／１０", p11410, ""},
		{"110/11 ~ 110/12", Period{110, 12}, ""},
		{"107/01~107/02", Period{107, 2}, ""},
		{"11409", Period{}, "even"},
		{"11413", Period{}, "even"},
		{"114/10~114/11", Period{}, "odd month"},
		{"114/09~115/10", Period{}, "same ROC year"},
		{"114/11~114/12 ", Period{114, 12}, ""},
		{"2025/09~2025/10", Period{}, "unrecognised"},
		{"", Period{}, "unrecognised"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePeriod(tt.in)
			checkErr(t, err, tt.wantErr)
			if got != tt.want {
				t.Errorf("ParsePeriod(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestPeriodPrinting(t *testing.T) {
	p := Period{Year: 114, EndMonth: 10}
	if got := p.String(); got != "114/09~114/10" {
		t.Errorf("String = %q", got)
	}
	if got := p.Code(); got != "11410" {
		t.Errorf("Code = %q", got)
	}
	if got := (Period{Year: 99, EndMonth: 2}).Code(); got != "09902" {
		t.Errorf("Code of 99/02 = %q, want 09902", got)
	}
	if p.Next() != (Period{114, 12}) || (Period{114, 12}).Next() != (Period{115, 2}) {
		t.Error("Next is wrong")
	}
	if (Period{115, 2}).Previous() != (Period{114, 12}) || p.Previous() != (Period{114, 8}) {
		t.Error("Previous is wrong")
	}
}

func TestPeriodOf(t *testing.T) {
	tests := []struct {
		date string
		want Period
	}{
		{"2025-01-01", Period{114, 2}},
		{"2025-02-28", Period{114, 2}},
		{"2025-03-01", Period{114, 4}},
		{"2025-09-30", Period{114, 10}},
		{"2025-10-31", Period{114, 10}},
		{"2025-11-01", Period{114, 12}},
		{"2025-12-31", Period{114, 12}},
	}
	for _, tt := range tests {
		d, _ := time.Parse("2006-01-02", tt.date)
		if got := PeriodOf(d); got != tt.want {
			t.Errorf("PeriodOf(%s) = %v, want %v", tt.date, got, tt.want)
		}
		if !tt.want.Contains(d) || tt.want.Next().Contains(d) {
			t.Errorf("Contains(%s) is wrong", tt.date)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	tests := map[string]string{
		"ZK37210312":  "ZK37210312",
		" zk37210312": "ZK37210312",
		"ＺＫ３７２１":      "ZK3721",
		"\u3000ZK ":   "ZK",
		`="0050"`:     "0050",
		"":            "",
	}
	for in, want := range tests {
		if got := NormalizeCode(in); got != want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseStatus(t *testing.T) {
	tests := map[string]Status{
		"開立": StatusIssued, "已開立": StatusIssued, "開立已確認": StatusIssued, "": StatusIssued,
		"作廢": StatusVoided, "作廢已確認": StatusVoided, "Void": StatusVoided,
		"註銷": StatusNullified, "已註銷": StatusNullified,
		"未作廢": StatusIssued, "未註銷": StatusIssued,
	}
	for in, want := range tests {
		if got := ParseStatus(in); got != want {
			t.Errorf("ParseStatus(%q) = %v, want %v", in, got, want)
		}
	}
}

// Issue 5: statuses that say a number was not used counted as issued.
// UnusedStatus tells them; voided and nullified numbers are used.
func TestUnusedStatus(t *testing.T) {
	for _, s := range []string{"空白未使用", "未使用", "空白", "跳號", "取號未開立", "尚未開立", "空號", "預留", "待開立",
		"unused", "Unused", " BLANK ", "not used", "Not issued", "unissued", "skipped"} {
		if !UnusedStatus(s) {
			t.Errorf("UnusedStatus(%q) = false", s)
		}
	}
	// Review rv1, finding 5: the words were matched inside the cell, so
	// statuses that merely contain one were refused. The whole cell is
	// the word, trimmed of spaces and brackets; (空白) and (blank), the
	// labels Excel's filters and pivot tables give an empty cell, are an
	// empty status.
	for _, s := range []string{"【空白未使用】", "（未使用）", "[Unused]", "跳號。", "Ｂｌａｎｋ", "NOT-USED", "空白 未使用", "空白發票"} {
		if !UnusedStatus(s) {
			t.Errorf("UnusedStatus(%q) = false", s)
		}
	}
	for _, s := range []string{"", "開立", "已開立", "開立已確認", "作廢", "已作廢 2025/10/01 13:00", "註銷", "Void", "issued", "已使用", "正常", "未中獎", "已上傳",
		// /tmp/rv1/st_many.csv of review rv1
		"(空白)", "（空白）", "(blank)", "已開立(未列印)", "已作廢(空白發票)", "空白發票作廢", "Blanket order", "作廢-未開立折讓證明",
		"已開立,未使用載具", "Issued (not used carrier)", "Skipped upload", "Not issued to carrier", "Unissued refund",
		"未上傳", "開立未上傳", "Not uploaded", "Y", "N", "N/A", "--", "null", "作廢重開", "未確認", "待上傳", "上傳失敗",
		// Review rv3: a voided number was issued, whatever follows.
		"作廢(未使用)", "Void (unused)", "跳號3", "未使用載具", "blank order"} {
		if UnusedStatus(s) {
			t.Errorf("UnusedStatus(%q) = true", s)
		}
	}
	// Review rv3, finding 1: the whole-cell rule let these count as
	// issued, their numbers never reported blank, exit 0: a word for
	// "not used" with what was not used (發票, 號碼, 字軌, invoice) is
	// still that word.
	for _, s := range []string{"空白未使用發票", "未使用發票", "空白字軌", "空白發票號碼", "空白號碼", "跳號未使用", "未使用(空白)",
		"空白/未使用", "Unused invoice", "預留號碼", "未開立發票", "Blank invoice", "空白 (未使用)", "未使用invoice",
		"尚未開立", "空白未開立", "Not Used", "not-used", "UNUSED ", "unused.", "[未使用]", "（未使用）", "未使用　", "Not issued invoice no.",
		"未用", "空 白", "不使用", "保留", "未開", "Not yet issued", "Reserved", "空 白 未 使 用"} {
		if !UnusedStatus(s) {
			t.Errorf("UnusedStatus(%q) = false", s)
		}
	}
}

func TestAllocationValidate(t *testing.T) {
	base := Allocation{Ban: "53212539", Type: TypeGeneral, Period: Period{114, 10}, Track: "ZK"}
	tests := []struct {
		start, end Number
		wantErr    string
	}{
		{37210300, 37210499, ""},
		{37210350, 37210399, ""},
		{37210300, 37210349, ""},
		{37210301, 37210499, "must end in 00 or 50"},
		{37210300, 37210498, "must end in 49 or 99"},
		{37210400, 37210349, "after"},
	}
	for _, tt := range tests {
		a := base
		a.Start, a.End = tt.start, tt.end
		checkErr(t, a.Validate(), tt.wantErr)
	}
}

func TestCheckOverlaps(t *testing.T) {
	p := Period{114, 10}
	mk := func(track Track, s, e Number, row int) Allocation {
		return Allocation{Ban: "53212539", Type: TypeGeneral, Period: p, Track: track, Start: s, End: e, Pos: Pos{File: "a.csv", Row: row}}
	}
	ok := []Allocation{mk("ZK", 100, 199, 2), mk("ZK", 200, 299, 3), mk("ZL", 100, 199, 4)}
	if err := CheckOverlaps(ok); err != nil {
		t.Fatalf("adjacent allocations: %v", err)
	}
	other := mk("ZK", 100, 199, 5)
	other.Period = Period{114, 12}
	if err := CheckOverlaps(append(ok, other)); err != nil {
		t.Fatalf("same track in another period: %v", err)
	}
	// A long allocation overlapping two later ones is reported for both, and
	// each message names both rows.
	bad := []Allocation{mk("ZK", 0, 999, 2), mk("ZK", 100, 149, 3), mk("ZK", 500, 549, 4)}
	err := CheckOverlaps(bad)
	if err == nil {
		t.Fatal("overlap not found")
	}
	msg := err.Error()
	for _, want := range []string{"a.csv: row 3", "a.csv: row 2", "a.csv: row 4"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not name %s", msg, want)
		}
	}
	if n := strings.Count(msg, "overlaps"); n != 2 {
		t.Errorf("%d overlaps reported, want 2:\n%s", n, msg)
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Errorf("no error, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("error %q does not contain %q", err, want)
	}
}

func TestPeriodTiming(t *testing.T) {
	p := Period{Year: 114, EndMonth: 10} // Sep-Oct 2025, due by 2025-11-10
	day := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		today string
		want  Timing
		last  Period
	}{
		{"2025-09-01", Running, Period{114, 8}},
		{"2025-10-31", Running, Period{114, 8}},
		{"2025-11-01", Due, Period{114, 10}},
		{"2025-11-10", Due, Period{114, 10}},
		{"2025-11-11", Late, Period{114, 10}},
		{"2026-01-05", Late, Period{114, 12}},
	}
	for _, tt := range tests {
		if got := p.TimingOn(day(tt.today)); got != tt.want {
			t.Errorf("TimingOn(%s) = %v, want %v", tt.today, got, tt.want)
		}
		if got := LastPeriod(day(tt.today)); got != tt.last {
			t.Errorf("LastPeriod(%s) = %v, want %v", tt.today, got, tt.last)
		}
	}
	if d := (Period{114, 12}).Deadline(); d.Format("2006-01-02") != "2026-01-10" {
		t.Errorf("deadline of 114/11~114/12 = %s, want 2026-01-10", d.Format("2006-01-02"))
	}
	// A time late in the day in Taiwan is still that day.
	tw := time.FixedZone("CST", 8*3600)
	if got := p.TimingOn(time.Date(2025, 11, 10, 23, 59, 0, 0, tw)); got != Due {
		t.Errorf("23:59 on the 10th: %v, want Due", got)
	}
}

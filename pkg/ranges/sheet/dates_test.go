package sheet

import (
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	want := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in       string
		serials  bool
		date1904 bool
		want     time.Time
		wantErr  string
	}{
		{"2026-01-05", false, false, want, ""},
		{"2026/01/05", false, false, want, ""},
		{"2026/1/5", false, false, want, ""},
		{"2026/1/5 13:05", false, false, want, ""},
		{"2026-01-05T13:05:00", false, false, want, ""},
		{"2026/1/5 下午 01:05:00", false, false, want, ""},
		{"115/01/05", false, false, want, ""},
		{"115/1/5", false, false, want, ""},
		{"1150105", false, false, want, ""},
		{"20260105", false, false, want, ""},
		{"115年01月05日", false, false, want, ""},
		{"46027", true, false, want, ""},
		{"46027.5416666667", true, false, want, ""},
		{"44565", true, true, want, ""}, // 1904 date system
		{"1150105", true, false, want, ""},
		{"46027", false, false, time.Time{}, "not a date"},
		{"2026/02/30", false, false, time.Time{}, "no such day"},
		{"115/13/01", false, false, time.Time{}, "no such day"},
		{"yesterday", false, false, time.Time{}, "not a date"},
		{"01/05/2026", false, false, time.Time{}, "not a date"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in, tt.serials, tt.date1904)
			checkErr(t, err, tt.wantErr)
			if !got.Equal(tt.want) {
				t.Errorf("ParseDate(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
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

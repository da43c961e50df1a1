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
		// A weekday as reports print it is read, and must be the date's.
		{"115/01/05(一)", false, false, want, ""},
		{"115/01/05 （一）", false, false, want, ""},
		{"2026/01/05 (週一) 13:05", false, false, want, ""},
		{"2026/01/05 星期一", false, false, want, ""},
		{"2026-01-05 13:05 (Mon)", false, false, want, ""},
		{"115/01/05(二)", false, false, time.Time{}, "2026-01-05 is a Monday, not a Tuesday"},
		{"(一)", false, false, time.Time{}, "not a date"},
		{"2026/1/5 1:05 PM", false, false, want, ""},
		{"2026/1/5 上午 12:00:00", false, false, want, ""},
		{"2026/1/5 235959", false, false, want, ""},
		// A date-time with a zone is the day it is in Taiwan (UTC+8).
		{"2026-01-04T17:30:00Z", false, false, want, ""},
		{"2026-01-04T16:00:00.000Z", false, false, want, ""},
		{"2026-01-05T15:59:59Z", false, false, want, ""},
		{"2026-01-05T01:30:00+08:00", false, false, want, ""},
		{"2026-01-05T00:30:00+0900", false, false, time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC), ""},
		{"2026-01-04T11:30:00-05", false, false, want, ""},
		{"2026-01-04T15:59:59Z", false, false, time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC), ""},
		// A time that is not one is an error, no longer ignored.
		{"115/10/31 25:61:00", false, false, time.Time{}, "not a time of day"},
		{"2026/1/5 13:60", false, false, time.Time{}, "not a time of day"},
		{"2026/1/5 12:00:60", false, false, time.Time{}, "not a time of day"},
		{"2026/1/5 下午 13:05:00", false, false, time.Time{}, "not a time of day"},
		{"2026/1/5 13", false, false, time.Time{}, "not a time of day"},
		{"2026/1/5 noon", false, false, time.Time{}, "not a time of day"},
		{"2026-01-05T13:05:00+25:00", false, false, time.Time{}, "not a time of day"},
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

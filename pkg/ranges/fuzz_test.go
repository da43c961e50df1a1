package ranges

import (
	"testing"
)

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"37210312", "50", `="00000050"`, "３７２１０３１２", "4.25E+07", "", "-1", " 1 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNumber(s)
		if err != nil {
			return
		}
		if n > MaxNumber {
			t.Fatalf("ParseNumber(%q) = %d, beyond 8 digits", s, n)
		}
		back, err := ParseNumber(n.String())
		if err != nil || back != n || len(n.String()) != 8 {
			t.Fatalf("round trip of %q: %q -> %v, %v", s, n.String(), back, err)
		}
	})
}

func FuzzParseInvoiceNumber(f *testing.F) {
	for _, s := range []string{"ZK37210312", "zk-37210312", "ＺＫ３７２１０３１２", "ZK3721031", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in, err := ParseInvoiceNumber(s)
		if err != nil {
			return
		}
		back, err := ParseInvoiceNumber(in.String())
		if err != nil || back != in || len(in.String()) != 10 {
			t.Fatalf("round trip of %q: %q -> %v, %v", s, in, back, err)
		}
	})
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"114/09 ~ 114/10", "114/09~114/10", "11410", "114年09-10月", "11409", "999/11~999/12", "0/1~0/2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			return
		}
		if p.EndMonth < 2 || p.EndMonth > 12 || p.EndMonth%2 != 0 || p.Year < 1 {
			t.Fatalf("ParsePeriod(%q) = %+v: not a period", s, p)
		}
		for _, form := range []string{p.String(), p.Code()} {
			if q, err := ParsePeriod(form); err != nil || q != p {
				t.Fatalf("%q printed as %q parses to %v, %v", s, form, q, err)
			}
		}
	})
}

func FuzzParseBan(f *testing.F) {
	for _, s := range []string{"04595257", "4595257", "22099131", "10458574", "12345678", "", "０４５９５２５７"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBan(s)
		if err != nil {
			return
		}
		if len(b) != 8 || !AllDigits(string(b)) || !banChecksumOK(string(b)) {
			t.Fatalf("ParseBan(%q) = %q: not a valid 統一編號", s, b)
		}
		if again, err := ParseBan(string(b)); err != nil || again != b {
			t.Fatalf("ParseBan(%q) is not stable: %q, %v", b, again, err)
		}
	})
}

package job

import "testing"

// Paths in a config work on both systems, whichever wrote the config.
func TestResolvePath(t *testing.T) {
	tests := []struct {
		goos, dir, p, want string
		bad                bool
	}{
		{goos: "linux", dir: "examples/branches", p: "alloc/a.csv", want: "examples/branches/alloc/a.csv"},
		{goos: "linux", dir: "examples/branches", p: `alloc\a.csv`, want: "examples/branches/alloc/a.csv"},
		{goos: "linux", dir: "cfg", p: `invoices\taipei\*.csv`, want: "cfg/invoices/taipei/*.csv"},
		{goos: "linux", dir: "cfg", p: "/srv/pos/x.csv", want: "/srv/pos/x.csv"},
		{goos: "linux", dir: "cfg", p: "../shared/a.csv", want: "shared/a.csv"},
		{goos: "linux", dir: ".", p: "a.csv", want: "a.csv"},
		{goos: "linux", dir: "cfg", p: `C:\POS\x.csv`, bad: true},
		{goos: "linux", dir: "cfg", p: `\\server\share\x.csv`, bad: true},
		{goos: "windows", dir: `C:\月結\設定`, p: `alloc\a.csv`, want: `C:\月結\設定\alloc\a.csv`},
		{goos: "windows", dir: `C:\月結\設定`, p: "alloc/a.csv", want: `C:\月結\設定\alloc\a.csv`},
		{goos: "windows", dir: `C:\月結\設定`, p: `..\發票\*.csv`, want: `C:\月結\發票\*.csv`},
		{goos: "windows", dir: `C:\cfg`, p: `D:\POS\x.csv`, want: `D:\POS\x.csv`},
		{goos: "windows", dir: `C:\cfg`, p: "d:/pos/x.csv", want: `d:\pos\x.csv`},
		{goos: "windows", dir: `C:\cfg`, p: `\\server\share\pos\x.csv`, want: `\\server\share\pos\x.csv`},
		{goos: "windows", dir: `\\server\share\cfg`, p: `a.csv`, want: `\\server\share\cfg\a.csv`},
		{goos: "windows", dir: `cfg`, p: `a.csv`, want: `cfg\a.csv`},
		{goos: "windows", dir: `.`, p: `a.csv`, want: `a.csv`},
		{goos: "windows", dir: `C:\cfg`, p: `C:x.csv`, bad: true},
	}
	for _, tt := range tests {
		got, err := resolvePath(tt.dir, tt.p, tt.goos)
		if tt.bad {
			if err == nil {
				t.Errorf("%s: resolvePath(%q, %q) = %q, want an error", tt.goos, tt.dir, tt.p, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: resolvePath(%q, %q) = %q, %v; want %q", tt.goos, tt.dir, tt.p, got, err, tt.want)
		}
	}
}

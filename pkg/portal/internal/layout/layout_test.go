package layout

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "layout.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefault(t *testing.T) {
	d := Default()
	if d.Origins.API != "https://service-m.einvoice.nat.gov.tw" || d.Login.Body.User != "customId" || d.Paging.FirstPage != 0 {
		t.Errorf("built-in layout: %+v", d.Origins)
	}
	// Every key of the built-in file is a field: Default would panic
	// otherwise; and a copy is independent of the next one.
	d.Blank.Query = "/changed"
	if Default().Blank.Query == "/changed" {
		t.Error("Default returns a shared table")
	}
}

// A user's file changes only the keys it names.
func TestLoadOverlays(t *testing.T) {
	p := write(t, "[blank]\nquery = \"/btb/invoice/api/btb006w/blank\"\nimport_format = \"e0402\"\n[blank.record]\nbegin = \"invoiceBeginNo\"\n")
	l, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if l.Blank.Query != "/btb/invoice/api/btb006w/blank" || l.Blank.ImportFormat != FormatE0402 || l.Blank.Record.Begin != "invoiceBeginNo" {
		t.Errorf("overlaid: %+v", l.Blank)
	}
	if l.Blank.Record.End != "invEndNo" || l.Origins.WWW != "https://www.einvoice.nat.gov.tw" {
		t.Error("keys the file leaves out lost their built-in values")
	}
}

func TestLoadErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"[blank]\nqeury = \"/x\"\n", "layout.toml:2: blank.qeury: unknown key"},
		{"[origins]\nwww = \"http://www.einvoice.nat.gov.tw\"\n", "layout.toml:2: origins.www: \"http://www.einvoice.nat.gov.tw\": only https"},
		{"[origins]\napi = \"https://service-m.einvoice.nat.gov.tw/btb\"\n", "origins.api: \"https://service-m.einvoice.nat.gov.tw/btb\": want https://host"},
		{"[blank]\n\nquery = \"https://evil.example/x\"\n", "layout.toml:3: blank.query: \"https://evil.example/x\": want a path"},
		{"[blank]\nimport_format = \"xlsx\"\n", "blank.import_format: \"xlsx\": want \"csv\" or \"e0402\""},
		{"[paging]\npage_size = 0\n", "paging.page_size: 0: want 1 to 1000"},
		{"[blank.record]\nban = \"\"\n", "layout.toml:2: blank.record.ban: empty"},
		{"[blank.upload]\nstatus_failed = [\"2\"]\n", "blank.upload.status_failed: \"2\" is also in status_done"},
		{"[blank\nquery = 1", "layout.toml:2: expected"},
	} {
		_, err := Load(write(t, c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.text, err, c.want)
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.toml")); err == nil {
		t.Error("a missing file: no error")
	}
}

func TestLoopbackOriginsOnlyOverHTTP(t *testing.T) {
	for o, ok := range map[string]bool{
		"https://www.einvoice.nat.gov.tw": true, "http://127.0.0.1:8089": true, "http://localhost:1": true, "http://[::1]:2": true,
		"http://192.168.1.10": false, "ftp://example.org": false, "https://user@host": false, "https://host?x=1": false,
	} {
		if err := CheckOrigin(o); (err == nil) != ok {
			t.Errorf("%s: %v", o, err)
		}
	}
}

// The simulator writes its layout with Encode; Load reads it back.
func TestEncodeRoundTrip(t *testing.T) {
	l := Default().WithOrigins("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3")
	var b strings.Builder
	if err := l.Encode(&b); err != nil {
		t.Fatal(err)
	}
	back, err := Load(write(t, b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if back.Origins != l.Origins || back.Blank.Upload.Token != "token" {
		t.Errorf("round trip: %+v", back.Origins)
	}
}

package job

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/importfile"
)

// exampleResult runs the shipped many-branch example.
func exampleResult(t *testing.T) *Result {
	t.Helper()
	cfg, err := LoadConfig("../../../examples/branches/blanktrack.toml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), cfg.Spec(time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// bulkRanges lists the ranges of the run's bulk files as the page writes
// them: "07 TA10000075–TA10000075".
func bulkRanges(t *testing.T, res *Result) []string {
	t.Helper()
	var out []string
	for _, f := range res.Files() {
		if !strings.HasSuffix(f.Name, ".csv") {
			continue
		}
		rows, fs := importfile.ReadBulk(bytes.NewReader(f.Data), f.Name)
		if len(fs) > 0 {
			t.Fatal(fs[0])
		}
		for _, r := range rows {
			out = append(out, fmt.Sprintf("%s %s%s–%s%s", r.Type, r.Track, r.Start, r.Track, r.End))
		}
	}
	slices.Sort(out)
	return out
}

var reRangeDiv = regexp.MustCompile(`<div class="range">([^<]*)</div>`)

func pageRanges(page []byte) []string {
	var out []string
	for _, m := range reRangeDiv.FindAllSubmatch(page, -1) {
		out = append(out, string(m[1]))
	}
	slices.Sort(out)
	return out
}

// The page is self-contained (no script, nothing fetched), deterministic,
// and lists exactly the ranges of the bulk files.
func TestHTMLReport(t *testing.T) {
	res := exampleResult(t)
	info := ReportInfo{Tool: "blanktrack test", Inputs: []FileHash{{Name: "<a>&.csv", Size: 3, SHA256: "ab"}}}
	page, err := res.HTML(info)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := res.HTML(info)
	if !bytes.Equal(page, again) {
		t.Error("two renderings of one result differ")
	}
	for _, bad := range []string{"<script", "http://", "https://", "<link", "@import", "url("} {
		if bytes.Contains(page, []byte(bad)) {
			t.Errorf("the page holds %q: it must need no network and no script", bad)
		}
	}
	if !bytes.Contains(page, []byte("&lt;a&gt;&amp;.csv")) {
		t.Error("a file name is not escaped")
	}
	if got, want := pageRanges(page), bulkRanges(t, res); !slices.Equal(got, want) {
		t.Errorf("page ranges %v\nbulk ranges %v", got, want)
	}
	for _, s := range []string{"115/09~115/10", "2026-11-10", "高雄門市", "register-2.csv"} {
		if !bytes.Contains(page, []byte(s)) {
			t.Errorf("the page does not show %s", s)
		}
	}
}

// browser finds a Chromium or Chrome to render pages with. Without one
// the browser tests skip, except under CI, where they must run.
func browser(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium or Chrome found, and CI must run the browser tests: install Debian's chromium")
	}
	t.Skip("no Chromium or Chrome here: install one to run the browser tests")
	return ""
}

func headless(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}
	out, err := exec.CommandContext(ctx, bin, append(base, args...)...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", bin, args, err)
	}
	return out
}

// In a real browser the page renders with the bulk files' ranges and
// prints on at most two A4 pages.
func TestHTMLReportInBrowser(t *testing.T) {
	bin := browser(t)
	res := exampleResult(t)
	page, err := res.HTML(ReportInfo{Tool: "blanktrack test"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	dom := headless(t, bin, "--dump-dom", "file://"+file)
	if got, want := pageRanges(dom), bulkRanges(t, res); !slices.Equal(got, want) {
		t.Errorf("rendered ranges %v\nbulk ranges %v", got, want)
	}
	pdf := filepath.Join(dir, "report.pdf")
	headless(t, bin, "--no-pdf-header-footer", "--print-to-pdf="+pdf, "file://"+file)
	data, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(data, -1))
	if pages < 1 || pages > 2 {
		t.Errorf("the report prints on %d A4 pages, want one or two", pages)
	}
}

package portal_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/portal/portalsim"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// needBrowser returns the browser for the tests that run one: they skip
// without one, except under CI, where a missing browser is a failure.
func needBrowser(t *testing.T) string {
	t.Helper()
	path, err := portal.FindBrowser()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and %v: .ci/run installs Debian's chromium", err)
		}
		t.Skipf("%v: the browser tests need one (CI installs Debian's chromium)", err)
	}
	return path
}

func browserOptions(t *testing.T, sim *portalsim.Simulator, ban ranges.Ban, user string, cc *captchas) portal.Options {
	o := options(sim, ban, user, secret, cc)
	o.Mode = portal.ModeBrowser
	o.Browser = portal.BrowserOptions{Path: needBrowser(t), Headless: true, LoginWait: 30 * time.Second}
	return o
}

// Behind the gate, in a headless browser: the login with its captcha, a
// bulk file uploaded, 上傳列表 watched, 查詢 verified; the session
// expiring in the middle costs one more captcha.
func TestBrowserUploadBehindTheGate(t *testing.T) {
	sim := startSim(t, portalsim.Options{Gate: true, Delay: 100 * time.Millisecond})
	cc := &captchas{}
	var log []string
	o := browserOptions(t, sim, "53212539", "head", cc)
	o.Log = func(s string) { log = append(log, s) }
	cl := newClient(t, o)
	ctx := context.Background()
	start := time.Now()
	if err := cl.Login(ctx); err != nil {
		t.Fatalf("login: %v\n%q", err, log)
	}
	t.Logf("browser login in %s", time.Since(start))
	files := map[string][]ranges.BlankRange{"a.csv": {rng("53212539", "AA", 0, 49)}, "b.csv": {rng("24549210", "AB", 100, 149)}}
	plan, err := cl.PlanUpload(ctx, period, files, nil)
	if err != nil {
		t.Fatal(err)
	}
	sim.ExpireSessions()
	if err := cl.Execute(ctx, plan, fastWait, nil); err != nil {
		t.Fatal(err)
	}
	if !plan.AllOnRecord() || cc.n.Load() != 2 {
		t.Errorf("%s with %d captchas; want all on record with 2", plan.Describe(), cc.n.Load())
	}
	t.Logf("whole run %s", time.Since(start))
}

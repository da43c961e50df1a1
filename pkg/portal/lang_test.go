package portal_test

import (
	"context"
	"strings"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/portal/portalsim"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// A client with a Chinese printer logs in Chinese, and a plan prints in
// Chinese: headings, states, the reasons it gives, the summary; the
// portal's data (統編, 字軌, numbers) as in English.
func TestPlanAndLogInChinese(t *testing.T) {
	sim := startSim(t, portalsim.Options{})
	sim.AddRecord(portal.Record{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZK", Start: 150, End: 160})
	sim.AddRecord(portal.Record{Ban: "83012410", Type: ranges.TypeGeneral, Period: period, Track: "ZN", Start: 0, End: 9})
	zh := msg.NewPrinter(msg.Chinese)
	o := options(sim, "83012410", "shop", secret, nil)
	var logs []string
	o.Log, o.Printer = func(s string) { logs = append(logs, s) }, zh
	cl := newClient(t, o)
	plan, err := cl.PlanUpload(context.Background(), period, map[string][]ranges.BlankRange{
		"f.csv": {rng("83012410", "ZK", 100, 199), rng("83012410", "ZN", 0, 9)},
		"g.csv": {rng("22099131", "ZP", 0, 9)},
		"h.csv": {rng("83012410", "ZQ", 0, 49)},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Pending() != 1 || plan.Blocked() != 2 {
		t.Errorf("%d pending, %d blocked; want 1 (h.csv) and 2 (a conflict, a 統編 not authorized)", plan.Pending(), plan.Blocked())
	}
	if !strings.Contains(strings.Join(logs, "\n"), "已登入：統一編號 83012410，帳號 shop") {
		t.Errorf("the log is not in Chinese: %q", logs)
	}

	var b strings.Builder
	if err := plan.WriteTable(&b, zh); err != nil {
		t.Fatal(err)
	}
	table := b.String()
	for _, want := range []string{
		"檔案   統一編號  類別  區段                 狀態\n",
		"ZK00000100-00000199  衝突：與平台上的 83012410 07 ZK00000150-00000160 重疊\n",
		"ZN00000000-00000009  已在平台上\n",
		"ZP00000000-00000009  未授權：登入的 83012410 無權代理 22099131（btb002i/company/authorized 列出的是 83012410）\n",
		"ZQ00000000-00000049  待上傳\n",
		"（待上傳 1 段、已在平台上 1 段、衝突 1 段、未授權 1 段）\n",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("the Chinese table lacks %q:\n%s", want, table)
		}
	}
	b.Reset()
	if err := plan.WriteTable(&b, nil); err != nil {
		t.Fatal(err)
	}
	if en := b.String(); !strings.HasPrefix(en, "FILE   BAN       TYPE  RANGE                STATE\n") ||
		!strings.Contains(en, "conflict: overlaps 83012410 07 ZK00000150-00000160 on record\n") ||
		!strings.HasSuffix(en, "(1 to upload, 1 already on record, 1 conflict, 1 not authorized)\n") {
		t.Errorf("the English table:\n%s", en)
	}

	// An error prints in Chinese, and shows no secret in either language.
	bad := newClient(t, options(sim, "83012410", "shop", "wrong-"+secret, nil))
	err = bad.Login(context.Background())
	if got := zh.Localize(err); !strings.HasPrefix(got, "登入遭拒：統一編號 83012410，帳號 shop：平台回覆 ") || strings.Contains(got, secret) || strings.Contains(err.Error(), secret) {
		t.Errorf("a refused login: %q (%v)", got, err)
	}
}

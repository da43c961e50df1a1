package portal_test

import (
	"reflect"
	"testing"

	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// The head office's login uploads its own file and those of the branches
// without a 帳號; a branch with its own 帳號 logs in on its own; a branch
// without files needs no login.
func TestPlanLogins(t *testing.T) {
	branches := []portal.Branch{
		{Ban: "24549210", Name: "台北門市", Files: []string{"b.csv"}},
		{Ban: "53212539", Name: "總公司", User: "head", PasswordEnv: "HEAD_PW", Files: []string{"a.csv", "a_part2.csv"}},
		{Ban: "83012410", Name: "加盟店", User: "shop", PasswordEnv: "SHOP_PW", Files: []string{"c.csv"}},
		{Ban: "04595257", Name: "高雄門市"},
	}
	logins, orphans := portal.PlanLogins("53212539", branches)
	want := []portal.LoginPlan{
		{Ban: "53212539", Name: "總公司", User: "head", PasswordEnv: "HEAD_PW", Head: "53212539",
			Bans: []ranges.Ban{"24549210", "53212539"}, Files: []string{"b.csv", "a.csv", "a_part2.csv"}},
		{Ban: "83012410", Name: "加盟店", User: "shop", PasswordEnv: "SHOP_PW", Head: "53212539",
			Bans: []ranges.Ban{"83012410"}, Files: []string{"c.csv"}},
	}
	if !reflect.DeepEqual(logins, want) || len(orphans) != 0 {
		t.Errorf("logins %+v, orphans %v", logins, orphans)
	}
	if got := logins[0].Label().String(); got != "53212539 (總公司)" {
		t.Errorf("label %q", got)
	}

	// Without the head office's 帳號, a branch without its own cannot be
	// uploaded: it is named, the others still are.
	branches[1].User = ""
	logins, orphans = portal.PlanLogins("53212539", branches)
	if len(logins) != 1 || logins[0].Ban != "83012410" || !reflect.DeepEqual(orphans, []int{0, 1}) {
		t.Errorf("without a head office login: logins %+v, orphans %v", logins, orphans)
	}
}

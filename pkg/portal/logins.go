package portal

import (
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// Branch is a business of a many-branch upload, as PlanLogins needs it.
type Branch struct {
	Ban         ranges.Ban
	Name        string   // its name, for messages
	User        string   // its own 帳號; "": the head office's login acts for it
	PasswordEnv string   // where its password is kept (an environment variable), passed on
	Files       []string // its bulk files; none: nothing to upload
}

// Label names the branch in messages: "name (統編)".
func (b Branch) Label() msg.Message { return msg.T("branch %s (%s)", b.Name, b.Ban) }

// LoginPlan is one login and the files it uploads: a head office's login
// uploads its branches' files too.
type LoginPlan struct {
	Ban         ranges.Ban // the 統編 logged in with
	Name        string     // the name of its branch; "" for none
	User        string     // 帳號
	PasswordEnv string
	Head        ranges.Ban   // the head office: HeadBan of E0402 imports
	Bans        []ranges.Ban // the 統編 whose files it uploads, in order
	Files       []string
}

// Label names the login in messages: "統編 (name)", or the 統編.
func (l LoginPlan) Label() msg.Message {
	if l.Name == "" {
		return msg.T("%s", l.Ban)
	}
	return msg.T("%s (%s)", l.Ban, l.Name)
}

// PlanLogins groups the branches of head (the head office's 統一編號) by
// login, so that each login, and each captcha, is asked for once. A branch
// with its own 帳號 logs in on its own; the others are uploaded by the
// head office's login (the branch of head, with a 帳號), which acts for
// them. Branches without files are left out. The head office's login comes
// first, then the others in the branches' order. orphans are the indexes
// of the branches with files that no login can upload: no 帳號 of their
// own, and no login of the head office to act for them.
func PlanLogins(head ranges.Ban, branches []Branch) (logins []LoginPlan, orphans []int) {
	var headLogin *LoginPlan
	for _, b := range branches {
		if b.Ban == head && b.User != "" {
			headLogin = &LoginPlan{Ban: b.Ban, Name: b.Name, User: b.User, PasswordEnv: b.PasswordEnv, Head: head}
		}
	}
	var own []LoginPlan
	for i, b := range branches {
		if len(b.Files) == 0 {
			continue
		}
		var l *LoginPlan
		switch {
		case headLogin != nil && (b.User == "" || b.Ban == headLogin.Ban):
			l = headLogin
		case b.User != "":
			own = append(own, LoginPlan{Ban: b.Ban, Name: b.Name, User: b.User, PasswordEnv: b.PasswordEnv, Head: head})
			l = &own[len(own)-1]
		default:
			orphans = append(orphans, i)
			continue
		}
		l.Bans = append(l.Bans, b.Ban)
		l.Files = append(l.Files, b.Files...)
	}
	if headLogin != nil && len(headLogin.Files) > 0 {
		logins = append(logins, *headLogin)
	}
	return append(logins, own...), orphans
}

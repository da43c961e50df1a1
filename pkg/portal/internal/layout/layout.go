// Package layout is the one table of everything blanktrack knows of the
// e-invoice portal: its origins, paths, JSON field names, status codes and
// page size. The client and the simulator both read it, so that a change of
// the real portal is an edit of one file (default.toml, or a user's copy
// given with --layout) and not a new build.
package layout

import (
	_ "embed"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// DefaultText is the built-in layout, with its comments marking which names
// were found on the live portal and which are unconfirmed.
//
//go:embed default.toml
var DefaultText string

// Table is a layout. Field tags name the TOML keys; the simulator's web
// app reads the same names as JSON.
type Table struct {
	Origins   Origins   `toml:"origins" json:"origins"`
	Login     Login     `toml:"login" json:"login"`
	Session   Session   `toml:"session" json:"session"`
	Challenge Challenge `toml:"challenge" json:"challenge"`
	Company   Company   `toml:"company" json:"company"`
	Paging    Paging    `toml:"paging" json:"paging"`
	Blank     Blank     `toml:"blank" json:"blank"`
}

// Origins are the portal's three hosts: scheme, host and port, no path.
type Origins struct {
	WWW   string `toml:"www" json:"www"`
	Login string `toml:"login" json:"login"`
	API   string `toml:"api" json:"api"`
}

// Login is the business login.
type Login struct {
	Start          string    `toml:"start" json:"start"`
	Proxy          string    `toml:"proxy" json:"proxy"`
	Page           string    `toml:"page" json:"page"`
	ChallengeParam string    `toml:"challenge_param" json:"challengeParam"`
	BusinessTab    string    `toml:"business_tab" json:"businessTab"`
	Captcha        string    `toml:"captcha" json:"captcha"`
	CaptchaToken   string    `toml:"captcha_token" json:"captchaToken"`
	CaptchaImage   string    `toml:"captcha_image" json:"captchaImage"`
	DoLogin        string    `toml:"do_login" json:"doLogin"`
	LoginType      string    `toml:"login_type" json:"loginType"`
	UserType       string    `toml:"user_type" json:"userType"`
	RedirectTo     string    `toml:"redirect_to" json:"redirectTo"`
	Body           LoginBody `toml:"body" json:"body"`
	Form           LoginForm `toml:"form" json:"form"`
}

// LoginBody names the fields of doLogin's JSON body.
type LoginBody struct {
	LoginType    string `toml:"login_type" json:"loginType"`
	UserType     string `toml:"user_type" json:"userType"`
	Challenge    string `toml:"challenge" json:"challenge"`
	Ban          string `toml:"ban" json:"ban"`
	User         string `toml:"user" json:"user"`
	Password     string `toml:"password" json:"password"`
	CaptchaToken string `toml:"captcha_token" json:"captchaToken"`
	Captcha      string `toml:"captcha" json:"captcha"`
}

// LoginForm holds CSS selectors of the login page's form.
type LoginForm struct {
	Ban          string `toml:"ban" json:"ban"`
	User         string `toml:"user" json:"user"`
	Password     string `toml:"password" json:"password"`
	Captcha      string `toml:"captcha" json:"captcha"`
	CaptchaImage string `toml:"captcha_image" json:"captchaImage"`
	Submit       string `toml:"submit" json:"submit"`
}

// Session is how a logged-in session is kept and how it ends.
type Session struct {
	TokenStorage   string `toml:"token_storage" json:"tokenStorage"`
	Cookie         string `toml:"cookie" json:"cookie"`
	ErrorField     string `toml:"error_field" json:"errorField"`
	Expired        string `toml:"expired" json:"expired"`
	CaptchaRefused string `toml:"captcha_refused" json:"captchaRefused"`
}

// Challenge is how a Cloudflare interstitial shows.
type Challenge struct {
	Header          string   `toml:"header" json:"header"`
	HeaderValue     string   `toml:"header_value" json:"headerValue"`
	Markers         []string `toml:"markers" json:"markers"`
	ClearanceCookie string   `toml:"clearance_cookie" json:"clearanceCookie"`
}

// Company is the list of companies a login may act for.
type Company struct {
	Authorized string `toml:"authorized" json:"authorized"`
	Ban        string `toml:"ban" json:"ban"`
	Name       string `toml:"name" json:"name"`
	Closed     string `toml:"closed" json:"closed"`
}

// Paging is the Spring page convention of the API.
type Paging struct {
	Page          string `toml:"page" json:"page"`
	Size          string `toml:"size" json:"size"`
	FirstPage     int    `toml:"first_page" json:"firstPage"`
	Content       string `toml:"content" json:"content"`
	TotalElements string `toml:"total_elements" json:"totalElements"`
	TotalPages    string `toml:"total_pages" json:"totalPages"`
	PageSize      int    `toml:"page_size" json:"pageSize"`
}

// Blank is the screen 上傳空白未使用發票號碼作業.
type Blank struct {
	Screen       string       `toml:"screen" json:"screen"`
	Periods      string       `toml:"periods" json:"periods"`
	PeriodValue  string       `toml:"period_value" json:"periodValue"`
	Query        string       `toml:"query" json:"query"`
	Add          string       `toml:"add" json:"add"`
	Delete       string       `toml:"delete" json:"delete"`
	Import       string       `toml:"import" json:"import"`
	Uploads      string       `toml:"uploads" json:"uploads"`
	UploadRows   string       `toml:"upload_rows" json:"uploadRows"`
	Template     string       `toml:"template" json:"template"`
	PeriodParam  string       `toml:"period_param" json:"periodParam"`
	BanParam     string       `toml:"ban_param" json:"banParam"`
	IDParam      string       `toml:"id_param" json:"idParam"`
	ImportFile   string       `toml:"import_file" json:"importFile"`
	ImportPeriod string       `toml:"import_period" json:"importPeriod"`
	ImportID     string       `toml:"import_id" json:"importId"`
	ImportFormat string       `toml:"import_format" json:"importFormat"`
	Record       RecordFields `toml:"record" json:"record"`
	Upload       UploadFields `toml:"upload" json:"upload"`
	Row          RowFields    `toml:"row" json:"row"`
}

// RecordFields name the fields of a 查詢 row.
type RecordFields struct {
	ID     string `toml:"id" json:"id"`
	Ban    string `toml:"ban" json:"ban"`
	Type   string `toml:"type" json:"type"`
	Period string `toml:"period" json:"period"`
	Track  string `toml:"track" json:"track"`
	Begin  string `toml:"begin" json:"begin"`
	End    string `toml:"end" json:"end"`
}

// UploadFields name the fields of a 上傳列表 row and its status codes.
type UploadFields struct {
	Token        string   `toml:"token" json:"token"`
	ID           string   `toml:"id" json:"id"`
	FileName     string   `toml:"file_name" json:"fileName"`
	Status       string   `toml:"status" json:"status"`
	OKCount      string   `toml:"ok_count" json:"okCount"`
	FailedCount  string   `toml:"failed_count" json:"failedCount"`
	Message      string   `toml:"message" json:"message"`
	Date         string   `toml:"date" json:"date"` // when it was sent; "": not read
	StatusDone   []string `toml:"status_done" json:"statusDone"`
	StatusFailed []string `toml:"status_failed" json:"statusFailed"`
	// StatusProcessing: the codes of an import not processed yet. Any
	// other code is one the layout does not know: taken as not processed
	// yet, and said so.
	StatusProcessing []string `toml:"status_processing" json:"statusProcessing"`
}

// RowFields name the fields of one row of an import's result.
type RowFields struct {
	Seq     string `toml:"seq" json:"seq"`
	Ban     string `toml:"ban" json:"ban"`
	Type    string `toml:"type" json:"type"`
	Track   string `toml:"track" json:"track"`
	Begin   string `toml:"begin" json:"begin"`
	End     string `toml:"end" json:"end"`
	Result  string `toml:"result" json:"result"`
	OKValue string `toml:"ok_value" json:"okValue"`
	Reason  string `toml:"reason" json:"reason"`
}

// Import formats.
const (
	FormatCSV   = "csv"
	FormatE0402 = "e0402"
)

// Default returns the built-in layout.
func Default() *Table {
	t, err := parse(DefaultText, "default.toml", &Table{})
	if err != nil {
		panic("layout: the built-in table: " + err.Error())
	}
	return t
}

// maxFile bounds a layout file: it is a few kilobytes.
const maxFile = 1 << 20

// Load reads a layout file over the built-in table: keys it leaves out keep
// their built-in values. Unknown keys and invalid values are errors naming
// the file, the line and the key.
func Load(name string) (*Table, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, msg.Errorf("%s: %w", name, err)
	}
	if len(data) > maxFile {
		return nil, msg.Errorf("%s: over %d bytes: not a layout file", name, maxFile)
	}
	return parse(string(data), name, Default())
}

func parse(text, name string, base *Table) (*Table, error) {
	t := base
	md, err := toml.Decode(text, t)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, msg.Errorf("%s:%d: %s", name, pe.Position.Line, pe.Message)
		}
		return nil, msg.Errorf("%s: %w", name, err)
	}
	var errs fileErrors
	for _, k := range md.Undecoded() {
		errs = append(errs, msg.Errorf("%s:%d: %s: unknown key", name, lineOf(text, k), k))
	}
	for _, p := range t.problems() {
		errs = append(errs, msg.Errorf("%s:%d: %s: %v", name, lineOf(text, toml.Key(strings.Split(p.key, "."))), p.key, p.why))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return t, nil
}

// fileErrors are a layout file's problems, one a line, in English or in a
// printer's language.
type fileErrors []error

func (e fileErrors) Error() string   { return e.Localize(nil) }
func (e fileErrors) Unwrap() []error { return e }

func (e fileErrors) Localize(p *msg.Printer) string {
	lines := make([]string, len(e))
	for i, err := range e {
		lines[i] = p.Localize(err)
	}
	return strings.Join(lines, "\n")
}

// lineOf finds the line of a key in a file written one key a line; 0 when
// the key is not in the file (a built-in value).
func lineOf(text string, k toml.Key) int {
	table, want := "", strings.Join(k[:len(k)-1], ".")
	for i, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "[") {
			table = strings.Trim(strings.SplitN(l, "]", 2)[0], "[ ")
			continue
		}
		name, _, ok := strings.Cut(l, "=")
		if ok && table == want && strings.TrimSpace(name) == k[len(k)-1] {
			return i + 1
		}
	}
	return 0
}

// problem is a key's invalid value and why: a msg.Message or an error.
type problem struct {
	key string
	why any
}

func (t *Table) problems() []problem {
	var ps []problem
	for key, o := range map[string]string{"origins.www": t.Origins.WWW, "origins.login": t.Origins.Login, "origins.api": t.Origins.API} {
		if err := CheckOrigin(o); err != nil {
			ps = append(ps, problem{key, err})
		}
	}
	paths := map[string]string{
		"login.start": t.Login.Start, "login.proxy": t.Login.Proxy, "login.page": t.Login.Page,
		"login.captcha": t.Login.Captcha, "login.do_login": t.Login.DoLogin,
		"company.authorized": t.Company.Authorized,
		"blank.screen":       t.Blank.Screen, "blank.periods": t.Blank.Periods, "blank.query": t.Blank.Query,
		"blank.add": t.Blank.Add, "blank.delete": t.Blank.Delete, "blank.import": t.Blank.Import,
		"blank.uploads": t.Blank.Uploads, "blank.upload_rows": t.Blank.UploadRows, "blank.template": t.Blank.Template,
	}
	for key, p := range paths {
		if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "?#\\ ") {
			ps = append(ps, problem{key, msg.T("%q: want a path such as /btb/invoice/api/..., without host or query", p)})
		}
	}
	names := map[string]string{
		"login.challenge_param": t.Login.ChallengeParam, "login.captcha_token": t.Login.CaptchaToken,
		"login.captcha_image": t.Login.CaptchaImage, "login.redirect_to": t.Login.RedirectTo,
		"login.body.ban": t.Login.Body.Ban, "login.body.user": t.Login.Body.User, "login.body.password": t.Login.Body.Password,
		"login.body.captcha": t.Login.Body.Captcha, "login.body.captcha_token": t.Login.Body.CaptchaToken,
		"login.form.ban": t.Login.Form.Ban, "login.form.user": t.Login.Form.User, "login.form.password": t.Login.Form.Password,
		"login.form.captcha": t.Login.Form.Captcha, "login.form.submit": t.Login.Form.Submit,
		"session.token_storage": t.Session.TokenStorage, "session.error_field": t.Session.ErrorField,
		"company.ban": t.Company.Ban, "paging.page": t.Paging.Page, "paging.size": t.Paging.Size,
		"paging.content": t.Paging.Content, "paging.total_elements": t.Paging.TotalElements, "paging.total_pages": t.Paging.TotalPages,
		"blank.period_value": t.Blank.PeriodValue, "blank.period_param": t.Blank.PeriodParam, "blank.id_param": t.Blank.IDParam,
		"blank.import_file": t.Blank.ImportFile,
		"blank.record.ban":  t.Blank.Record.Ban, "blank.record.type": t.Blank.Record.Type, "blank.record.period": t.Blank.Record.Period,
		"blank.record.track": t.Blank.Record.Track, "blank.record.begin": t.Blank.Record.Begin, "blank.record.end": t.Blank.Record.End,
		"blank.upload.id": t.Blank.Upload.ID, "blank.upload.file_name": t.Blank.Upload.FileName, "blank.upload.status": t.Blank.Upload.Status,
		"blank.row.ban": t.Blank.Row.Ban, "blank.row.track": t.Blank.Row.Track, "blank.row.begin": t.Blank.Row.Begin,
		"blank.row.end": t.Blank.Row.End, "blank.row.result": t.Blank.Row.Result,
	}
	for key, n := range names {
		if strings.TrimSpace(n) == "" {
			ps = append(ps, problem{key, msg.T("empty: want the name the portal uses")})
		}
	}
	if t.Paging.FirstPage != 0 && t.Paging.FirstPage != 1 {
		ps = append(ps, problem{"paging.first_page", msg.T("%d: want 0 or 1", t.Paging.FirstPage)})
	}
	if t.Paging.PageSize < 1 || t.Paging.PageSize > 1000 {
		ps = append(ps, problem{"paging.page_size", msg.T("%d: want 1 to 1000", t.Paging.PageSize)})
	}
	if t.Blank.ImportFormat != FormatCSV && t.Blank.ImportFormat != FormatE0402 {
		ps = append(ps, problem{"blank.import_format", msg.T("%q: want %q or %q", t.Blank.ImportFormat, FormatCSV, FormatE0402)})
	}
	if len(t.Blank.Upload.StatusDone) == 0 {
		ps = append(ps, problem{"blank.upload.status_done", msg.T("empty: want the status code(s) of a processed import")})
	}
	for _, s := range t.Blank.Upload.StatusProcessing {
		if slices.Contains(t.Blank.Upload.StatusDone, s) {
			ps = append(ps, problem{"blank.upload.status_processing", msg.T("%q is also in status_done", s)})
		}
	}
	for _, s := range t.Blank.Upload.StatusDone {
		if slices.Contains(t.Blank.Upload.StatusFailed, s) {
			ps = append(ps, problem{"blank.upload.status_failed", msg.T("%q is also in status_done", s)})
		}
	}
	slices.SortFunc(ps, func(a, b problem) int { return strings.Compare(a.key, b.key) })
	return ps
}

// CheckOrigin accepts https://host[:port], or http:// on a loopback
// address (the simulator).
func CheckOrigin(o string) error {
	u, err := url.Parse(o)
	if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return msg.Errorf("%q: want https://host, without path or query", o)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && IsLoopback(u.Hostname())) {
		return msg.Errorf("%q: only https, or http on a loopback address (the simulator), is allowed", o)
	}
	return nil
}

// IsLoopback reports whether host is this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// URL joins an origin, a path and a query.
func URL(origin, path string, q url.Values) string {
	s := strings.TrimSuffix(origin, "/") + path
	if len(q) > 0 {
		s += "?" + q.Encode()
	}
	return s
}

// WithOrigins returns a copy of the table with other origins (the
// simulator's).
func (t *Table) WithOrigins(www, login, api string) *Table {
	c := *t
	c.Origins = Origins{WWW: www, Login: login, API: api}
	return &c
}

// Encode writes the table as TOML, for a layout file of the simulator's
// origins.
func (t *Table) Encode(w io.Writer) error {
	return toml.NewEncoder(w).Encode(t)
}

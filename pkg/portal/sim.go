package portal

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// Account is a 營業人 that can log in to the simulator.
type Account struct {
	Ban      ranges.Ban   `json:"ban"`
	User     string       `json:"user"`
	Password string       `json:"password"`
	Branches []ranges.Ban `json:"branches,omitempty"` // 統編 it may report for besides its own
}

// SimOptions configure a Simulator.
type SimOptions struct {
	Accounts      []Account
	CaptchaAnswer string        // the fixed answer of the captcha image; default DefaultCaptchaAnswer
	Delay         time.Duration // how long an import or a 新增 entry waits before it shows
	SessionTTL    time.Duration // idle time after which a session expires; 0: never
	Big5          bool          // serve pages in Big5, as the old portal did
	StateFile     string        // keep the state here across runs; "": in memory
	Now           func() time.Time
}

// DefaultCaptchaAnswer is the simulator's captcha answer unless configured.
// Documented so that tests and rehearsals can pass the captcha.
const DefaultCaptchaAnswer = "12345"

// Record is one range on record: a row of 查詢.
type Record struct {
	Ban    ranges.Ban         `json:"ban"`
	Type   ranges.InvoiceType `json:"type"`
	Period ranges.Period      `json:"period"`
	Track  ranges.Track       `json:"track"`
	Start  ranges.Number      `json:"start"`
	End    ranges.Number      `json:"end"`
}

// Range returns the record as a blank range.
func (r Record) Range() ranges.BlankRange {
	return ranges.BlankRange{Key: ranges.Key{Ban: r.Ban, Type: r.Type, Period: r.Period, Track: r.Track}, Start: r.Start, End: r.End}
}

// Key names the record in 查詢's 刪除 checkboxes.
func (r Record) Key() string {
	return fmt.Sprintf("%s-%s-%s-%s-%s", r.Ban, r.Type, r.Track, r.Start, r.End)
}

// RowResult is how one line of an import was processed.
type RowResult struct {
	Seq    int    `json:"seq"`
	Ban    string `json:"ban"`
	Track  string `json:"track"`
	Start  string `json:"start"`
	End    string `json:"end"`
	Type   string `json:"type"`
	OK     bool   `json:"ok"`
	Reason string `json:"reason,omitempty"`
}

// Upload is an import (匯入字軌) and, once processed, its rows.
type Upload struct {
	ID        int           `json:"id"`
	Ban       ranges.Ban    `json:"ban"` // the account that uploaded it
	Time      time.Time     `json:"time"`
	FileName  string        `json:"fileName"`
	Period    ranges.Period `json:"period"`
	Data      []byte        `json:"data"`
	ReadyAt   time.Time     `json:"readyAt"`
	Processed bool          `json:"processed"`
	Rows      []RowResult   `json:"rows,omitempty"`
}

// Entry is a range saved with 新增, on record once its time has come.
type Entry struct {
	Record
	ReadyAt time.Time `json:"readyAt"`
}

type simState struct {
	Records []Record `json:"records"`
	Uploads []Upload `json:"uploads"`
	Entries []Entry  `json:"entries,omitempty"` // saved with 新增, not yet on record
}

type session struct {
	ban  ranges.Ban
	seen time.Time
}

// Simulator is an e-invoice portal on a loopback address: the login with a
// captcha, the function menu, 上傳未使用空白發票號碼作業 with 匯入字軌,
// 上傳列表, 查詢 with 刪除, and 新增; imports processed after a delay with
// row-level rejections, paging, session expiry and optional Big5 pages.
type Simulator struct {
	opts SimOptions

	mu       sync.Mutex
	state    simState
	sessions map[string]*session
	failNext int // the next requests to answer 500
	requests int
}

// NewSimulator makes a simulator, loading its state file if there is one.
func NewSimulator(o SimOptions) (*Simulator, error) {
	if o.CaptchaAnswer == "" {
		o.CaptchaAnswer = DefaultCaptchaAnswer
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Simulator{opts: o, sessions: map[string]*session{}}
	if o.StateFile != "" {
		data, err := os.ReadFile(o.StateFile)
		switch {
		case err == nil:
			if err := json.Unmarshal(data, &s.state); err != nil {
				return nil, fmt.Errorf("%s: %w", o.StateFile, err)
			}
		case !os.IsNotExist(err):
			return nil, err
		}
	}
	return s, nil
}

// FailNext makes the next n requests answer 500, as an overloaded portal does.
func (s *Simulator) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// ExpireSessions ends every session, as the portal does after idle time.
func (s *Simulator) ExpireSessions() {
	s.mu.Lock()
	s.sessions = map[string]*session{}
	s.mu.Unlock()
}

// AddRecord puts a range on record, as another system's report would.
func (s *Simulator) AddRecord(r Record) {
	s.mu.Lock()
	s.state.Records = append(s.state.Records, r)
	s.mu.Unlock()
}

// Records returns what is on record.
func (s *Simulator) Records() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.process()
	return slices.Clone(s.state.Records)
}

// Uploads returns the imports received.
func (s *Simulator) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.process()
	return slices.Clone(s.state.Uploads)
}

// Requests counts the requests served.
func (s *Simulator) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if s.failNext > 0 {
		s.failNext--
		http.Error(w, "503 Service Temporarily Unavailable", http.StatusInternalServerError)
		return
	}
	s.process()
	switch r.URL.Path {
	case "/", PathLogin:
		s.login(w, r)
	case PathCaptcha:
		w.Header().Set("Content-Type", "image/png")
		w.Write(captchaPNG(s.opts.CaptchaAnswer))
	default:
		sess := s.session(r)
		if sess == nil {
			// The portal sends an expired session back to the login page.
			http.Redirect(w, r, PathLogin+"?expired=1", http.StatusSeeOther)
			return
		}
		switch r.URL.Path {
		case PathMenu:
			s.render(w, TitleMenu, menuBody)
		case PathBlank:
			s.blank(w, r)
		case PathImport:
			s.importFile(w, r, sess)
		case PathUploads:
			s.uploads(w, r, sess)
		case PathUpload:
			s.upload(w, r, sess)
		case PathQuery:
			s.query(w, r, sess)
		case PathAdd:
			s.add(w, r, sess)
		case PathDelete:
			s.deleteRecords(w, r, sess)
		default:
			http.NotFound(w, r)
		}
	}
	s.save()
}

func (s *Simulator) session(r *http.Request) *session {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return nil
	}
	sess := s.sessions[c.Value]
	now := s.opts.Now()
	if sess == nil || (s.opts.SessionTTL > 0 && now.Sub(sess.seen) > s.opts.SessionTTL) {
		delete(s.sessions, c.Value)
		return nil
	}
	sess.seen = now
	return sess
}

func (s *Simulator) login(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		msg := ""
		if r.URL.Query().Get("expired") != "" {
			msg = "連線逾時，請重新登入"
		}
		s.render(w, TitleLogin, loginBody(msg))
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if r.PostForm.Get(FieldCaptcha) != s.opts.CaptchaAnswer {
		s.render(w, TitleLogin, loginBody("驗證碼錯誤"))
		return
	}
	var acct *Account
	for i, a := range s.opts.Accounts {
		if string(a.Ban) == r.PostForm.Get(FieldBan) && a.User == r.PostForm.Get(FieldAccount) && a.Password == r.PostForm.Get(FieldPassword) {
			acct = &s.opts.Accounts[i]
		}
	}
	if acct == nil {
		s.render(w, TitleLogin, loginBody("統一編號、帳號或密碼錯誤"))
		return
	}
	b := make([]byte, 16)
	rand.Read(b)
	token := hex.EncodeToString(b)
	s.sessions[token] = &session{ban: acct.Ban, seen: s.opts.Now()}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true})
	http.Redirect(w, r, PathMenu, http.StatusSeeOther)
}

func (s *Simulator) yearMonth(r *http.Request) (ranges.Period, bool) {
	v := r.FormValue(FieldYearMonth)
	p, err := ranges.ParsePeriod(v)
	return p, err == nil && len(v) == 5
}

// postedPeriod reads the 字軌期別 of a POST; otherwise it answers the
// request itself and says not ok.
func (s *Simulator) postedPeriod(w http.ResponseWriter, r *http.Request, title string) (ranges.Period, bool) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return ranges.Period{}, false
	}
	p, ok := s.yearMonth(r)
	if !ok {
		s.render(w, title, messageBody("請選擇字軌期別"))
	}
	return p, ok
}

func (s *Simulator) blank(w http.ResponseWriter, r *http.Request) {
	p, _ := s.yearMonth(r)
	s.render(w, TitleBlank, blankBody(p))
}

func (s *Simulator) importFile(w http.ResponseWriter, r *http.Request, sess *session) {
	p, ok := s.postedPeriod(w, r, TitleImport)
	if !ok {
		return
	}
	f, hdr, err := r.FormFile(FieldFile)
	if err != nil {
		s.render(w, TitleImport, messageBody("請選擇檔案"))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 5<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	now := s.opts.Now()
	u := Upload{ID: len(s.state.Uploads) + 1, Ban: sess.ban, Time: now, FileName: hdr.Filename, Period: p, Data: data, ReadyAt: now.Add(s.opts.Delay)}
	s.state.Uploads = append(s.state.Uploads, u)
	s.process()
	s.render(w, TitleImport, messageBody(fmt.Sprintf("檔案 %s 已上傳，上傳編號 %d，請至上傳列表查詢處理結果", hdr.Filename, u.ID)))
}

// process puts on record the ranges saved with 新增 and handles the
// imports whose time has come, row by row, in the order they arrived.
func (s *Simulator) process() {
	now := s.opts.Now()
	s.state.Entries = slices.DeleteFunc(s.state.Entries, func(e Entry) bool {
		if now.Before(e.ReadyAt) {
			return false
		}
		s.state.Records = append(s.state.Records, e.Record)
		return true
	})
	for i := range s.state.Uploads {
		u := &s.state.Uploads[i]
		if u.Processed || now.Before(u.ReadyAt) {
			continue
		}
		u.Processed = true
		lines := strings.Split(strings.ReplaceAll(string(u.Data), "\r\n", "\n"), "\n")
		for i, line := range lines {
			if strings.TrimSpace(line) == "" {
				continue
			}
			res := RowResult{Seq: i + 1}
			row, err := importfile.ParseBulkLine(line)
			if err == nil {
				res.Ban, res.Track, res.Start, res.End, res.Type = string(row.Ban), string(row.Track), row.Start.String(), row.End.String(), row.Type.String()
			}
			rec := Record{Ban: row.Ban, Type: row.Type, Period: row.Period, Track: row.Track, Start: row.Start, End: row.End}
			switch {
			case err != nil:
				res.Reason = ReasonMalformed + ": " + err.Error()
			case !s.mayReport(u.Ban, row.Ban):
				res.Reason = ReasonUnknown
			case row.Period != u.Period:
				res.Reason = ReasonPeriod
			default:
				res.Reason = s.conflict(rec)
			}
			if res.Reason == "" {
				res.OK = true
				s.state.Records = append(s.state.Records, rec)
			}
			u.Rows = append(u.Rows, res)
		}
	}
}

// conflict says why rec cannot go on record, or "". Ranges saved with 新增
// and not yet shown count: the portal checks against what it has saved.
func (s *Simulator) conflict(rec Record) string {
	saved := slices.Clone(s.state.Records)
	for _, e := range s.state.Entries {
		saved = append(saved, e.Record)
	}
	for _, o := range saved {
		if o.Period != rec.Period || o.Track != rec.Track || o.End < rec.Start || o.Start > rec.End {
			continue
		}
		if o == rec {
			return ReasonDuplicate
		}
		return ReasonOverlap
	}
	return ""
}

func (s *Simulator) visible(sess *session, p ranges.Period) []Record {
	var out []Record
	for _, r := range s.state.Records {
		if r.Period == p && s.maySee(sess, r.Ban) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Record) int {
		return cmp.Or(cmp.Compare(a.Ban, b.Ban), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Track, b.Track), cmp.Compare(a.Start, b.Start))
	})
	return out
}

// maySee reports whether the session's account may see b's records.
func (s *Simulator) maySee(sess *session, b ranges.Ban) bool { return s.mayReport(sess.ban, b) }

// mayReport reports whether account may report for b: its own 統編 and
// its branches'.
func (s *Simulator) mayReport(account, b ranges.Ban) bool {
	if b == account {
		return true
	}
	for _, a := range s.opts.Accounts {
		if a.Ban == account && slices.Contains(a.Branches, b) {
			return true
		}
	}
	return false
}

func (s *Simulator) query(w http.ResponseWriter, r *http.Request, sess *session) {
	p, ok := s.yearMonth(r)
	if !ok {
		s.render(w, TitleQuery, messageBody("請選擇字軌期別"))
		return
	}
	recs := s.visible(sess, p)
	page, _ := strconv.Atoi(r.FormValue(FieldPage))
	pages := max(1, (len(recs)+PageSize-1)/PageSize)
	page = min(max(page, 1), pages)
	lo, hi := (page-1)*PageSize, min(page*PageSize, len(recs))
	s.render(w, TitleQuery, queryBody(p, recs[lo:hi], page, pages, len(recs)))
}

// add is 新增: the form, and 存檔 of one range. What is saved shows in 查詢
// after the processing delay, as on the portal.
func (s *Simulator) add(w http.ResponseWriter, r *http.Request, sess *session) {
	p, ok := s.yearMonth(r)
	if !ok {
		s.render(w, TitleAdd, messageBody("請選擇字軌期別"))
		return
	}
	if r.Method != http.MethodPost {
		s.render(w, TitleAdd, addBody(p, ""))
		return
	}
	rec, msg := s.parseEntry(r, sess, p)
	if msg == "" {
		msg = s.conflict(rec)
	}
	if msg != "" {
		s.render(w, TitleAdd, addBody(p, "存檔失敗："+msg))
		return
	}
	s.state.Entries = append(s.state.Entries, Entry{Record: rec, ReadyAt: s.opts.Now().Add(s.opts.Delay)})
	s.process()
	s.render(w, TitleAdd, addBody(p, fmt.Sprintf("存檔成功：%s %s %s%s~%s%s", rec.Ban, rec.Type.Name(), rec.Track, rec.Start, rec.Track, rec.End)))
}

// parseEntry reads the 新增 form; the message says what is wrong, or is "".
func (s *Simulator) parseEntry(r *http.Request, sess *session, p ranges.Period) (Record, string) {
	rec := Record{Period: p}
	var err error
	if rec.Ban, err = ranges.ParseBan(r.PostFormValue(FieldBan)); err != nil {
		return rec, ReasonMalformed + ": 統一編號"
	}
	if !s.mayReport(sess.ban, rec.Ban) {
		return rec, ReasonUnknown
	}
	if rec.Type, err = ranges.ParseInvoiceType(r.PostFormValue(FieldType)); err != nil {
		return rec, ReasonMalformed + ": 發票類別"
	}
	if rec.Track, err = ranges.ParseTrack(r.PostFormValue(FieldTrack)); err != nil {
		return rec, ReasonMalformed + ": 發票字軌"
	}
	if rec.Start, err = ranges.ParseNumber(r.PostFormValue(FieldStart)); err != nil {
		return rec, ReasonMalformed + ": 起始編號"
	}
	if rec.End, err = ranges.ParseNumber(r.PostFormValue(FieldEnd)); err != nil || rec.End < rec.Start {
		return rec, ReasonMalformed + ": 終止編號"
	}
	return rec, ""
}

// deleteRecords is 刪除: it removes the checked rows of 查詢 that the
// session's account may see.
func (s *Simulator) deleteRecords(w http.ResponseWriter, r *http.Request, sess *session) {
	p, ok := s.postedPeriod(w, r, TitleDelete)
	if !ok {
		return
	}
	keys := r.PostForm[FieldDelete]
	n := 0
	s.state.Records = slices.DeleteFunc(s.state.Records, func(rec Record) bool {
		if rec.Period == p && s.maySee(sess, rec.Ban) && slices.Contains(keys, rec.Key()) {
			n++
			return true
		}
		return false
	})
	s.render(w, TitleDelete, messageBody(fmt.Sprintf("已刪除 %d 筆", n)))
}

func (s *Simulator) uploads(w http.ResponseWriter, r *http.Request, sess *session) {
	p, ok := s.yearMonth(r)
	var list []Upload
	for _, u := range s.state.Uploads {
		if u.Ban == sess.ban && (!ok || u.Period == p) {
			list = append(list, u)
		}
	}
	s.render(w, TitleUploads, uploadsBody(list))
}

func (s *Simulator) upload(w http.ResponseWriter, r *http.Request, sess *session) {
	id, _ := strconv.Atoi(r.FormValue(FieldID))
	for _, u := range s.state.Uploads {
		if u.ID == id && u.Ban == sess.ban {
			s.render(w, TitleUpload, uploadBody(u))
			return
		}
	}
	http.NotFound(w, r)
}

func (s *Simulator) render(w http.ResponseWriter, title string, body string) {
	page := pageHTML(title, body)
	if s.opts.Big5 {
		b, err := traditionalchinese.Big5.NewEncoder().Bytes([]byte(page))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=big5")
		w.Write(b)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, page)
}

// save writes the state file, if any, through a temporary file.
func (s *Simulator) save() {
	if s.opts.StateFile == "" {
		return
	}
	data, err := json.MarshalIndent(s.state, "", "  ")
	if err != nil {
		return
	}
	_ = importfile.WriteFiles(context.Background(), filepath.Dir(s.opts.StateFile), []importfile.File{{Name: filepath.Base(s.opts.StateFile), Data: append(data, '\n')}})
}

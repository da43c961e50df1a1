// Package portalsim simulates today's e-invoice portal on loopback
// addresses, so that blanktrack's client can be tested and a month end
// rehearsed: the single-page app with the business login and the
// blank-number screen (字軌期別, 查詢, 新增, 匯入字軌, 上傳列表) on a www
// origin, the login and its OAuth2 redirects on a login origin, and the
// JSON API with Bearer tokens on an API origin, each on its own port. A
// Cloudflare-like gate can stand in front of all three.
//
// Every path and field name comes from the client's layout table, so the
// simulator and the client agree by construction; the names the live
// portal has not confirmed are marked there.
package portalsim

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/portal/internal/layout"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// Account is a 營業人 that can log in: a head office lists the branches
// it may act for.
type Account struct {
	Ban      ranges.Ban
	User     string
	Password string
	Name     string       // 營業人名稱; default "營業人 <ban>"
	Branches []ranges.Ban // 統編 it may act for besides its own
}

// Options configure a Simulator.
type Options struct {
	Accounts      []Account
	CaptchaAnswer string          // the captcha's answer; default DefaultCaptchaAnswer
	Delay         time.Duration   // how long an import or a 新增 entry waits before it shows
	SessionTTL    time.Duration   // lifetime of a session's token; 0: no end
	Gate          bool            // answer requests without clearance with a Cloudflare-like challenge
	ImportFormat  string          // what 匯入字軌 accepts: "csv" or "e0402"; "": the layout's import_format (csv by default); Layout() says which
	StateFile     string          // keep what is on record here across runs; "": in memory
	Layout        *portal.Layout  // paths and names; nil: the built-in layout (origins are the simulator's)
	Periods       []ranges.Period // the 字軌期別 offered; nil: the 12 periods up to now
	Now           func() time.Time
}

// DefaultCaptchaAnswer is the captcha's answer unless configured: tests
// and rehearsals pass the captcha with it.
const DefaultCaptchaAnswer = "12345"

// Rejection reasons, in the portal's style (the real words are unconfirmed).
const (
	ReasonMalformed = "資料格式錯誤"
	ReasonUnknown   = "統一編號不符"
	ReasonPeriod    = "期別不符"
	ReasonOverlap   = "與已上傳之字軌號碼重疊"
	ReasonDuplicate = "資料已存在"
	ReasonFormat    = "檔案格式錯誤"
)

// Status codes of 上傳列表 (the layout's).
const (
	statusProcessing = "1"
)

type record struct {
	ID int `json:"id"`
	portal.Record
}

// upload is an import (匯入字軌) and, once processed, its rows.
type upload struct {
	ID       int                `json:"id"`
	Ban      ranges.Ban         `json:"ban"` // the account that sent it
	Time     time.Time          `json:"time"`
	FileName string             `json:"fileName"`
	Period   ranges.Period      `json:"period"`
	Data     []byte             `json:"data"`
	ReadyAt  time.Time          `json:"readyAt"`
	Status   string             `json:"status"`
	Message  string             `json:"message,omitempty"`
	Rows     []portal.RowResult `json:"rows,omitempty"`
}

// entry is a range saved with 新增, on record once its time has come.
type entry struct {
	record
	ReadyAt time.Time `json:"readyAt"`
}

type state struct {
	Records []record `json:"records"`
	Uploads []upload `json:"uploads"`
	Entries []entry  `json:"entries,omitempty"`
	NextID  int      `json:"nextId"`
}

type session struct {
	ban    ranges.Ban
	issued time.Time
}

// Simulator is the portal on three loopback origins.
type Simulator struct {
	opts Options
	lay  *layout.Table

	mu         sync.Mutex
	state      state
	sessions   map[string]*session // token -> session
	captchas   map[string]string   // token -> answer, one use
	challenges map[string]bool     // login challenges not used yet
	verifiers  map[string]*Account // login verifier -> account
	consents   map[string]*Account // consent challenge -> account
	codes      map[string]string   // code -> token
	clearances map[string]string   // cf_clearance value -> user agent
	seeds      map[string]bool     // challenge seeds handed out
	wrongPass  map[ranges.Ban]int  // wrong passwords per 統編
	secrets    []string            // every secret handed out, for tests
	failNext   int
	requests   int
	servers    []*http.Server
	listeners  []net.Listener
}

// New makes a simulator, loading its state file if there is one.
func New(o Options) (*Simulator, error) {
	if o.CaptchaAnswer == "" {
		o.CaptchaAnswer = DefaultCaptchaAnswer
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	lay := o.Layout
	if lay == nil {
		lay = layout.Default()
	}
	if o.ImportFormat == "" {
		o.ImportFormat = lay.Blank.ImportFormat
	}
	if o.ImportFormat != layout.FormatCSV && o.ImportFormat != layout.FormatE0402 {
		return nil, msg.Errorf("import format %q: want csv or e0402", o.ImportFormat)
	}
	// The layout a client gets (and portal-sim --write-layout writes) says
	// what 匯入字軌 takes here, so that a rehearsal sends what it takes.
	if lay.Blank.ImportFormat != o.ImportFormat {
		c := *lay
		c.Blank.ImportFormat = o.ImportFormat
		lay = &c
	}
	if o.Periods == nil {
		p := ranges.PeriodOf(o.Now())
		for range 12 {
			o.Periods = append(o.Periods, p)
			p = p.Previous()
		}
	}
	s := &Simulator{opts: o, lay: lay, sessions: map[string]*session{}, captchas: map[string]string{},
		challenges: map[string]bool{}, verifiers: map[string]*Account{}, consents: map[string]*Account{},
		codes: map[string]string{}, clearances: map[string]string{}, seeds: map[string]bool{}, wrongPass: map[ranges.Ban]int{}}
	for i := range o.Accounts {
		if o.Accounts[i].Name == "" {
			o.Accounts[i].Name = "營業人 " + string(o.Accounts[i].Ban)
		}
		s.secrets = append(s.secrets, o.Accounts[i].Password)
	}
	if o.StateFile != "" {
		data, err := os.ReadFile(o.StateFile)
		switch {
		case err == nil:
			if err := json.Unmarshal(data, &s.state); err != nil {
				return nil, msg.Errorf("%s: %w", o.StateFile, err)
			}
		case !errors.Is(err, os.ErrNotExist):
			return nil, err
		}
	}
	return s, nil
}

// Start listens on three loopback ports and serves until Close: www on
// addr's port, the login origin on the next port and the API on the one
// after; with port 0, three free ports.
func (s *Simulator) Start(addr string) error {
	host, p, err := net.SplitHostPort(addr)
	if err != nil || !layout.IsLoopback(host) {
		return msg.Errorf("%q: the simulator listens on a loopback address only", addr)
	}
	base, err := strconv.Atoi(p)
	if err != nil || base < 0 || base > 65533 {
		return msg.Errorf("%q: want a port number", addr)
	}
	var urls []string
	for i, h := range []http.Handler{s.www(), s.loginOrigin(), s.api()} {
		port := 0
		if base != 0 {
			port = base + i
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			s.Close()
			return err
		}
		s.listeners = append(s.listeners, ln)
		urls = append(urls, "http://"+ln.Addr().String())
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		s.servers = append(s.servers, srv)
	}
	s.lay = s.lay.WithOrigins(urls[0], urls[1], urls[2])
	for i, srv := range s.servers {
		go srv.Serve(s.listeners[i])
	}
	return nil
}

// Close stops serving.
func (s *Simulator) Close() error {
	for _, srv := range s.servers {
		srv.Close()
	}
	for _, ln := range s.listeners {
		ln.Close()
	}
	return nil
}

// Shutdown stops serving after the requests under way.
func (s *Simulator) Shutdown(ctx context.Context) error {
	var errs []error
	for _, srv := range s.servers {
		errs = append(errs, srv.Shutdown(ctx))
	}
	return errors.Join(errs...)
}

// Layout is the simulator's layout, with its origins: what a client needs
// to reach it.
func (s *Simulator) Layout() *portal.Layout { return s.lay }

// FailNext makes the next n requests answer 500, as an overloaded portal does.
func (s *Simulator) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// ExpireSessions ends every session's token, as the portal does after a
// while.
func (s *Simulator) ExpireSessions() {
	s.mu.Lock()
	s.sessions = map[string]*session{}
	s.mu.Unlock()
}

// AddRecord puts a range on record, as another system's report would.
func (s *Simulator) AddRecord(r portal.Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.NextID++
	s.state.Records = append(s.state.Records, record{ID: s.state.NextID, Record: r})
	s.save()
}

// Records returns what is on record.
func (s *Simulator) Records() []portal.Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.process()
	var out []portal.Record
	for _, r := range s.state.Records {
		rec := r.Record
		rec.ID = strconv.Itoa(r.ID)
		out = append(out, rec)
	}
	return out
}

// Imports counts the imports received.
func (s *Simulator) Imports() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.state.Uploads)
}

// Requests counts the requests served.
func (s *Simulator) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// WrongPasswords counts the logins refused for a wrong password.
func (s *Simulator) WrongPasswords(b ranges.Ban) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.wrongPass[b]
}

// Secrets lists every secret the simulator handed out or knows: passwords,
// captcha tokens and answers, login challenges, codes, session tokens and
// cookies. Tests look for them in everything a client prints.
func (s *Simulator) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.secrets)
}

func (s *Simulator) secret(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	v := hex.EncodeToString(b)
	s.secrets = append(s.secrets, v)
	return v
}

// jwt makes a token shaped like the portal's: header, payload, signature.
func (s *Simulator) jwt(claims map[string]any) string {
	enc := base64.RawURLEncoding
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	p, _ := json.Marshal(claims)
	return enc.EncodeToString(h) + "." + enc.EncodeToString(p) + "." + s.secret(32)
}

func (s *Simulator) account(b ranges.Ban) *Account {
	for i := range s.opts.Accounts {
		if s.opts.Accounts[i].Ban == b {
			return &s.opts.Accounts[i]
		}
	}
	return nil
}

// mayActFor reports whether account may act for b: its own 統編 and its
// branches'.
func (s *Simulator) mayActFor(account, b ranges.Ban) bool {
	if account == b {
		return true
	}
	a := s.account(account)
	return a != nil && slices.Contains(a.Branches, b)
}

func (s *Simulator) offered(p ranges.Period) bool { return slices.Contains(s.opts.Periods, p) }

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

func sortRecords(rs []record) {
	slices.SortFunc(rs, func(a, b record) int {
		return cmp.Or(cmp.Compare(a.Ban, b.Ban), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Track, b.Track), cmp.Compare(a.Start, b.Start))
	})
}

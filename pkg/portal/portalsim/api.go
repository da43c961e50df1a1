package portalsim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/importfile"
	"github.com/blanktrack/blanktrack/pkg/portal"
	"github.com/blanktrack/blanktrack/pkg/portal/internal/layout"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// api is service-m: Bearer tokens, the companies a login may act for, and
// the blank-number screen's calls.
func (s *Simulator) api() http.Handler {
	B := s.lay.Blank
	return s.front(func(w http.ResponseWriter, r *http.Request) {
		s.cors(w, r)
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		sess := s.bearer(r)
		if sess == nil {
			s.problem(w, http.StatusUnauthorized, s.lay.Session.Expired)
			return
		}
		route := map[string]func(http.ResponseWriter, *http.Request, *session){
			s.lay.Company.Authorized: s.authorized,
			B.Periods:                s.periods,
			B.Query:                  s.query,
			B.Add:                    s.add,
			B.Delete:                 s.deleteRecords,
			B.Import:                 s.importFile,
			B.Uploads:                s.uploads,
			B.UploadRows:             s.uploadRows,
			B.Template:               s.template,
		}
		h := route[r.URL.Path]
		if h == nil {
			s.problem(w, http.StatusNotFound, "Not Found")
			return
		}
		h(w, r, sess)
	})
}

func (s *Simulator) bearer(r *http.Request) *session {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return nil
	}
	sess := s.sessions[token]
	if sess == nil {
		return nil
	}
	if s.opts.SessionTTL > 0 && s.opts.Now().Sub(sess.issued) > s.opts.SessionTTL {
		delete(s.sessions, token)
		return nil
	}
	return sess
}

func (s *Simulator) method(w http.ResponseWriter, r *http.Request, m string) bool {
	if r.Method != m {
		s.problem(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		return false
	}
	return true
}

func (s *Simulator) authorized(w http.ResponseWriter, r *http.Request, sess *session) {
	C := s.lay.Company
	a := s.account(sess.ban)
	list := []map[string]any{{C.Ban: string(a.Ban), C.Name: a.Name, C.Closed: false}}
	for _, b := range a.Branches {
		list = append(list, map[string]any{C.Ban: string(b), C.Name: a.Name + " 分支機構 " + string(b), C.Closed: false})
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Simulator) periods(w http.ResponseWriter, r *http.Request, _ *session) {
	var list []map[string]string
	for _, p := range s.opts.Periods {
		list = append(list, map[string]string{s.lay.Blank.PeriodValue: p.Code(), "yearMonthName": p.String()})
	}
	writeJSON(w, http.StatusOK, list)
}

// pageParams reads page and size, as Spring does: page from first_page,
// size up to 100.
func (s *Simulator) pageParams(r *http.Request) (int, int) {
	P := s.lay.Paging
	page, err := strconv.Atoi(r.URL.Query().Get(P.Page))
	if err != nil {
		page = P.FirstPage
	}
	size, err := strconv.Atoi(r.URL.Query().Get(P.Size))
	if err != nil || size < 1 {
		size = P.PageSize
	}
	return max(page-P.FirstPage, 0), min(size, 100)
}

// springPage answers one page of a list with Spring's totals.
func (s *Simulator) springPage(w http.ResponseWriter, r *http.Request, rows []any) {
	P := s.lay.Paging
	page, size := s.pageParams(r)
	lo, hi := min(page*size, len(rows)), min((page+1)*size, len(rows))
	content := rows[lo:hi]
	if content == nil {
		content = []any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{P.Content: content, P.TotalElements: len(rows),
		P.TotalPages: (len(rows) + size - 1) / size, P.Size: size, "number": page + P.FirstPage})
}

func (s *Simulator) period(w http.ResponseWriter, v string) (ranges.Period, bool) {
	p, err := ranges.ParsePeriod(v)
	if err != nil || len(v) != 5 {
		s.problem(w, http.StatusBadRequest, "請選擇字軌期別")
		return p, false
	}
	return p, true
}

func (s *Simulator) recordJSON(r record) map[string]any {
	F := s.lay.Blank.Record
	return map[string]any{F.ID: r.ID, F.Ban: string(r.Ban), F.Type: r.Type.String(), F.Period: r.Period.Code(),
		F.Track: string(r.Track), F.Begin: r.Start.String(), F.End: r.End.String()}
}

// query is 查詢: what is on record for a period, for every 統編 the login
// may act for, or one.
func (s *Simulator) query(w http.ResponseWriter, r *http.Request, sess *session) {
	B := s.lay.Blank
	if !s.method(w, r, http.MethodGet) {
		return
	}
	p, ok := s.period(w, r.URL.Query().Get(B.PeriodParam))
	if !ok {
		return
	}
	only := r.URL.Query().Get(B.BanParam)
	var recs []record
	for _, rec := range s.state.Records {
		if rec.Period == p && s.mayActFor(sess.ban, rec.Ban) && (only == "" || string(rec.Ban) == only) {
			recs = append(recs, rec)
		}
	}
	sortRecords(recs)
	var rows []any
	for _, rec := range recs {
		rows = append(rows, s.recordJSON(rec))
	}
	s.springPage(w, r, rows)
}

// add is 新增 of one range; it shows in 查詢 after the delay, as on the
// portal.
func (s *Simulator) add(w http.ResponseWriter, r *http.Request, sess *session) {
	F := s.lay.Blank.Record
	if !s.method(w, r, http.MethodPost) {
		return
	}
	var body map[string]string
	if json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10)).Decode(&body) != nil {
		s.problem(w, http.StatusBadRequest, ReasonMalformed)
		return
	}
	p, ok := s.period(w, body[F.Period])
	if !ok {
		return
	}
	rec := portal.Record{Period: p}
	var err error
	bad := func(what string) { s.problem(w, http.StatusBadRequest, "存檔失敗："+ReasonMalformed+": "+what) }
	if rec.Ban, err = ranges.ParseBan(body[F.Ban]); err != nil {
		bad("總/分支機構統一編號")
		return
	}
	if !s.mayActFor(sess.ban, rec.Ban) {
		s.problem(w, http.StatusBadRequest, "存檔失敗："+ReasonUnknown)
		return
	}
	if rec.Type, err = ranges.ParseInvoiceType(body[F.Type]); err != nil {
		bad("發票類別")
		return
	}
	if rec.Track, err = ranges.ParseTrack(body[F.Track]); err != nil {
		bad("發票字軌")
		return
	}
	if rec.Start, err = ranges.ParseNumber(body[F.Begin]); err != nil {
		bad("起始編號")
		return
	}
	if rec.End, err = ranges.ParseNumber(body[F.End]); err != nil || rec.End < rec.Start {
		bad("終止編號")
		return
	}
	if why := s.conflict(rec); why != "" {
		s.problem(w, http.StatusBadRequest, "存檔失敗："+why)
		return
	}
	s.state.NextID++
	e := entry{record: record{ID: s.state.NextID, Record: rec}, ReadyAt: s.opts.Now().Add(s.opts.Delay)}
	s.state.Entries = append(s.state.Entries, e)
	s.process()
	writeJSON(w, http.StatusOK, map[string]any{F.ID: e.ID, "message": "存檔成功"})
}

// deleteRecords is 刪除 of the checked rows of 查詢 the login may see.
func (s *Simulator) deleteRecords(w http.ResponseWriter, r *http.Request, sess *session) {
	if !s.method(w, r, http.MethodPost) {
		return
	}
	var body struct {
		IDs []json.Number `json:"ids"`
	}
	if json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&body) != nil {
		s.problem(w, http.StatusBadRequest, ReasonMalformed)
		return
	}
	n := 0
	s.state.Records = slices.DeleteFunc(s.state.Records, func(rec record) bool {
		if s.mayActFor(sess.ban, rec.Ban) && slices.Contains(body.IDs, json.Number(strconv.Itoa(rec.ID))) {
			n++
			return true
		}
		return false
	})
	writeJSON(w, http.StatusOK, map[string]any{"count": n, "message": fmt.Sprintf("已刪除 %d 筆", n)})
}

// importFile is 匯入字軌: a multipart file, processed after the delay.
func (s *Simulator) importFile(w http.ResponseWriter, r *http.Request, sess *session) {
	B := s.lay.Blank
	if !s.method(w, r, http.MethodPost) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 6<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		s.problem(w, http.StatusBadRequest, "請選擇檔案")
		return
	}
	defer r.MultipartForm.RemoveAll()
	p, ok := s.period(w, r.FormValue(B.ImportPeriod))
	if !ok {
		return
	}
	if !s.offered(p) {
		s.problem(w, http.StatusBadRequest, ReasonPeriod+"：字軌期別 "+p.String()+" 不開放上傳")
		return
	}
	f, hdr, err := r.FormFile(B.ImportFile)
	if err != nil {
		s.problem(w, http.StatusBadRequest, "請選擇檔案")
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 5<<20))
	if err != nil {
		s.problem(w, http.StatusBadRequest, "請選擇檔案")
		return
	}
	now := s.opts.Now()
	s.state.NextID++
	u := upload{ID: s.state.NextID, Ban: sess.ban, Time: now, FileName: hdr.Filename, Period: p, Data: data,
		ReadyAt: now.Add(s.opts.Delay), Status: statusProcessing}
	s.state.Uploads = append(s.state.Uploads, u)
	s.process()
	writeJSON(w, http.StatusOK, map[string]any{B.ImportID: u.ID, B.Upload.FileName: u.FileName, "message": "上傳成功，請至上傳列表查詢處理結果"})
}

// uploads is 上傳列表: the login's imports for a period, newest first,
// each row a token whose payload carries the fields, as the portal's job
// lists do.
func (s *Simulator) uploads(w http.ResponseWriter, r *http.Request, sess *session) {
	B, U := s.lay.Blank, s.lay.Blank.Upload
	if !s.method(w, r, http.MethodGet) {
		return
	}
	p, ok := s.period(w, r.URL.Query().Get(B.PeriodParam))
	if !ok {
		return
	}
	var rows []any
	for i := len(s.state.Uploads) - 1; i >= 0; i-- {
		u := s.state.Uploads[i]
		if u.Ban != sess.ban || u.Period != p {
			continue
		}
		ok, failed := 0, 0
		for _, row := range u.Rows {
			if row.OK {
				ok++
			} else {
				failed++
			}
		}
		fields := map[string]any{U.ID: u.ID, U.FileName: u.FileName, U.Status: u.Status, U.OKCount: ok, U.FailedCount: failed,
			U.Message: u.Message, "ban": string(u.Ban)}
		if U.Date != "" {
			fields[U.Date] = u.Time.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		if U.Token == "" {
			rows = append(rows, fields)
			continue
		}
		data, _ := json.Marshal(fields)
		rows = append(rows, map[string]any{U.Token: s.jwt(map[string]any{"data": base64.StdEncoding.EncodeToString(data)})})
	}
	s.springPage(w, r, rows)
}

// uploadRows is one import's rows, as 上傳列表 shows them.
func (s *Simulator) uploadRows(w http.ResponseWriter, r *http.Request, sess *session) {
	B, R := s.lay.Blank, s.lay.Blank.Row
	if !s.method(w, r, http.MethodGet) {
		return
	}
	id, _ := strconv.Atoi(r.URL.Query().Get(B.IDParam))
	for _, u := range s.state.Uploads {
		if u.ID != id || u.Ban != sess.ban {
			continue
		}
		rows := []any{}
		for _, row := range u.Rows {
			result := "N"
			if row.OK {
				result = R.OKValue
			}
			rows = append(rows, map[string]any{R.Seq: row.Seq, R.Ban: row.Ban, R.Type: row.Type, R.Track: row.Track,
				R.Begin: row.Start, R.End: row.End, R.Result: result, R.Reason: row.Reason})
		}
		writeJSON(w, http.StatusOK, map[string]any{s.lay.Paging.Content: rows})
		return
	}
	s.problem(w, http.StatusNotFound, "查無資料")
}

// template is the 範本 file of 匯入字軌, in the accepted format.
func (s *Simulator) template(w http.ResponseWriter, r *http.Request, sess *session) {
	if s.opts.ImportFormat == layout.FormatE0402 {
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("Content-Disposition", `attachment; filename="E0402_sample.xml"`)
		m := importfile.E0402Messages(sess.ban, []ranges.BlankRange{{Key: ranges.Key{Ban: sess.ban, Type: ranges.TypeGeneral, Period: s.opts.Periods[0], Track: "AB"}, Start: 12345650, End: 12345699}})
		data, _ := importfile.MarshalE0402(m[0].Message)
		w.Write(data)
		return
	}
	w.Header().Set("Content-Type", "text/csv")
	w.Header().Set("Content-Disposition", `attachment; filename="blank_sample.csv"`)
	fmt.Fprintf(w, "00001,%s,%s,AB,12345650,12345699,07\r\n", sess.ban, s.opts.Periods[0].Code())
}

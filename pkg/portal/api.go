package portal

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/blanktrack/blanktrack/pkg/portal/internal/layout"
	"github.com/blanktrack/blanktrack/pkg/ranges"
	"github.com/blanktrack/blanktrack/pkg/ranges/msg"
)

// maxPages bounds a list: the portal's totals decide how many pages are
// read, and totals beyond this are not believed.
const maxPages = 2000

func (cl *Client) apiURL(path string, q url.Values) string {
	return layout.URL(cl.lay.Origins.API, path, q)
}

// Companies lists the companies this login may act for
// (btb002i/company/authorized): the head office's login lists its branches.
func (cl *Client) Companies(ctx context.Context) (_ []Company, err error) {
	defer func() { err = cl.clean(err) }()
	C := cl.lay.Company
	rows, err := cl.list(ctx, cl.apiURL(C.Authorized, nil), "", false)
	if err != nil {
		return nil, err
	}
	var out []Company
	for i, r := range rows {
		s, _ := r.str(C.Ban)
		b, err := ranges.ParseBan(s)
		if err != nil {
			return nil, cl.rowError(C.Authorized, i, C.Ban, err)
		}
		name, _ := r.str(C.Name)
		closed, _ := r.str(C.Closed)
		out = append(out, Company{Ban: b, Name: cl.printable(name), Closed: closed == "true"})
	}
	return out, nil
}

// rowError is a row of the portal's answer that the client cannot take. Its
// value is the portal's and may echo what the client sent: the error is
// scrubbed of every secret, as everything the client says.
func (cl *Client) rowError(path string, i int, field string, err error) error {
	why := msg.T("row %d, %s: %v", i+1, field, err)
	if field == "" {
		why = msg.T("row %d: %v", i+1, err)
	}
	return cl.clean(&FormatError{Method: "GET", URL: cl.apiURL(path, nil), Why: why})
}

// maxID is the longest identifier (上傳編號, a record's id) the client
// keeps: the portal's are short numbers.
const maxID = 64

// badID says why an identifier the portal gave cannot be kept and printed:
// too long, or holding what printing would change (control characters, a
// value the client sent, a token). Nil when it is fine.
func (cl *Client) badID(id string) error {
	if len(id) > maxID {
		return msg.Errorf("%d bytes: want an identifier of at most %d", len(id), maxID)
	}
	if cl.printable(id) != id {
		return msg.New("not an identifier: it holds spaces, control characters or a value the client sent (not shown)")
	}
	return nil
}

// Periods lists the 字軌期別 the blank-number screen offers.
func (cl *Client) Periods(ctx context.Context) (_ []ranges.Period, err error) {
	defer func() { err = cl.clean(err) }()
	B := cl.lay.Blank
	rows, err := cl.list(ctx, cl.apiURL(B.Periods, nil), "", false)
	if err != nil {
		return nil, err
	}
	var out []ranges.Period
	for i, r := range rows {
		s, _ := r.str(B.PeriodValue)
		p, err := parseCode(s)
		if err != nil {
			return nil, cl.rowError(B.Periods, i, B.PeriodValue, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// parseCode reads a period as the API writes it: 11410.
func parseCode(s string) (ranges.Period, error) {
	if len(s) != 5 {
		return ranges.Period{}, msg.Errorf("%q is not a period as 11410", s)
	}
	return ranges.ParsePeriod(s)
}

// Records lists what 查詢 shows on record for a period and one 統編 (the
// head office's login shows its branches too), every page.
func (cl *Client) Records(ctx context.Context, p ranges.Period, ban ranges.Ban) (_ []Record, err error) {
	defer func() { err = cl.clean(err) }()
	B := cl.lay.Blank
	q := url.Values{B.PeriodParam: {p.Code()}}
	if B.BanParam != "" && ban != "" {
		q.Set(B.BanParam, string(ban))
	}
	rows, err := cl.list(ctx, cl.apiURL(B.Query, q), "", true)
	if err != nil {
		return nil, err
	}
	var out []Record
	for i, r := range rows {
		rec, err := cl.record(r)
		if err != nil {
			return nil, cl.rowError(B.Query, i, "", err)
		}
		if rec.Period != p {
			return nil, cl.rowError(B.Query, i, B.Record.Period, msg.Errorf("%s, asked for %s", rec.Period.Code(), p.Code()))
		}
		if ban != "" && rec.Ban != ban && B.BanParam != "" {
			return nil, cl.rowError(B.Query, i, B.Record.Ban, msg.Errorf("%s, asked for %s", rec.Ban, ban))
		}
		out = append(out, rec)
	}
	return out, nil
}

func (cl *Client) record(r object) (Record, error) {
	F := cl.lay.Blank.Record
	var rec Record
	get := func(name string) string { s, _ := r.str(name); return s }
	var err error
	rec.ID = get(F.ID)
	if err := cl.badID(rec.ID); err != nil {
		return rec, msg.Errorf("%s: %w", F.ID, err)
	}
	if rec.Ban, err = ranges.ParseBan(get(F.Ban)); err != nil {
		return rec, msg.Errorf("%s: %w", F.Ban, err)
	}
	if rec.Type, err = ranges.ParseInvoiceType(get(F.Type)); err != nil {
		return rec, msg.Errorf("%s: %w", F.Type, err)
	}
	if rec.Period, err = parseCode(get(F.Period)); err != nil {
		return rec, msg.Errorf("%s: %w", F.Period, err)
	}
	if rec.Track, err = ranges.ParseTrack(get(F.Track)); err != nil {
		return rec, msg.Errorf("%s: %w", F.Track, err)
	}
	if rec.Start, err = ranges.ParseNumber(get(F.Begin)); err != nil {
		return rec, msg.Errorf("%s: %w", F.Begin, err)
	}
	if rec.End, err = ranges.ParseNumber(get(F.End)); err != nil {
		return rec, msg.Errorf("%s: %w", F.End, err)
	}
	if rec.End < rec.Start {
		return rec, msg.Errorf("%s %s is before %s %s", F.End, rec.End, F.Begin, rec.Start)
	}
	return rec, nil
}

// list reads a list at an address: a bare array, {content}, or, when
// paged, every page of a Spring page. The totals the first page reports
// decide how many pages there are; a later page reporting other totals,
// or pages holding other counts than the totals say, are errors.
func (cl *Client) list(ctx context.Context, addr, tokenField string, paged bool) ([]object, error) {
	P := cl.lay.Paging
	u, _ := url.Parse(addr)
	var out []object
	first := page{totalElements: -1, totalPages: -1}
	for n := 0; ; n++ {
		if paged {
			q := u.Query()
			q.Set(P.Page, strconv.Itoa(P.FirstPage+n))
			q.Set(P.Size, strconv.Itoa(P.PageSize))
			u.RawQuery = q.Encode()
		}
		c := call{method: http.MethodGet, url: u.String()}
		v, a, err := cl.callAPI(ctx, c)
		if err != nil {
			return nil, err
		}
		pg, err := cl.pageOf(c, a, v)
		if err != nil {
			return nil, err
		}
		bad := func(why msg.Message) error {
			return &FormatError{Method: "GET", URL: c.where(), Why: msg.T("page %d: %v", n+1, why)}
		}
		for i, r := range pg.rows {
			o, err := rowObject(r, tokenField)
			if err != nil {
				return nil, bad(msg.T("row %d: %v", i+1, err))
			}
			out = append(out, o)
		}
		if !paged || (pg.totalElements < 0 && pg.totalPages < 0) {
			if paged && len(pg.rows) > P.PageSize {
				return nil, bad(msg.T("%d rows on a page of %d, and no totals", len(pg.rows), P.PageSize))
			}
			if paged && n == 0 && len(pg.rows) == P.PageSize {
				return nil, bad(msg.T("a full page and no %s or %s: the layout's paging names may be wrong", P.TotalElements, P.TotalPages))
			}
			return out, nil
		}
		if n == 0 {
			first = pg
			want := (first.totalElements + P.PageSize - 1) / P.PageSize
			switch {
			case first.totalPages < 0:
				first.totalPages = want
			case first.totalElements < 0:
			case first.totalPages != want && !(first.totalElements == 0 && first.totalPages <= 1):
				return nil, bad(msg.T("%d pages of %d do not hold %d rows", first.totalPages, P.PageSize, first.totalElements))
			}
			if first.totalPages > maxPages {
				return nil, bad(msg.T("the portal reports %d pages; more than %d is not believed", first.totalPages, maxPages))
			}
		} else if pg.totalElements != first.totalElements || (pg.totalPages >= 0 && pg.totalPages != first.totalPages) {
			return nil, bad(msg.T("the totals changed while reading (%d rows, then %d): the list changed; try again", first.totalElements, pg.totalElements))
		}
		if len(pg.rows) > P.PageSize {
			return nil, bad(msg.T("%d rows on a page of %d", len(pg.rows), P.PageSize))
		}
		if n+1 >= first.totalPages {
			if first.totalElements >= 0 && len(out) != first.totalElements {
				return nil, bad(msg.T("the portal reports %d rows and gave %d", first.totalElements, len(out)))
			}
			return out, nil
		}
		if len(pg.rows) < P.PageSize {
			return nil, bad(msg.T("%d rows before the last page, want %d", len(pg.rows), P.PageSize))
		}
	}
}

// Import sends a file with 匯入字軌 for a period, once: it returns the
// import's id when the answer names it, "" otherwise.
func (cl *Client) Import(ctx context.Context, p ranges.Period, name string, data []byte) (_ string, err error) {
	defer func() { err = cl.clean(err) }()
	B := cl.lay.Blank
	// colly's PostMultipart sends no filename, so the portal would not see a
	// file: the body is built here.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if B.ImportPeriod != "" {
		if err := mw.WriteField(B.ImportPeriod, p.Code()); err != nil {
			return "", err
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, B.ImportFile, name))
	ct := "text/csv"
	if B.ImportFormat == layout.FormatE0402 {
		ct = "text/xml"
	}
	h.Set("Content-Type", ct)
	fw, err := mw.CreatePart(h)
	if err != nil {
		return "", err
	}
	fw.Write(data)
	if err := mw.Close(); err != nil {
		return "", err
	}
	c := call{method: http.MethodPost, url: cl.apiURL(B.Import, nil), body: body.Bytes(),
		header: http.Header{"Content-Type": {mw.FormDataContentType()}}, once: true}
	v, a, err := cl.callAPI(ctx, c)
	if err != nil && a != nil && a.status >= 200 && a.status <= 299 {
		// Taken, most likely, and answered in a form the layout does not
		// know: as unsure as a 5xx.
		err = &unreadableAnswer{Status: a.status, Err: err}
	}
	if err != nil {
		return "", msg.Errorf("匯入字軌 of %s: %w", name, err)
	}
	if o, ok := v.(map[string]any); ok && B.ImportID != "" {
		if id, ok := object(o).str(B.ImportID); ok {
			if err := cl.badID(id); err != nil {
				// The file went out: the answer's id is unusable, not the import.
				cl.log(msg.T("匯入字軌 of %s: the answer's %s is not used: %v", name, B.ImportID, err))
				return "", nil
			}
			return id, nil
		}
	}
	return "", nil
}

// Uploads lists 上傳列表 for a period, every page.
func (cl *Client) Uploads(ctx context.Context, p ranges.Period) (_ []UploadInfo, err error) {
	defer func() { err = cl.clean(err) }()
	B := cl.lay.Blank
	U := B.Upload
	rows, err := cl.list(ctx, cl.apiURL(B.Uploads, url.Values{B.PeriodParam: {p.Code()}}), U.Token, true)
	if err != nil {
		return nil, err
	}
	var out []UploadInfo
	for i, r := range rows {
		id, ok := r.str(U.ID)
		if !ok || id == "" {
			return nil, cl.rowError(B.Uploads, i, U.ID, msg.New("missing"))
		}
		if err := cl.badID(id); err != nil {
			return nil, cl.rowError(B.Uploads, i, U.ID, err)
		}
		u := UploadInfo{ID: id}
		u.FileName, _ = r.str(U.FileName)
		u.FileName = cl.printable(u.FileName)
		u.Code, _ = r.str(U.Status)
		u.Code = cl.printable(u.Code)
		switch {
		case slices.Contains(U.StatusDone, u.Code):
			u.Status = Processed
		case slices.Contains(U.StatusFailed, u.Code):
			u.Status = Refused
		case !slices.Contains(U.StatusProcessing, u.Code):
			u.Unknown = true
		}
		for _, f := range []struct {
			name string
			dst  *int
		}{{U.OKCount, &u.OK}, {U.FailedCount, &u.Failed}} {
			if s, ok := r.str(f.name); ok && s != "" {
				n, err := strconv.Atoi(s)
				if err != nil || n < 0 {
					return nil, cl.rowError(B.Uploads, i, f.name, msg.Errorf("%q is not a count", cl.printable(s)))
				}
				*f.dst = n
			}
		}
		m, _ := r.str(U.Message)
		u.Message = cl.printable(m)
		if U.Date != "" {
			d, _ := r.str(U.Date)
			u.Date = cl.printable(taiwanTime(d))
		}
		out = append(out, u)
	}
	return out, nil
}

// taiwan is the portal's time zone: UTC+8 all year.
var taiwan = time.FixedZone("UTC+8", 8*60*60)

// taiwanTime writes an ISO 8601 time as a Taiwanese user reads it; any
// other text stays as it is.
func taiwanTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.In(taiwan).Format("2006-01-02 15:04")
}

// UploadRows returns how each line of an import was processed.
func (cl *Client) UploadRows(ctx context.Context, id string) (_ []RowResult, err error) {
	defer func() { err = cl.clean(err) }()
	B := cl.lay.Blank
	R := B.Row
	rows, err := cl.list(ctx, cl.apiURL(B.UploadRows, url.Values{B.IDParam: {id}}), "", false)
	if err != nil {
		return nil, err
	}
	var out []RowResult
	for i, r := range rows {
		get := func(name string) string { s, _ := r.str(name); return cl.printable(s) }
		res := RowResult{Ban: get(R.Ban), Type: get(R.Type), Track: get(R.Track), Start: get(R.Begin), End: get(R.End),
			OK: get(R.Result) == R.OKValue, Reason: get(R.Reason)}
		if s := get(R.Seq); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return nil, cl.rowError(B.UploadRows, i, R.Seq, msg.Errorf("%q is not a line number", s))
			}
			res.Seq = n
		}
		out = append(out, res)
	}
	return out, nil
}

package portal

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blanktrack/blanktrack/pkg/portal/internal/layout"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

func fuzzClient(t testing.TB) *Client {
	lay := layout.Default().WithOrigins("http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3")
	cl, err := New(Options{Layout: lay, Mode: ModeDirect, Ban: "83012410", User: "u", Password: "pw-secret", Captcha: func(context.Context, []byte) (string, error) { return "", nil }})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// FuzzListAnswer feeds arbitrary answers to the list and 查詢 readers: they
// may refuse an answer, never panic, and a record they accept is valid.
func FuzzListAnswer(f *testing.F) {
	f.Add([]byte(`{"content":[{"ban":"83012410","invType":"07","yearMonth":"11410","invTrack":"ZK","invBeginNo":"00000001","invEndNo":"00000002"}],"totalElements":1,"totalPages":1}`))
	f.Add([]byte(`[{"token":"eyJhbGciOiJSUzI1NiJ9.eyJkYXRhIjoiZXlKelpYRk9ieUk2TVgwPSJ9.x"}]`))
	f.Add([]byte(`{"content":"x","totalElements":-1}`))
	cl := fuzzClient(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		c := call{method: "GET", url: "http://127.0.0.1:3/q"}
		a := &answer{status: 200, header: http.Header{"Content-Type": {"application/json"}}, body: body, url: c.url}
		v, err := cl.jsonOf(c, a)
		if err != nil {
			return
		}
		pg, err := cl.pageOf(c, a, v)
		if err != nil {
			return
		}
		for _, r := range pg.rows {
			o, err := rowObject(r, "token")
			if err != nil {
				continue
			}
			rec, err := cl.record(o)
			if err != nil {
				continue
			}
			if len(rec.Ban) != 8 || rec.Period.IsZero() || len(rec.Track) != 2 || rec.End < rec.Start {
				t.Fatalf("invalid record accepted: %+v", rec)
			}
		}
		if title := cl.titleOf(a); strings.ContainsAny(title, "\x1b\r\n") {
			t.Fatalf("an unprintable title: %q", title)
		}
	})
}

// FuzzCaptureBody feeds arbitrary bodies to capture's redactor: it never
// panics, and a JWT never survives it.
func FuzzCaptureBody(f *testing.F) {
	const jwt = "CUeyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"
	f.Add([]byte(`{"token":"`+jwt+`","password":"x"}`), "application/json")
	f.Add([]byte(`{"note":"Bearer `+jwt+` sent"}`), "application/json")
	f.Add([]byte("a=1&password=2&note="+jwt), "application/x-www-form-urlencoded")
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n1\r\n--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n"+jwt+"\r\n--b--\r\n"), "multipart/form-data; boundary=b")
	r := redactor{lay: layout.Default()}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		b := r.body(body, contentType, "")
		if s := fmtJSON(b); strings.Contains(s, jwt) {
			t.Fatalf("a token survived: %s", s)
		}
	})
}

func fmtJSON(v any) string {
	data, _ := json.Marshal(v)
	return string(data)
}

// FuzzJournal reads arbitrary bytes as the journal of imports sent (a file
// on disk that an older version, a crash or a hand may have left): it is
// read or refused, never a panic, and what it accepts can be compared with
// a parcel and written back.
func FuzzJournal(f *testing.F) {
	f.Add([]byte(`{"ban":"83012410","period":"11410","entries":[{"sha256":"x","name":"a.csv","sent":"2026-11-26T10:00:00Z","unsure":true,"ranges":["83012410 07 11410 ZK00000100-00000199"]}]}`))
	f.Add([]byte(`{"ban":"83012410","period":"11410","entries":[{"ranges":["83012410 07 11410 ZK99999999-00000000"," ","ZK-"]}]}`))
	f.Add([]byte(`{"ban":"83012410","period":"11410","version":2}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		j := &journal{path: filepath.Join(dir, "j.json"), ban: "83012410", period: fakePeriod}
		if err := os.WriteFile(j.path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		es, err := j.read()
		if err != nil {
			return
		}
		r := ranges.BlankRange{Key: ranges.Key{Ban: "83012410", Type: ranges.TypeGeneral, Period: fakePeriod, Track: "ZK"}, Start: 100, End: 199}
		for _, e := range es {
			e.covers("h", []ranges.BlankRange{r})
		}
		if err := j.put(JournalEntry{SHA256: "h", Name: "b.csv", Sent: time.Now().UTC(), Ranges: []string{rangeKey(r)}}); err != nil {
			t.Fatalf("an accepted journal cannot be written back: %v", err)
		}
	})
}

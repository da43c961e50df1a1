package portal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A connection that drops, and a port that refuses: retried with backoff,
// then an error, never a panic.
func TestNetworkErrorsAreRetried(t *testing.T) {
	sim, srv := newSim(t, SimOptions{})
	var drops atomic.Int32
	drops.Store(2)
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if drops.Add(-1) >= 0 {
			c, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				c.Close()
			}
			return
		}
		sim.ServeHTTP(w, r)
	}))
	defer flaky.Close()
	_ = srv
	cl := newClient(t, flaky.URL, "83012410", "shop", secret, nil)
	if err := cl.Login(context.Background()); err != nil {
		t.Fatalf("after two dropped connections: %v", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String()
	ln.Close()
	cl = newClient(t, refused, "83012410", "shop", secret, nil)
	start := time.Now()
	err = cl.Login(context.Background())
	if err == nil || !strings.Contains(err.Error(), "gave up after 4 attempts") || !strings.Contains(err.Error(), "refused") {
		t.Errorf("refused port: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %s", time.Since(start))
	}
}

// recorder is a host a hostile portal redirects to: it records what it got.
type recorder struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []string // method, path, cookies and body of each request
}

func newRecorder(t *testing.T) *recorder {
	rec := &recorder{}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.seen = append(rec.seen, fmt.Sprintf("%s %s cookie=%q auth=%q body=%q", r.Method, r.URL, r.Header.Get("Cookie"), r.Header.Get("Authorization"), body))
		rec.mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><title>營業人功能選單</title><h1>營業人功能選單</h1></html>")
	}))
	t.Cleanup(rec.srv.Close)
	return rec
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.seen)
}

// A 307 or 308 on the login POST would re-send the form, password and
// captcha answer included, to the host it names; a redirect to another
// origin would carry the session cookie. Neither is followed.
func TestRedirectsKeepCredentialsHome(t *testing.T) {
	evil := newRecorder(t)
	for _, code := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		sim, _ := newSim(t, SimOptions{})
		portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == PathLogin {
				http.Redirect(w, r, evil.srv.URL+"/steal", code)
				return
			}
			sim.ServeHTTP(w, r)
		}))
		cl := newClient(t, portal.URL, "83012410", "shop", secret, nil)
		if err := cl.Login(context.Background()); err == nil {
			t.Errorf("%d to another origin: logged in", code)
		}
		portal.Close()
	}
	if got := evil.requests(); len(got) > 0 {
		t.Errorf("the other origin received: %q", got)
	}

	// After login, a page that redirects to another origin (here another
	// port of the same address, where a cookie jar would send the cookie).
	sim, _ := newSim(t, SimOptions{})
	portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == PathUploads {
			http.Redirect(w, r, evil.srv.URL+"/uploads", http.StatusFound)
			return
		}
		sim.ServeHTTP(w, r)
	}))
	defer portal.Close()
	cl := newClient(t, portal.URL, "83012410", "shop", secret, nil)
	if _, err := cl.Uploads(context.Background(), period); err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Errorf("a redirect to another origin: %v", err)
	}
	if got := evil.requests(); len(got) > 0 {
		t.Errorf("the other origin received: %q", got)
	}
}

func TestRedirectRefusalIsNotRetried(t *testing.T) {
	evil := newRecorder(t)
	var posts atomic.Int32
	sim, _ := newSim(t, SimOptions{})
	portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
			http.Redirect(w, r, evil.srv.URL+"/steal", http.StatusTemporaryRedirect)
			return
		}
		sim.ServeHTTP(w, r)
	}))
	defer portal.Close()
	cl := newClient(t, portal.URL, "83012410", "shop", secret, nil)
	err := cl.Login(context.Background())
	var re *RedirectError
	if !errors.As(err, &re) || posts.Load() != 1 {
		t.Errorf("%d login posts, error %v; want one post and a *RedirectError", posts.Load(), err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the error shows the password: %v", err)
	}
}

package portal

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
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

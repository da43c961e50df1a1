package portalsim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// front is what every origin does first: count, fail on demand, refuse
// HeadlessChrome (as a government firewall does), and, with the gate on,
// challenge any request without clearance as Cloudflare does.
func (s *Simulator) front(next func(http.ResponseWriter, *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.requests++
		if s.failNext > 0 {
			s.failNext--
			http.Error(w, "503 Service Temporarily Unavailable", http.StatusInternalServerError)
			return
		}
		if strings.Contains(r.UserAgent(), "HeadlessChrome") {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, "<!DOCTYPE html><html><head><title>Request Rejected</title></head><body><h1>Request Rejected</h1><p>The requested URL was rejected.</p></body></html>")
			return
		}
		// A preflight carries no cookie: Cloudflare lets it through.
		if s.opts.Gate && r.Method != http.MethodOptions && !s.cleared(r) {
			s.challenge(w, r)
			return
		}
		s.process()
		next(w, r)
		s.save()
	})
}

// cleared reports whether the request carries a clearance this simulator
// gave to the same user agent.
func (s *Simulator) cleared(r *http.Request) bool {
	c, err := r.Cookie(s.lay.Challenge.ClearanceCookie)
	if err != nil {
		return false
	}
	ua, ok := s.clearances[c.Value]
	if !ok {
		// The page's script computed it from a seed we handed out.
		seed, sum, found := strings.Cut(c.Value, ".")
		if !found || !s.seeds[seed] || sum != clearanceSum(seed) {
			return false
		}
		delete(s.seeds, seed)
		s.clearances[c.Value] = r.UserAgent()
		s.secrets = append(s.secrets, c.Value)
		return true
	}
	return ua == r.UserAgent()
}

// clearanceSum is what the challenge page's script computes: a browser
// runs it, a plain HTTP client does not.
func clearanceSum(seed string) string {
	h := uint32(7)
	for _, c := range seed {
		h = h*31 + uint32(c)
	}
	return strconv.FormatUint(uint64(h%1000003), 10)
}

func (s *Simulator) challenge(w http.ResponseWriter, r *http.Request) {
	seed := s.secret(8)
	s.seeds[seed] = true
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set(s.lay.Challenge.Header, s.lay.Challenge.HeaderValue)
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta name="robots" content="noindex,nofollow"></head>
<body><div id="challenge-body"><h1>www.einvoice.nat.gov.tw</h1>
<p>Verifying you are human. This may take a few seconds.</p></div>
<script>
(function () {
  var seed = %q, h = 7;
  for (var i = 0; i < seed.length; i++) h = (Math.imul(h, 31) + seed.charCodeAt(i)) >>> 0;
  document.cookie = %q + "=" + seed + "." + (h %% 1000003) + "; path=/; SameSite=Lax";
  setTimeout(function () { location.reload(); }, 50);
})();
</script>
<noscript>Enable JavaScript and cookies to continue</noscript>
<!-- cf-chl challenge-platform -->
</body></html>`, seed, s.lay.Challenge.ClearanceCookie)
}

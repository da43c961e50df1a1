package portalsim

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/blanktrack/blanktrack/pkg/portal/internal/layout"
	"github.com/blanktrack/blanktrack/pkg/ranges"
)

// Paths of the OAuth2 server that only the simulator's own app uses.
const (
	pathAuth    = "/sso/login/oauth2/auth"
	pathConsent = "/sso/consent/doConsent"
	pathToken   = "/sso/token"
)

// loginOrigin is service-mc: the business login's proxy, the OAuth2
// redirects (login challenge, verifier, consent, code), the captcha, and
// doLogin; the session ends as the sid cookie, and the app exchanges the
// code for the token it keeps.
func (s *Simulator) loginOrigin() http.Handler {
	L := s.lay.Login
	return s.front(func(w http.ResponseWriter, r *http.Request) {
		s.cors(w, r)
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		switch r.URL.Path {
		case L.Proxy:
			q := url.Values{"client_id": {"einvoice-web"}, "response_type": {"code"}, "code_challenge": {s.secret(16)},
				"code_challenge_method": {"S256"}, "login_type": {"b"}}
			http.Redirect(w, r, pathAuth+"?"+q.Encode(), http.StatusFound)
		case pathAuth:
			s.auth(w, r)
		case pathConsent:
			c := r.URL.Query().Get("consent_challenge")
			a := s.consents[c]
			if a == nil {
				s.problem(w, http.StatusForbidden, "The consent request is unknown or expired.")
				return
			}
			delete(s.consents, c)
			v := s.secret(16)
			s.verifiers["consent:"+v] = a
			http.Redirect(w, r, pathAuth+"?consent_verifier="+v, http.StatusFound)
		case L.Captcha:
			token := "L_CAPTCHA_" + s.secret(16)
			s.captchas[token] = s.opts.CaptchaAnswer
			writeJSON(w, http.StatusOK, map[string]string{L.CaptchaToken: token, L.CaptchaImage: base64.StdEncoding.EncodeToString(captchaPNG(s.opts.CaptchaAnswer))})
		case L.DoLogin:
			s.doLogin(w, r)
		case pathToken:
			var body struct{ Code string }
			if json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&body) != nil || s.codes[body.Code] == "" {
				s.problem(w, http.StatusBadRequest, "The authorization code is invalid.")
				return
			}
			token := s.codes[body.Code]
			delete(s.codes, body.Code)
			writeJSON(w, http.StatusOK, map[string]string{"token": token})
		default:
			s.problem(w, http.StatusNotFound, "Not Found")
		}
	})
}

// auth is the OAuth2 endpoint: without a verifier it starts a login (to
// the app's login page with a login_challenge); with a login verifier it
// asks for consent; with a consent verifier it opens the session and
// sends the browser to the dashboard with a code.
func (s *Simulator) auth(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case q.Get("login_verifier") != "":
		a := s.verifiers["login:"+q.Get("login_verifier")]
		if a == nil {
			s.problem(w, http.StatusForbidden, "The login request is unknown or expired.")
			return
		}
		delete(s.verifiers, "login:"+q.Get("login_verifier"))
		c := s.secret(16)
		s.consents[c] = a
		http.Redirect(w, r, pathConsent+"?consent_challenge="+c, http.StatusFound)
	case q.Get("consent_verifier") != "":
		a := s.verifiers["consent:"+q.Get("consent_verifier")]
		if a == nil {
			s.problem(w, http.StatusForbidden, "The consent request is unknown or expired.")
			return
		}
		delete(s.verifiers, "consent:"+q.Get("consent_verifier"))
		prefix := "CU"
		token := prefix + s.jwt(map[string]any{"sub": string(a.Ban), "user": a.User, "iat": s.opts.Now().Unix()})
		s.secrets = append(s.secrets, token)
		s.sessions[token] = &session{ban: a.Ban, issued: s.opts.Now()}
		code := s.secret(16)
		s.codes[code] = token
		http.SetCookie(w, &http.Cookie{Name: s.lay.Session.Cookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, s.lay.Origins.WWW+s.lay.Login.Start+"?code="+code, http.StatusFound)
	default:
		c := s.secret(16)
		s.challenges[c] = true
		http.Redirect(w, r, s.lay.Origins.WWW+s.lay.Login.Page+"?"+url.Values{s.lay.Login.ChallengeParam: {c}}.Encode(), http.StatusFound)
	}
}

// doLogin takes the business login's JSON. A wrong captcha may be tried
// again with a new one; a wrong password counts, and five lock the account.
func (s *Simulator) doLogin(w http.ResponseWriter, r *http.Request) {
	L, B := s.lay.Login, s.lay.Login.Body
	if r.Method != http.MethodPost {
		s.problem(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	var body map[string]string
	if json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10)).Decode(&body) != nil {
		s.problem(w, http.StatusBadRequest, "Bad Request")
		return
	}
	if body[B.LoginType] != L.LoginType || body[B.UserType] != L.UserType || !s.challenges[body[B.Challenge]] {
		s.problem(w, http.StatusBadRequest, "The login request is invalid or expired, please try again.")
		return
	}
	answer, ok := s.captchas[body[B.CaptchaToken]]
	delete(s.captchas, body[B.CaptchaToken]) // one use
	if !ok || strings.TrimSpace(body[B.Captcha]) != answer {
		s.problem(w, http.StatusBadRequest, s.lay.Session.CaptchaRefused)
		return
	}
	ban, _ := ranges.ParseBan(body[B.Ban])
	a := s.account(ban)
	if a != nil && s.wrongPass[ban] >= 5 {
		s.problem(w, http.StatusForbidden, "The account is locked, please contact the service center.")
		return
	}
	if a == nil || a.User != body[B.User] || a.Password != body[B.Password] {
		if a != nil {
			s.wrongPass[ban]++
		}
		s.problem(w, http.StatusBadRequest, "The username or password is incorrect, please try again.")
		return
	}
	delete(s.challenges, body[B.Challenge])
	v := s.secret(16)
	s.verifiers["login:"+v] = a
	writeJSON(w, http.StatusOK, map[string]string{L.RedirectTo: layout.URL(s.lay.Origins.Login, pathAuth, url.Values{"login_verifier": {v}})})
}

// cors lets the app on www call this origin with credentials.
func (s *Simulator) cors(w http.ResponseWriter, r *http.Request) {
	if o := r.Header.Get("Origin"); o != "" && o == s.lay.Origins.WWW {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", o)
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		h.Set("Access-Control-Expose-Headers", "Content-Disposition")
		h.Set("Vary", "Origin")
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// problem answers as the portal does: JSON problem details.
func (s *Simulator) problem(w http.ResponseWriter, status int, title string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{s.lay.Session.ErrorField: title, "status": status})
}

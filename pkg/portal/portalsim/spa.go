package portalsim

import (
	"embed"
	"encoding/json"
	"net/http"
	"strings"
)

//go:embed spa
var spaFiles embed.FS

// www is the single-page app: its HTML for every page address, its script,
// and its configuration (the layout, so that the app calls the API exactly
// as the client does).
func (s *Simulator) www() http.Handler {
	return s.front(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		switch {
		case r.URL.Path == "/app.js":
			data, _ := spaFiles.ReadFile("spa/app.js")
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			w.Write(data)
		case r.URL.Path == "/config.js":
			cfg, _ := json.Marshal(map[string]any{"layout": s.lay, "tokenExchange": s.lay.Origins.Login + pathToken})
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			w.Write([]byte("window.PORTAL = " + string(cfg) + ";\n"))
		case r.URL.Path == "/" || strings.HasPrefix(r.URL.Path, "/accounts/") || strings.HasPrefix(r.URL.Path, "/dashboard/") || r.URL.Path == s.lay.Login.Page:
			data, _ := spaFiles.ReadFile("spa/index.html")
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(data)
		default:
			http.NotFound(w, r)
		}
	})
}

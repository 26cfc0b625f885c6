package web

import (
	"embed"
	"net/http"
	"path"
	"strings"
)

//go:embed index.html assets
var files embed.FS

// CSP is the Content-Security-Policy of every UI response: no inline
// scripts or styles, and no origin but this server's.
const CSP = "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; " +
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// contentTypes maps the asset extensions the UI uses to their types.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
}

// Index serves the UI's single page.
func Index(w http.ResponseWriter, r *http.Request) { serve(w, r, "index.html") }

// Asset serves the file /assets/NAME; names with a slash or an unknown
// extension are not found.
func Asset(w http.ResponseWriter, r *http.Request, name string) {
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		http.NotFound(w, r)
		return
	}
	serve(w, r, "assets/"+name)
}

func serve(w http.ResponseWriter, r *http.Request, name string) {
	ct, ok := contentTypes[path.Ext(name)]
	b, err := files.ReadFile(name)
	if !ok || err != nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	SetSecurityHeaders(h)
	h.Set("Content-Type", ct)
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

// SetSecurityHeaders sets the headers every UI response carries.
func SetSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}

package web

import (
	"embed"
	"net/http"
	"path"
	"strings"
)

//go:embed apidocs/index.html apidocs/init.js apidocs/missing.html apidocs/vendor
var apidocs embed.FS

// DocsCSP is the Content-Security-Policy of the API reference at /docs: as
// strict as the UI's (no inline script or style, nothing from elsewhere);
// TestDocsBrowser renders the reference under it with no violation.
const DocsCSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; " +
	"script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// docsFiles are the files /docs/NAME serves: ours and the vendored bundle.
var docsFiles = map[string]string{
	"init.js":              "apidocs/init.js",
	"swagger-ui-bundle.js": "apidocs/vendor/swagger-ui-bundle.js",
	"swagger-ui.css":       "apidocs/vendor/swagger-ui.css",
	"LICENSE":              "apidocs/vendor/LICENSE",
	"NOTICE":               "apidocs/vendor/NOTICE",
}

// DocsBundled reports whether this build embeds Swagger UI (make build
// vendors it); without it /docs explains where the OpenAPI document is.
func DocsBundled() bool {
	_, err := apidocs.ReadFile(docsFiles["swagger-ui-bundle.js"])
	return err == nil
}

// DocsIndex serves the API reference page, which renders /openapi.yaml.
func DocsIndex(w http.ResponseWriter, r *http.Request) {
	name := "apidocs/index.html"
	if !DocsBundled() {
		name = "apidocs/missing.html"
	}
	serveDocs(w, r, name)
}

// DocsAsset serves /docs/NAME: the page's script, Swagger UI's bundle and
// stylesheet, and their licence files; anything else is not found.
func DocsAsset(w http.ResponseWriter, r *http.Request, name string) {
	file, ok := docsFiles[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	serveDocs(w, r, file)
}

func serveDocs(w http.ResponseWriter, r *http.Request, name string) {
	b, err := apidocs.ReadFile(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	ct, ok := contentTypes[path.Ext(name)]
	if !ok || strings.HasPrefix(path.Base(name), "LICENSE") || strings.HasPrefix(path.Base(name), "NOTICE") {
		ct = "text/plain; charset=utf-8"
	}
	h := w.Header()
	SetSecurityHeaders(h)
	h.Set("Content-Security-Policy", DocsCSP)
	h.Set("Content-Type", ct)
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

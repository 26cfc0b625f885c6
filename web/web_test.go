package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
)

// TestServe checks the files, their types and the security headers.
func TestServe(t *testing.T) {
	checkFiles(t, CSP, []fileCase{
		{name: "index", serve: Index, status: 200, ctype: "text/html; charset=utf-8"},
		{name: "js", serve: named(Asset, "app.js"), status: 200, ctype: "text/javascript; charset=utf-8"},
		{name: "css", serve: named(Asset, "app.css"), status: 200, ctype: "text/css; charset=utf-8"},
		{name: "missing", serve: named(Asset, "nope.js"), status: 404},
		{name: "traversal", serve: named(Asset, "../web.go"), status: 404},
		{name: "go source", serve: named(Asset, "web.go"), status: 404},
	})
}

// fileCase is a handler and the answer it must give to a GET.
type fileCase struct {
	name   string
	serve  http.HandlerFunc
	status int
	ctype  string // for a 200
}

// named is the handler that serves the file name through serve.
func named(serve func(http.ResponseWriter, *http.Request, string), name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { serve(w, r, name) }
}

// checkFiles runs each case's handler on a GET and checks its status and,
// for a 200, its content type, csp and other security headers.
func checkFiles(t *testing.T, csp string, cases []fileCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			tt.serve(w, httptest.NewRequest(http.MethodGet, "/", nil))
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d", w.Code, tt.status)
			}
			if tt.status != 200 {
				return
			}
			h := w.Header()
			if got := h.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if got := h.Get("Content-Security-Policy"); got != csp {
				t.Errorf("CSP %q", got)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("headers %v", h)
			}
		})
	}
}

// TestNoInline fails when the page has inline script or style, which the
// CSP blocks.
func TestNoInline(t *testing.T) {
	b, err := files.ReadFile("index.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, re := range []string{`<script(?:\s+type="module")?>`, `<style`, `\sstyle=`, `\son[a-z]+=`} {
		if regexp.MustCompile(re).Match(b) {
			t.Errorf("index.html matches %s: the CSP blocks inline code", re)
		}
	}
}

// TestDocs checks the API reference's files, types and security headers.
// make build vendors Swagger UI; without it the page points to the
// OpenAPI document instead.
func TestDocs(t *testing.T) {
	if !DocsBundled() {
		t.Fatal("Swagger UI is not vendored in web/apidocs/vendor: run make apidocs (make build and make test do)")
	}
	checkFiles(t, DocsCSP, []fileCase{
		{name: "page", serve: DocsIndex, status: 200, ctype: "text/html; charset=utf-8"},
		{name: "init", serve: named(DocsAsset, "init.js"), status: 200, ctype: "text/javascript; charset=utf-8"},
		{name: "bundle", serve: named(DocsAsset, "swagger-ui-bundle.js"), status: 200, ctype: "text/javascript; charset=utf-8"},
		{name: "css", serve: named(DocsAsset, "swagger-ui.css"), status: 200, ctype: "text/css; charset=utf-8"},
		{name: "licence", serve: named(DocsAsset, "LICENSE"), status: 200, ctype: "text/plain; charset=utf-8"},
		{name: "readme not served", serve: named(DocsAsset, "README.md"), status: 404},
		{name: "traversal", serve: named(DocsAsset, "../web.go"), status: 404},
		{name: "unknown", serve: named(DocsAsset, "swagger-ui.js"), status: 404},
	})
}

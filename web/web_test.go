package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
)

// TestServe checks the files, their types and the security headers.
func TestServe(t *testing.T) {
	tests := []struct {
		name, asset string
		index       bool
		status      int
		ctype       string
	}{
		{name: "index", index: true, status: 200, ctype: "text/html; charset=utf-8"},
		{name: "js", asset: "app.js", status: 200, ctype: "text/javascript; charset=utf-8"},
		{name: "css", asset: "app.css", status: 200, ctype: "text/css; charset=utf-8"},
		{name: "missing", asset: "nope.js", status: 404},
		{name: "traversal", asset: "../web.go", status: 404},
		{name: "go source", asset: "web.go", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.index {
				Index(w, r)
			} else {
				Asset(w, r, tt.asset)
			}
			checkServed(t, w, tt.status, tt.ctype, CSP)
			if tt.status == 200 && w.Header().Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("headers %v", w.Header())
			}
		})
	}
}

// checkServed checks a response's status and, for a 200, its content type,
// CSP and nosniff header.
func checkServed(t *testing.T, w *httptest.ResponseRecorder, status int, ctype, csp string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d", w.Code, status)
	}
	if status != 200 {
		return
	}
	if got := w.Header().Get("Content-Type"); got != ctype {
		t.Errorf("Content-Type %q, want %q", got, ctype)
	}
	if got := w.Header().Get("Content-Security-Policy"); got != csp {
		t.Errorf("CSP %q", got)
	}
	if w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", w.Header())
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
	tests := []struct {
		name, file string
		status     int
		ctype      string
	}{
		{name: "page", status: 200, ctype: "text/html; charset=utf-8"},
		{name: "init", file: "init.js", status: 200, ctype: "text/javascript; charset=utf-8"},
		{name: "bundle", file: "swagger-ui-bundle.js", status: 200, ctype: "text/javascript; charset=utf-8"},
		{name: "css", file: "swagger-ui.css", status: 200, ctype: "text/css; charset=utf-8"},
		{name: "licence", file: "LICENSE", status: 200, ctype: "text/plain; charset=utf-8"},
		{name: "readme not served", file: "README.md", status: 404},
		{name: "traversal", file: "../web.go", status: 404},
		{name: "unknown", file: "swagger-ui.js", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			r := httptest.NewRequest(http.MethodGet, "/docs", nil)
			if tt.file == "" {
				DocsIndex(w, r)
			} else {
				DocsAsset(w, r, tt.file)
			}
			checkServed(t, w, tt.status, tt.ctype, DocsCSP)
		})
	}
}

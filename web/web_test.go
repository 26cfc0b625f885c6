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
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d", w.Code, tt.status)
			}
			if tt.status != 200 {
				return
			}
			if got := w.Header().Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if got := w.Header().Get("Content-Security-Policy"); got != CSP {
				t.Errorf("CSP %q", got)
			}
			if w.Header().Get("X-Content-Type-Options") != "nosniff" || w.Header().Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("headers %v", w.Header())
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

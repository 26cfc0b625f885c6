package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestDocsBrowser renders the API reference at /docs in Chromium: the
// embedded Swagger UI loads /openapi.yaml and lists the operations, with no
// console error, failed request or Content-Security-Policy violation.
func TestDocsBrowser(t *testing.T) {
	h := newHarness(t, harnessOpts{noPool: true})
	r := h.do(http.MethodGet, "/docs", "", "", nil)
	if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Security-Policy"), "script-src 'self'") ||
		!strings.Contains(string(r.body), "swagger-ui-bundle.js") {
		t.Fatalf("GET /docs: %d, CSP %q; want the Swagger UI page (make build vendors it)", r.status, r.header.Get("Content-Security-Policy"))
	}

	ctx, be := newBrowser(t)
	// Record CSP violations from the first script on.
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`,
	}); err != nil {
		t.Fatalf("install CSP listener: %v", err)
	}
	do(ctx, t, "open /docs", chromedp.Navigate(h.base+"/docs"))
	waitJS(ctx, t, `[...document.querySelectorAll('.opblock-summary-path')].some(e => e.textContent.includes('/v1/transcriptions/{id}/deliveries')) ? 'y' : 'n'`, "y", 60*time.Second)
	title := get(ctx, t, chromedp.Evaluate[string](`document.querySelector('.info .title') ? document.querySelector('.info .title').textContent : ''`))
	if !strings.Contains(title, "InstantTranscriber") {
		t.Errorf("reference title = %q", title)
	}
	if v := get(ctx, t, chromedp.Evaluate[string](`window.__csp.join('; ')`)); v != "" {
		t.Errorf("Content-Security-Policy violations: %s", v)
	}
	// The listener does see violations: an inline style attribute is one.
	get(ctx, t, chromedp.Evaluate[bool](`document.body.setAttribute('style', 'color: red'), true`))
	waitJS(ctx, t, `window.__csp.length > 0 ? 'y' : 'n'`, "y", 10*time.Second)
	for _, e := range be.list() {
		t.Errorf("browser: %s", e)
	}
}

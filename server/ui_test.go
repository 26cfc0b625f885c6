//go:build whisper

package server_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestUIBrowser drives the UI in a real Chromium against the real server:
// sign-in errors, upload, live progress, transcript, downloads, cancel and
// sign-out, failing on any console error or failed request.
func TestUIBrowser(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	ctx, be := newBrowser(t)
	t.Cleanup(func() {
		for _, e := range be.list() {
			t.Errorf("browser: %s", e)
		}
	})

	// The page carries the security headers.
	r := h.do(http.MethodGet, "/", "", "", nil)
	if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Security-Policy"), "script-src 'self'") ||
		r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("GET /: %d, headers %v", r.status, r.header)
	}

	// A bad key shows the server's message.
	bad := h.do(http.MethodGet, "/v1/usage", "itk_not_a_key", "", nil).json(t)["error"].(map[string]any)["message"].(string)
	do(ctx, t, "bad key",
		chromedp.Navigate(h.base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#signin-key")),
		chromedp.SendKeys(chromedp.CSS("#signin-key"), "itk_not_a_key"),
		chromedp.Click(chromedp.CSS("#signin-form button[type=submit]")),
	)
	waitJS(ctx, t, `document.getElementById('signin-error').textContent.length > 0 ? 'y' : 'n'`, "y", 10*time.Second)
	if shown := get(ctx, t, chromedp.TextContent(chromedp.CSS("#signin-error"))); shown != bad {
		t.Errorf("bad key shows %q, want the server's %q", shown, bad)
	}

	// Sign in; the key is in sessionStorage, not the URL.
	do(ctx, t, "sign in",
		chromedp.SetValue(chromedp.CSS("#signin-key"), h.userKey),
		chromedp.Click(chromedp.CSS("#signin-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#view-home")),
	)
	url := get(ctx, t, chromedp.Location())
	stored := get(ctx, t, chromedp.Evaluate[string](`sessionStorage.getItem('instanttranscriber.key') || ''`))
	if stored != h.userKey || strings.Contains(url, h.userKey) {
		t.Fatalf("after sign-in: url %q, sessionStorage %q", url, stored)
	}

	// Upload jfk.wav through the file input and watch it complete in the
	// list, without a reload (the marker survives).
	abs, err := filepath.Abs(jfkPath)
	if err != nil {
		t.Fatal(err)
	}
	get(ctx, t, chromedp.Evaluate[bool](`window.__noReload = true`))
	do(ctx, t, "upload",
		chromedp.SetValue(chromedp.CSS("#new-language"), "en"),
		chromedp.SetUploadFiles(chromedp.CSS("#new-file"), []string{abs}),
		chromedp.Click(chromedp.CSS("#new-submit")),
	)
	waitJS(ctx, t, `(document.querySelector('#jobs tbody tr') || {dataset: {}}).dataset.status || ''`, "completed", 2*time.Minute)
	waitJS(ctx, t, `document.getElementById('new-progress').value + '/' + window.__noReload`, "100/true", time.Second)

	// Open it: the transcript is there, and the srt link downloads cues.
	do(ctx, t, "open job",
		chromedp.Click(chromedp.CSS("#jobs tbody tr a")),
		chromedp.WaitVisible(chromedp.CSS("#job-segments li")),
	)
	text := get(ctx, t, chromedp.Text(chromedp.CSS("#job-segments")))
	if !strings.Contains(strings.ToLower(text), "ask not what your country") {
		t.Errorf("transcript shown: %q", text)
	}
	srtURL := get(ctx, t, chromedp.Evaluate[string](`document.querySelector('#job-downloads a[data-format=srt]').href`))
	shot := get(ctx, t, chromedp.FullScreenshot(100))
	dir := os.Getenv("TEST_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	shotPath := filepath.Join(dir, "ui-job-detail.png")
	if err := os.WriteFile(shotPath, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("job detail screenshot: %s", shotPath)
	resp, err := http.Get(srtURL)
	if err != nil {
		t.Fatal(err)
	}
	srt, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(srt), "00:00:00,000 --> ") {
		t.Errorf("GET %s: %d %q", srtURL, resp.StatusCode, srt)
	}

	// Cancel a long job from its page (confirm() is accepted).
	cr := h.upload(h.userKey, jfk(t, 30), nil)
	if cr.status != http.StatusAccepted {
		t.Fatalf("create long job: %d %s", cr.status, cr.body)
	}
	id := cr.json(t)["id"].(string)
	do(ctx, t, "open long job",
		chromedp.Navigate(h.base+"/#/jobs/"+id),
		chromedp.WaitVisible(chromedp.CSS("#job-cancel")),
		chromedp.Click(chromedp.CSS("#job-cancel")),
	)
	waitJS(ctx, t, `document.getElementById('job-status').textContent`, "canceled", 20*time.Second)
	if got := h.wait(h.userKey, id, 10*time.Second, terminal)["status"]; got != "canceled" {
		t.Errorf("long job status %v, want canceled", got)
	}

	// Sign out clears the key.
	do(ctx, t, "sign out",
		chromedp.Click(chromedp.CSS("#signout")),
		chromedp.WaitVisible(chromedp.CSS("#view-signin")),
	)
	if stored := get(ctx, t, chromedp.Evaluate[string](`sessionStorage.getItem('instanttranscriber.key') || ''`)); stored != "" {
		t.Errorf("after sign-out sessionStorage holds %q", stored)
	}
}

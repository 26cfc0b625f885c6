//go:build whisper

package server_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestUIPlayerAndSpeakers drives the job page in Chromium: the player
// plays the retained audio, a click on a segment seeks to it and
// highlights it, and renaming a speaker inline shows the name in the page
// and in the srt download.
func TestUIPlayerAndSpeakers(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	r := h.upload(h.userKey, jfk(t, 2), map[string]string{"language": "en", "speaker_labels": "true", "retain_audio": "true"})
	if r.status != http.StatusAccepted {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	j := h.wait(h.userKey, id, 2*time.Minute, terminal)
	segs, _ := j["segments"].([]any)
	if j["status"] != "completed" || len(segs) < 2 {
		t.Fatalf("job ended %v with %d segments; want completed with at least 2", j["status"], len(segs))
	}
	target := len(segs) - 1
	start := segs[target].(map[string]any)["start"].(float64)
	if start < 1 {
		t.Fatalf("last segment starts at %v s; want one well into the audio", start)
	}

	ctx, be := newBrowser(t)
	t.Cleanup(func() {
		for _, e := range be.list() {
			t.Errorf("browser: %s", e)
		}
	})
	do(ctx, t, "sign in",
		chromedp.Navigate(h.base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#signin-key")),
		chromedp.SetValue(chromedp.CSS("#signin-key"), h.userKey),
		chromedp.Click(chromedp.CSS("#signin-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#view-home")),
		chromedp.Navigate(h.base+"/#/jobs/"+id),
		chromedp.WaitVisible(chromedp.CSS("#job-segments li button.seek")),
		chromedp.WaitVisible(chromedp.CSS("#job-audio")),
	)
	// The player loads the audio through the signed URL.
	waitJS(ctx, t, `document.getElementById('job-audio').readyState >= 1 ? 'ready' : 'loading'`, "ready", 30*time.Second)
	if src := get(ctx, t, chromedp.Evaluate[string](`document.getElementById('job-audio').getAttribute('src')`)); !strings.Contains(src, "/v1/transcriptions/"+id+"/audio?") || !strings.Contains(src, "sig=") {
		t.Errorf("audio src = %q, want the signed audio URL", src)
	}

	// A click on the last segment's time seeks there and highlights it.
	sel := `#job-segments li:nth-child(` + strconv.Itoa(target+1) + `) button.seek`
	do(ctx, t, "seek", chromedp.Click(chromedp.CSS(sel)))
	waitJS(ctx, t, `(() => { const a = document.getElementById('job-audio'); return Math.abs(a.currentTime - `+
		strconv.FormatFloat(start, 'f', 3, 64)+`) < 1.5 ? 'at' : String(a.currentTime); })()`, "at", 10*time.Second)
	waitJS(ctx, t, `String([...document.querySelectorAll('#job-segments li')].findIndex(li => li.classList.contains('current')))`,
		strconv.Itoa(target), 10*time.Second)

	// Rename speaker A inline; the page and the srt download show the name.
	do(ctx, t, "rename",
		chromedp.Click(chromedp.CSS(`#job-segments button.rename[data-label="A"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#job-segments input.spk-edit`)),
		chromedp.SendKeys(chromedp.CSS(`#job-segments input.spk-edit`), "Ana Ruiz"+kb.Enter),
	)
	waitJS(ctx, t, `(document.querySelector('#job-segments button.rename[data-label="A"]') || {}).textContent || ''`, "Ana Ruiz", 10*time.Second)
	srtURL := get(ctx, t, chromedp.Evaluate[string](`document.querySelector('#job-downloads a[data-format=srt]').href`))
	resp, err := http.Get(srtURL)
	if err != nil {
		t.Fatal(err)
	}
	srt, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(srt), "[Ana Ruiz] ") {
		t.Errorf("srt download after the rename: %d %q, want [Ana Ruiz] cues", resp.StatusCode, srt)
	}
}

//go:build whisper

package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestCaptionParams shapes srt and vtt cues with max_line_length,
// max_lines and max_cue_duration, by key and by a signed URL whose
// signature covers them, and refuses bad values with invalid_request.
func TestCaptionParams(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	r := h.upload(h.userKey, jfk(t, 1), nil)
	if r.status != http.StatusAccepted {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	if j := h.wait(h.userKey, id, 60*time.Second, terminal); j["status"] != "completed" {
		t.Fatalf("job ended %v", j["status"])
	}
	path := "/v1/transcriptions/" + id

	def := h.do(http.MethodGet, path+"/export.srt", h.userKey, "", nil)
	const q = "?max_line_length=20&max_lines=1&max_cue_duration=2.5"
	narrow := h.do(http.MethodGet, path+"/export.srt"+q, h.userKey, "", nil)
	if def.status != http.StatusOK || narrow.status != http.StatusOK {
		t.Fatalf("export.srt: %d / %d %s", def.status, narrow.status, narrow.body)
	}
	checkCues(t, string(narrow.body), 20, 1, 2500*time.Millisecond)
	if cues(string(narrow.body)) <= cues(string(def.body)) {
		t.Errorf("narrow captions have %d cues, the default %d; want more", cues(string(narrow.body)), cues(string(def.body)))
	}
	if !strings.Contains(strings.ToLower(strings.Join(strings.Fields(textOf(string(narrow.body))), " ")), "ask not what your country") {
		t.Errorf("narrow srt lost words: %s", narrow.body)
	}

	for _, bad := range []string{
		"/export.srt?max_line_length=5", "/export.srt?max_line_length=201", "/export.srt?max_line_length=x",
		"/export.vtt?max_lines=0", "/export.vtt?max_lines=11", "/export.srt?max_lines=1&max_lines=2",
		"/export.srt?max_cue_duration=0.5", "/export.srt?max_cue_duration=61", "/export.srt?max_cue_duration=NaN",
		"/export.txt?max_lines=1", "/export.json?max_line_length=30",
	} {
		got := h.do(http.MethodGet, path+bad, h.userKey, "", nil)
		if got.status != http.StatusBadRequest || got.errorCode(t) != "invalid_request" {
			t.Errorf("GET %s: %d %s, want 400 invalid_request", bad, got.status, got.body)
		}
	}

	// Signed URLs carry the parameters, and the signature covers them.
	j := h.do(http.MethodGet, path+q, h.userKey, "", nil).json(t)
	urls := j["download_urls"].(map[string]any)
	for _, f := range []string{"srt", "vtt"} {
		signed := urls[f].(string)
		if !strings.Contains(signed, "max_lines=1") || !strings.Contains(signed, "sig=") {
			t.Fatalf("download_urls.%s = %q, want the caption parameters and a signature", f, signed)
		}
		got := h.do(http.MethodGet, signed, "", "", nil)
		if got.status != http.StatusOK {
			t.Fatalf("signed %s: %d %s", f, got.status, got.body)
		}
		checkCues(t, string(got.body), 20, 1, 2500*time.Millisecond)
		tampered := strings.Replace(signed, "max_lines=1", "max_lines=2", 1)
		if got := h.do(http.MethodGet, tampered, "", "", nil); got.status != http.StatusForbidden {
			t.Errorf("signed %s with max_lines changed: %d, want 403", f, got.status)
		}
	}
	plain := h.do(http.MethodGet, path, h.userKey, "", nil).json(t)["download_urls"].(map[string]any)["srt"].(string)
	if got := h.do(http.MethodGet, plain+"&max_lines=1", "", "", nil); got.status != http.StatusForbidden {
		t.Errorf("parameter added to a signed URL without it: %d, want 403", got.status)
	}
}

var cueTimes = regexp.MustCompile(`(\d\d):(\d\d):(\d\d)[,.](\d\d\d) --> (\d\d):(\d\d):(\d\d)[,.](\d\d\d)`)

// cues counts the cues of an srt or vtt file.
func cues(s string) int { return len(cueTimes.FindAllString(s, -1)) }

// textOf returns the cue text lines of an srt or vtt file.
func textOf(s string) string {
	var out []string
	for _, block := range strings.Split(s, "\n\n") {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		for i, l := range lines {
			if cueTimes.MatchString(l) {
				out = append(out, lines[i+1:]...)
			}
		}
	}
	return strings.Join(out, "\n")
}

// checkCues checks that every cue of an srt or vtt file has at most lines
// lines of at most width runes and lasts at most d.
func checkCues(t *testing.T, s string, width, lines int, d time.Duration) {
	t.Helper()
	ms := func(m []string, i int) time.Duration {
		var v [4]int
		for k := range v {
			for _, c := range m[i+k] {
				v[k] = v[k]*10 + int(c-'0')
			}
		}
		return time.Duration(((v[0]*60+v[1])*60+v[2])*1000+v[3]) * time.Millisecond
	}
	for _, block := range strings.Split(s, "\n\n") {
		ls := strings.Split(strings.TrimSpace(block), "\n")
		for i, l := range ls {
			m := cueTimes.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			if got := ms(m, 5) - ms(m, 1); got > d {
				t.Errorf("cue %q lasts %v, want at most %v", l, got, d)
			}
			text := ls[i+1:]
			if len(text) > lines {
				t.Errorf("cue has %d lines, want at most %d: %q", len(text), lines, text)
			}
			for _, tl := range text {
				if n := utf8.RuneCountInString(tl); n > width {
					t.Errorf("line %q has %d characters, want at most %d", tl, n, width)
				}
			}
		}
	}
}

package jobs

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/failure"
	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/netguard/netguardtest"
	"github.com/instanttranscriber/instanttranscriber/store"
)

func TestURLImport(t *testing.T) {
	wav := jfkWAV(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/jfk.wav" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "audio/wav")
		http.ServeContent(w, r, "jfk.wav", time.Time{}, bytes.NewReader(wav))
	}))
	t.Cleanup(srv.Close)

	tests := []struct {
		name     string
		path     string
		quota    int64
		maxBytes int64
		guarded  bool // a client that refuses private networks
		reserved float64
		retain   bool
		want     store.Status
		code     string
		message  string
	}{
		{name: "completed", path: "/jfk.wav?token=abc", quota: 3600, retain: true, want: store.Completed},
		{name: "not found", path: "/missing.wav", want: store.Failed, code: failure.DownloadFailed, message: "404 Not Found"},
		{name: "too large", path: "/jfk.wav", maxBytes: 1000, want: store.Failed, code: failure.PayloadTooLarge, message: "1000 B"},
		{name: "over quota", path: "/jfk.wav", quota: 5, want: store.Failed, code: failure.QuotaExceeded, message: "monthly quota of 5s"},
		// 11 s fit in 14 s, but not beside 5 s reserved by a processing job.
		{name: "over quota with reservations", path: "/jfk.wav", quota: 14, reserved: 5, want: store.Failed, code: failure.QuotaExceeded, message: "5s reserved by other jobs"},
		{name: "blocked", path: "/jfk.wav", guarded: true, want: store.Failed, code: failure.URLBlocked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			st := newStore(t, nil)
			key := newKey(t, st, tt.quota)
			job := createJob(t, st, store.Job{KeyID: key.ID, RetainAudio: tt.retain, Source: store.Source{URL: srv.URL + tt.path, Filename: "jfk.wav"}})
			if tt.reserved > 0 {
				holdReservation(t, st, key.ID, tt.reserved)
			}
			cfg := testConfig(dir)
			if tt.maxBytes > 0 {
				cfg.MaxDownloadBytes = tt.maxBytes
			}
			client := netguard.NewClient(netguard.Config{AllowPrivateNetworks: !tt.guarded})
			logger, logs := newLogger(t)
			p := startPool(t, cfg, st, client, logger)

			got := waitFinished(t, st, job.ID)
			if err := p.Stop(t.Context()); err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.want {
				t.Fatalf("job = %s, error %+v; want %s", got.Status, got.Error, tt.want)
			}
			if tt.want == store.Failed {
				if got.Error == nil || got.Error.Code != tt.code || !strings.Contains(got.Error.Message, tt.message) {
					t.Errorf("error = %+v; want code %s, message containing %q", got.Error, tt.code, tt.message)
				}
				if strings.Contains(got.Error.Message, srv.URL) {
					t.Errorf("message %q names the URL", got.Error.Message)
				}
				if used, _ := st.Usage(key.ID, time.Now()); used != 0 {
					t.Errorf("usage = %v; want nothing charged", used)
				}
			}
			if tt.want == store.Completed {
				raw, _ := st.GetTranscript(job.ID)
				if !strings.Contains(normalize(string(raw)), jfkPhrase) {
					t.Errorf("transcript lacks the phrase: %s", raw)
				}
				want := store.Source{AudioPath: filepath.Join(dir, job.ID+".audio"), URL: job.Source.URL, Filename: "jfk.wav", Size: int64(len(wav))}
				if got.Source != want {
					t.Errorf("source = %+v; want %+v", got.Source, want)
				}
				if b, err := os.ReadFile(filepath.Join(dir, job.ID+".audio")); err != nil || !bytes.Equal(b, wav) {
					t.Errorf("retained download: %d bytes, %v; want the %d served", len(b), err, len(wav))
				}
				if got.AudioDuration.Round(time.Millisecond) != 11*time.Second {
					t.Errorf("audio duration = %v; want 11s", got.AudioDuration)
				}
				if u, _ := st.QuotaUsage(key.ID, time.Now()); u.UsedSeconds < 10.9 || u.UsedSeconds > 11.1 || u.ReservedSeconds != 0 {
					t.Errorf("usage = %+v; want about 11 s used, nothing reserved", u)
				}
				if strings.Contains(logs.String(), "token=abc") {
					t.Error("the URL's query was logged")
				}
			}
			// Nothing but a retained download is left in the directory.
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if !(tt.retain && e.Name() == job.ID+".audio") {
					t.Errorf("left in the audio directory: %s", e.Name())
				}
			}
		})
	}
}

func TestDownloadFailureMessages(t *testing.T) {
	p := &Pool{cfg: DefaultConfig().withDefaults()}
	tests := []struct {
		err     error
		code    string
		message string
	}{
		{&netguard.StatusError{Code: 503}, failure.DownloadFailed, "the URL answered HTTP 503 Service Unavailable"},
		{errors.New("dial tcp: connection refused"), failure.DownloadFailed, "the audio could not be downloaded from the URL"},
		{netguard.ErrTooManyRedirects, failure.DownloadFailed, "the URL redirected too many times"},
		{netguard.ErrScheme, failure.InvalidURL, "the URL is not a valid http or https URL"},
		{netguard.ErrTooLarge, failure.PayloadTooLarge, "the download is larger than the limit of 1 GiB"},
	}
	for _, tt := range tests {
		got := p.downloadFailure(tt.err)
		if got.Code != tt.code || got.Message != tt.message {
			t.Errorf("downloadFailure(%v) = %s %q; want %s %q", tt.err, got.Code, got.Message, tt.code, tt.message)
		}
	}
}

// holdReservation creates a job for keyID that holds secs of its quota for
// as long as the test runs: a URL import (reserving secs as an upload of
// that length would) whose server sends headers and then nothing, so a
// download worker keeps it processing, and its reservation active, while
// the job under test is downloaded and checked beside it.
func holdReservation(t *testing.T, st *store.Store, keyID string, secs float64) {
	t.Helper()
	stall := make(chan struct{})
	close(stall)
	srv := netguardtest.TrickleServer(t, time.Hour, stall)
	job := store.Job{KeyID: keyID, Source: store.Source{URL: srv.URL + "/stalled.wav", Filename: "stalled.wav"}}
	if _, _, err := st.CreateJob(job, store.CreateLimits{ProbedSeconds: secs}); err != nil {
		t.Fatal(err)
	}
}

// TestSlowImportDoesNotHoldWorker: with one transcription worker, an upload
// completes while a URL import is stuck on a server that trickles its
// body; the import then fails on the idle deadline once the server stalls.
func TestSlowImportDoesNotHoldWorker(t *testing.T) {
	stall := make(chan struct{})
	srv := netguardtest.TrickleServer(t, 100*time.Millisecond, stall)
	dir := t.TempDir()
	st := newStore(t, nil)
	slow := createJob(t, st, store.Job{Source: store.Source{URL: srv.URL + "/slow.wav", Filename: "slow.wav"}})
	upload := addUpload(t, st, dir, store.Job{}, jfkWAV(t))
	cfg := testConfig(dir)
	cfg.DownloadIdleTimeout = time.Second
	logger, _ := newLogger(t)
	startPool(t, cfg, st, netguard.NewClient(netguard.Config{AllowPrivateNetworks: true}), logger)

	waitJob(t, st, slow.ID, func(j store.Job) bool { return j.Stage == StageDownloading })
	if got := waitFinished(t, st, upload.ID); got.Status != store.Completed {
		t.Fatalf("upload = %s, %+v; want completed", got.Status, got.Error)
	}
	if got, _ := st.GetJob(slow.ID); got.Status != store.Processing || got.Stage != StageDownloading {
		t.Fatalf("import when the upload completed = %s at %q; want still downloading", got.Status, got.Stage)
	}

	close(stall)
	got := waitFinished(t, st, slow.ID)
	if got.Status != store.Failed || got.Error == nil || got.Error.Code != failure.DownloadTimeout || !strings.Contains(got.Error.Message, "no data for 1s") {
		t.Fatalf("import = %s, %+v; want failed %s after 1s without data", got.Status, got.Error, failure.DownloadTimeout)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("audio dir after the failed import holds %d files; want none", len(entries))
	}
}

// TestImportTotalTimeout: a server that never pauses long enough for the
// idle deadline is still cut off by the total one.
func TestImportTotalTimeout(t *testing.T) {
	srv := netguardtest.TrickleServer(t, 50*time.Millisecond, nil)
	dir := t.TempDir()
	st := newStore(t, nil)
	job := createJob(t, st, store.Job{Source: store.Source{URL: srv.URL + "/slow.wav", Filename: "slow.wav"}})
	cfg := testConfig(dir)
	cfg.DownloadIdleTimeout = 5 * time.Second
	cfg.DownloadTimeout = time.Second
	startPool(t, cfg, st, netguard.NewClient(netguard.Config{AllowPrivateNetworks: true}), nil)

	got := waitFinished(t, st, job.ID)
	if got.Status != store.Failed || got.Error == nil || got.Error.Code != failure.DownloadTimeout || !strings.Contains(got.Error.Message, "longer than the limit of 1s") {
		t.Fatalf("import = %s, %+v; want failed %s after 1s", got.Status, got.Error, failure.DownloadTimeout)
	}
}

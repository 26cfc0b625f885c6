package netguard

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/netguard/netguardtest"
)

// newAudioServer serves /audio?size=N (N bytes of 'a' with a Content-Length),
// /chunked?size=N (the same without one) and 404 for anything else.
func newAudioServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		size, _ := strconv.Atoi(r.URL.Query().Get("size"))
		body := bytes.Repeat([]byte("a"), size)
		w.Header().Set("Content-Type", "audio/mpeg")
		switch r.URL.Path {
		case "/audio":
			w.Header().Set("Content-Length", strconv.Itoa(size))
			w.Write(body)
		case "/chunked":
			// Flushing before writing the body forces chunked encoding.
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			w.Write(body)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestDownload(t *testing.T) {
	srv := newAudioServer(t)
	c := NewClient(Config{AllowPrivateNetworks: true})
	tests := []struct {
		name     string
		path     string
		maxBytes int64
		wantN    int64
		wantErr  error
	}{
		{"under limit", "/audio?size=100", 1000, 100, nil},
		{"at limit", "/audio?size=1000", 1000, 1000, nil},
		{"over limit by content-length", "/audio?size=1001", 1000, 0, ErrTooLarge},
		{"empty", "/audio?size=0", 1000, 0, nil},
		{"chunked under limit", "/chunked?size=100", 1000, 100, nil},
		{"chunked at limit", "/chunked?size=1000", 1000, 1000, nil},
		{"chunked over limit", "/chunked?size=5000", 1000, 1000, ErrTooLarge},
		{"chunked over by one", "/chunked?size=1001", 1000, 1000, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			n, ct, err := Download(context.Background(), c, srv.URL+tt.path, &buf, Limits{MaxBytes: tt.maxBytes})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Download error = %v, want %v", err, tt.wantErr)
			}
			if n != tt.wantN {
				t.Errorf("n = %d, want %d", n, tt.wantN)
			}
			if got := int64(buf.Len()); got != n {
				t.Errorf("wrote %d bytes, reported %d", got, n)
			}
			if got := int64(buf.Len()); got > tt.maxBytes {
				t.Errorf("wrote %d bytes, more than maxBytes %d", got, tt.maxBytes)
			}
			if want := "audio/mpeg"; ct != want {
				t.Errorf("content type = %q, want %q", ct, want)
			}
		})
	}
}

func TestDownloadStatusError(t *testing.T) {
	srv := newAudioServer(t)
	c := NewClient(Config{AllowPrivateNetworks: true})
	var buf bytes.Buffer
	n, _, err := Download(context.Background(), c, srv.URL+"/missing", &buf, Limits{MaxBytes: 1000})
	var serr *StatusError
	if !errors.As(err, &serr) {
		t.Fatalf("Download error = %v, want *StatusError", err)
	}
	if got, want := serr.Code, http.StatusNotFound; got != want {
		t.Errorf("StatusError.Code = %d, want %d", got, want)
	}
	if !strings.Contains(err.Error(), "404") {
		t.Errorf("error %q does not mention the status code", err)
	}
	if n != 0 || buf.Len() != 0 {
		t.Errorf("wrote %d bytes (n=%d) of an error page, want none", buf.Len(), n)
	}
}

func TestDownloadRefuses(t *testing.T) {
	srv := newAudioServer(t)
	tests := []struct {
		name     string
		cfg      Config
		url      string
		maxBytes int64
		wantErr  error
	}{
		{"blocked loopback", Config{}, srv.URL + "/audio?size=10", 1000, ErrBlockedAddress},
		{"metadata service", Config{}, "http://169.254.169.254/latest/meta-data/", 1000, ErrBlockedAddress},
		{"file scheme", Config{AllowPrivateNetworks: true}, "file:///etc/passwd", 1000, ErrScheme},
		{"credentials", Config{AllowPrivateNetworks: true}, "http://u:p@127.0.0.1/", 1000, ErrInvalidURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			start := time.Now()
			_, _, err := Download(context.Background(), NewClient(tt.cfg), tt.url, &buf, Limits{MaxBytes: tt.maxBytes})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Download(%s) error = %v, want %v", tt.url, err, tt.wantErr)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes, want none", buf.Len())
			}
			if elapsed := time.Since(start); elapsed > time.Second {
				t.Errorf("Download took %v, want under 1s", elapsed)
			}
		})
	}
}

func TestDownloadBadLimit(t *testing.T) {
	srv := newAudioServer(t)
	c := NewClient(Config{AllowPrivateNetworks: true})
	for _, maxBytes := range []int64{0, -1} {
		var buf bytes.Buffer
		_, _, err := Download(context.Background(), c, srv.URL+"/audio?size=10", &buf, Limits{MaxBytes: maxBytes})
		if err == nil || !strings.Contains(err.Error(), "maxBytes") {
			t.Errorf("Download(maxBytes=%d) error = %v, want one about maxBytes", maxBytes, err)
		}
		if buf.Len() != 0 {
			t.Errorf("Download(maxBytes=%d) wrote %d bytes, want none", maxBytes, buf.Len())
		}
	}
}

func TestDownloadContextCancel(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var buf bytes.Buffer
	_, _, err := Download(ctx, NewClient(Config{AllowPrivateNetworks: true}), srv.URL, &buf, Limits{MaxBytes: 1000})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Download error = %v, want context.DeadlineExceeded", err)
	}
}

func TestDownloadIdleTimeout(t *testing.T) {
	// Headers, then nothing: the body is idle from the first read.
	srv := netguardtest.TrickleServer(t, time.Hour, nil)
	var buf bytes.Buffer
	start := time.Now()
	_, _, err := Download(context.Background(), NewClient(Config{AllowPrivateNetworks: true}), srv.URL, &buf,
		Limits{MaxBytes: 1000, IdleTimeout: 100 * time.Millisecond})
	if !errors.Is(err, ErrIdleTimeout) {
		t.Fatalf("Download error = %v, want ErrIdleTimeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Download took %s with a 100ms idle timeout", d)
	}
}

func TestDownloadTotalTimeout(t *testing.T) {
	// A byte every 20ms never trips the 1s idle timeout, so only the total
	// limit ends it.
	srv := netguardtest.TrickleServer(t, 20*time.Millisecond, nil)
	var buf bytes.Buffer
	_, _, err := Download(context.Background(), NewClient(Config{AllowPrivateNetworks: true}), srv.URL, &buf,
		Limits{MaxBytes: 1 << 20, IdleTimeout: time.Second, Timeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrDownloadTimeout) {
		t.Fatalf("Download error = %v, want ErrDownloadTimeout", err)
	}
	if buf.Len() == 0 {
		t.Errorf("no byte arrived before the total timeout; the test did not trickle")
	}
}

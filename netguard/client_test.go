package netguard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// newCountingServer starts a server that answers "ok" and counts requests.
func newCountingServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// get performs a GET with c and returns the body, or the error.
func get(t *testing.T, c *http.Client, rawURL string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatalf("new request %q: %v", rawURL, err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), err
}

func TestClientRefusesBlockedAddresses(t *testing.T) {
	srv, hits := newCountingServer(t)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	tests := []struct {
		name     string
		url      string
		wantAddr string // the refused address the error must name
	}{
		{"httptest server", srv.URL + "/", "127.0.0.1"},
		{"localhost name", fmt.Sprintf("http://localhost:%d/", port), ""},
		{"metadata service", "http://169.254.169.254/latest/meta-data/", "169.254.169.254"},
		{"ipv6 loopback", fmt.Sprintf("http://[::1]:%d/", port), "::1"},
		{"ipv4-mapped loopback", fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/", port), "127.0.0.1"},
		{"unspecified", fmt.Sprintf("http://0.0.0.0:%d/", port), "0.0.0.0"},
		{"private", "http://10.0.0.1/", "10.0.0.1"},
	}
	c := NewClient(Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := get(t, c, tt.url)
			elapsed := time.Since(start)
			if !errors.Is(err, ErrBlockedAddress) {
				t.Fatalf("GET %s error = %v, want ErrBlockedAddress", tt.url, err)
			}
			var uerr *url.Error
			if !errors.As(err, &uerr) {
				t.Errorf("GET %s error %T is not a *url.Error", tt.url, err)
			}
			if tt.wantAddr != "" && !strings.Contains(err.Error(), "blocked address: "+tt.wantAddr) {
				t.Errorf("GET %s error %q does not name %s", tt.url, err, tt.wantAddr)
			}
			// The check runs before connect, so nothing waits on the network.
			if elapsed > time.Second {
				t.Errorf("GET %s took %v, want under 1s", tt.url, elapsed)
			}
		})
	}
	if got := hits.Load(); got != 0 {
		t.Errorf("server saw %d requests, want 0", got)
	}
}

func TestClientAllowsPrivateWhenConfigured(t *testing.T) {
	srv, hits := newCountingServer(t)
	c := NewClient(Config{AllowPrivateNetworks: true})
	got, err := get(t, c, srv.URL+"/")
	if err != nil {
		t.Fatalf("GET %s: %v", srv.URL, err)
	}
	if want := "ok"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
	if got, want := hits.Load(), int64(1); got != want {
		t.Errorf("server saw %d requests, want %d", got, want)
	}
}

// newRedirectServer serves /hops/N, which redirects to /hops/N-1, down to
// /hops/0, which answers "done"; /to?u=URL redirects to URL.
func newRedirectServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/to" {
			http.Redirect(w, r, r.URL.Query().Get("u"), http.StatusFound)
			return
		}
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hops/"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if n == 0 {
			io.WriteString(w, "done")
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hops/%d", n-1), http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestClientRedirectLimit(t *testing.T) {
	srv := newRedirectServer(t)
	tests := []struct {
		maxRedirects int
		hops         int
		wantErr      error
	}{
		{0, 5, nil}, // default 5
		{0, 6, ErrTooManyRedirects},
		{DefaultMaxRedirects, 5, nil},
		{2, 2, nil},
		{2, 3, ErrTooManyRedirects},
		{-1, 0, nil},
		{-1, 1, ErrTooManyRedirects},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("max%d_hops%d", tt.maxRedirects, tt.hops), func(t *testing.T) {
			c := NewClient(Config{AllowPrivateNetworks: true, MaxRedirects: tt.maxRedirects})
			body, err := get(t, c, fmt.Sprintf("%s/hops/%d", srv.URL, tt.hops))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("GET after %d hops error = %v, want %v", tt.hops, err, tt.wantErr)
			}
			if tt.wantErr == nil && body != "done" {
				t.Errorf("body = %q, want %q", body, "done")
			}
		})
	}
}

func TestClientRedirectRevalidates(t *testing.T) {
	srv := newRedirectServer(t)
	tests := []struct {
		target  string
		wantErr error
	}{
		{"file:///etc/passwd", ErrScheme},
		{"gopher://127.0.0.1:70/", ErrScheme},
		{"http://user:pass@127.0.0.1/", ErrInvalidURL},
		{"http://127.0.0.1:99999/", ErrInvalidURL},
	}
	c := NewClient(Config{AllowPrivateNetworks: true})
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			_, err := get(t, c, srv.URL+"/to?u="+url.QueryEscape(tt.target))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("redirect to %s error = %v, want %v", tt.target, err, tt.wantErr)
			}
		})
	}
}

func TestCheckRedirect(t *testing.T) {
	via := func(n int) []*http.Request {
		reqs := make([]*http.Request, n)
		for i := range reqs {
			reqs[i] = httptest.NewRequest(http.MethodGet, "http://example.com/", nil)
		}
		return reqs
	}
	tests := []struct {
		name    string
		cfg     Config
		target  string
		via     int
		wantErr error
	}{
		{"public hop", Config{}, "https://example.com/next", 1, nil},
		{"fifth hop", Config{}, "https://example.com/next", 5, nil},
		{"sixth hop", Config{}, "https://example.com/next", 6, ErrTooManyRedirects},
		{"file scheme", Config{}, "file:///etc/passwd", 1, ErrScheme},
		{"loopback literal", Config{}, "http://127.0.0.1/admin", 1, ErrBlockedAddress},
		{"metadata literal", Config{}, "http://169.254.169.254/", 1, ErrBlockedAddress},
		{"localhost name", Config{}, "http://localhost/", 1, ErrBlockedAddress},
		{"loopback allowed", Config{AllowPrivateNetworks: true}, "http://127.0.0.1/", 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := NewClient(tt.cfg).CheckRedirect
			req := httptest.NewRequest(http.MethodGet, "http://example.com/", nil)
			u, err := url.Parse(tt.target)
			if err != nil {
				t.Fatalf("parse %q: %v", tt.target, err)
			}
			req.URL = u
			if err := check(req, via(tt.via)); !errors.Is(err, tt.wantErr) {
				t.Errorf("CheckRedirect(%s, %d via) = %v, want %v", tt.target, tt.via, err, tt.wantErr)
			}
		})
	}
}

func TestClientUserAgent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.UserAgent())
	}))
	t.Cleanup(srv.Close)
	tests := []struct {
		name      string
		configUA  string
		requestUA string
		want      string
	}{
		{"config sets it", "instanttranscriber/1.0", "", "instanttranscriber/1.0"},
		{"request wins", "instanttranscriber/1.0", "custom/2", "custom/2"},
		{"go default", "", "", "Go-http-client/1.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClient(Config{AllowPrivateNetworks: true, UserAgent: tt.configUA})
			req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.requestUA != "" {
				req.Header.Set("User-Agent", tt.requestUA)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatalf("GET: %v", err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if string(got) != tt.want {
				t.Errorf("User-Agent = %q, want %q", got, tt.want)
			}
			if h := req.Header.Get("User-Agent"); h != tt.requestUA {
				t.Errorf("caller's request header changed to %q, want %q", h, tt.requestUA)
			}
		})
	}
}

func TestClientHeaderTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })

	c := NewClient(Config{AllowPrivateNetworks: true, HeaderTimeout: 100 * time.Millisecond})
	start := time.Now()
	_, err := get(t, c, srv.URL)
	if err == nil {
		t.Fatal("GET to a server that never answers succeeded")
	}
	if !strings.Contains(err.Error(), "timeout awaiting response headers") {
		t.Errorf("GET error = %v, want a response header timeout", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("GET took %v, want about 100ms", elapsed)
	}
}

func TestNewClientTransport(t *testing.T) {
	t.Setenv("HTTP_PROXY", "http://proxy.invalid:3128")
	t.Setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
	c := NewClient(Config{ConnectTimeout: 3 * time.Second, HeaderTimeout: 7 * time.Second})
	ua, ok := c.Transport.(*userAgentTransport)
	if !ok {
		t.Fatalf("Transport is %T, want *userAgentTransport", c.Transport)
	}
	tr := ua.base
	if tr.Proxy != nil {
		t.Error("Transport.Proxy is set; want nil so proxies cannot bypass the dial check")
	}
	if got, want := tr.ResponseHeaderTimeout, 7*time.Second; got != want {
		t.Errorf("ResponseHeaderTimeout = %v, want %v", got, want)
	}
	if got, want := tr.TLSHandshakeTimeout, 10*time.Second; got != want {
		t.Errorf("TLSHandshakeTimeout = %v, want %v", got, want)
	}
	if c.Timeout != 0 {
		t.Errorf("Client.Timeout = %v, want 0 (bounded per request by context)", c.Timeout)
	}
}

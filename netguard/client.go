package netguard

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// NewClient returns an *http.Client for requests to user-supplied URLs.
//
// Unless cfg.AllowPrivateNetworks is set, its dialer checks the IP address of
// every connection just before connecting, after DNS resolution, and refuses
// blocked addresses (see IsBlocked) with an error that wraps
// ErrBlockedAddress; errors.Is finds it through the *url.Error the client
// returns. A hostname that resolves or rebinds to 127.0.0.1 therefore fails
// as surely as the literal address does.
//
// The client never uses a proxy (HTTP_PROXY and friends are ignored, since a
// proxy would make the connection for it), follows at most cfg.MaxRedirects
// redirects (ErrTooManyRedirects) and re-validates every hop with
// cfg.ValidateURL. Dialling is bounded by cfg.ConnectTimeout, the TLS
// handshake by 10 s and the wait for response headers by cfg.HeaderTimeout.
// The client has no overall timeout, so that long downloads can finish:
// bound each request with its context, or use Download, whose Limits bound
// the pauses in a body and the whole download.
func NewClient(cfg Config) *http.Client {
	cfg = cfg.withDefaults()
	dialer := &net.Dialer{
		Timeout:   cfg.ConnectTimeout,
		KeepAlive: 30 * time.Second,
	}
	if !cfg.AllowPrivateNetworks {
		dialer.ControlContext = controlDial
	}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   tlsHandshakeTimeout,
		ResponseHeaderTimeout: cfg.HeaderTimeout,
		ExpectContinueTimeout: 1 * time.Second,
	}
	return &http.Client{
		Transport:     &userAgentTransport{base: transport, userAgent: cfg.UserAgent},
		CheckRedirect: checkRedirect(cfg),
	}
}

// controlDial is the net.Dialer control function: it runs after the socket
// is created and before it connects, with the resolved address, and refuses
// blocked addresses. Anything it cannot parse is refused too.
func controlDial(_ context.Context, network, address string, _ syscall.RawConn) error {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return fmt.Errorf("netguard: dial: network %q not allowed", network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: unparsable address %q", ErrBlockedAddress, address)
	}
	return checkAddr(ap.Addr())
}

// checkRedirect returns an http.Client CheckRedirect function that allows at
// most cfg.MaxRedirects hops and validates each target with cfg.ValidateURL.
// cfg must already have its defaults applied.
func checkRedirect(cfg Config) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > cfg.MaxRedirects {
			return fmt.Errorf("%w: stopped after %d", ErrTooManyRedirects, cfg.MaxRedirects)
		}
		if _, err := cfg.ValidateURL(req.URL.String()); err != nil {
			return fmt.Errorf("redirect: %w", err)
		}
		return nil
	}
}

// userAgentTransport sets a default User-Agent header on requests that carry
// none, then hands them to base.
type userAgentTransport struct {
	base      *http.Transport
	userAgent string
}

// RoundTrip implements http.RoundTripper.
func (t *userAgentTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.userAgent != "" && req.Header.Get("User-Agent") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", t.userAgent)
	}
	return t.base.RoundTrip(req)
}

// CloseIdleConnections closes the idle connections of the underlying
// transport, so that http.Client.CloseIdleConnections reaches it.
func (t *userAgentTransport) CloseIdleConnections() {
	t.base.CloseIdleConnections()
}

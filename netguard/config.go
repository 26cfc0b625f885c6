package netguard

import "time"

// Defaults used by NewClient for zero Config fields.
const (
	DefaultConnectTimeout = 30 * time.Second
	DefaultHeaderTimeout  = 30 * time.Second
	DefaultMaxRedirects   = 5
)

// tlsHandshakeTimeout bounds the TLS handshake of every connection.
const tlsHandshakeTimeout = 10 * time.Second

// Config configures the client built by NewClient and the checks done by
// Config.ValidateURL. The zero Config is usable and safe: private networks
// are refused and every limit takes its default.
type Config struct {
	// AllowPrivateNetworks turns the address checks off, so that requests
	// may reach loopback, private and other blocked ranges. Set it only for
	// deployments whose imports and webhooks target a trusted local network.
	AllowPrivateNetworks bool

	// ConnectTimeout bounds establishing a TCP connection. Zero or less means
	// DefaultConnectTimeout.
	ConnectTimeout time.Duration

	// HeaderTimeout bounds the wait for response headers once a request has
	// been written. Zero or less means DefaultHeaderTimeout.
	HeaderTimeout time.Duration

	// MaxRedirects is the number of redirects a request may follow. Zero
	// means DefaultMaxRedirects; a negative value follows none.
	MaxRedirects int

	// UserAgent, when not empty, is sent on every request that does not set
	// its own User-Agent header.
	UserAgent string
}

// DefaultConfig returns a Config with private networks refused and every
// limit set to its default.
func DefaultConfig() Config {
	return Config{
		ConnectTimeout: DefaultConnectTimeout,
		HeaderTimeout:  DefaultHeaderTimeout,
		MaxRedirects:   DefaultMaxRedirects,
	}
}

// withDefaults returns c with zero or negative limits replaced by defaults.
func (c Config) withDefaults() Config {
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.HeaderTimeout <= 0 {
		c.HeaderTimeout = DefaultHeaderTimeout
	}
	switch {
	case c.MaxRedirects == 0:
		c.MaxRedirects = DefaultMaxRedirects
	case c.MaxRedirects < 0:
		c.MaxRedirects = 0
	}
	return c
}

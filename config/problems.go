package config

import (
	"fmt"
	"net"
	"time"
)

// problems collects what Validate finds, one error per key, each
// "config: key: problem".
type problems []error

func (p *problems) add(key, format string, args ...any) {
	*p = append(*p, fmt.Errorf("config: %s: %s", key, fmt.Sprintf(format, args...)))
}

// positive reports a duration that is zero or negative.
func (p *problems) positive(key string, d time.Duration) {
	if d <= 0 {
		p.add(key, "must be positive")
	}
}

// nonNegative reports a negative number.
func (p *problems) nonNegative(key string, n int64) {
	if n < 0 {
		p.add(key, "must not be negative")
	}
}

// atLeast1 reports a number under 1.
func (p *problems) atLeast1(key string, n int) {
	if n < 1 {
		p.add(key, "must be at least 1")
	}
}

// within reports a number outside lo-hi.
func (p *problems) within(key string, n, lo, hi int) {
	if n < lo || n > hi {
		p.add(key, "%d is outside %d-%d", n, lo, hi)
	}
}

// hostPort reports an address that is not host:port; it returns whether
// the address is one.
func (p *problems) hostPort(key, addr string) bool {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		p.add(key, "%q is not host:port", addr)
		return false
	}
	return true
}

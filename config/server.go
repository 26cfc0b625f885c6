package config

import (
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"
)

// ServerSection is the server: section.
type ServerSection struct {
	Addr            string        `yaml:"addr"`
	PublicURL       string        `yaml:"public_url"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	RateLimit       float64       `yaml:"rate_limit"`
	RateBurst       int           `yaml:"rate_burst"`
	DownloadURLTTL  time.Duration `yaml:"download_url_ttl"`
	MinFreeDisk     ByteSize      `yaml:"min_free_disk"`
}

func defaultServer() ServerSection {
	return ServerSection{
		Addr:            ":8080",
		ShutdownTimeout: 10 * time.Second,
		RateLimit:       20,
		RateBurst:       40,
		DownloadURLTTL:  168 * time.Hour,
		MinFreeDisk:     1 * GiB,
	}
}

func (s ServerSection) check(p *problems) {
	if s.Addr == "" {
		p.add("server.addr", "must not be empty")
	} else {
		p.hostPort("server.addr", s.Addr)
	}
	if s.PublicURL != "" {
		if err := checkPublicURL(s.PublicURL); err != nil {
			p.add("server.public_url", "%v", err)
		}
	}
	p.positive("server.shutdown_timeout", s.ShutdownTimeout)
	if r := s.RateLimit; r < 0 || math.IsNaN(r) || math.IsInf(r, 0) {
		p.add("server.rate_limit", "must be a finite number, 0 or more")
	}
	if s.RateBurst < 0 {
		p.add("server.rate_burst", "must not be negative")
	} else if s.RateLimit > 0 && s.RateBurst < 1 {
		p.add("server.rate_burst", "must be at least 1 when rate_limit is on")
	}
	p.positive("server.download_url_ttl", s.DownloadURLTTL)
	p.nonNegative("server.min_free_disk", int64(s.MinFreeDisk))
}

func checkPublicURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL", s)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%q must start with http:// or https://", s)
	case u.Host == "":
		return fmt.Errorf("%q has no host", s)
	case u.User != nil:
		return fmt.Errorf("%q must not contain credentials", s)
	case u.RawQuery != "" || u.ForceQuery:
		return fmt.Errorf("%q must not have a query", s)
	case u.Fragment != "" || strings.Contains(s, "#"):
		return fmt.Errorf("%q must not have a fragment", s)
	}
	return nil
}

// MetricsSection is the metrics: section: where the Prometheus metrics are
// served.
type MetricsSection struct {
	// Addr, when set, serves GET /metrics on a listener of its own, without
	// authentication; empty serves it on server.addr.
	Addr string `yaml:"addr"`
	// RequireAdminKey puts /metrics on server.addr behind an admin key.
	RequireAdminKey bool `yaml:"require_admin_key"`
}

func defaultMetrics() MetricsSection {
	return MetricsSection{RequireAdminKey: true}
}

// check needs server.addr, which metrics.addr must differ from.
func (s MetricsSection) check(p *problems, serverAddr string) {
	if s.Addr == "" {
		return
	}
	if p.hostPort("metrics.addr", s.Addr) && s.Addr == serverAddr {
		p.add("metrics.addr", "%q is server.addr; leave it empty to serve /metrics there", s.Addr)
	}
}

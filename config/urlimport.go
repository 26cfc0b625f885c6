package config

import (
	"time"

	"github.com/instanttranscriber/instanttranscriber/jobs"
	"github.com/instanttranscriber/instanttranscriber/netguard"
)

// URLImportSection is the url_import: section; it also governs webhook
// callbacks.
type URLImportSection struct {
	AllowPrivateNetworks bool          `yaml:"allow_private_networks"`
	ConnectTimeout       time.Duration `yaml:"connect_timeout"`
	HeaderTimeout        time.Duration `yaml:"header_timeout"`
	MaxRedirects         int           `yaml:"max_redirects"`
	IdleTimeout          time.Duration `yaml:"idle_timeout"`
	DownloadTimeout      time.Duration `yaml:"download_timeout"`
}

func defaultURLImport() URLImportSection {
	return URLImportSection{
		ConnectTimeout:  netguard.DefaultConnectTimeout,
		HeaderTimeout:   netguard.DefaultHeaderTimeout,
		MaxRedirects:    netguard.DefaultMaxRedirects,
		IdleTimeout:     jobs.DefaultDownloadIdleTimeout,
		DownloadTimeout: jobs.DefaultDownloadTimeout,
	}
}

func (s URLImportSection) check(p *problems) {
	p.positive("url_import.connect_timeout", s.ConnectTimeout)
	p.positive("url_import.header_timeout", s.HeaderTimeout)
	p.positive("url_import.idle_timeout", s.IdleTimeout)
	p.positive("url_import.download_timeout", s.DownloadTimeout)
	p.nonNegative("url_import.max_redirects", int64(s.MaxRedirects))
}

package netguard

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// ValidateURL parses raw and checks that it is an absolute http or https URL
// with a host, no credentials and, if it has one, a port in 1-65535. A scheme
// other than http or https gives ErrScheme; any other problem gives
// ErrInvalidURL. Hosts that look numeric but are not plain IP literals (such
// as "2130706433" or "0x7f.1", which some resolvers read as 127.0.0.1) are
// refused as ambiguous.
//
// ValidateURL checks shape only; Config.ValidateURL also refuses blocked
// literal addresses, and the client from NewClient checks the address it
// actually connects to.
func ValidateURL(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("%w: empty url", ErrInvalidURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidURL, err)
	}
	switch u.Scheme {
	case "http", "https":
	case "":
		return nil, fmt.Errorf("%w: url has no scheme, want http or https", ErrScheme)
	default:
		return nil, fmt.Errorf("%w: %q, want http or https", ErrScheme, u.Scheme)
	}
	if u.Opaque != "" {
		return nil, fmt.Errorf("%w: %s url must be absolute (%s://host/...)", ErrInvalidURL, u.Scheme, u.Scheme)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%w: credentials in url are not allowed", ErrInvalidURL)
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("%w: missing host", ErrInvalidURL)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%w: port %s out of range 1-65535", ErrInvalidURL, p)
		}
	}
	if _, err := netip.ParseAddr(host); err != nil && ambiguousNumeric(host) {
		return nil, fmt.Errorf("%w: ambiguous numeric host %q", ErrInvalidURL, host)
	}
	return u, nil
}

// ValidateURL is like the package-level ValidateURL and, unless
// AllowPrivateNetworks is set, also refuses with ErrBlockedAddress a URL whose
// host is a blocked literal IP address (see IsBlocked) or a localhost name.
// Use it to check a URL when it is accepted (an import request, a webhook
// registration) so the user hears about the problem at once.
func (c Config) ValidateURL(raw string) (*url.URL, error) {
	u, err := ValidateURL(raw)
	if err != nil || c.AllowPrivateNetworks {
		return u, err
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return nil, fmt.Errorf("%w: %s (loopback name)", ErrBlockedAddress, host)
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		if err := checkAddr(addr); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// ambiguousNumeric reports whether host's last label is all decimal digits or
// a 0x hexadecimal number. No top-level domain looks like that, but
// inet_aton-style resolvers turn such hosts into IPv4 addresses.
func ambiguousNumeric(host string) bool {
	host = strings.TrimSuffix(host, ".")
	label := host[strings.LastIndexByte(host, '.')+1:]
	if label == "" {
		return false
	}
	lower := strings.ToLower(label)
	if hex, ok := strings.CutPrefix(lower, "0x"); ok {
		return strings.Trim(hex, "0123456789abcdef") == ""
	}
	return strings.Trim(label, "0123456789") == ""
}

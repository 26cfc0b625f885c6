package netguard

import (
	"fmt"
	"net/netip"
)

// blockedRange is one range of addresses an outbound request may not reach,
// with the name used in error messages.
type blockedRange struct {
	prefix netip.Prefix
	name   string
}

// blockedV4 lists the IPv4 ranges that are not on the public internet.
var blockedV4 = []blockedRange{
	{netip.MustParsePrefix("0.0.0.0/8"), "this network"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade nat"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "ietf protocol assignments"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"}, // includes 255.255.255.255
}

// blockedV6 lists the IPv6 ranges that are not on the public internet.
// IPv4-mapped addresses (::ffff:0:0/96) are unmapped before this table is
// consulted, and NAT64 and 6to4 addresses are judged by the IPv4 address they
// embed (see embeddedV4).
var blockedV6 = []blockedRange{
	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("::/96"), "ipv4-compatible"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local nat64"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("fc00::/7"), "unique local"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

// IsBlocked reports whether addr lies in a range that outbound requests to
// user-supplied URLs may not reach when private networks are not allowed:
// loopback, private, link-local (including the 169.254.169.254 metadata
// service), carrier-grade NAT, multicast, unspecified, broadcast, reserved,
// documentation and benchmarking ranges, IPv6 unique-local and site-local
// addresses, and IPv4-mapped, NAT64 (64:ff9b::/96) and 6to4 (2002::/16)
// addresses that embed a blocked IPv4 address. The zero Addr is blocked.
func IsBlocked(addr netip.Addr) bool {
	_, blocked := blockedReason(addr)
	return blocked
}

// blockedReason reports whether addr is blocked and, if so, names the range.
func blockedReason(addr netip.Addr) (string, bool) {
	if !addr.IsValid() {
		return "invalid", true
	}
	addr = addr.WithZone("").Unmap()
	table := blockedV4
	if addr.Is6() {
		if v4, ok := embeddedV4(addr); ok {
			if name, blocked := blockedReason(v4); blocked {
				return name + " via ipv6", true
			}
			return "", false
		}
		table = blockedV6
	}
	for _, r := range table {
		if r.prefix.Contains(addr) {
			return r.name, true
		}
	}
	return "", false
}

// embeddedV4 returns the IPv4 address carried inside a NAT64 (64:ff9b::/96,
// last four bytes) or 6to4 (2002::/16, bytes two to five) IPv6 address.
func embeddedV4(addr netip.Addr) (netip.Addr, bool) {
	b := addr.As16()
	switch {
	case nat64Prefix.Contains(addr):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(addr):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

// checkAddr returns an error wrapping ErrBlockedAddress that names addr and
// its range when addr is blocked, and nil otherwise.
func checkAddr(addr netip.Addr) error {
	if name, blocked := blockedReason(addr); blocked {
		return fmt.Errorf("%w: %s (%s)", ErrBlockedAddress, addr, name)
	}
	return nil
}

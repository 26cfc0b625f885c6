package netguard

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestIsBlocked(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		// Public addresses stay reachable.
		{"8.8.8.8", false},
		{"1.1.1.1", false},
		{"93.184.215.14", false},
		{"100.63.255.255", false},
		{"100.128.0.0", false},
		{"172.15.255.255", false},
		{"172.32.0.0", false},
		{"198.17.255.255", false},
		{"198.20.0.0", false},
		{"223.255.255.255", false},
		{"2606:4700:4700::1111", false},
		{"2001:4860:4860::8888", false},
		{"::ffff:8.8.8.8", false},
		{"64:ff9b::808:808", false},  // NAT64 of 8.8.8.8
		{"2002:808:808::1", false},   // 6to4 of 8.8.8.8
		{"64:ff9b:2::7f00:1", false}, // outside both NAT64 prefixes

		// IPv4 ranges.
		{"0.0.0.0", true},
		{"0.1.2.3", true},
		{"10.0.0.1", true},
		{"10.255.255.255", true},
		{"100.64.0.1", true},
		{"100.127.255.255", true},
		{"127.0.0.1", true},
		{"127.255.255.254", true},
		{"169.254.0.1", true},
		{"169.254.169.254", true},
		{"172.16.0.1", true},
		{"172.31.255.255", true},
		{"192.0.0.8", true},
		{"192.0.2.1", true},
		{"192.168.1.1", true},
		{"198.18.0.1", true},
		{"198.19.255.255", true},
		{"198.51.100.7", true},
		{"203.0.113.7", true},
		{"224.0.0.1", true},
		{"239.255.255.250", true},
		{"240.0.0.1", true},
		{"255.255.255.255", true},

		// IPv6 ranges.
		{"::", true},
		{"::1", true},
		{"::7f00:1", true}, // IPv4-compatible 127.0.0.1
		{"100::1", true},
		{"2001:db8::1", true},
		{"fc00::1", true},
		{"fd00::2", true},
		{"fe80::1", true},
		{"fe80::1%eth0", true},
		{"febf::1", true},
		{"fec0::1", true},
		{"ff02::1", true},
		{"ff0e::1", true},

		// IPv4 addresses embedded in IPv6.
		{"::ffff:127.0.0.1", true},
		{"::ffff:10.0.0.1", true},
		{"::ffff:169.254.169.254", true},
		{"::ffff:0.0.0.0", true},
		{"::ffff:255.255.255.255", true},
		{"64:ff9b::7f00:1", true},    // NAT64 of 127.0.0.1
		{"64:ff9b::a9fe:a9fe", true}, // NAT64 of 169.254.169.254
		{"64:ff9b:1::1", true},       // local-use NAT64
		{"2002:7f00:1::1", true},     // 6to4 of 127.0.0.1
		{"2002:c0a8:101::", true},    // 6to4 of 192.168.1.1
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			addr := netip.MustParseAddr(tt.addr)
			if got := IsBlocked(addr); got != tt.want {
				t.Errorf("IsBlocked(%s) = %v, want %v", tt.addr, got, tt.want)
			}
		})
	}
}

func TestIsBlockedZeroAddr(t *testing.T) {
	if got := IsBlocked(netip.Addr{}); !got {
		t.Errorf("IsBlocked(zero Addr) = false, want true")
	}
}

func TestCheckAddrNamesAddress(t *testing.T) {
	tests := []struct {
		addr     string
		wantText []string
	}{
		{"169.254.169.254", []string{"169.254.169.254", "link-local"}},
		{"::ffff:127.0.0.1", []string{"::ffff:127.0.0.1", "loopback"}},
		{"64:ff9b::a00:1", []string{"64:ff9b::a00:1", "private via ipv6"}},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			err := checkAddr(netip.MustParseAddr(tt.addr))
			if !errors.Is(err, ErrBlockedAddress) {
				t.Fatalf("checkAddr(%s) = %v, want ErrBlockedAddress", tt.addr, err)
			}
			for _, want := range tt.wantText {
				if got := err.Error(); !strings.Contains(got, want) {
					t.Errorf("checkAddr(%s) error %q does not mention %q", tt.addr, got, want)
				}
			}
		})
	}
	if err := checkAddr(netip.MustParseAddr("8.8.8.8")); err != nil {
		t.Errorf("checkAddr(8.8.8.8) = %v, want nil", err)
	}
}

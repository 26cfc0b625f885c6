// Package netguard makes outbound HTTP requests to user-supplied URLs safe
// from server-side request forgery (SSRF).
//
// InstantTranscriber fetches audio from a URL a user gives it and POSTs
// webhook callbacks to URLs a user registers. Without a guard either one lets
// a user make the server talk to itself (127.0.0.1), to the cloud metadata
// service (169.254.169.254) or to anything else on the private network.
//
// The guard has two layers:
//
//   - ValidateURL (and Config.ValidateURL) refuse URLs that are wrong in
//     shape before any request is made: schemes other than http and https,
//     missing hosts, credentials in the URL, bad ports, ambiguous numeric
//     hosts and, unless private networks are allowed, literal blocked IPs and
//     localhost names.
//   - NewClient returns an *http.Client whose dialer checks the IP address it
//     is actually about to connect to, after DNS resolution. A hostname that
//     resolves, or later rebinds, to a blocked address fails with
//     ErrBlockedAddress before a packet is sent. Every redirect hop is
//     re-validated and dialled through the same check, and the client never
//     uses a proxy from the environment, which would bypass it.
//
// IsBlocked reports whether an address lies in a blocked range: loopback,
// private, link-local, CGNAT, multicast, reserved, documentation and
// benchmarking ranges, IPv6 unique-local addresses, and the IPv4-mapped,
// NAT64 and 6to4 forms that embed a blocked IPv4 address.
//
// Download performs a bounded GET for imports: it refuses non-2xx answers
// with a *StatusError and bodies larger than a limit with ErrTooLarge.
package netguard

package delivery

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// FuzzSignerVerify checks the signed download URL verifier, with a
// rotated secret (version 2 signs, version 1 still verifies): it never
// panics; it accepts a query only when sig is the MAC, by a kept version,
// of the job, its key, the format and the expiry, and the expiry has not
// passed; and a signature made for one job, key and format never opens
// another. Formats come from the route table and never hold a newline, so
// the fuzzer's formats do not either.
func FuzzSignerVerify(f *testing.F) {
	f.Add("0190a0b0-0000-7000-8000-000000000000", "k1", "txt", int64(1_800_000_000), "0190a0b0-0000-7000-8000-000000000001", "k1", "srt", "1800000000", "2", "", int64(1_700_000_000))
	f.Add("a", "k", "json", int64(5), "a", "k", "json", "+5", "1", "x", int64(5))
	f.Add("a\nb", "k", "txt", int64(-1), "a", "k2", "txt", "0x10", "", "AAAA", int64(0))
	f.Fuzz(func(t *testing.T, job, key, format string, exp int64, job2, key2, format2, expires, kid, sig string, now int64) {
		if strings.Contains(format, "\n") || strings.Contains(format2, "\n") {
			return
		}
		keys := map[string][]byte{"1": []byte("0123456789abcdef0123456789abcdef"), "2": []byte("fedcba9876543210fedcba9876543210")}
		s := NewSigner([]store.SecretVersion{{ID: "2", Secret: keys["2"]}, {ID: "1", Secret: keys["1"]}}, time.Hour)
		at := time.Unix(now, 0)
		// Arbitrary parameters.
		q := url.Values{"expires": {expires}, "kid": {kid}, "sig": {sig}}
		if err := s.Verify(job2, key2, format2, q, at); err == nil {
			e, perr := strconv.ParseInt(expires, 10, 64)
			version := kid
			if kid == "" {
				version = "1"
			}
			if perr != nil || keys[version] == nil || sig != mac(keys[version], kid, job2, key2, format2, e) || now > e {
				t.Fatalf("verify accepted expires=%q kid=%q sig=%q for %q/%q/%q at %d", expires, kid, sig, job2, key2, format2, now)
			}
		}
		// A real signature, by the current version.
		good, err := url.ParseQuery(s.Query(job, key, format, time.Unix(exp, 0)))
		if err != nil {
			t.Fatal(err)
		}
		if good.Get("kid") != "2" {
			t.Fatalf("signed by kid %q, want the current version 2", good.Get("kid"))
		}
		err = s.Verify(job, key, format, good, at)
		if (err == nil) != (now <= exp) {
			t.Fatalf("own signature at %d, expiry %d: %v", now, exp, err)
		}
		if job2 != job || key2 != key || format2 != format {
			for _, v := range []string{job, job2, key, key2} {
				if strings.Contains(v, "\n") {
					return // ids are UUIDs; a newline would make the MAC input ambiguous
				}
			}
			if s.Verify(job2, key2, format2, good, at) == nil {
				t.Fatalf("signature for %q/%q/%q opened %q/%q/%q", job, key, format, job2, key2, format2)
			}
		}
	})
}

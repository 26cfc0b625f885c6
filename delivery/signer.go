package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// Download URL signing secret: its name in the store and its size.
const (
	signingSecretName  = "download_urls"
	signingSecretBytes = 32
)

// signer makes and checks signed download URLs:
// ?expires=UNIX&kid=VERSION&sig=HMAC, where the HMAC-SHA256 covers the
// job ID, the ID of the API key that owns the job, the export format and
// the expiry, keyed by version kid of a server secret kept in the store.
// Rotating the secret adds a version; URLs that an older version signed
// keep verifying while the store keeps that version. A URL without kid was
// signed by an earlier build: its MAC (export/v1) leaves out the key ID and
// uses version 1.
type signer struct {
	mu      sync.RWMutex
	current string            // the kid that signs
	keys    map[string][]byte // every kid that verifies
}

// newSigner returns a signer for the versions of the secret, current first.
func newSigner(vs []store.SecretVersion) *signer {
	s := &signer{}
	s.set(vs)
	return s
}

// set replaces the versions, current first, after a rotation.
func (s *signer) set(vs []store.SecretVersion) {
	keys := make(map[string][]byte, len(vs))
	for _, v := range vs {
		keys[v.ID] = v.Secret
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.current, s.keys = vs[0].ID, keys
}

// secret returns version kid of the secret, or nil.
func (s *signer) secret(kid string) []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.keys[kid]
}

// mac is the signature of a download URL by version kid for the job owned
// by keyID; kid "" is the earlier format, which has no key ID.
func mac(secret []byte, kid, jobID, keyID, format string, expires int64) string {
	m := hmac.New(sha256.New, secret)
	exp := strconv.FormatInt(expires, 10)
	if kid == "" {
		m.Write([]byte("export/v1\n" + jobID + "\n" + format + "\n" + exp))
	} else {
		m.Write([]byte("export/v2\n" + kid + "\n" + jobID + "\n" + keyID + "\n" + format + "\n" + exp))
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// query returns the expires, kid and sig parameters of a download URL for
// a job owned by keyID, signed by the current version.
func (s *signer) query(jobID, keyID, format string, expires time.Time) string {
	s.mu.RLock()
	kid, secret := s.current, s.keys[s.current]
	s.mu.RUnlock()
	exp := expires.Unix()
	return url.Values{
		"expires": {strconv.FormatInt(exp, 10)},
		"kid":     {kid},
		"sig":     {mac(secret, kid, jobID, keyID, format, exp)},
	}.Encode()
}

// verify checks a download URL's expires, kid and sig parameters at now
// for a job owned by keyID. A kid that is no longer kept is refused like a
// wrong signature.
func (s *signer) verify(jobID, keyID, format string, q url.Values, now time.Time) error {
	exp, err := strconv.ParseInt(q.Get("expires"), 10, 64)
	if err != nil {
		return apiErr(CodeForbidden, "invalid signed url")
	}
	kid, version := q.Get("kid"), q.Get("kid")
	if kid == "" {
		version = "1"
	}
	secret := s.secret(version)
	if secret == nil {
		return apiErr(CodeForbidden, "invalid signed url")
	}
	want := mac(secret, kid, jobID, keyID, format, exp)
	if !hmac.Equal([]byte(want), []byte(q.Get("sig"))) {
		return apiErr(CodeForbidden, "invalid signed url")
	}
	if now.Unix() > exp {
		return apiErr(CodeForbidden, "signed url expired")
	}
	return nil
}

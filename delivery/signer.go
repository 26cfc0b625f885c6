package delivery

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine/export"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// Download URL signing secret: its name in the store and its size.
const (
	SecretName  = "download_urls"
	SecretBytes = 32
)

// Errors of Signer.Verify.
var (
	// ErrInvalidSignature is a URL whose signature is missing, wrong, or
	// made by a secret version that is no longer kept.
	ErrInvalidSignature = errors.New("invalid signed url")
	// ErrExpired is a correctly signed URL past its expiry.
	ErrExpired = errors.New("signed url expired")
)

// Signer makes and checks signed download URLs:
// ?expires=UNIX&kid=VERSION&sig=HMAC, where the HMAC-SHA256 covers the
// job ID, the ID of the API key that owns the job, the export format and
// the expiry, keyed by version kid of a server secret kept in the store.
// Rotating the secret adds a version; URLs that an older version signed
// keep verifying while the store keeps that version. A URL without kid was
// signed by an earlier build: its MAC (export/v1) leaves out the key ID and
// uses version 1. One Signer is shared by the API, which hands out and
// checks the URLs and rotates the secret, and the webhook dispatcher, which
// signs the URLs of a completed job's callback when it sends it.
type Signer struct {
	ttl     time.Duration
	mu      sync.RWMutex
	base    string            // the public URL the links start with
	current string            // the kid that signs
	keys    map[string][]byte // every kid that verifies
}

// NewSigner returns a signer for the versions of the secret, current first,
// whose URLs expire ttl after they are made.
func NewSigner(vs []store.SecretVersion, ttl time.Duration) *Signer {
	s := &Signer{ttl: ttl}
	s.SetSecrets(vs)
	return s
}

// LoadSigner returns a signer for the secret kept in st, creating the
// secret on first use.
func LoadSigner(st interface {
	Secrets(name string, size int) ([]store.SecretVersion, error)
}, ttl time.Duration) (*Signer, error) {
	vs, err := st.Secrets(SecretName, SecretBytes)
	if err != nil {
		return nil, fmt.Errorf("delivery: signing secret: %w", err)
	}
	return NewSigner(vs, ttl), nil
}

// SetBaseURL sets the public URL that download links start with, such as
// "https://transcribe.example.com"; a trailing slash is dropped.
func (s *Signer) SetBaseURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.base = strings.TrimRight(u, "/")
}

// SetSecrets replaces the versions, current first, after a rotation.
func (s *Signer) SetSecrets(vs []store.SecretVersion) {
	keys := make(map[string][]byte, len(vs))
	for _, v := range vs {
		keys[v.ID] = v.Secret
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.current, s.keys = vs[0].ID, keys
}

// secret returns version kid of the secret, or nil.
func (s *Signer) secret(kid string) []byte {
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

// Query returns the expires, kid and sig parameters of a download URL for
// a job owned by keyID, signed by the current version.
func (s *Signer) Query(jobID, keyID, format string, expires time.Time) string {
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

// URLs returns the download URLs of a completed job owned by keyID, one per
// export format, signed at now: they expire after the signer's ttl and stop
// working when the job's API key is revoked.
func (s *Signer) URLs(jobID, keyID string, now time.Time) map[string]string {
	s.mu.RLock()
	base := s.base
	s.mu.RUnlock()
	exp := now.Add(s.ttl)
	urls := make(map[string]string, len(export.Formats()))
	for _, f := range export.Formats() {
		name := string(f)
		urls[name] = base + "/v1/transcriptions/" + jobID + "/export." + name + "?" + s.Query(jobID, keyID, name, exp)
	}
	return urls
}

// AudioURL returns the signed URL of a job's retained audio, signed at now
// like the export URLs (the signature covers AudioLink in place of a
// format).
func (s *Signer) AudioURL(jobID, keyID string, now time.Time) string {
	s.mu.RLock()
	base := s.base
	s.mu.RUnlock()
	return base + "/v1/transcriptions/" + jobID + "/audio?" + s.Query(jobID, keyID, AudioLink, now.Add(s.ttl))
}

// Verify checks a download URL's expires, kid and sig parameters at now
// for a job owned by keyID: ErrInvalidSignature or ErrExpired. A kid that is
// no longer kept is refused like a wrong signature.
func (s *Signer) Verify(jobID, keyID, format string, q url.Values, now time.Time) error {
	exp, err := strconv.ParseInt(q.Get("expires"), 10, 64)
	if err != nil {
		return ErrInvalidSignature
	}
	kid, version := q.Get("kid"), q.Get("kid")
	if kid == "" {
		version = "1"
	}
	secret := s.secret(version)
	if secret == nil {
		return ErrInvalidSignature
	}
	want := mac(secret, kid, jobID, keyID, format, exp)
	if !hmac.Equal([]byte(want), []byte(q.Get("sig"))) {
		return ErrInvalidSignature
	}
	if now.Unix() > exp {
		return ErrExpired
	}
	return nil
}

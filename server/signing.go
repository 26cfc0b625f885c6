package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"time"
)

// signer makes and checks signed download URLs: ?expires=UNIX&sig=HMAC,
// where the HMAC-SHA256 covers the job ID, the export format and the expiry,
// keyed by a server secret generated once and kept in the store.
type signer struct{ key []byte }

func (s *signer) mac(jobID, format string, expires int64) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("export/v1\n" + jobID + "\n" + format + "\n" + strconv.FormatInt(expires, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// query returns the expires and sig parameters for a download URL.
func (s *signer) query(jobID, format string, expires time.Time) string {
	exp := expires.Unix()
	return url.Values{
		"expires": {strconv.FormatInt(exp, 10)},
		"sig":     {s.mac(jobID, format, exp)},
	}.Encode()
}

// verify checks a download URL's expires and sig parameters at now.
func (s *signer) verify(jobID, format string, q url.Values, now time.Time) error {
	exp, err := strconv.ParseInt(q.Get("expires"), 10, 64)
	if err != nil {
		return apiErr(CodeForbidden, "invalid signed url")
	}
	want := s.mac(jobID, format, exp)
	if !hmac.Equal([]byte(want), []byte(q.Get("sig"))) {
		return apiErr(CodeForbidden, "invalid signed url")
	}
	if now.Unix() > exp {
		return apiErr(CodeForbidden, "signed url expired")
	}
	return nil
}

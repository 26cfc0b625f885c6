package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Standard Webhooks header names.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
	// HeaderEvent carries Delivery.Event, such as "transcription.completed".
	HeaderEvent = "X-InstantTranscriber-Event"
)

// SecretPrefix marks a secret whose remainder is the base64-encoded key, as
// Standard Webhooks libraries expect.
const SecretPrefix = "whsec_"

// Errors returned by Sign and Verify; test with errors.Is.
var (
	// ErrSecret means the secret is empty, or starts with "whsec_" but the
	// rest is not base64 or decodes to nothing.
	ErrSecret = errors.New("webhook: invalid secret")
	// ErrMissingHeader means webhook-id, webhook-timestamp or
	// webhook-signature is absent.
	ErrMissingHeader = errors.New("webhook: missing header")
	// ErrTimestamp means webhook-timestamp is not an integer or lies outside
	// the tolerance.
	ErrTimestamp = errors.New("webhook: bad timestamp")
	// ErrSignature means no v1 signature in webhook-signature matches.
	ErrSignature = errors.New("webhook: no matching signature")
)

// signingKey returns the HMAC key of a secret: the base64-decoded remainder
// of a "whsec_" secret, otherwise the secret's UTF-8 bytes.
func signingKey(secret string) ([]byte, error) {
	if secret == "" {
		return nil, fmt.Errorf("%w: empty", ErrSecret)
	}
	rest, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok {
		return []byte(secret), nil
	}
	// Accept the key with or without padding, as the reference libraries do.
	key, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(rest, "="))
	if err != nil {
		return nil, fmt.Errorf("%w: %s key is not base64", ErrSecret, SecretPrefix)
	}
	if len(key) == 0 {
		return nil, fmt.Errorf("%w: empty %s key", ErrSecret, SecretPrefix)
	}
	return key, nil
}

// Sign returns the webhook-signature value for a message: "v1," followed by
// the standard base64 encoding of HMAC-SHA256(key, id + "." + ts + "." +
// body), where ts is in decimal Unix seconds and key is derived from secret
// (see the package documentation). It fails only for an invalid secret.
func Sign(secret, id string, ts int64, body []byte) (string, error) {
	key, err := signingKey(secret)
	if err != nil {
		return "", err
	}
	return sign(key, id, ts, body), nil
}

// sign computes the signature with a decoded key.
func sign(key []byte, id string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write(strconv.AppendInt(nil, ts, 10))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Verify checks a received webhook: body is the raw request body and header
// the request headers. It returns nil when webhook-signature holds a v1
// signature of webhook-id, webhook-timestamp and body made with secret, and,
// when tolerance is positive, the timestamp is within tolerance of now. The
// signature header may list several space-separated signatures (during a
// secret rotation); one match is enough.
func Verify(secret string, header http.Header, body []byte, tolerance time.Duration, now time.Time) error {
	key, err := signingKey(secret)
	if err != nil {
		return err
	}
	id, tsText, sigs := header.Get(HeaderID), header.Get(HeaderTimestamp), header.Get(HeaderSignature)
	switch {
	case id == "":
		return fmt.Errorf("%w: %s", ErrMissingHeader, HeaderID)
	case tsText == "":
		return fmt.Errorf("%w: %s", ErrMissingHeader, HeaderTimestamp)
	case sigs == "":
		return fmt.Errorf("%w: %s", ErrMissingHeader, HeaderSignature)
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q is not Unix seconds", ErrTimestamp, tsText)
	}
	if tolerance > 0 {
		if skew := now.Sub(time.Unix(ts, 0)); skew > tolerance || skew < -tolerance {
			return fmt.Errorf("%w: %s away from now, tolerance %s", ErrTimestamp, skew.Round(time.Second), tolerance)
		}
	}
	want := []byte(sign(key, id, ts, body))
	for _, s := range strings.Fields(sigs) {
		if subtle.ConstantTimeCompare([]byte(s), want) == 1 {
			return nil
		}
	}
	return ErrSignature
}

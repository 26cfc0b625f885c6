package server

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"strings"
)

// API keys look like "itk_" followed by 40 random base62 characters (about
// 238 bits). Only their SHA-256 is stored.
const (
	apiKeyPrefix = "itk_"
	apiKeyChars  = 40
	base62       = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// errMalformedKey means a bearer token is not shaped like an API key.
var errMalformedKey = errors.New("malformed api key")

// NewAPIKey returns a new random API key and its SHA-256 hash.
func NewAPIKey() (secret string, hash [32]byte) {
	var b strings.Builder
	b.WriteString(apiKeyPrefix)
	// Rejection sampling keeps every character equally likely.
	buf := make([]byte, 64)
	for b.Len() < len(apiKeyPrefix)+apiKeyChars {
		rand.Read(buf)
		for _, c := range buf {
			if c < 248 && b.Len() < len(apiKeyPrefix)+apiKeyChars { // 248 = 4*62
				b.WriteByte(base62[c%62])
			}
		}
	}
	secret = b.String()
	return secret, HashAPIKey(secret)
}

// HashAPIKey returns the SHA-256 of an API key, the form stored and looked
// up.
func HashAPIKey(secret string) [32]byte { return sha256.Sum256([]byte(secret)) }

// HashChosenAPIKey checks that secret, a key an operator chose (the first
// admin key of an unattended install), is shaped like a generated one, and
// returns its hash.
func HashChosenAPIKey(secret string) ([32]byte, error) {
	if err := checkKeyShape(secret); err != nil {
		return [32]byte{}, errors.New(`want "itk_" followed by 32 to 128 characters from [0-9A-Za-z]`)
	}
	return HashAPIKey(secret), nil
}

// checkKeyShape reports whether secret looks like an API key, so obvious
// garbage is refused before a store lookup.
func checkKeyShape(secret string) error {
	rest, ok := strings.CutPrefix(secret, apiKeyPrefix)
	if !ok || len(rest) < 32 || len(rest) > 128 {
		return errMalformedKey
	}
	for i := 0; i < len(rest); i++ {
		if !strings.ContainsRune(base62, rune(rest[i])) {
			return errMalformedKey
		}
	}
	return nil
}

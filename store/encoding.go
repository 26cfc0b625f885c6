package store

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
)

// Key encodings; doc.go describes them.

// idBytes parses a UUIDv7 string into its 16-byte key form.
func idBytes(id string) ([]byte, bool) {
	u, err := uuid.Parse(id)
	if err != nil || u.Version() != 7 {
		return nil, false
	}
	return u[:], true
}

// idString turns a 16-byte key back into the canonical UUID string.
func idString(b []byte) string {
	u, err := uuid.FromBytes(b)
	if err != nil {
		return fmt.Sprintf("%x", b)
	}
	return u.String()
}

// newID returns a fresh UUIDv7 string.
func newID() (string, error) {
	u, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return u.String(), nil
}

// ownerPrefix encodes an API key ID as a length-prefixed composite-key head.
func ownerPrefix(keyID string) []byte {
	b := make([]byte, 2, 2+len(keyID))
	binary.BigEndian.PutUint16(b, uint16(len(keyID)))
	return append(b, keyID...)
}

// statusCode is the one-byte form of a status in jobs_by_key_status.
func statusCode(s Status) (byte, bool) {
	switch s {
	case Queued:
		return 'q', true
	case Processing:
		return 'p', true
	case Completed:
		return 'c', true
	case Failed:
		return 'f', true
	case Canceled:
		return 'x', true
	}
	return 0, false
}

// timeKey encodes t so that byte order is time order.
func timeKey(t time.Time) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(t.UnixNano())^(1<<63))
	return b
}

// timeFromKey decodes the first 8 bytes written by timeKey.
func timeFromKey(b []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(b)^(1<<63))).UTC()
}

// concat joins key parts into a new slice.
func concat(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 0, n)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// prefixEnd returns the smallest key greater than every key starting with
// prefix, or nil when there is none.
func prefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// monthKey is the UTC calendar month of t as YYYY-MM.
func monthKey(t time.Time) string {
	return t.UTC().Format("2006-01")
}

func encodeFloat(f float64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, math.Float64bits(f))
	return b
}

func decodeFloat(b []byte) (float64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("corrupt float value of %d bytes", len(b))
	}
	return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
}

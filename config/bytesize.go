package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ByteSize is a number of bytes. In YAML and the environment it is an
// integer or a string with a unit: B, KB, MB, GB, TB (powers of 1000) or
// KiB, MiB, GiB, TiB (powers of 1024), such as "500MB" or "1GiB".
type ByteSize int64

// Binary and decimal byte units.
const (
	KiB ByteSize = 1 << (10 * (iota + 1))
	MiB
	GiB
	TiB
)

// Decimal byte units.
const (
	KB ByteSize = 1000
	MB          = 1000 * KB
	GB          = 1000 * MB
	TB          = 1000 * GB
)

var byteUnits = map[string]ByteSize{
	"": 1, "b": 1,
	"kb": KB, "mb": MB, "gb": GB, "tb": TB,
	"kib": KiB, "mib": MiB, "gib": GiB, "tib": TiB,
}

// ParseByteSize parses a whole number of bytes with an optional unit
// (case-insensitive, optionally after a space): "1073741824", "512KiB",
// "500 MB".
func ParseByteSize(s string) (ByteSize, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	unit, ok := byteUnits[strings.ToLower(strings.TrimSpace(t[i:]))]
	if i == 0 || !ok {
		return 0, fmt.Errorf("%q is not a size such as 1073741824, 500MB or 1GiB", s)
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err != nil || n > math.MaxInt64/int64(unit) {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return ByteSize(n) * unit, nil
}

// UnmarshalYAML accepts an integer or a string for ParseByteSize.
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	switch n.ShortTag() {
	case "!!int":
		var v int64
		if err := n.Decode(&v); err != nil {
			return fmt.Errorf("size %s is too large", n.Value)
		}
		*b = ByteSize(v)
		return nil
	case "!!str":
		v, err := ParseByteSize(n.Value)
		if err != nil {
			return err
		}
		*b = v
		return nil
	}
	return fmt.Errorf("%q is not a size such as 1073741824, 500MB or 1GiB", n.Value)
}

// UnmarshalText accepts what ParseByteSize does, so that a ByteSize can be
// a flag (flag.TextVar).
func (b *ByteSize) UnmarshalText(text []byte) error {
	v, err := ParseByteSize(string(text))
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// MarshalText returns String's form.
func (b ByteSize) MarshalText() ([]byte, error) {
	return []byte(b.String()), nil
}

// String returns b in the largest unit that divides it exactly, binary
// units first: "1GiB", "500MB", "1234B".
func (b ByteSize) String() string {
	if b != 0 {
		for _, u := range []struct {
			size ByteSize
			name string
		}{{TiB, "TiB"}, {GiB, "GiB"}, {MiB, "MiB"}, {KiB, "KiB"}, {TB, "TB"}, {GB, "GB"}, {MB, "MB"}, {KB, "KB"}} {
			if b%u.size == 0 {
				return strconv.FormatInt(int64(b/u.size), 10) + u.name
			}
		}
	}
	return strconv.FormatInt(int64(b), 10) + "B"
}

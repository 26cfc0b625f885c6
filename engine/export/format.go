package export

import (
	"errors"
	"fmt"
	"strings"
)

// Format is an export file format. Its value is the lower-case name used on
// the command line and in the API, which is also the file extension.
type Format string

// The export formats.
const (
	// TXT is plain text.
	TXT Format = "txt"
	// SRT is SubRip captions.
	SRT Format = "srt"
	// VTT is WebVTT captions.
	VTT Format = "vtt"
	// JSON is the full transcript as JSON.
	JSON Format = "json"
)

// ErrUnknownFormat is returned, wrapped, for a format name or value that is
// not one of [Formats].
var ErrUnknownFormat = errors.New("unknown format")

// Formats returns every format, in a fixed order.
func Formats() []Format {
	return []Format{TXT, SRT, VTT, JSON}
}

// ParseFormat returns the format named s. Case, surrounding white space and a
// leading dot are ignored, so "SRT" and ".srt" name [SRT]. An unknown name
// gives an error wrapping [ErrUnknownFormat] that lists the valid names.
func ParseFormat(s string) (Format, error) {
	name := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "."))
	for _, f := range Formats() {
		if name == string(f) {
			return f, nil
		}
	}
	return "", fmt.Errorf("export: parse format %q: %w (valid: %s)", s, ErrUnknownFormat, formatList())
}

// formatList returns the names of all formats separated by commas.
func formatList() string {
	names := make([]string, 0, len(Formats()))
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// ContentType returns the MIME type to serve f with, or
// "application/octet-stream" for an unknown format.
func (f Format) ContentType() string {
	switch f {
	case TXT:
		return "text/plain; charset=utf-8"
	case SRT:
		return "application/x-subrip; charset=utf-8"
	case VTT:
		return "text/vtt; charset=utf-8"
	case JSON:
		return "application/json"
	}
	return "application/octet-stream"
}

// Extension returns the file name extension for f, with its leading dot
// (".srt"), or "" for an unknown format.
func (f Format) Extension() string {
	switch f {
	case TXT, SRT, VTT, JSON:
		return "." + string(f)
	}
	return ""
}

// String returns the format's name.
func (f Format) String() string {
	return string(f)
}

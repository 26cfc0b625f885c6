package export

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/engine/transcript"
)

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in   string
		want Format
	}{
		{"txt", TXT},
		{"srt", SRT},
		{"vtt", VTT},
		{"json", JSON},
		{"SRT", SRT},
		{" .Vtt ", VTT},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseFormat(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "pdf", "webvtt", "s rt"} {
		_, err := ParseFormat(in)
		if !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("ParseFormat(%q) error = %v, want ErrUnknownFormat", in, err)
			continue
		}
		if !strings.Contains(err.Error(), "txt, srt, vtt, json") {
			t.Errorf("ParseFormat(%q) error %q does not list the formats", in, err)
		}
	}
}

func TestFormatProperties(t *testing.T) {
	tests := []struct {
		f               Format
		contentType, ex string
	}{
		{TXT, "text/plain; charset=utf-8", ".txt"},
		{SRT, "application/x-subrip; charset=utf-8", ".srt"},
		{VTT, "text/vtt; charset=utf-8", ".vtt"},
		{JSON, "application/json", ".json"},
		{"pdf", "application/octet-stream", ""},
	}
	for _, tt := range tests {
		if got := tt.f.ContentType(); got != tt.contentType {
			t.Errorf("%q.ContentType() = %q, want %q", tt.f, got, tt.contentType)
		}
		if got := tt.f.Extension(); got != tt.ex {
			t.Errorf("%q.Extension() = %q, want %q", tt.f, got, tt.ex)
		}
	}
	for _, f := range Formats() {
		if got, err := ParseFormat(f.String()); got != f || err != nil {
			t.Errorf("ParseFormat(%q) = %q, %v, want the format back", f, got, err)
		}
	}
}

// failWriter fails every write.
type failWriter struct{}

var errWrite = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestWriteErrors(t *testing.T) {
	tr := shortTranscript()
	if err := Write(&bytes.Buffer{}, tr, "pdf", CaptionOptions{}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("Write(pdf) = %v, want ErrUnknownFormat", err)
	}
	if err := Write(&bytes.Buffer{}, nil, SRT, CaptionOptions{}); err == nil {
		t.Error("Write(nil transcript) succeeded")
	}
	for _, f := range Formats() {
		if err := Write(failWriter{}, tr, f, CaptionOptions{}); !errors.Is(err, errWrite) {
			t.Errorf("Write(%s) to a failing writer = %v, want its error", f, err)
		}
	}
}

func TestWriteEmpty(t *testing.T) {
	tests := []struct {
		f    Format
		want string
	}{
		{TXT, ""},
		{SRT, ""},
		{VTT, "WEBVTT\n"},
	}
	empty := &transcript.Transcript{Segments: []transcript.Segment{{Text: "  "}, {Text: ""}}}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := Write(&buf, empty, tt.f, CaptionOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := buf.String(); got != tt.want {
			t.Errorf("Write(%s) of blank segments = %q, want %q", tt.f, got, tt.want)
		}
	}
}

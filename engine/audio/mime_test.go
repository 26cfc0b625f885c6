package audio

import (
	"bytes"
	"testing"
)

func TestContentType(t *testing.T) {
	wav := []byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00")
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"wav", wav, "audio/wav"},
		{"flac", []byte("fLaC\x00\x00\x00\x22"), "audio/flac"},
		{"ogg", []byte("OggS\x00\x02\x00\x00"), "audio/ogg"},
		{"m4a", []byte("\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00"), "audio/mp4"},
		{"webm", append([]byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84"), "webm"...), "audio/webm"},
		{"mp3 after id3", append([]byte("ID3\x04\x00\x00\x00\x00\x00\x00"), 0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0), "audio/mpeg"},
		{"text", []byte("hello, this is not audio at all"), "application/octet-stream"},
		{"empty", nil, "application/octet-stream"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ContentType(bytes.NewReader(tc.in), int64(len(tc.in))); got != tc.want {
				t.Errorf("ContentType = %q, want %q", got, tc.want)
			}
		})
	}
}

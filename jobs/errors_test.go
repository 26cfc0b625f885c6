package jobs

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/engine"
	"github.com/instanttranscriber/instanttranscriber/engine/audio"
	"github.com/instanttranscriber/instanttranscriber/failure"
	"github.com/instanttranscriber/instanttranscriber/netguard"
)

func TestClassify(t *testing.T) {
	p := &Pool{cfg: DefaultConfig().withDefaults()}
	audioErr := func(sentinel error) error {
		return &audio.Error{Op: "decode", Format: "wav", Err: fmt.Errorf("%w: detail", sentinel)}
	}
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("download: %w", &url.Error{Op: "Get", URL: "http://10.0.0.1/", Err: fmt.Errorf("dial: %w", netguard.ErrBlockedAddress)}), failure.URLBlocked},
		{fmt.Errorf("download: %w", netguard.ErrInvalidURL), failure.InvalidURL},
		{fmt.Errorf("download: %w", netguard.ErrTooLarge), failure.PayloadTooLarge},
		{fmt.Errorf("download: %w", &netguard.StatusError{Code: 404}), failure.DownloadFailed},
		{audioErr(audio.ErrTooLong), failure.AudioTooLong},
		{audioErr(audio.ErrNeedsFFmpeg), failure.UnsupportedMedia},
		{audioErr(audio.ErrNotAudio), failure.UnsupportedMedia},
		{audioErr(audio.ErrEmpty), failure.EmptyAudio},
		{audioErr(audio.ErrNoSamples), failure.EmptyAudio},
		{audioErr(audio.ErrCorrupt), failure.InvalidAudio},
		{audioErr(audio.ErrTruncated), failure.InvalidAudio},
		{&audio.Error{Op: "decode", Err: &fs.PathError{Op: "open", Path: "/data/x", Err: fs.ErrNotExist}}, failure.AudioMissing},
		{fmt.Errorf("transcribe: %w", &engine.OptionError{Detail: `unknown language "xx"`}), failure.InvalidOption},
		{engine.ErrNoAudio, failure.EmptyAudio},
		{fmt.Errorf("wrapped: %w", &Error{Code: "custom", Message: "m"}), "custom"},
		{errors.New("something else"), failure.Internal},
	}
	for _, tt := range tests {
		got := p.classify(tt.err)
		if got.Code != tt.want || got.Message == "" {
			t.Errorf("classify(%v) = %s %q; want %s with a message", tt.err, got.Code, got.Message, tt.want)
		}
	}
	if got := p.classify(fmt.Errorf("transcribe: %w", &engine.OptionError{Detail: `unknown language "xx"`})); got.Message != `invalid transcription option: unknown language "xx"` {
		t.Errorf("invalid option message = %q", got.Message)
	}
	// The message comes from the typed detail, never from the error's text,
	// which may name a server path.
	if got := p.classify(fmt.Errorf("%w: cannot load the VAD model /srv/models/vad.bin", engine.ErrInvalidOption)); got.Code != failure.InvalidOption || got.Message != "invalid transcription option: rejected by the engine" {
		t.Errorf("invalid option without a detail = %s %q", got.Code, got.Message)
	}
	if got := p.classify(audioErr(audio.ErrTooLong)); got.Message != "the audio is longer than the limit of 4h" {
		t.Errorf("too long message = %q", got.Message)
	}
}

func TestFormat(t *testing.T) {
	bytesTests := []struct {
		n    int64
		want string
	}{
		{1 << 30, "1 GiB"}, {512 << 20, "512 MiB"}, {1000, "1000 B"}, {1536, "1536 B"},
	}
	for _, tt := range bytesTests {
		if got := formatBytes(tt.n); got != tt.want {
			t.Errorf("formatBytes(%d) = %q; want %q", tt.n, got, tt.want)
		}
	}
	durTests := []struct {
		d    time.Duration
		want string
	}{
		{4 * time.Hour, "4h"}, {90 * time.Minute, "1h30m"}, {45 * time.Second, "45s"}, {11*time.Second + 400*time.Millisecond, "11s"}, {time.Hour + time.Second, "1h0m1s"},
	}
	for _, tt := range durTests {
		if got := formatDuration(tt.d); got != tt.want {
			t.Errorf("formatDuration(%v) = %q; want %q", tt.d, got, tt.want)
		}
	}
}

func TestRedactErr(t *testing.T) {
	err := fmt.Errorf("download: %w", &url.Error{Op: "Get", URL: "https://host.example/a.mp3?X-Amz-Signature=secret", Err: errors.New("EOF")})
	if got, want := redactErr(err), "Get https://host.example/a.mp3?[redacted]: EOF"; got != want {
		t.Errorf("redactErr = %q; want %q", got, want)
	}
	if got := redactErr(errors.New("plain")); got != "plain" {
		t.Errorf("redactErr(plain) = %q", got)
	}
}

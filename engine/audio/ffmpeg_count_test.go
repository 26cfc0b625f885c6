package audio

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// makeRIFX writes seconds of silence as big-endian 16-bit PCM WAV (RIFX),
// a format only ffmpeg decodes here.
func makeRIFX(rate, seconds int) []byte {
	data := rate * seconds * 2
	var b bytes.Buffer
	be := func(v any) { binary.Write(&b, binary.BigEndian, v) }
	b.WriteString("RIFX")
	be(uint32(4 + 8 + 16 + 8 + data))
	b.WriteString("WAVEfmt ")
	be(uint32(16))
	be(uint16(1))
	be(uint16(1))
	be(uint32(rate))
	be(uint32(rate * 2))
	be(uint16(2))
	be(uint16(16))
	b.WriteString("data")
	be(uint32(data))
	b.Write(make([]byte, data))
	return b.Bytes()
}

// ffprobeWithoutDuration writes a stand-in for ffprobe that reports an
// audio stream and no duration, as ffprobe does for some live-recorded
// containers, and returns its path.
func ffprobeWithoutDuration(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ffprobe")
	script := "#!/bin/sh\necho '{\"streams\":[{\"sample_rate\":\"8000\",\"channels\":1}],\"format\":{}}'\n"
	if err := os.WriteFile(path, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestProbeCountsFFmpegOutputWithoutKeepingIt(t *testing.T) {
	needFFmpeg(t)
	path := writeTemp(t, "long.wav", makeRIFX(8000, 300))
	opts := Options{FFprobePath: ffprobeWithoutDuration(t), MaxDuration: time.Hour}
	var (
		info Info
		err  error
	)
	// 300 s at 16 kHz is 19 MB of float32 when kept.
	n := allocated(func() { info, err = Probe(context.Background(), path, opts) })
	if err != nil {
		t.Fatal(err)
	}
	if d := info.Duration - 300*time.Second; d < -10*time.Millisecond || d > 10*time.Millisecond {
		t.Errorf("duration %v, want 5m0s", info.Duration)
	}
	if n > 2<<20 {
		t.Errorf("probe allocated %d bytes, want at most 2 MiB (samples counted, not kept)", n)
	}
	opts.MaxDuration = time.Minute
	info, err = Probe(context.Background(), path, opts)
	if !errors.Is(err, ErrTooLong) || info.Duration <= time.Minute {
		t.Errorf("1m limit: got %+v, %v; want ErrTooLong with the Info", info, err)
	}
}

func TestFFmpegErrorsHideThePath(t *testing.T) {
	needFFmpeg(t)
	path := writeTemp(t, "secret-name.ogg", append([]byte("OggS"), make([]byte, 600)...))
	if _, err := Probe(context.Background(), path, Options{}); err == nil || strings.Contains(err.Error(), filepath.Dir(path)) || strings.Contains(err.Error(), "secret-name") {
		t.Errorf("probe: got %v, want an error without the path", err)
	}
	if _, err := DecodeFile(context.Background(), path, Options{}); err == nil || strings.Contains(err.Error(), filepath.Dir(path)) || strings.Contains(err.Error(), "secret-name") {
		t.Errorf("decode: got %v, want an error without the path", err)
	}
}

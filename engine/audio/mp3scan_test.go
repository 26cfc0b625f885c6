package audio

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

// tinyMP3 returns n of the smallest MPEG-2 layer III frames: 8 kbit/s at
// 24 kHz, mono, 24 bytes each for 576 samples (24 ms).
func tinyMP3(n int) []byte {
	frame := append([]byte{0xff, 0xf3, 0x14, 0xc0}, make([]byte, 20)...)
	return bytes.Repeat(frame, n)
}

func TestCountMP3MatchesGoMP3(t *testing.T) {
	// The count agrees with the frames go-mp3 decodes, tag frame included.
	for _, name := range []string{"tone.mp3", "tone-16k.mp3", "tone-8k.mp3"} {
		b := readFixture(t, name)
		s, err := sniff(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		if s.demuxer != "" {
			continue
		}
		in := input{r: bytes.NewReader(b), size: int64(len(b)), sniffed: s}
		m, err := openMP3(context.Background(), in, 0)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := m.decoder()
		if err != nil {
			t.Fatal(err)
		}
		var decoded int64
		buf := make([]byte, 4096)
		for {
			n, err := dec.Read(buf)
			decoded += int64(n / 4)
			if err != nil {
				break
			}
		}
		if decoded != m.total {
			t.Errorf("%s: counted %d frames, go-mp3 decoded %d", name, m.total, decoded)
		}
	}
}

func TestProbeTinyMP3FramesBounded(t *testing.T) {
	// 200000 frames of 24 bytes (4.8 MB) are 80 minutes: past a 1 hour
	// limit. go-mp3 alone allocated per frame while measuring; the probe
	// and the decoder refuse the file from one read buffer.
	path := writeTemp(t, "tiny.mp3", tinyMP3(200000))
	opts := Options{MaxDuration: time.Hour}
	var err error
	allocs := testing.AllocsPerRun(1, func() { _, err = Probe(context.Background(), path, opts) })
	if !errors.Is(err, ErrTooLong) {
		t.Fatalf("probe: got %v, want ErrTooLong", err)
	}
	if allocs > 100 {
		t.Errorf("probe made %v allocations, want at most 100 (none per frame)", allocs)
	}
	n := allocated(func() { _, err = DecodeFile(context.Background(), path, opts) })
	if !errors.Is(err, ErrTooLong) {
		t.Fatalf("decode: got %v, want ErrTooLong", err)
	}
	if n > 1<<20 {
		t.Errorf("decode allocated %d bytes before refusing, want at most 1 MiB", n)
	}
	// Within the limit, the same frames are measured in full.
	info, err := probe(context.Background(), bytes.NewReader(tinyMP3(2500)), "", opts)
	if err != nil || info.Duration != time.Minute {
		t.Errorf("2500 frames: got %+v, %v; want 1m0s", info, err)
	}
}

package audio

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/hajimehoshi/go-mp3"
)

// mp3Stream is an MP3 measured from its frame headers, with what its first
// frame says.
type mp3Stream struct {
	in       input
	rate     int
	channels int
	// total is the number of frames go-mp3 will produce, tag frame
	// included; skip and trim are the frames to drop at the start and end
	// to remove the tag frame and the encoder's padding, as gapless players
	// and ffmpeg do.
	total, skip, trim int64
}

// frames returns the number of audio frames after trimming.
func (m *mp3Stream) frames() int64 { return max(0, m.total-m.skip-m.trim) }

// openMP3 measures the MP3 stream that starts at in.start, after any ID3v2
// tags, from its frame headers (read, not decoded), counting no further
// than past limit, so that the limit is checked before decoding and memory
// does not grow with the number of frames.
func openMP3(ctx context.Context, in input, limit time.Duration) (*mp3Stream, error) {
	head, err := readAt(in.r, in.start, 8<<10)
	if err != nil {
		return nil, err
	}
	m := &mp3Stream{in: in, channels: 2}
	if h, at, ok := findMPEGFrame(head); ok {
		m.channels = h.channels
		if g := parseGapless(h, head[at:]); g.infoFrame {
			m.skip = int64(h.samples)
			if g.delay > 0 || g.padding > 0 {
				m.skip += int64(g.delay + decoderDelay)
				m.trim = int64(max(0, g.padding-decoderDelay))
			}
		}
	}
	m.rate, m.total, err = countMP3(ctx, in, func(rate int) int64 {
		if n := maxFramesFor(limit, rate, m.channels); n > 0 {
			return n + m.skip + m.trim
		}
		return 0
	})
	if err != nil {
		return nil, err
	}
	if m.total == 0 {
		return nil, errorf(ErrNoSamples, "no mp3 frames")
	}
	if err := checkRate(m.rate); err != nil {
		return nil, err
	}
	return m, nil
}

// decoder returns a go-mp3 decoder for the stream. It is given no Seek,
// so it does not walk the stream again: countMP3 did.
func (m *mp3Stream) decoder() (*mp3.Decoder, error) {
	rs, err := newBufReadSeeker(m.in.r, m.in.start)
	if err != nil {
		return nil, err
	}
	dec, err := mp3.NewDecoder(readerOnly{rs})
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errorf(ErrNoSamples, "no mp3 frames")
		}
		return nil, errorf(ErrCorrupt, "%v", err)
	}
	return dec, nil
}

// findMPEGFrame returns the first frame header in b that is followed by
// another, or that ends b, and its offset.
func findMPEGFrame(b []byte) (mpegHeader, int, bool) {
	for i := range b {
		h, ok := parseMPEGHeader(b[i:])
		if !ok || h.layer != 3 || h.size == 0 {
			continue
		}
		if next := i + h.size; next+4 > len(b) {
			return h, i, true
		} else if _, ok := parseMPEGHeader(b[next:]); ok {
			return h, i, true
		}
	}
	return mpegHeader{}, 0, false
}

// decodeMP3 decodes an MP3 with go-mp3, which always produces 16-bit
// stereo (mono sources are duplicated into both channels).
func decodeMP3(ctx context.Context, in input, opts Options) (*PCM, error) {
	m, err := openMP3(ctx, in, opts.MaxDuration)
	if err != nil {
		return nil, err
	}
	s := newSink(ctx, m.rate, m.channels, opts.MaxDuration, m.frames(), in.size)
	if err := s.checkFrames(m.frames()); err != nil {
		return nil, err
	}
	dec, err := m.decoder()
	if err != nil {
		return nil, err
	}
	const perBlock = 8 * 1152
	raw := make([]byte, perBlock*4)
	// pend holds decoded frames not yet written: the last m.trim frames
	// are held back until the end, where they are dropped.
	pend := make([]float32, 0, 2*(perBlock+int(m.trim)))
	var decoded int64
	for {
		n, err := io.ReadFull(dec, raw)
		frames := n / 4
		for i := range frames {
			if decoded++; decoded <= m.skip {
				continue
			}
			pend = append(pend,
				float32(int16(le16(raw[4*i:])))/(1<<15),
				float32(int16(le16(raw[4*i+2:])))/(1<<15))
		}
		if keep := 2 * int(m.trim); len(pend) > keep {
			if err := s.writeInterleaved(pend[:len(pend)-keep], 2); err != nil {
				return nil, err
			}
			pend = pend[:copy(pend, pend[len(pend)-keep:])]
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, errorf(ErrCorrupt, "%v", err)
		}
	}
	samples := s.finish()
	if len(samples) == 0 {
		return nil, errorf(ErrNoSamples, "no decodable mp3 frames")
	}
	return &PCM{
		Samples:        samples,
		Format:         "mp3",
		SourceRate:     m.rate,
		SourceChannels: m.channels,
		Truncated:      decoded < m.total,
	}, nil
}

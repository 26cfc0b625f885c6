package audio

import (
	"context"
	"errors"
	"io"

	"github.com/mewkiz/flac"
)

// openFLAC parses the FLAC stream header at in.start. flac.New skips the
// metadata blocks after STREAMINFO without reading them into memory.
func openFLAC(in input) (*flac.Stream, error) {
	if _, err := in.r.Seek(in.start, io.SeekStart); err != nil {
		return nil, err
	}
	stream, err := flac.New(in.r)
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return nil, errorf(ErrTruncated, "flac header")
	case err != nil:
		return nil, errorf(ErrCorrupt, "%v", err)
	}
	info := stream.Info
	if err := checkRate(int(info.SampleRate)); err != nil {
		return nil, err
	}
	if err := checkChannels(int(info.NChannels)); err != nil {
		return nil, err
	}
	if info.BitsPerSample < 4 || info.BitsPerSample > 32 {
		return nil, errorf(ErrCorrupt, "%d channels of %d bits", info.NChannels, info.BitsPerSample)
	}
	return stream, nil
}

// decodeFLAC decodes a FLAC stream with mewkiz/flac, frame by frame.
func decodeFLAC(ctx context.Context, in input, opts Options) (*PCM, error) {
	stream, err := openFLAC(in)
	if err != nil {
		return nil, err
	}
	info := stream.Info
	rate := int(info.SampleRate)
	// NSamples is 0 when the encoder did not know the length.
	s := newSink(ctx, rate, int(info.NChannels), opts.MaxDuration, int64(info.NSamples), in.size)
	if err := s.checkFrames(int64(info.NSamples)); err != nil {
		return nil, err
	}
	pcm := &PCM{Format: "flac", SourceRate: rate, SourceChannels: int(info.NChannels)}
	var mono []float32
	for {
		f, err := stream.ParseNext()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			pcm.Truncated = true
			break
		}
		if err != nil {
			return nil, errorf(ErrCorrupt, "%v", err)
		}
		bits := f.BitsPerSample
		if bits == 0 {
			bits = info.BitsPerSample
		}
		n := int(f.BlockSize)
		if len(f.Subframes) == 0 || bits < 4 || bits > 32 {
			return nil, errorf(ErrCorrupt, "frame of %d channels of %d bits", len(f.Subframes), bits)
		}
		mono = growFloats(mono, n)
		clear(mono)
		scale := 1 / float32(uint64(1)<<(bits-1)) / float32(len(f.Subframes))
		for _, sub := range f.Subframes {
			if len(sub.Samples) < n {
				return nil, errorf(ErrCorrupt, "subframe of %d samples in a block of %d", len(sub.Samples), n)
			}
			for i, v := range sub.Samples[:n] {
				mono[i] += float32(v) * scale
			}
		}
		if err := s.writeMono(mono); err != nil {
			return nil, err
		}
	}
	pcm.Samples = s.finish()
	if len(pcm.Samples) == 0 {
		if pcm.Truncated {
			return nil, errorf(ErrTruncated, "flac stream ends inside its first frame")
		}
		return nil, errorf(ErrNoSamples, "no flac frames")
	}
	return pcm, nil
}

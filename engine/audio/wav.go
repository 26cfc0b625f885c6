package audio

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// The WAV reader is our own rather than github.com/go-audio/wav v1.1.0,
// which was tried and rejected: it decodes 32-bit float as int32 and 64-bit
// float not at all, drops the WAVE_FORMAT_EXTENSIBLE sub-format (so 32-bit
// float and 32-bit int are indistinguishable), returns 8-bit samples
// unsigned, and allocates whatever size a LIST or fmt chunk claims before
// reading it: a 28-byte file made it allocate 8 GiB and run for 70 s. This
// walk seeks over chunks and never allocates from a size field.

// WAVE format tags.
const (
	wavPCM        = 0x0001
	wavFloat      = 0x0003
	wavALaw       = 0x0006
	wavMuLaw      = 0x0007
	wavExtensible = 0xfffe
)

// wavGUIDTail is the part of a WAVE_FORMAT_EXTENSIBLE sub-format GUID after
// its leading format tag.
const wavGUIDTail = "\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"

// wavHeader is what the fmt and data chunks of a WAV file say.
type wavHeader struct {
	// codec is the format tag, or the sub-format's for
	// WAVE_FORMAT_EXTENSIBLE; 0 for an unknown sub-format GUID.
	codec      uint16
	channels   int
	rate       int
	blockAlign int
	// sampleSize is the bytes per sample in its container.
	sampleSize int
	// dataOff and dataSize locate the sample data present in the file.
	dataOff, dataSize int64
	// truncated is set when the data chunk claims more bytes than remain.
	truncated bool
}

// frames returns the number of whole frames in the data.
func (h wavHeader) frames() int64 { return h.dataSize / int64(h.blockAlign) }

// supported reports whether decodeWAV converts the codec itself; other
// codecs (ADPCM, GSM, MP3-in-WAV, ...) go to ffmpeg.
func (h wavHeader) supported() bool {
	switch h.codec {
	case wavPCM, wavFloat, wavALaw, wavMuLaw:
		return true
	}
	return false
}

// readWAVHeader walks the RIFF chunks of a WAV file of size bytes up to the
// data chunk. Chunks after the data (LIST, id3) are not read.
func readWAVHeader(r io.ReadSeeker, size int64) (wavHeader, error) {
	var h wavHeader
	haveFmt := false
	for pos := int64(12); ; {
		b, err := readAt(r, pos, 8)
		if err != nil {
			return h, err
		}
		if len(b) < 8 {
			if !haveFmt {
				return h, errorf(ErrTruncated, "no fmt chunk")
			}
			return h, errorf(ErrTruncated, "no data chunk")
		}
		id, n, body := string(b[:4]), int64(le32(b[4:])), pos+8
		switch id {
		case "fmt ":
			if h, err = parseWAVFormat(r, body, n); err != nil {
				return h, err
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return h, errorf(ErrCorrupt, "data chunk before fmt chunk")
			}
			h.dataOff = body
			switch avail := size - body; {
			case n == math.MaxUint32:
				// Written to a pipe: the data runs to the end of the file.
				h.dataSize = avail
			case n > avail:
				h.dataSize, h.truncated = avail, true
			default:
				h.dataSize = n
			}
			return h, nil
		}
		pos = body + n + n&1
	}
}

// parseWAVFormat reads the fmt chunk of n bytes at off.
func parseWAVFormat(r io.ReadSeeker, off, n int64) (wavHeader, error) {
	var h wavHeader
	if n < 16 {
		return h, errorf(ErrCorrupt, "fmt chunk of %d bytes", n)
	}
	b, err := readAt(r, off, int(min(n, 40)))
	if err != nil {
		return h, err
	}
	if len(b) < 16 {
		return h, errorf(ErrTruncated, "fmt chunk")
	}
	h.codec = le16(b[0:])
	h.channels = int(le16(b[2:]))
	h.rate = int(le32(b[4:]))
	h.blockAlign = int(le16(b[12:]))
	bits := int(le16(b[14:]))
	if h.codec == wavExtensible {
		if len(b) < 40 {
			return h, errorf(ErrCorrupt, "extensible fmt chunk of %d bytes", len(b))
		}
		h.codec = le16(b[24:])
		if string(b[26:40]) != wavGUIDTail {
			h.codec = 0
		}
	}
	if err := checkChannels(h.channels); err != nil {
		return h, err
	}
	if err := checkRate(h.rate); err != nil {
		return h, err
	}
	// Trust blockAlign over bits when they disagree: it is the container
	// size (24-bit samples in 32-bit words, 12 bits in 16).
	switch bytes := (bits + 7) / 8; {
	case h.blockAlign == h.channels*bytes && bytes > 0:
		h.sampleSize = bytes
	case h.blockAlign > 0 && h.blockAlign%h.channels == 0:
		h.sampleSize = h.blockAlign / h.channels
	default:
		return h, errorf(ErrCorrupt, "block align %d for %d channels of %d bits", h.blockAlign, h.channels, bits)
	}
	if !h.supported() {
		return h, nil
	}
	if _, err := sampleDecoder(h.codec, h.sampleSize); err != nil {
		return h, err
	}
	return h, nil
}

// decodeWAV decodes PCM, float, A-law and mu-law WAV itself and hands other
// codecs to ffmpeg.
func decodeWAV(ctx context.Context, in input, opts Options) (*PCM, error) {
	h, err := readWAVHeader(in.r, in.size)
	if err != nil {
		return nil, err
	}
	if !h.supported() {
		in.demuxer = "wav"
		pcm, err := decodeFFmpeg(ctx, in, h.rate, h.channels, opts)
		if err != nil {
			return nil, fmt.Errorf("codec 0x%04x: %w", h.codec, err)
		}
		return pcm, nil
	}
	frames := h.frames()
	switch {
	case frames == 0 && h.truncated:
		return nil, errorf(ErrTruncated, "data chunk ends before its first frame")
	case frames == 0:
		return nil, errorf(ErrNoSamples, "empty data chunk")
	}
	s := newSink(ctx, h.rate, h.channels, opts.MaxDuration, frames, in.size)
	if err := s.checkFrames(frames); err != nil {
		return nil, err
	}
	conv, _ := sampleDecoder(h.codec, h.sampleSize)
	if _, err := in.r.Seek(h.dataOff, io.SeekStart); err != nil {
		return nil, err
	}
	perBlock := max(1, (64<<10)/h.blockAlign)
	raw := make([]byte, perBlock*h.blockAlign)
	samples := make([]float32, perBlock*h.channels)
	pcm := &PCM{Format: "wav", SourceRate: h.rate, SourceChannels: h.channels, Truncated: h.truncated}
	for left := frames; left > 0; {
		n := min(left, int64(perBlock))
		m, err := io.ReadFull(in.r, raw[:n*int64(h.blockAlign)])
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			// The file shrank under us: keep the whole frames read.
			n, left, pcm.Truncated = int64(m/h.blockAlign), 0, true
		} else if err != nil {
			return nil, err
		}
		x := samples[:n*int64(h.channels)]
		conv(x, raw)
		if err := s.writeInterleaved(x, h.channels); err != nil {
			return nil, err
		}
		left -= n
	}
	pcm.Samples = s.finish()
	return pcm, nil
}

// sampleDecoder returns the function that converts raw little-endian samples
// of the codec and size to floats in [-1, 1]. It fills all of dst.
func sampleDecoder(codec uint16, size int) (func(dst []float32, src []byte), error) {
	switch {
	case codec == wavPCM && size == 1:
		return func(dst []float32, src []byte) {
			for i := range dst {
				dst[i] = (float32(src[i]) - 128) / (1 << 7)
			}
		}, nil
	case codec == wavPCM && size == 2:
		return func(dst []float32, src []byte) {
			for i := range dst {
				dst[i] = float32(int16(le16(src[2*i:]))) / (1 << 15)
			}
		}, nil
	case codec == wavPCM && size == 3:
		return func(dst []float32, src []byte) {
			for i := range dst {
				b := src[3*i : 3*i+3]
				v := int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8
				dst[i] = float32(v) / (1 << 23)
			}
		}, nil
	case codec == wavPCM && size == 4:
		return func(dst []float32, src []byte) {
			for i := range dst {
				dst[i] = float32(int32(le32(src[4*i:]))) / (1 << 31)
			}
		}, nil
	case codec == wavFloat && size == 4:
		return func(dst []float32, src []byte) {
			for i := range dst {
				dst[i] = math.Float32frombits(le32(src[4*i:]))
			}
		}, nil
	case codec == wavFloat && size == 8:
		return func(dst []float32, src []byte) {
			for i := range dst {
				dst[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:])))
			}
		}, nil
	case (codec == wavALaw || codec == wavMuLaw) && size == 1:
		table := &aLawTable
		if codec == wavMuLaw {
			table = &muLawTable
		}
		return func(dst []float32, src []byte) {
			for i := range dst {
				dst[i] = table[src[i]]
			}
		}, nil
	}
	return nil, errorf(ErrCorrupt, "codec 0x%04x with %d-byte samples", codec, size)
}

// aLawTable and muLawTable expand G.711 bytes (ITU-T G.711, as in the
// reference decoders) to floats.
var (
	aLawTable  = g711Table(aLawExpand)
	muLawTable = g711Table(muLawExpand)
)

func g711Table(expand func(byte) int16) [256]float32 {
	var t [256]float32
	for i := range t {
		t[i] = float32(expand(byte(i))) / (1 << 15)
	}
	return t
}

func aLawExpand(a byte) int16 {
	a ^= 0x55
	t := int16(a&0x0f) << 4
	switch seg := (a & 0x70) >> 4; seg {
	case 0:
		t += 8
	case 1:
		t += 0x108
	default:
		t = (t + 0x108) << (seg - 1)
	}
	if a&0x80 != 0 {
		return t
	}
	return -t
}

func muLawExpand(u byte) int16 {
	u = ^u
	t := (int16(u&0x0f) << 3) + 0x84
	t <<= (u & 0x70) >> 4
	if u&0x80 != 0 {
		return 0x84 - t
	}
	return t - 0x84
}

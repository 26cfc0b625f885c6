package audio

import (
	"bytes"
	"encoding/binary"
)

// MPEG audio versions as coded in the frame header.
const (
	mpeg25 = 0
	mpeg2  = 2
	mpeg1  = 3
)

// mpegHeader is a parsed MPEG audio frame header.
type mpegHeader struct {
	version    int // mpeg1, mpeg2 or mpeg25
	layer      int // 1, 2 or 3
	crc        bool
	bitrate    int // bits per second; 0 for free format
	sampleRate int
	channels   int
	// samples is the number of samples per channel in one frame.
	samples int
	// size is the frame length in bytes; 0 for free format.
	size int
}

var (
	mpegBitrates = [2][3][15]int{ // [v1, v2][layer-1][index] in kbit/s
		{
			{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
			{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
			{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},
		},
		{
			{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
			{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
			{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
		},
	}
	mpegRates = [4][3]int{
		mpeg25: {11025, 12000, 8000},
		mpeg2:  {22050, 24000, 16000},
		mpeg1:  {44100, 48000, 32000},
	}
)

// parseMPEGHeader parses the MPEG audio frame header at the start of b.
func parseMPEGHeader(b []byte) (mpegHeader, bool) {
	if len(b) < 4 || b[0] != 0xff || b[1]&0xe0 != 0xe0 {
		return mpegHeader{}, false
	}
	version := int(b[1]>>3) & 3
	layer := 4 - int(b[1]>>1)&3
	brIndex := int(b[2] >> 4)
	srIndex := int(b[2]>>2) & 3
	if version == 1 || layer == 4 || brIndex == 15 || srIndex == 3 || b[3]&3 == 2 {
		return mpegHeader{}, false
	}
	h := mpegHeader{
		version:    version,
		layer:      layer,
		crc:        b[1]&1 == 0,
		sampleRate: mpegRates[version][srIndex],
		channels:   2,
	}
	if b[3]>>6 == 3 {
		h.channels = 1
	}
	v := 1
	if version == mpeg1 {
		v = 0
	}
	h.bitrate = mpegBitrates[v][layer-1][brIndex] * 1000
	padding := int(b[2]>>1) & 1
	switch {
	case layer == 1:
		h.samples = 384
		h.size = (12*h.bitrate/h.sampleRate + padding) * 4
	case layer == 3 && version != mpeg1:
		h.samples = 576
		h.size = 72*h.bitrate/h.sampleRate + padding
	default:
		h.samples = 1152
		h.size = 144*h.bitrate/h.sampleRate + padding
	}
	return h, true
}

// mp3Gapless is what the Xing/Info and LAME tags in the first frame of an MP3
// say about the padding the encoder added.
type mp3Gapless struct {
	// infoFrame is true when the first frame is a Xing, Info or VBRI tag
	// frame: it decodes to silence that is not part of the audio.
	infoFrame bool
	// delay and padding are the encoder's samples at the start and end, from
	// the LAME tag; 0 when absent.
	delay, padding int
}

// decoderDelay is the delay of the MP3 synthesis filterbank, which
// gapless-aware decoders remove along with the encoder delay.
const decoderDelay = 529

// parseGapless reads the tag frame, if any, at the start of b, which begins
// with the frame header h.
func parseGapless(h mpegHeader, b []byte) mp3Gapless {
	if h.layer != 3 {
		return mp3Gapless{}
	}
	if len(b) >= 40 && string(b[36:40]) == "VBRI" {
		return mp3Gapless{infoFrame: true}
	}
	off := 4
	if h.crc {
		off += 2
	}
	switch {
	case h.version == mpeg1 && h.channels == 1, h.version != mpeg1 && h.channels == 2:
		off += 17
	case h.version == mpeg1:
		off += 32
	default:
		off += 9
	}
	if len(b) < off+8 || (string(b[off:off+4]) != "Xing" && string(b[off:off+4]) != "Info") {
		return mp3Gapless{}
	}
	g := mp3Gapless{infoFrame: true}
	flags := binary.BigEndian.Uint32(b[off+4:])
	lame := off + 8
	for bit, n := range []int{4, 4, 100, 4} { // frames, bytes, TOC, quality
		if flags&(1<<bit) != 0 {
			lame += n
		}
	}
	if len(b) < lame+24 {
		return g
	}
	enc := b[lame : lame+4]
	if !bytes.Equal(enc, []byte("LAME")) && !bytes.Equal(enc, []byte("Lavc")) && !bytes.Equal(enc, []byte("Lavf")) {
		return g
	}
	v := int(b[lame+21])<<16 | int(b[lame+22])<<8 | int(b[lame+23])
	g.delay, g.padding = v>>12, v&0xfff
	return g
}

package audio

import (
	"bytes"
	"encoding/binary"
	"io"
)

// sniffLen is how many bytes sniff looks at. It covers every magic below,
// including the EBML DocType and an MPEG-TS packet pair.
const sniffLen = 512

// sniffed is what the magic bytes say about an input.
type sniffed struct {
	// format is the name used in errors and PCM.Format: "wav", "mp3", ...
	format string
	// demuxer is ffmpeg's -f name for formats that need ffmpeg; "" for the
	// formats decoded in Go (wav, mp3, flac).
	demuxer string
	// start is the offset of the audio stream once ID3v2 tags are skipped.
	start int64
}

// sniff reads the start of r, which is size bytes long, and names its format
// by magic bytes, never by file name. It returns ErrEmpty, ErrTruncated (a
// known magic or ID3 tag cut short) or ErrNotAudio. r is left at an
// unspecified offset.
func sniff(r io.ReadSeeker, size int64) (sniffed, error) {
	if size == 0 {
		return sniffed{}, errorf(ErrEmpty, "0 bytes")
	}
	head, err := readAt(r, 0, sniffLen)
	if err != nil {
		return sniffed{}, err
	}
	if s, ok := sniffContainer(head); ok {
		return s, nil
	}
	// ID3v2 tags may precede MP3, AAC and even FLAC: skip them all and look
	// at what follows.
	var start int64
	for len(head) >= 3 && string(head[:3]) == "ID3" {
		if len(head) < 10 {
			return sniffed{format: "mp3"}, errorf(ErrTruncated, "id3 tag header")
		}
		start += id3Size(head)
		if start > size {
			return sniffed{format: "mp3"}, errorf(ErrTruncated, "id3 tag of %d bytes in a %d-byte file", start, size)
		}
		if head, err = readAt(r, start, sniffLen); err != nil {
			return sniffed{}, err
		}
		if len(head) == 0 {
			// A tag and nothing else: MP3 is the only format that uses it
			// as its first bytes, so call it an MP3 without frames.
			return sniffed{format: "mp3", start: start}, nil
		}
	}
	s, ok := sniffStream(head)
	if !ok && start > 0 {
		// Whatever follows a tag is handed to the MP3 decoder, which
		// resynchronises on the next frame header itself.
		s, ok = sniffed{format: "mp3"}, true
	}
	if !ok {
		if isPrefixOfMagic(head) {
			return sniffed{}, errorf(ErrTruncated, "%d bytes", len(head))
		}
		if kind := sniffNotAudio(head); kind != "" {
			return sniffed{}, errorf(ErrNotAudio, "looks like %s", kind)
		}
		return sniffed{}, errorf(ErrNotAudio, "unknown magic bytes % x", head[:min(len(head), 8)])
	}
	s.start = start
	return s, nil
}

// sniffContainer recognises formats whose magic is at offset 0 and which
// never follow an ID3 tag.
func sniffContainer(b []byte) (sniffed, bool) {
	has := func(off int, magic string) bool {
		return len(b) >= off+len(magic) && string(b[off:off+len(magic)]) == magic
	}
	switch {
	case has(0, "RIFF") && has(8, "WAVE"):
		return sniffed{format: "wav"}, true
	case (has(0, "RF64") || has(0, "BW64")) && has(8, "WAVE"):
		return sniffed{format: "rf64", demuxer: "wav"}, true
	case has(0, "RIFX") && has(8, "WAVE"):
		return sniffed{format: "rifx", demuxer: "wav"}, true
	case has(0, "RIFF") && has(8, "AVI "):
		return sniffed{format: "avi", demuxer: "avi"}, true
	case has(0, "fLaC"):
		return sniffed{format: "flac"}, true
	case has(0, "OggS"):
		return sniffed{format: "ogg", demuxer: "ogg"}, true
	case has(4, "ftyp"):
		return sniffed{format: ftypFormat(b), demuxer: "mov"}, true
	case has(4, "moov") || has(4, "mdat") || has(4, "wide") || has(4, "free"):
		return sniffed{format: "mov", demuxer: "mov"}, true
	case has(0, "\x1a\x45\xdf\xa3"):
		if bytes.Contains(b, []byte("webm")) {
			return sniffed{format: "webm", demuxer: "matroska"}, true
		}
		return sniffed{format: "mkv", demuxer: "matroska"}, true
	case has(0, "#!AMR"):
		return sniffed{format: "amr", demuxer: "amr"}, true
	case has(0, asfGUID):
		return sniffed{format: "wma", demuxer: "asf"}, true
	case has(0, "FORM") && (has(8, "AIFF") || has(8, "AIFC")):
		return sniffed{format: "aiff", demuxer: "aiff"}, true
	case has(0, "caff"):
		return sniffed{format: "caf", demuxer: "caf"}, true
	case has(0, ".snd"):
		return sniffed{format: "au", demuxer: "au"}, true
	case has(0, "wvpk"):
		return sniffed{format: "wavpack", demuxer: "wv"}, true
	case has(0, "MAC "):
		return sniffed{format: "ape", demuxer: "ape"}, true
	case has(0, "TTA1"):
		return sniffed{format: "tta", demuxer: "tta"}, true
	case has(0, "MPCK"):
		return sniffed{format: "musepack", demuxer: "mpc8"}, true
	case has(0, ".RMF"):
		return sniffed{format: "rm", demuxer: "rm"}, true
	case has(0, "FLV\x01"):
		return sniffed{format: "flv", demuxer: "flv"}, true
	case has(0, "\x00\x00\x01\xba"):
		return sniffed{format: "mpeg", demuxer: "mpeg"}, true
	case len(b) > 188 && b[0] == 0x47 && b[188] == 0x47:
		return sniffed{format: "mpegts", demuxer: "mpegts"}, true
	}
	return sniffed{}, false
}

// sniffStream recognises the formats that may follow an ID3v2 tag.
func sniffStream(b []byte) (sniffed, bool) {
	switch {
	case len(b) >= 4 && string(b[:4]) == "fLaC":
		return sniffed{format: "flac"}, true
	case len(b) >= 2 && b[0] == 0x0b && b[1] == 0x77:
		return sniffed{format: "ac3", demuxer: "ac3"}, true
	case len(b) >= 4 && b[0] == 0xff && b[1]&0xf6 == 0xf0:
		// ADTS: a 12-bit sync word and layer 0, which MPEG audio never uses.
		return sniffed{format: "aac", demuxer: "aac"}, true
	}
	if h, ok := parseMPEGHeader(b); ok {
		switch {
		case h.layer != 3:
			return sniffed{format: "mp2", demuxer: "mp3"}, true
		case h.version == mpeg25:
			// go-mp3 rejects MPEG 2.5 (8-12 kHz); ffmpeg decodes it.
			return sniffed{format: "mp3", demuxer: "mp3"}, true
		}
		return sniffed{format: "mp3"}, true
	}
	return sniffed{}, false
}

// asfGUID starts every ASF file (WMA, WMV).
const asfGUID = "\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9\x00\xaa\x00\x62\xce\x6c"

// ftypFormat names an ISO base media file by its major brand.
func ftypFormat(b []byte) string {
	if len(b) < 12 {
		return "mp4"
	}
	switch brand := string(b[8:12]); {
	case brand == "M4A " || brand == "M4B " || brand == "M4P ":
		return "m4a"
	case brand == "qt  ":
		return "mov"
	case brand[:3] == "3gp" || brand[:3] == "3g2":
		return "3gp"
	}
	return "mp4"
}

// id3Size returns the full length of the ID3v2 tag at the start of b,
// header and optional footer included. b holds at least 10 bytes.
func id3Size(b []byte) int64 {
	size := int64(b[6]&0x7f)<<21 | int64(b[7]&0x7f)<<14 | int64(b[8]&0x7f)<<7 | int64(b[9]&0x7f)
	size += 10
	if b[5]&0x10 != 0 {
		size += 10
	}
	return size
}

// magics are the fixed prefixes that isPrefixOfMagic checks, so that a file
// cut short inside its magic is reported as truncated, not as "not audio".
var magics = []string{"RIFF", "RF64", "fLaC", "OggS", "ID3", "#!AMR", "FORM", "caff", "\x1a\x45\xdf\xa3", asfGUID}

// isPrefixOfMagic reports whether b is a proper prefix of a known magic, or
// a RIFF header cut before its form type.
func isPrefixOfMagic(b []byte) bool {
	for _, m := range magics {
		if len(b) < len(m) && string(b) == m[:len(b)] {
			return true
		}
	}
	return len(b) < 12 && len(b) >= 4 && (string(b[:4]) == "RIFF" || string(b[:4]) == "FORM")
}

// sniffNotAudio names a few common non-audio files so the error says what
// was uploaded instead.
func sniffNotAudio(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG")):
		return "png image"
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "jpeg image"
	case bytes.HasPrefix(b, []byte("GIF8")):
		return "gif image"
	case bytes.HasPrefix(b, []byte("%PDF")):
		return "pdf document"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "zip archive"
	case bytes.HasPrefix(b, []byte("MThd")):
		return "midi file"
	case isText(b):
		return "text"
	}
	return ""
}

// isText reports whether b looks like text: no control bytes other than
// whitespace.
func isText(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			return false
		}
	}
	return true
}

// readAt reads up to n bytes at off. A short read at the end of r is not an
// error.
func readAt(r io.ReadSeeker, off int64, n int) ([]byte, error) {
	if _, err := r.Seek(off, io.SeekStart); err != nil {
		return nil, err
	}
	b := make([]byte, n)
	m, err := io.ReadFull(r, b)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	return b[:m], err
}

// le16 and le32 read little-endian integers.
func le16(b []byte) uint16 { return binary.LittleEndian.Uint16(b) }
func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }

package audio

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestSniff(t *testing.T) {
	pad := func(s string) string { return s + strings.Repeat("\x00", 64) }
	tests := []struct {
		name        string
		data        string
		wantFormat  string
		wantDemuxer string
		wantStart   int64
	}{
		{"wav", pad("RIFF\x00\x00\x00\x00WAVEfmt "), "wav", "", 0},
		{"rf64", pad("RF64\xff\xff\xff\xffWAVEds64"), "rf64", "wav", 0},
		{"avi", pad("RIFF\x00\x00\x00\x00AVI LIST"), "avi", "avi", 0},
		{"flac", pad("fLaC\x00\x00\x00\x22"), "flac", "", 0},
		{"mp3 frame", pad("\xff\xfb\x50\x00"), "mp3", "", 0},
		{"mp3 mpeg2", pad("\xff\xf3\x48\xc4"), "mp3", "", 0},
		{"mp3 mpeg2.5 goes to ffmpeg", pad("\xff\xe3\x18\xc4"), "mp3", "mp3", 0},
		{"mp2", pad("\xff\xfd\x50\x00"), "mp2", "mp3", 0},
		{"id3 then mp3", "ID3\x04\x00\x00\x00\x00\x00\x05hello" + pad("\xff\xfb\x50\x00"), "mp3", "", 15},
		{"two id3 tags", "ID3\x04\x00\x00\x00\x00\x00\x00ID3\x03\x00\x00\x00\x00\x00\x01x" + pad("\xff\xfb\x50\x00"), "mp3", "", 21},
		{"id3 with footer", "ID3\x04\x00\x10\x00\x00\x00\x00" + strings.Repeat("F", 10) + pad("\xff\xfb\x50\x00"), "mp3", "", 20},
		{"id3 then flac", "ID3\x04\x00\x00\x00\x00\x00\x00" + pad("fLaC"), "flac", "", 10},
		{"id3 then aac", "ID3\x04\x00\x00\x00\x00\x00\x00" + pad("\xff\xf1\x50\x80"), "aac", "aac", 10},
		{"id3 then junk is left to the mp3 decoder", "ID3\x04\x00\x00\x00\x00\x00\x00" + pad("junk"), "mp3", "", 10},
		{"ogg", pad("OggS\x00\x02"), "ogg", "ogg", 0},
		{"m4a", pad("\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00"), "m4a", "mov", 0},
		{"mp4", pad("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00"), "mp4", "mov", 0},
		{"mov", pad("\x00\x00\x00\x14ftypqt  "), "mov", "mov", 0},
		{"3gp", pad("\x00\x00\x00\x14ftyp3gp4"), "3gp", "mov", 0},
		{"old mov", pad("\x00\x00\x00\x08wide"), "mov", "mov", 0},
		{"webm", pad("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm"), "webm", "matroska", 0},
		{"mkv", pad("\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska"), "mkv", "matroska", 0},
		{"adts aac mpeg4", pad("\xff\xf1\x50\x80"), "aac", "aac", 0},
		{"adts aac mpeg2", pad("\xff\xf9\x50\x80"), "aac", "aac", 0},
		{"amr", pad("#!AMR\n"), "amr", "amr", 0},
		{"amr-wb", pad("#!AMR-WB\n"), "amr", "amr", 0},
		{"wma", pad(asfGUID), "wma", "asf", 0},
		{"aiff", pad("FORM\x00\x00\x00\x00AIFF"), "aiff", "aiff", 0},
		{"aifc", pad("FORM\x00\x00\x00\x00AIFC"), "aiff", "aiff", 0},
		{"caf", pad("caff\x00\x01"), "caf", "caf", 0},
		{"au", pad(".snd\x00\x00\x00\x18"), "au", "au", 0},
		{"ac3", pad("\x0b\x77\x00\x00"), "ac3", "ac3", 0},
		{"wavpack", pad("wvpk"), "wavpack", "wv", 0},
		{"flv", pad("FLV\x01\x05"), "flv", "flv", 0},
		{"mpeg-ps", pad("\x00\x00\x01\xba"), "mpeg", "mpeg", 0},
		{"mpeg-ts", "\x47" + strings.Repeat("\x00", 187) + "\x47" + strings.Repeat("\x00", 200), "mpegts", "mpegts", 0},
	}
	for _, tt := range tests {
		got, err := sniff(bytes.NewReader([]byte(tt.data)), int64(len(tt.data)))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got.format != tt.wantFormat || got.demuxer != tt.wantDemuxer || got.start != tt.wantStart {
			t.Errorf("%s: got %+v, want format %q demuxer %q start %d", tt.name, got, tt.wantFormat, tt.wantDemuxer, tt.wantStart)
		}
	}
}

func TestSniffErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want error
		msg  string
	}{
		{"empty", "", ErrEmpty, "empty input: 0 bytes"},
		{"cut inside a magic", "fLa", ErrTruncated, "truncated input: 3 bytes"},
		{"riff without form type", "RIFF\x00\x00", ErrTruncated, "truncated input: 6 bytes"},
		{"cut inside an id3 header", "ID3\x04\x00", ErrTruncated, "truncated input: id3 tag header"},
		{"text", "just some words\n", ErrNotAudio, "not an audio file: looks like text"},
		{"json", `{"audio": true}`, ErrNotAudio, "not an audio file: looks like text"},
		{"png", "\x89PNG\r\n\x1a\n", ErrNotAudio, "not an audio file: looks like png image"},
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF", ErrNotAudio, "not an audio file: looks like jpeg image"},
		{"pdf", "%PDF-1.7\n", ErrNotAudio, "not an audio file: looks like pdf document"},
		{"zip", "PK\x03\x04\x14\x00", ErrNotAudio, "not an audio file: looks like zip archive"},
		{"midi", "MThd\x00\x00\x00\x06", ErrNotAudio, "not an audio file: looks like midi file"},
		{"binary", "\x00\x01\x02\x03\x04\x05\x06\x07\x08", ErrNotAudio, "not an audio file: unknown magic bytes 00 01 02 03 04 05 06 07"},
		{"hls playlist is not fed to ffmpeg", "#EXTM3U\n#EXT-X-VERSION:3\n", ErrNotAudio, "not an audio file: looks like text"},
		{"riff that is not wave", "RIFF\x00\x00\x00\x00CDXA", ErrNotAudio, "not an audio file: unknown magic bytes 52 49 46 46 00 00 00 00"},
	}
	for _, tt := range tests {
		_, err := sniff(bytes.NewReader([]byte(tt.data)), int64(len(tt.data)))
		if !errors.Is(err, tt.want) || err.Error() != tt.msg {
			t.Errorf("%s: got %v, want %q", tt.name, err, tt.msg)
		}
	}
}

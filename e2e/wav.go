package e2e

import (
	"context"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/engine/audio"

	"bytes"
	"encoding/binary"
)

// WAV encodes 16 kHz mono samples as a 16-bit PCM WAV file.
func WAV(samples []float32) []byte {
	pcm := make([]byte, 0, 2*len(samples))
	for _, s := range samples {
		pcm = binary.LittleEndian.AppendUint16(pcm, uint16(int16(max(-1, min(1, s))*32767)))
	}
	return WAVWithLength(pcm, uint32(len(pcm)))
}

// WAVWithLength wraps 16 kHz 16-bit mono PCM in a WAV header whose data
// chunk claims dataLen bytes, which a test may set to something else than
// len(pcm) to make a truncated or lying file.
func WAVWithLength(pcm []byte, dataLen uint32) []byte {
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, 36+dataLen)
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(16000), uint32(32000), uint16(2), uint16(16)} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, dataLen)
	b.Write(pcm)
	return b.Bytes()
}

// RepeatWAV decodes the audio file at path and returns it played n times
// over, as a 16 kHz mono 16-bit WAV file: a long job from a short clip.
func RepeatWAV(t testing.TB, path string, n int) []byte {
	t.Helper()
	pcm, err := audio.DecodeFile(context.Background(), path, audio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	samples := make([]float32, 0, n*len(pcm.Samples))
	for range n {
		samples = append(samples, pcm.Samples...)
	}
	return WAV(samples)
}

package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"mime/multipart"
	"net/textproto"
	"time"
)

// toneWAV returns a 16 kHz mono 16-bit PCM WAV file of d: a quiet 440 Hz
// tone. 32 s is 1,024,044 bytes.
func toneWAV(d time.Duration) []byte {
	const rate = 16000
	n := int(d.Seconds() * rate)
	var b bytes.Buffer
	b.Grow(44 + 2*n)
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + 2*n))
	b.WriteString("WAVEfmt ")
	le(uint32(16))       // fmt chunk size
	le(uint16(1))        // PCM
	le(uint16(1))        // mono
	le(uint32(rate))     // sample rate
	le(uint32(rate * 2)) // byte rate
	le(uint16(2))        // block align
	le(uint16(16))       // bits per sample
	b.WriteString("data")
	le(uint32(2 * n))
	pcm := make([]byte, 2*n)
	for i := range n {
		s := int16(3000 * math.Sin(2*math.Pi*440*float64(i)/rate))
		binary.LittleEndian.PutUint16(pcm[2*i:], uint16(s))
	}
	b.Write(pcm)
	return b.Bytes()
}

// multipartBody returns the create request's body, built once and reused by
// every request (the Idempotency-Key header is what makes each unique), and
// its Content-Type.
func multipartBody(filename string, audio []byte) ([]byte, string, error) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
	h.Set("Content-Type", "audio/wav")
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", fmt.Errorf("multipart: %w", err)
	}
	part.Write(audio)
	if err := w.WriteField("metadata", `{"source":"bench-api"}`); err != nil {
		return nil, "", fmt.Errorf("multipart: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, "", fmt.Errorf("multipart: %w", err)
	}
	return b.Bytes(), w.FormDataContentType(), nil
}

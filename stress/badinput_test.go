//go:build stress

package stress

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/e2e"
)

// badCase is one hostile request and what the server must answer: status
// and error code at once, or, for a 202, the code the job fails with.
type badCase struct {
	name    string
	body    func() (io.Reader, string) // body and Content-Type
	status  int
	code    string
	jobCode string // for 202: the job must fail with this code; "" = complete
}

// TestBadInput sends a corpus of hostile inputs to the binary (1 MiB upload
// limit, private networks allowed for the local URL servers) and checks
// each answer, that /healthz answers after each, that no goroutine leaks
// and that no file is left in data_dir/audio.
func TestBadInput(t *testing.T) {
	const maxUpload = 1 << 20
	s := itStart(t,
		"INSTANTTRANSCRIBER_LIMITS_MAX_UPLOAD_BYTES=1048576",
		"INSTANTTRANSCRIBER_URL_IMPORT_ALLOW_PRIVATE_NETWORKS=true",
		"INSTANTTRANSCRIBER_SERVER_RATE_LIMIT=0",
	)
	key, _ := s.newKey(t, "bad")
	clip := itClip(t)
	read := func(name string) []byte {
		b, err := os.ReadFile("../engine/audio/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	mp3, flac := read("tone.mp3"), read("tone.flac")
	scramble := func(b []byte, from int) []byte {
		c := bytes.Clone(b)
		for i := from; i < len(c); i++ {
			c[i] = byte(i*7919) ^ 0x5a
		}
		return c
	}

	// The 10 GB streams: zeros, with and without Content-Length.
	var served atomic.Int64
	stream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/sized" {
			w.Header().Set("Content-Length", "10737418240")
		}
		w.Header().Set("Content-Type", "audio/wav")
		zeros := make([]byte, 32<<10)
		for range 10 << 30 / len(zeros) {
			n, err := w.Write(zeros)
			served.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer stream.Close()

	time.Sleep(500 * time.Millisecond)
	base := s.goroutines(t)

	form := func(fields [][2]string, name string, data []byte) func() (io.Reader, string) {
		return func() (io.Reader, string) { return e2e.Form(fields, name, data) }
	}
	en := [][2]string{{"language", "en"}}
	cases := []badCase{
		{"zero-length file", form(en, "empty.wav", []byte{}), 400, "invalid_audio", ""},
		{"wav header only", form(en, "hdr.wav", itWAV(nil, 0)), 400, "invalid_audio", ""},
		// A short data chunk decodes what is there.
		{"wav truncated (claims 1 s, has 100 bytes)", form(en, "trunc.wav", itWAV(clip[44:144], 32000)), 202, "", ""},
		// The probe believes the file size, not the header: 1 s.
		{"wav claims 4 GiB data", form(en, "huge.wav", itWAV(clip[44:], 0xFFFFFFF0)), 202, "", ""},
		{"wav corrupt fmt chunk", form(en, "fmt.wav", scramble(clip, 20)[:200]), 400, "invalid_audio", ""},
		{"mp3 truncated to 300 bytes", form(en, "t.mp3", mp3[:300]), 400, "invalid_audio", ""},
		// MP3 decoders resynchronise on the next frame header.
		{"mp3 frames scrambled", form(en, "s.mp3", scramble(mp3, 1024)), 202, "", ""},
		// STREAMINFO promises samples; the frames are gone.
		{"flac truncated to 100 bytes", form(en, "t.flac", flac[:100]), 202, "", "empty_audio"},
		{"flac frames scrambled", form(en, "s.flac", scramble(flac, 200)), 202, "", "invalid_audio"},
		// 70 KB that decode to minutes of 8-channel audio: refused by the
		// rate cap, and counted from frame headers (not decoded) below it.
		{"flac 768 kHz 8 ch, no length", form(en, "r.flac", itFLAC(768000, 8, 0, 2600)), 400, "invalid_audio", ""},
		{"flac 384 kHz 8 ch past the work budget", form(en, "w.flac", itFLAC(384000, 8, 0, 10600)), 413, "audio_too_long", ""},
		{"random bytes", form(en, "x.bin", scramble(make([]byte, 4096), 0)), 415, "unsupported_media", ""},
		{"over max_upload_bytes", form(en, "big.wav", itWAV(make([]byte, maxUpload), maxUpload)), 413, "payload_too_large", ""},
		{"wrong Content-Type", func() (io.Reader, string) { return bytes.NewReader(clip), "audio/wav" }, 415, "unsupported_media", ""},
		{"no Content-Type", func() (io.Reader, string) { return bytes.NewReader(clip), "" }, 415, "unsupported_media", ""},
		{"multipart without boundary", func() (io.Reader, string) { return strings.NewReader("--x\r\n"), "multipart/form-data" }, 400, "invalid_request", ""},
		{"multipart garbage body", func() (io.Reader, string) { return strings.NewReader("nonsense"), "multipart/form-data; boundary=x" }, 400, "invalid_request", ""},
		{"multipart without file", form(en, "", nil), 400, "invalid_request", ""},
		{"two files", func() (io.Reader, string) {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			for _, n := range []string{"a.wav", "b.wav"} {
				fw, _ := mw.CreateFormFile("file", n)
				fw.Write(clip)
			}
			mw.Close()
			return &b, mw.FormDataContentType()
		}, 400, "invalid_request", ""},
		{"gigantic language field (1 MiB)", form([][2]string{{"language", strings.Repeat("e", 1<<20)}}, "c.wav", clip), 400, "invalid_request", ""},
		{"unknown field", form([][2]string{{"evil", "1"}}, "c.wav", clip), 400, "invalid_request", ""},
		{"metadata 10 MB", form([][2]string{{"metadata", `{"a":"` + strings.Repeat("x", 10<<20) + `"}`}}, "c.wav", clip), 400, "invalid_request", ""},
		{"metadata 10 MB JSON body", func() (io.Reader, string) {
			return strings.NewReader(`{"url":"http://example.com/a.wav","metadata":{"a":"` + strings.Repeat("x", 10<<20) + `"}}`), "application/json"
		}, 413, "payload_too_large", ""},
		{"metadata invalid UTF-8", form([][2]string{{"metadata", "{\"a\":\"\xff\xfe\"}"}}, "c.wav", clip), 400, "invalid_request", ""},
		{"metadata not an object", form([][2]string{{"metadata", `[1,2]`}}, "c.wav", clip), 400, "invalid_request", ""},
		{"language invalid UTF-8", form([][2]string{{"language", "\xff"}}, "c.wav", clip), 400, "invalid_request", ""},
		{"filename invalid UTF-8 and traversal", form(en, "../../\xff\xfeetc/passwd", clip), 202, "", ""},
		{"JSON trailing garbage", func() (io.Reader, string) {
			return strings.NewReader(`{"url":"http://example.com/a.wav"} {}`), "application/json"
		}, 400, "invalid_request", ""},
		// encoding/json turns invalid UTF-8 into U+FFFD; the host does not
		// resolve.
		{"JSON invalid UTF-8", func() (io.Reader, string) {
			return strings.NewReader("{\"url\":\"http://host.invalid/\xff.wav\"}"), "application/json"
		}, 202, "", "download_failed"},
		{"url: 10 GB stream with Content-Length", func() (io.Reader, string) {
			return strings.NewReader(`{"url":"` + stream.URL + `/sized"}`), "application/json"
		}, 202, "", "payload_too_large"},
		{"url: 10 GB stream without Content-Length", func() (io.Reader, string) {
			return strings.NewReader(`{"url":"` + stream.URL + `/chunked"}`), "application/json"
		}, 202, "", "payload_too_large"},
	}
	for _, c := range cases {
		body, ct := c.body()
		start := time.Now()
		r := s.do(t, http.MethodPost, "/v1/transcriptions", key, ct, body)
		if r.Status != c.status || r.Code() != c.code {
			t.Errorf("%s: got %d %q, want %d %q (%s)", c.name, r.Status, r.Code(), c.status, c.code, e2e.Tail(string(r.Body), 300))
		}
		if r.Status == http.StatusAccepted {
			j := s.WaitEnded(t, key, r.JSON()["id"].(string), 2*time.Minute)
			code := ""
			if e, ok := j["error"].(map[string]any); ok {
				code, _ = e["code"].(string)
			}
			if code != c.jobCode || (c.jobCode == "" && j["status"] != "completed") {
				t.Errorf("%s: job %v with error %q, want error %q", c.name, j["status"], code, c.jobCode)
			}
			if c.name == "filename invalid UTF-8 and traversal" {
				src, _ := j["source"].(map[string]any)
				if fn, _ := src["filename"].(string); strings.Contains(fn, "/") || strings.Contains(fn, "..") {
					t.Errorf("%s: filename %q keeps a path", c.name, fn)
				}
			}
		}
		t.Logf("%-45s %d %-18s %v", c.name, r.Status, r.Code(), time.Since(start).Round(time.Millisecond))
		s.healthy(t, c.name)
	}
	if n := served.Load(); n > 64<<20 {
		t.Errorf("the 10 GB streams were read for %d bytes; the 1 MiB limit should stop them early", n)
	} else {
		t.Logf("10 GB streams: %d bytes served in all before the limit cut them", n)
	}

	t.Run("audio cost under a 1 minute limit", func(t *testing.T) {
		// Files whose cost grows with their length, not their size, each
		// within the 1 MiB upload limit: refused from their headers.
		short := itStart(t,
			"INSTANTTRANSCRIBER_LIMITS_MAX_AUDIO_DURATION=1m",
			"INSTANTTRANSCRIBER_SERVER_RATE_LIMIT=0",
		)
		skey, _ := short.newKey(t, "cost")
		for _, c := range []struct {
			name string
			data []byte
		}{
			// 43690 frames of 24 bytes: 17 minutes.
			{"mp3 of 24-byte frames (1 MiB)", bytes.Repeat(append([]byte{0xff, 0xf3, 0x14, 0xc0}, make([]byte, 20)...), 43690)},
			// 2 minutes at 48 kHz stereo, length unknown.
			{"flac without length, 2 min", itFLAC(48000, 2, 0, 88)},
			// 20 s of 8 channels at 192 kHz: a minute pays for 15 s.
			{"flac 192 kHz 8 ch, 20 s", itFLAC(192000, 8, 20*192000, 59)},
		} {
			body, ct := e2e.Form(en, "a", c.data)
			r := short.do(t, http.MethodPost, "/v1/transcriptions", skey, ct, body)
			if r.Status != http.StatusRequestEntityTooLarge || r.Code() != "audio_too_long" {
				t.Errorf("%s: got %d %q, want 413 audio_too_long (%s)", c.name, r.Status, r.Code(), e2e.Tail(string(r.Body), 300))
			}
			short.healthy(t, c.name)
		}
		if files := short.audioFiles(t); len(files) > 0 {
			t.Errorf("files left in data_dir/audio: %v", files)
		}
	})

	t.Run("header flood", func(t *testing.T) {
		for _, h := range []struct {
			name string
			hdrs func(*http.Header)
		}{
			{"one 100 KiB header", func(h *http.Header) { h.Set("X-Big", strings.Repeat("a", 100<<10)) }},
			{"10000 small headers", func(h *http.Header) {
				for i := range 10000 {
					h.Set(fmt.Sprintf("X-H-%d", i), "v")
				}
			}},
		} {
			req, _ := http.NewRequest(http.MethodGet, s.Base+"/healthz", nil)
			h.hdrs(&req.Header)
			r, err := s.send(req)
			if err != nil {
				t.Errorf("%s: %v", h.name, err)
				continue
			}
			if r.Status != http.StatusRequestHeaderFieldsTooLarge {
				t.Errorf("%s: %d, want 431", h.name, r.Status)
			}
			s.healthy(t, h.name)
		}
	})

	t.Run("slowloris", func(t *testing.T) {
		// Both in parallel: headers dripped a byte a second (cut by the
		// 10 s ReadHeaderTimeout), and a body that stalls (cut by the 30 s
		// body read idle timeout).
		type result struct {
			name string
			took time.Duration
			err  error
		}
		out := make(chan result, 2)
		addr := strings.TrimPrefix(s.Base, "http://")
		// slow runs send on a fresh connection and reports how long the
		// server took to cut it.
		slow := func(name string, send func(conn net.Conn)) {
			start := time.Now()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				out <- result{name, 0, err}
				return
			}
			defer conn.Close()
			send(conn)
			out <- result{name, time.Since(start), nil}
		}
		go slow("headers", func(conn net.Conn) {
			fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
			for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
				if _, err := conn.Write([]byte("X")); err != nil {
					break
				}
				conn.SetReadDeadline(time.Now().Add(time.Second))
				if _, err := conn.Read(make([]byte, 1)); err == io.EOF || (err == nil) {
					break // closed, or answered (408/400)
				}
			}
		})
		go slow("body", func(conn net.Conn) {
			body, ct := e2e.Form(en, "c.wav", clip)
			fmt.Fprintf(conn, "POST /v1/transcriptions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", key, ct, body.Len())
			conn.Write(body.Bytes()[:1000])
			conn.SetReadDeadline(time.Now().Add(90 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err == nil {
				resp.Body.Close()
			}
		})
		for range 2 {
			r := <-out
			if r.err != nil {
				t.Errorf("%s: %v", r.name, r.err)
				continue
			}
			t.Logf("slow %s cut after %v", r.name, r.took.Round(100*time.Millisecond))
			limit := 15 * time.Second
			if r.name == "body" {
				limit = 40 * time.Second
			}
			if r.took > limit {
				t.Errorf("slow %s held the connection %v (limit %v)", r.name, r.took, limit)
			}
		}
		s.healthy(t, "slowloris")
	})

	after := s.settleGoroutines(t, base+5, 30*time.Second)
	t.Logf("goroutines: baseline %d, after %d", base, after)
	if after > base+5 {
		t.Errorf("goroutines %d after the corpus, baseline %d: a leak", after, base)
	}
	deadline := time.Now().Add(10 * time.Second)
	files := s.audioFiles(t)
	for len(files) > 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		files = s.audioFiles(t)
	}
	if len(files) > 0 {
		t.Errorf("files left in data_dir/audio: %v", files)
	}
}

// itFLAC returns a FLAC stream of frames frames of 65535 samples, every
// subframe an 8-bit constant: about 10 bytes per channel per frame that
// decode to 65535 samples each. nSamples is STREAMINFO's total; 0 means
// unknown, as a streaming encoder writes it.
func itFLAC(rate, channels int, nSamples uint64, frames int) []byte {
	const block = 65535
	var b bytes.Buffer
	b.WriteString("fLaC\x80\x00\x00\x22")
	b.Write([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0})
	v := uint64(rate)<<44 | uint64(channels-1)<<41 | 7<<36 | nSamples&(1<<36-1)
	binary.Write(&b, binary.BigEndian, v)
	b.Write(make([]byte, 16))
	crc := func(data []byte, poly uint16, width uint) uint16 {
		var c uint16
		top := uint16(1) << (width - 1)
		for _, x := range data {
			for i := 7; i >= 0; i-- {
				bit := c&top != 0 != (x>>i&1 == 1)
				c <<= 1
				if bit {
					c ^= poly
				}
			}
		}
		return c & (top<<1 - 1)
	}
	for f := range frames {
		h := []byte{0xff, 0xf8, 0x70, byte(channels-1)<<4 | 2}
		switch { // the frame number, coded like UTF-8
		case f < 0x80:
			h = append(h, byte(f))
		case f < 0x800:
			h = append(h, 0xc0|byte(f>>6), 0x80|byte(f&0x3f))
		default:
			h = append(h, 0xe0|byte(f>>12), 0x80|byte(f>>6&0x3f), 0x80|byte(f&0x3f))
		}
		h = append(h, (block-1)>>8, (block-1)&0xff)
		h = append(h, byte(crc(h, 0x07, 8)))
		for c := range channels {
			h = append(h, 0, byte(c))
		}
		c16 := crc(h, 0x8005, 16)
		b.Write(append(h, byte(c16>>8), byte(c16)))
	}
	return b.Bytes()
}

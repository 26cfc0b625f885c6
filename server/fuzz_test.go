package server

import (
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// FuzzReadMultipart feeds arbitrary multipart bodies to the create
// request's form reader and validation. It must never panic; a failed read
// leaves no file behind; a successful one leaves exactly the saved upload,
// no larger than the limit and with the size it reports.
func FuzzReadMultipart(f *testing.F) {
	const limit = 4 << 10
	seed := func(fields [][2]string, file []byte) (string, []byte) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.SetBoundary("fuzzboundary")
		for _, kv := range fields {
			mw.WriteField(kv[0], kv[1])
		}
		if file != nil {
			fw, _ := mw.CreateFormFile("file", "a.wav")
			fw.Write(file)
		}
		mw.Close()
		return "fuzzboundary", b.Bytes()
	}
	for _, s := range []struct {
		fields [][2]string
		file   []byte
	}{
		{[][2]string{{"language", "en"}}, []byte("RIFF....WAVE")},
		{[][2]string{{"url", "https://example.com/a.mp3"}, {"metadata", `{"a":1}`}}, nil},
		{[][2]string{{"callback_url", "https://example.com/h"}, {"callback_secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}}, []byte{1}},
		{[][2]string{{"speaker_labels", "true"}, {"speakers_expected", "3"}, {"summary", "1"}, {"summary_type", "paragraph"}}, []byte("x")},
		{[][2]string{{"metadata", "{\"a\":\"\xff\"}"}, {"translate", "maybe"}}, bytes.Repeat([]byte{0}, limit+1)},
	} {
		b, body := seed(s.fields, s.file)
		f.Add(b, body)
	}
	f.Add("x", []byte("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../a\"\r\n\r\nabc\r\n--x--\r\n"))
	f.Add("", []byte("garbage"))

	f.Fuzz(func(t *testing.T, boundary string, body []byte) {
		dir := t.TempDir()
		s := &Server{cfg: Config{AudioDir: dir, MaxUploadBytes: limit}}
		req := httptest.NewRequest("POST", "/v1/transcriptions", bytes.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+strconv.Quote(boundary))
		in, up, err := s.readMultipart(req, "job")
		files, _ := os.ReadDir(dir)
		if err != nil {
			if up != nil {
				t.Fatalf("error %v with an upload", err)
			}
			if len(files) != 0 {
				t.Fatalf("error %v left %d files: %v", err, len(files), files[0].Name())
			}
			if _, ok := err.(*apiError); !ok {
				t.Fatalf("error %T %v is not an apiError", err, err)
			}
			return
		}
		if up == nil {
			if len(files) != 0 {
				t.Fatalf("no upload but %d files", len(files))
			}
		} else {
			if len(files) != 1 || files[0].Name() != "job.audio" {
				t.Fatalf("upload: files %v, want job.audio only", files)
			}
			fi, err := os.Stat(filepath.Join(dir, "job.audio"))
			if err != nil || fi.Size() != up.Size || up.Size > limit || up.Size == 0 {
				t.Fatalf("upload size %d, file %v %v", up.Size, fi, err)
			}
			if strings.ContainsAny(up.Filename, "/\\") {
				t.Fatalf("filename %q keeps a path", up.Filename)
			}
		}
		if err := in.validate(up != nil, netguard.Config{}); err == nil {
			if len(in.Metadata) > maxMetadataBytes {
				t.Fatalf("metadata of %d bytes accepted", len(in.Metadata))
			}
			if len(in.Metadata) > 0 && in.Metadata[0] != '{' {
				t.Fatalf("metadata %q accepted", in.Metadata)
			}
		} else if _, ok := err.(*apiError); !ok {
			t.Fatalf("validate error %T %v is not an apiError", err, err)
		}
	})
}

// FuzzSignerVerify checks the signed download URL verifier, with a
// rotated secret (version 2 signs, version 1 still verifies): it never
// panics; it accepts a query only when sig is the MAC, by a kept version,
// of the job, its key, the format and the expiry, and the expiry has not
// passed; and a signature made for one job, key and format never opens
// another. Formats come from the route table and never hold a newline, so
// the fuzzer's formats do not either.
func FuzzSignerVerify(f *testing.F) {
	f.Add("0190a0b0-0000-7000-8000-000000000000", "k1", "txt", int64(1_800_000_000), "0190a0b0-0000-7000-8000-000000000001", "k1", "srt", "1800000000", "2", "", int64(1_700_000_000))
	f.Add("a", "k", "json", int64(5), "a", "k", "json", "+5", "1", "x", int64(5))
	f.Add("a\nb", "k", "txt", int64(-1), "a", "k2", "txt", "0x10", "", "AAAA", int64(0))
	f.Fuzz(func(t *testing.T, job, key, format string, exp int64, job2, key2, format2, expires, kid, sig string, now int64) {
		if strings.Contains(format, "\n") || strings.Contains(format2, "\n") {
			return
		}
		keys := map[string][]byte{"1": []byte("0123456789abcdef0123456789abcdef"), "2": []byte("fedcba9876543210fedcba9876543210")}
		s := newSigner([]store.SecretVersion{{ID: "2", Secret: keys["2"]}, {ID: "1", Secret: keys["1"]}})
		at := time.Unix(now, 0)
		// Arbitrary parameters.
		q := url.Values{"expires": {expires}, "kid": {kid}, "sig": {sig}}
		if err := s.verify(job2, key2, format2, q, at); err == nil {
			e, perr := strconv.ParseInt(expires, 10, 64)
			version := kid
			if kid == "" {
				version = "1"
			}
			if perr != nil || keys[version] == nil || sig != mac(keys[version], kid, job2, key2, format2, e) || now > e {
				t.Fatalf("verify accepted expires=%q kid=%q sig=%q for %q/%q/%q at %d", expires, kid, sig, job2, key2, format2, now)
			}
		}
		// A real signature, by the current version.
		good, err := url.ParseQuery(s.query(job, key, format, time.Unix(exp, 0)))
		if err != nil {
			t.Fatal(err)
		}
		if good.Get("kid") != "2" {
			t.Fatalf("signed by kid %q, want the current version 2", good.Get("kid"))
		}
		err = s.verify(job, key, format, good, at)
		if (err == nil) != (now <= exp) {
			t.Fatalf("own signature at %d, expiry %d: %v", now, exp, err)
		}
		if job2 != job || key2 != key || format2 != format {
			for _, v := range []string{job, job2, key, key2} {
				if strings.Contains(v, "\n") {
					return // ids are UUIDs; a newline would make the MAC input ambiguous
				}
			}
			if s.verify(job2, key2, format2, good, at) == nil {
				t.Fatalf("signature for %q/%q/%q opened %q/%q/%q", job, key, format, job2, key2, format2)
			}
		}
	})
}

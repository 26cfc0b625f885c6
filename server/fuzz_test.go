package server

import (
	"bytes"
	"mime/multipart"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/instanttranscriber/instanttranscriber/netguard"
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

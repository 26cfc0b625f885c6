package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/instanttranscriber/instanttranscriber/audiofile"
)

// maxFieldBytes bounds each non-file multipart field.
const maxFieldBytes = 8 << 10

// savedUpload is an uploaded file written durably to the audio directory.
type savedUpload struct {
	Path     string
	Filename string
	Size     int64
	SHA256   string
}

// remove deletes the file; used when the job is not created after all.
func (u *savedUpload) remove(dir string) {
	if u != nil {
		_ = audiofile.Remove(dir, u.Path)
	}
}

// readMultipart streams a multipart/form-data request: the file part goes
// straight to disk (never into memory), the other fields and the file's
// name into a createRequest. The file is saved as <jobID>.audio.
func (s *Server) readMultipart(r *http.Request, jobID string) (createRequest, *savedUpload, error) {
	var in createRequest
	upload, err := s.readForm(r, jobID, in.setField)
	if err != nil {
		return createRequest{}, nil, err
	}
	if upload != nil {
		in.filename = upload.Filename
	}
	return in, upload, nil
}

// readForm is readMultipart with the non-file fields given to setField.
func (s *Server) readForm(r *http.Request, jobID string, setField func(name, v string) error) (*savedUpload, error) {
	var upload *savedUpload
	fail := func(err error) (*savedUpload, error) {
		upload.remove(s.cfg.AudioDir)
		return nil, err
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return fail(apiErr(CodeInvalidRequest, "malformed multipart body: %v", err))
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(bodyError(err, "malformed multipart body"))
		}
		name := part.FormName()
		if name == "file" {
			if upload != nil {
				return fail(apiErr(CodeInvalidRequest, "send one file per request"))
			}
			upload, err = s.saveUpload(part, jobID)
			if err != nil {
				return fail(err)
			}
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
		if err != nil {
			return fail(bodyError(err, "malformed multipart body"))
		}
		if len(v) > maxFieldBytes {
			return fail(apiErr(CodeInvalidRequest, "field %q is longer than %d bytes", name, maxFieldBytes))
		}
		if err := setField(name, string(v)); err != nil {
			return fail(err)
		}
	}
	return upload, nil
}

// saveUpload writes part through audiofile.Write (temporary file, fsync,
// rename), so a job never points at a partial file. It refuses the upload
// when the audio directory's file system has less than MinFreeDisk free.
// A failure to read the request is the client's; a failure to write is a
// storageError (507).
func (s *Server) saveUpload(part *multipart.Part, jobID string) (*savedUpload, error) {
	if err := s.checkFreeDisk(); err != nil {
		return nil, err
	}
	h := sha256.New()
	var n int64
	final, err := audiofile.Write(s.cfg.AudioDir, jobID, func(f *os.File) error {
		w := &fileWriter{f: f}
		var err error
		n, err = io.Copy(io.MultiWriter(w, h), io.LimitReader(part, s.cfg.MaxUploadBytes+1))
		switch {
		case w.err != nil:
			return &storageError{op: "write upload", err: w.err}
		case err != nil:
			return bodyError(err, "upload interrupted")
		case n > s.cfg.MaxUploadBytes:
			return apiErr(CodePayloadTooLarge, "the file is larger than the %d byte limit", s.cfg.MaxUploadBytes)
		case n == 0:
			return apiErr(CodeInvalidAudio, "the file is empty")
		}
		return nil
	})
	if fe := (*audiofile.Error)(nil); errors.As(err, &fe) {
		return nil, &storageError{op: fe.Op + " upload", err: fe.Err}
	}
	if err != nil {
		return nil, err
	}
	return &savedUpload{Path: final, Filename: cleanFilename(part.FileName()), Size: n, SHA256: hexSum(h)}, nil
}

// checkFreeDisk refuses an upload, as a storageError, while the audio
// directory's file system has less than MinFreeDisk bytes free (0: no
// check) or its free space cannot be read.
func (s *Server) checkFreeDisk() error {
	limit := s.cfg.MinFreeDisk
	if limit <= 0 {
		return nil
	}
	free, err := s.freeDisk(s.cfg.AudioDir)
	if err != nil {
		return &storageError{op: "check free disk space", err: err}
	}
	if free < uint64(limit) {
		return &storageError{op: "check free disk space",
			err: fmt.Errorf("%w: %d bytes free, server.min_free_disk is %d", errLowDisk, free, limit)}
	}
	return nil
}

// fileWriter writes to f and keeps the first write error, so that a failed
// copy can be told apart from a failed read of the request.
type fileWriter struct {
	f   *os.File
	err error
}

func (w *fileWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// bodyError maps an error reading the request body: over the size limit is
// payload_too_large, anything else the client's fault.
func bodyError(err error, what string) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return apiErr(CodePayloadTooLarge, "request body larger than %d bytes", mbe.Limit)
	}
	return apiErr(CodeInvalidRequest, "%s: %v", what, err)
}

// cleanFilename keeps the base name of a client's file name, for display.
func cleanFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "." || name == "/" {
		return ""
	}
	if len(name) > 255 {
		name = name[:255]
	}
	return strings.ToValidUTF8(name, "")
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

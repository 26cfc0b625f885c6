package server

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/instanttranscriber/instanttranscriber/engine/export"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// export serves /v1/transcriptions/{id}/export.{txt,srt,vtt,json}, to the
// job's own bearer key or to anyone holding a valid signed URL while the
// job's key is not revoked.
func (s *Server) export(format export.Format) echo.HandlerFunc {
	return func(c echo.Context) error { return s.serveExport(c, format) }
}

func (s *Server) serveExport(c echo.Context, format export.Format) error {
	opts, canon, err := captionParams(format, c.QueryParams())
	if err != nil {
		return err
	}
	job, err := s.downloadJob(c, captionScope(format, canon))
	if err != nil {
		return err
	}
	if job.Status != store.Completed {
		return apiErr(CodeNotReady, "the transcription is %s; exports exist once it is completed", job.Status)
	}
	tr, err := s.transcript(job)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.Write(&buf, tr.Transcript(), format, opts); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+job.ID+format.Extension()+`"`)
	h.Set("Cache-Control", "private, max-age=0")
	// The transcript is the speaker's words: never sniffed as HTML, and a
	// signed URL never leaks to the next site through Referer.
	h.Set(echo.HeaderXContentTypeOptions, "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	return c.Blob(http.StatusOK, format.ContentType(), buf.Bytes())
}

// downloadJob returns the job that a download request (an export or the
// audio) opens: with a signed URL for scope (the export format, or
// "audio") when it carries sig and no Authorization header, otherwise with
// the job's own bearer key.
func (s *Server) downloadJob(c echo.Context, scope string) (store.Job, error) {
	id := c.Param("id")
	if c.QueryParam("sig") != "" && c.Request().Header.Get(echo.HeaderAuthorization) == "" {
		return s.signedJob(id, scope, c)
	}
	k, err := s.keyFromRequest(c)
	if err != nil {
		return store.Job{}, err
	}
	if err := s.limits.allow(k.ID); err != nil {
		return store.Job{}, err
	}
	job, err := s.store.GetJobForKey(id, k.ID)
	if err != nil {
		return store.Job{}, notFoundJob(err)
	}
	return job, nil
}

// signedJob returns the job a signed download URL for scope opens. The signature covers
// the job's key, so the job is read first; a missing job is refused like a
// bad signature, and so, once it is valid, is a job whose key was revoked.
func (s *Server) signedJob(id, scope string, c echo.Context) (store.Job, error) {
	invalid := apiErr(CodeForbidden, "invalid signed url")
	job, err := s.store.GetJob(id)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
		return store.Job{}, invalid
	}
	if err != nil {
		return store.Job{}, err
	}
	if err := s.signer.Verify(id, job.KeyID, scope, c.QueryParams(), s.now()); err != nil {
		return store.Job{}, apiErr(CodeForbidden, "%s", err.Error())
	}
	owner, err := s.store.GetKey(job.KeyID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.Job{}, err
	}
	if err != nil || owner.Revoked() {
		return store.Job{}, apiErr(CodeForbidden, "signed url no longer valid: the api key that owns this transcription was revoked")
	}
	return job, nil
}

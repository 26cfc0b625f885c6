package server

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/instanttranscriber/instanttranscriber/engine/export"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// export serves /v1/transcriptions/{id}/export.{txt,srt,vtt,json}, to the
// job's own bearer key or to anyone holding a valid signed URL.
func (s *Server) export(format export.Format) echo.HandlerFunc {
	return func(c echo.Context) error { return s.serveExport(c, format) }
}

func (s *Server) serveExport(c echo.Context, format export.Format) error {
	id := c.Param("id")
	var (
		job store.Job
		err error
	)
	if c.QueryParam("sig") != "" && c.Request().Header.Get(echo.HeaderAuthorization) == "" {
		if err := s.signer.verify(id, string(format), c.QueryParams(), s.now()); err != nil {
			return err
		}
		// The signature names the job; no key is involved.
		if job, err = s.store.GetJob(id); err != nil {
			return notFoundJob(err)
		}
	} else {
		k, err := s.keyFromRequest(c)
		if err != nil {
			return err
		}
		if err := s.limits.allow(k.ID); err != nil {
			return err
		}
		if job, err = s.store.GetJobForKey(id, k.ID); err != nil {
			return notFoundJob(err)
		}
	}
	if job.Status != store.Completed {
		return apiErr(CodeNotReady, "the transcription is %s; exports exist once it is completed", job.Status)
	}
	tr, err := s.transcript(job.ID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.Write(&buf, tr.Transcript(), format, export.CaptionOptions{}); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+job.ID+format.Extension()+`"`)
	h.Set("Cache-Control", "private, max-age=0")
	return c.Blob(http.StatusOK, format.ContentType(), buf.Bytes())
}

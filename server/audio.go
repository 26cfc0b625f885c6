package server

import (
	"errors"
	"io/fs"
	"net/http"
	"os"

	"github.com/labstack/echo/v4"

	"github.com/instanttranscriber/instanttranscriber/delivery"
	"github.com/instanttranscriber/instanttranscriber/engine/audio"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// audioScope is what a signed audio URL's signature covers in place of an
// export format.
const audioScope = delivery.AudioLink

// audioRetained reports whether j's audio file is kept, so that
// /v1/transcriptions/{id}/audio can serve it.
func audioRetained(j store.Job) bool {
	return j.Source.AudioPath != ""
}

// serveAudio serves /v1/transcriptions/{id}/audio: the job's audio file as
// it was uploaded or downloaded, to the job's bearer key or a signed URL.
// http.ServeContent answers Range requests with 206, so players can seek.
// The media type comes from the file's magic bytes, never from the name the
// client gave it.
func (s *Server) serveAudio(c echo.Context) error {
	job, err := s.downloadJob(c, audioScope)
	if err != nil {
		return err
	}
	notKept := apiErr(CodeNotFound, "the audio of this transcription was not retained: create the job with retain_audio=true (or set jobs.retain_audio) to keep it")
	if !audioRetained(job) {
		return notKept
	}
	f, err := os.Open(job.Source.AudioPath)
	if errors.Is(err, fs.ErrNotExist) && s.fetch != nil {
		var path string
		if path, err = s.fetch(job); err == nil {
			f, err = os.Open(path)
		}
	}
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, store.ErrNotFound) {
		return notKept
	}
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	ctype := audio.ContentType(f, info.Size())
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, ctype)
	h.Set("Cache-Control", "private, max-age=0")
	h.Set(echo.HeaderXContentTypeOptions, "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	// ServeContent seeks back to the start itself and handles Range,
	// If-Range and HEAD.
	http.ServeContent(c.Response(), c.Request(), "", info.ModTime(), f)
	return nil
}

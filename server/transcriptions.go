package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/instanttranscriber/instanttranscriber/audiofile"
	"github.com/instanttranscriber/instanttranscriber/delivery"
	"github.com/instanttranscriber/instanttranscriber/engine/export"
	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// maxJSONBody bounds a JSON request body (no file in it).
const maxJSONBody = 64 << 10

// createTranscription accepts an upload or a URL and queues a job. The 202
// goes out only once the job is in the store; the audio is on disk (fsynced)
// before that.
func (s *Server) createTranscription(c echo.Context) error {
	key := keyOf(c)
	req := c.Request()
	idemKey := strings.TrimSpace(req.Header.Get("Idempotency-Key"))
	if len(idemKey) > maxIdempotencyKeyBytes {
		return apiErr(CodeInvalidRequest, "Idempotency-Key is longer than %d bytes", maxIdempotencyKeyBytes)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	jobID := id.String()

	var (
		in     createRequest
		upload *savedUpload
	)
	mediaType, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	switch mediaType {
	case echo.MIMEMultipartForm:
		// Room for the form's other fields and boundaries on top of the file.
		req.Body = http.MaxBytesReader(c.Response(), req.Body, s.cfg.MaxUploadBytes+1<<20)
		in, upload, err = s.readMultipart(req, jobID)
	case echo.MIMEApplicationJSON:
		in, err = decodeJSONRequest(http.MaxBytesReader(c.Response(), req.Body, maxJSONBody))
	default:
		return apiErr(CodeUnsupportedMedia, "Content-Type must be multipart/form-data (with a file or url field) or application/json (with a url)")
	}
	if err != nil {
		return err
	}
	created := false
	defer func() {
		if !created {
			upload.remove(s.cfg.AudioDir)
		}
	}()
	guard := netguard.Config{AllowPrivateNetworks: s.cfg.AllowPrivateNetworks}
	if err := in.validate(upload != nil, guard); err != nil {
		return err
	}
	model, err := s.resolveModel(in.Model)
	if err != nil {
		return err
	}

	job := store.Job{
		ID:          jobID,
		KeyID:       key.ID,
		MaxAttempts: s.cfg.MaxAttempts,
		Options: store.JobOptions{
			Language:         in.Language,
			Translate:        in.Translate,
			Diarize:          in.SpeakerLabels,
			SpeakersExpected: in.SpeakersExpected,
			MinSpeakers:      in.MinSpeakers,
			MaxSpeakers:      in.MaxSpeakers,
			Summarize:        in.Summary,
			SummaryType:      in.SummaryType,
			Prompt:           in.Prompt,
			Vocabulary:       in.Vocabulary,
			Model:            model,
		},
		CallbackURL:    in.CallbackURL,
		CallbackSecret: in.CallbackSecret,
		Metadata:       in.Metadata,
		RetainAudio:    in.RetainAudio,
		Source:         store.Source{URL: in.URL},
	}
	lim := store.CreateLimits{
		MaxQueued:      s.cfg.MaxQueuedPerKey,
		QuotaSeconds:   key.QuotaSeconds,
		IdempotencyKey: idemKey,
		IdempotencyTTL: s.cfg.IdempotencyTTL,
	}
	fileSum := ""
	if upload != nil {
		info, err := s.probeUpload(c, upload.Path)
		if err != nil {
			return err
		}
		job.Source = store.Source{AudioPath: upload.Path, Filename: upload.Filename, Size: upload.Size}
		job.AudioDuration = info.Duration
		lim.ProbedSeconds = info.Duration.Seconds()
		fileSum = upload.SHA256
	}
	if idemKey != "" {
		lim.RequestHash = in.hash(fileSum)
	}

	stored, existing, err := s.store.CreateJob(job, lim)
	if err != nil {
		return err
	}
	if existing {
		c.Response().Header().Set("Idempotent-Replayed", "true")
	} else {
		created = true
		s.jobs.Notify()
	}
	c.Response().Header().Set(echo.HeaderLocation, s.public+"/v1/transcriptions/"+stored.ID)
	return c.JSON(http.StatusAccepted, s.toJobResponse(stored, nil, false))
}

// decodeJSONRequest reads a JSON create request.
func decodeJSONRequest(r io.Reader) (createRequest, error) {
	var in createRequest
	err := decodeStrict(r, &in)
	return in, err
}

// decodeStrict decodes one JSON object into v, refusing unknown fields and
// trailing data.
func decodeStrict(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError(err, "invalid JSON body")
	}
	if dec.More() {
		return apiErr(CodeInvalidRequest, "invalid JSON body: data after the object")
	}
	return nil
}

// getTranscription returns one job of the calling key, with the transcript
// when it is completed. Caption parameters in the query (see
// captionParams) go into the signed srt and vtt download URLs.
func (s *Server) getTranscription(c echo.Context) error {
	_, canon, err := captionParams(export.SRT, c.QueryParams())
	if err != nil {
		return err
	}
	j, err := s.store.GetJobForKey(c.Param("id"), keyOf(c).ID)
	if err != nil {
		return notFoundJob(err)
	}
	var tr *export.JSONTranscript
	if j.Status == store.Completed {
		if tr, err = s.transcript(j); err != nil {
			return err
		}
	}
	r := s.toJobResponse(j, tr, true)
	s.captionURLs(r.DownloadURLs, j.ID, j.KeyID, canon)
	return c.JSON(http.StatusOK, r)
}

// transcript reads a completed job's stored JSON transcript, with the
// speaker names the job was given since.
func (s *Server) transcript(job store.Job) (*export.JSONTranscript, error) {
	b, err := s.store.GetTranscript(job.ID)
	if err != nil {
		return nil, err
	}
	var tr export.JSONTranscript
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&tr); err != nil {
		return nil, err
	}
	for i, sp := range tr.Speakers {
		tr.Speakers[i].Name = job.SpeakerNames[sp.Label]
	}
	return &tr, nil
}

// notFoundJob turns a store miss (including an invalid ID) into not_found.
func notFoundJob(err error) error {
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
		return apiErr(CodeNotFound, "no such transcription")
	}
	return err
}

// listTranscriptions pages through the calling key's jobs, newest first.
func (s *Server) listTranscriptions(c echo.Context) error {
	limit := 20
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return apiErr(CodeInvalidRequest, "limit must be an integer from 1 to 100")
		}
		limit = n
	}
	status := store.Status(c.QueryParam("status"))
	if status != "" && !status.Valid() {
		return apiErr(CodeInvalidRequest, "status must be one of queued, processing, completed, failed, canceled")
	}
	jobs, next, err := s.store.ListJobs(keyOf(c).ID, status, limit, c.QueryParam("cursor"))
	if errors.Is(err, store.ErrInvalid) {
		return apiErr(CodeInvalidRequest, "invalid cursor")
	}
	if err != nil {
		return err
	}
	resp := listResponse{Data: make([]jobResponse, 0, len(jobs))}
	for _, j := range jobs {
		resp.Data = append(resp.Data, s.toJobResponse(j, nil, false))
	}
	if next != "" {
		resp.NextCursor = &next
	}
	return c.JSON(http.StatusOK, resp)
}

// deleteTranscription cancels an active job (202) or deletes a finished one
// with its transcript and audio (204).
func (s *Server) deleteTranscription(c echo.Context) error {
	id, keyID := c.Param("id"), keyOf(c).ID
	j, err := s.store.GetJobForKey(id, keyID)
	if err != nil {
		return notFoundJob(err)
	}
	if !j.Status.Terminal() {
		j, err = s.store.CancelJob(id, keyID, delivery.Build)
		if errors.Is(err, store.ErrAlreadyFinished) {
			// It finished between the two reads; delete it instead.
			return s.deleteFinished(c, id, keyID)
		}
		if err != nil {
			return notFoundJob(err)
		}
		s.jobs.Cancel(id)
		return c.JSON(http.StatusAccepted, s.toJobResponse(j, nil, false))
	}
	return s.deleteFinished(c, id, keyID)
}

func (s *Server) deleteFinished(c echo.Context, id, keyID string) error {
	j, err := s.store.DeleteJob(id, keyID)
	if err != nil {
		return notFoundJob(err)
	}
	if j.Source.AudioPath != "" {
		if err := audiofile.Remove(s.cfg.AudioDir, j.Source.AudioPath); err != nil {
			s.log.Warn("delete audio", "job_id", id, "err", err)
		}
	}
	return c.NoContent(http.StatusNoContent)
}

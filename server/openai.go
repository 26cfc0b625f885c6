package server

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/instanttranscriber/instanttranscriber/delivery"
	"github.com/instanttranscriber/instanttranscriber/failure"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// The OpenAI-compatible API: POST /v1/audio/transcriptions and
// /v1/audio/translations answer with the transcript on the same request,
// and GET /v1/models lists the model. A synchronous request becomes a job
// marked store.Job.Sync that goes through the same worker pool as the
// asynchronous API (the store serves the two queues in turn); the handler
// waits for it and renders the result in OpenAI's shapes. The job stays in
// the key's job list with source type "sync", so its transcript and exports
// remain available until the retention janitor expires it. A client that
// disconnects cancels its job.

// whisperAlias is the model name every OpenAI client sends; it names the
// configured model.
const whisperAlias = "whisper-1"

// syncPollInterval is how often a synchronous request looks at its job.
const syncPollInterval = 50 * time.Millisecond

// OpenAI response formats.
const (
	formatJSON        = "json"
	formatText        = "text"
	formatSRT         = "srt"
	formatVTT         = "vtt"
	formatVerboseJSON = "verbose_json"
)

// openAIRequest is the multipart form of /v1/audio/transcriptions and
// /v1/audio/translations.
type openAIRequest struct {
	Model          string
	Language       string
	Prompt         string
	ResponseFormat string
	Temperature    float64
	Words          bool
	Segments       bool
	granularities  bool
}

// setField sets a form field; a bad value is a 400 naming the field in
// error.param.
func (r *openAIRequest) setField(name, v string) error {
	switch name {
	case "model":
		r.Model = strings.TrimSpace(v)
	case "language":
		r.Language = v
	case "prompt":
		r.Prompt = v
	case "response_format":
		r.ResponseFormat = strings.TrimSpace(v)
	case "temperature":
		t, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || t < 0 || t > 1 {
			return paramErr(name, "temperature must be a number from 0 to 1")
		}
		r.Temperature = t
	case "timestamp_granularities[]", "timestamp_granularities":
		r.granularities = true
		switch strings.TrimSpace(v) {
		case "word":
			r.Words = true
		case "segment":
			r.Segments = true
		default:
			return paramErr(name, "timestamp_granularities must be word or segment")
		}
	case "stream":
		if b, err := strconv.ParseBool(strings.TrimSpace(v)); err != nil || b {
			return paramErr(name, "streaming is not supported; send stream=false or leave it out")
		}
	default:
		return paramErr(name, "unknown field %q", name)
	}
	return nil
}

// validate checks the request against the configured model.
func (r *openAIRequest) validate(hasFile bool, models []string) error {
	if !hasFile {
		return paramErr("file", "send the audio in the multipart field \"file\"")
	}
	if r.Model == "" {
		return paramErr("model", "model is required (%s)", strings.Join(models, " or "))
	}
	known := false
	for _, m := range models {
		known = known || r.Model == m
	}
	if !known {
		return paramErr("model", "unknown model %q (this server has %s)", r.Model, strings.Join(models, " and "))
	}
	lang, ok := normalizeLanguage(r.Language)
	if !ok {
		return paramErr("language", "language %q is not a language whisper knows (use an ISO 639-1 code such as \"en\")", r.Language)
	}
	r.Language = lang
	switch r.ResponseFormat {
	case "":
		r.ResponseFormat = formatJSON
	case formatJSON, formatText, formatSRT, formatVTT, formatVerboseJSON:
	default:
		return paramErr("response_format", "response_format must be json, text, srt, verbose_json or vtt")
	}
	if !r.granularities {
		r.Segments = true
	}
	return nil
}

// modelID is the configured model's id: its file name without extension.
func (s *Server) modelID() string {
	if s.cfg.ModelPath == "" {
		return ""
	}
	base := filepath.Base(s.cfg.ModelPath)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// modelIDs are the accepted values of the model field: the model names,
// default first, and whisper-1.
func (s *Server) modelIDs() []string {
	return append(append([]string(nil), s.modelNames()...), whisperAlias)
}

// openAITranscribe serves /v1/audio/transcriptions (translate false) and
// /v1/audio/translations (translate true, into English).
func (s *Server) openAITranscribe(translate bool) echo.HandlerFunc {
	return func(c echo.Context) error { return s.syncTranscription(c, translate) }
}

func (s *Server) syncTranscription(c echo.Context, translate bool) error {
	key := keyOf(c)
	req := c.Request()
	if mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType)); mt != echo.MIMEMultipartForm {
		return apiErr(CodeUnsupportedMedia, "Content-Type must be multipart/form-data with the audio in the field \"file\"")
	}
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	jobID := id.String()

	var in openAIRequest
	req.Body = http.MaxBytesReader(c.Response(), req.Body, s.cfg.MaxUploadBytes+1<<20)
	upload, err := s.readForm(req, jobID, in.setField)
	if err != nil {
		return err
	}
	// Read the body to its end, so that the server notices when the client
	// goes away while it waits.
	if _, err := io.Copy(io.Discard, req.Body); err != nil {
		upload.remove(s.cfg.AudioDir)
		return bodyError(err, "malformed multipart body")
	}
	created := false
	defer func() {
		if !created {
			upload.remove(s.cfg.AudioDir)
		}
	}()
	if err := in.validate(upload != nil, s.modelIDs()); err != nil {
		return err
	}
	model, _ := s.resolveModel(in.Model) // validate checked the name
	info, err := s.probeUpload(c, upload.Path)
	if err != nil {
		return err
	}
	duration := info.Duration
	job := store.Job{
		ID:          jobID,
		KeyID:       key.ID,
		MaxAttempts: s.cfg.MaxAttempts,
		Sync:        true,
		Options: store.JobOptions{
			Language:  in.Language,
			Translate: translate,
			Prompt:    in.Prompt,
			Model:     model,
		},
		Source:        store.Source{AudioPath: upload.Path, Filename: upload.Filename, Size: upload.Size},
		AudioDuration: duration,
	}
	stored, _, err := s.store.CreateJob(job, store.CreateLimits{
		MaxQueued:     s.cfg.MaxQueuedPerKey,
		QuotaSeconds:  key.QuotaSeconds,
		ProbedSeconds: duration.Seconds(),
	})
	if err != nil {
		return err
	}
	created = true
	s.jobs.Notify()

	final, err := s.awaitJob(req.Context(), stored)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		s.log.Info("client went away; synchronous job canceled", "job_id", stored.ID, "key_id", key.ID)
		return nil
	}
	if err != nil {
		return err
	}
	switch final.Status {
	case store.Completed:
		tr, err := s.transcript(final)
		if err != nil {
			return err
		}
		return s.renderOpenAI(c, in, translate, final, tr)
	case store.Canceled:
		return apiErr(CodeConflict, "the transcription %s was canceled", final.ID)
	default:
		return jobFailure(final)
	}
}

// awaitJob waits until job is terminal and returns it. When ctx ends first
// (the client disconnected), it cancels the job in the store and in the
// pool and returns ctx's error.
func (s *Server) awaitJob(ctx context.Context, job store.Job) (store.Job, error) {
	t := time.NewTicker(syncPollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			_, err := s.store.CancelJob(job.ID, job.KeyID, delivery.Build)
			if err != nil && !errors.Is(err, store.ErrAlreadyFinished) {
				s.log.Warn("cancel synchronous job", "job_id", job.ID, "err", err)
			}
			s.jobs.Cancel(job.ID)
			return job, ctx.Err()
		case <-t.C:
		}
		j, err := s.store.GetJob(job.ID)
		if err != nil {
			return job, err
		}
		if j.Status.Terminal() {
			return j, nil
		}
	}
}

// jobFailure maps a failed job's error code to the API error of the
// request that waited for it (failure.RequestCode).
func jobFailure(j store.Job) error {
	if j.Error == nil {
		return apiErr(CodeInternal, "the transcription failed")
	}
	msg := j.Error.Message
	if code, ok := failure.RequestCode(j.Error.Code); ok {
		return apiErr(code, "%s", msg)
	}
	return apiErr(CodeInternal, "the transcription failed (%s): %s", j.Error.Code, msg)
}

// modelObject is one entry of GET /v1/models.
type modelObject struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

type modelList struct {
	Object string        `json:"object"`
	Data   []modelObject `json:"data"`
}

// listModels lists the configured models, the default first, and
// "whisper-1", the default's alias, created at the default model file's
// modification time.
func (s *Server) listModels(c echo.Context) error {
	var created int64
	if s.cfg.ModelPath != "" {
		if fi, err := os.Stat(s.cfg.ModelPath); err == nil {
			created = fi.ModTime().Unix()
		}
	}
	resp := modelList{Object: "list", Data: []modelObject{}}
	for _, id := range s.modelIDs() {
		resp.Data = append(resp.Data, modelObject{ID: id, Object: "model", Created: created, OwnedBy: "instanttranscriber"})
	}
	return c.JSON(http.StatusOK, resp)
}

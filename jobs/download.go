package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/instanttranscriber/instanttranscriber/audiofile"
	"github.com/instanttranscriber/instanttranscriber/engine/audio"
	"github.com/instanttranscriber/instanttranscriber/failure"
	"github.com/instanttranscriber/instanttranscriber/netguard"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// download fetches a URL import into AudioDir, records it with SetAudio
// (job is updated to match) and reserves its duration against the key's
// monthly quota.
func (p *Pool) download(ctx context.Context, job *store.Job, logger *slog.Logger) error {
	if p.fetch == nil || p.cfg.AudioDir == "" {
		return internalError(errors.New("url imports need an http client and an audio directory"))
	}
	name, size, err := p.fetchTo(ctx, job.Source.URL, job.ID)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		return p.downloadFailure(err)
	}
	info, probeErr := audio.Probe(ctx, name, audio.Options{MaxDuration: p.cfg.MaxAudioDuration})
	src := store.Source{AudioPath: name, Filename: job.Source.Filename, Size: size}
	// Record the file even when probing failed, so that finishing the job
	// removes it.
	if err := p.st.SetAudio(job.ID, src, info.Duration); err != nil {
		p.removeAudio(name, logger)
		if errors.Is(err, store.ErrNotProcessing) {
			return fmt.Errorf("%w: %w", errLost, err)
		}
		return internalError(err)
	}
	src.URL = job.Source.URL
	job.Source, job.AudioDuration = src, info.Duration
	logger.Info("audio downloaded", "bytes", size, "audio_seconds", info.Duration.Seconds(), "url_host", urlHost(src.URL))
	if probeErr != nil {
		return probeErr
	}
	return p.reserveAudio(*job, info.Duration)
}

// fetchTo downloads rawURL to the audio file of job jobID, written
// through audiofile.Write so that it never holds a partial download.
func (p *Pool) fetchTo(ctx context.Context, rawURL, jobID string) (string, int64, error) {
	var n int64
	path, err := audiofile.Write(p.cfg.AudioDir, jobID, func(f *os.File) error {
		var err error
		n, _, err = netguard.Download(ctx, p.fetch, rawURL, f, netguard.Limits{
			MaxBytes:    p.cfg.MaxDownloadBytes,
			IdleTimeout: p.cfg.DownloadIdleTimeout,
			Timeout:     p.cfg.DownloadTimeout,
		})
		return err
	})
	if fe := (*audiofile.Error)(nil); errors.As(err, &fe) {
		return "", 0, internalError(err)
	}
	if err != nil {
		return "", 0, err
	}
	return path, n, nil
}

// reserveAudio reserves the downloaded audio against the key's monthly
// quota. Upload jobs reserved theirs when created; a URL import's length is
// only known now. The store checks usage and reservations and reserves in
// one transaction; a refusal fails the job with failure.QuotaExceeded.
func (p *Pool) reserveAudio(job store.Job, d time.Duration) error {
	err := p.st.ReserveAudio(job.ID, d)
	var qe *store.QuotaError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &qe):
		return &Error{
			Code: failure.QuotaExceeded,
			Message: fmt.Sprintf("the audio (%s) would exceed the API key's monthly quota of %s (%s used, %s reserved by other jobs)",
				formatDuration(d), formatDuration(time.Duration(qe.QuotaSeconds)*time.Second),
				formatDuration(seconds(qe.UsedSeconds)), formatDuration(seconds(qe.ReservedSeconds))),
		}
	case errors.Is(err, store.ErrNotProcessing):
		return fmt.Errorf("%w: %w", errLost, err)
	default:
		return internalError(err)
	}
}

// seconds converts a count of seconds to a Duration.
func seconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second))
}

// urlHost returns the host of rawURL, for logs that must not carry the
// query, which can hold access tokens.
func urlHost(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.Host
}

// redactErr returns err for logging with the query and fragment of any URL
// it carries (a *url.Error from the HTTP client) removed.
func redactErr(err error) string {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err.Error()
	}
	u, perr := url.Parse(ue.URL)
	if perr != nil {
		return ue.Op + " [url]: " + ue.Err.Error()
	}
	if u.RawQuery != "" || u.Fragment != "" {
		u.RawQuery, u.Fragment = "", ""
		return ue.Op + " " + u.Redacted() + "?[redacted]: " + ue.Err.Error()
	}
	return ue.Op + " " + u.Redacted() + ": " + ue.Err.Error()
}

package netguard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// drainLimit is how much of an unwanted response body Download reads before
// closing it, so that a short error page does not cost the connection.
const drainLimit = 4 << 10

// Limits bound one Download.
type Limits struct {
	// MaxBytes is the most body bytes written; it must be positive.
	MaxBytes int64
	// IdleTimeout, when positive, ends the download with ErrIdleTimeout if
	// the body delivers no byte for that long, so a server that trickles
	// or stalls cannot hold the caller.
	IdleTimeout time.Duration
	// Timeout, when positive, bounds the whole download, from connecting to
	// the last byte; it ends with ErrDownloadTimeout.
	Timeout time.Duration
}

// Download GETs rawURL with c and copies the response body to w within lim.
// It returns the number of bytes written and the response's Content-Type.
//
// rawURL is checked with ValidateURL first; use a client from NewClient so
// that the address checks apply too. A response outside 2xx gives a
// *StatusError. A body longer than lim.MaxBytes gives ErrTooLarge, before
// any byte is written when Content-Length announces it, or once the limit
// is passed otherwise; a body that pauses longer than lim.IdleTimeout gives
// ErrIdleTimeout, and a download longer than lim.Timeout ErrDownloadTimeout.
// w then holds a truncated body the caller should discard.
func Download(ctx context.Context, c *http.Client, rawURL string, w io.Writer, lim Limits) (n int64, contentType string, err error) {
	maxBytes := lim.MaxBytes
	if maxBytes <= 0 {
		return 0, "", fmt.Errorf("download: maxBytes must be positive, got %d", maxBytes)
	}
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	if lim.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, lim.Timeout, fmt.Errorf("%w: over %s", ErrDownloadTimeout, lim.Timeout))
		defer cancel()
	}
	defer func() {
		// The transport reports a cancelled request as context.Canceled;
		// name the limit that cancelled it.
		if err != nil && ctx.Err() != nil {
			if cause := context.Cause(ctx); errors.Is(cause, ErrIdleTimeout) || errors.Is(cause, ErrDownloadTimeout) {
				err = fmt.Errorf("download: %w", cause)
			}
		}
	}()
	u, err := ValidateURL(rawURL)
	if err != nil {
		return 0, "", fmt.Errorf("download: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, "", fmt.Errorf("download: %w", err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("download: %w", err)
	}
	defer resp.Body.Close()
	contentType = resp.Header.Get("Content-Type")

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)
		return 0, contentType, fmt.Errorf("download: %w", &StatusError{Code: resp.StatusCode})
	}
	if resp.ContentLength > maxBytes {
		return 0, contentType, fmt.Errorf("download: %w: content-length %d exceeds limit %d", ErrTooLarge, resp.ContentLength, maxBytes)
	}

	var body io.Reader = resp.Body
	if lim.IdleTimeout > 0 {
		idle := newIdleReader(resp.Body, lim.IdleTimeout, stop)
		defer idle.stop()
		body = idle
	}
	n, err = io.Copy(w, io.LimitReader(body, maxBytes))
	if err != nil {
		return n, contentType, fmt.Errorf("download: %w", err)
	}
	if n == maxBytes {
		// The limit was reached: the body is too large if anything is left.
		var probe [1]byte
		m, err := io.ReadFull(body, probe[:])
		if m > 0 {
			return n, contentType, fmt.Errorf("download: %w: body exceeds limit %d", ErrTooLarge, maxBytes)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return n, contentType, fmt.Errorf("download: %w", err)
		}
	}
	return n, contentType, nil
}

// idleReader cancels a download, through its context, when no byte has
// arrived for d.
type idleReader struct {
	r     io.Reader
	d     time.Duration
	timer *time.Timer
}

func newIdleReader(r io.Reader, d time.Duration, cancel context.CancelCauseFunc) *idleReader {
	cause := fmt.Errorf("%w: no data for %s", ErrIdleTimeout, d)
	return &idleReader{r: r, d: d, timer: time.AfterFunc(d, func() { cancel(cause) })}
}

// Read implements io.Reader; every byte received restarts the idle timer.
func (ir *idleReader) Read(p []byte) (int, error) {
	n, err := ir.r.Read(p)
	if n > 0 {
		ir.timer.Reset(ir.d)
	}
	return n, err
}

func (ir *idleReader) stop() { ir.timer.Stop() }

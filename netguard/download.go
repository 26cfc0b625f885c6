package netguard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// drainLimit is how much of an unwanted response body Download reads before
// closing it, so that a short error page does not cost the connection.
const drainLimit = 4 << 10

// Download GETs rawURL with c and copies the response body to w, writing at
// most maxBytes bytes. It returns the number of bytes written and the
// response's Content-Type.
//
// rawURL is checked with ValidateURL first; use a client from NewClient so
// that the address checks apply too. A response outside 2xx gives a
// *StatusError. A body longer than maxBytes gives ErrTooLarge, before any
// byte is written when Content-Length announces it, or once the limit is
// passed otherwise; w then holds a truncated body the caller should discard.
// maxBytes must be positive.
func Download(ctx context.Context, c *http.Client, rawURL string, w io.Writer, maxBytes int64) (n int64, contentType string, err error) {
	if maxBytes <= 0 {
		return 0, "", fmt.Errorf("download: maxBytes must be positive, got %d", maxBytes)
	}
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

	n, err = io.Copy(w, io.LimitReader(resp.Body, maxBytes))
	if err != nil {
		return n, contentType, fmt.Errorf("download: %w", err)
	}
	if n == maxBytes {
		// The limit was reached: the body is too large if anything is left.
		var probe [1]byte
		m, err := io.ReadFull(resp.Body, probe[:])
		if m > 0 {
			return n, contentType, fmt.Errorf("download: %w: body exceeds limit %d", ErrTooLarge, maxBytes)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return n, contentType, fmt.Errorf("download: %w", err)
		}
	}
	return n, contentType, nil
}
